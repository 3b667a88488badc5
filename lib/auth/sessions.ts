/**
 * Sessions: one per signed-in device, a family of refresh tokens. Idle expiry (REFRESH_IDLE_TTL)
 * slides on every refresh; absolute expiry (SESSION_MAX_AGE) never moves.
 */
import { getConfig } from "../config";
import { getDb } from "../db";
import type { Session } from "../generated/prisma/client";
import { recordAuditEvent, type RequestContext } from "./audit";
import { rememberRevokedSession } from "./revocations";

export type RevocationReason = "sign_out" | "revoked_by_user" | "refresh_reuse" | "password_changed" | "account_disabled";

export async function createSession(input: {
  userId: string;
  clientId: string;
  context: RequestContext;
  nowMs: number;
}): Promise<Session> {
  const config = getConfig();
  return getDb().session.create({
    data: {
      id: crypto.randomUUID(),
      userId: input.userId,
      clientId: input.clientId,
      userAgent: input.context.userAgent?.slice(0, 512) ?? null,
      ip: input.context.ip,
      createdAt: new Date(input.nowMs),
      lastUsedAt: new Date(input.nowMs),
      idleExpiresAt: new Date(input.nowMs + config.refreshIdleTtlSeconds * 1000),
      absoluteExpiresAt: new Date(input.nowMs + config.sessionMaxAgeSeconds * 1000),
    },
  });
}

export function isSessionActive(session: Session, nowMs: number): boolean {
  return (
    session.revokedAt === null &&
    session.idleExpiresAt.getTime() > nowMs &&
    session.absoluteExpiresAt.getTime() > nowMs
  );
}

/** Revokes one session; its cookie and access tokens stop working on every instance within ~1 s. */
export async function revokeSession(
  sessionId: string,
  reason: RevocationReason,
  options: { context?: RequestContext; nowMs?: number } = {},
): Promise<boolean> {
  const nowMs = options.nowMs ?? Date.now();
  const db = getDb();
  const { count } = await db.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date(nowMs), revokedReason: reason },
  });
  rememberRevokedSession(sessionId, nowMs);
  if (count > 0) {
    const session = await db.session.findUnique({ where: { id: sessionId }, select: { userId: true } });
    await recordAuditEvent({
      type: reason === "sign_out" ? "sign_out" : "session_revoked",
      userId: session?.userId,
      sessionId,
      context: options.context,
      detail: reason,
      nowMs,
    });
  }
  return count > 0;
}
