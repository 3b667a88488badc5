import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteFileUrl } from "./lib/database-url";

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

// The JS schema engine plus a driver adapter keeps every Prisma CLI command offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new MigrationSafeSqliteAdapter(sqliteFileUrl(process.env.DATABASE_URL));
  },
});
