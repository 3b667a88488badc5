/** User agents as the settings pages show them; dates come from the app's one formatter. */
import UAParser from "ua-parser-js";

export { formatDate, formatDateTime, formatRelative } from "@/lib/shared/format-date";

/** "Chrome 140 on Linux" from a User-Agent header; the same parser the API uses for sessions. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = new UAParser(userAgent).getResult();
  const name = [browser.name, browser.major].filter(Boolean).join(" ");
  const system = [os.name, os.version].filter(Boolean).join(" ");
  if (!name) return system || userAgent.slice(0, 60);
  return system ? `${name} on ${system}` : name;
}
