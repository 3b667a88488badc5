/**
 * Starts and stops the production server (server.ts as compiled by `npm run build`) for the
 * benchmark: fresh production secrets, a fresh SQLite database in a temporary directory, a free
 * port outside 3000–3300 on 127.0.0.1, BCRYPT_COST 12. The server is the product as built: the
 * event-loop, CPU and memory metrics come from bench/metrics-preload.mjs, injected with
 * `node --import` and answering on a second loopback port; the app has no benchmark routes.
 * The server runs under `flock -s` on the build lock so nobody rebuilds .next under it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateSecrets } from "../lib/config";
import { createDatabase, dropDatabases, testDatabaseName } from "../test/databases";
import { findFreePorts } from "../test/free-ports";
import { requestJson } from "./http";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BUILD_LOCK = "/tmp/keyhole-build.lock";
export const BFF_CLIENT_ID = "keyhole-bff";
/** server.ts as `npm run build` compiles it, run as `npm start` runs it: with a V8 heap budget of 256 MiB. */
export const PRODUCTION_SERVER = ".next/keyhole/server.mjs";
export const SERVER_NODE_FLAGS = ["--max-old-space-size=256"];
export const METRICS_PRELOAD = pathToFileURL(path.join(ROOT, "bench", "metrics-preload.mjs")).href;
/**
 * The framework's floor: a route of the app that does next to nothing (a cached, constant JSON
 * document; no proxy, no session, no database), to compare Keyhole's routes with.
 */
export const BASELINE_PATH = "/.well-known/jwks.json";

/** What bench/metrics-preload.mjs answers. */
export interface BenchMetrics {
  /** How late the monitor's 10 ms timer fired (histogram value minus its interval), in ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number };
  /** The raw histogram (time between ticks, interval included), in ms. */
  eventLoopIntervalMs: { p50: number; p99: number; max: number };
  /** CPU time of the whole process (every thread) since it started, in ms. */
  cpuMs: number;
  /** Time the main thread's event loop spent working since it started, in ms. */
  eventLoopActiveMs: number;
  rssBytes: number;
  /** Peak resident set size of this process since it started (getrusage). */
  maxRssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

let flockAvailable: boolean | undefined;
/** `command` under `flock MODE lock` (BUILD_LOCK by default) where util-linux flock exists (Linux); as is elsewhere. */
export function underBuildLock(mode: "-s" | "-x", command: string[], lock = BUILD_LOCK): [string, string[]] {
  flockAvailable ??= spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;
  if (!flockAvailable) return [command[0]!, command.slice(1)];
  return ["flock", [mode, lock, ...command]];
}
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const SETUP_TIMEOUT_MS = 120_000;
const LOG_TAIL_BYTES = 4000;

export interface ServerOptions {
  name: string;
  /** Extra environment, e.g. `{ ACCESS_TOKEN_TTL: "10s" }`. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server (node --cpu-prof) into this directory. */
  cpuProfileDir?: string;
  /** A PostgreSQL server (postgresql://…) to run on, in a fresh database dropped on stop; SQLite when absent. */
  postgresServerUrl?: string;
  /** A second instance of a running server: its database and secrets, no setup, nothing dropped on stop. */
  instanceOf?: BenchServer;
}

/** A server process started by launchServerProcess: its metrics, its output, and stop. */
export interface ServerProcess {
  metrics(options?: { reset?: boolean }): Promise<BenchMetrics>;
  /** The end of the server's output (it is deleted with the server's directory on stop). */
  logTail(): string;
  /** Peak RSS seen by the sampler since the last call, then restarts the window. */
  takeSampledPeakRss(): number;
  stop(): Promise<{ maxRssBytes: number | null }>;
}

export interface BenchServer extends ServerProcess {
  name: string;
  url: string;
  bffClientSecret: string;
  databaseUrl: string;
  secrets: ReturnType<typeof generateSecrets>;
}

/** The complete configuration: every variable lib/config.ts reads, empty meaning the default. */
function serverEnvironment(
  url: string,
  port: number,
  metricsPort: number,
  databaseUrl: string,
  secrets: ReturnType<typeof generateSecrets>,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_ORIGIN: url,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: "",
    ...secrets,
    JWT_ISSUER: "",
    JWT_AUDIENCE: "",
    BFF_CLIENT_ID,
    // The production default, so a login costs what it costs in production.
    BCRYPT_COST: "12",
    ACCESS_TOKEN_TTL: "",
    REFRESH_IDLE_TTL: "",
    REFRESH_GRACE_PERIOD: "",
    SESSION_MAX_AGE: "",
    SESSION_IDLE_TIMEOUT: "",
    API_BASE_URL: "",
    TRUST_PROXY: "",
    PORT: String(port),
    HOST: "127.0.0.1",
    // Read by bench/metrics-preload.mjs only.
    KEYHOLE_METRICS_PORT: String(metricsPort),
    ...extra,
  };
}

