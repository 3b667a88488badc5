/** The activity log: security-relevant events, per user where there is one. */
import "server-only";
import { getDb } from "../db";
import { afterCursor, newestFirst, toPage } from "../pagination";
import type { AuditEvent } from "../generated/prisma/client";
import type { AuditEventType } from "../shared/audit-event-types";
import type { RequestContext } from "../shared/request-context";
import type { AuditEventDto } from "../shared/schemas";

export type { AuditEventType, RequestContext };

/** The user's own events, newest first. */
export async function listAuditEvents(userId: string, options: { limit: number; cursor?: string }) {
  const events = await getDb().$queryRaw<AuditEvent[]>`
    SELECT "id", "userId", "type", "sessionId", "ip", "userAgent", "detail", "createdAt" FROM "AuditEvent"
    WHERE "userId" = ${userId} ${afterCursor(options.cursor)} ${newestFirst(options.limit)}`;
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
