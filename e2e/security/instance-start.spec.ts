/**
 * Starting beside running instances (SQLite, decision 015): a third replica runs what `npm start`
 * runs (setup.ts, which applies migrations, then server.ts) on the database that `replicaA` and
 * `replicaB` are serving, and must come up and accept the tokens they issue.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { bearer, passwordGrant } from "../fixtures";
import { getTestRun, serverEnvironment } from "../support/test-run";
import { cleanContext } from "./support/attacker";
import { createAccount, expect, test } from "./support/fixtures";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const READY_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test("a replica started while two others serve the same database comes up and accepts their tokens", async ({ servers, bffClient }) => {
  test.setTimeout(READY_TIMEOUT_MS + 30_000);
  const run = getTestRun();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = serverEnvironment(run, { ...run.servers.replicaA, port, url });
  const child = spawn("sh", ["-c", "node_modules/.bin/tsx scripts/setup.ts --production && exec node --max-old-space-size=256 .next/keyhole/server.mjs"], {
    cwd: ROOT,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  let exitCode: number | null = null;
  child.once("exit", (code) => (exitCode = code ?? -1));
  const onA = await cleanContext(servers.replicaA);
  const onNew = await cleanContext(url);
  try {
    // Replica A is serving (and writing) while the new one starts.
    const account = await createAccount(onA, bffClient, { name: "Third replica" });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!ready && exitCode === null && Date.now() < deadline) {
      ready = await onNew.get("/.well-known/jwks.json").then((response) => response.ok(), () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(exitCode, `the new replica exited during start-up:\n${stderr}`).toBeNull();
    expect(ready, `the new replica did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${stderr}`).toBe(true);

    const tokens = await passwordGrant(onA, bffClient, account);
    const me = await onNew.get("/api/v1/me", { headers: bearer(tokens.access_token) });
    expect(me.status()).toBe(200);
    expect((await onA.get("/api/v1/me", { headers: bearer(tokens.access_token) })).status()).toBe(200);
  } finally {
    await onA.dispose();
    await onNew.dispose();
    if (child.pid !== undefined && exitCode === null) process.kill(-child.pid, "SIGTERM");
  }
});
