/** What revokeSession does on another instance: the row and the sequence entry, nothing in this process's memory. */
import { isSessionRevoked, recordRevocation } from "../lib/auth/revocations";
import { getDb } from "../lib/db";

export async function revokeElsewhere(sessionId: string, nowMs: number): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.session.update({ where: { id: sessionId }, data: { revokedAt: new Date(nowMs), revokedReason: "sign_out" } }),
    ...recordRevocation(sessionId, nowMs),
  ]);
}

/**
 * Whether the session is refused at `nowMs`, given a moment for the revocation to arrive: on
 * SQLite the poll that `nowMs` calls for brings it at once; on PostgreSQL the notification comes
 * within milliseconds of the commit (lib/auth/revocations.postgresql.test.ts measures it).
 */
export async function refusedAfterPropagation(sessionId: string, nowMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await isSessionRevoked(sessionId, nowMs)) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}
