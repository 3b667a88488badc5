/**
 * An optimistic redirect only: page requests without a session cookie go to /login and come
 * back. Authorization never depends on this file — every protected page and handler checks the
 * session itself on the server.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAME } from "./lib/bff/cookie-name";
import { getConfig } from "./lib/config";
import { loginPath } from "./lib/shared/return-to";

export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE_NAME)) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  // Built on the configured origin, never on the Host header.
  const response = NextResponse.redirect(new URL(loginPath(`${pathname}${search}`), getConfig().appOrigin), 307);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = { matcher: ["/notes/:path*", "/settings/:path*"] };
