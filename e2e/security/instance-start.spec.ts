/**
 * Starting beside running instances (SQLite, decision 015): a third replica runs what `npm start`
 * runs (setup.ts, which applies migrations, then server.ts) on the database that `replicaA` and
 * `replicaB` are serving, and must come up and accept the tokens they issue, and refuse a
 * session revoked before it started, however long before (decision 003).
 */
import { findFreePort } from "../../test/free-ports";
import { runSql } from "../support/database";
import { bearer, passwordGrant, unsealSessionCookie } from "../fixtures";
import type { APIRequestContext } from "@playwright/test";
import { SERVER_READY_TIMEOUT_MS, startProductionServer } from "../support/production-server";
import { getTestRun } from "../support/test-run";
import { bffHeaders, cleanContext, cookieHeader, signInBff } from "./support/attacker";
import { createAccount, expect, test } from "./support/fixtures";

/** Starts a replica of `replicaA`'s group as `npm start` does; resolves once it answers, with a way to stop it. */
async function startReplica(extraEnv: Record<string, string> = {}): Promise<{ url: string; client: APIRequestContext; stop: () => Promise<void> }> {
  const port = await findFreePort();
  const server = await startProductionServer({ ...getTestRun().servers.replicaA, port, url: `http://127.0.0.1:${port}` }, extraEnv);
  const client = await cleanContext(server.url);
  const stop = async () => {
    await client.dispose();
    await server.stop();
  };
  return { url: server.url, client, stop };
}

test("a replica started while two others serve the same database comes up and accepts their tokens", async ({ servers, bffClient }) => {
  test.setTimeout(SERVER_READY_TIMEOUT_MS + 30_000);
  const onA = await cleanContext(servers.replicaA);
  // Replica A is serving (and writing) while the new one starts.
  const account = await createAccount(onA, bffClient, { name: "Third replica" });
  const replica = await startReplica();
  try {
    const tokens = await passwordGrant(onA, bffClient, account);
    const me = await replica.client.get("/api/v1/me", { headers: bearer(tokens.access_token) });
    expect(me.status()).toBe(200);
    expect((await onA.get("/api/v1/me", { headers: bearer(tokens.access_token) })).status()).toBe(200);
  } finally {
    await onA.dispose();
    await replica.stop();
  }
});

test("a replica started long after a sign-out refuses the signed-out cookie and serves the others", async ({ servers, bffClient }) => {
  // The first version forgot a revocation ACCESS_TOKEN_TTL + 30 s after it, and a replica started
  // later looked back only that far: with 2 s tokens, 33 s later the copied cookie worked again.
  const FORGOTTEN_AFTER_MS = (2 + 30 + 1) * 1000;
  test.setTimeout(FORGOTTEN_AFTER_MS + SERVER_READY_TIMEOUT_MS + 30_000);
  const a = servers.replicaA;
  const onA = await cleanContext(a);
  const account = await createAccount(onA, bffClient, { name: "Signed out long ago" });
  const signedOut = await signInBff(a, account);
  const stillIn = await signInBff(a, account);
  expect((await onA.post("/bff/logout", { headers: bffHeaders(a, signedOut) })).status()).toBe(204);
  await new Promise((resolve) => setTimeout(resolve, FORGOTTEN_AFTER_MS));

  const replica = await startReplica({ ACCESS_TOKEN_TTL: "2s" });
  try {
    expect((await replica.client.get("/bff/session", { headers: cookieHeader(signedOut) })).status()).toBe(401);
    expect((await replica.client.get("/bff/api/notes", { headers: cookieHeader(signedOut) })).status()).toBe(401);
    const page = await replica.client.get("/notes", { headers: cookieHeader(signedOut), maxRedirects: 0 });
    expect(page.status(), "the notes page rendered for a signed-out cookie").toBe(307);
    expect(page.headers().location).toContain("/login");
    expect((await replica.client.get("/bff/session", { headers: cookieHeader(stillIn) })).status()).toBe(200);
    expect((await onA.get("/bff/session", { headers: cookieHeader(signedOut) })).status()).toBe(401);
  } finally {
    await onA.dispose();
    await replica.stop();
  }
});

test("a replica deletes, as it starts, the sessions a day past their absolute expiry, with their refresh tokens, and nothing else", async ({ servers, bffClient }) => {
  test.setTimeout(SERVER_READY_TIMEOUT_MS + 30_000);
  const a = servers.replicaA;
  const { databaseUrl } = getTestRun().servers.replicaA;
  const onA = await cleanContext(a);
  const account = await createAccount(onA, bffClient, { name: "Old sessions" });
  const [expiredLongAgo, current] = await Promise.all([signInBff(a, account), signInBff(a, account)]).then((cookies) =>
    Promise.all(cookies.map(async (cookie) => ({ cookie, sessionId: (await unsealSessionCookie(cookie)).sessionId }))),
  );
  await runSql(databaseUrl, `UPDATE "Session" SET "absoluteExpiresAt" = $1 WHERE "id" = $2`, [new Date(Date.now() - 2 * 86_400_000), expiredLongAgo!.sessionId]);
  const rowsOf = async (sessionId: string) => {
    const [sessions] = await runSql<{ n: number | string }>(databaseUrl, `SELECT COUNT(*) AS n FROM "Session" WHERE "id" = $1`, [sessionId]);
    const [tokens] = await runSql<{ n: number | string }>(databaseUrl, `SELECT COUNT(*) AS n FROM "RefreshToken" WHERE "sessionId" = $1`, [sessionId]);
    return { sessions: Number(sessions!.n), refreshTokens: Number(tokens!.n) };
  };
  expect(await rowsOf(expiredLongAgo!.sessionId)).toEqual({ sessions: 1, refreshTokens: 1 });

  const replica = await startReplica();
  try {
    await expect.poll(() => rowsOf(expiredLongAgo!.sessionId), { timeout: 10_000 }).toEqual({ sessions: 0, refreshTokens: 0 });
    expect(await rowsOf(current!.sessionId)).toEqual({ sessions: 1, refreshTokens: 1 });
    expect((await replica.client.get("/bff/session", { headers: cookieHeader(current!.cookie) })).status()).toBe(200);
    expect((await replica.client.get("/bff/session", { headers: cookieHeader(expiredLongAgo!.cookie) })).status()).toBe(401);
  } finally {
    await onA.dispose();
    await replica.stop();
  }
});