export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyhole-bench-${options.name}-`));
  const [port, metricsPort] = (await findFreePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${port}`;
  const shared = options.instanceOf;
  const secrets = shared?.secrets ?? generateSecrets();
  const postgres = shared ? undefined : options.postgresServerUrl;
  const postgresDatabase = postgres ? testDatabaseName("bench") : null;
  const databaseUrl =
    shared?.databaseUrl ?? (postgres && postgresDatabase ? await createDatabase(postgres, postgresDatabase) : `file:${path.join(dir, "bench.db")}`);
  const env = { ...process.env, ...serverEnvironment(url, port, metricsPort, databaseUrl, secrets, options.env ?? {}) };
  const cleanUp = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (postgres && postgresDatabase) await dropDatabases(postgres, [postgresDatabase]);
  };

  // Validates the configuration as production and migrates the fresh database.
  const setup = spawnSync(process.execPath, ["--import", "tsx", "scripts/setup.ts", "--production"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: SETUP_TIMEOUT_MS,
  });
  if (setup.status !== 0) {
    await cleanUp();
    throw new Error(`bench: database setup for ${options.name} failed (exit ${setup.status}):\n${setup.stderr}${setup.stdout}`);
  }

  const nodeFlags = [...SERVER_NODE_FLAGS, "--import", METRICS_PRELOAD];
  const nodeArgs = options.cpuProfileDir
    ? [...nodeFlags, "--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`, "bench/profiled-server.mjs"]
    : [...nodeFlags, PRODUCTION_SERVER];
  // flock keeps a shared lock on the build while the server runs.
  const [command, commandArgs] = underBuildLock("-s", [process.execPath, ...nodeArgs]);
  const server = await launchServerProcess({ dir, command, commandArgs, env, url, metricsPort, readyPath: BASELINE_PATH, readyStatus: 200, cleanUp });
  return {
    ...server,
    name: options.name,
    url,
    bffClientSecret: secrets.BFF_CLIENT_SECRET,
    databaseUrl,
    secrets,
    async stop() {
      const result = await server.stop();
      if (options.cpuProfileDir) console.log(`bench: CPU profile of ${options.name} written to ${options.cpuProfileDir}`);
      return result;
    },
  };
}

export interface LaunchOptions {
  /** The server's own temporary directory: its log goes there. */
  dir: string;
  command: string;
  commandArgs: string[];
  env: NodeJS.ProcessEnv;
  /** Where the server answers once ready, and where bench/metrics-preload.mjs answers. */
  url: string;
  metricsPort: number;
  /** The server is ready once GET readyPath answers readyStatus; any other status is an error. */
  readyPath: string;
  readyStatus: number;
  /** Runs after the server is gone (on stop, or when it fails to start): deletes what the caller created. */
  cleanUp: () => Promise<void>;
}

