"use client";
/** The user's signed-in devices through the BFF: list, sign one out, sign out all the others. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { SessionDto } from "../../shared/schemas";
import { bffFetch } from "../bff-fetch";

export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => bffFetch<{ items: SessionDto[] }>("/bff/api/sessions"),
    select: (data) => data.items,
  });
}

/** After a revocation the device list and the activity log have both changed. */
function useInvalidateSessions() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.sessions }), queryClient.invalidateQueries({ queryKey: queryKeys.activity })]);
}

export function useRevokeSession() {
  const invalidate = useInvalidateSessions();
  return useMutation({
    mutationFn: (id: string) => bffFetch<void>(`/bff/api/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: invalidate,
  });
}

export function useRevokeOtherSessions() {
  const invalidate = useInvalidateSessions();
  return useMutation({
    mutationFn: () => bffFetch<{ revoked: number }>("/bff/api/sessions?others=true", { method: "DELETE" }),
    onSettled: invalidate,
  });
}
