/**
 * The page a browser gets, with a 421 (Misdirected Request), when it opened the app at an address
 * other than APP_ORIGIN (127.0.0.1 for localhost, another instance's port, a proxy that rewrote
 * the host): the session cookie, the CSRF origin check and Next.js's server-action check are all
 * bound to that one origin, so signing in there could only fail. The page links to the same path
 * at APP_ORIGIN. Plain HTML: only the configured origin and a same-origin path (checked and
 * escaped) are written into it, never the Host the request named.
 * Decision record: docs/decisions/021-session-end-reasons-and-origin-check.md
 */
import { safeReturnTo } from "./shared/return-to";
import { escapeHtml, staticPageHtml } from "./static-page";

/** Whether the address the browser used (X-Forwarded-Host behind a proxy, else Host) is APP_ORIGIN's. */
export function isAtAppAddress(headers: Headers, appOrigin: string): boolean {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  return host === new URL(appOrigin).host;
}

/** The same path at APP_ORIGIN; a path that could leave the origin becomes the default page. */
export function appAddressFor(pathWithQuery: string, appOrigin: string): string {
  return new URL(safeReturnTo(pathWithQuery), appOrigin).href;
}

export function wrongAddressPageResponse(pathWithQuery: string, appOrigin: string, nonce: string): Response {
  const target = escapeHtml(appAddressFor(pathWithQuery, appOrigin));
  const html = staticPageHtml({
    title: "Open Keyhole at its own address",
    body: `<p>This address is not the one Keyhole is set up for, so signing in here cannot work. Keyhole's address is <code>${escapeHtml(appOrigin)}</code>.</p>
<p><a href="${target}">Continue at ${target}</a></p>`,
    nonce,
  });
  return new Response(html, { status: 421, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
