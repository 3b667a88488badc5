"use client";
/**
 * A date as the app shows it: `<time dateTime>` with the absolute time as its title. Relative
 * times ("5 minutes ago") appear only after hydration: the server (another clock, another time
 * zone) renders the absolute time, so server and browser never disagree on what was rendered.
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

export function Time({ iso, format = "relative", className }: { iso: string; format?: "relative" | "dateTime" | "date"; className?: string }) {
  const hydrated = useHydrated();
  const absolute = formatDateTime(iso);
  const text = format === "date" ? formatDate(iso) : format === "relative" && hydrated ? formatRelative(iso) : absolute;
  return (
    // The server's time zone may differ from the browser's: only this text may differ at hydration.
    <time dateTime={iso} title={absolute} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
