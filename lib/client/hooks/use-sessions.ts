"use client";
/** The user's signed-in devices through the BFF: list, sign one out, sign out all the others. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { SessionDto } from "../../shared/schemas";
import { bffFetch } from "../bff-fetch";
import { useRefetchAfterChange } from "./use-refetch-after-change";

export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => bffFetch<{ items: SessionDto[] }>("/bff/api/sessions"),
    select: (data) => data.items,
  });
}

/** After a revocation the device list and the activity log have both changed. */
const useRefetchSessions = () => useRefetchAfterChange(queryKeys.sessions, queryKeys.activity);

export function useRevokeSession() {
  const refetch = useRefetchSessions();
  return useMutation({
    mutationFn: (id: string) => bffFetch<void>(`/bff/api/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: refetch,
  });
}

export function useRevokeOtherSessions() {
  const refetch = useRefetchSessions();
  return useMutation({
    mutationFn: () => bffFetch<{ revoked: number }>("/bff/api/sessions?others=true", { method: "DELETE" }),
    onSettled: refetch,
  });
}
