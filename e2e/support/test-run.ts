/**
 * One E2E run: a directory under e2e/.data (git-ignored) holding fresh production secrets, a
 * fresh database per server (or per shared group: a SQLite file, or with DATABASE_URL=postgresql://…
 * a database on that server, test/databases.ts) and the signed-in browser state; and a free port
 * per server. Prepared once in the Playwright runner process (playwright.config.ts)
 * and handed to every worker through the E2E_RUN environment variable, because the config file
 * is evaluated again in each worker and must not pick new ports or secrets there.
 */
import fs from "node:fs";
import path from "node:path";
import { generateSecrets } from "../../lib/config";
import { applyMigrations } from "../../scripts/migrate";
import { createDatabase, databasesNamed, dropDatabases, postgresTestServer, testDatabaseName } from "../../test/databases";
import { findFreePorts } from "../../test/free-ports";
import { SERVER_SPECS, type ServerName, type ServerSpec } from "../servers";

export const RUN_ENV = "E2E_RUN";
export const BFF_CLIENT_ID = "keyhole-bff";
const DATA_DIR = path.resolve(import.meta.dirname, "..", ".data");

export interface ServerInstance {
  name: ServerName;
  port: number;
  /** Origin of this instance, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Its DATABASE_URL: a SQLite file in the run's directory, or a PostgreSQL database of the run. */
  databaseUrl: string;
  /** The origin whose issuer and audience this instance's tokens carry (its group's first member). */
  tokenOrigin: string;
  env: Record<string, string>;
}

export interface TestRun {
  dir: string;
  secretsFile: string;
  /** Playwright storageState written by e2e/auth.setup.ts. */
  authStateFile: string;
  /** The account signed in by e2e/auth.setup.ts (email, password, id). */
  authAccountFile: string;
  servers: Record<ServerName, ServerInstance>;
  /** On PostgreSQL: the server, and the prefix of every database this run made there. */
  postgres: { serverUrl: string; databasePrefix: string } | null;
}

export type Secrets = ReturnType<typeof generateSecrets>;

/** Creates a run: directory, secrets, ports. Call once, in the runner process only. */
export async function createTestRun(): Promise<TestRun> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  removeAbandonedRuns();
  const dir = path.join(DATA_DIR, `run-${Date.now()}-${process.pid}`);
  fs.mkdirSync(path.join(dir, "auth"), { recursive: true });

  const secretsFile = path.join(dir, "secrets.json");
  // Fresh production-strength secrets each run; mode 0600 like the development secrets file.
  fs.writeFileSync(secretsFile, `${JSON.stringify(generateSecrets(), null, 2)}\n`, { mode: 0o600 });

  const specs = Object.entries(SERVER_SPECS) as [ServerName, ServerSpec][];
  const ports = await findFreePorts(specs.length);
  const groupOrigins = new Map<string, string>();
  const servers = {} as Record<ServerName, ServerInstance>;
  specs.forEach(([name, spec], index) => {
    const port = ports[index]!;
    const url = `http://127.0.0.1:${port}`;
    const databaseKey = spec.database ? `shared-${spec.database}` : `server-${name}`;
    if (!groupOrigins.has(databaseKey)) groupOrigins.set(databaseKey, url);
    servers[name] = {
      name,
      port,
      url,
      databaseUrl: `file:${path.join(dir, `${databaseKey}.db`)}`,
      tokenOrigin: groupOrigins.get(databaseKey)!,
      env: spec.env ?? {},
    };
  });

  const serverUrl = postgresTestServer();
  let postgres: TestRun["postgres"] = null;
  if (serverUrl) {
    // One migrated template, copied per database: each server's setup then finds nothing pending.
    const template = testDatabaseName("e2e");
    postgres = { serverUrl, databasePrefix: template };
    await applyMigrations({ databaseUrl: await createDatabase(serverUrl, template), databaseProvider: "postgresql" });
    const databaseUrls = new Map<string, string>();
    for (const server of Object.values(servers)) {
      const key = path.basename(server.databaseUrl, ".db").replace(/[^a-z0-9]/gi, "_").toLowerCase();
      if (!databaseUrls.has(key)) databaseUrls.set(key, await createDatabase(serverUrl, `${template}_${key}`, { template }));
      server.databaseUrl = databaseUrls.get(key)!;
    }
  }

  return {
    dir,
    secretsFile,
    authStateFile: path.join(dir, "auth", "user.json"),
    authAccountFile: path.join(dir, "auth", "account.json"),
    servers,
    postgres,
  };
}

/** The run prepared by the runner process (works in the runner, in workers and in test files). */
export function getTestRun(): TestRun {
  const raw = process.env[RUN_ENV];
  if (!raw) throw new Error(`${RUN_ENV} is not set: run the E2E tests through playwright.config.ts (npx playwright test).`);
  return JSON.parse(raw) as TestRun;
}

export function readSecrets(run: TestRun = getTestRun()): Secrets {
  return JSON.parse(fs.readFileSync(run.secretsFile, "utf8")) as Secrets;
}

/**
 * The complete configuration of one server. Every variable lib/config.ts reads is set here, an
 * empty string meaning "use the default", so nothing leaks in from the developer's shell.
 */
export function serverEnvironment(run: TestRun, server: ServerInstance): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_ORIGIN: server.url,
    DATABASE_URL: server.databaseUrl,
    DATABASE_POOL_SIZE: "",
    ...readSecrets(run),
    JWT_ISSUER: server.tokenOrigin,
    JWT_AUDIENCE: `${server.tokenOrigin}/api/v1`,
    BFF_CLIENT_ID,
    // Cost 10 instead of 12: each hash takes a quarter of the time, and it is still bcrypt.
    BCRYPT_COST: "10",
    ACCESS_TOKEN_TTL: "",
    REFRESH_IDLE_TTL: "",
    REFRESH_GRACE_PERIOD: "",
    SESSION_MAX_AGE: "",
    API_BASE_URL: "",
    TRUST_PROXY: "",
    SESSION_IDLE_TIMEOUT: "",
    PORT: String(server.port),
    HOST: "127.0.0.1",
    ...server.env,
  };
}

/** Drops the run's PostgreSQL databases (Playwright's globalTeardown, e2e/support/global-teardown.ts). */
export async function dropTestRunDatabases(run: TestRun = getTestRun()): Promise<void> {
  if (!run.postgres) return;
  await dropDatabases(run.postgres.serverUrl, await databasesNamed(run.postgres.serverUrl, run.postgres.databasePrefix));
}

/** Deletes the directories of earlier runs whose runner process has ended (keeps parallel runs). */
function removeAbandonedRuns(): void {
  for (const entry of fs.readdirSync(DATA_DIR)) {
    const pid = Number(/^run-\d+-(\d+)$/.exec(entry)?.[1]);
    if (!pid || isProcessAlive(pid)) continue;
    fs.rmSync(path.join(DATA_DIR, entry), { recursive: true, force: true });
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
