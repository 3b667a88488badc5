/** The one Prisma client of this process (a global, so dev reloads and separate route bundles share it). */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { getConfig } from "./config";
import { PrismaClient } from "./generated/prisma/client";

export type { Prisma } from "./generated/prisma/client";

const globalForDb = globalThis as unknown as { keyholeDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.keyholeDb ??= new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: getConfig().databaseUrl }),
  });
  return globalForDb.keyholeDb;
}
