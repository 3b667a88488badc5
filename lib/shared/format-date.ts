/**
 * The one way the app writes dates and relative times (notes, sessions, tokens, activity), in
 * the reader's locale and time zone. On the server use `<Time>` (app/components/time.tsx), which
 * renders the absolute time first and the relative one after hydration, so the two agree.
 */
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const thisYearDateTimeFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "Nov 23, 10:40 AM" this year, "Nov 23, 2025, 10:40 AM" otherwise. */
export function formatDateTime(iso: string, nowMs = Date.now()): string {
  const date = new Date(iso);
  return (date.getFullYear() === new Date(nowMs).getFullYear() ? thisYearDateTimeFormat : dateTimeFormat).format(date);
}

/** "Nov 23, 2025". */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** "just now", "5 minutes ago", "in 3 days". */
export function formatRelative(iso: string, nowMs = Date.now()): string {
  const diffMs = Date.parse(iso) - nowMs;
  for (const [unit, unitMs] of UNITS) {
    if (Math.abs(diffMs) >= unitMs) return relativeFormat.format(Math.trunc(diffMs / unitMs), unit);
  }
  return "just now";
}
