/**
 * Whether a session is still active, for every cookie read and every access token, without a
 * database query per request and without ever forgetting a revocation.
 * - `confirmed`: sessions this process has read as active from the database, each for at most
 *   CONFIRMATION_MAX_AGE_MS. A repeat request is answered from here.
 * - `ended`: sessions known to be revoked or expired. Ending is permanent, so this is only a cache:
 *   an entry evicted from it is read again from the database, which still says so.
 * - A miss (a session this process has not seen, or a confirmation that is too old) reads the
 *   session row: one indexed query. So an instance started after a revocation refuses it too.
 * - Every revocation appends a row to SessionRevocation, whose `seq` follows commit order (SQLite
 *   has one writer; on PostgreSQL revocations take an advisory lock). On PostgreSQL the commit also
 *   notifies every instance, which evicts the session at once (lib/auth/revocation-notifications.ts);
 *   after a dropped connection it catches up on `seq > cursor` before trusting its caches again.
 *   On SQLite, and on PostgreSQL while the notifications are down, each process polls
 *   `seq > cursor` at most once per REVOCATION_POLL_INTERVAL_MS instead. A monotonic sequence,
 *   never the wall clock, so a late commit or a skewed clock cannot skip one. The feed keeps an
 *   hour of entries (lib/auth/housekeeping.ts): the session row is the record.
 * Decision record: docs/decisions/003-revocation-propagation.md
 */
import "server-only";
import { LRUCache } from "lru-cache";
import { getConfig } from "../config";
import { driverDate, getDb, preparedRead, type PreparedStatement } from "../db";
import type { Prisma, Session } from "../generated/prisma/client";
import { singleton } from "../singleton";
import { listenForRevocations, REVOCATION_CHANNEL, type RevocationListener } from "./revocation-notifications";

/** How stale this process's view of revocations may get before a request waits for a poll. */
export const REVOCATION_POLL_INTERVAL_MS = 1000;
/** A confirmed session is read again after this, whatever the poll says. */
export const CONFIRMATION_MAX_AGE_MS = 30_000;
const POLL_BATCH_SIZE = 1000;
/** Serialises revocations on PostgreSQL, whose sequences are allocated before commit (any constant of ours). */
const REVOCATION_LOCK_KEY = 7_265_720;
const CACHE_MAX_ENTRIES = 50_000;

interface Confirmation {
  confirmedAtMs: number;
  /** When the session stops being active anyway (its idle or absolute expiry). */
  endsAtMs: number;
}

interface RevocationState {
  confirmed: LRUCache<string, Confirmation>;
  ended: LRUCache<string, true>;
  /** The highest SessionRevocation.seq applied here; null until the first poll. */
  cursor: number | null;
  polledAtMs: number;
  inFlight: Promise<void> | null;
  /** PostgreSQL: the connection that receives revocations as they commit. */
  listener: RevocationListener | null;
  /** True while that connection is up and has caught up: no polling needed. */
  pushed: boolean;
}

const getState = () =>
  singleton<RevocationState>("revocations", () => ({
    confirmed: new LRUCache({ max: CACHE_MAX_ENTRIES }),
    ended: new LRUCache({ max: CACHE_MAX_ENTRIES }),
    cursor: null,
    polledAtMs: Number.NEGATIVE_INFINITY,
    inFlight: null,
    listener: null,
    pushed: false,
  }));

function startListening(state: RevocationState): RevocationListener {
  return listenForRevocations(getConfig().databaseUrl, {
    onRevoked(seq, sessionId) {
      markEnded(state, sessionId);
      // Notifications arrive in commit order, which is `seq` order: nothing below is missing.
      if (state.cursor !== null && seq > state.cursor) state.cursor = seq;
    },
    async onListening() {
      await poll(state);
      state.pushed = true;
    },
    onLost() {
      state.pushed = false;
    },
  });
}

/** Whether revocations reach this process as they commit (PostgreSQL, connection up and caught up). */
export function revocationsArePushed(): boolean {
  return getState().pushed;
}

/** Closes this process's notification connection (tests, and a process that ends). */
export async function stopListeningForRevocations(): Promise<void> {
  const state = getState();
  const listener = state.listener;
  state.listener = null;
  state.pushed = false;
  await listener?.close();
}

async function poll(state: RevocationState): Promise<void> {
  const db = getDb();
  if (state.cursor === null) {
    // Nothing is cached yet, so nothing needs evicting: start after the newest revocation.
    const { _max } = await db.sessionRevocation.aggregate({ _max: { seq: true } });
    state.cursor = _max.seq ?? 0;
    return;
  }
  for (;;) {
    const cursor: number = state.cursor;
    const rows = await db.sessionRevocation.findMany({
      where: { seq: { gt: cursor } },
      orderBy: { seq: "asc" },
      take: POLL_BATCH_SIZE,
      select: { seq: true, sessionId: true },
    });
    for (const row of rows) markEnded(state, row.sessionId);
    if (rows.length > 0) state.cursor = rows.at(-1)!.seq;
    if (rows.length < POLL_BATCH_SIZE) return;
  }
}

function markEnded(state: RevocationState, sessionId: string): void {
  state.confirmed.delete(sessionId);
  state.ended.set(sessionId, true);
}

