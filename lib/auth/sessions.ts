/**
 * Sessions: one per signed-in device, a family of refresh tokens. Idle expiry (REFRESH_IDLE_TTL)
 * slides on every refresh; absolute expiry (SESSION_MAX_AGE) never moves.
 */
import "server-only";
import UAParser from "ua-parser-js";
import { getConfig } from "../config";
import { getDb } from "../db";
import type { Session, User } from "../generated/prisma/client";
import { recordAuditEvent, type RequestContext } from "./audit";
import { recordRevocation, rememberRevokedSession } from "./revocations";
import type { SessionDto } from "../shared/schemas";

export type RevocationReason = "sign_out" | "revoked_by_user" | "refresh_reuse" | "password_changed" | "account_disabled" | "account_deleted";

function newSessionData(input: { userId: string; clientId: string; context: RequestContext; nowMs: number }) {
  const config = getConfig();
  return {
    id: crypto.randomUUID(),
    userId: input.userId,
    clientId: input.clientId,
    userAgent: input.context.userAgent?.slice(0, 512) ?? null,
    ip: input.context.ip,
    createdAt: new Date(input.nowMs),
    lastUsedAt: new Date(input.nowMs),
    idleExpiresAt: new Date(input.nowMs + config.refreshIdleTtlSeconds * 1000),
    absoluteExpiresAt: new Date(input.nowMs + config.sessionMaxAgeSeconds * 1000),
    // Signing in proves the password (re-authentication window).
    authenticatedAt: new Date(input.nowMs),
  };
}

/**
 * A session for a user whose password was just verified, or null when the credentials changed in
 * the meantime (password change, account disabled): the check and the insert are one transaction.
 */
export async function createSessionForCredentials(input: {
  user: Pick<User, "id" | "credentialsVersion">;
  clientId: string;
  context: RequestContext;
  nowMs: number;
}): Promise<Session | null> {
  const db = getDb();
  const [session, unchanged] = await db.$transaction([
    db.session.create({ data: newSessionData({ ...input, userId: input.user.id }) }),
    db.user.findFirst({ where: { id: input.user.id, credentialsVersion: input.user.credentialsVersion, disabledAt: null }, select: { id: true } }),
  ]);
  if (unchanged) return session;
  // Never handed out, so nothing to revoke.
  await db.session.delete({ where: { id: session.id } });
  return null;
}

/**
 * Revokes one session; its cookie and access tokens stop working on every instance at once on
 * PostgreSQL (notified at commit), within about a second on SQLite (polled).
 */
export async function revokeSession(
  sessionId: string,
  reason: RevocationReason,
  options: { context?: RequestContext; nowMs?: number } = {},
): Promise<boolean> {
  const nowMs = options.nowMs ?? Date.now();
  const db = getDb();
  // The sequence row is written even when the session was already revoked: a duplicate is harmless.
  const [{ count }] = await db.$transaction([
    db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(nowMs), revokedReason: reason } }),
    ...recordRevocation(sessionId, nowMs),
  ]);
  rememberRevokedSession(sessionId);
  if (count > 0) {
    const session = await db.session.findUnique({ where: { id: sessionId }, select: { userId: true, userAgent: true, ip: true } });
    await recordAuditEvent({
      type: reason === "sign_out" ? "sign_out" : "session_revoked",
      userId: session?.userId,
      sessionId,
      // The event's own IP and browser are the actor's; the device signed out is named here.
      context: options.context,
      detail: session ? describeRevocation(reason, session) : reason,
      nowMs,
    });
  }
  return count > 0;
}

/** The detail of a revocation event: why, and which device it ended (as the devices list names it). */
function describeRevocation(reason: RevocationReason, session: { userAgent: string | null; ip: string | null }): string {
  const { browser, device } = describeUserAgent(session.userAgent);
  return JSON.stringify({ reason, device: `${browser} · ${device}`, ip: session.ip });
}

