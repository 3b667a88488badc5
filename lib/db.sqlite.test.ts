import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getConfig } from "./config";
import { getDb } from "./db";

/**
 * Another instance: opens the same database file, takes the write lock, writes, holds it for
 * `holdMs`, then commits. Returns once it holds the lock (it says so by creating `marker`: its
 * stdout reached this worker thread only after it had committed), with a promise of its exit code.
 */
function writeFromAnotherProcess(databaseFile: string, holdMs: number): Promise<number> {
  const marker = path.join(os.tmpdir(), `keyhole-locked-${crypto.randomUUID()}`);
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("journal_mode = WAL");
    db.exec("BEGIN IMMEDIATE");
    db.prepare("INSERT INTO SessionRevocation (sessionId, revokedAt) VALUES ('other-instance', 0)").run();
    require("node:fs").writeFileSync(process.argv[3], "");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ["-e", script, databaseFile, String(holdMs), marker], { stdio: "inherit" });
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(marker)) {
    if (Date.now() > deadline) throw new Error("the other process did not take the lock");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  fs.rmSync(marker);
  return exited;
}

describe("the database under several instances (SQLite)", () => {
  it("a transaction succeeds while another instance holds the write lock and commits during it", async () => {
    const db = getDb();
    const user = await db.user.create({ data: { id: crypto.randomUUID(), email: `${crypto.randomUUID()}@example.com`, name: "Two instances", passwordHash: "x" } });
    const databaseFile = getConfig().databaseUrl.replace(/^file:/, "");
    const other = writeFromAnotherProcess(databaseFile, 300);
    // With a deferred BEGIN the read takes a snapshot, and upgrading it to a write while another
    // instance holds the lock fails at once, without waiting (SQLITE_BUSY, or _SNAPSHOT after its commit).
    const started = performance.now();
    const [found, updated] = await db.$transaction([
      db.user.findUnique({ where: { id: user.id }, select: { name: true } }),
      db.user.update({ where: { id: user.id }, data: { name: "Written after the other instance" } }),
    ]);
    // It waited for the other instance's commit (300 ms), then wrote.
    expect(performance.now() - started).toBeGreaterThan(150);
    expect(updated.name).toBe("Written after the other instance");
    expect(found?.name).toBe(user.name);
    expect(await other).toBe(0);
    expect(await db.sessionRevocation.count({ where: { sessionId: "other-instance" } })).toBe(1);
  });

  it("reuses each statement with the arguments of every call, and a failed statement does not spoil the next", async () => {
    const db = getDb();
    const makeUser = (name: string) => db.user.create({ data: { id: crypto.randomUUID(), email: `${crypto.randomUUID()}@example.com`, name, passwordHash: "x" } });
    const [first, second] = [await makeUser("First"), await makeUser("Second")];
    // The same SQL text over and over, with different arguments each time.
    for (let round = 0; round < 3; round += 1) {
      for (const user of [first, second]) {
        const rows = await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "User" WHERE "id" = ${user.id}`;
        expect(rows).toEqual([{ name: user.name }]);
        expect((await db.user.findUnique({ where: { id: user.id } }))?.name).toBe(user.name);
      }
    }
    // A unique violation from a cached INSERT, then the same INSERT with other values succeeds.
    await expect(db.user.create({ data: { id: crypto.randomUUID(), email: first.email, name: "Clash", passwordHash: "x" } })).rejects.toThrow();
    const third = await makeUser("Third");
    expect((await db.user.findUnique({ where: { id: third.id } }))?.name).toBe("Third");
    // Transactions still begin (IMMEDIATE) and commit through the reused statements.
    await db.$transaction([db.user.update({ where: { id: first.id }, data: { name: "Renamed" } }), db.user.update({ where: { id: second.id }, data: { name: "Renamed too" } })]);
    expect((await db.user.findMany({ where: { id: { in: [first.id, second.id] } }, orderBy: { name: "asc" } })).map((user) => user.name)).toEqual(["Renamed", "Renamed too"]);
  });
});
