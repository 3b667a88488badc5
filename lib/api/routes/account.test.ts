import { decodeJwt } from "jose";
import { afterEach, describe, expect, test, vi } from "vitest";

vi.hoisted(() => {
  process.env.REAUTH_WINDOW = "10m";
});

import { getDb } from "../../db";
import { isSessionRevoked } from "../../auth";
import { api, bearer, getMe, jsonRequest, passwordGrant, readBody, refreshGrant, signIn, strongPassword, uniqueClientIp } from "../../../test/api";

afterEach(() => {
  vi.useRealTimers();
});

const patchMe = (accessToken: string, body: unknown) => api("/api/v1/me", jsonRequest("PATCH", body, bearer(accessToken)));
const deleteMe = (accessToken: string) => api("/api/v1/me", { method: "DELETE", headers: { ...bearer(accessToken), "X-Forwarded-For": uniqueClientIp() } });
const createToken = async (accessToken: string) =>
  (await api("/api/v1/tokens", jsonRequest("POST", { name: "script", scopes: ["notes:read", "profile:read"], expiresInDays: 7 }, bearer(accessToken)))).json();
const createNote = (accessToken: string) => api("/api/v1/notes", jsonRequest("POST", { title: "mine", body: "private" }, bearer(accessToken)));

describe("PATCH /me: the display name", () => {
  test("changes the name, trimmed, and answers the new profile", async () => {
    const { tokens } = await signIn();
    const { status, json } = await readBody(await patchMe(tokens.access_token, { name: "  Grace Hopper  " }));
    expect(status).toBe(200);
    expect(json.user.name).toBe("Grace Hopper");
    expect((await (await getMe(tokens.access_token)).json()).user.name).toBe("Grace Hopper");
  });

  test.each<[string, unknown]>([
    ["an empty name", { name: "" }],
    ["a blank name", { name: "   \t " }],
    ["a name over 100 characters", { name: "x".repeat(101) }],
    ["a name with a NUL byte", { name: "Ada\u0000" }],
    ["a name that is not a string", { name: 42 }],
    ["no name", {}],
    ["an unknown field (mass assignment)", { name: "Ada", email: "attacker@example.com" }],
    ["a password field", { name: "Ada", passwordHash: "x" }],
  ])("refuses %s with 400 and leaves the account unchanged", async (_label, body) => {
    const { user, tokens } = await signIn();
    const { status, json } = await readBody(await patchMe(tokens.access_token, body));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    const stored = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect({ name: stored.name, email: stored.email }).toEqual({ name: user.name, email: user.email });
  });

  test("a name of exactly 100 characters is accepted", async () => {
    const { tokens } = await signIn();
    expect((await patchMe(tokens.access_token, { name: "x".repeat(100) })).status).toBe(200);
  });

  test("a personal access token cannot change the name (403 insufficient scope)", async () => {
    const { tokens } = await signIn();
    const pat = await createToken(tokens.access_token);
    const { status, json } = await readBody(await patchMe(pat.token, { name: "Mallory" }));
    expect(status).toBe(403);
    expect(json.code).toBe("insufficient_scope");
  });

  test("without a token answers 401", async () => {
    expect((await api("/api/v1/me", jsonRequest("PATCH", { name: "Mallory" }))).status).toBe(401);
  });
});

