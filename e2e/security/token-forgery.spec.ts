/**
 * Forged and misused bearer tokens against GET /api/v1/me. Every forgery must answer 401 with
 * `WWW-Authenticate: Bearer … error="invalid_token"` and no user data. The claim checks (typ,
 * aud, iss, exp, required claims, kid) use tokens signed with the server's real key, read from
 * this run's secrets, so each one fails only because of the claim it gets wrong; a control test
 * proves that the same forging code with correct claims is accepted.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { bearer, passwordGrant, type TokenResponse } from "../fixtures";
import { expect, test } from "./support/fixtures";
import { readSecrets } from "../support/test-run";
import {
  attackerKey,
  base64url,
  decodeJwt,
  LEAK_PATTERN,
  publicJwk,
  signEs256,
  signHs256,
  signingInput,
  startAttackerSite,
  unsigned,
  type JsonObject,
} from "./support/attacker";
import type { SigningJwk } from "./support/server-secrets";

/** The main server's own signing key (first of JWT_SIGNING_KEYS): only the tests hold it besides the server. */
function serverKey(): SigningJwk {
  return (JSON.parse(readSecrets().JWT_SIGNING_KEYS) as { keys: SigningJwk[] }).keys[0]!;
}

async function expectInvalidToken(request: APIRequestContext, token: string, label: string): Promise<APIResponse> {
  const response = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.text();
  expect(response.status(), `${label}: ${body}`).toBe(401);
  expect(response.headers()["www-authenticate"] ?? "", label).toContain('error="invalid_token"');
  expect(response.headers()["content-type"], label).toContain("application/problem+json");
  expect(JSON.parse(body), label).toMatchObject({ status: 401, code: "unauthenticated" });
  expect(body, label).not.toContain('"user"');
  expect(body, label).not.toMatch(LEAK_PATTERN);
  return response;
}

/** Header and claims of a genuine token, to start each forgery from. */
function genuine(tokens: TokenResponse): { header: JsonObject; payload: JsonObject } {
  const { header, payload } = decodeJwt(tokens.access_token);
  return { header, payload };
}

