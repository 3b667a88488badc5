import { decodeJwt } from "jose";
import { describe, expect, test } from "vitest";
import { getDb } from "../db";
import { existingSingletons } from "../singleton";
import { validateAccessToken } from "./access-tokens";
import { CONFIRMATION_MAX_AGE_MS, isSessionRevoked, REVOCATION_POLL_INTERVAL_MS } from "./revocations";
import { revokeSession } from "./sessions";
import { getMe, signIn } from "../../test/api";
import { refusedAfterPropagation, revokeElsewhere } from "../../test/revocations";

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

  test("a revocation by another instance takes effect within the poll interval, or as it commits on PostgreSQL", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now();
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    await revokeElsewhere(sessionId, start);
    // Within the interval the cached set may still be stale; after it, it must not be.
    const afterInterval = start + REVOCATION_POLL_INTERVAL_MS + 1;
    expect(await refusedAfterPropagation(sessionId, afterInterval)).toBe(true);
    expect(await validateAccessToken(tokens.access_token, afterInterval)).toBeNull();
  });

  test("a revocation is never forgotten, however much later the session is presented", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now();
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    await revokeElsewhere(sessionId, start);
    expect(await refusedAfterPropagation(sessionId, start + REVOCATION_POLL_INTERVAL_MS)).toBe(true);
    // Days later, on this instance and on one that never saw the revocation poll.
    expect(await isSessionRevoked(sessionId, start + 3 * 86_400_000)).toBe(true);
    existingSingletons().delete("revocations");
    expect(await isSessionRevoked(sessionId, start + 3 * 86_400_000)).toBe(true);
  });

  test("a revocation whose sequence entry was missed is still seen once the confirmation is old", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now() + 20_000;
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    // Only the row, no sequence entry: no poll can see it.
    await getDb().session.update({ where: { id: sessionId }, data: { revokedAt: new Date(start), revokedReason: "sign_out" } });
    expect(await isSessionRevoked(sessionId, start + REVOCATION_POLL_INTERVAL_MS)).toBe(false);
    expect(await isSessionRevoked(sessionId, start + CONFIRMATION_MAX_AGE_MS + 1)).toBe(true);
  });

  test("an unknown session is refused", async () => {
    expect(await isSessionRevoked(crypto.randomUUID())).toBe(true);
  });

  test("revoking a session records an audit event", async () => {
    const { user, tokens } = await signIn();
    await revokeSession(sessionOf(tokens.access_token), "sign_out");
    const events = await getDb().auditEvent.findMany({ where: { userId: user.id, sessionId: sessionOf(tokens.access_token) } });
    expect(events.map((event) => event.type)).toContain("sign_out");
  });
});
