/**
 * Access tokens: RFC 9068 JWTs (`typ: at+jwt`) signed with the first key of JWT_SIGNING_KEYS
 * (ES256 or EdDSA). Lifetime ACCESS_TOKEN_TTL (default 5 min), never beyond the session's
 * absolute expiry. Verification pins algorithms, type, issuer and audience, requires a `kid`, and only trusts keys
 * from our own configuration: `jku`, `jwk` and `x5u` headers are never followed.
 * Key rotation: put the new key first; keep the old one with `exp` = now + ACCESS_TOKEN_TTL; it
 * keeps verifying (and stays in the JWKS) until then, and drops out by itself afterwards.
 * Decision record: docs/decisions/002-token-lifetimes.md
 */
import "server-only";
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from "jose";
import { LRUCache } from "lru-cache";
import { getConfig, type PrivateSigningJwk } from "../config";
import { singleton } from "../singleton";
import { isSessionRevoked } from "./revocations";

export const ACCESS_TOKEN_TYPE = "at+jwt";
const ALLOWED_ALGORITHMS = ["ES256", "EdDSA"];
/** Tolerated clock skew between instances. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens remembered (by exact string) so a repeat request skips the ECDSA check. */
const VERIFIED_CACHE_MAX_ENTRIES = 10_000;

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  scope: string;
  client_id: string;
  iat: number;
  exp: number;
  /** When the user last proved the password in this session (seconds; OpenID Connect's claim). */
  auth_time?: number;
}

interface SigningState {
  signingKid: string;
  signingAlg: string;
  signingKey: CryptoKey;
  publicJwks: JSONWebKeySet;
  verificationKeys: ReturnType<typeof createLocalJWKSet>;
  /** kid → end of a retired key (ms). */
  retiredKeyEndsMs: Map<string, number>;
}

/** What a successful signature, type, issuer and audience check established about one token string. */
interface VerifiedToken {
  claims: AccessTokenClaims;
  kid: string;
}

const getVerifiedTokens = () => singleton("verified-access-tokens", () => new LRUCache<string, VerifiedToken>({ max: VERIFIED_CACHE_MAX_ENTRIES }));

function toPublicJwk({ d: _private, exp: _retired, ...jwk }: PrivateSigningJwk): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}), kid: jwk.kid, alg: jwk.alg, use: "sig" };
}

async function loadSigningState(): Promise<SigningState> {
  const keys = getConfig().jwtSigningKeys;
  const current = keys[0]!;
  const publicJwks = { keys: keys.map(toPublicJwk) };
  return {
    signingKid: current.kid,
    signingAlg: current.alg,
    signingKey: (await importJWK(current as JWK, current.alg)) as CryptoKey,
    publicJwks,
    verificationKeys: createLocalJWKSet(publicJwks),
    retiredKeyEndsMs: new Map(keys.filter((key) => key.exp !== undefined).map((key) => [key.kid, key.exp! * 1000])),
  };
}

const getSigningState = () => singleton("signing-keys", loadSigningState);

function isRetired(state: SigningState, kid: string | undefined, nowMs: number): boolean {
  const endsMs = kid === undefined ? undefined : state.retiredKeyEndsMs.get(kid);
  return endsMs !== undefined && endsMs <= nowMs;
}

/** The public half of every key still in service, for /.well-known/jwks.json. */
export async function getPublicJwks(nowMs = Date.now()): Promise<JSONWebKeySet> {
  const state = await getSigningState();
  return { keys: state.publicJwks.keys.filter((key) => !isRetired(state, key.kid, nowMs)) };
}

export async function createAccessToken(input: {
  userId: string;
  sessionId: string;
  clientId: string;
  scope: string;
  sessionExpiresAtMs: number;
  authenticatedAtMs: number;
  nowMs: number;
}): Promise<{ accessToken: string; expiresInSeconds: number }> {
  const config = getConfig();
  const state = await getSigningState();
  const issuedAt = Math.floor(input.nowMs / 1000);
  const expiresAt = Math.min(issuedAt + config.accessTokenTtlSeconds, Math.floor(input.sessionExpiresAtMs / 1000));
  const accessToken = await new SignJWT({
    scope: input.scope,
    client_id: input.clientId,
    sid: input.sessionId,
    auth_time: Math.floor(input.authenticatedAtMs / 1000),
  })
    .setProtectedHeader({ alg: state.signingAlg, kid: state.signingKid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setSubject(input.userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(state.signingKey);
  return { accessToken, expiresInSeconds: Math.max(0, expiresAt - issuedAt) };
}

/** Signature, algorithm, type, issuer, audience and required claims; null when any is wrong. */
async function verifyAccessToken(state: SigningState, token: string, nowMs: number): Promise<VerifiedToken | null> {
  const config = getConfig();
  try {
    const { payload, protectedHeader } = await jwtVerify(token, state.verificationKeys, {
      algorithms: ALLOWED_ALGORITHMS,
      typ: ACCESS_TOKEN_TYPE,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      requiredClaims: ["sub", "sid", "jti", "scope", "client_id", "iat", "exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
    });
    const claims = payload as unknown as AccessTokenClaims;
    if (typeof claims.sid !== "string" || typeof claims.scope !== "string") return null;
    // Without a kid a token would match a key by algorithm alone and escape key retirement.
    if (typeof protectedHeader.kid !== "string") return null;
    return { claims, kid: protectedHeader.kid };
  } catch {
    return null;
  }
}

/** exp (and nbf) judged exactly as jwtVerify does: whole seconds, with the clock tolerance. */
function isWithinLifetime(claims: AccessTokenClaims & { nbf?: unknown }, nowMs: number): boolean {
  const nowSeconds = Math.floor(nowMs / 1000);
  if (claims.exp <= nowSeconds - CLOCK_TOLERANCE_SECONDS) return false;
  return typeof claims.nbf !== "number" || claims.nbf <= nowSeconds + CLOCK_TOLERANCE_SECONDS;
}

/**
 * Verifies an access token and checks that its session has not been revoked. Returns null for
 * anything invalid; the reason is never given to the caller.
 * A token that verified once is remembered by its exact string (the signature is part of it, so
 * no other string can hit the entry) until it expires: later requests skip the ECDSA check
 * (~0.1–0.3 ms each). Expiry, key retirement and session revocation are still checked on every
 * call, so the cache changes nothing about when a token stops working.
 */
export async function validateAccessToken(token: string, nowMs = Date.now()): Promise<AccessTokenClaims | null> {
  const state = await getSigningState();
  const cache = getVerifiedTokens();
  let verified = cache.get(token) ?? null;
  if (!verified) {
    verified = await verifyAccessToken(state, token, nowMs);
    if (!verified) return null;
    const ttlMs = (verified.claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000 - nowMs;
    if (ttlMs > 0) cache.set(token, verified, { ttl: ttlMs });
  }
  const { claims, kid } = verified;
  if (!isWithinLifetime(claims, nowMs) || isRetired(state, kid, nowMs)) return null;
  if (await isSessionRevoked(claims.sid, nowMs)) return null;
  return claims;
}
