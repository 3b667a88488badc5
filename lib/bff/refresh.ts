/**
 * Keeps a session's access token fresh. When it is expired or expires within 30 s, the BFF
 * refreshes it before forwarding (see `accessTokenRefreshAtMs`). Refreshes are single-flight per
 * refresh token inside a process, and the outcome is remembered for the grace window, so requests still carrying the old cookie
 * reuse the new tokens; across processes the token endpoint's grace window returns the same
 * successor. Decision record: docs/decisions/007-where-refresh-happens.md
 */
import "server-only";
import { getConfig } from "../config";
import { nextIdleDeadlineMs, sealSession, type BffSession } from "./session-cookie";
import type { RequestContext } from "../shared/request-context";
import { requestRefreshGrant } from "./token-client";

/**
 * A session with a usable access token. `sealed` is its new cookie value when it was refreshed
 * (sealed once for every request that shares the refresh), null when the cookie is unchanged.
 */
export interface FreshSession {
  session: BffSession;
  sealed: string | null;
}

type RefreshOutcome = Promise<(FreshSession & { sealed: string }) | null>;
const globalForRefresh = globalThis as unknown as { keyholeRefreshes?: Map<string, RefreshOutcome> };

function getRefreshes(): Map<string, RefreshOutcome> {
  globalForRefresh.keyholeRefreshes ??= new Map();
  return globalForRefresh.keyholeRefreshes;
}

async function refresh(session: BffSession, context: RequestContext, nowMs: number): RefreshOutcome {
  const tokens = await requestRefreshGrant(session.refreshToken, context, nowMs);
  if (!tokens) return null;
  const refreshed: BffSession = {
    ...session,
    accessToken: tokens.accessToken,
    accessTokenRefreshAtMs: tokens.accessTokenRefreshAtMs,
    refreshToken: tokens.refreshToken,
    expiresAtMs: Math.min(session.expiresAtMs, tokens.sessionExpiresAtMs),
    // A refresh happens because of a request: that is activity.
    idleExpiresAtMs: nextIdleDeadlineMs(session, nowMs),
  };
  return { session: refreshed, sealed: await sealSession(refreshed) };
}

/**
 * The session with a usable access token, refreshed if it was due, or null when the session is
 * over (its refresh token is dead). Upstream failures throw.
 */
export async function ensureFreshSession(
  session: BffSession,
  context: RequestContext,
  options: { force?: boolean; nowMs?: number } = {},
): Promise<FreshSession | null> {
  const nowMs = options.nowMs ?? Date.now();
  if (!options.force && nowMs < session.accessTokenRefreshAtMs) return { session, sealed: null };
  const refreshes = getRefreshes();
  const key = session.refreshToken;
  let outcome = refreshes.get(key);
  if (!outcome) {
    outcome = refresh(session, context, nowMs);
    refreshes.set(key, outcome);
    const forget = () => refreshes.delete(key);
    outcome.then(
      () => setTimeout(forget, getConfig().refreshGracePeriodSeconds * 1000).unref(),
      forget, // a failed call is not remembered: the next request tries again
    );
  }
  const refreshed = await outcome;
  // A remembered outcome can itself be due for refresh when access tokens are very short-lived.
  if (refreshed && Date.now() >= refreshed.session.accessTokenRefreshAtMs) {
    const again = await ensureFreshSession(refreshed.session, context);
    return again && again.sealed === null ? refreshed : again;
  }
  return refreshed;
}
