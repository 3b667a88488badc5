"use client";
/** The user's own account through the BFF: read it, change the display name, delete it. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { PublicUserDto } from "../../shared/schemas";
import { bffFetch } from "../bff-fetch";
import { beginSignOut } from "../session-events";

export function useProfile() {
  return useQuery({
    queryKey: queryKeys.profile,
    queryFn: () => bffFetch<{ user: PublicUserDto }>("/bff/api/me"),
    select: (data) => data.user,
  });
}

/** The name the header shows: the one just saved on this page, else the one the session began with. */
export function useDisplayName(sessionName: string): string {
  const { data } = useQuery({
    queryKey: queryKeys.profile,
    queryFn: () => bffFetch<{ user: PublicUserDto }>("/bff/api/me"),
    select: (profile) => profile.user.name,
    // The header never asks on its own: that would be a request on every page load.
    enabled: false,
  });
  return data ?? sessionName;
}

export function useUpdateName() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => bffFetch<{ user: PublicUserDto }>("/bff/api/me", { method: "PATCH", json: { name } }),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.profile, data);
      return queryClient.invalidateQueries({ queryKey: queryKeys.activity });
    },
  });
}

export function useDeleteAccount() {
  return useMutation({
    mutationFn: async () => {
      await bffFetch<void>("/bff/api/me", { method: "DELETE" });
      // The session is gone with the account: a 401 from here on is expected, not an expiry.
      beginSignOut();
    },
  });
}
