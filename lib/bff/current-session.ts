/** The signed-in user for server components, server actions and proxy.ts: checked next to the data. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginPath } from "../shared/return-to";
import { withNotice } from "../shared/session-end";
import { findSessionCookieValue, type BffSession, type CookieState, type SessionCookies } from "./session-cookie";

export interface CurrentSession {
  getCurrentSession(): Promise<BffSession | null>;
  /** The session, or a redirect to the login page that comes back to `returnTo` and says why the session ended. */
  requireSession(returnTo: string): Promise<BffSession>;
  /** The session, or why this request's session cookie no longer works (null: there was none of ours). */
  inspectCurrentSession(): Promise<CookieState>;
  /** The session of a request in hand, where next/headers has none to offer (proxy.ts). */
  getSessionOf(request: Request): Promise<BffSession | null>;
  /** `inspectCurrentSession` for a request in hand (proxy.ts). */
  inspectSessionOf(request: Request): Promise<CookieState>;
}

export function createCurrentSession(cookies: SessionCookies): CurrentSession {
  // The raw header, not cookies(): its map keeps one of two same-named cookies.
  const sessionIn = (cookieHeader: string | null) => cookies.read(findSessionCookieValue(cookieHeader));
  const stateIn = (cookieHeader: string | null) => cookies.inspect(findSessionCookieValue(cookieHeader));
  async function inspectCurrentSession(): Promise<CookieState> {
    return stateIn((await headers()).get("cookie"));
  }
  return {
    getCurrentSession: async () => sessionIn((await headers()).get("cookie")),
    inspectCurrentSession,
    async requireSession(returnTo) {
      const { session, ended } = await inspectCurrentSession();
      if (!session) redirect(withNotice(loginPath(returnTo), ended));
      return session;
    },
    getSessionOf: (request) => sessionIn(request.headers.get("cookie")),
    inspectSessionOf: (request) => stateIn(request.headers.get("cookie")),
  };
}
