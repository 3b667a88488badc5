"use client";
/** The user's security events through the BFF, newest first, a page at a time. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { queryKeys } from "../../shared/query-keys";
import type { AuditEventType } from "../../shared/audit-event-types";
import { bffFetch } from "../bff-fetch";

const PAGE_SIZE = 20;

export type ActivityType = AuditEventType;

export interface ActivityEventDto {
  id: string;
  /** One of ActivityType; typed as string because the server may add new ones. */
  type: string;
  ip: string | null;
  userAgent: string | null;
  detail: string | null;
  createdAt: string;
}

export interface ActivityPageDto {
  items: ActivityEventDto[];
  nextCursor: string | null;
}

export function useActivity() {
  return useInfiniteQuery({
    queryKey: queryKeys.activity,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      bffFetch<ActivityPageDto>(`/bff/api/activity?limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}
