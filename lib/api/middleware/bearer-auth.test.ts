import { createPublicKey, generateKeyPairSync, type JsonWebKey as NodeJsonWebKey } from "node:crypto";
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { getPublicJwks, SESSION_SCOPE } from "../../auth";
import { getConfig } from "../../config";
import { api, BASE, clientAuthorization, getMe, readBody, signIn, type TestUser, type TokenResponse, unauthenticatedChallenge } from "../../../test/api";

const INVALID_TOKEN_CHALLENGE = unauthenticatedChallenge("invalid_token");
const INVALID_REQUEST_CHALLENGE = 'Bearer realm="keyhole", error="invalid_request"';
const NO_TOKEN_CHALLENGE = unauthenticatedChallenge();

let user: TestUser;
let tokens: TokenResponse;
let realKid: string;
let publicJwk: JWK;

beforeAll(async () => {
  ({ user, tokens } = await signIn());
  publicJwk = (await getPublicJwks()).keys[0]!;
  realKid = publicJwk.kid!;
});

/** Claims exactly like a real access token of the signed-in user's session. */
function validClaims(overrides: JWTPayload = {}): JWTPayload {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const { sid } = decodeJwt(tokens.access_token);
  return {
    iss: getConfig().jwtIssuer,
    aud: getConfig().jwtAudience,
    sub: user.id,
    sid,
    jti: crypto.randomUUID(),
    scope: SESSION_SCOPE,
    client_id: "keyhole-bff",
    iat: nowSeconds,
    exp: nowSeconds + 300,
    ...overrides,
  };
}

