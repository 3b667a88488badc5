/** Helpers for calling the BFF's endpoints with real Requests, as a browser on APP_ORIGIN would. */
import { expect } from "vitest";
import { stopListeningForRevocations } from "../lib/auth/revocations";
import { SESSION_COOKIE_NAME } from "../lib/bff/cookie-name";
import { existingSingletons } from "../lib/singleton";
import { getBff } from "../lib/wiring";
import type { TestUser } from "./api";

export const ORIGIN = "http://localhost:3000";
/** What the browser's fetch wrapper sends on a write. */
export const SAME_ORIGIN = { origin: ORIGIN, "x-csrf": "1", "content-type": "application/json" };

/** The BFF of this process, wired as in production (the built-in API in-process). */
export const bff = () => getBff();

/**
 * Makes the next requests meet what a server started now would have: no unsealed cookies, no
 * refreshes in flight, no confirmed or revoked sessions in memory, no verified tokens; the same
 * database, configuration and keys.
 */
export function startNewInstance(): void {
  // The old instance's notification connection goes with it (PostgreSQL).
  void stopListeningForRevocations();
  for (const name of ["bff", "revocations", "verified-access-tokens", "pat-validations"]) existingSingletons().delete(name);
}

/** The session cookie's new value in a response, or null when it sets none. */
export function sessionCookieFrom(response: Response): string | null {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=`));
  return header ? header.split(";")[0]!.slice(SESSION_COOKIE_NAME.length + 1) : null;
}

export const withSessionCookie = (cookie: string) => ({ cookie: `${SESSION_COOKIE_NAME}=${cookie}` });

/** POST /bff/login; returns the session cookie's value. */
export async function signInThroughBff(user: Pick<TestUser, "email" | "password">): Promise<string> {
  const response = await bff().handleLogin(
    new Request(`${ORIGIN}/bff/login`, { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email: user.email, password: user.password }) }),
  );
  expect(response.status).toBe(200);
  return sessionCookieFrom(response)!;
}