function describeUserAgent(userAgent: string | null): { browser: string; device: string } {
  if (!userAgent) return { browser: "Unknown browser", device: "Unknown device" };
  const parsed = new UAParser(userAgent).getResult();
  const browser = [parsed.browser.name, parsed.browser.major].filter(Boolean).join(" ") || "Unknown browser";
  const os = [parsed.os.name, parsed.os.version].filter(Boolean).join(" ");
  const kind = parsed.device.type ? parsed.device.type.charAt(0).toUpperCase() + parsed.device.type.slice(1) : "Computer";
  return { browser, device: os ? `${kind} · ${os}` : kind };
}

/** The user's signed-in devices, most recently active first. */
export async function listUserSessions(userId: string, currentSessionId: string | null, nowMs = Date.now()): Promise<SessionDto[]> {
  const sessions = await getDb().session.findMany({
    where: { userId, revokedAt: null, idleExpiresAt: { gt: new Date(nowMs) }, absoluteExpiresAt: { gt: new Date(nowMs) } },
    orderBy: { lastUsedAt: "desc" },
  });
  return sessions.map((session) => ({
    id: session.id,
    ...describeUserAgent(session.userAgent),
    ip: session.ip,
    createdAt: session.createdAt.toISOString(),
    lastActiveAt: session.lastUsedAt.toISOString(),
    expiresAt: new Date(Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime())).toISOString(),
    current: session.id === currentSessionId,
  }));
}

/** Signs one of the user's own devices out; false when it is not theirs or already over. */
export async function revokeUserSession(userId: string, sessionId: string, context: RequestContext): Promise<boolean> {
  const session = await getDb().session.findFirst({ where: { id: sessionId, userId, revokedAt: null }, select: { id: true } });
  return session ? revokeSession(session.id, "revoked_by_user", { context }) : false;
}

/** Signs out every other device of the user still signed in (expired sessions are over already); returns how many. */
export async function revokeOtherSessions(
  userId: string,
  keepSessionId: string | null,
  reason: RevocationReason,
  context: RequestContext,
): Promise<number> {
  const now = new Date();
  const others = await getDb().session.findMany({
    where: { userId, revokedAt: null, idleExpiresAt: { gt: now }, absoluteExpiresAt: { gt: now }, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  for (const { id } of others) await revokeSession(id, reason, { context });
  return others.length;
}

/** Why a session was revoked (its RevocationReason), or null when it was not (or does not exist). */
export async function findRevocationReason(sessionId: string): Promise<RevocationReason | null> {
  const row = await getDb().session.findUnique({ where: { id: sessionId }, select: { revokedReason: true } });
  return (row?.revokedReason as RevocationReason | null | undefined) ?? null;
}

/**
 * When the token service last ended one of the user's sessions because its refresh token was
 * used twice (a stolen session is suspected), if that happened since the user's previous sign-in
 * and before `sessionId` began; null otherwise. Shown once: the sign-in after this one has this
 * one as its previous sign-in, which is later than the revocation.
 */
export async function findRefreshReuseSincePreviousSignIn(userId: string, sessionId: string): Promise<Date | null> {
  const db = getDb();
  const current = await db.session.findFirst({ where: { id: sessionId, userId }, select: { createdAt: true } });
  if (!current) return null;
  // The activity log, not the sessions: housekeeping deletes sessions a month old, and the
  // previous sign-in may be one of them.
  const previous = await db.auditEvent.findFirst({
    where: { userId, type: "sign_in", sessionId: { not: sessionId }, createdAt: { lt: current.createdAt } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  if (!previous) return null;
  const revoked = await db.session.findFirst({
    where: { userId, revokedReason: "refresh_reuse", revokedAt: { gt: previous.createdAt, lte: current.createdAt } },
    orderBy: { revokedAt: "desc" },
    select: { revokedAt: true },
  });
  return revoked?.revokedAt ?? null;
}
