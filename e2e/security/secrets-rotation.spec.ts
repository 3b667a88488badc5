/**
 * Rotating secrets without logging anyone out (DESIGN.md › Configuration). Two servers share one
 * database (e2e/servers.ts): `rotationOld` runs with SESSION_SECRET {"1": old} and
 * JWT_SIGNING_KEYS {keys: [K1]}; `rotationNew` with {"2": new, "1": old} and {keys: [K2, K1]}, the
 * configuration after a rotation. Cookies and tokens issued before the rotation keep working
 * after it; new ones are sealed and signed with the new secret and key only.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { bearer, passwordGrant } from "../fixtures";
import { getTestRun } from "../support/test-run";
import { cleanContext, cookieHeader, decodeJwt, signEs256, signInBff } from "./support/attacker";
import { createAccount, expect, test } from "./support/fixtures";
import { securitySecrets } from "./support/server-secrets";

const OLD_KID = securitySecrets.oldSigningKey.kid;
const NEW_KID = securitySecrets.newSigningKey.kid;

/** iron-session seals as `Fe26.2*<password id>*…`: the id of the secret that sealed the cookie. */
function sealedWith(cookie: string): string {
  return cookie.split("*")[1]!;
}

test("a cookie sealed with the old SESSION_SECRET opens after the rotation, and new cookies use the new secret only", async ({ servers, bffClient }) => {
  const before = await cleanContext(servers.rotationOld);
  const after = await cleanContext(servers.rotationNew);
  const account = await createAccount(before, bffClient, { name: "Rotation" });

  const oldCookie = await signInBff(servers.rotationOld, account);
  expect(sealedWith(oldCookie)).toBe("1");
  const reopened = await after.get("/bff/session", { headers: cookieHeader(oldCookie) });
  expect(reopened.status(), "the rotated server opens a cookie from before the rotation").toBe(200);
  expect((await reopened.json()).user.id).toBe(account.id);
  // And uses it: the access token inside was signed with K1, which the new server still trusts.
  const notes = await after.get("/bff/api/notes", { headers: cookieHeader(oldCookie) });
  expect(notes.status(), await notes.text()).toBe(200);

  const newCookie = await signInBff(servers.rotationNew, account);
  expect(sealedWith(newCookie), "new cookies are sealed with the highest id").toBe("2");
  expect((await after.get("/bff/session", { headers: cookieHeader(newCookie) })).status()).toBe(200);
  const oldServer = await before.get("/bff/session", { headers: cookieHeader(newCookie) });
  expect(oldServer.status(), "a server with only the old secret cannot open a cookie sealed with the new one").toBe(401);
  // Relabelling the new cookie as sealed by secret 1 does not help either.
  const relabelled = newCookie.replace(/^Fe26\.2\*2\*/, "Fe26.2*1*");
  expect((await after.get("/bff/session", { headers: cookieHeader(relabelled) })).status()).toBe(401);
  await before.dispose();
  await after.dispose();
});

test("a token signed with the old key verifies after the rotation; the new key signs, and both are published", async ({ servers, bffClient }) => {
  const before = await cleanContext(servers.rotationOld);
  const after = await cleanContext(servers.rotationNew);
  const account = await createAccount(before, bffClient, { name: "Rotation" });

  const oldJwks = (await (await before.get("/.well-known/jwks.json")).json()) as JSONWebKeySet;
  const newJwks = (await (await after.get("/.well-known/jwks.json")).json()) as JSONWebKeySet;
  expect(oldJwks.keys.map((key) => key.kid)).toEqual([OLD_KID]);
  expect(newJwks.keys.map((key) => key.kid)).toEqual([NEW_KID, OLD_KID]);
  for (const key of [...oldJwks.keys, ...newJwks.keys]) expect(key).not.toHaveProperty("d");

  const oldTokens = await passwordGrant(before, bffClient, account);
  expect(decodeProtectedHeader(oldTokens.access_token).kid).toBe(OLD_KID);
  const verified = await after.get("/api/v1/me", { headers: bearer(oldTokens.access_token) });
  expect(verified.status(), "a K1 token is accepted after the rotation").toBe(200);
  expect((await verified.json()).user.id).toBe(account.id);

  const newTokens = await passwordGrant(after, bffClient, account);
  expect(decodeProtectedHeader(newTokens.access_token).kid, "K2 signs new tokens").toBe(NEW_KID);
  expect((await after.get("/api/v1/me", { headers: bearer(newTokens.access_token) })).status()).toBe(200);
  // An instance not yet rotated does not know K2 (deploy the new JWKS everywhere before signing with it).
  expect((await before.get("/api/v1/me", { headers: bearer(newTokens.access_token) })).status()).toBe(401);

  // A downstream service holding the new JWKS verifies both generations offline, pinning alg, typ, iss and aud.
  const metadata = (await (await after.get("/.well-known/oauth-authorization-server")).json()) as { issuer: string };
  // Both servers belong to one group, whose issuer and audience are its first member's (e2e/support/test-run.ts).
  const audience = `${getTestRun().servers.rotationNew.tokenOrigin}/api/v1`;
  const keys = createLocalJWKSet(newJwks);
  for (const token of [oldTokens.access_token, newTokens.access_token]) {
    const { payload } = await jwtVerify(token, keys, { algorithms: ["ES256"], typ: "at+jwt", issuer: metadata.issuer, audience });
    expect(payload.sub).toBe(account.id);
  }

  // The old key's kid with a signature by the new key (or the reverse) is not accepted: kid selects the key.
  const { header, payload } = decodeJwt(oldTokens.access_token);
  const crossed = signEs256({ ...header, kid: OLD_KID }, payload, securitySecrets.newSigningKey);
  expect((await after.get("/api/v1/me", { headers: bearer(crossed) })).status()).toBe(401);
  await before.dispose();
  await after.dispose();
});
