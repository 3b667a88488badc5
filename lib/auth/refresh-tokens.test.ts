import { decodeJwt } from "jose";
import { describe, expect, test } from "vitest";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../shared/errors";
import { exchangeRefreshGrant, revokeToken } from "./grants";
import { getMe, passwordGrant, readBody, refreshGrant, signIn, unauthenticatedChallenge } from "../../test/api";

const context = { ip: "203.0.113.7", userAgent: "vitest" };
const CLIENT_ID = "keyhole-bff";

/** The refresh grant of the token service at a chosen time. */
function refreshAt(refreshToken: string, nowMs: number) {
  return exchangeRefreshGrant({ clientId: CLIENT_ID, refreshToken, context, nowMs });
}

async function expectInvalidGrant(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("invalid_grant");
}

const sessionOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

describe("refresh token rotation over HTTP", () => {
  test("a refresh answers a new refresh token and a new access token for the same session", async () => {
    const { user, tokens } = await signIn();
    const { status, json } = await refreshGrant(tokens.refresh_token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: "Bearer", expires_in: getConfig().accessTokenTtlSeconds, scope: tokens.scope });
    expect(json.refresh_token).toMatch(/^khr_/);
    expect(json.refresh_token).not.toBe(tokens.refresh_token);
    expect(json.access_token).not.toBe(tokens.access_token);
    expect(sessionOf(json.access_token)).toBe(sessionOf(tokens.access_token));
    const me = await readBody(await getMe(json.access_token));
    expect(me.status).toBe(200);
    expect(me.json.user.id).toBe(user.id);
  });

  test("the old refresh token replayed within the grace window answers the same successor", async () => {
    const { tokens } = await signIn();
    const first = await refreshGrant(tokens.refresh_token);
    const replay = await refreshGrant(tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.json.refresh_token).toBe(first.json.refresh_token);
    // The session is still alive and the successor still rotates.
    expect((await getMe(first.json.access_token)).status).toBe(200);
    const next = await refreshGrant(first.json.refresh_token);
    expect(next.status).toBe(200);
    expect(next.json.refresh_token).not.toBe(first.json.refresh_token);
  });

  test("five concurrent refreshes with the same token all succeed with the same successor", async () => {
    const { tokens } = await signIn();
    const results = await Promise.all(Array.from({ length: 5 }, () => refreshGrant(tokens.refresh_token)));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
    const successors = new Set(results.map((result) => result.json.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    expect(successor).not.toBe(tokens.refresh_token);
    for (const result of results) expect((await getMe(result.json.access_token)).status).toBe(200);
    // Exactly one successor row exists, and it is the live one.
    const sessionId = sessionOf(tokens.access_token);
    const rows = await getDb().refreshToken.findMany({ where: { sessionId } });
    expect(rows).toHaveLength(2);
    expect(rows.filter((row) => row.rotatedAt === null)).toHaveLength(1);
    expect((await refreshGrant(successor)).status).toBe(200);
  });

  test("concurrent refreshes of different sessions do not interfere", async () => {
    const sessions = await Promise.all(Array.from({ length: 3 }, () => signIn()));
    const results = await Promise.all(sessions.flatMap(({ tokens }) => [refreshGrant(tokens.refresh_token), refreshGrant(tokens.refresh_token)]));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(new Set(results.map((result) => result.json.refresh_token)).size).toBe(3);
  });
});

describe("refresh token rotation in the token service (controlled time)", () => {
  test("a replay within the grace window answers the newest successor of the chain", async () => {
    const { tokens } = await signIn();
    const start = Date.now();
    const b = await refreshAt(tokens.refresh_token, start);
    const c = await refreshAt(b.refreshToken, start + 1_000);
    const replayOfA = await refreshAt(tokens.refresh_token, start + 2_000);
    const replayOfB = await refreshAt(b.refreshToken, start + 2_000);
    expect(c.refreshToken).not.toBe(b.refreshToken);
    expect(replayOfA.refreshToken).toBe(c.refreshToken);
    expect(replayOfB.refreshToken).toBe(c.refreshToken);
    expect(replayOfA.sessionId).toBe(sessionOf(tokens.access_token));
  });

  test("a replay exactly at the end of the grace window is still answered", async () => {
    const { tokens } = await signIn();
    const start = Date.now();
    const graceMs = getConfig().refreshGracePeriodSeconds * 1000;
    const successor = await refreshAt(tokens.refresh_token, start);
    const replay = await refreshAt(tokens.refresh_token, start + graceMs);
    expect(replay.refreshToken).toBe(successor.refreshToken);
  });

  test("refresh token replayed after the grace window revokes the session", async () => {
    const { user, tokens } = await signIn();
    const other = await signIn();
    const start = Date.now();
    const graceMs = getConfig().refreshGracePeriodSeconds * 1000;
    const successor = await refreshAt(tokens.refresh_token, start);
    expect((await getMe(successor.accessToken)).status).toBe(200);

    await expectInvalidGrant(refreshAt(tokens.refresh_token, start + graceMs + 1));

    // The successor stops working, at any time, and so do the session's access tokens.
    await expectInvalidGrant(refreshAt(successor.refreshToken, start + graceMs + 2));
    const refreshed = await refreshGrant(successor.refreshToken);
    expect(refreshed.status).toBe(400);
    expect(refreshed.json.error).toBe("invalid_grant");
    for (const accessToken of [tokens.access_token, successor.accessToken]) {
      const me = await getMe(accessToken);
      expect(me.status).toBe(401);
      expect(me.headers.get("www-authenticate")).toBe(unauthenticatedChallenge("invalid_token"));
    }

    const session = await getDb().session.findUniqueOrThrow({ where: { id: successor.sessionId } });
    expect(session.revokedReason).toBe("refresh_reuse");
    expect(await getDb().auditEvent.count({ where: { userId: user.id, type: "refresh_reuse_detected" } })).toBe(1);
    // Another user's session is untouched.
    expect((await getMe(other.tokens.access_token)).status).toBe(200);
  });

  test("reuse detection revokes only the affected session of the user", async () => {
    const { user, tokens } = await signIn();
    const second = await passwordGrant(user.email, user.password);
    const start = Date.now();
    await refreshAt(tokens.refresh_token, start);
    await expectInvalidGrant(refreshAt(tokens.refresh_token, start + 10 * 60_000));
    expect((await getMe(second.access_token)).status).toBe(200);
    expect((await refreshGrant(second.refresh_token)).status).toBe(200);
  });

  test("a session idle for longer than REFRESH_IDLE_TTL cannot be refreshed", async () => {
    const { tokens } = await signIn();
    const idleMs = getConfig().refreshIdleTtlSeconds * 1000;
    await expectInvalidGrant(refreshAt(tokens.refresh_token, Date.now() + idleMs + 1_000));
  });

  test("each refresh slides the idle expiry, but never past the absolute expiry", async () => {
    const { tokens } = await signIn();
    const start = Date.now();
    const idleMs = getConfig().refreshIdleTtlSeconds * 1000;
    const maxAgeMs = getConfig().sessionMaxAgeSeconds * 1000;
    let refreshToken = tokens.refresh_token;
    let nowMs = start;
    // Refresh a little before each idle expiry until the session's absolute age is reached.
    while (nowMs + idleMs - 60_000 < start + maxAgeMs - 60_000) {
      nowMs += idleMs - 60_000;
      const result = await refreshAt(refreshToken, nowMs);
      expect(result.refreshToken).not.toBe(refreshToken);
      refreshToken = result.refreshToken;
    }
    const session = await getDb().session.findUniqueOrThrow({ where: { id: sessionOf(tokens.access_token) } });
    expect(session.idleExpiresAt.getTime()).toBeLessThanOrEqual(session.absoluteExpiresAt.getTime());
    await expectInvalidGrant(refreshAt(refreshToken, start + maxAgeMs + 1_000));
  });

  test("an access token never outlives its session's absolute expiry", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    // Let the session stay idle-alive until its absolute expiry, then refresh a minute before it.
    const session = await getDb().session.findUniqueOrThrow({ where: { id: sessionId } });
    await getDb().session.update({ where: { id: sessionId }, data: { idleExpiresAt: session.absoluteExpiresAt } });
    const result = await refreshAt(tokens.refresh_token, session.absoluteExpiresAt.getTime() - 60_000);
    expect(result.expiresInSeconds).toBeLessThanOrEqual(60);
    expect(decodeJwt(result.accessToken).exp).toBeLessThanOrEqual(Math.floor(session.absoluteExpiresAt.getTime() / 1000));
  });

  test("a refresh token of another client is refused", async () => {
    const { tokens } = await signIn();
    await expectInvalidGrant(exchangeRefreshGrant({ clientId: "another-client", refreshToken: tokens.refresh_token, context, nowMs: Date.now() }));
    await expectInvalidGrant(revokeToken({ clientId: "another-client", token: tokens.refresh_token, context, nowMs: Date.now() }));
    expect((await refreshGrant(tokens.refresh_token)).status).toBe(200);
  });

  test("refresh tokens are stored only as hashes", async () => {
    const { tokens } = await signIn();
    const rotated = await refreshGrant(tokens.refresh_token);
    const rows = await getDb().refreshToken.findMany({ where: { sessionId: sessionOf(tokens.access_token) } });
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tokens.refresh_token.slice(4));
    expect(dump).not.toContain(rotated.json.refresh_token.slice(4));
  });
});
