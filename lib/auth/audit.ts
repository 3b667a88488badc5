/** The activity log: security-relevant events, per user where there is one. */
import { getDb } from "../db";
import type { RequestContext } from "../shared/request-context";

export type AuditEventType =
  | "sign_in"
  | "sign_in_failed"
  | "sign_out"
  | "refresh_reuse_detected"
  | "session_revoked"
  | "password_changed"
  | "user_registered"
  | "rate_limit_hit";

export type { RequestContext };

export async function recordAuditEvent(event: {
  type: AuditEventType;
  userId?: string | null;
  sessionId?: string | null;
  context?: RequestContext;
  detail?: string;
  nowMs?: number;
}): Promise<void> {
  await getDb().auditEvent.create({
    data: {
      id: crypto.randomUUID(),
      type: event.type,
      userId: event.userId ?? null,
      sessionId: event.sessionId ?? null,
      ip: event.context?.ip ?? null,
      userAgent: event.context?.userAgent?.slice(0, 512) ?? null,
      detail: event.detail ?? null,
      createdAt: new Date(event.nowMs ?? Date.now()),
    },
  });
}
