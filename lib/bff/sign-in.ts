/** Signing in and out: shared by the /bff endpoints and the no-JavaScript login form. */
import "server-only";
import { AppError } from "../shared/errors";
import type { RequestContext } from "../shared/request-context";
import { nextIdleDeadlineMs, sealSession, type BffSession } from "./session-cookie";
import { fetchCurrentUser, registerUpstream, requestPasswordGrant, revokeRefreshTokenUpstream } from "./token-client";

export interface SignedIn {
  session: BffSession;
  sealed: string;
}

/** A brand-new session for every sign-in: a cookie from before is never reused. */
export async function signIn(credentials: { email: string; password: string }, context: RequestContext): Promise<SignedIn> {
  const nowMs = Date.now();
  const tokens = await requestPasswordGrant(credentials.email, credentials.password, context, nowMs);
  if (!tokens) throw new AppError("invalid_credentials");
  const user = await fetchCurrentUser(tokens.accessToken);
  const session: BffSession = {
    v: 1,
    sessionId: tokens.sessionId,
    user: { id: user.id, email: user.email, name: user.name },
    accessToken: tokens.accessToken,
    accessTokenRefreshAtMs: tokens.accessTokenRefreshAtMs,
    refreshToken: tokens.refreshToken,
    expiresAtMs: tokens.sessionExpiresAtMs,
    idleExpiresAtMs: nextIdleDeadlineMs({ expiresAtMs: tokens.sessionExpiresAtMs }, nowMs),
  };
  return { session, sealed: await sealSession(session, nowMs) };
}

export async function registerAndSignIn(
  input: { email: string; name: string; password: string },
  context: RequestContext,
): Promise<SignedIn> {
  await registerUpstream(input, context);
  return signIn(input, context);
}

export async function signOut(session: BffSession | null, context: RequestContext): Promise<void> {
  if (session) await revokeRefreshTokenUpstream(session.refreshToken, context);
}
