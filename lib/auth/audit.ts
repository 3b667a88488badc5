/** The activity log: security-relevant events, per user where there is one. */
import { getDb } from "../db";
import { keysetWhere, NEWEST_FIRST, toPage } from "../pagination";
import type { AuditEventType } from "../shared/audit-event-types";
import type { RequestContext } from "../shared/request-context";
import type { AuditEventDto } from "../shared/schemas";

export type { AuditEventType, RequestContext };

/** The user's own events, newest first. */
export async function listAuditEvents(userId: string, options: { limit: number; cursor?: string }) {
  const events = await getDb().auditEvent.findMany({
    where: { userId, ...keysetWhere(options.cursor) },
    orderBy: NEWEST_FIRST,
    take: options.limit + 1,
  });
  return toPage(
    events,
    options.limit,
    (event): AuditEventDto => ({
      id: event.id,
      type: event.type as AuditEventType,
      ip: event.ip,
      userAgent: event.userAgent,
      detail: event.detail,
      createdAt: event.createdAt.toISOString(),
    }),
  );
}

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
