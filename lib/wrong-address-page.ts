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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

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
  const origin = escapeHtml(appOrigin);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Open Keyhole at its own address · Keyhole</title>
<style nonce="${escapeHtml(nonce)}">
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem 1rem; box-sizing: border-box; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7f9; color: #1c2330; }
main { box-sizing: border-box; width: 100%; max-width: 30rem; background: #fff; border: 1px solid #d9dde5; border-radius: 10px; padding: 1.5rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; line-height: 1.2; }
code { font-size: .95em; }
a { display: inline-block; padding: .6rem 1rem; border-radius: 8px; background: #2f5bd3; color: #fff; font-weight: 600; text-decoration: none; }
a:focus-visible { outline: 3px solid rgb(47 91 211 / 40%); outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>Open Keyhole at its own address</h1>
<p>This address is not the one Keyhole is set up for, so signing in here cannot work. Keyhole's address is <code>${origin}</code>.</p>
<p><a href="${target}">Continue at ${target}</a></p>
</main>
</body>
</html>
`;
  return new Response(html, { status: 421, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
