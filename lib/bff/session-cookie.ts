/**
 * The keyhole: one encrypted, HTTP-only cookie holding the session's tokens, sealed with
 * iron-session (AES-256-CBC + HMAC-SHA-256) under SESSION_SECRET (a rotation map: every secret
 * opens, the highest id seals). The browser can neither read nor alter it.
 * - `__Host-` prefix: Secure, Path=/, no Domain — no subdomain can set or overwrite it.
 * - SameSite=Strict: never sent on cross-site requests (docs/decisions/005-samesite-strict.md).
 * - Max-Age = the session's remaining absolute lifetime, so it never outlives the refresh token.
 * - Idle timeout (SESSION_IDLE_TIMEOUT): activity moves `idleExpiresAtMs`, re-sealing the cookie at
 *   most once a minute; a cookie past it is dead even though its tokens are not.
 * Unsealing costs ~0.3–1.3 ms of CPU, so unsealed sessions are cached by the exact cookie value (bounded LRU,
 * honouring expiry); whether the session is still active is asked of the session store on every
 * read.
 */
import "server-only";
import { sealData, unsealData } from "iron-session";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { getConfig } from "../config";
import { sessionEndReasonForRevocation, type SessionEndReason } from "../shared/session-end";
import type { Clock, SessionStore } from "./dependencies";
import { SESSION_COOKIE_NAME } from "./cookie-name";

export { SESSION_COOKIE_NAME };

/** A cookie over this cannot be stored by every browser. */
export const COOKIE_MAX_BYTES = 4096;
const CACHE_MAX_ENTRIES = 10_000;

const bffSessionSchema = z.object({
  v: z.literal(1),
  sessionId: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  accessToken: z.string(),
  accessTokenRefreshAtMs: z.number(),
  refreshToken: z.string(),
  expiresAtMs: z.number(),
  idleExpiresAtMs: z.number(),
});

export type BffSession = z.infer<typeof bffSessionSchema>;
export type SessionUser = BffSession["user"];

function remainingSeconds(session: BffSession, nowMs: number): number {
  return Math.max(0, Math.floor((session.expiresAtMs - nowMs) / 1000));
}

/**
 * The session cookie's value from a Cookie header; undefined when it is absent or appears more
 * than once (a cookie planted beside ours must never decide which user is served).
 */
export function findSessionCookieValue(cookieHeader: string | null): string | undefined {
  let value: string | undefined;
  for (const part of (cookieHeader ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== SESSION_COOKIE_NAME) continue;
    if (value !== undefined) return undefined;
    value = part.slice(separator + 1).trim();
  }
  return value;
}

/**
 * What a cookie value says: its live session, or why it has none. `ended` is set only for a
 * cookie we sealed (so only its holder, the session's owner, learns the reason); null for no
 * cookie, a tampered one, or one sealed under a secret no longer configured.
 */
export type CookieState = { session: BffSession; ended: null } | { session: null; ended: SessionEndReason | null };

export interface SessionCookies {
  /** Seals a session into a cookie value (and remembers it, so its next read is free). */
  seal(session: BffSession): Promise<string>;
  /** The session in a cookie value, or null if it is tampered, expired, idle too long or no longer active. */
  read(cookieValue: string | undefined): Promise<BffSession | null>;
  /** Like `read`, and for a session that ended, why (one more indexed query, on that path only). */
  inspect(cookieValue: string | undefined): Promise<CookieState>;
  /** Why a session (of a cookie we sealed) ended: the session store's reason, else the plain `expired`. */
  findEndReason(sessionId: string): Promise<SessionEndReason>;
}

/** A session's end as far as the cookie alone or the session store's yes/no can tell. */
type Evaluation = { session: BffSession } | { session: null; ended: null | "idle" | "expired" | { revokedSessionId: string } };

