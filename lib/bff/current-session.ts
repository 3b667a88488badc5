/** The signed-in user for server components and server actions: checked next to the data. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginPath } from "../shared/return-to";
import { findSessionCookieValue, readSessionCookie, type BffSession } from "./session-cookie";

export async function getCurrentSession(): Promise<BffSession | null> {
  // The raw header, not cookies(): its map keeps one of two same-named cookies.
  return readSessionCookie(findSessionCookieValue((await headers()).get("cookie")));
}

/** The session, or a redirect to the login page that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<BffSession> {
  const session = await getCurrentSession();
  if (!session) redirect(loginPath(returnTo));
  return session;
}