/**
 * Applies revocations made elsewhere: nothing to do while PostgreSQL pushes them; otherwise a poll
 * if the last one is older than the interval (one query in flight at most).
 */
export async function refreshRevocations(nowMs = Date.now()): Promise<void> {
  const state = getState();
  if (getConfig().databaseProvider === "postgresql") {
    state.listener ??= startListening(state);
    if (state.pushed) return;
  }
  const sinceLastPollMs = nowMs - state.polledAtMs;
  // A clock that stepped backwards (sinceLastPollMs < 0) must not pause polling.
  if (sinceLastPollMs >= 0 && sinceLastPollMs < REVOCATION_POLL_INTERVAL_MS) return;
  state.inFlight ??= poll(state)
    .then(() => {
      state.polledAtMs = nowMs;
    })
    .finally(() => {
      state.inFlight = null;
    });
  await state.inFlight;
}

type SessionLifetime = Pick<Session, "revokedAt" | "idleExpiresAt" | "absoluteExpiresAt">;

/** When the session stops being active by itself (its idle or absolute expiry). */
const sessionEndsAtMs = (session: SessionLifetime) => Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime());

/** Whether a session row is active: not revoked, neither idle nor absolute expiry passed. */
export function isSessionActive(session: SessionLifetime, nowMs: number): boolean {
  return session.revokedAt === null && sessionEndsAtMs(session) > nowMs;
}

/** Read on a session's first request on this instance and every CONFIRMATION_MAX_AGE_MS after: a prepared statement. */
const SESSION_LIFETIME: PreparedStatement = {
  name: "session-lifetime",
  sqlite: `SELECT "revokedAt", "idleExpiresAt", "absoluteExpiresAt" FROM "Session" WHERE "id" = ?`,
  postgresql: `SELECT "revokedAt" AT TIME ZONE 'UTC' AS "revokedAt", "idleExpiresAt" AT TIME ZONE 'UTC' AS "idleExpiresAt",
    "absoluteExpiresAt" AT TIME ZONE 'UTC' AS "absoluteExpiresAt" FROM "Session" WHERE "id" = $1`,
};

type LifetimeRow = { revokedAt: Date | string | null; idleExpiresAt: Date | string; absoluteExpiresAt: Date | string };

async function readSessionLifetime(sessionId: string): Promise<SessionLifetime | null> {
  const [row] = await preparedRead<LifetimeRow>(SESSION_LIFETIME, [sessionId]);
  if (!row) return null;
  return {
    revokedAt: row.revokedAt === null ? null : driverDate(row.revokedAt),
    idleExpiresAt: driverDate(row.idleExpiresAt),
    absoluteExpiresAt: driverDate(row.absoluteExpiresAt),
  };
}

async function confirmSession(state: RevocationState, sessionId: string, nowMs: number): Promise<boolean> {
  const row = await readSessionLifetime(sessionId);
  // A poll that ran while the row was being read may have just ended it.
  if (state.ended.has(sessionId)) return false;
  if (!row || !isSessionActive(row, nowMs)) {
    markEnded(state, sessionId);
    return false;
  }
  state.confirmed.set(sessionId, { confirmedAtMs: nowMs, endsAtMs: sessionEndsAtMs(row) });
  return true;
}

/**
 * True unless the session is active: revoked, expired and unknown sessions are all "revoked".
 * Answered from memory for a session confirmed within the last CONFIRMATION_MAX_AGE_MS.
 */
export async function isSessionRevoked(sessionId: string, nowMs = Date.now()): Promise<boolean> {
  const state = getState();
  await refreshRevocations(nowMs);
  if (state.ended.has(sessionId)) return true;
  const confirmation = state.confirmed.get(sessionId);
  const ageMs = confirmation ? nowMs - confirmation.confirmedAtMs : -1;
  // A clock that stepped backwards (ageMs < 0) confirms again.
  if (confirmation && ageMs >= 0 && ageMs < CONFIRMATION_MAX_AGE_MS) return confirmation.endsAtMs <= nowMs;
  return !(await confirmSession(state, sessionId, nowMs));
}

/**
 * Appends the revocation to the sequence other instances read, and on PostgreSQL notifies them
 * as it commits. Spread the result into the caller's `db.$transaction([...])`, after the session
 * update.
 */
export function recordRevocation(sessionId: string, nowMs: number): Prisma.PrismaPromise<unknown>[] {
  const db = getDb();
  if (getConfig().databaseProvider === "sqlite") return [db.sessionRevocation.create({ data: { sessionId, revokedAt: new Date(nowMs) } })];
  return [
    // Held to commit: the next revocation's `seq` is allocated after this one is visible.
    db.$executeRaw`SELECT pg_advisory_xact_lock(${REVOCATION_LOCK_KEY})`,
    db.$executeRaw`WITH revocation AS (
        INSERT INTO "SessionRevocation" ("sessionId", "revokedAt") VALUES (${sessionId}, ${new Date(nowMs)}) RETURNING "seq"
      ) SELECT pg_notify(${REVOCATION_CHANNEL}, "seq" || ':' || ${sessionId}) FROM revocation`,
  ];
}

/** Records a revocation made by this process so it takes effect here immediately. */
export function rememberRevokedSession(sessionId: string): void {
  markEnded(getState(), sessionId);
}
