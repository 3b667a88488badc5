"use client";
/** Changing the password through the BFF; the API signs out every other session of the user. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import { bffFetch } from "../bff-fetch";

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PasswordChange) => bffFetch<void>("/bff/api/me/password", { method: "POST", json: input }),
    // The passwords are the mutation's variables: keep them no longer than the form needs them.
    gcTime: 0,
    onSuccess: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.sessions }), queryClient.invalidateQueries({ queryKey: queryKeys.activity })]),
  });
}
