/**
 * The page a browser gets, with a 503 and Retry-After, in place of a page that needs the database
 * while it is unreachable (proxy.ts). Plain HTML, not a rendered route: it must not depend on
 * anything that might be down, and nothing from the request is written into it.
 */
import { errorHeaders, type AppError } from "./shared/errors";
import { staticPageHtml } from "./static-page";

export function unavailablePageResponse(error: AppError, nonce: string): Response {
  const html = staticPageHtml({
    title: "Temporarily unavailable",
    body: `<p>Keyhole cannot reach its database right now. You are still signed in: try again in a few seconds.</p>
<p><a href="">Try again</a></p>`,
    nonce,
  });
  return new Response(html, {
    status: error.status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...errorHeaders(error) },
  });
}