export function createSessionCookies({ sessions, clock }: { sessions: SessionStore; clock: Clock }): SessionCookies {
  const cache = new LRUCache<string, BffSession>({ max: CACHE_MAX_ENTRIES });
  // A session's end is permanent, so its reason can be remembered: a dead cookie sent again and
  // again costs one query, not one per request.
  const endReasons = new LRUCache<string, SessionEndReason>({ max: CACHE_MAX_ENTRIES });

  async function findEndReason(sessionId: string): Promise<SessionEndReason> {
    const known = endReasons.get(sessionId);
    if (known) return known;
    let reason: SessionEndReason;
    try {
      reason = sessionEndReasonForRevocation(await sessions.findRevocationReason?.(sessionId));
    } catch {
      // The reason is a courtesy: not knowing it never turns a sign-out into an error.
      return "expired";
    }
    endReasons.set(sessionId, reason);
    return reason;
  }

  async function evaluate(cookieValue: string | undefined): Promise<Evaluation> {
    if (!cookieValue || cookieValue.length > COOKIE_MAX_BYTES) return { session: null, ended: null };
    const nowMs = clock.nowMs();
    let session = cache.get(cookieValue) ?? null;
    if (!session) {
      try {
        const data = await unsealData<unknown>(cookieValue, { password: getConfig().sessionSecrets, ttl: 0 });
        const parsed = bffSessionSchema.safeParse(data);
        session = parsed.success ? parsed.data : null;
      } catch {
        session = null;
      }
      if (session && session.expiresAtMs > nowMs) cache.set(cookieValue, session, { ttl: session.expiresAtMs - nowMs });
    }
    if (!session) return { session: null, ended: null };
    if (session.expiresAtMs <= nowMs) return { session: null, ended: "expired" };
    if (session.idleExpiresAtMs <= nowMs) return { session: null, ended: "idle" };
    if (!(await sessions.isActive(session.sessionId, nowMs))) {
      cache.delete(cookieValue);
      return { session: null, ended: { revokedSessionId: session.sessionId } };
    }
    return { session };
  }

  return {
    async seal(session) {
      const nowMs = clock.nowMs();
      const sealed = await sealData(session, { password: getConfig().sessionSecrets, ttl: remainingSeconds(session, nowMs) });
      cache.set(sealed, session, { ttl: Math.max(1, session.expiresAtMs - nowMs) });
      return sealed;
    },

    read: async (cookieValue) => (await evaluate(cookieValue)).session,

    async inspect(cookieValue) {
      const evaluation = await evaluate(cookieValue);
      if (evaluation.session) return { session: evaluation.session, ended: null };
      const { ended } = evaluation;
      return { session: null, ended: ended === null || typeof ended === "string" ? ended : await findEndReason(ended.revokedSessionId) };
    },

    findEndReason,
  };
}

export interface SessionCookie {
  name: string;
  value: string;
  httpOnly: true;
  secure: true;
  sameSite: "strict";
  path: "/";
  maxAge: number;
}

export function sessionCookie(sealed: string, session: BffSession, nowMs: number): SessionCookie {
  return { name: SESSION_COOKIE_NAME, value: sealed, httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: remainingSeconds(session, nowMs) };
}

export function expiredSessionCookie(): SessionCookie {
  return { name: SESSION_COOKIE_NAME, value: "", httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: 0 };
}

/** Re-seal for idle tracking only when the deadline would move by more than a minute (or a tenth of a short timeout). */
const IDLE_EXTENSION_RESOLUTION_MS = 60_000;

export function nextIdleDeadlineMs(session: Pick<BffSession, "expiresAtMs">, nowMs: number): number {
  return Math.min(nowMs + getConfig().sessionIdleTimeoutSeconds * 1000, session.expiresAtMs);
}

/** The session with its idle deadline moved for activity now, or "unchanged" if that is not worth a new cookie. */
export function extendIdleDeadline(session: BffSession, nowMs: number): BffSession | "unchanged" {
  const next = nextIdleDeadlineMs(session, nowMs);
  const resolutionMs = Math.min(IDLE_EXTENSION_RESOLUTION_MS, (getConfig().sessionIdleTimeoutSeconds * 1000) / 10);
  return next - session.idleExpiresAtMs > resolutionMs ? { ...session, idleExpiresAtMs: next } : "unchanged";
}
