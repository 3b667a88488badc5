import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.REAUTH_WINDOW = "10m";
});

import { api, bearer, clientAuthorization, jsonRequest, readBody, refreshGrant, signIn, uniqueClientIp } from "../../../test/api";

/** Past the re-authentication window (the access token has expired too: tests refresh it, as the BFF would). */
const AFTER_WINDOW_MS = 11 * 60_000;

function later(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ms });
}
afterEach(() => {
  vi.useRealTimers();
});

const createToken = (accessToken: string) =>
  api("/api/v1/tokens", jsonRequest("POST", { name: "script", scopes: ["notes:read"], expiresInDays: 7 }, bearer(accessToken)));
const reauthenticate = (accessToken: string, password: string, ip = uniqueClientIp()) =>
  api("/api/v1/me/reauthenticate", jsonRequest("POST", { password }, { ...bearer(accessToken), "X-Forwarded-For": ip }));

/** A session signed in more than the window ago, with a fresh access token (refreshed, as the BFF does). */
async function staleSession() {
  const { user, tokens } = await signIn();
  later(AFTER_WINDOW_MS);
  const refreshed = await refreshGrant(tokens.refresh_token);
  expect(refreshed.status).toBe(200);
  return { user, accessToken: refreshed.json.access_token as string, refreshToken: refreshed.json.refresh_token as string };
}

describe("sensitive actions need a recent password", () => {
  it("access tokens say when the password was last proven (auth_time), and a refresh keeps it", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { tokens } = await signIn();
    const authTime = decodeJwt(tokens.access_token).auth_time as number;
    expect(authTime).toBeGreaterThanOrEqual(before - 1);
    later(60_000);
    const refreshed = await refreshGrant(tokens.refresh_token);
    expect(decodeJwt(refreshed.json.access_token).auth_time).toBe(authTime);
  });

  it("a fresh sign-in may create a personal access token", async () => {
    const { tokens } = await signIn();
    expect((await createToken(tokens.access_token)).status).toBe(201);
  });

  it.each([
    ["create a personal access token", (token: string) => createToken(token)],
    ["sign out every other session", (token: string) => api("/api/v1/sessions?others=true", { method: "DELETE", headers: bearer(token) })],
  ])("refuses to %s past the window with 403 reauthentication-required", async (_label, action) => {
    const { accessToken } = await staleSession();
    const response = await action(accessToken);
    const { status, json } = await readBody(response);
    expect(status).toBe(403);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(json.code).toBe("reauthentication_required");
    expect(json.type).toMatch(/reauthentication-required$/);
  });

  it("refuses to sign out another session past the window, but lets a session sign itself out", async () => {
    const { user, accessToken } = await staleSession();
    const other = await api("/api/v1/auth/token", {
      method: "POST",
      headers: { authorization: clientAuthorization(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: user.email, password: user.password }).toString(),
    });
    const otherSessionId = decodeJwt((await other.json()).access_token).sid as string;
    expect((await api(`/api/v1/sessions/${otherSessionId}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(403);
    const ownSessionId = decodeJwt(accessToken).sid as string;
    expect((await api(`/api/v1/sessions/${ownSessionId}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
  });

  it("the password proves it again: after re-authenticating and a refresh the action is allowed", async () => {
    const { user, accessToken, refreshToken } = await staleSession();
    expect((await reauthenticate(accessToken, user.password)).status).toBe(204);
    const refreshed = await refreshGrant(refreshToken);
    expect(decodeJwt(refreshed.json.access_token).auth_time).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 1);
    expect((await createToken(refreshed.json.access_token)).status).toBe(201);
  });

  it("a wrong password does not re-authenticate, and guessing is rate limited like sign-in", async () => {
    const { accessToken } = await staleSession();
    const ip = "203.0.113.90";
    const wrong = await reauthenticate(accessToken, "not-the-password-at-all", ip);
    const { status, json } = await readBody(wrong);
    expect(status).toBe(400);
    expect(json.errors[0].path).toBe("password");
    for (let attempt = 0; attempt < 9; attempt++) await reauthenticate(accessToken, "not-the-password-at-all", ip);
    const limited = await reauthenticate(accessToken, "not-the-password-at-all", ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a password change can revoke every personal access token, and counts as a fresh proof", async () => {
    const { user, tokens } = await signIn();
    const created = await (await createToken(tokens.access_token)).json();
    expect((await api("/api/v1/notes", { headers: bearer(created.token) })).status).toBe(200);
    const changed = await api(
      "/api/v1/me/password",
      jsonRequest("POST", { currentPassword: user.password, newPassword: "a-new-passphrase-for-keyhole-77", revokePersonalAccessTokens: true }, bearer(tokens.access_token)),
    );
    expect(changed.status).toBe(204);
    expect((await api("/api/v1/notes", { headers: bearer(created.token) })).status).toBe(401);
  });

  it("a personal access token can never re-authenticate", async () => {
    const { user, tokens } = await signIn();
    const created = await (await createToken(tokens.access_token)).json();
    const response = await reauthenticate(created.token, user.password);
    expect(response.status).toBe(403);
  });
});