test.describe("forged access tokens are refused with invalid_token", () => {
  test("control: a token signed with the server's key and the right claims is accepted", async ({ request, aliceTokens: tokens, alice: account }) => {
    const { header, payload } = genuine(tokens);
    const reissued = signEs256(header, { ...payload, jti: randomUUID() }, serverKey());
    const response = await request.get("/api/v1/me", { headers: bearer(reissued) });
    expect(response.status(), await response.text()).toBe(200);
    expect((await response.json()).user.id).toBe(account.id);
  });

  test("alg none, in every spelling, with and without a signature", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      const token = unsigned({ ...header, alg }, payload);
      await expectInvalidToken(request, token, `alg ${alg}`);
      await expectInvalidToken(request, `${token}${tokens.access_token.split(".")[2]}`, `alg ${alg} + original signature`);
    }
  });

  test("algorithm confusion: HS256 signed with the public key from the JWKS as the secret", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const jwksResponse = await request.get("/.well-known/jwks.json");
    const jwksText = await jwksResponse.text();
    const published = (JSON.parse(jwksText) as { keys: JsonObject[] }).keys.find((key) => key.kid === header.kid)!;
    expect(published, "the token's kid is published").toBeTruthy();
    const publicKey = createPublicKey({ key: published as never, format: "jwk" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const secrets: [string, string | Buffer][] = [
      ["SPKI PEM", pem],
      ["SPKI PEM without the final newline", pem.trimEnd()],
      ["SPKI DER", publicKey.export({ type: "spki", format: "der" })],
      ["the JWK as JSON", JSON.stringify(published)],
      ["the JWKS document as served", jwksText],
      ["the x coordinate", String(published.x)],
    ];
    for (const [label, secret] of secrets) {
      for (const [alg, hash] of [["HS256", "sha256"], ["HS384", "sha384"], ["HS512", "sha512"]] as const) {
        await expectInvalidToken(request, signHs256({ ...header, alg }, payload, secret, hash), `${alg} with ${label}`);
      }
    }
  });

  test("a foreign EC key, with the server's kid and without any kid", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const foreign = attackerKey();
    await expectInvalidToken(request, signEs256(header, payload, foreign), "foreign key, same kid");
    const { kid: _kid, ...withoutKid } = header;
    await expectInvalidToken(request, signEs256(withoutKid, payload, foreign), "foreign key, no kid");
    await expectInvalidToken(request, signEs256({ ...header, kid: foreign.kid }, payload, foreign), "foreign key, its own kid");
  });

  test("a foreign Ed25519 key under the server's kid (EdDSA is an allowed algorithm, but not for this key)", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const { privateKey } = generateKeyPairSync("ed25519");
    const input = signingInput({ ...header, alg: "EdDSA" }, payload);
    const token = `${input}.${base64url(sign(null, Buffer.from(input), privateKey))}`;
    await expectInvalidToken(request, token, "EdDSA, foreign key, server kid");
  });

  test("jku, x5u and jwk headers pointing to an attacker's key are never followed", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const foreign = attackerKey("attacker-jku");
    const site = await startAttackerSite(() => ({
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys: [publicJwk(foreign)] }),
    }));
    try {
      const jku = `${site.origin}/.well-known/jwks.json`;
      await expectInvalidToken(request, signEs256({ ...header, kid: foreign.kid, jku }, payload, foreign), "jku to attacker JWKS");
      await expectInvalidToken(request, signEs256({ ...header, jku }, payload, foreign), "jku to attacker JWKS, server kid");
      await expectInvalidToken(request, signEs256({ ...header, kid: foreign.kid, x5u: `${site.origin}/cert.pem` }, payload, foreign), "x5u");
      await expectInvalidToken(request, signEs256({ ...header, kid: foreign.kid, jwk: publicJwk(foreign) }, payload, foreign), "embedded jwk");
      const { kid: _kid, ...withoutKid } = header;
      await expectInvalidToken(request, signEs256({ ...withoutKid, jwk: publicJwk(foreign) }, payload, foreign), "embedded jwk, no kid");
      await expectInvalidToken(request, signEs256({ ...header, jwk: { ...publicJwk(foreign), kid: header.kid } }, payload, foreign), "embedded jwk with the server's kid");
      expect(site.hits, "the server fetched a key from an attacker's URL").toEqual([]);
    } finally {
      await site.close();
    }
  });

  test("kid tricks: path traversal, SQL, an unknown kid, and an HMAC key of /dev/null", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const foreign = attackerKey();
    const kids = ["../../etc/passwd", "../../../../../../dev/null", "' OR '1'='1", "x' UNION SELECT 'secret' --", "unknown-kid", "", "0", "*"];
    for (const kid of kids) {
      await expectInvalidToken(request, signEs256({ ...header, kid }, payload, foreign), `kid ${JSON.stringify(kid)}, attacker key`);
      await expectInvalidToken(request, signEs256({ ...header, kid }, payload, serverKey()), `kid ${JSON.stringify(kid)}, the server's own key`);
      await expectInvalidToken(request, signHs256({ ...header, alg: "HS256", kid }, payload, ""), `kid ${JSON.stringify(kid)}, HS256 with an empty secret`);
      await expectInvalidToken(request, signHs256({ ...header, alg: "HS256", kid }, payload, "secret"), `kid ${JSON.stringify(kid)}, HS256 "secret"`);
    }
  });

  test("a wrong or missing typ (not an access token)", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    for (const typ of ["JWT", "jwt", "id+jwt", "dpop+jwt", "at+jwt2"]) {
      await expectInvalidToken(request, signEs256({ ...header, typ }, payload, serverKey()), `typ ${typ}`);
    }
    const { typ: _typ, ...withoutTyp } = header;
    await expectInvalidToken(request, signEs256(withoutTyp, payload, serverKey()), "no typ");
  });

  test("a wrong audience", async ({ request, aliceTokens: tokens, baseURL }) => {
    const { header, payload } = genuine(tokens);
    const audiences: unknown[] = [`${baseURL}`, `${baseURL}/api/v2`, "https://evil.example/api/v1", ["https://evil.example/api/v1"], `${baseURL}/api/v1/`, ""];
    for (const aud of audiences) {
      await expectInvalidToken(request, signEs256(header, { ...payload, aud }, serverKey()), `aud ${JSON.stringify(aud)}`);
    }
    const { aud: _aud, ...withoutAud } = payload;
    await expectInvalidToken(request, signEs256(header, withoutAud, serverKey()), "no aud");
  });

  test("a wrong issuer", async ({ request, aliceTokens: tokens, baseURL }) => {
    const { header, payload } = genuine(tokens);
    for (const iss of ["https://evil.example", `${baseURL}/`, `${baseURL}/api/v1`, "http://localhost", ""]) {
      await expectInvalidToken(request, signEs256(header, { ...payload, iss }, serverKey()), `iss ${JSON.stringify(iss)}`);
    }
    const { iss: _iss, ...withoutIss } = payload;
    await expectInvalidToken(request, signEs256(header, withoutIss, serverKey()), "no iss");
  });

  test("an expired token, a not-yet-valid token and one without exp", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(request, signEs256(header, { ...payload, iat: now - 400, exp: now - 60 }, serverKey()), "expired a minute ago");
    await expectInvalidToken(request, signEs256(header, { ...payload, nbf: now + 3600 }, serverKey()), "nbf in an hour");
    const { exp: _exp, ...withoutExp } = payload;
    await expectInvalidToken(request, signEs256(header, withoutExp, serverKey()), "no exp");
  });

  test("a token missing a required claim (sid, sub, scope, jti, client_id)", async ({ request, aliceTokens: tokens }) => {
    const { header, payload } = genuine(tokens);
    for (const claim of ["sid", "sub", "scope", "jti", "client_id", "iat"]) {
      const { [claim]: _removed, ...rest } = payload;
      await expectInvalidToken(request, signEs256(header, rest, serverKey()), `without ${claim}`);
    }
    await expectInvalidToken(request, signEs256(header, { ...payload, sid: 42 }, serverKey()), "numeric sid");
  });

  test("a payload changed under the original signature (another user, more scope, later expiry)", async ({ request, bffClient, aliceTokens: tokens, bob: victim }) => {
    const { header, payload } = genuine(tokens);
    const signature = tokens.access_token.split(".")[2]!;
    const variants: JsonObject[] = [
      { ...payload, sub: victim.id },
      { ...payload, scope: `${payload.scope} admin` },
      { ...payload, exp: Number(payload.exp) + 86_400 },
      { ...payload, sid: randomUUID() },
    ];
    for (const variant of variants) {
      await expectInvalidToken(request, `${signingInput(header, variant)}.${signature}`, `changed payload ${JSON.stringify(variant).slice(0, 60)}`);
    }
    // Splicing: another user's genuine header and payload with this token's signature, and no signature at all.
    const other = await passwordGrant(request, bffClient, victim);
    const [otherHeader, otherPayload] = other.access_token.split(".");
    await expectInvalidToken(request, `${otherHeader}.${otherPayload}.${signature}`, "spliced signature");
    await expectInvalidToken(request, `${otherHeader}.${otherPayload}.`, "signature removed");
    await expectInvalidToken(request, `${otherHeader}.${otherPayload}`, "two segments");
  });

  test("a refresh token and PAT-shaped strings are not access tokens", async ({ request, aliceTokens: tokens }) => {
    await expectInvalidToken(request, tokens.refresh_token, "refresh token as bearer");
    const secretHex = randomBytes(32).toString("hex");
    await expectInvalidToken(request, `khp_${secretHex}00000000`, "PAT with a bad checksum");
    await expectInvalidToken(request, `khp_${secretHex}`, "PAT without a checksum");
    await expectInvalidToken(request, `khp_${secretHex.toUpperCase()}ffffffff`, "PAT in upper case");

    // A real PAT with one character of its secret changed: the checksum no longer matches.
    const created = await request.post("/api/v1/tokens", {
      headers: bearer(tokens.access_token),
      data: { name: "forgery test", scopes: ["profile:read"], expiresInDays: 7 },
    });
    expect(created.status(), await created.text()).toBe(201);
    const pat = (await created.json()).token as string;
    expect((await request.get("/api/v1/me", { headers: bearer(pat) })).status(), "the genuine PAT works").toBe(200);
    const flipped = `${pat.slice(0, 10)}${pat[10] === "a" ? "b" : "a"}${pat.slice(11)}`;
    await expectInvalidToken(request, flipped, "PAT with one character changed");
  });
});

