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
  | "rate_limit_hit"
  | "pat_created"
  | "pat_revoked"
  | "pat_first_used";

export interface PublicAuditEvent {
  id: string;
  type: AuditEventType;
  ip: string | null;
  userAgent: string | null;
  detail: string | null;
  createdAt: string;
}

/** The user's own events, newest first; cursor = `<createdAtMs>.<id>` of the last one seen. */
export async function listAuditEvents(userId: string, options: { limit: number; cursor?: string }) {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(options.cursor ?? "");
  const after = match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : null;
  const events = await getDb().auditEvent.findMany({
    where: {
      userId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  const page = events.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map(
      (event): PublicAuditEvent => ({
        id: event.id,
        type: event.type as AuditEventType,
        ip: event.ip,
        userAgent: event.userAgent,
        detail: event.detail,
        createdAt: event.createdAt.toISOString(),
      }),
    ),
    nextCursor: events.length > options.limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
  };
}

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
