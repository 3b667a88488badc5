import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from "jose";
import { describe, expect, test } from "vitest";
import { getPublicJwks, SESSION_SCOPE } from "../../auth";
import { getConfig } from "../../config";
import { getDb } from "../../db";
import {
  api,
  BASE,
  bearer,
  clientAuthorization,
  getMe,
  jsonRequest,
  passwordGrant,
  readBody,
  refreshGrant,
  registerUser,
  signIn,
  tokenRequest,
  uniqueEmail,
  unauthenticatedChallenge,
} from "../../../test/api";

const revokeRequest = (params: Record<string, string>, headers: Record<string, string> = { Authorization: clientAuthorization() }) =>
  api(`${BASE}/auth/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });

describe("password grant", () => {
  test("a correct password answers a bearer token set with Cache-Control: no-store", async () => {
    const user = await registerUser();
    const response = await tokenRequest({ grant_type: "password", username: user.email, password: user.password });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const { json } = await readBody(response);
    expect(json).toMatchObject({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: getConfig().accessTokenTtlSeconds,
      refresh_token: expect.stringMatching(/^khr_[A-Za-z0-9_-]{43}$/),
      scope: SESSION_SCOPE,
    });
    expect(json).not.toHaveProperty("id_token");

    const header = decodeProtectedHeader(json.access_token);
    const { keys } = await getPublicJwks();
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt", kid: keys[0]!.kid });
    const claims = decodeJwt(json.access_token);
    expect(claims).toMatchObject({
      sub: user.id,
      iss: getConfig().jwtIssuer,
      aud: getConfig().jwtAudience,
      client_id: "keyhole-bff",
      scope: SESSION_SCOPE,
      sid: expect.any(String),
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(getConfig().accessTokenTtlSeconds);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(10);

    const session = await getDb().session.findUniqueOrThrow({ where: { id: claims.sid as string } });
    expect(session.userId).toBe(user.id);
    const stored = await getDb().refreshToken.findMany({ where: { sessionId: session.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain(json.refresh_token);
    expect(stored[0]!.tokenHash).not.toBe(json.refresh_token);

    expect((await getMe(json.access_token)).status).toBe(200);
  });

  test("the parameters may also be sent as JSON", async () => {
    const user = await registerUser();
    const { status, json } = await readBody(
      await api(`${BASE}/auth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: clientAuthorization() },
        body: JSON.stringify({ grant_type: "password", username: user.email, password: user.password }),
      }),
    );
    expect(status).toBe(200);
    expect(json.token_type).toBe("Bearer");
  });

  test("every sign-in starts a separate session", async () => {
    const user = await registerUser();
    const a = await passwordGrant(user.email, user.password);
    const b = await passwordGrant(user.email, user.password);
    expect(decodeJwt(a.access_token).sid).not.toBe(decodeJwt(b.access_token).sid);
    expect(a.refresh_token).not.toBe(b.refresh_token);
  });

  test("a wrong password and an unknown email get byte-identical answers (invalid_grant)", async () => {
    const user = await registerUser();
    const wrongPassword = await tokenRequest({ grant_type: "password", username: user.email, password: `${user.password}!` });
    const unknownEmail = await tokenRequest({ grant_type: "password", username: uniqueEmail("nobody"), password: user.password });
    const a = await readBody(wrongPassword);
    const b = await readBody(unknownEmail);
    expect(a.status).toBe(400);
    expect(a.json.error).toBe("invalid_grant");
    expect(b.status).toBe(a.status);
    expect(b.text).toBe(a.text);
    for (const name of ["content-type", "cache-control", "www-authenticate", "pragma"]) {
      expect(unknownEmail.headers.get(name), name).toBe(wrongPassword.headers.get(name));
    }
    expect(a.text).not.toContain(user.email);
  });

  test("a password longer than 72 bytes whose first 72 bytes are the real password is refused", async () => {
    const password = "Kh-7f3a9c2e5b8d1f4a6c0e3b7d9f2a5c8e-".padEnd(72, "Zq");
    expect(Buffer.byteLength(password)).toBe(72);
    const user = await registerUser({ password });
    expect((await passwordGrant(user.email, password)).access_token).toBeTruthy();
    for (const longer of [`${password}x`, `${password}${"y".repeat(100)}`]) {
      const { status, json } = await readBody(await tokenRequest({ grant_type: "password", username: user.email, password: longer }));
      expect(status).toBe(400);
      expect(json.error).toBe("invalid_grant");
    }
  });

  test("a disabled account cannot sign in and its refresh token stops working", async () => {
    const { user, tokens } = await signIn();
    await getDb().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    const grant = await readBody(await tokenRequest({ grant_type: "password", username: user.email, password: user.password }));
    expect(grant.status).toBe(400);
    expect(grant.json.error).toBe("invalid_grant");
    const refreshed = await refreshGrant(tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.json.error).toBe("invalid_grant");
    expect((await getMe(tokens.access_token)).status).toBe(401);
  });

  test("a failed sign-in is recorded in the audit log without the password", async () => {
    const user = await registerUser();
    await tokenRequest({ grant_type: "password", username: user.email, password: "Wrong-password-123" });
    const events = await getDb().auditEvent.findMany({ where: { userId: user.id, type: "sign_in_failed" } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain("Wrong-password-123");
  });
});