test.describe("an access token is only read from the Authorization header", () => {
  for (const [label, place] of [
    ["the access_token query parameter", "query"],
    ["a cookie", "cookie"],
    ["a form body", "body"],
  ] as const) {
    test(`a valid token in ${label} is not accepted`, async ({ request, aliceTokens: tokens }) => {
      const token = tokens.access_token;
      let response: APIResponse;
      if (place === "query") {
        response = await request.get(`/api/v1/me?access_token=${encodeURIComponent(token)}`);
      } else if (place === "cookie") {
        response = await request.get("/api/v1/me", {
          headers: { Cookie: `access_token=${token}; token=${token}; Authorization=Bearer%20${token}; __Host-keyhole=${token}` },
        });
      } else {
        response = await request.fetch("/api/v1/me", { method: "GET", form: { access_token: token } });
      }
      const body = await response.text();
      expect(response.status(), body).toBe(401);
      expect(response.headers()["www-authenticate"]).toMatch(/^Bearer /);
      expect(body).not.toContain('"user"');
    });
  }

  test("a malformed Authorization header is refused without a server error", async ({ request, aliceTokens: tokens }) => {
    const token = tokens.access_token;
    // RFC 6750 §3.1: another scheme is 401 without an error code, a broken Bearer header is 400
    // invalid_request, a well-formed but invalid token is 401 invalid_token.
    const headers: [string, number][] = [
      [`Token ${token}`, 401],
      [`Basic ${token}`, 401],
      [`Bearer`, 400],
      [`Bearer  `, 400],
      [`Bearer ${token} ${token}`, 400],
      [`Bearer ${token},Bearer ${token}`, 400],
      [`Bearer "${token}"`, 400],
      [`Bearer ${token.replaceAll(".", "..")}`, 401],
      [`Bearer ${"A".repeat(8_000)}`, 401],
      [`Bearer ${token}\t`, 401],
    ];
    for (const [authorization, status] of headers) {
      const response = await request.get("/api/v1/me", { headers: { Authorization: authorization } });
      const body = await response.text();
      // A trailing tab is whitespace an HTTP parser trims, so that one token may legitimately work.
      if (authorization.endsWith("\t") && response.status() === 200) continue;
      expect(response.status(), `${authorization.slice(0, 40)}: ${body}`).toBe(status);
      expect(body).not.toContain('"user"');
    }
  });
});
