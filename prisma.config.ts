import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseProvider, resolveDatabaseUrl } from "./lib/database-url";

/** How long a second `migrate deploy` waits for the first one to finish before it gives up. */
const MIGRATION_LOCK_TIMEOUT_MS = 120_000;

/**
 * The schema engine takes its migration lock with `PRAGMA main.locking_mode=EXCLUSIVE`. On a WAL
 * database that lock cannot be had while any other connection is open, so every CLI command failed
 * (SQLITE_BUSY after 5 s, reported as "unknown variant `SocketTimeout`") while a server was running.
 * This adapter takes the lock on a file beside the database instead: one `migrate` at a time across
 * processes, released by the OS if the process dies, while servers keep reading and writing.
 * Decision record: docs/decisions/015-migrations-beside-running-instances.md
 */
class MigrationSafeSqliteAdapter extends PrismaBetterSQLite3 {
  readonly #databasePath: string;

  constructor(url: string) {
    super({ url });
    this.#databasePath = url.slice("file:".length);
  }

  override async connect() {
    const adapter = await super.connect();
    if (this.#databasePath === ":memory:") return adapter;
    const executeRaw = adapter.executeRaw.bind(adapter);
    const dispose = adapter.dispose.bind(adapter);
    let lock: Awaited<ReturnType<PrismaBetterSQLite3["connect"]>> | undefined;
    adapter.executeRaw = async (query) => {
      if (!/^PRAGMA\s+(main\.)?locking_mode\s*=\s*EXCLUSIVE$/i.test(query.sql.trim())) return executeRaw(query);
      if (!lock) {
        const lockFile = `file:${this.#databasePath}-migrate-lock`;
        lock = await new PrismaBetterSQLite3({ url: lockFile, timeout: MIGRATION_LOCK_TIMEOUT_MS }).connect();
        await lock.executeScript("BEGIN EXCLUSIVE");
      }
      return 0;
    };
    adapter.dispose = async () => {
      await lock?.dispose();
      return dispose();
    };
    return adapter;
  }
}

/** PostgreSQL's `name` type (the type of catalog columns), and `text`. */
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type PgQueryable = { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };

/**
 * The schema engine reads PostgreSQL's catalogs, whose `name` columns @prisma/adapter-pg 6.19 does
 * not map, so every `migrate` command failed with "Column type 'name' could not be deserialized"
 * (prisma/orm#27403, open). `name` is text of at most 63 bytes: report it as text. The CLI only;
 * the server never reads catalog columns.
 */
function readNameColumnsAsText<T extends object>(queryable: T): T {
  const target = queryable as unknown as PgQueryable;
  const performIO = target.performIO.bind(target);
  target.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  return queryable;
}

class MigrationSafePostgresAdapter extends PrismaPg {
  override async connect() {
    const adapter = readNameColumnsAsText(await super.connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => readNameColumnsAsText(await startTransaction(isolationLevel));
    return adapter;
  }
}

const databaseUrl = resolveDatabaseUrl(process.env.DATABASE_URL);
const postgresql = databaseProvider(databaseUrl) === "postgresql";
// SQLite: the authored schema and its migrations. PostgreSQL: the schema generated from it
// (scripts/postgresql-schema.ts) and migrations of its own; instances starting together wait for
// each other under scripts/migrate.ts's advisory lock.
const directory = postgresql ? path.join("prisma", "postgresql") : "prisma";

// The JS schema engine plus a driver adapter keeps every Prisma CLI command offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(directory, "schema.prisma"),
  migrations: { path: path.join(directory, "migrations") },
  async adapter() {
    return postgresql ? new MigrationSafePostgresAdapter({ connectionString: databaseUrl }) : new MigrationSafeSqliteAdapter(databaseUrl);
  },
});
