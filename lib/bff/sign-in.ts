/** Signing in and out: shared by the /bff endpoints and the no-JavaScript login form. */
import "server-only";
import { AppError } from "../shared/errors";
import type { RequestContext } from "../shared/request-context";
import type { Clock } from "./dependencies";
import { nextIdleDeadlineMs, type BffSession, type SessionCookies } from "./session-cookie";
import type { TokenClient } from "./token-client";

export interface SignedIn {
  session: BffSession;
  sealed: string;
}

export interface SignIn {
  /** A brand-new session for every sign-in: a cookie from before is never reused. */
  signIn(credentials: { email: string; password: string }, context: RequestContext): Promise<SignedIn>;
  registerAndSignIn(input: { email: string; name: string; password: string }, context: RequestContext): Promise<SignedIn>;
  signOut(session: BffSession | null, context: RequestContext): Promise<void>;
  /**
   * For the page after a sign-in: when one of the user's sessions was ended for refresh-token reuse
   * since their previous sign-in, else null. Asked only while the session's access token is fresh
   * (a page cannot store a refreshed cookie, and a refresh it could not store would look like reuse).
   */
  findRefreshReuseNotice(session: BffSession): Promise<Date | null>;
}

export function createSignIn({ tokens, cookies, clock }: { tokens: TokenClient; cookies: SessionCookies; clock: Clock }): SignIn {
  async function signIn(credentials: { email: string; password: string }, context: RequestContext): Promise<SignedIn> {
    const nowMs = clock.nowMs();
    const issued = await tokens.requestPasswordGrant(credentials.email, credentials.password, context, nowMs);
    if (!issued) throw new AppError("invalid_credentials");
    const user = await tokens.fetchCurrentUser(issued.accessToken);
    const session: BffSession = {
      v: 1,
      sessionId: issued.sessionId,
      user: { id: user.id, email: user.email, name: user.name },
      accessToken: issued.accessToken,
      accessTokenRefreshAtMs: issued.accessTokenRefreshAtMs,
      refreshToken: issued.refreshToken,
      expiresAtMs: issued.sessionExpiresAtMs,
      idleExpiresAtMs: nextIdleDeadlineMs({ expiresAtMs: issued.sessionExpiresAtMs }, nowMs),
    };
    return { session, sealed: await cookies.seal(session) };
  }

  return {
    signIn,
    async registerAndSignIn(input, context) {
      await tokens.register(input, context);
      return signIn(input, context);
    },
    async signOut(session, context) {
      if (session) await tokens.revokeRefreshToken(session.refreshToken, context);
    },
    async findRefreshReuseNotice(session) {
      if (clock.nowMs() >= session.accessTokenRefreshAtMs) return null;
      return tokens.fetchRefreshReuseNotice(session.accessToken);
    },
  };
}
