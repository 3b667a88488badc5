/** Reads and writes a test server's database directly, for state no request can make (a session expired days ago). */
import { createRequire } from "node:module";
import pg from "pg";
import { isPostgresUrl } from "../../lib/database-url";

interface Sqlite {
  prepare(sql: string): { reader: boolean; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };
  close(): void;
}
// better-sqlite3 ships no types here; these calls are all this helper needs.
const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string, options: { timeout: number }) => Sqlite;

/**
 * A timestamp as Prisma stores it: UTC in PostgreSQL's `timestamp(3)` (a zone-less column drops the
 * "Z", where pg would send local time), ISO text with an explicit offset in SQLite.
 */
function storedDate(databaseUrl: string, date: Date): string {
  return isPostgresUrl(databaseUrl) ? date.toISOString() : date.toISOString().replace("Z", "+00:00");
}

/**
 * Runs one statement, written with `$1, $2…` placeholders (turned into `?` on SQLite); Dates are
 * stored as Prisma stores them. Returns the rows it selects.
 */
export async function runSql<Row>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const values = params.map((value) => (value instanceof Date ? storedDate(databaseUrl, value) : value));
  const onPostgres: boolean = isPostgresUrl(databaseUrl);
  if (onPostgres) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Row[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(databaseUrl.replace(/^file:/, ""), { timeout: 5_000 });
  try {
    const statement = db.prepare(sql.replace(/\$\d+/g, "?"));
    return statement.reader ? (statement.all(...values) as Row[]) : (statement.run(...values), []);
  } finally {
    db.close();
  }
}
