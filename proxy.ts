/**
 * Runs before every page: gives it a Content-Security-Policy with a fresh nonce, and sends page
 * requests without a session cookie to /login and back. That redirect is optimistic only:
 * authorization never depends on this file — every protected page and handler checks the
 * session itself on the server. A page read with a session cookie while the session store's
 * database is unreachable is answered here, with a 503 and a "temporarily unavailable" page:
 * Next.js fixes a page's status before rendering, so the page itself could only fail with a 500
 * (docs/decisions/019-database-outage.md).
 */
import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAME } from "./lib/bff/cookie-name";
import { explainRefusedDevelopmentOrigin } from "./lib/bff/csrf";
import { getConfig } from "./lib/config";
import { contentSecurityPolicy } from "./lib/security-headers";
import { AppError, problemResponse } from "./lib/shared/errors";
import { loginPath } from "./lib/shared/return-to";
import { unavailablePageResponse } from "./lib/unavailable-page";
import { getBff } from "./lib/wiring";

const PROTECTED_PREFIXES = ["/notes", "/settings"];

function isProtected(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** Whether the host Next.js compares a server action's Origin with (X-Forwarded-Host, else Host) is the app's. */
function namesAppHost(request: NextRequest, appOrigin: string): boolean {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return host === new URL(appOrigin).host;
}

/**
 * The 503 a page would fail with for want of its session store, or null. The same (cached) read
 * the page makes itself, only earlier; whatever else it finds is left to the page.
 */
async function findUnavailableSessionStore(request: NextRequest): Promise<AppError | null> {
  try {
    await getBff().getSessionOf(request);
    return null;
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
  // Page reads only: a write here is a server action, whose form reports the failure itself.
  const unavailable = !isWrite && hasSessionCookie ? await findUnavailableSessionStore(request) : null;

  let response: Response;
  // Pages accept POSTs only as server actions (the login and registration forms). One from another
  // origin is refused here with a 403; Next.js itself would fail it with a 500.
  const origin = request.headers.get("origin");
  if (isWrite && origin !== null && origin !== appOrigin) {
    explainRefusedDevelopmentOrigin(origin);
    response = problemResponse(new AppError("csrf_rejected"));
  } else if (isWrite && !namesAppHost(request, appOrigin)) {
    // Next.js checks a server action's Origin against X-Forwarded-Host or Host and fails a
    // mismatch with a 500; a write naming another host is refused here with a 403 instead.
    response = problemResponse(new AppError("csrf_rejected"));
  } else if (unavailable) {
    response = unavailablePageResponse(unavailable);
  } else if (isProtected(pathname) && !hasSessionCookie) {
    // Built on the configured origin, never on the Host header.
    response = NextResponse.redirect(new URL(loginPath(`${pathname}${search}`), appOrigin), 307);
    response.headers.set("Cache-Control", "no-store");
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
