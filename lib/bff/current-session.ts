/** The signed-in user for server components, server actions and proxy.ts: checked next to the data. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginPath } from "../shared/return-to";
import { findSessionCookieValue, type BffSession, type SessionCookies } from "./session-cookie";

export interface CurrentSession {
  getCurrentSession(): Promise<BffSession | null>;
  /** The session, or a redirect to the login page that comes back to `returnTo`. */
  requireSession(returnTo: string): Promise<BffSession>;
  /** The session of a request in hand, where next/headers has none to offer (proxy.ts). */
  getSessionOf(request: Request): Promise<BffSession | null>;
}

export function createCurrentSession(cookies: SessionCookies): CurrentSession {
  // The raw header, not cookies(): its map keeps one of two same-named cookies.
  const sessionIn = (cookieHeader: string | null) => cookies.read(findSessionCookieValue(cookieHeader));
  async function getCurrentSession(): Promise<BffSession | null> {
    return sessionIn((await headers()).get("cookie"));
  }
  return {
    getCurrentSession,
    async requireSession(returnTo) {
      const session = await getCurrentSession();
      if (!session) redirect(loginPath(returnTo));
      return session;
    },
    getSessionOf: (request) => sessionIn(request.headers.get("cookie")),
  };
}
