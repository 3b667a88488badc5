/** What the BFF is given where it is wired (createBff): it reaches nothing else of the app. */
import type { Upstream } from "./upstream";

export interface Clock {
  nowMs(): number;
}

/**
 * Whether a session (the `sid` of its tokens) is still active: revoked, expired and unknown sessions
 * are not. When it cannot tell (its database is down) it throws, e.g. a 503 AppError, which the BFF
 * answers as such with the cookie left alone.
 */
export interface SessionStore {
  isActive(sessionId: string, nowMs: number): Promise<boolean>;
  /**
   * Why an ended session was revoked (the token service's reason, e.g. `password_changed`), or
   * null when unknown. Asked only once a session is found ended, to tell its owner why.
   */
  findRevocationReason?(sessionId: string): Promise<string | null>;
}

export interface BffDependencies {
  /** The API, in-process or over HTTP. */
  upstream: Upstream;
  /** The API's own session store, so a revoked session's cookie stops at once; see `trustUpstreamSessions`. */
  sessions: SessionStore;
  clock?: Clock;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * For an external API whose sessions are not in our database: every session counts as active
 * here, and the API's 401 (or a refused refresh token) ends it.
 */
export const trustUpstreamSessions: SessionStore = { isActive: async () => true };
