/**
 * The apps the benchmark measures beside Keyhole, each a Next.js app of its own under bench/apps
 * (own package.json and lockfile, never a dependency of Keyhole), served by bench/apps/serve.mjs
 * the way Keyhole's server.ts serves Keyhole, with the same node flags and metrics preload:
 *   floor              a bare dynamic route handler: what Next.js itself costs per request
 *   authjs             Auth.js v5, JWE session cookie, no database
 *   better-auth        Better Auth, email and password, a database read on every session check
 *   better-auth-cache  the same build with session.cookieCache on (5 minutes)
 * Each answers GET /api/me: 200 { email } with a session, 401 without (floor: 200 always).
 * startPeer gives the app fresh secrets, a fresh database (SQLite in a temporary directory or a
 * PostgreSQL database dropped on stop) and users × sessionsPerUser distinct sessions.
 * Better Auth's cookie cache lasts 5 minutes and the measured route cannot renew it (auth.api
 * drops the Set-Cookie): call renewSessions before a run that starts later than that, or
 * better-auth-cache quietly becomes better-auth.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createDatabase, dropDatabases, testDatabaseName } from "../test/databases";
import { findFreePorts } from "../test/free-ports";
import { launchServerProcess, METRICS_PRELOAD, ROOT, SERVER_NODE_FLAGS, underBuildLock, type ServerProcess } from "./bench-server";
import { requestJson, type HttpResponse } from "./http";

export const PEER_NAMES = ["floor", "authjs", "better-auth", "better-auth-cache"] as const;
export type PeerName = (typeof PEER_NAMES)[number];

const APPS_DIR = path.join(ROOT, "bench", "apps");
const APPS = ["floor", "authjs", "better-auth"] as const;
type AppName = (typeof APPS)[number];
const APP_OF: Record<PeerName, AppName> = { floor: "floor", authjs: "authjs", "better-auth": "better-auth", "better-auth-cache": "better-auth" };
/** The timed route of every peer. */
const PEER_PATH = "/api/me";
/** Held shared by running peers and exclusive by a build of bench/apps, like Keyhole's BUILD_LOCK. */
const PEER_BUILD_LOCK = "/tmp/keyhole-bench-apps-build.lock";
/** The password of every bench user of the peers (not a secret: loopback, throwaway databases). */
const PEER_PASSWORD = "bench-password-not-secret";
/** Auth.js's session cookie over http (https would add the __Secure- prefix); also the JWE's key salt. */
const AUTHJS_SESSION_COOKIE = "authjs.session-token";
/** Sign-ins in flight while Better Auth's sessions are created (scrypt runs on libuv's 4 threads). */
const PARALLEL_SIGN_INS = 8;
const PARALLEL_CHECKS = 8;
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;
const SETUP_TIMEOUT_MS = 120_000;
/** Files of an app that are not sources of its build. */
const NOT_SOURCES = new Set([".next", "node_modules", "next-env.d.ts", "tsconfig.tsbuildinfo"]);

export interface PeerSession {
  /** The full Cookie header value. */
  cookie: string;
  /** What GET path answers for this session; "" for floor. */
  email: string;
}

export interface PeerOptions {
  /** A PostgreSQL server (postgresql://…) for Better Auth, in a fresh database dropped on stop; SQLite when absent. */
  postgresServerUrl?: string;
  users: number;
  sessionsPerUser: number;
  /**
   * How Better Auth's sessions are made. "sign-in": POST /api/auth/sign-in/email for each, as a
   * browser signs in (one scrypt each: ~0.1 s of CPU, ~2 minutes for 1000 on 2 cores). "seeded"
   * (default): each user signs up, then bench/apps/better-auth/setup.ts creates the sessions as
   * sign-in does after the password check (internal adapter, signed cookie); the cookie cache
   * cookie comes from Better Auth's GET /api/auth/get-session.
   */
  betterAuthSessions?: "seeded" | "sign-in";
}

