/**
 * Refresh tokens: 256 random bits, prefixed `khr_`, stored only as SHA-256 hashes, rotated on
 * every use. A token's successor is HMAC(REFRESH_TOKEN_SECRET, token), so presenting a rotated
 * token again within REFRESH_GRACE_PERIOD (default 30 s) returns the very same successor: parallel
 * refreshes from several tabs or instances never log a user out. After the window, reuse means
 * the token was stolen, and the whole session is revoked.
 * Decision record: docs/decisions/002-token-lifetimes.md
 */
import "server-only";
import { getConfig } from "../config";
import { getDb } from "../db";
import type { Session } from "../generated/prisma/client";
import { recordAuditEvent, type RequestContext } from "./audit";
import { generateSecretToken, hmacSha256, sha256 } from "./crypto";
import { isSessionActive } from "./revocations";
import { revokeSession } from "./sessions";

export const REFRESH_TOKEN_PREFIX = "khr_";
const MAX_TOKEN_LENGTH = 128;
/** A replayed token may be this many rotations behind and still be answered inside the window. */
const MAX_REPLAY_DEPTH = 5;

export function generateRefreshToken(): string {
  return REFRESH_TOKEN_PREFIX + generateSecretToken();
}

function deriveSuccessor(token: string): string {
  return REFRESH_TOKEN_PREFIX + hmacSha256(getConfig().refreshTokenSecret, token);
}

export async function storeRefreshToken(sessionId: string, token: string, nowMs: number): Promise<void> {
  await getDb().refreshToken.create({
    data: { id: crypto.randomUUID(), sessionId, tokenHash: sha256(token), createdAt: new Date(nowMs) },
  });
}

function findRefreshToken(token: string) {
  if (!token.startsWith(REFRESH_TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
  return getDb().refreshToken.findUnique({ where: { tokenHash: sha256(token) }, include: { session: true } });
}

/** The session a refresh token belongs to, whether or not the token was rotated. */
export async function findSessionByRefreshToken(token: string): Promise<Session | null> {
  return (await findRefreshToken(token))?.session ?? null;
}

/**
 * Exchanges a refresh token for its successor. Returns null for an unknown, foreign or dead token;
 * revokes the session when a token is replayed after the grace window.
 */
export async function rotateRefreshToken(input: {
  token: string;
  clientId: string;
  context: RequestContext;
  nowMs: number;
}): Promise<{ session: Session; refreshToken: string } | null> {
  const { nowMs } = input;
  const row = await findRefreshToken(input.token);
  if (!row || row.session.clientId !== input.clientId || !isSessionActive(row.session, nowMs)) return null;

  if (row.rotatedAt === null) {
    const config = getConfig();
    const successor = deriveSuccessor(input.token);
    const db = getDb();
    // Idempotent: racing rotations (other tabs, other instances) derive the same successor. Marking
    // the token rotated comes first: it locks the token's row (PostgreSQL) or the database (SQLite),
    // so a racing rotation waits for this one's commit and its upsert then finds the successor.
    const [, , session] = await db.$transaction([
      db.refreshToken.updateMany({ where: { id: row.id, rotatedAt: null }, data: { rotatedAt: new Date(nowMs) } }),
      db.refreshToken.upsert({
        where: { tokenHash: sha256(successor) },
        create: { id: crypto.randomUUID(), sessionId: row.sessionId, tokenHash: sha256(successor), createdAt: new Date(nowMs) },
        update: {},
      }),
      db.session.update({
        where: { id: row.sessionId },
        data: {
          lastUsedAt: new Date(nowMs),
          idleExpiresAt: new Date(Math.min(nowMs + config.refreshIdleTtlSeconds * 1000, row.session.absoluteExpiresAt.getTime())),
        },
      }),
    ]);
    return { session, refreshToken: successor };
  }

  const graceMs = getConfig().refreshGracePeriodSeconds * 1000;
  let token = input.token;
  let rotatedAtMs = row.rotatedAt.getTime();
  for (let depth = 0; depth < MAX_REPLAY_DEPTH && nowMs - rotatedAtMs <= graceMs; depth++) {
    token = deriveSuccessor(token);
    const next = await findRefreshToken(token);
    if (!next) break;
    if (next.rotatedAt === null) return { session: row.session, refreshToken: token };
    rotatedAtMs = next.rotatedAt.getTime();
  }

  await recordAuditEvent({
    type: "refresh_reuse_detected",
    userId: row.session.userId,
    sessionId: row.sessionId,
    context: input.context,
    nowMs,
  });
  await revokeSession(row.sessionId, "refresh_reuse", { context: input.context, nowMs });
  return null;
}
