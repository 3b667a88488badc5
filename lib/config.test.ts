import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConfigError, DEV_SECRETS_FILE, generateSecrets, loadConfig, parseDurationSeconds } from "./config";

let projectRoot: string;
beforeEach(() => {
  projectRoot = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-config-"));
});
afterEach(() => {
  fs.rmSync(projectRoot, { recursive: true, force: true });
});

const secret = (char = "a") => char.repeat(32);
const ecJwk = (kid: string) => ({ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid });
const edJwk = (kid: string) => ({ ...generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }), kid });

function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { NODE_ENV: "production", DATABASE_URL: "file:/tmp/keyhole-config-unused.db", ...generateSecrets(), ...overrides };
}

/** The error loadConfig throws, or fails the test when it does not throw. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, projectRoot);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected loadConfig to throw a ConfigError");
}

describe("durations", () => {
  test.each([
    ["300", 300],
    ["30s", 30],
    ["5m", 300],
    ["12h", 43_200],
    ["14d", 1_209_600],
    [" 5m ", 300],
  ])("%j is %i seconds", (value, seconds) => {
    expect(parseDurationSeconds(value)).toBe(seconds);
  });

  test.each(["5x", "0", "-1", "", "m", "1.5m", "5w", "0d", "99999999999999999d"])("%j is not a duration", (value) => {
    expect(parseDurationSeconds(value)).toBeNull();
  });

  test("a duration variable that does not parse is refused, naming the variable", () => {
    expect(configError(productionEnv({ ACCESS_TOKEN_TTL: "5x" })).message).toContain("ACCESS_TOKEN_TTL");
    expect(configError(productionEnv({ REFRESH_IDLE_TTL: "0" })).message).toContain("REFRESH_IDLE_TTL");
    expect(configError(productionEnv({ REFRESH_GRACE_PERIOD: "-1" })).message).toContain("REFRESH_GRACE_PERIOD");
  });

  test("duration variables are read into seconds and have defaults", () => {
    const defaults = loadConfig(productionEnv(), projectRoot);
    expect(defaults.accessTokenTtlSeconds).toBe(300);
    expect(defaults.refreshIdleTtlSeconds).toBe(14 * 86_400);
    expect(defaults.refreshGracePeriodSeconds).toBe(30);
    const set = loadConfig(productionEnv({ ACCESS_TOKEN_TTL: "2m", REFRESH_IDLE_TTL: "3d", SESSION_MAX_AGE: "1h", REFRESH_GRACE_PERIOD: "5" }), projectRoot);
    expect(set).toMatchObject({ accessTokenTtlSeconds: 120, refreshIdleTtlSeconds: 259_200, sessionMaxAgeSeconds: 3600, refreshGracePeriodSeconds: 5 });
  });
});

describe("secrets in production", () => {
  test("a complete production environment loads", () => {
    const env = productionEnv();
    const config = loadConfig(env, projectRoot);
    expect(config.isProduction).toBe(true);
    expect(config.bffClientSecret).toBe(env.BFF_CLIENT_SECRET);
    expect(config.refreshTokenSecret).toBe(env.REFRESH_TOKEN_SECRET);
    expect(config.jwtSigningKeys).toHaveLength(1);
  });

  test.each(["SESSION_SECRET", "JWT_SIGNING_KEYS", "REFRESH_TOKEN_SECRET", "BFF_CLIENT_SECRET"])(
    "production refuses to start without %s, naming it",
    (name) => {
      expect(configError(productionEnv({ [name]: undefined })).message).toContain(name);
      // An empty value counts as missing.
      expect(configError(productionEnv({ [name]: "" })).message).toContain(name);
    },
  );

  test.each(["SESSION_SECRET", "REFRESH_TOKEN_SECRET", "BFF_CLIENT_SECRET"])("production refuses a short %s, naming it", (name) => {
    expect(configError(productionEnv({ [name]: "too-short-31-characters-xxxxxxx" })).message).toContain(name);
    expect(loadConfig(productionEnv({ [name]: secret("z") }), projectRoot)).toBeTruthy();
  });

  test("production never falls back to the development secrets file", () => {
    fs.writeFileSync(path.join(projectRoot, DEV_SECRETS_FILE), JSON.stringify(generateSecrets()));
    expect(configError(productionEnv({ SESSION_SECRET: undefined })).message).toContain("SESSION_SECRET");
  });

  test("production does not create a development secrets file", () => {
    configError(productionEnv({ BFF_CLIENT_SECRET: undefined }));
    expect(fs.existsSync(path.join(projectRoot, DEV_SECRETS_FILE))).toBe(false);
  });
});

describe("development secrets file", () => {
  test("missing secrets are generated once into the development file and reused", () => {
    const first = loadConfig({ NODE_ENV: "development" }, projectRoot);
    const file = path.join(projectRoot, DEV_SECRETS_FILE);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    const second = loadConfig({ NODE_ENV: "development" }, projectRoot);
    expect(second.bffClientSecret).toBe(first.bffClientSecret);
    expect(second.jwtSigningKeys[0]!.kid).toBe(first.jwtSigningKeys[0]!.kid);
  });

  test("variables that are set win over the development file", () => {
    fs.writeFileSync(path.join(projectRoot, DEV_SECRETS_FILE), JSON.stringify(generateSecrets()));
    const env = { NODE_ENV: "test", ...generateSecrets() };
    expect(loadConfig(env, projectRoot).bffClientSecret).toBe(env.BFF_CLIENT_SECRET);
  });

  test("a complete environment does not create the development secrets file", () => {
    loadConfig({ NODE_ENV: "test", ...generateSecrets() }, projectRoot);
    expect(fs.existsSync(path.join(projectRoot, DEV_SECRETS_FILE))).toBe(false);
  });

  test("a complete environment does not read the development secrets file", () => {
    fs.writeFileSync(path.join(projectRoot, DEV_SECRETS_FILE), "{ not json");
    expect(() => loadConfig({ NODE_ENV: "test", ...generateSecrets() }, projectRoot)).not.toThrow();
  });
});

describe("SESSION_SECRET", () => {
  test("a single secret becomes a rotation map with id 1", () => {
    const env = productionEnv();
    expect(loadConfig(env, projectRoot).sessionSecrets).toEqual({ "1": env.SESSION_SECRET });
  });

  test("a JSON rotation map of numeric ids to secrets parses", () => {
    const map = { "2": secret("n"), "1": secret("o") };
    expect(loadConfig(productionEnv({ SESSION_SECRET: JSON.stringify(map) }), projectRoot).sessionSecrets).toEqual(map);
  });

  test.each([
    ["an empty map", "{}"],
    ["a short secret in the map", JSON.stringify({ "2": secret("n"), "1": "short" })],
    ["a non-numeric id", JSON.stringify({ current: secret("n") })],
    ["malformed JSON", `{"1": "${secret("n")}"`],
    ["a non-string secret", JSON.stringify({ "1": 12345 })],
  ])("a rotation map with %s is refused", (_label, value) => {
    expect(configError(productionEnv({ SESSION_SECRET: value })).message).toContain("SESSION_SECRET");
  });
});

describe("JWT_SIGNING_KEYS", () => {
  test("P-256 and Ed25519 private keys are accepted and get their algorithm; the first one signs", () => {
    const keys = [ecJwk("current"), edJwk("previous")];
    const config = loadConfig(productionEnv({ JWT_SIGNING_KEYS: JSON.stringify({ keys }) }), projectRoot);
    expect(config.jwtSigningKeys.map((key) => [key.kid, key.alg])).toEqual([
      ["current", "ES256"],
      ["previous", "EdDSA"],
    ]);
  });

  const { d: _d, ...publicOnly } = ecJwk("public-only");
  const rsa = { ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid: "rsa" };
  test.each([
    ["not JSON", "not json"],
    ["an empty key set", JSON.stringify({ keys: [] })],
    ["a bare array", JSON.stringify([ecJwk("a")])],
    ["a public key without d", JSON.stringify({ keys: [publicOnly] })],
    ["a key without kid", JSON.stringify({ keys: [{ ...ecJwk("x"), kid: undefined }] })],
    ["duplicate kids", JSON.stringify({ keys: [ecJwk("same"), ecJwk("same")] })],
    ["an RSA key", JSON.stringify({ keys: [rsa] })],
    ["a symmetric key", JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0", kid: "hmac", alg: "HS256" }] })],
    ["an EC key claiming HS256", JSON.stringify({ keys: [{ ...ecJwk("confused"), alg: "HS256" }] })],
  ])("%s is refused, naming the variable", (_label, value) => {
    expect(configError(productionEnv({ JWT_SIGNING_KEYS: value })).message).toContain("JWT_SIGNING_KEYS");
  });
});

describe("other variables", () => {
  test("BCRYPT_COST must be an integer from 4 to 15", () => {
    expect(loadConfig(productionEnv({ BCRYPT_COST: "4" }), projectRoot).bcryptCost).toBe(4);
    expect(loadConfig(productionEnv(), projectRoot).bcryptCost).toBe(12);
    for (const value of ["3", "16", "ten", "10.5"]) {
      expect(configError(productionEnv({ BCRYPT_COST: value })).message).toContain("BCRYPT_COST");
    }
  });

  test("APP_ORIGIN is reduced to an origin and drives the default issuer and audience", () => {
    const config = loadConfig(productionEnv({ APP_ORIGIN: "https://keyhole.example/some/path" }), projectRoot);
    expect(config.appOrigin).toBe("https://keyhole.example");
    expect(config.jwtIssuer).toBe("https://keyhole.example");
    expect(config.jwtAudience).toBe("https://keyhole.example/api/v1");
    expect(configError(productionEnv({ APP_ORIGIN: "not a url" })).message).toContain("APP_ORIGIN");
  });

  test("an unknown NODE_ENV is refused", () => {
    expect(configError(productionEnv({ NODE_ENV: "staging" })).message).toContain("NODE_ENV");
  });

  test("every problem is reported at once", () => {
    const message = configError(productionEnv({ SESSION_SECRET: undefined, ACCESS_TOKEN_TTL: "5x" })).message;
    expect(message).toContain("SESSION_SECRET");
    expect(message).toContain("ACCESS_TOKEN_TTL");
  });

  test("generated secrets are fresh every time and long enough for production", () => {
    const a = generateSecrets();
    const b = generateSecrets();
    for (const name of Object.keys(a) as (keyof typeof a)[]) expect(a[name]).not.toBe(b[name]);
    expect(() => loadConfig(productionEnv(a), projectRoot)).not.toThrow();
  });
});
