"use client";
/** The user's security events through the BFF, newest first, a page at a time. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { AuditEventPageDto } from "../../shared/schemas";
import { bffFetch } from "../bff-fetch";

const PAGE_SIZE = 20;

export function useActivity() {
  return useInfiniteQuery({
    queryKey: queryKeys.activity,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      bffFetch<AuditEventPageDto>(`/bff/api/activity?limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}
