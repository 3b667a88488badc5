/**
 * Which sessions were revoked recently, known to every instance within about a second without a
 * database query per request: each process keeps the ids of sessions revoked during the last
 * access-token lifetime and refreshes that set with one indexed query at most once a second.
 * Revocations made by this process take effect here at once.
 * Decision record: docs/decisions/003-revocation-propagation.md
 */
import { getConfig } from "../config";
import { getDb } from "../db";

/** How stale the set may get before a request waits for a refresh. */
export const REVOCATION_POLL_INTERVAL_MS = 1000;
/** Re-read a little before the last cursor so a revocation committed mid-poll is not missed. */
const POLL_OVERLAP_MS = 2000;
/** After this an access token of the session has expired anyway (its TTL plus clock skew). */
const forgetAfterMs = () => (getConfig().accessTokenTtlSeconds + 30) * 1000;

interface RevocationState {
  /** session id → when the entry may be forgotten (ms). */
  revoked: Map<string, number>;
  polledAtMs: number;
  cursorMs: number | null;
  inFlight: Promise<void> | null;
}

const globalForRevocations = globalThis as unknown as { keyholeRevocations?: RevocationState };

function getState(): RevocationState {
  globalForRevocations.keyholeRevocations ??= { revoked: new Map(), polledAtMs: 0, cursorMs: null, inFlight: null };
  return globalForRevocations.keyholeRevocations;
}

async function poll(nowMs: number): Promise<void> {
  const state = getState();
  const since = state.cursorMs === null ? nowMs - forgetAfterMs() : state.cursorMs - POLL_OVERLAP_MS;
  const rows = await getDb().session.findMany({
    where: { revokedAt: { gte: new Date(since) } },
    select: { id: true, revokedAt: true },
  });
  for (const row of rows) state.revoked.set(row.id, row.revokedAt!.getTime() + forgetAfterMs());
  for (const [id, forgetAtMs] of state.revoked) if (forgetAtMs < nowMs) state.revoked.delete(id);
  state.cursorMs = nowMs;
  state.polledAtMs = nowMs;
}

/** Brings the set up to date if it is older than the poll interval (one query in flight at most). */
export async function refreshRevocations(nowMs = Date.now()): Promise<void> {
  const state = getState();
  const sinceLastPollMs = nowMs - state.polledAtMs;
  // A clock that stepped backwards (sinceLastPollMs < 0) must not pause polling.
  if (sinceLastPollMs >= 0 && sinceLastPollMs < REVOCATION_POLL_INTERVAL_MS) return;
  state.inFlight ??= poll(nowMs).finally(() => {
    state.inFlight = null;
  });
  await state.inFlight;
}

export async function isSessionRevoked(sessionId: string, nowMs = Date.now()): Promise<boolean> {
  await refreshRevocations(nowMs);
  return getState().revoked.has(sessionId);
}

/** Records a revocation made by this process so it takes effect here immediately. */
export function rememberRevokedSession(sessionId: string, nowMs = Date.now()): void {
  getState().revoked.set(sessionId, nowMs + forgetAfterMs());
}
