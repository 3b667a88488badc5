"use client";
/**
 * Personal access tokens through the BFF. The secret of a new token is in the create mutation's
 * result only: it is never written to the query cache, so it is gone once the form is dismissed
 * or the page is left.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import { bffFetch } from "../bff-fetch";

export const TOKEN_SCOPES = ["notes:read", "notes:write", "profile:read"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export const TOKEN_EXPIRY_DAYS = [7, 30, 90] as const;
export const TOKEN_NAME_MAX_LENGTH = 100;

export interface TokenDto {
  id: string;
  name: string;
  /** The first characters of the token, enough to recognise it; never the secret. */
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export type TokenExpiry = { expiresInDays: (typeof TOKEN_EXPIRY_DAYS)[number] } | { expiresAt: string } | { neverExpires: true };
export type TokenInput = { name: string; scopes: TokenScope[] } & TokenExpiry;

export interface CreatedToken {
  /** Shown once, then forgotten. */
  token: string;
  personalAccessToken: TokenDto;
}

export function useTokens() {
  return useQuery({
    queryKey: queryKeys.tokens,
    queryFn: () => bffFetch<{ items: TokenDto[] }>("/bff/api/tokens"),
    select: (data) => data.items,
  });
}

function useInvalidateTokens() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.tokens }), queryClient.invalidateQueries({ queryKey: queryKeys.activity })]);
}

export function useCreateToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({
    mutationFn: (input: TokenInput) => bffFetch<CreatedToken>("/bff/api/tokens", { method: "POST", json: input }),
    // Dropped from the mutation cache as soon as nothing observes it: the secret lives in the view only.
    gcTime: 0,
    onSettled: invalidate,
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({
    mutationFn: (id: string) => bffFetch<void>(`/bff/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: invalidate,
  });
}
