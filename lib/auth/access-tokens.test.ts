import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, test, vi } from "vitest";

// Two signing keys, as during a key rotation: the first signs, both verify.
// vi.hoisted runs before the imports of this file, so it imports what it needs itself.
const keys = await vi.hoisted(async () => {
  const { generateKeyPairSync: generate } = await import("node:crypto");
  const current = { ...generate("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid: "current", alg: "ES256" };
  const previous = { ...generate("ed25519").privateKey.export({ format: "jwk" }), kid: "previous", alg: "EdDSA" };
  process.env.JWT_SIGNING_KEYS = JSON.stringify({ keys: [current, previous] });
  return { current, previous };
});

import { getConfig } from "../config";
import { createAccessToken, getPublicJwks, validateAccessToken } from "./access-tokens";
import { rememberRevokedSession } from "./revocations";
import { SESSION_SCOPE } from "../shared/scopes";
import { getMe, signIn, type TestUser, type TokenResponse } from "../../test/api";

let user: TestUser;
let tokens: TokenResponse;
beforeAll(async () => {
  ({ user, tokens } = await signIn());
});

describe("JWKS", () => {
  test("lists the public half of every configured key and no private member", async () => {
    const jwks = await getPublicJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual(["current", "previous"]);
    for (const key of jwks.keys) {
      for (const member of ["d", "p", "q", "dp", "dq", "qi", "k", "oth"]) expect(key, `${key.kid}.${member}`).not.toHaveProperty(member);
      expect(key).toMatchObject({ use: "sig", alg: expect.stringMatching(/^(ES256|EdDSA)$/) });
    }
    expect(JSON.stringify(jwks)).not.toContain(keys.current.d);
    expect(JSON.stringify(jwks)).not.toContain(keys.previous.d);
    expect(jwks.keys[0]).toEqual({ kty: "EC", crv: "P-256", x: keys.current.x, y: keys.current.y, kid: "current", alg: "ES256", use: "sig" });
    expect(jwks.keys[1]).toEqual({ kty: "OKP", crv: "Ed25519", x: keys.previous.x, kid: "previous", alg: "EdDSA", use: "sig" });
  });
});

describe("key rotation", () => {
  test("new tokens are signed with the first key", () => {
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ kid: "current", alg: "ES256", typ: "at+jwt" });
  });

  test("a token signed with the previous key still verifies until it expires", async () => {
    const key = await importJWK(keys.previous as JWK, "EdDSA");
    const now = Math.floor(Date.now() / 1000);
    const claims = decodeJwt(tokens.access_token);
    const token = await new SignJWT({ ...claims, jti: crypto.randomUUID(), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: "EdDSA", kid: "previous", typ: "at+jwt" })
      .sign(key);
    expect((await getMe(token)).status).toBe(200);
    expect(await validateAccessToken(token)).toMatchObject({ sub: user.id });
  });

  test("a token whose kid names one key but is signed by the other is refused", async () => {
    const key = await importJWK(keys.previous as JWK, "EdDSA");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ...decodeJwt(tokens.access_token), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: "EdDSA", kid: "current", typ: "at+jwt" })
      .sign(key);
    expect((await getMe(token)).status).toBe(401);
  });
});

describe("access token lifetime", () => {
  test("validateAccessToken honours exp with a few seconds of clock tolerance", async () => {
    const nowMs = Date.now();
    const claims = decodeJwt(tokens.access_token);
    const { accessToken, expiresInSeconds } = await createAccessToken({
      userId: user.id,
      sessionId: claims.sid as string,
      clientId: "keyhole-bff",
      scope: SESSION_SCOPE,
      sessionExpiresAtMs: nowMs + 3_600_000,
      authenticatedAtMs: nowMs,
      nowMs,
    });
    const ttlMs = getConfig().accessTokenTtlSeconds * 1000;
    expect(expiresInSeconds).toBe(getConfig().accessTokenTtlSeconds);
    expect(await validateAccessToken(accessToken, nowMs)).not.toBeNull();
    expect(await validateAccessToken(accessToken, nowMs + ttlMs - 1_000)).not.toBeNull();
    expect(await validateAccessToken(accessToken, nowMs + ttlMs + 60_000)).toBeNull();
  });
});

describe("verified-token cache", () => {
  async function newToken(sessionId: string, nowMs: number) {
    const { accessToken } = await createAccessToken({
      userId: user.id,
      sessionId,
      clientId: "keyhole-bff",
      scope: SESSION_SCOPE,
      sessionExpiresAtMs: nowMs + 3_600_000,
      authenticatedAtMs: nowMs,
      nowMs,
    });
    return { accessToken, expSeconds: decodeJwt(accessToken).exp! };
  }

  test("a remembered token stops at the same instant as one verified afresh", async () => {
    const nowMs = Date.now();
    const sessionId = decodeJwt(tokens.access_token).sid as string;
    const remembered = await newToken(sessionId, nowMs);
    const fresh = await newToken(sessionId, nowMs);
    expect(fresh.expSeconds).toBe(remembered.expSeconds);
    expect(await validateAccessToken(remembered.accessToken, nowMs)).not.toBeNull(); // now cached
    // jose rejects once exp <= now - 5 s (whole seconds): the last valid millisecond, then the first invalid one.
    const lastValidMs = (remembered.expSeconds + 5) * 1000 - 1;
    expect(await validateAccessToken(remembered.accessToken, lastValidMs)).not.toBeNull();
    expect(await validateAccessToken(remembered.accessToken, lastValidMs + 1)).toBeNull();
    expect(await validateAccessToken(fresh.accessToken, lastValidMs + 1)).toBeNull();
    expect(await validateAccessToken(fresh.accessToken, lastValidMs)).not.toBeNull();
  });

  test("a remembered token is refused once its session is revoked, and an altered copy never verifies", async () => {
    const nowMs = Date.now();
    const { tokens: own } = await signIn();
    const { accessToken } = await newToken(decodeJwt(own.access_token).sid as string, nowMs);
    expect(await validateAccessToken(accessToken, nowMs)).not.toBeNull();
    const altered = `${accessToken.slice(0, -2)}${accessToken.endsWith("AA") ? "BB" : "AA"}`;
    expect(await validateAccessToken(altered, nowMs)).toBeNull();
    rememberRevokedSession(decodeJwt(accessToken).sid as string);
    expect(await validateAccessToken(accessToken, nowMs)).toBeNull();
  });
});
