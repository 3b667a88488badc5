/** The one Prisma client of this process (a global, so dev reloads and separate route bundles share it). */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { getConfig } from "./config";
import { PrismaClient } from "./generated/prisma/client";

export type { Prisma } from "./generated/prisma/client";

/**
 * better-sqlite3 runs on the event loop, so a commit that waits for the disk stalls every request.
 * With SQLite's default rollback journal each commit costs several fsyncs; in WAL mode with
 * synchronous=NORMAL a commit only appends to the log (the usual setting for a server; a power
 * cut can lose the last commits, never corrupt the file). Logins write several rows each.
 */
const CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

class SqliteAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(CONNECTION_PRAGMAS);
    return adapter;
  }
}

const globalForDb = globalThis as unknown as { keyholeDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.keyholeDb ??= new PrismaClient({ adapter: new SqliteAdapter({ url: getConfig().databaseUrl }) });
  return globalForDb.keyholeDb;
}
