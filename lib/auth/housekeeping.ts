/**
 * Rows nothing reads any more, deleted by every instance when it starts and every 10 minutes after,
 * in the background. Each delete is idempotent, so instances side by side need no coordination,
 * and it goes in batches, so a backlog never holds SQLite's write lock for long.
 * - Revocation feed entries after an hour: instances read the feed every second, and a missed
 *   entry is caught by the 30 s confirmation age; the session row is the record
 *   (docs/decisions/003-revocation-propagation.md).
 * - Sessions a day after their absolute expiry, with their refresh tokens: by then the cookie, the
 *   access tokens and the refresh tokens are dead of age. A revoked session is kept until then, so
 *   its cookie still learns why it ended. One ended for refresh-token reuse is kept: the next
 *   sign-in is told of it, however much later (GET /api/v1/me/security-notices). The activity log
 *   keeps its own rows.
 */
import "server-only";
import { getDb } from "../db";
import { singleton } from "../singleton";

export const REVOCATION_FEED_RETENTION_MS = 60 * 60_000;
export const EXPIRED_SESSION_RETENTION_MS = 24 * 60 * 60_000;
const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
const BATCH_SIZE = 1000;

/** Deletes what is past its retention at `nowMs`; returns how many rows of each. */
export async function deleteStaleRows(nowMs = Date.now()): Promise<{ revocations: number; sessions: number }> {
  const db = getDb();
  let revocations = 0;
  for (;;) {
    const batch = await db.sessionRevocation.findMany({ where: { revokedAt: { lt: new Date(nowMs - REVOCATION_FEED_RETENTION_MS) } }, select: { seq: true }, take: BATCH_SIZE });
    if (batch.length > 0) revocations += (await db.sessionRevocation.deleteMany({ where: { seq: { in: batch.map((row) => row.seq) } } })).count;
    if (batch.length < BATCH_SIZE) break;
  }
  let sessions = 0;
  for (;;) {
    const batch = await db.session.findMany({
      where: { absoluteExpiresAt: { lt: new Date(nowMs - EXPIRED_SESSION_RETENTION_MS) }, OR: [{ revokedReason: null }, { revokedReason: { not: "refresh_reuse" } }] },
      select: { id: true },
      take: BATCH_SIZE,
    });
    if (batch.length > 0) {
      const ids = batch.map((row) => row.id);
      // Explicitly, not by the foreign key's cascade alone: it must not depend on the connection's PRAGMA.
      const [, deleted] = await db.$transaction([db.refreshToken.deleteMany({ where: { sessionId: { in: ids } } }), db.session.deleteMany({ where: { id: { in: ids } } })]);
      sessions += deleted.count;
    }
    if (batch.length < BATCH_SIZE) break;
  }
  return { revocations, sessions };
}

/** Runs deleteStaleRows now and every interval, once per process, on a timer that never keeps the process alive. */
export function startHousekeeping(): void {
  singleton("housekeeping", () => {
    const run = () =>
      deleteStaleRows().catch((error: unknown) => {
        console.warn(`Housekeeping did not delete stale rows (${error instanceof Error ? error.message.trim().split("\n").at(-1) : String(error)}); trying again in 10 minutes`);
      });
    void run();
    return setInterval(run, HOUSEKEEPING_INTERVAL_MS).unref();
  });
}
