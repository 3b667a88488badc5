/**
 * `npm start` runs `tsx scripts/setup.ts --production` before the server. These tests run that
 * real script, with the real Prisma CLI, while another process (standing in for a running
 * instance) has the same SQLite database open in WAL mode and is writing to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { generateSecrets } from "../lib/config";

interface Sqlite {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  exec(sql: string): void;
  close(): void;
}
// better-sqlite3 ships no types here; the few calls below are all this test needs.
const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => Sqlite;

/** The migrated SQLite template of this run (test/global-setup.ts); this file runs on SQLite runs only. */
function templateDatabasePath(): string {
  const template = inject("templateDatabase");
  if (template.provider !== "sqlite") throw new Error("scripts/setup.sqlite.test.ts runs on SQLite only (vitest.config.ts)");
  return template.path;
}

const projectRoot = path.resolve(import.meta.dirname, "..");
const migrationsDir = path.join(projectRoot, "prisma", "migrations");
const migrationNames = fs.readdirSync(migrationsDir).filter((name) => fs.existsSync(path.join(migrationsDir, name, "migration.sql"))).sort();

interface Exit {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Only what the script needs: a production configuration with real (fresh) secrets. */
function productionEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: os.tmpdir(),
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    ...generateSecrets(),
  };
}

const runSetup = (databaseUrl: string) =>
  run(path.join(projectRoot, "node_modules", ".bin", "tsx"), ["scripts/setup.ts", "--production"], productionEnv(databaseUrl));

const runPrisma = (databaseUrl: string, args: string[]) =>
  run(path.join(projectRoot, "node_modules", ".bin", "prisma"), args, productionEnv(databaseUrl));

/**
 * A running instance, as far as the database can tell: a connection in WAL mode that stays open,
 * holds a write transaction for its first second, then keeps committing small writes.
 */
const HOLDER_SCRIPT = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1]);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec("CREATE TABLE IF NOT EXISTS holder_writes (at INTEGER NOT NULL)");
const write = db.prepare("INSERT INTO holder_writes (at) VALUES (?)");
db.exec("BEGIN IMMEDIATE");
write.run(Date.now());
console.log("writing");
setTimeout(() => {
  db.exec("COMMIT");
  setInterval(() => write.run(Date.now()), 50);
}, 1000);
`;

function holdDatabase(databasePath: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", HOLDER_SCRIPT, databasePath], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the holder exited early (${code})`)));
    child.stdout!.once("data", () => resolve(child));
  });
}

/** Another `prisma migrate deploy` in progress: it holds the migration lock (prisma.config.ts) for `holdMs`. */
const LOCK_HOLDER_SCRIPT = `
const Database = require("better-sqlite3");
const lock = new Database(process.argv[1] + "-migrate-lock");
lock.exec("BEGIN EXCLUSIVE");
console.log("locked");
setTimeout(() => { lock.exec("COMMIT"); console.log("released"); setInterval(() => {}, 1000); }, Number(process.argv[2]));
`;

function holdMigrationLock(databasePath: string, holdMs: number): Promise<{ child: ChildProcess; released: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", LOCK_HOLDER_SCRIPT, databasePath, String(holdMs)], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
    child.once("error", reject);
    let buffered = "";
    let releasedAt: (at: number) => void;
    const released = new Promise<number>((resolveReleased) => (releasedAt = resolveReleased));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk;
      if (buffered.includes("released")) releasedAt(Date.now());
      else if (buffered.includes("locked")) resolve({ child, released });
    });
  });
}

/** Tables and indexes as SQLite stores them, Prisma's bookkeeping and the holder's table aside. */
function schemaOf(databasePath: string): string[] {
  const db = new Database(databasePath);
  try {
    return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT IN ('holder_writes', '_prisma_migrations') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { type: string; name: string; sql: string }[])
      .map(({ type, name, sql }) => `${type} ${name}: ${sql}`);
  } finally {
    db.close();
  }
}

function appliedMigrations(databasePath: string): { migration_name: string; finished_at: unknown; rolled_back_at: unknown }[] {
  const db = new Database(databasePath);
  try {
    return db.prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name").all() as never;
  } finally {
    db.close();
  }
}

/** A database as an older release left it: only the first migration applied, in Prisma's bookkeeping. */
async function createDatabaseWithPendingMigrations(databasePath: string): Promise<void> {
  const template = new Database(templateDatabasePath());
  const [bookkeeping] = template.prepare("SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'").all() as { sql: string }[];
  template.close();
  const db = new Database(databasePath);
  db.exec(bookkeeping!.sql);
  db.exec(fs.readFileSync(path.join(migrationsDir, migrationNames[0]!, "migration.sql"), "utf8"));
  db.close();
  const resolved = await runPrisma(`file:${databasePath}`, ["migrate", "resolve", "--applied", migrationNames[0]!]);
  expect(resolved.code, resolved.output).toBe(0);
}

describe("npm start's setup beside a running instance", () => {
  let sandbox: string;
  let databasePath: string;
  let holder: ChildProcess | undefined;

  beforeEach(() => {
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-setup-"));
    databasePath = path.join(sandbox, "keyhole.db");
  });

  afterEach(() => {
    holder?.removeAllListeners("exit");
    holder?.kill();
    holder = undefined;
    fs.rmSync(sandbox, { recursive: true, force: true });
  });

  /** Runs setup while another process holds the database open and writes; expects a complete, recorded schema. */
  async function expectSetupBesideWriter() {
    holder = await holdDatabase(databasePath);
    const setup = await runSetup(`file:${databasePath}`);
    expect(setup.code, setup.output).toBe(0);
    expect(schemaOf(databasePath)).toEqual(schemaOf(templateDatabasePath()));
    const status = await runPrisma(`file:${databasePath}`, ["migrate", "status"]);
    expect(status.code, status.output).toBe(0);
  }

  it("restarting with no pending migration succeeds while another process writes to the database", async () => {
    fs.copyFileSync(templateDatabasePath(), databasePath);
    await expectSetupBesideWriter();
  }, 60_000);

  it("a rolling deploy applies a pending migration while the old instance writes to the database", async () => {
    expect(migrationNames.length).toBeGreaterThan(1);
    await createDatabaseWithPendingMigrations(databasePath);
    await expectSetupBesideWriter();
  }, 60_000);

  it("a deploy waits for the migration lock that another deploy holds, then succeeds", async () => {
    await createDatabaseWithPendingMigrations(databasePath);
    const lockHolder = await holdMigrationLock(databasePath, 8000);
    try {
      const setup = await runSetup(`file:${databasePath}`);
      const finishedAt = Date.now();

      expect(setup.code, setup.output).toBe(0);
      expect(finishedAt).toBeGreaterThanOrEqual(await lockHolder.released);
      expect(schemaOf(databasePath)).toEqual(schemaOf(templateDatabasePath()));
    } finally {
      lockHolder.child.kill();
    }
  }, 60_000);

  it("two instances starting at once beside a running one apply each pending migration exactly once", async () => {
    await createDatabaseWithPendingMigrations(databasePath);
    holder = await holdDatabase(databasePath);

    const [first, second] = await Promise.all([runSetup(`file:${databasePath}`), runSetup(`file:${databasePath}`)]);

    expect(first.code, first.output).toBe(0);
    expect(second.code, second.output).toBe(0);
    expect(schemaOf(databasePath)).toEqual(schemaOf(templateDatabasePath()));
    const applied = appliedMigrations(databasePath);
    expect(applied.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of applied) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  }, 90_000);
});
