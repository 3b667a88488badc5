"use client";
/**
 * Personal access tokens through the BFF. The secret of a new token is in the create mutation's
 * result only: it is never written to the query cache, so it is gone once the form is dismissed
 * or the page is left.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { PersonalAccessTokenDto } from "../../shared/schemas";
import type { PatScope } from "../../shared/scopes";
import { bffFetch } from "../bff-fetch";
import { useRefetchAfterChange } from "./use-refetch-after-change";

export const TOKEN_EXPIRY_DAYS = [7, 30, 90] as const;
/** PAT_NAME_MAX_LENGTH in lib/auth (not imported: lib/auth is server code). */
export const TOKEN_NAME_MAX_LENGTH = 100;

export type TokenExpiry = { expiresInDays: (typeof TOKEN_EXPIRY_DAYS)[number] } | { expiresAt: string } | { neverExpires: true };
export type TokenInput = { name: string; scopes: PatScope[] } & TokenExpiry;

export interface CreatedToken {
  /** Shown once, then forgotten. */
  token: string;
  personalAccessToken: PersonalAccessTokenDto;
}

export function useTokens() {
  return useQuery({
    queryKey: queryKeys.tokens,
    queryFn: () => bffFetch<{ items: PersonalAccessTokenDto[] }>("/bff/api/tokens"),
    select: (data) => data.items,
  });
}

export function useCreateToken() {
  const refetch = useRefetchAfterChange(queryKeys.tokens, queryKeys.activity);
  return useMutation({
    mutationFn: (input: TokenInput) => bffFetch<CreatedToken>("/bff/api/tokens", { method: "POST", json: input }),
    // Dropped from the mutation cache as soon as nothing observes it: the secret lives in the view only.
    gcTime: 0,
    onSettled: refetch,
  });
}

export function useRevokeToken() {
  const refetch = useRefetchAfterChange(queryKeys.tokens, queryKeys.activity);
  return useMutation({
    mutationFn: (id: string) => bffFetch<void>(`/bff/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: refetch,
  });
}
