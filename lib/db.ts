/** The one Prisma client of this process, on SQLite (the default) or PostgreSQL. */
import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { LRUCache } from "lru-cache";
import pg from "pg";
import { getConfig } from "./config";
import { maskDatabaseUrl } from "./database-url";
import { singleton } from "./singleton";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PostgresqlPrismaClient } from "./generated/prisma-postgresql/client";

export type { Prisma } from "./generated/prisma/client";

/**
 * better-sqlite3 runs on the event loop, so a commit that waits for the disk stalls every request.
 * With SQLite's default rollback journal each commit costs several fsyncs; in WAL mode with
 * synchronous=NORMAL a commit only appends to the log (the usual setting for a server; a power
 * cut can lose the last commits, never corrupt the file). Logins write several rows each.
 */
const CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

/**
 * Two changes to how Prisma's SQLite adapter prepares its statements:
 * - BEGIN becomes BEGIN IMMEDIATE. The adapter opens transactions with a plain (deferred) BEGIN.
 *   In WAL mode a deferred transaction that reads first and writes later cannot wait for another
 *   instance's write lock: the upgrade fails at once (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT once
 *   the other committed), and no busy timeout helps. Seen: two instances rotating one refresh
 *   token at once answered 500. BEGIN IMMEDIATE takes the write lock up front, waiting for it
 *   (better-sqlite3's 5 s busy timeout) as any single write does.
 * - Each SQL text is prepared once and reused (the adapter prepares every query afresh, about a
 *   third of a small query's cost in better-sqlite3). A better-sqlite3 statement can be bound only
 *   once, so the adapter gets a view that passes its arguments on every call instead.
 */
const STATEMENT_CACHE_MAX = 500;

interface Statement {
  reader: boolean;
  run(...args: unknown[]): unknown;
  columns(): unknown[];
  raw(toggle: boolean): { all(...args: unknown[]): unknown[] };
}

/** Returns the prepared statement of a SQL text on the connection Prisma uses. */
function adjustStatements(adapter: object): (sql: string) => Statement {
  const client = (adapter as { client?: { prepare(sql: string): Statement } }).client;
  if (!client) throw new TypeError("the SQLite adapter no longer exposes its client: revisit lib/db.ts");
  const prepare = client.prepare.bind(client);
  const statements = new LRUCache<string, Statement>({ max: STATEMENT_CACHE_MAX });
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const withArguments = (statement: Statement, args: unknown[]) => ({
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => statement.columns(),
    raw: () => ({ all: () => statement.raw(true).all(args) }),
  });
  (client as { prepare(sql: string): unknown }).prepare = (sql: string) => {
    const statement = prepared(sql);
    return { ...withArguments(statement, []), bind: (args: unknown[]) => withArguments(statement, args) };
  };
  return prepared;
}

class SqliteAdapter extends PrismaBetterSQLite3 {
  /** Statements on the current connection, for `preparedRead`; null until Prisma connects. */
  prepared: ((sql: string) => Statement) | null = null;

  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(CONNECTION_PRAGMAS);
    this.prepared = adjustStatements(adapter);
    return adapter;
  }
}

/**
 * The SQLite adapter of each client getDb() made, for `preparedRead`. Kept with the singletons:
 * Next.js may evaluate this module once per route bundle, and the client is shared by all of them.
 */
const sqliteAdapters = () => singleton("sqlite-adapters", () => new WeakMap<object, SqliteAdapter>());

/**
 * How long a request waits for a PostgreSQL connection before it fails (503, lib/database-errors.ts):
 * while the server is down, an answer within about a second beats a hung request.
 */
const POSTGRES_CONNECT_TIMEOUT_MS = 1_000;

/** This instance's PostgreSQL connections: Prisma's queries and the rate limits share them. */
export function getPostgresPool(): pg.Pool {
  return singleton("postgres-pool", () => {
    const config = getConfig();
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // An idle connection that the server closes (a restart, a failover) is reported here; without a
    // listener the process would crash. The pool drops it and opens a new one on the next query.
    pool.on("error", (error) => {
      console.warn(`PostgreSQL (${maskDatabaseUrl(config.databaseUrl)}) closed an idle connection: ${error.message}`);
    });
    return pool;
  });
}

export function getDb(): PrismaClient {
  return singleton("db", () => {
    const config = getConfig();
    if (config.databaseProvider === "sqlite") {
      const adapter = new SqliteAdapter({ url: config.databaseUrl });
      const client = new PrismaClient({ adapter });
      sqliteAdapters().set(client, adapter);
      return client;
    }
    // Both generated clients have the same models and methods (one authored schema,
    // scripts/postgresql-schema.ts); only the provider they compile queries for differs.
    const adapter = new PrismaPg(getPostgresPool(), { disposeExternalPool: true });
    return new PostgresqlPrismaClient({ adapter }) as unknown as PrismaClient;
  });
}

/** A read for `preparedRead`: its SQL for each database, `name` naming the PostgreSQL prepared statement. */
export interface PreparedStatement {
  name: string;
  /** With `?` placeholders. */
  sqlite: string;
  /** With `$1`… placeholders. */
  postgresql: string;
}

/**
 * Runs one of the hottest reads as a prepared statement, past Prisma's query pipeline: Prisma
 * 6.19 compiles even a raw query in WebAssembly and interprets its plan in JavaScript, several
 * times the cost of the read itself (docs/decisions/024-performance-at-scale.md). It runs on the
 * connection Prisma uses (SQLite) or on the same pool (PostgreSQL), so it sees what Prisma sees
 * and fails as Prisma's queries do (lib/database-errors.ts knows both). A Date value is bound
 * as Prisma binds it; rows come back as the driver gives them (`driverDate` reads their dates).
 * On PostgreSQL the date columns are UTC timestamps without a zone, which pg would read in the
 * process's local time: select them `AT TIME ZONE 'UTC'`. Writes always go through Prisma.
 */
export async function preparedRead<Row>(statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  if (getConfig().databaseProvider === "postgresql") {
    const bound = values.map((value) => (value instanceof Date ? value.toISOString() : value));
    return (await getPostgresPool().query({ name: statement.name, text: statement.postgresql, values: bound })).rows as Row[];
  }
  const db = getDb();
  const adapter = sqliteAdapters().get(db)!;
  if (!adapter.prepared) await db.$connect();
  // Prisma's adapter stores dates as ISO 8601 text with an explicit offset; equal text sorts equal.
  const bound = values.map((value) => (value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value));
  return adapter.prepared!(statement.sqlite).raw(false).all(bound) as Row[];
}

/** A date column as the driver returns it from `preparedRead`: a Date from pg, Prisma's ISO text (`…+00:00`) from SQLite. */
export function driverDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
