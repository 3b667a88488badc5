/**
 * Configuration of the E2E servers the security suite runs with non-default settings (see
 * e2e/servers.ts): an old and a new SESSION_SECRET and signing key for the rotation pair, and the
 * port of the fake external API the `externalApi` server forwards to.
 * Generated once, in the Playwright runner (which evaluates e2e/servers.ts before it starts any
 * worker), and handed to the workers through the environment, like E2E_RUN.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { findFreePort } from "../../../test/free-ports";

const SECRETS_ENV = "E2E_SECURITY_SECRETS";

/** A private ES256 JWK as JWT_SIGNING_KEYS wants it. */
export interface SigningJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

export interface SecuritySecrets {
  oldSessionSecret: string;
  newSessionSecret: string;
  oldSigningKey: SigningJwk;
  newSigningKey: SigningJwk;
  fakeApiPort: number;
}

export function generateSigningJwk(kid: string): SigningJwk {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string; y: string; d: string };
  return { ...jwk, kid, alg: "ES256", use: "sig" };
}

async function generateSecuritySecrets(): Promise<SecuritySecrets> {
  const suffix = randomBytes(4).toString("hex");
  return {
    oldSessionSecret: randomBytes(32).toString("base64url"),
    newSessionSecret: randomBytes(32).toString("base64url"),
    oldSigningKey: generateSigningJwk(`rotation-old-${suffix}`),
    newSigningKey: generateSigningJwk(`rotation-new-${suffix}`),
    fakeApiPort: await findFreePort(),
  };
}

process.env[SECRETS_ENV] ??= JSON.stringify(await generateSecuritySecrets());

export const securitySecrets = JSON.parse(process.env[SECRETS_ENV]!) as SecuritySecrets;

/** SESSION_SECRET as a rotation map (highest id seals) and JWT_SIGNING_KEYS (first key signs). */
export const rotationEnv = {
  old: {
    SESSION_SECRET: JSON.stringify({ "1": securitySecrets.oldSessionSecret }),
    JWT_SIGNING_KEYS: JSON.stringify({ keys: [securitySecrets.oldSigningKey] }),
  },
  new: {
    SESSION_SECRET: JSON.stringify({ "2": securitySecrets.newSessionSecret, "1": securitySecrets.oldSessionSecret }),
    JWT_SIGNING_KEYS: JSON.stringify({ keys: [securitySecrets.newSigningKey, securitySecrets.oldSigningKey] }),
  },
};

/** Where the `externalApi` server's BFF sends its API calls: the fake API in e2e/security/external-upstream.spec.ts. */
export const fakeApiBaseUrl = `http://127.0.0.1:${securitySecrets.fakeApiPort}/api/v1`;