describe("client authentication", () => {
  const params = { grant_type: "password", username: "someone@example.com", password: "whatever-password" };

  test.each([
    ["no Authorization header", {}],
    ["a wrong client secret", { Authorization: clientAuthorization("keyhole-bff", "x".repeat(43)) }],
    ["an unknown client id", { Authorization: clientAuthorization("someone-else", process.env.BFF_CLIENT_SECRET) }],
    ["a bearer token instead of Basic", { Authorization: `Bearer ${process.env.BFF_CLIENT_SECRET}` }],
    ["Basic without a colon", { Authorization: `Basic ${Buffer.from("keyhole-bff").toString("base64")}` }],
    ["Basic with broken percent-encoding", { Authorization: `Basic ${Buffer.from("keyhole-bff%:%zz").toString("base64")}` }],
    ["Basic that is not base64", { Authorization: "Basic !!!" }],
    ["the secret as the client id", { Authorization: clientAuthorization(process.env.BFF_CLIENT_SECRET, "keyhole-bff") }],
  ])("%s is refused with 401 invalid_client", async (_label, headers) => {
    const response = await tokenRequest(params, headers as Record<string, string>);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect((await readBody(response)).json.error).toBe("invalid_client");
  });

  test.each(["basic", "BASIC", "bAsIc"])("the scheme name %j is accepted: it is case-insensitive (RFC 9110 §11.1)", async (scheme) => {
    const user = await registerUser();
    const authorization = clientAuthorization().replace(/^Basic /, `${scheme} `);
    const response = await tokenRequest({ grant_type: "password", username: user.email, password: user.password }, { Authorization: authorization });
    expect(response.status).toBe(200);
  });

  // RFC 6749 §2.3: one authentication method per request. Only client_secret_basic is supported.
  test.each([
    ["the same client's id and secret", { client_id: "keyhole-bff", client_secret: process.env.BFF_CLIENT_SECRET! }],
    ["another client's id and secret", { client_id: "someone-else", client_secret: "another-secret-another-secret-another" }],
    ["a client_secret alone", { client_secret: process.env.BFF_CLIENT_SECRET! }],
    ["another client_id alone", { client_id: "someone-else" }],
  ])("Basic plus %s in the body is answered invalid_request", async (_label, credentials) => {
    const user = await registerUser();
    const response = await tokenRequest({ grant_type: "password", username: user.email, password: user.password, ...credentials });
    expect(response.status).toBe(400);
    expect((await readBody(response)).json.error).toBe("invalid_request");
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });

  test("Basic plus the same client_id in the body is accepted (it identifies, it does not authenticate)", async () => {
    const user = await registerUser();
    const response = await tokenRequest({ grant_type: "password", username: user.email, password: user.password, client_id: "keyhole-bff" });
    expect(response.status).toBe(200);
  });

  test("client credentials in the body without Basic (client_secret_post) are refused with 401 invalid_client", async () => {
    const user = await registerUser();
    const response = await tokenRequest(
      { grant_type: "password", username: user.email, password: user.password, client_id: "keyhole-bff", client_secret: process.env.BFF_CLIENT_SECRET! },
      {},
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await readBody(response)).json.error).toBe("invalid_client");
  });

  test("revocation with Basic and client credentials in the body is answered invalid_request and revokes nothing", async () => {
    const { tokens } = await signIn();
    const response = await revokeRequest({ token: tokens.refresh_token, client_id: "someone-else", client_secret: "another-secret-another-secret-another" });
    expect(response.status).toBe(400);
    expect((await readBody(response)).json.error).toBe("invalid_request");
    expect((await getMe(tokens.access_token)).status).toBe(200);
  });

  test("the client is checked before the grant, so a valid password does not help a wrong client", async () => {
    const user = await registerUser();
    const response = await tokenRequest(
      { grant_type: "password", username: user.email, password: user.password },
      { Authorization: clientAuthorization("keyhole-bff", "wrong-secret-wrong-secret-wrong-secret") },
    );
    expect(response.status).toBe(401);
    expect((await readBody(response)).json.error).toBe("invalid_client");
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("invalid token requests", () => {
  test.each(["client_credentials", "authorization_code", "urn:ietf:params:oauth:grant-type:jwt-bearer", "PASSWORD"])(
    "the grant type %j is answered unsupported_grant_type",
    async (grantType) => {
      const { status, json } = await readBody(await tokenRequest({ grant_type: grantType, username: "a@example.com", password: "x" }));
      expect(status).toBe(400);
      expect(json.error).toBe("unsupported_grant_type");
    },
  );

  test.each<[string, Record<string, string> | [string, string][]]>([
    ["a missing grant_type", { username: "a@example.com", password: "Some-password-123" }],
    ["a missing password", { grant_type: "password", username: "a@example.com" }],
    ["a missing username", { grant_type: "password", password: "Some-password-123" }],
    ["an empty password", { grant_type: "password", username: "a@example.com", password: "" }],
    ["a missing refresh_token", { grant_type: "refresh_token" }],
    ["a repeated password", [["grant_type", "password"], ["username", "a@example.com"], ["password", "one"], ["password", "two"]]],
    ["a repeated username", [["grant_type", "password"], ["username", "a@example.com"], ["username", "b@example.com"], ["password", "x"]]],
    ["a repeated grant_type", [["grant_type", "password"], ["grant_type", "refresh_token"], ["username", "a@example.com"], ["password", "x"]]],
    ["a NUL byte in the username", { grant_type: "password", username: "a\u0000@example.com", password: "x" }],
    ["a password over 1024 characters", { grant_type: "password", username: "a@example.com", password: "p".repeat(1025) }],
  ])("%s is answered invalid_request", async (_label, params) => {
    const { status, json } = await readBody(await tokenRequest(params));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });

  test("a repeated parameter is refused even when both values are the real password", async () => {
    const user = await registerUser();
    const { status, json } = await readBody(
      await tokenRequest([["grant_type", "password"], ["username", user.email], ["password", user.password], ["password", user.password]]),
    );
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });

  test.each([
    ["text/plain", "grant_type=password"],
    ["application/json", "{not json"],
    ["application/json", "[1,2]"],
    ["application/json", "null"],
  ])("a %s body %j is answered invalid_request", async (contentType, body) => {
    const { status, json } = await readBody(
      await api(`${BASE}/auth/token`, { method: "POST", headers: { "Content-Type": contentType, Authorization: clientAuthorization() }, body }),
    );
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });

  test("JSON parameters of the wrong type are answered invalid_request", async () => {
    const { status, json } = await readBody(
      await api(`${BASE}/auth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: clientAuthorization() },
        body: JSON.stringify({ grant_type: "password", username: ["a@example.com"], password: { $ne: "" } }),
      }),
    );
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });

  test("an oversized token request is refused with 413", async () => {
    const { status, json } = await readBody(await tokenRequest({ grant_type: "password", username: "a@example.com", password: "p".repeat(9000) }));
    expect(status).toBe(413);
    expect(json.error).toBeTypeOf("string");
  });

  test("OAuth errors use the RFC 6749 shape and are never cached", async () => {
    const response = await tokenRequest({ grant_type: "password", username: "a@example.com" });
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { json } = await readBody(response);
    expect(Object.keys(json).sort()).toEqual(["error", "error_description"]);
  });

  test("a refresh token that was never issued is answered invalid_grant", async () => {
    for (const token of ["khr_" + "A".repeat(43), "not-a-refresh-token", "khr_" + "x".repeat(200)]) {
      const { status, json } = await refreshGrant(token);
      expect(status).toBe(400);
      expect(json.error).toBe("invalid_grant");
    }
  });
});

describe("revocation", () => {
  test("revoking a refresh token ends its session: the refresh token and access token stop working", async () => {
    const { tokens } = await signIn();
    expect((await getMe(tokens.access_token)).status).toBe(200);
    const response = await revokeRequest({ token: tokens.refresh_token, token_type_hint: "refresh_token" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");

    const refreshed = await refreshGrant(tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.json.error).toBe("invalid_grant");
    const me = await getMe(tokens.access_token);
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toBe(unauthenticatedChallenge("invalid_token"));

    const session = await getDb().session.findUniqueOrThrow({ where: { id: decodeJwt(tokens.access_token).sid as string } });
    expect(session.revokedAt).not.toBeNull();
  });

  test("revoking one session leaves the user's other sessions working", async () => {
    const { user, tokens } = await signIn();
    const other = await passwordGrant(user.email, user.password);
    expect((await revokeRequest({ token: tokens.refresh_token })).status).toBe(200);
    expect((await getMe(other.access_token)).status).toBe(200);
    expect((await refreshGrant(other.refresh_token)).status).toBe(200);
  });

  test("revoking an already rotated refresh token still ends the session", async () => {
    const { tokens } = await signIn();
    const rotated = await refreshGrant(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await revokeRequest({ token: tokens.refresh_token })).status).toBe(200);
    expect((await refreshGrant(rotated.json.refresh_token)).json.error).toBe("invalid_grant");
    expect((await getMe(rotated.json.access_token)).status).toBe(401);
  });

  test.each(["khr_" + "B".repeat(43), "unknown-token", "eyJhbGciOiJFUzI1NiJ9.e30.sig"])(
    "revoking an unknown token %j answers 200",
    async (token) => {
      const response = await revokeRequest({ token });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    },
  );

  test("revoking the same token twice answers 200 both times", async () => {
    const { tokens } = await signIn();
    expect((await revokeRequest({ token: tokens.refresh_token })).status).toBe(200);
    expect((await revokeRequest({ token: tokens.refresh_token })).status).toBe(200);
  });

  test("revocation needs client authentication", async () => {
    const { tokens } = await signIn();
    const response = await revokeRequest({ token: tokens.refresh_token }, {});
    expect(response.status).toBe(401);
    expect((await readBody(response)).json.error).toBe("invalid_client");
    expect((await refreshGrant(tokens.refresh_token)).status).toBe(200);
  });

  test.each([undefined, "access_token", "refresh_token", "something_else"])(
    "revoking an access token (hint %j) ends its session: the access token and its refresh token stop working",
    async (hint) => {
      const { tokens } = await signIn();
      expect(tokens.access_token.length).toBeGreaterThan(256);
      const response = await revokeRequest({ token: tokens.access_token, ...(hint ? { token_type_hint: hint } : {}) });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const me = await getMe(tokens.access_token);
      expect(me.status).toBe(401);
      expect((await readBody(me)).json.code).toBe("unauthenticated");
      expect((await refreshGrant(tokens.refresh_token)).json.error).toBe("invalid_grant");
    },
  );

  test("revoking a refresh token with the hint access_token still ends its session", async () => {
    const { tokens } = await signIn();
    expect((await revokeRequest({ token: tokens.refresh_token, token_type_hint: "access_token" })).status).toBe(200);
    expect((await getMe(tokens.access_token)).status).toBe(401);
    expect((await refreshGrant(tokens.refresh_token)).json.error).toBe("invalid_grant");
  });

  test("revoking a personal access token revokes it and leaves the owner's session working", async () => {
    const { tokens } = await signIn();
    const created = await readBody(
      await api(`${BASE}/tokens`, jsonRequest("POST", { name: "script", scopes: ["profile:read"], expiresInDays: 7 }, bearer(tokens.access_token))),
    );
    expect(created.status).toBe(201);
    const pat: string = created.json.token;
    expect((await getMe(pat)).status).toBe(200);

    expect((await revokeRequest({ token: pat, token_type_hint: "refresh_token" })).status).toBe(200);
    const me = await getMe(pat);
    expect(me.status).toBe(401);
    expect((await readBody(me)).json.code).toBe("unauthenticated");
    const stored = await getDb().personalAccessToken.findUniqueOrThrow({ where: { id: created.json.personalAccessToken.id } });
    expect(stored.revokedAt).not.toBeNull();
    expect((await getMe(tokens.access_token)).status).toBe(200);
  });

  test("an access token issued to another client is refused with invalid_grant and keeps working", async () => {
    const { tokens } = await signIn();
    const privateJwk = getConfig().jwtSigningKeys[0]!;
    const foreign = await new SignJWT({ ...decodeJwt(tokens.access_token), client_id: "another-client" })
      .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid, typ: "at+jwt" })
      .sign(await importJWK(privateJwk as JWK, "ES256"));
    expect((await getMe(foreign)).status).toBe(200);
    const { status, json } = await readBody(await revokeRequest({ token: foreign }));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_grant");
    expect((await getMe(foreign)).status).toBe(200);
    expect((await getMe(tokens.access_token)).status).toBe(200);
  });

  test("a refresh token of another client is refused with invalid_grant and keeps working", async () => {
    const { tokens } = await signIn();
    await getDb().session.update({ where: { id: decodeJwt(tokens.access_token).sid as string }, data: { clientId: "another-client" } });
    const { status, json } = await readBody(await revokeRequest({ token: tokens.refresh_token }));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_grant");
    expect((await getMe(tokens.access_token)).status).toBe(200);
  });

  test("revoking an unknown token of JWT length or a garbage token of 4096 characters answers 200", async () => {
    for (const token of [`eyJ${"A".repeat(700)}.eyJ${"B".repeat(700)}.${"C".repeat(86)}`, "x".repeat(4096)]) {
      expect((await revokeRequest({ token })).status).toBe(200);
    }
  });

  test("a token over 4096 characters is answered invalid_request", async () => {
    const { status, json } = await readBody(await revokeRequest({ token: "x".repeat(4097) }));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });

  test("revocation without a token parameter is answered invalid_request", async () => {
    const { status, json } = await readBody(await revokeRequest({ token_type_hint: "refresh_token" }));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_request");
  });
});