export interface PeerApp extends ServerProcess {
  name: PeerName;
  url: string;
  /** The timed route. */
  path: string;
  sessions: PeerSession[];
  /** How long creating the users and sessions took (Better Auth: schema, sign-ups, sessions), in ms. */
  sessionSetupMs: number;
}

// ---- install and build ----

function run(command: string, args: string[], cwd: string, timeoutMs: number, what: string): void {
  const result = spawnSync(command, args, {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    timeout: timeoutMs,
  });
  if (result.status !== 0) throw new Error(`bench: ${what} failed (exit ${result.status ?? result.signal})`);
}

/** Why bench/apps needs `npm ci`, or null. npm writes node_modules/.package-lock.json on every install. */
function installReason(): string | null {
  const installed = path.join(APPS_DIR, "node_modules", ".package-lock.json");
  if (!fs.existsSync(installed)) return "bench/apps/node_modules is missing";
  if (fs.statSync(path.join(APPS_DIR, "package-lock.json")).mtimeMs > fs.statSync(installed).mtimeMs) return "bench/apps/package-lock.json changed after the install";
  return null;
}

function newestMtimeMs(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) if (!NOT_SOURCES.has(child)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

/** Why an app needs `next build`, or null. */
function buildReason(app: AppName): string | null {
  const buildId = path.join(APPS_DIR, app, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return `bench/apps/${app} has no build`;
  const builtAtMs = fs.statSync(buildId).mtimeMs;
  if (newestMtimeMs(path.join(APPS_DIR, app)) > builtAtMs) return `bench/apps/${app} changed after its build`;
  if (fs.statSync(path.join(APPS_DIR, "package-lock.json")).mtimeMs > builtAtMs) return "bench/apps/package-lock.json changed after the build";
  return null;
}

/**
 * Installs bench/apps (`npm ci`) when its node_modules is missing or older than its lockfile, and
 * builds each app when its build is missing or older than its sources; "always" rebuilds every
 * app, "never" only says what it would do.
 */
export function ensurePeerApps(mode: "auto" | "always" | "never"): void {
  const install = installReason();
  if (install !== null) {
    if (mode === "never") console.log(`bench: not installing the peer apps (--no-build) although ${install}`);
    else {
      console.log(`bench: installing the peer apps (${install}): npm ci in bench/apps`);
      run("npm", ["ci", "--no-audit", "--no-fund"], APPS_DIR, INSTALL_TIMEOUT_MS, "npm ci in bench/apps");
    }
  }
  for (const app of APPS) {
    const reason = mode === "always" ? "--build was given" : buildReason(app);
    if (reason === null) continue;
    if (mode === "never") {
      console.log(`bench: not building bench/apps/${app} (--no-build) although ${reason}`);
      continue;
    }
    console.log(`bench: building bench/apps/${app} (${reason}): flock -x ${PEER_BUILD_LOCK} next build`);
    const [command, args] = underBuildLock("-x", [path.join(APPS_DIR, "node_modules", ".bin", "next"), "build"], PEER_BUILD_LOCK);
    run(command, args, path.join(APPS_DIR, app), BUILD_TIMEOUT_MS, `next build of bench/apps/${app}`);
  }
}

// ---- sessions ----

const userEmail = (index: number) => `user${index}@bench.test`;

async function inParallel<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}

/** Opaque cookies the size of a real session cookie (~1.5 KB), for the floor, which reads none. */
function floorSessions(count: number): PeerSession[] {
  return Array.from({ length: count }, () => ({ cookie: `session=${randomBytes(1100).toString("base64url")}`, email: "" }));
}

interface AuthJsJwt {
  encode(params: { token: Record<string, unknown>; secret: string; salt: string }): Promise<string>;
}

/** Auth.js session cookies minted as Auth.js mints them (next-auth/jwt `encode`, salt = cookie name). */
async function authJsSessions(secret: string, users: number, sessionsPerUser: number): Promise<PeerSession[]> {
  // From bench/apps/node_modules: next-auth is no dependency of Keyhole.
  const jwtModule = pathToFileURL(path.join(APPS_DIR, "node_modules", "next-auth", "jwt.js")).href;
  const { encode } = (await import(jwtModule)) as AuthJsJwt;
  return inParallel(users * sessionsPerUser, PARALLEL_SIGN_INS, async (index) => {
    const email = userEmail(index % users);
    const token = { name: email.split("@")[0], email, sub: email };
    return { cookie: `${AUTHJS_SESSION_COOKIE}=${await encode({ token, secret, salt: AUTHJS_SESSION_COOKIE })}`, email };
  });
}

/** `name=value` of every cookie a response sets, as one Cookie header. */
function cookieHeaderOf(response: HttpResponse): string {
  return (response.headers["set-cookie"] ?? []).map((header) => header.split(";")[0]!.trim()).join("; ");
}

/** Merges the cookies a response sets into a Cookie header (a cookie set again replaces the old value). */
function withSetCookies(cookieHeader: string, response: HttpResponse): string {
  const cookies = new Map<string, string>();
  for (const pair of [...cookieHeader.split("; "), ...cookieHeaderOf(response).split("; ")]) {
    if (pair) cookies.set(pair.slice(0, pair.indexOf("=")), pair);
  }
  return [...cookies.values()].join("; ");
}

/**
 * Adds Better Auth's cookie cache (`better-auth.session_data`, valid 5 minutes) to each session,
 * from Better Auth's own GET /api/auth/get-session, which sets it after reading the session.
 */
async function withCookieCache(url: string, sessions: PeerSession[]): Promise<PeerSession[]> {
  return inParallel(sessions.length, PARALLEL_CHECKS, async (index) => {
    const session = sessions[index]!;
    const token = session.cookie.split("; ").filter((pair) => !pair.startsWith("better-auth.session_data=")).join("; ");
    const response = await requestJson(`${url}/api/auth/get-session`, { headers: { cookie: token } });
    const cookie = withSetCookies(token, response);
    if (response.status !== 200 || !cookie.includes("better-auth.session_data=")) {
      throw new Error(`bench: Better Auth's get-session gave ${session.email} no cookie cache (${response.status})`);
    }
    return { cookie, email: session.email };
  });
}

/**
 * Renews what expires in a peer's session cookies before a run: Better Auth's cookie cache
 * (better-auth-cache); nothing for the others.
 */
export async function renewSessions(peer: PeerApp): Promise<void> {
  if (peer.name === "better-auth-cache") peer.sessions = await withCookieCache(peer.url, peer.sessions);
}

/** Better Auth sessions, each from a sign-in through the running app, as a browser would get them. */
async function betterAuthSessions(url: string, users: number, sessionsPerUser: number): Promise<PeerSession[]> {
  return inParallel(users * sessionsPerUser, PARALLEL_SIGN_INS, async (index) => {
    const email = userEmail(index % users);
    const response = await requestJson(`${url}/api/auth/sign-in/email`, {
      method: "POST",
      // Better Auth checks the Origin of cookie-bearing and form requests; a browser would send it.
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({ email, password: PEER_PASSWORD }),
    });
    const cookie = cookieHeaderOf(response);
    if (response.status !== 200 || !cookie) throw new Error(`bench: Better Auth sign-in of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return { cookie, email };
  });
}

// ---- start, check ----

/** Starts a peer with fresh secrets and database, and creates its sessions. */
export async function startPeer(name: PeerName, options: PeerOptions): Promise<PeerApp> {
  const app = APP_OF[name];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyhole-bench-peer-${name}-`));
  const [port, metricsPort] = (await findFreePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${port}`;
  const usesDatabase = app === "better-auth";
  const postgres = usesDatabase ? options.postgresServerUrl : undefined;
  const postgresDatabase = postgres ? testDatabaseName("peer") : null;
  const cleanUp = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (postgres && postgresDatabase) await dropDatabases(postgres, [postgresDatabase]);
  };

  const secret = randomBytes(32).toString("base64url");
  const appEnv: Record<string, string> = {};
  if (app === "authjs") Object.assign(appEnv, { AUTH_SECRET: secret, BENCH_PASSWORD: PEER_PASSWORD });
  if (app === "better-auth") {
    const databaseUrl = postgres && postgresDatabase ? await createDatabase(postgres, postgresDatabase) : path.join(dir, "better-auth.db");
    Object.assign(appEnv, {
      BETTER_AUTH_SECRET: secret,
      BETTER_AUTH_URL: url,
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_COOKIE_CACHE: name === "better-auth-cache" ? "1" : "0",
    });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    // Read by bench/metrics-preload.mjs only.
    KEYHOLE_METRICS_PORT: String(metricsPort),
    ...appEnv,
  };

  const setupStartedAtMs = Date.now();
  const seeded = app === "better-auth" && (options.betterAuthSessions ?? "seeded") === "seeded";
  let seededSessions: PeerSession[] = [];
  if (app === "better-auth") {
    // Better Auth's schema, the users and (seeded) the sessions, with the app's own configuration.
    const setup = spawnSync(process.execPath, ["--import", "tsx", "bench/apps/better-auth/setup.ts"], {
      cwd: ROOT,
      env: {
        ...env,
        BENCH_USERS: String(options.users),
        BENCH_SESSIONS_PER_USER: String(seeded ? options.sessionsPerUser : 0),
        BENCH_PASSWORD: PEER_PASSWORD,
      },
      encoding: "utf8",
      timeout: SETUP_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (setup.status !== 0) {
      await cleanUp();
      throw new Error(`bench: Better Auth setup for ${name} failed (exit ${setup.status}):\n${setup.stderr}${setup.stdout}`);
    }
    seededSessions = setup.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as PeerSession);
  }
  const setupMs = Date.now() - setupStartedAtMs;

  const [command, commandArgs] = underBuildLock(
    "-s",
    [process.execPath, ...SERVER_NODE_FLAGS, "--import", METRICS_PRELOAD, path.join("bench", "apps", "serve.mjs"), app],
    PEER_BUILD_LOCK,
  );
  const server = await launchServerProcess({
    dir,
    command,
    commandArgs,
    env,
    url,
    metricsPort,
    readyPath: PEER_PATH,
    readyStatus: app === "floor" ? 200 : 401,
    cleanUp,
  });

  try {
    const count = options.users * options.sessionsPerUser;
    const startedAtMs = Date.now();
    let sessions: PeerSession[];
    if (app === "floor") sessions = floorSessions(count);
    else if (app === "authjs") sessions = await authJsSessions(secret, options.users, options.sessionsPerUser);
    else if (!seeded) sessions = await betterAuthSessions(url, options.users, options.sessionsPerUser);
    else {
      if (seededSessions.length !== count) throw new Error(`bench: Better Auth setup printed ${seededSessions.length} sessions, not ${count}`);
      sessions = name === "better-auth-cache" ? await withCookieCache(url, seededSessions) : seededSessions;
    }
    return { ...server, name, url, path: PEER_PATH, sessions, sessionSetupMs: setupMs + Date.now() - startedAtMs };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * GETs the peer's path with `sample` of its sessions (spread over all of them; every one when
 * sample ≥ the count) and throws unless each answers 200 with its own email (floor: 200).
 */
export async function verifyPeer(peer: PeerApp, sample = peer.sessions.length): Promise<void> {
  const count = Math.min(sample, peer.sessions.length);
  const step = peer.sessions.length / count;
  const failures: string[] = [];
  await inParallel(count, PARALLEL_CHECKS, async (index) => {
    const session = peer.sessions[Math.floor(index * step)]!;
    const response = await requestJson<{ email?: string }>(`${peer.url}${peer.path}`, { headers: { cookie: session.cookie } });
    const emailOk = peer.name === "floor" || response.body?.email === session.email;
    if (response.status !== 200 || !emailOk) failures.push(`${session.email || "(floor)"}: ${response.status} ${JSON.stringify(response.body)}`);
  });
  if (failures.length > 0) throw new Error(`bench: ${peer.name}: ${failures.length} of ${count} sessions failed the check, e.g. ${failures.slice(0, 3).join("; ")}`);
}
