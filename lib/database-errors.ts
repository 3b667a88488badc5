/**
 * Which errors mean "the database cannot be reached right now" (stopped, restarting, unreachable,
 * out of connections), as opposed to a bad query or a broken constraint. Those are answered with a
 * 503 and Retry-After, not a 500, and never taken as a signed-out session; the rest keep their
 * meaning. They arrive in several shapes, all recognised here and nowhere else: Prisma's codes,
 * the driver adapters' error kinds, and pg's and Node's own errors, which Prisma passes through
 * unwrapped. Decision record: docs/decisions/019-database-outage.md
 */
import "server-only";
import { AppError } from "./shared/errors";

/** Long enough for a restart or a failover to finish, short enough that nobody gives up. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Can't reach the server (P1001), timed out (P1002, P1008; SQLite's busy timeout too), connection closed (P1017), no pool connection (P2024). */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** What the driver adapters report for the same (`meta.driverAdapterError.cause.kind`). */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/**
 * PostgreSQL: shutting down or terminated by an administrator (57P01, 57P02), starting up or in
 * recovery (57P03), too many connections (53300), and connection exceptions (class 08).
 */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** pg's own connection errors carry no code, only these messages (pg's client.js and pg-pool). */
const PG_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
]);

/** How deep to follow `cause` and `meta.driverAdapterError`: Prisma nests two levels. */
const MAX_DEPTH = 4;

function describesUnavailable(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return false;
  // AppErrors are decided already (and a wrapped `cause` must not turn e.g. a 401 into a 503).
  if (value instanceof AppError) return false;
  const { code, errorCode, kind, originalCode, message, meta, cause } = value as Record<string, unknown>;
  for (const candidate of [code, errorCode, originalCode]) {
    if (typeof candidate === "string" && (PRISMA_CODES.has(candidate) || SQLSTATES.has(candidate) || SOCKET_CODES.has(candidate))) return true;
  }
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  if (typeof message === "string" && PG_MESSAGES.has(message) && typeof code !== "string") return true;
  const adapterError = (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  return describesUnavailable(adapterError, depth + 1) || describesUnavailable(cause, depth + 1);
}

/** Whether an error says the database cannot be reached right now (as opposed to refusing this query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return describesUnavailable(error, 0);
}

/** The 503 to answer for an error that says the database cannot be reached; null for any other error. */
export function toDatabaseUnavailableError(error: unknown): AppError | null {
  if (!isDatabaseUnavailable(error)) return null;
  console.warn(`The database is unavailable, answering 503: ${error instanceof Error ? error.message.trim().split("\n").at(-1) : String(error)}`);
  return new AppError("database_unavailable", { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS, cause: error });
}
