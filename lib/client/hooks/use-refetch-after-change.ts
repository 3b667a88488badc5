"use client";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";

/**
 * For a mutation's onSettled: the queries its change made stale are fetched again (at once when on
 * screen, else when next shown). A first fetch still in flight may have read the server before the
 * change, and TanStack Query 5 would reuse it instead of fetching again (TanStack/query#8530), so
 * the list would settle without the change: such fetches are cancelled first.
 */
export function useRefetchAfterChange(...queryKeys: QueryKey[]) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all(queryKeys.map((queryKey) => queryClient.cancelQueries({ queryKey })));
    await Promise.all(queryKeys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };
}
