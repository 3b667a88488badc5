import { decodeJwt } from "jose";
import { describe, expect, test } from "vitest";
import { getDb } from "../db";
import { validateAccessToken } from "./access-tokens";
import { isSessionRevoked, REVOCATION_POLL_INTERVAL_MS } from "./revocations";
import { revokeSession } from "./sessions";
import { getMe, signIn } from "../../test/api";

const sessionOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

describe("revocation propagation", () => {
  test("a revocation by this process takes effect at once", async () => {
    const { tokens } = await signIn();
    expect((await getMe(tokens.access_token)).status).toBe(200);
    expect(await revokeSession(sessionOf(tokens.access_token), "revoked_by_user")).toBe(true);
    expect((await getMe(tokens.access_token)).status).toBe(401);
    // Revoking twice reports that nothing changed.
    expect(await revokeSession(sessionOf(tokens.access_token), "revoked_by_user")).toBe(false);
  });

  test("a revocation by another instance takes effect within the poll interval", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now();
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    // Another instance writes the revocation to the shared database.
    await getDb().session.update({ where: { id: sessionId }, data: { revokedAt: new Date(start), revokedReason: "sign_out" } });
    // Within the interval the cached set may still be stale; after it, it must not be.
    const afterInterval = start + REVOCATION_POLL_INTERVAL_MS + 1;
    expect(await isSessionRevoked(sessionId, afterInterval)).toBe(true);
    expect(await validateAccessToken(tokens.access_token, afterInterval)).toBeNull();
  });

  test("the revocation set is read at most once per interval, not once per request", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now() + 10_000;
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    await getDb().session.update({ where: { id: sessionId }, data: { revokedAt: new Date(start), revokedReason: "sign_out" } });
    // Inside the interval the answer comes from memory (no query): still the old answer.
    expect(await isSessionRevoked(sessionId, start + REVOCATION_POLL_INTERVAL_MS - 1)).toBe(false);
    expect(await isSessionRevoked(sessionId, start + REVOCATION_POLL_INTERVAL_MS)).toBe(true);
  });

  test("revoking a session records an audit event", async () => {
    const { user, tokens } = await signIn();
    await revokeSession(sessionOf(tokens.access_token), "sign_out");
    const events = await getDb().auditEvent.findMany({ where: { userId: user.id, sessionId: sessionOf(tokens.access_token) } });
    expect(events.map((event) => event.type)).toContain("sign_out");
  });
});
