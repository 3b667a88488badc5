/** Dates and user agents as the settings pages show them, in the browser's locale. */
import UAParser from "ua-parser-js";

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

/** "Chrome 140 on Linux" from a User-Agent header; the same parser the API uses for sessions. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = new UAParser(userAgent).getResult();
  const name = [browser.name, browser.major].filter(Boolean).join(" ");
  const system = [os.name, os.version].filter(Boolean).join(" ");
  if (!name) return system || userAgent.slice(0, 60);
  return system ? `${name} on ${system}` : name;
}
