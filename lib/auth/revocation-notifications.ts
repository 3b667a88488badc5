/**
 * PostgreSQL pushes every revocation to every instance: the revoking transaction sends a
 * notification on REVOCATION_CHANNEL as it commits (see `recordRevocation`), and each instance
 * keeps one connection that LISTENs. The pool's connections come and go; this one stays, and is
 * opened again, with a growing delay, whenever it drops.
 */
import "server-only";
import pg from "pg";
import { maskDatabaseUrl } from "../database-url";

export const REVOCATION_CHANNEL = "keyhole_session_revoked";
const RECONNECT_DELAY_MIN_MS = 100;
const RECONNECT_DELAY_MAX_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;

export interface RevocationListener {
  close(): Promise<void>;
}

/** A notification's payload: `<seq>:<sessionId>`. */
export function parseRevocationPayload(payload: string | undefined): { seq: number; sessionId: string } | null {
  const match = /^(\d+):(.+)$/.exec(payload ?? "");
  return match ? { seq: Number(match[1]), sessionId: match[2]! } : null;
}

/**
 * Listens until closed. `onListening` runs after each (re)connection once LISTEN is in place (the
 * caller catches up on what it missed meanwhile); `onLost` runs when the connection drops.
 */
export function listenForRevocations(
  databaseUrl: string,
  handlers: { onRevoked(seq: number, sessionId: string): void; onListening(): Promise<void>; onLost(): void },
): RevocationListener {
  let closed = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = RECONNECT_DELAY_MIN_MS;

  const lose = (current: pg.Client, error?: Error) => {
    if (client !== current) return;
    client = null;
    handlers.onLost();
    current.end().catch(() => {});
    if (closed) return;
    if (error) console.warn(`Revocation notifications from ${maskDatabaseUrl(databaseUrl)} stopped (${error.message}); reconnecting`);
    retryTimer = setTimeout(connect, delayMs);
    delayMs = Math.min(delayMs * 2, RECONNECT_DELAY_MAX_MS);
  };

  async function connect() {
    if (closed) return;
    const current = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client = current;
    current.on("error", (error) => lose(current, error));
    current.on("end", () => lose(current));
    current.on("notification", ({ channel, payload }) => {
      const revocation = channel === REVOCATION_CHANNEL ? parseRevocationPayload(payload) : null;
      if (revocation) handlers.onRevoked(revocation.seq, revocation.sessionId);
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${REVOCATION_CHANNEL}`);
      await handlers.onListening();
      delayMs = RECONNECT_DELAY_MIN_MS;
    } catch (error) {
      lose(current, error as Error);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
