/**
 * Keeps a session's access token fresh. When it is expired or expires within 30 s, the BFF
 * refreshes it before forwarding (see `accessTokenRefreshAtMs`). Refreshes are single-flight per refresh token inside a process,
 * and the outcome is remembered for the grace window, so requests still carrying the old cookie
 * reuse the new tokens; across processes the token endpoint's grace window returns the same
 * successor. Decision record: docs/decisions/007-where-refresh-happens.md
 */
import { getConfig } from "../config";
import { nextIdleDeadlineMs, sealSession, type BffSession } from "./session-cookie";
import { requestRefreshGrant, type ClientContext } from "./token-client";

/** The refreshed session and its sealed cookie value, sealed once for every request that shares it. */
export interface RefreshedSession {
  session: BffSession;
  sealed: string;
}
type RefreshOutcome = Promise<RefreshedSession | null>;
const globalForRefresh = globalThis as unknown as { keyholeRefreshes?: Map<string, RefreshOutcome> };

function getRefreshes(): Map<string, RefreshOutcome> {
  globalForRefresh.keyholeRefreshes ??= new Map();
  return globalForRefresh.keyholeRefreshes;
}

async function refresh(session: BffSession, context: ClientContext, nowMs: number): RefreshOutcome {
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
 * A session with a usable access token: `unchanged` when the cookie's tokens are still good, the
 * refreshed session with its new cookie value, or null when the session is over (its refresh
 * token is dead). Upstream failures throw.
 */
export async function ensureFreshSession(
  session: BffSession,
  context: ClientContext,
  nowMs = Date.now(),
): Promise<"unchanged" | RefreshedSession | null> {
  if (nowMs < session.accessTokenRefreshAtMs) return "unchanged";
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
    return again === "unchanged" ? refreshed : again;
  }
  return refreshed;
}
