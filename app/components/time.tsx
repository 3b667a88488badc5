"use client";
/**
 * A date as the app shows it: `<time dateTime>` in the reader's time zone and locale, with the
 * absolute time as its title. The server cannot know the reader's time zone, so the server and the
 * hydrating browser both render the same UTC text ("2026-12-03 14:44 UTC", also what a page read
 * without JavaScript shows); the browser's own format replaces it right after hydration.
 */
import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime, formatRelative } from "@/lib/shared/format-date";

const subscribeNever = () => () => undefined;

/** False while rendering on the server and hydrating, true once the browser has taken over. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

function utcText(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function Time({ iso, format = "relative", className }: { iso: string; format?: "relative" | "dateTime" | "date"; className?: string }) {
  const hydrated = useHydrated();
  if (!hydrated) {
    return (
      <time dateTime={iso} title={utcText(iso)} className={className}>
        {utcText(iso)}
      </time>
    );
  }
  const absolute = formatDateTime(iso);
  const text = format === "date" ? formatDate(iso) : format === "relative" ? formatRelative(iso) : absolute;
  return (
    <time dateTime={iso} title={absolute} className={className}>
      {text}
    </time>
  );
}
