/**
 * The page a browser gets, with a 503 and Retry-After, in place of a page that needs the database
 * while it is unreachable (proxy.ts). Plain HTML, not a rendered route: it must not depend on
 * anything that might be down, and nothing from the request is written into it.
 */
import { errorHeaders, type AppError } from "./shared/errors";

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Temporarily unavailable · Keyhole</title>
<style>
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem 1rem; box-sizing: border-box; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7f9; color: #1c2330; }
main { width: 100%; max-width: 26rem; background: #fff; border: 1px solid #d9dde5; border-radius: 10px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; line-height: 1.2; }
a { display: inline-block; padding: .6rem 1rem; border-radius: 8px; background: #2f5bd3; color: #fff; font-weight: 600; text-decoration: none; }
a:focus-visible { outline: 3px solid rgb(47 91 211 / 40%); outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>Temporarily unavailable</h1>
<p>Keyhole cannot reach its database right now. You are still signed in: try again in a few seconds.</p>
<p><a href="">Try again</a></p>
</main>
</body>
</html>
`;

export function unavailablePageResponse(error: AppError): Response {
  return new Response(HTML, {
    status: error.status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...errorHeaders(error) },
  });
}
