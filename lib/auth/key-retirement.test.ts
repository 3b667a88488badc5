import { decodeJwt, importJWK, SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, test, vi } from "vitest";

// A rotation in progress from ES256 to EdDSA: "new" signs; "old" is retired and serves until its
// exp. Different algorithms, so a token without a kid has exactly one candidate key.
const setup = await vi.hoisted(async () => {
  const { generateKeyPairSync: generate } = await import("node:crypto");
  const retiredAtSeconds = Math.floor(Date.now() / 1000) + 3600;
  const current = { ...generate("ed25519").privateKey.export({ format: "jwk" }), kid: "new", alg: "EdDSA" };
  const old = { ...generate("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid: "old", alg: "ES256", exp: retiredAtSeconds };
  process.env.JWT_SIGNING_KEYS = JSON.stringify({ keys: [current, old] });
  return { old, retiredAtMs: retiredAtSeconds * 1000 };
});

import { signIn, type TokenResponse } from "../../test/api";
import { getPublicJwks, validateAccessToken } from "./access-tokens";

let tokenFromOldKey: string;
let tokenFromOldKeyWithoutKid: string;
let tokens: TokenResponse;
beforeAll(async () => {
  ({ tokens } = await signIn());
  const now = Math.floor(Date.now() / 1000);
  tokenFromOldKey = await new SignJWT({ ...decodeJwt(tokens.access_token), jti: crypto.randomUUID(), iat: now, exp: now + 7200 })
    .setProtectedHeader({ alg: "ES256", kid: "old", typ: "at+jwt" })
    .sign(await importJWK(setup.old as JWK, "ES256"));
  tokenFromOldKeyWithoutKid = await new SignJWT({ ...decodeJwt(tokens.access_token), jti: crypto.randomUUID(), iat: now, exp: now + 7200 })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
    .sign(await importJWK(setup.old as JWK, "ES256"));
});

describe("a retired signing key", () => {
  test("verifies and stays in the JWKS until its exp", async () => {
    const before = setup.retiredAtMs - 1000;
    expect((await getPublicJwks(before)).keys.map((key) => key.kid)).toEqual(["new", "old"]);
    expect(await validateAccessToken(tokenFromOldKey, before)).not.toBeNull();
  });

  test("leaves the JWKS and stops verifying after its exp, while the new key goes on", async () => {
    const after = setup.retiredAtMs + 1000;
    const jwks = await getPublicJwks(after);
    expect(jwks.keys.map((key) => key.kid)).toEqual(["new"]);
    expect(JSON.stringify(jwks)).not.toContain('"exp"');
    expect(await validateAccessToken(tokenFromOldKey, after)).toBeNull();
    expect(await validateAccessToken(tokens.access_token, Date.now())).not.toBeNull();
  });

  test("a token without a kid is refused, before and after the key's exp, so it cannot slip past retirement", async () => {
    expect(await validateAccessToken(tokenFromOldKeyWithoutKid, setup.retiredAtMs - 1000)).toBeNull();
    expect(await validateAccessToken(tokenFromOldKeyWithoutKid, setup.retiredAtMs + 1000)).toBeNull();
  });
});
