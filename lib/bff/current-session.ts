/** The signed-in user for server components and server actions: checked next to the data. */
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { loginPath } from "../shared/return-to";
import { readSessionCookie, SESSION_COOKIE_NAME, type BffSession } from "./session-cookie";

export async function getCurrentSession(): Promise<BffSession | null> {
  const cookieStore = await cookies();
  return readSessionCookie(cookieStore.get(SESSION_COOKIE_NAME)?.value);
}

/** The session, or a redirect to the login page that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<BffSession> {
  const session = await getCurrentSession();
  if (!session) redirect(loginPath(returnTo));
  return session;
}