/**
 * Spawns a server (from ROOT, in a process group of its own), waits until it answers, and samples
 * its memory through bench/metrics-preload.mjs until stop(). Shared by Keyhole's server here and
 * the peer apps (bench/peers.ts), so both are started, measured and stopped the same way.
 */
export async function launchServerProcess(options: LaunchOptions): Promise<ServerProcess> {
  const { dir, url, cleanUp } = options;
  const metricsUrl = `http://127.0.0.1:${options.metricsPort}/metrics`;
  const logFile = path.join(dir, "server.log");
  const log = fs.openSync(logFile, "a");
  // `detached` gives the server (and flock, when used) its own process group, so stop() ends
  // exactly the processes started here.
  const child: ChildProcess = spawn(options.command, options.commandArgs, {
    cwd: ROOT,
    env: options.env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const readLogTail = () => {
    try {
      const text = fs.readFileSync(logFile, "utf8");
      return text.slice(-LOG_TAIL_BYTES);
    } catch {
      return "";
    }
  };

  // flock exits at once on SIGTERM; the server may take a moment longer (writing a CPU profile),
  // so wait for the whole group to be gone, and kill what is left after STOP_TIMEOUT_MS.
  const stopProcessGroup = async (): Promise<void> => {
    if (child.pid === undefined) return;
    signalGroup(child, "SIGTERM");
    if (!(await waitForGroupExit(child, STOP_TIMEOUT_MS))) {
      signalGroup(child, "SIGKILL");
      await waitForGroupExit(child, STOP_TIMEOUT_MS);
    }
  };

  try {
    await waitUntilReady(url, options.readyPath, options.readyStatus, () => hasExited, readLogTail);
  } catch (error) {
    await stopProcessGroup();
    await cleanUp();
    throw error;
  }

  const metrics = async ({ reset = false } = {}) => {
    const response = await requestJson<BenchMetrics>(`${metricsUrl}${reset ? "?reset=1" : ""}`);
    if (response.status !== 200) throw new Error(`bench: the metrics preload answered ${response.status}`);
    return response.body;
  };

  // Samples RSS twice a second; max RSS from getrusage is the authority at the end.
  let sampledPeakRss = 0;
  const sampler = setInterval(() => {
    metrics()
      .then((m) => (sampledPeakRss = Math.max(sampledPeakRss, m.rssBytes)))
      .catch(() => undefined);
  }, 500);
  sampler.unref();

  return {
    metrics,
    logTail: readLogTail,
    takeSampledPeakRss() {
      const peak = sampledPeakRss;
      sampledPeakRss = 0;
      return peak;
    },
    async stop() {
      clearInterval(sampler);
      let maxRssBytes: number | null = null;
      try {
        maxRssBytes = (await metrics()).maxRssBytes;
      } catch {
        // the server is already gone; its peak is unknown
      }
      await stopProcessGroup();
      await cleanUp();
      return { maxRssBytes };
    },
  };
}

/** Signals the process group led by `child`; false when no process of it is left. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    return false;
  }
}

/** Whether a live (not zombie) process of the group is left; zombies are gone for our purpose. */
function isGroupAlive(child: ChildProcess): boolean {
  if (!signalGroup(child, 0)) return false;
  if (process.platform !== "linux") return true;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === child.pid && state !== "Z") return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

async function waitForGroupExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(child)) return true;
    await delay(100);
  }
  return !isGroupAlive(child);
}

async function waitUntilReady(url: string, readyPath: string, readyStatus: number, hasExited: () => boolean, readLogTail: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`bench: the server exited during start-up:\n${readLogTail()}`);
    try {
      const response = await requestJson(`${url}${readyPath}`);
      if (response.status === readyStatus) return;
      throw new Error(`bench: ${readyPath} answered ${response.status}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("bench:")) throw error;
    }
    await delay(250);
  }
  throw new Error(`bench: the server did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${readLogTail()}`);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
