/**
 * The keyhole: one encrypted, HTTP-only cookie holding the session's tokens, sealed with
 * iron-session (AES-256-CBC + HMAC-SHA-256) under SESSION_SECRET (a rotation map: every secret
 * opens, the highest id seals). The browser can neither read nor alter it.
 * - `__Host-` prefix: Secure, Path=/, no Domain — no subdomain can set or overwrite it.
 * - SameSite=Strict: never sent on cross-site requests (docs/decisions/005-samesite-strict.md).
 * - Max-Age = the session's remaining absolute lifetime, so it never outlives the refresh token.
 * Unsealing costs ~0.3 ms, so unsealed sessions are cached by the exact cookie value (bounded LRU,
 * honouring expiry; revocation is checked on every read).
 */
import { sealData, unsealData } from "iron-session";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { isSessionRevoked } from "../auth";
import { getConfig } from "../config";
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
});

export type BffSession = z.infer<typeof bffSessionSchema>;
export type SessionUser = BffSession["user"];

const globalForCookies = globalThis as unknown as { keyholeSessionCache?: LRUCache<string, BffSession> };

function getCache(): LRUCache<string, BffSession> {
  globalForCookies.keyholeSessionCache ??= new LRUCache({ max: CACHE_MAX_ENTRIES });
  return globalForCookies.keyholeSessionCache;
}

function remainingSeconds(session: BffSession, nowMs: number): number {
  return Math.max(0, Math.floor((session.expiresAtMs - nowMs) / 1000));
}

export async function sealSession(session: BffSession, nowMs = Date.now()): Promise<string> {
  const sealed = await sealData(session, { password: getConfig().sessionSecrets, ttl: remainingSeconds(session, nowMs) });
  getCache().set(sealed, session, { ttl: Math.max(1, session.expiresAtMs - nowMs) });
  return sealed;
}

/** The session in a cookie value, or null if it is tampered, expired or revoked. */
export async function readSessionCookie(cookieValue: string | undefined, nowMs = Date.now()): Promise<BffSession | null> {
  if (!cookieValue || cookieValue.length > COOKIE_MAX_BYTES) return null;
  const cache = getCache();
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
  if (!session || session.expiresAtMs <= nowMs) return null;
  if (await isSessionRevoked(session.sessionId, nowMs)) {
    cache.delete(cookieValue);
    return null;
  }
  return session;
}

interface CookieAttributes {
  name: string;
  value: string;
  httpOnly: true;
  secure: true;
  sameSite: "strict";
  path: "/";
  maxAge: number;
}

export function sessionCookie(sealed: string, session: BffSession, nowMs = Date.now()): CookieAttributes {
  return { name: SESSION_COOKIE_NAME, value: sealed, httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: remainingSeconds(session, nowMs) };
}

export function expiredSessionCookie(): CookieAttributes {
  return { name: SESSION_COOKIE_NAME, value: "", httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: 0 };
}
