/**
 * Throwaway databases for the tests. `npm test` uses SQLite files; with
 * DATABASE_URL=postgresql://… it names a PostgreSQL server (any database on it that the user may
 * connect to, e.g. postgresql://postgres@127.0.0.1:5432/postgres), on which every run creates
 * databases of its own, named keyhole_test_…, and drops them afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { isPostgresUrl, maskDatabaseUrl } from "../lib/database-url";

/** The PostgreSQL server to test on, or null for SQLite: what DATABASE_URL says. */
export function postgresTestServer(): string | null {
  return isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : null;
}

/** The same server and credentials, another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh name, `keyhole_test_<prefix>_<random>`: unique across runs and parallel suites. */
export function testDatabaseName(prefix: string): string {
  return `keyhole_test_${prefix}_${randomBytes(5).toString("hex")}`;
}

async function onServer<T>(serverUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`The tests cannot reach PostgreSQL at DATABASE_URL (${maskDatabaseUrl(serverUrl)}): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function createDatabase(serverUrl: string, name: string, options: { template?: string } = {}): Promise<string> {
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted(name)}${options.template ? ` TEMPLATE ${quoted(options.template)}` : ""}`));
  return withDatabase(serverUrl, name);
}

/** Drops the databases, closing whatever connections they still have. */
export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  await onServer(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  });
}

/** The databases on the server whose names start with `prefix`. */
export async function databasesNamed(serverUrl: string, prefix: string): Promise<string[]> {
  return onServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
    return rows.map((row) => row.datname);
  });
}