/** Signs with Keyhole's own private signing key: only the claim or header under test is wrong. */
async function signWithRealKey(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const privateJwk = getConfig().jwtSigningKeys[0]!;
  const key = await importJWK(privateJwk as JWK, "ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: realKid, typ: "at+jwt", ...header }).sign(key);
}

const encodeSegment = (value: unknown) => base64url.encode(JSON.stringify(value));

async function expectInvalidToken(token: string) {
  const response = await getMe(token);
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(INVALID_TOKEN_CHALLENGE);
  const { json } = await readBody(response);
  expect(json.code).toBe("unauthenticated");
  expect(json).not.toHaveProperty("user");
}

describe("the forging harness", () => {
  // Without these controls every "refused" below could pass for the wrong reason.
  test("a real access token is accepted", async () => {
    const { status, json } = await readBody(await getMe(tokens.access_token));
    expect(status).toBe(200);
    expect(json.user.id).toBe(user.id);
  });

  test("a token built by the test with the real key and correct claims is accepted", async () => {
    const { status, json } = await readBody(await getMe(await signWithRealKey(validClaims())));
    expect(status).toBe(200);
    expect(json.user.id).toBe(user.id);
  });
});

describe("tampered access tokens are refused with 401 invalid_token", () => {
  test("alg: none", async () => {
    const unsecured = new UnsecuredJWT(validClaims()).encode();
    await expectInvalidToken(unsecured);
    const withTyp = `${encodeSegment({ alg: "none", typ: "at+jwt", kid: realKid })}.${encodeSegment(validClaims())}.`;
    await expectInvalidToken(withTyp);
    // `none` spelled differently, with the original signature kept.
    const signature = tokens.access_token.split(".")[2];
    await expectInvalidToken(`${encodeSegment({ alg: "NONE", typ: "at+jwt", kid: realKid })}.${encodeSegment(validClaims())}.${signature}`);
  });

  test("a changed payload with the original signature", async () => {
    const [header, payload, signature] = tokens.access_token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
    const other = await signIn();
    const forged = `${header}.${encodeSegment({ ...claims, sub: other.user.id })}.${signature}`;
    await expectInvalidToken(forged);
    const extended = `${header}.${encodeSegment({ ...claims, exp: claims.exp + 86_400 })}.${signature}`;
    await expectInvalidToken(extended);
    const widened = `${header}.${encodeSegment({ ...claims, scope: `${claims.scope} admin` })}.${signature}`;
    await expectInvalidToken(widened);
  });

  test("a truncated or flipped signature", async () => {
    const [header, payload, signature] = tokens.access_token.split(".");
    await expectInvalidToken(`${header}.${payload}.${signature!.slice(0, -4)}`);
    const flipped = signature!.slice(0, 10) + (signature![10] === "A" ? "B" : "A") + signature!.slice(11);
    await expectInvalidToken(`${header}.${payload}.${flipped}`);
    await expectInvalidToken(`${header}.${payload}`);
  });

  test("signed with a foreign EC key that claims the real kid", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: "ES256", kid: realKid, typ: "at+jwt" }).sign(privateKey);
    await expectInvalidToken(forged);
  });

  test("signed with a foreign Ed25519 key that claims the real kid", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: "EdDSA", kid: realKid, typ: "at+jwt" }).sign(privateKey);
    await expectInvalidToken(forged);
  });

  test("HS256 signed with the public key as the secret (algorithm confusion)", async () => {
    const publicKey = createPublicKey({ key: publicJwk as NodeJsonWebKey, format: "jwk" });
    const pem = publicKey.export({ type: "spki", format: "pem" }) as string;
    const spki = await exportSPKI((await importJWK(publicJwk, "ES256")) as CryptoKey);
    const secrets = [
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      new TextEncoder().encode(JSON.stringify((await getPublicJwks()).keys[0])),
      new TextEncoder().encode(pem),
      new TextEncoder().encode(spki),
      new TextEncoder().encode(publicJwk.x!),
      publicKey.export({ type: "spki", format: "der" }),
    ];
    for (const secret of secrets) {
      for (const alg of ["HS256", "HS384", "HS512"]) {
        const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg, kid: realKid, typ: "at+jwt" }).sign(secret);
        await expectInvalidToken(forged);
      }
    }
  });

  test("RS256 signed with a foreign RSA key that claims the real kid", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: "RS256", kid: realKid, typ: "at+jwt" }).sign(privateKey);
    await expectInvalidToken(forged);
  });

  test("a wrong audience", async () => {
    await expectInvalidToken(await signWithRealKey(validClaims({ aud: "https://other-api.example" })));
    await expectInvalidToken(await signWithRealKey(validClaims({ aud: [] })));
    const { aud: _aud, ...withoutAudience } = validClaims();
    await expectInvalidToken(await signWithRealKey(withoutAudience));
  });

  test("a wrong issuer", async () => {
    await expectInvalidToken(await signWithRealKey(validClaims({ iss: "https://attacker.example" })));
    const { iss: _iss, ...withoutIssuer } = validClaims();
    await expectInvalidToken(await signWithRealKey(withoutIssuer));
  });

  test.each(["JWT", "jwt", "at+JWT+x", "application/at+jwt+evil"])("a wrong typ %j", async (typ) => {
    await expectInvalidToken(await signWithRealKey(validClaims(), { typ }));
  });

  test("no typ at all", async () => {
    const privateJwk = getConfig().jwtSigningKeys[0]!;
    const key = await importJWK(privateJwk as JWK, "ES256");
    const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: "ES256", kid: realKid }).sign(key);
    await expectInvalidToken(forged);
  });

  test("an expired token", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await signWithRealKey(validClaims({ iat: nowSeconds - 600, exp: nowSeconds - 60 })));
  });

  test("a token without exp, or not valid before a future time", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const { exp: _exp, ...withoutExpiry } = validClaims();
    await expectInvalidToken(await signWithRealKey(withoutExpiry));
    await expectInvalidToken(await signWithRealKey(validClaims({ nbf: nowSeconds + 3600 })));
  });

  test.each(["sid", "sub", "jti", "scope", "client_id"])("a token without the %s claim", async (claim) => {
    const claims = validClaims();
    delete claims[claim];
    await expectInvalidToken(await signWithRealKey(claims));
  });

  test("a jwk header carrying the attacker's own key", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const attackerJwk = await exportJWK(publicKey);
    for (const kid of [realKid, "attacker"]) {
      const forged = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt", jwk: { ...attackerJwk, kid } })
        .sign(privateKey);
      await expectInvalidToken(forged);
    }
  });

  test("a jku or x5u header pointing to the attacker's key set", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    for (const header of [
      { jku: "https://attacker.example/.well-known/jwks.json", kid: realKid },
      { jku: "http://localhost/.well-known/jwks.json", kid: "attacker" },
      { x5u: "https://attacker.example/cert.pem", kid: realKid },
    ]) {
      const forged = await new SignJWT(validClaims()).setProtectedHeader({ alg: "ES256", typ: "at+jwt", ...header }).sign(privateKey);
      await expectInvalidToken(forged);
    }
  });

  test("no kid at all (it would bypass key retirement)", async () => {
    const privateJwk = getConfig().jwtSigningKeys[0]!;
    const key = await importJWK(privateJwk as JWK, "ES256");
    await expectInvalidToken(await new SignJWT(validClaims()).setProtectedHeader({ alg: "ES256", typ: "at+jwt" }).sign(key));
  });

  test("an unknown kid", async () => {
    await expectInvalidToken(await signWithRealKey(validClaims(), { kid: "some-other-kid" }));
  });

  test("a refresh token used as a bearer token", async () => {
    expect(tokens.refresh_token).toMatch(/^khr_/);
    await expectInvalidToken(tokens.refresh_token);
  });

  test("garbage in the shape of a JWT", async () => {
    for (const token of ["a.b.c", "eyJ.eyJ.sig", `${encodeSegment({ alg: "ES256" })}.not-json.sig`, "x".repeat(10_000)]) {
      await expectInvalidToken(token);
    }
  });

  test("the token of a revoked session, even when correctly signed", async () => {
    const fresh = await signIn();
    const accessToken = fresh.tokens.access_token;
    expect((await getMe(accessToken)).status).toBe(200);
    await api(`${BASE}/auth/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: clientAuthorization() },
      body: new URLSearchParams({ token: fresh.tokens.refresh_token }).toString(),
    });
    await expectInvalidToken(accessToken);
    const { sid } = decodeJwt(accessToken);
    await expectInvalidToken(await signWithRealKey(validClaims({ sub: fresh.user.id, sid })));
  });
});

describe("the Authorization header", () => {
  // RFC 6750 §3.1: another scheme is a request without bearer credentials, so no error code.
  test.each(["Basic xyz", "Token abc", "Digest username=\"a\", realm=\"keyhole\""])("another scheme (%s) is refused with 401 and a challenge without an error code", async (authorization) => {
    const response = await api(`${BASE}/me`, { headers: { Authorization: authorization } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(NO_TOKEN_CHALLENGE);
    expect((await readBody(response)).json.code).toBe("unauthenticated");
  });

  test("a real token under another scheme is not served", async () => {
    for (const authorization of [`Basic ${tokens.access_token}`, `bearer${tokens.access_token}`]) {
      const response = await api(`${BASE}/me`, { headers: { Authorization: authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(NO_TOKEN_CHALLENGE);
    }
  });

  test("a malformed bearer header is refused with 400 invalid_request", async () => {
    for (const authorization of [
      "Bearer a b",
      "Bearer",
      "Bearer ",
      "Bearer a$b",
      'Bearer "abc"',
      "Bearer =abc",
      `Bearer ${tokens.access_token} extra`,
      `Bearer ${tokens.access_token},Bearer ${tokens.access_token}`,
      `Bearer ${tokens.access_token}, Bearer ${tokens.access_token}`,
    ]) {
      const response = await api(`${BASE}/me`, { headers: { Authorization: authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(400);
      expect(response.headers.get("www-authenticate"), authorization.slice(0, 20)).toBe(INVALID_REQUEST_CHALLENGE);
      expect((await readBody(response)).json.code).toBe("invalid_request");
    }
  });

  test("two Authorization headers are refused with 400 invalid_request, never served as either one", async () => {
    const other = await signIn();
    for (const pair of [
      [`Bearer ${tokens.access_token}`, `Bearer ${tokens.access_token}`],
      [`Bearer ${tokens.access_token}`, `Bearer ${other.tokens.access_token}`],
      ["Basic xyz", `Bearer ${tokens.access_token}`],
      [`Bearer ${tokens.access_token}`, "Basic xyz"],
    ]) {
      const headers = new Headers(pair.map((value) => ["authorization", value] as [string, string]));
      expect(headers.get("authorization")).toBe(pair.join(", "));
      const response = await api(`${BASE}/me`, { headers });
      expect(response.status, pair.map((value) => value.slice(0, 12)).join(" + ")).toBe(400);
      expect(response.headers.get("www-authenticate")).toBe(INVALID_REQUEST_CHALLENGE);
      expect((await readBody(response)).json.code).toBe("invalid_request");
    }
  });

  test("the scheme name is case-insensitive (RFC 7235 §2.1)", async () => {
    for (const scheme of ["bearer", "BEARER"]) {
      const response = await api(`${BASE}/me`, { headers: { Authorization: `${scheme} ${tokens.access_token}` } });
      expect(response.status, scheme).toBe(200);
    }
  });

  test("a token lacking the needed scope is refused with 403 insufficient_scope", async () => {
    const token = await signWithRealKey(validClaims({ scope: "notes:read" }));
    const response = await getMe(token);
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="keyhole", error="insufficient_scope", scope="profile:read"');
    expect((await readBody(response)).json.code).toBe("insufficient_scope");
    // The same token still reads notes, so the scope check is per route.
    expect((await api(`${BASE}/notes`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await api(`${BASE}/notes`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: '{"title":"x"}' })).status).toBe(403);
  });

  test("real access tokens carry the RFC 9068 header", async () => {
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: "ES256", kid: realKid, typ: "at+jwt" });
  });
});
