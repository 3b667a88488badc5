/**
 * The only reader of process.env. Validates every variable once, on first use, and fails with a
 * message naming the variable. In development, missing secrets and signing keys are generated
 * once into `.dev-secrets.json` (git-ignored); in production they must be set and strong.
 * Decision record: docs/decisions/001-configuration-and-secrets.md
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { databaseProvider, isPostgresUrl, resolveDatabaseUrl, type DatabaseProvider } from "./database-url";
import { singleton } from "./singleton";

export const DEV_SECRETS_FILE = ".dev-secrets.json";
const MIN_SECRET_LENGTH = 32;

const DURATION_UNITS_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Parses `300`, `30s`, `5m`, `12h`, `14d` into whole seconds; returns null for anything else. */
export function parseDurationSeconds(value: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return null;
  const unit = (match[2] || "s") as keyof typeof DURATION_UNITS_SECONDS;
  const seconds = Number(match[1]) * DURATION_UNITS_SECONDS[unit];
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parseDurationSeconds(value);
      if (seconds === null) {
        ctx.addIssue({ code: "custom", message: `must be a duration such as 300, 30s, 5m or 14d (got "${value}")` });
        return z.NEVER;
      }
      return seconds;
    });

const secret = z
  .string()
  .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters of random data`);

/** SESSION_SECRET is one secret or a JSON rotation map `{"2":"new…","1":"old…"}` (highest id seals). */
const sessionSecret = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  let map: Record<string, string>;
  if (trimmed.startsWith("{")) {
    try {
      map = z.record(z.string().regex(/^\d+$/), secret).parse(JSON.parse(trimmed));
    } catch {
      ctx.addIssue({ code: "custom", message: `must be a secret of at least ${MIN_SECRET_LENGTH} characters or a JSON map of numeric ids to such secrets` });
      return z.NEVER;
    }
    if (Object.keys(map).length === 0) {
      ctx.addIssue({ code: "custom", message: "the rotation map is empty" });
      return z.NEVER;
    }
  } else {
    const parsed = secret.safeParse(trimmed);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]!.message });
      return z.NEVER;
    }
    map = { "1": trimmed };
  }
  return map;
});

const privateJwk = z
  .object({
    kty: z.enum(["EC", "OKP"]),
    kid: z.string().min(1),
    alg: z.enum(["ES256", "EdDSA"]).optional(),
    crv: z.enum(["P-256", "Ed25519"]),
    d: z.string().min(1),
    x: z.string().min(1),
    y: z.string().optional(),
    /** A retired key's end (seconds since epoch): after it, it neither verifies nor is published. */
    exp: z.number().int().positive().optional(),
  })
  .loose()
  .transform((jwk) => ({ ...jwk, alg: jwk.alg ?? (jwk.crv === "P-256" ? "ES256" : "EdDSA") }) as PrivateSigningJwk);

const jwtSigningKeys = z.string().transform((value, ctx) => {
  try {
    const { keys } = z.object({ keys: z.array(privateJwk).min(1) }).parse(JSON.parse(value));
    if (new Set(keys.map((key) => key.kid)).size !== keys.length) throw new Error("duplicate kid");
    if (keys[0]!.exp !== undefined) throw new Error("the signing key cannot be retired");
    return keys;
  } catch {
    ctx.addIssue({
      code: "custom",
      message:
        'must be a JWK set {"keys":[…]} of private ES256 (P-256) or EdDSA (Ed25519) keys, each with a unique "kid"; the first one signs (and has no "exp"), later ones may carry "exp" to retire them',
    });
    return z.NEVER;
  }
});

const origin = z
  .string()
  .url()
  .transform((value) => new URL(value).origin);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .refine((value) => value.startsWith("file:") || isPostgresUrl(value), "must be a SQLite file: URL such as file:./prisma/dev.db or a postgresql:// URL")
    .optional(),
  /** PostgreSQL connections per instance (Prisma's queries and the rate limits share them). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  APP_ORIGIN: origin.default("http://localhost:3000"),
  SESSION_SECRET: sessionSecret,
  JWT_SIGNING_KEYS: jwtSigningKeys,
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  ACCESS_TOKEN_TTL: duration("300"),
  REFRESH_IDLE_TTL: duration("14d"),
  REFRESH_GRACE_PERIOD: duration("30s"),
  SESSION_MAX_AGE: duration("30d"),
  SESSION_IDLE_TIMEOUT: duration("30m"),
  REAUTH_WINDOW: duration("10m"),
  REFRESH_TOKEN_SECRET: secret,
  BFF_CLIENT_ID: z.string().min(1).default("keyhole-bff"),
  BFF_CLIENT_SECRET: secret,
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  API_BASE_URL: z.string().url().optional(),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Not HOSTNAME: shells and containers set that to the machine's name.
  HOST: z.string().min(1).default("0.0.0.0"),
});

export interface PrivateSigningJwk {
  kty: "EC" | "OKP";
  kid: string;
  alg: "ES256" | "EdDSA";
  crv: "P-256" | "Ed25519";
  d: string;
  x: string;
  y?: string;
  exp?: number;
}

export interface Config {
  isProduction: boolean;
  databaseUrl: string;
  databaseProvider: DatabaseProvider;
  databasePoolSize: number;
  appOrigin: string;
  sessionSecrets: Record<string, string>;
  jwtSigningKeys: PrivateSigningJwk[];
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshIdleTtlSeconds: number;
  refreshGracePeriodSeconds: number;
  sessionMaxAgeSeconds: number;
  /** A browser session with no activity for this long ends (the BFF enforces it). */
  sessionIdleTimeoutSeconds: number;
  /** Sensitive actions need the password proven (sign-in or re-authentication) within this. */
  reauthWindowSeconds: number;
  refreshTokenSecret: string;
  bffClientId: string;
  bffClientSecret: string;
  bcryptCost: number;
  apiBaseUrl: string | null;
  /** How many reverse proxies in front of us append to X-Forwarded-For (0: use the socket). */
  trustProxyHops: number;
  port: number;
  hostname: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;
const GENERATED_SECRETS = ["SESSION_SECRET", "JWT_SIGNING_KEYS", "REFRESH_TOKEN_SECRET", "BFF_CLIENT_SECRET"] as const;

/** Validates an environment. Pure apart from the development secrets file; tests call it directly. */
export function loadConfig(rawEnv: Env, projectRoot = process.cwd()): Config {
  const env = { ...rawEnv };
  for (const key of Object.keys(env)) if (env[key] === "") delete env[key];
  const isProduction = env.NODE_ENV === "production";
  const missingSecret = GENERATED_SECRETS.some((name) => env[name] === undefined);
  if (!isProduction && missingSecret) Object.assign(env, { ...readOrCreateDevSecrets(projectRoot), ...env });

  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const message = issue.code === "invalid_type" && env[name] === undefined ? "is required" : issue.message;
      return `  ${name} ${message}`;
    });
    const hint = isProduction ? "\nProduction needs real secrets: see .env.example and README › Configuration." : "";
    throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}${hint}`);
  }
  const e = parsed.data;
  const databaseUrl = resolveDatabaseUrl(e.DATABASE_URL);
  return {
    isProduction,
    databaseUrl,
    databaseProvider: databaseProvider(databaseUrl),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    appOrigin: e.APP_ORIGIN,
    sessionSecrets: e.SESSION_SECRET,
    jwtSigningKeys: e.JWT_SIGNING_KEYS,
    jwtIssuer: e.JWT_ISSUER ?? e.APP_ORIGIN,
    jwtAudience: e.JWT_AUDIENCE ?? `${e.APP_ORIGIN}/api/v1`,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshIdleTtlSeconds: e.REFRESH_IDLE_TTL,
    refreshGracePeriodSeconds: e.REFRESH_GRACE_PERIOD,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE,
    sessionIdleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT,
    reauthWindowSeconds: e.REAUTH_WINDOW,
    refreshTokenSecret: e.REFRESH_TOKEN_SECRET,
    bffClientId: e.BFF_CLIENT_ID,
    bffClientSecret: e.BFF_CLIENT_SECRET,
    bcryptCost: e.BCRYPT_COST,
    apiBaseUrl: e.API_BASE_URL ?? null,
    trustProxyHops: e.TRUST_PROXY,
    port: e.PORT,
    hostname: e.HOST,
  };
}

/** Fresh values for every generated secret; also used by tests and the E2E server. */
export function generateSecrets(): Record<(typeof GENERATED_SECRETS)[number], string> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const kid = `dev-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
  return {
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    JWT_SIGNING_KEYS: JSON.stringify({ keys: [{ ...jwk, kid, alg: "ES256", use: "sig" }] }),
    REFRESH_TOKEN_SECRET: randomBytes(32).toString("base64url"),
    BFF_CLIENT_SECRET: randomBytes(32).toString("base64url"),
  };
}

function readOrCreateDevSecrets(projectRoot: string): Record<string, string> {
  const file = path.join(projectRoot, DEV_SECRETS_FILE);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secrets = generateSecrets();
  // Write a temp file, then hard-link it into place: the link is atomic and fails if another
  // process won the race, so nobody ever reads a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
    return secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The validated configuration of this process, loaded on first use. */
export function getConfig(): Config {
  return singleton("config", () => loadConfig(process.env));
}
