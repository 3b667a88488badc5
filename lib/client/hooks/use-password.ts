"use client";
/** Changing the password through the BFF; the API signs out every other session of the user. */
import { useMutation } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import { bffFetch } from "../bff-fetch";
import { useRefetchAfterChange } from "./use-refetch-after-change";

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  revokePersonalAccessTokens: boolean;
}

export function useChangePassword() {
  // The other devices are signed out (and maybe the tokens revoked), and the change is in the activity log.
  const refetch = useRefetchAfterChange(queryKeys.sessions, queryKeys.tokens, queryKeys.activity);
  return useMutation({
    mutationFn: (input: PasswordChange) => bffFetch<void>("/bff/api/me/password", { method: "POST", json: input }),
    // The passwords are the mutation's variables: keep them no longer than the form needs them.
    gcTime: 0,
    onSuccess: refetch,
  });
}
