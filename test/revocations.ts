/** What revokeSession does on another instance: the row and the sequence entry, nothing in this process's memory. */
import { recordRevocation } from "../lib/auth/revocations";
import { getDb } from "../lib/db";

export async function revokeElsewhere(sessionId: string, nowMs: number): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.session.update({ where: { id: sessionId }, data: { revokedAt: new Date(nowMs), revokedReason: "sign_out" } }),
    ...recordRevocation(sessionId, nowMs),
  ]);
}
