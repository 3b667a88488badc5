import { decodeJwt } from "jose";
import { describe, expect, test } from "vitest";
import { getDb } from "../db";
import { existingSingletons } from "../singleton";
import { deleteStaleRows, EXPIRED_SESSION_RETENTION_MS, REVOCATION_FEED_RETENTION_MS } from "./housekeeping";
import { isSessionRevoked, REVOCATION_POLL_INTERVAL_MS } from "./revocations";
import { revokeSession } from "./sessions";
import { api, bearer, passwordGrant, readBody, refreshGrant, registerUser, signIn } from "../../test/api";
import { refusedAfterPropagation, revokeElsewhere } from "../../test/revocations";

const sessionOf = (accessToken: string) => decodeJwt(accessToken).sid as string;
const notices = async (accessToken: string) => readBody(await api("/api/v1/me/security-notices", { headers: bearer(accessToken) }));

describe("housekeeping", () => {
  test("revocation feed entries older than an hour are deleted, and their revocations still hold", async () => {
    const db = getDb();
    const [revokedLongAgo, revokedLately, revokedAfterPruning] = (await Promise.all([signIn(), signIn(), signIn()])).map(({ tokens }) => sessionOf(tokens.access_token)) as [string, string, string];
    const start = Date.now();
    await revokeElsewhere(revokedLongAgo, start);
    const later = start + REVOCATION_FEED_RETENTION_MS + 60_000;
    await revokeElsewhere(revokedLately, later - 1_000);
    const feedEntries = (sessionId: string) => db.sessionRevocation.count({ where: { sessionId } });
    // This instance has read the feed before the pruning.
    expect(await isSessionRevoked(revokedAfterPruning, later)).toBe(false);

    expect((await deleteStaleRows(later)).revocations).toBeGreaterThanOrEqual(1);
    expect(await feedEntries(revokedLongAgo)).toBe(0);
    expect(await feedEntries(revokedLately)).toBe(1);

    // The pruned revocation still holds, here and on an instance started after the pruning.
    expect(await isSessionRevoked(revokedLongAgo, later)).toBe(true);
    existingSingletons().delete("revocations");
    expect(await isSessionRevoked(revokedLongAgo, later)).toBe(true);
    // Sequence numbers are not reused: a revocation made after the pruning still reaches an instance that read before it.
    await revokeElsewhere(revokedAfterPruning, later);
    expect(await refusedAfterPropagation(revokedAfterPruning, later + REVOCATION_POLL_INTERVAL_MS + 1)).toBe(true);
  });

  test("a session a day past its absolute expiry is deleted with its refresh tokens; younger, revoked and active ones stay, and so does the activity log", async () => {
    const db = getDb();
    const [expiredLongAgo, expiredLately, revoked, active] = await Promise.all([signIn(), signIn(), signIn(), signIn()]);
    const id = (signedIn: typeof active) => sessionOf(signedIn.tokens.access_token);
    const nowMs = Date.now();
    // A rotation, so the expired session has a rotated token and its successor.
    const rotated = await refreshGrant(expiredLongAgo.tokens.refresh_token);
    expect(rotated.status).toBe(200);
    await db.session.update({ where: { id: id(expiredLongAgo) }, data: { absoluteExpiresAt: new Date(nowMs - EXPIRED_SESSION_RETENTION_MS - 1_000) } });
    await db.session.update({ where: { id: id(expiredLately) }, data: { absoluteExpiresAt: new Date(nowMs - EXPIRED_SESSION_RETENTION_MS + 60_000) } });
    await revokeElsewhere(id(revoked), nowMs);
    const auditBefore = await db.auditEvent.count({ where: { sessionId: id(expiredLongAgo) } });
    expect(auditBefore).toBeGreaterThan(0);

    expect((await deleteStaleRows(nowMs)).sessions).toBe(1);

    const remaining = await db.session.findMany({ where: { id: { in: [expiredLongAgo, expiredLately, revoked, active].map(id) } }, select: { id: true } });
    expect(remaining.map((row) => row.id).sort()).toEqual([expiredLately, revoked, active].map(id).sort());
    expect(await db.refreshToken.count({ where: { sessionId: id(expiredLongAgo) } })).toBe(0);
    expect(await db.refreshToken.count({ where: { sessionId: id(active) } })).toBe(1);
    expect(await db.auditEvent.count({ where: { sessionId: id(expiredLongAgo) } })).toBe(auditBefore);
    // Its tokens were dead already and stay so; the others are untouched.
    expect((await refreshGrant(rotated.json.refresh_token)).status).toBe(400);
    expect(await isSessionRevoked(id(expiredLongAgo))).toBe(true);
    expect(await isSessionRevoked(id(active))).toBe(false);
    expect((await refreshGrant(active.tokens.refresh_token)).status).toBe(200);
  });

  test("instances deleting side by side delete each row once, and neither fails", async () => {
    const db = getDb();
    const signedIn = await Promise.all(Array.from({ length: 5 }, () => signIn()));
    const ids = signedIn.map(({ tokens }) => sessionOf(tokens.access_token));
    const longAgo = new Date(Date.now() - EXPIRED_SESSION_RETENTION_MS - 60_000);
    await db.session.updateMany({ where: { id: { in: ids } }, data: { absoluteExpiresAt: longAgo } });
    const results = await Promise.all([deleteStaleRows(), deleteStaleRows()]);
    expect(results[0]!.sessions + results[1]!.sessions).toBe(5);
    expect(await db.session.count({ where: { id: { in: ids } } })).toBe(0);
  });

  test("a sign-in is still told of a refresh-token reuse after the sessions of that time were deleted, and told once", async () => {
    const user = await registerUser();
    const before = await passwordGrant(user.email, user.password);
    const stolen = await passwordGrant(user.email, user.password);
    const endedAtMs = Date.now();
    await revokeSession(decodeJwt(stolen.access_token).sid as string, "refresh_reuse", { nowMs: endedAtMs });
    // A month and more later: every session of that time is past its absolute expiry.
    await getDb().session.updateMany({ where: { userId: user.id }, data: { absoluteExpiresAt: new Date(Date.now() - EXPIRED_SESSION_RETENTION_MS - 1_000) } });
    await deleteStaleRows();
    expect(await getDb().session.count({ where: { id: decodeJwt(before.access_token).sid as string } })).toBe(0);

    const next = await passwordGrant(user.email, user.password);
    expect(Date.parse((await notices(next.access_token)).json.refreshReuseDetectedAt)).toBe(endedAtMs);
    await getDb().session.update({ where: { id: decodeJwt(next.access_token).sid as string }, data: { absoluteExpiresAt: new Date(Date.now() - EXPIRED_SESSION_RETENTION_MS - 1_000) } });
    await deleteStaleRows();
    const after = await passwordGrant(user.email, user.password);
    expect((await notices(after.access_token)).json).toEqual({ refreshReuseDetectedAt: null });
  });
});
