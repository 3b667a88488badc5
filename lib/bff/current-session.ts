/** The signed-in user for server components and server actions: checked next to the data. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginPath } from "../shared/return-to";
import { findSessionCookieValue, type BffSession, type SessionCookies } from "./session-cookie";

export interface CurrentSession {
  getCurrentSession(): Promise<BffSession | null>;
  /** The session, or a redirect to the login page that comes back to `returnTo`. */
  requireSession(returnTo: string): Promise<BffSession>;
}

export function createCurrentSession(cookies: SessionCookies): CurrentSession {
  async function getCurrentSession(): Promise<BffSession | null> {
    // The raw header, not cookies(): its map keeps one of two same-named cookies.
    return cookies.read(findSessionCookieValue((await headers()).get("cookie")));
  }
  return {
    getCurrentSession,
    async requireSession(returnTo) {
      const session = await getCurrentSession();
      if (!session) redirect(loginPath(returnTo));
      return session;
    },
  };
}
