/**
 * Runs before every page: gives it a Content-Security-Policy with a fresh nonce, and sends page
 * requests without a live session cookie to /login and back, saying why a session ended
 * (`?notice=`, lib/shared/session-end.ts). That redirect is optimistic only:
 * authorization never depends on this file — every protected page and handler checks the
 * session itself on the server. A page read with a session cookie while the session store's
 * database is unreachable is answered here, with a 503 and a "temporarily unavailable" page:
 * Next.js fixes a page's status before rendering, so the page itself could only fail with a 500
 * (docs/decisions/019-database-outage.md). A page opened at an address other than APP_ORIGIN gets
 * a page that links to APP_ORIGIN instead (lib/wrong-address-page.ts).
 */
import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAME } from "./lib/bff/cookie-name";
import { expiredSessionCookie, type CookieState } from "./lib/bff/session-cookie";
import { explainRefusedDevelopmentOrigin } from "./lib/bff/csrf";
import { getConfig } from "./lib/config";
import { contentSecurityPolicy } from "./lib/security-headers";
import { AppError, problemResponse } from "./lib/shared/errors";
import { loginPath } from "./lib/shared/return-to";
import { withNotice } from "./lib/shared/session-end";
import { unavailablePageResponse } from "./lib/unavailable-page";
import { getBff } from "./lib/wiring";
import { isAtAppAddress, wrongAddressPageResponse } from "./lib/wrong-address-page";

const PROTECTED_PREFIXES = ["/notes", "/settings"];

function isProtected(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * The page's session or why it ended, or the 503 a page would fail with for want of its session
 * store. The same (cached) read the page makes itself, only earlier; any other failure is left to
 * the page (null).
 */
async function inspectSession(request: NextRequest): Promise<CookieState | AppError | null> {
  try {
    return await getBff().inspectSessionOf(request);
  } catch (error) {
    return error instanceof AppError && error.status === 503 ? error : null;
  }
}

export async function proxy(request: NextRequest) {
  const { isProduction, appOrigin } = getConfig();
  const nonce = randomBytes(16).toString("base64");
  const csp = contentSecurityPolicy(nonce, isProduction);
  const { pathname, search } = request.nextUrl;

  const isWrite = request.method !== "GET" && request.method !== "HEAD";
  const hasSessionCookie = request.cookies.has(SESSION_COOKIE_NAME);
  // Next.js checks a server action's Origin against X-Forwarded-Host or Host, the cookie is bound to
  // APP_ORIGIN's host: at any other address signing in can only fail, so say where to go instead.
  const atAppAddress = isAtAppAddress(request.headers, appOrigin);
  // Page reads only: a write here is a server action, whose form reports the failure itself.
  const state = atAppAddress && !isWrite && hasSessionCookie ? await inspectSession(request) : null;

  let response: Response;
  const origin = request.headers.get("origin");
  if (!atAppAddress) {
    explainRefusedDevelopmentOrigin(origin);
    if (isWrite && request.headers.has("next-action")) {
      // A server action of a page loaded at this address: a 400 whose x-action-redirect makes the
      // Next.js client load this path again (a full navigation), which shows the page below.
      response = problemResponse(new AppError("invalid_request", { detail: `Open this app at ${appOrigin}.` }), { "x-action-redirect": `${pathname}${search};replace` });
    } else {
      response = wrongAddressPageResponse(`${pathname}${search}`, appOrigin, nonce);
    }
  } else if (isWrite && origin !== null && origin !== appOrigin) {
    // Pages accept POSTs only as server actions (the login and registration forms). One from another
    // origin is refused here with a 403; Next.js itself would fail it with a 500.
    explainRefusedDevelopmentOrigin(origin);
    response = problemResponse(new AppError("csrf_rejected"));
  } else if (state instanceof AppError) {
    response = unavailablePageResponse(state, nonce);
  } else if (isProtected(pathname) && (!hasSessionCookie || state?.session === null)) {
    // Built on the configured origin, never on the Host header; says why a session the cookie still
    // names has ended (only its holder, the owner, learns it) and drops that dead cookie.
    const redirect = NextResponse.redirect(new URL(withNotice(loginPath(`${pathname}${search}`), state?.ended ?? null), appOrigin), 307);
    redirect.headers.set("Cache-Control", "no-store");
    if (state) redirect.cookies.set(expiredSessionCookie());
    response = redirect;
  } else {
    // Next.js reads the policy from the request to put the nonce on its own scripts.
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Every page; not the API, the BFF, static files or well-known documents.
  matcher: ["/((?!api/|bff/|_next/static|_next/image|\\.well-known/|favicon\\.ico|icon\\.svg).*)"],
};
