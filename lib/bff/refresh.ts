/**
 * Keeps a session's access token fresh. When it is expired or expires within 30 s, the BFF
 * refreshes it before forwarding (see `accessTokenRefreshAtMs`). Refreshes are single-flight per
 * refresh token within a BFF, and the outcome is remembered for the grace window, so requests
 * still carrying the old cookie reuse the new tokens; across instances the token endpoint's grace
 * window returns the same successor. Decision record: docs/decisions/007-where-refresh-happens.md
 */
import "server-only";
import { getConfig } from "../config";
import type { RequestContext } from "../shared/request-context";
import type { Clock } from "./dependencies";
import { nextIdleDeadlineMs, type BffSession, type SessionCookies } from "./session-cookie";
import type { TokenClient } from "./token-client";

/**
 * A session with a usable access token. `sealed` is its new cookie value when it was refreshed
 * (sealed once for every request that shares the refresh), null when the cookie is unchanged.
 */
export interface FreshSession {
  session: BffSession;
  sealed: string | null;
}

type RefreshOutcome = Promise<(FreshSession & { sealed: string }) | null>;

export interface Refresher {
  /**
   * The session with a usable access token, refreshed if it was due (or `force`d), or null when
   * the session is over (its refresh token is dead). Upstream failures throw.
   */
  ensureFresh(session: BffSession, context: RequestContext, options?: { force?: boolean }): Promise<FreshSession | null>;
}

export function createRefresher({ tokens, cookies, clock }: { tokens: TokenClient; cookies: SessionCookies; clock: Clock }): Refresher {
  const outcomes = new Map<string, RefreshOutcome>();

  async function refresh(session: BffSession, context: RequestContext): RefreshOutcome {
    const nowMs = clock.nowMs();
    const issued = await tokens.requestRefreshGrant(session.refreshToken, context, nowMs);
    if (!issued) return null;
    const refreshed: BffSession = {
      ...session,
      accessToken: issued.accessToken,
      accessTokenRefreshAtMs: issued.accessTokenRefreshAtMs,
      refreshToken: issued.refreshToken,
      expiresAtMs: Math.min(session.expiresAtMs, issued.sessionExpiresAtMs),
      // A refresh happens because of a request: that is activity.
      idleExpiresAtMs: nextIdleDeadlineMs(session, nowMs),
    };
    return { session: refreshed, sealed: await cookies.seal(refreshed) };
  }

  async function ensureFresh(session: BffSession, context: RequestContext, options: { force?: boolean } = {}): Promise<FreshSession | null> {
    if (!options.force && clock.nowMs() < session.accessTokenRefreshAtMs) return { session, sealed: null };
    const key = session.refreshToken;
    let outcome = outcomes.get(key);
    if (!outcome) {
      outcome = refresh(session, context);
      outcomes.set(key, outcome);
      const forget = () => outcomes.delete(key);
      outcome.then(
        () => setTimeout(forget, getConfig().refreshGracePeriodSeconds * 1000).unref(),
        forget, // a failed call is not remembered: the next request tries again
      );
    }
    const refreshed = await outcome;
    // A remembered outcome can itself be due for refresh when access tokens are very short-lived.
    if (refreshed && clock.nowMs() >= refreshed.session.accessTokenRefreshAtMs) {
      const again = await ensureFresh(refreshed.session, context);
      return again && again.sealed === null ? refreshed : again;
    }
    return refreshed;
  }

  return { ensureFresh };
}