describe("DELETE /me: deleting the account", () => {
  test("deletes the user with notes, tokens and sessions, and every credential stops at once", async () => {
    const { user, tokens } = await signIn();
    const other = await passwordGrant(user.email, user.password);
    const pat = await createToken(tokens.access_token);
    expect((await createNote(tokens.access_token)).status).toBe(201);
    const sessionIds = [decodeJwt(tokens.access_token).sid, decodeJwt(other.access_token).sid] as string[];

    const response = await deleteMe(tokens.access_token);
    expect(response.status).toBe(204);

    const db = getDb();
    expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await db.note.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.personalAccessToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.refreshToken.count({ where: { sessionId: { in: sessionIds } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { userId: user.id } })).toBe(0);
    // The revocations are in the shared sequence, so other instances drop their cached sessions too.
    expect(await db.sessionRevocation.count({ where: { sessionId: { in: sessionIds } } })).toBeGreaterThanOrEqual(2);
    for (const sessionId of sessionIds) expect(await isSessionRevoked(sessionId)).toBe(true);

    expect((await getMe(tokens.access_token)).status).toBe(401);
    expect((await getMe(other.access_token)).status).toBe(401);
    expect((await getMe(pat.token)).status).toBe(401);
    expect((await refreshGrant(other.refresh_token)).status).toBe(400);
    const signInAgain = await readBody(
      await api("/api/v1/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": uniqueClientIp(), Authorization: `Basic ${Buffer.from(`keyhole-bff:${process.env.BFF_CLIENT_SECRET}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "password", username: user.email, password: user.password }).toString(),
      }),
    );
    expect(signInAgain.status).toBe(400);
    expect(signInAgain.json.error).toBe("invalid_grant");
  });

  test("keeps one event that an account was deleted, naming no one", async () => {
    const { tokens } = await signIn();
    const before = Date.now();
    expect((await deleteMe(tokens.access_token)).status).toBe(204);
    const events = await getDb().auditEvent.findMany({ where: { type: "account_deleted", createdAt: { gte: new Date(before - 1000) } } });
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const event of events) expect(event.userId).toBeNull();
  });

  test("the same email can register again afterwards, as a new account with nothing of the old", async () => {
    const { user, tokens } = await signIn();
    await createNote(tokens.access_token);
    expect((await deleteMe(tokens.access_token)).status).toBe(204);
    const again = await signIn({ email: user.email, password: strongPassword() });
    expect(again.user.id).not.toBe(user.id);
    expect((await (await api("/api/v1/notes", { headers: bearer(again.tokens.access_token) })).json()).items).toEqual([]);
  });

  test("a second delete with the same token answers 401, never a 500", async () => {
    const { tokens } = await signIn();
    expect((await deleteMe(tokens.access_token)).status).toBe(204);
    const { status } = await readBody(await deleteMe(tokens.access_token));
    expect(status).toBe(401);
  });

  test("two deletes at once: one succeeds, the other is refused without a 500", async () => {
    const { tokens } = await signIn();
    const results = await Promise.all([deleteMe(tokens.access_token), deleteMe(tokens.access_token)]);
    const statuses = await Promise.all(results.map(async (response) => (await readBody(response)).status));
    expect(statuses).toContain(204);
  });

  test("needs a recent password: past the window it answers 403 reauthentication_required and deletes nothing", async () => {
    const { user, tokens } = await signIn();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 11 * 60_000 });
    const refreshed = await refreshGrant(tokens.refresh_token);
    const response = await deleteMe(refreshed.json.access_token);
    const { status, json } = await readBody(response);
    expect(status).toBe(403);
    expect(json.code).toBe("reauthentication_required");
    expect(await getDb().user.findUnique({ where: { id: user.id } })).not.toBeNull();
  });

  test("a personal access token can never delete the account, whatever its scopes", async () => {
    const { user, tokens } = await signIn();
    const pat = await createToken(tokens.access_token);
    const { status, json } = await readBody(await deleteMe(pat.token));
    expect(status).toBe(403);
    expect(json.code).toBe("insufficient_scope");
    expect(await getDb().user.findUnique({ where: { id: user.id } })).not.toBeNull();
  });

  test("only the caller's own account can be deleted: there is no way to name another user", async () => {
    const victim = await signIn();
    const attacker = await signIn();
    for (const path of [`/api/v1/users/${victim.user.id}`, `/api/v1/me/${victim.user.id}`, `/api/v1/me?id=${victim.user.id}`]) {
      const { status } = await readBody(await api(path, { method: "DELETE", headers: bearer(attacker.tokens.access_token) }));
      expect([204, 404, 405]).toContain(status);
    }
    expect(await getDb().user.findUnique({ where: { id: victim.user.id } })).not.toBeNull();
    expect((await getMe(victim.tokens.access_token)).status).toBe(200);
  });

  test("without a token answers 401 and a forged token is refused", async () => {
    expect((await api("/api/v1/me", { method: "DELETE" })).status).toBe(401);
    expect((await api("/api/v1/me", { method: "DELETE", headers: bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.") })).status).toBe(401);
  });
});

describe("POST /me/password", () => {
  test("refuses the current password as the new one, on the newPassword field, and keeps the sessions", async () => {
    const { user, tokens } = await signIn();
    const other = await passwordGrant(user.email, user.password);
    const response = await api("/api/v1/me/password", jsonRequest("POST", { currentPassword: user.password, newPassword: user.password }, bearer(tokens.access_token)));
    const { status, json } = await readBody(response);
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    expect(json.errors).toEqual([{ path: "newPassword", message: "Choose a password different from your current one." }]);
    expect((await getMe(other.access_token)).status).toBe(200);
  });

  test("a wrong current password is still reported first, even when both fields match", async () => {
    const { tokens } = await signIn();
    const { status, json } = await readBody(
      await api("/api/v1/me/password", jsonRequest("POST", { currentPassword: "Not-my-password-99", newPassword: "Not-my-password-99" }, bearer(tokens.access_token))),
    );
    expect(status).toBe(400);
    expect(json.errors[0].path).toBe("currentPassword");
  });
});

describe("the OpenAPI document", () => {
  test("documents PATCH and DELETE /me with bearer security", async () => {
    const doc = await (await api("/api/v1/openapi.json")).json();
    const me = doc.paths["/api/v1/me"];
    expect(me.patch.security).toEqual([{ bearerAuth: [] }]);
    expect(me.delete.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(me.delete.responses)).toEqual(expect.arrayContaining(["204", "401", "403"]));
    expect(me.patch.requestBody.content["application/json"].schema).toBeTruthy();
  });
});
