/**
 * Applies the committed migrations (`prisma migrate deploy`) for scripts/setup.ts, safely while
 * other instances start or serve the same database.
 * - SQLite: prisma.config.ts serialises `migrate` runs with a lock file (decision 015).
 * - PostgreSQL: an advisory lock of our own serialises instances that start together; under it,
 *   the applied migrations are read from `_prisma_migrations` and the CLI runs only when one is
 *   pending. (Prisma 6.19's JS schema engine leaves a 10 s timer behind its own advisory lock, so
 *   every `migrate deploy` on PostgreSQL takes 10 s longer than its work.)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Config } from "../lib/config";

/** Any 64-bit key no one else uses (Prisma's own is 72707369): "keyhole" in ASCII. */
const MIGRATION_LOCK_KEY = "30229394625621093";
/** How long an instance waits for another one's migrations before it gives up. */
const MIGRATION_LOCK_TIMEOUT = "120s";

export class DatabaseError extends Error {
  override name = "DatabaseError";
}

function runMigrateDeploy(databaseUrl: string): void {
  try {
    execFileSync(path.join("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: "pipe",
    });
  } catch (error) {
    // Prisma's own output only when it failed: it says which migration and why.
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new DatabaseError(`applying migrations failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  }
}

export function committedMigrations(directory: string): string[] {
  return fs.readdirSync(directory).filter((name) => fs.existsSync(path.join(directory, name, "migration.sql")));
}

async function pendingPostgresMigrations(client: pg.Client): Promise<string[]> {
  const committed = committedMigrations(path.join("prisma", "postgresql", "migrations"));
  const { rows: [table] } = await client.query<{ exists: boolean }>("SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS exists");
  if (!table?.exists) return committed;
  const { rows } = await client.query<{ migration_name: string }>(
    "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return committed.filter((name) => !applied.has(name));
}

async function migratePostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {}); // a server that goes away mid-way fails the query below instead
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseError(error instanceof Error && error.message ? error.message : String(error));
  }
  try {
    await client.query(`SET lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    if ((await pendingPostgresMigrations(client)).length > 0) runMigrateDeploy(databaseUrl);
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(error instanceof Error ? error.message : String(error));
  } finally {
    // Ending the session releases the advisory lock.
    await client.end().catch(() => {});
  }
}

export async function applyMigrations(config: Pick<Config, "databaseUrl" | "databaseProvider">): Promise<void> {
  if (config.databaseProvider === "postgresql") return migratePostgres(config.databaseUrl);
  const databaseFile = config.databaseUrl.replace(/^file:/, "");
  if (databaseFile !== ":memory:") fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  runMigrateDeploy(config.databaseUrl);
}
