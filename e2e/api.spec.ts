/**
 * The REST API over real HTTP against the production server, as a script or another service
 * sees it: registration, the token endpoint (HTTP Basic client authentication), notes, refresh
 * rotation, revocation and the discovery documents. Asserts statuses and error codes, never
 * message text.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from "jose";
import type { APIResponse } from "@playwright/test";
import {
  basicAuth,
  bearer,
  expect,
  generatePassword,
  passwordGrant,
  refreshGrant,
  registerAccount,
  requestToken,
  revokeToken,
  test,
  uniqueEmail,
} from "./fixtures";

const PROBLEM_JSON = "application/problem+json";

async function expectProblem(response: APIResponse, status: number, code: string) {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toContain(PROBLEM_JSON);
  const problem = (await response.json()) as { status: number; code: string };
  expect(problem).toMatchObject({ status, code });
  return problem;
}

async function expectOAuthError(response: APIResponse, status: number, error: string) {
  expect(response.status(), await response.text()).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

test.describe("registration and sign-in", () => {
  test("a registered user gets tokens with the password grant and reads /me", async ({ request, bffClient }) => {
    const account = await registerAccount(request, { name: "Ada Lovelace" });
    const tokens = await passwordGrant(request, bffClient, account);
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.refresh_token).toMatch(/^khr_/);
    expect(tokens.scope.split(" ")).toEqual(expect.arrayContaining(["profile:read", "notes:read", "notes:write"]));

    const me = await request.get("/api/v1/me", { headers: bearer(tokens.access_token) });
    expect(me.status()).toBe(200);
    expect(me.headers()["cache-control"]).toContain("no-store");
    expect((await me.json()).user).toMatchObject({ id: account.id, email: account.email, name: "Ada Lovelace" });
  });

  test("registration refuses a common password and an email that is taken", async ({ request, account }) => {
    const weak = await request.post("/api/v1/users", { data: { email: uniqueEmail(), name: "Weak", password: "password1234" } });
    await expectProblem(weak, 400, "weak_password");

    const taken = await request.post("/api/v1/users", { data: { email: account.email, name: "Twin", password: generatePassword() } });
    await expectProblem(taken, 409, "email_taken");
  });

  test("the token endpoint refuses a wrong password, an unknown user and a wrong client secret", async ({ request, bffClient, account }) => {
    const wrongPassword = await requestToken(request, bffClient, { grant_type: "password", username: account.email, password: generatePassword() });
    await expectOAuthError(wrongPassword, 400, "invalid_grant");

    const unknownUser = await requestToken(request, bffClient, { grant_type: "password", username: uniqueEmail(), password: account.password });
    await expectOAuthError(unknownUser, 400, "invalid_grant");

    const wrongSecret = await requestToken(request, { ...bffClient, secret: `${bffClient.secret}x` }, {
      grant_type: "password",
      username: account.email,
      password: account.password,
    });
    await expectOAuthError(wrongSecret, 401, "invalid_client");
    expect(wrongSecret.headers()["www-authenticate"]).toMatch(/^Basic /);

    const noClient = await request.post("/api/v1/auth/token", {
      form: { grant_type: "password", username: account.email, password: account.password },
    });
    await expectOAuthError(noClient, 401, "invalid_client");
  });

  test("the API refuses a request without a token and one with a forged token", async ({ request, tokens }) => {
    const anonymous = await request.get("/api/v1/me");
    await expectProblem(anonymous, 401, "unauthenticated");
    expect(anonymous.headers()["www-authenticate"]).toMatch(/^Bearer /);
    expect(anonymous.headers()["www-authenticate"]).not.toContain("invalid_token");

    const [header, payload] = tokens.access_token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(86)}`;
    const rejected = await request.get("/api/v1/me", { headers: bearer(forged) });
    await expectProblem(rejected, 401, "unauthenticated");
    expect(rejected.headers()["www-authenticate"]).toContain('error="invalid_token"');
  });
});

test.describe("notes", () => {
  test("a user creates, lists, updates and deletes a note", async ({ request, tokens }) => {
    const auth = bearer(tokens.access_token);
    const created = await request.post("/api/v1/notes", { headers: auth, data: { title: "First", body: "hello" } });
    expect(created.status(), await created.text()).toBe(201);
    const { note } = (await created.json()) as { note: { id: string; title: string; body: string } };
    expect(note).toMatchObject({ title: "First", body: "hello" });

    const second = await request.post("/api/v1/notes", { headers: auth, data: { title: "Second" } });
    expect(second.status()).toBe(201);

    const list = await request.get("/api/v1/notes", { headers: auth });
    expect(list.status()).toBe(200);
    const page = (await list.json()) as { items: { id: string; title: string }[]; nextCursor: string | null };
    expect(page.items.map((item) => item.title)).toEqual(["Second", "First"]);

    const patched = await request.patch(`/api/v1/notes/${note.id}`, { headers: auth, data: { body: "changed" } });
    expect(patched.status()).toBe(200);
    expect((await patched.json()).note).toMatchObject({ id: note.id, title: "First", body: "changed" });

    const read = await request.get(`/api/v1/notes/${note.id}`, { headers: auth });
    expect((await read.json()).note).toMatchObject({ body: "changed" });

    const deleted = await request.delete(`/api/v1/notes/${note.id}`, { headers: auth });
    expect(deleted.status()).toBe(204);
    await expectProblem(await request.get(`/api/v1/notes/${note.id}`, { headers: auth }), 404, "not_found");
    await expectProblem(await request.delete(`/api/v1/notes/${note.id}`, { headers: auth }), 404, "not_found");
  });

  test("invalid note input answers 400 invalid_request with the field", async ({ request, tokens }) => {
    const response = await request.post("/api/v1/notes", { headers: bearer(tokens.access_token), data: { title: "" } });
    const problem = (await expectProblem(response, 400, "invalid_request")) as { errors?: { path: string }[] };
    expect(problem.errors?.map((error) => error.path)).toContain("title");
  });

  test("another user's note answers 404 as if it did not exist", async ({ request, bffClient, tokens }) => {
    const created = await request.post("/api/v1/notes", { headers: bearer(tokens.access_token), data: { title: "Private" } });
    const { note } = (await created.json()) as { note: { id: string } };

    const stranger = await passwordGrant(request, bffClient, await registerAccount(request));
    const strangerAuth = bearer(stranger.access_token);
    await expectProblem(await request.get(`/api/v1/notes/${note.id}`, { headers: strangerAuth }), 404, "not_found");
    await expectProblem(await request.patch(`/api/v1/notes/${note.id}`, { headers: strangerAuth, data: { title: "Mine" } }), 404, "not_found");
    await expectProblem(await request.delete(`/api/v1/notes/${note.id}`, { headers: strangerAuth }), 404, "not_found");
    const list = await request.get("/api/v1/notes", { headers: strangerAuth });
    expect((await list.json()).items).toEqual([]);
  });
});

test.describe("refresh and revocation", () => {
  test("refresh rotates the refresh token, and replaying the old one within the grace window returns the same successor", async ({
    request,
    bffClient,
    tokens,
  }) => {
    const first = await refreshGrant(request, bffClient, tokens.refresh_token);
    expect(first.refresh_token).toMatch(/^khr_/);
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.access_token).not.toBe(tokens.access_token);

    // A parallel tab presenting the old token gets the very same successor, not a logout.
    const replayed = await refreshGrant(request, bffClient, tokens.refresh_token);
    expect(replayed.refresh_token).toBe(first.refresh_token);

    const me = await request.get("/api/v1/me", { headers: bearer(replayed.access_token) });
    expect(me.status()).toBe(200);

    const second = await refreshGrant(request, bffClient, first.refresh_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  test("a garbage refresh token answers invalid_grant", async ({ request, bffClient }) => {
    const response = await requestToken(request, bffClient, { grant_type: "refresh_token", refresh_token: "khr_not-a-real-token" });
    await expectOAuthError(response, 400, "invalid_grant");
  });

  test("revoking the session refuses its access token within 1.5 s and its refresh token at once", async ({ request, bffClient, tokens }) => {
    const auth = bearer(tokens.access_token);
    expect((await request.get("/api/v1/me", { headers: auth })).status()).toBe(200);

    const revoked = await revokeToken(request, bffClient, tokens.refresh_token);
    expect(revoked.status()).toBe(200);

    await expect
      .poll(
        async () => {
          const response = await request.get("/api/v1/me", { headers: auth });
          return { status: response.status(), challenge: response.headers()["www-authenticate"] ?? "" };
        },
        { timeout: 1_500, intervals: [100] },
      )
      .toEqual({ status: 401, challenge: expect.stringContaining('error="invalid_token"') });

    const refresh = await requestToken(request, bffClient, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    await expectOAuthError(refresh, 400, "invalid_grant");
  });

  test("revoking an unknown token succeeds (RFC 7009) but needs client authentication", async ({ request, bffClient }) => {
    expect((await revokeToken(request, bffClient, "khr_unknown")).status()).toBe(200);
    const anonymous = await request.post("/api/v1/auth/revoke", { form: { token: "khr_unknown" } });
    await expectOAuthError(anonymous, 401, "invalid_client");
  });
});

test.describe("discovery for other services", () => {
  test("the JWKS publishes public keys only, and a downstream service verifies an access token with it", async ({
    request,
    baseURL,
    account,
    tokens,
  }) => {
    const response = await request.get("/.well-known/jwks.json");
    expect(response.status()).toBe(200);
    const { keys } = (await response.json()) as { keys: JWK[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toHaveProperty("d");
      expect(key.kid).toBeTruthy();
      expect(["ES256", "EdDSA"]).toContain(key.alg);
    }
    expect(keys.map((key) => key.kid)).toContain(decodeProtectedHeader(tokens.access_token).kid);

    // What another service does: fetch the JWKS by URL and pin algorithm, type, issuer, audience.
    const metadata = (await (await request.get("/.well-known/oauth-authorization-server")).json()) as { issuer: string; jwks_uri: string };
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      algorithms: ["ES256", "EdDSA"],
      typ: "at+jwt",
      issuer: metadata.issuer,
      audience: new URL("/api/v1", baseURL).href,
    });
    expect(protectedHeader.typ).toBe("at+jwt");
    expect(payload).toMatchObject({ sub: account.id, client_id: "keyhole-bff", scope: tokens.scope });
    expect(typeof payload.sid).toBe("string");
    expect(typeof payload.jti).toBe("string");
    expect(payload.exp! - payload.iat!).toBe(tokens.expires_in);
  });

  test("the authorization server metadata names the token, revocation and JWKS endpoints", async ({ request, baseURL }) => {
    const response = await request.get("/.well-known/oauth-authorization-server");
    expect(response.status()).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    const origin = new URL(baseURL!).origin;
    expect(metadata).toMatchObject({
      issuer: origin,
      token_endpoint: `${origin}/api/v1/auth/token`,
      revocation_endpoint: `${origin}/api/v1/auth/revoke`,
      jwks_uri: `${origin}/.well-known/jwks.json`,
    });
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(["password", "refresh_token"]));
  });

  test("a 401 names the protected resource metadata (RFC 9728), which names the audience and the authorization server", async ({ request, baseURL }) => {
    const anonymous = await request.get("/api/v1/me");
    expect(anonymous.status()).toBe(401);
    const origin = new URL(baseURL!).origin;
    const url = /resource_metadata="([^"]+)"/.exec(anonymous.headers()["www-authenticate"] ?? "")?.[1];
    expect(url).toBe(`${origin}/.well-known/oauth-protected-resource`);
    const response = await request.get(url!);
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({
      resource: `${origin}/api/v1`,
      authorization_servers: [origin],
      jwks_uri: `${origin}/.well-known/jwks.json`,
      bearer_methods_supported: ["header"],
    });
  });

  test("the OpenAPI document is served and describes the endpoints", async ({ request }) => {
    const response = await request.get("/api/v1/openapi.json");
    expect(response.status()).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/users", "/api/v1/me", "/api/v1/notes", "/api/v1/notes/{id}"]));
  });
});

test("no response names the server framework (X-Powered-By)", async ({ request, bffClient, tokens }) => {
  const responses = await Promise.all([
    request.get("/"),
    request.get("/no-such-page"),
    request.get("/api/v1/me"),
    request.get("/api/v1/me", { headers: bearer(tokens.access_token) }),
    request.get("/api/v1/no-such-route"),
    request.get("/api/v1/openapi.json"),
    request.get("/.well-known/jwks.json"),
    request.get("/.well-known/oauth-authorization-server"),
    request.post("/api/v1/auth/token", { headers: basicAuth(bffClient), form: { grant_type: "password" } }),
    request.post("/api/v1/users", { data: {} }),
  ]);
  for (const response of responses) {
    expect(response.headers(), `${response.url()} ${response.status()}`).not.toHaveProperty("x-powered-by");
  }
});
