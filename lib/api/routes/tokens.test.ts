import { describe, expect, it } from "vitest";
import { api, bearer, jsonRequest, readBody, signIn } from "../../../test/api";

const DAY_MS = 86_400_000;

async function newSession() {
  const { tokens } = await signIn();
  return tokens.access_token;
}

const create = (accessToken: string, body: unknown) => api("/api/v1/tokens", jsonRequest("POST", body, bearer(accessToken)));

describe("personal access tokens: /api/v1/tokens", () => {
  it("creates a token shown once, lists it without the secret, and revokes it", async () => {
    const session = await newSession();
    const created = await readBody(await create(session, { name: "backup script", scopes: ["notes:read"], expiresInDays: 30 }));
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^khp_/);
    const { id, prefix, scopes, expiresAt } = created.json.personalAccessToken;
    expect(scopes).toEqual(["notes:read"]);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    expect(created.json.token.startsWith(prefix)).toBe(true);

    const listed = await readBody(await api("/api/v1/tokens", { headers: bearer(session) }));
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.json.token);
    expect(listed.json.items.map((item: { id: string }) => item.id)).toContain(id);

    expect((await api("/api/v1/notes", { headers: bearer(created.json.token) })).status).toBe(200);
    expect((await api(`/api/v1/tokens/${id}`, { method: "DELETE", headers: bearer(session) })).status).toBe(204);
    expect((await api("/api/v1/notes", { headers: bearer(created.json.token) })).status).toBe(401);
    // Revoking again, or someone else's token, is a 404.
    expect((await api(`/api/v1/tokens/${id}`, { method: "DELETE", headers: bearer(session) })).status).toBe(404);
  });

  it("never lets a user see or revoke another user's token", async () => {
    const owner = await newSession();
    const other = await newSession();
    const { json } = await readBody(await create(owner, { name: "mine", scopes: ["notes:read"], expiresInDays: 7 }));
    const othersList = await readBody(await api("/api/v1/tokens", { headers: bearer(other) }));
    expect(othersList.json.items).toEqual([]);
    expect((await api(`/api/v1/tokens/${json.personalAccessToken.id}`, { method: "DELETE", headers: bearer(other) })).status).toBe(404);
    expect((await api("/api/v1/notes", { headers: bearer(json.token) })).status).toBe(200);
  });

  it.each([
    ["an unknown scope", { name: "x", scopes: ["admin"], expiresInDays: 7 }, "scopes.0"],
    ["a session-only scope", { name: "x", scopes: ["tokens:manage"], expiresInDays: 7 }, "scopes.0"],
    ["no scope", { name: "x", scopes: [], expiresInDays: 7 }, "scopes"],
    ["scopes that are not a list", { name: "x", scopes: "notes:read", expiresInDays: 7 }, "scopes"],
    ["a blank name", { name: "   ", scopes: ["notes:read"], expiresInDays: 7 }, "name"],
    ["a missing name", { scopes: ["notes:read"], expiresInDays: 7 }, "name"],
    ["a name over 100 characters", { name: "n".repeat(101), scopes: ["notes:read"], expiresInDays: 7 }, "name"],
    ["an expiry of 8 days (only 7, 30 or 90)", { name: "x", scopes: ["notes:read"], expiresInDays: 8 }, "expiresInDays"],
    ["an expiry date in the past", { name: "x", scopes: ["notes:read"], expiresAt: new Date(Date.now() - DAY_MS).toISOString() }, "expiresAt"],
    ["an expiry date more than a year away", { name: "x", scopes: ["notes:read"], expiresAt: new Date(Date.now() + 400 * DAY_MS).toISOString() }, "expiresAt"],
    ["an expiry date that is not a date", { name: "x", scopes: ["notes:read"], expiresAt: "next tuesday" }, "expiresAt"],
    ["no expiry choice at all", { name: "x", scopes: ["notes:read"] }, undefined],
    ["two expiry choices", { name: "x", scopes: ["notes:read"], expiresInDays: 7, neverExpires: true }, undefined],
    ["neverExpires: false", { name: "x", scopes: ["notes:read"], neverExpires: false }, "neverExpires"],
    ["an unknown field", { name: "x", scopes: ["notes:read"], expiresInDays: 7, admin: true }, undefined],
  ])("refuses %s with 400 invalid_request and creates nothing", async (_label, body, field) => {
    const session = await newSession();
    const { status, json } = await readBody(await create(session, body));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    if (field) expect(json.errors.map((error: { path: string }) => error.path)).toContain(field);
    const listed = await readBody(await api("/api/v1/tokens", { headers: bearer(session) }));
    expect(listed.json.items).toEqual([]);
  });

  it("accepts a token that never expires when asked explicitly, and a date within a year", async () => {
    const session = await newSession();
    const never = await readBody(await create(session, { name: "forever", scopes: ["profile:read"], neverExpires: true }));
    expect(never.status).toBe(201);
    expect(never.json.personalAccessToken.expiresAt).toBeNull();
    const dated = await readBody(await create(session, { name: "dated", scopes: ["notes:read", "notes:write"], expiresAt: new Date(Date.now() + 100 * DAY_MS).toISOString() }));
    expect(dated.status).toBe(201);
  });

  it("a personal access token cannot list, create or revoke tokens", async () => {
    const session = await newSession();
    const { json } = await readBody(await create(session, { name: "script", scopes: ["notes:read", "notes:write", "profile:read"], expiresInDays: 7 }));
    const pat = json.token as string;
    for (const response of [
      await api("/api/v1/tokens", { headers: bearer(pat) }),
      await create(pat, { name: "more", scopes: ["notes:read"], expiresInDays: 7 }),
      await api(`/api/v1/tokens/${json.personalAccessToken.id}`, { method: "DELETE", headers: bearer(pat) }),
    ]) {
      expect(response.status).toBe(403);
      expect((await response.json()).code).toBe("insufficient_scope");
    }
  });
});
