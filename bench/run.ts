/**
 * `npm run bench`: Keyhole's benchmark suite. Builds if needed (bench/build.ts), starts the
 * production server on a free loopback port with a fresh database and bench users
 * (bench/bench-server.ts), drives it with autocannon from this process, stops everything it
 * started, prints a table and writes bench/results.json.
 *
 * Scenarios (each: one warm-up run, then 3 measured runs; medians are reported):
 *   baseline  GET /.well-known/jwks.json, a route that does next to nothing (a cached,
 *             constant JSON document; no proxy, session or database): the framework's floor
 *   session   GET /bff/session with the session cookie
 *   direct    GET /api/v1/notes with a bearer access token
 *   bff       GET /bff/api/notes with the session cookie (the same 20 notes)
 *   pat       GET /api/v1/notes with a personal access token
 *   baseline-cookie  diagnostic: `baseline` sent with the session cookie, to show what Next.js
 *             itself spends on a request that carries the ~1 KB sealed cookie
 *   They run round-robin, so a noisy neighbour slows all of them alike and ratios hold.
 *   login-storm  8 logins in flight (POST /bff/login, bcrypt cost 12) while `session` runs;
 *                each storm run is paired with a `session` run alone just before it.
 *   refresh-storm  a second server with ACCESS_TOKEN_TTL=10s: 20 sessions whose access tokens
 *                have all expired get 10 parallel requests each at once; counts non-2xx
 *                answers and sessions lost (newest cookie no longer gets 200 from /bff/session).
 *
 * Options: --run-seconds N (5), --warmup-seconds N (3), --connections N (10),
 *          --build (always build) | --no-build (never), --cpu-prof (profile the main server
 *          into bench/profiles/), --skip-refresh-storm.
 * Every load loop is bounded by its duration; the whole run by a watchdog.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  accessToken,
  bffLoginRequest,
  createNotes,
  createPersonalAccessToken,
  registerUser,
  SESSION_COOKIE,
  signInCookie,
  type BenchUser,
} from "./accounts";
import { BASELINE_PATH, delay, ROOT, startServer, type BenchServer } from "./bench-server";
import { ensureBuild } from "./build";
import { closeConnections, requestJson, setCookieValue } from "./http";
import { median, percentile, runLoad, type LoadSpec, type RunResult } from "./load";

const { values: args } = parseArgs({
  options: {
    "run-seconds": { type: "string", default: "5" },
    "warmup-seconds": { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
    build: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    "skip-refresh-storm": { type: "boolean", default: false },
    // The throughput scenarios again on PostgreSQL (a fresh database on this server, dropped after).
    "postgres-url": { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    "skip-postgres": { type: "boolean", default: false },
  },
});

const RUN_SECONDS = boundedInt(args["run-seconds"], 1, 60);
const WARMUP_SECONDS = boundedInt(args["warmup-seconds"], 1, 30);
const CONNECTIONS = boundedInt(args.connections, 1, 100);
const MEASURED_RUNS = 3;
const LOGINS_IN_FLIGHT = 8;
const NOTES = 20;
const REFRESH_STORM = { sessions: 20, requestsPerSession: 10, accessTokenTtlSeconds: 10 };
const REFRESH_STORM_SIGN_IN_CONCURRENCY = 4;
/** Past exp plus the verifier's clock tolerance (5 s), so every token in the storm is really expired. */
const REFRESH_STORM_EXPIRY_MARGIN_MS = 6_000;
/** Lets the password pool finish logins a storm run abandoned before the next run starts. */
const STORM_DRAIN_MS = 3_000;
const WATCHDOG_MS = 15 * 60_000;
const RESULTS_FILE = path.join(ROOT, "bench", "results.json");
const MIB = 1024 * 1024;

function boundedInt(value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new Error(`bench: expected an integer from ${min} to ${max}, got ${value}`);
  return number;
}

type ThroughputName = "baseline" | "session" | "direct" | "bff" | "pat" | "baseline-cookie";
const THROUGHPUT_SCENARIOS: ThroughputName[] = ["baseline", "session", "direct", "bff", "pat", "baseline-cookie"];

/** A load run with the server's own cost per request: CPU of all its threads, and main-thread (event-loop) busy time. */
interface MeasuredRun extends RunResult {
  serverCpuMsPerRequest?: number;
  eventLoopMsPerRequest?: number;
}

interface ScenarioSummary {
  description: string;
  runs: MeasuredRun[];
  median: { requestsPerSecond: number; p50Ms: number; p99Ms: number; serverCpuMsPerRequest: number; eventLoopMsPerRequest: number };
  non2xx: number;
  errors: number;
  peakRssMiB: number;
}

const servers = new Set<BenchServer>();
let stopping: Promise<void> | null = null;

/** Stops every server this run started (idempotent). */
function stopAll(): Promise<void> {
  stopping ??= Promise.all([...servers].map((server) => server.stop().catch(() => undefined))).then(() => {
    servers.clear();
    closeConnections();
  });
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping the servers`);
    void stopAll().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  void stopAll().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();

/** Runs one load and reads the server's CPU and event-loop time around it. */
async function measuredRun(server: BenchServer, spec: LoadSpec): Promise<MeasuredRun> {
  const before = await server.metrics();
  const result = await runLoad(spec);
  const after = await server.metrics();
  const perRequest = (delta: number) => (result.requests > 0 ? round(delta / result.requests, 3) : Number.NaN);
  return {
    ...result,
    serverCpuMsPerRequest: perRequest(after.cpuMs - before.cpuMs),
    eventLoopMsPerRequest: perRequest(after.eventLoopActiveMs - before.eventLoopActiveMs),
  };
}

function summarize(description: string, runs: MeasuredRun[], peakRssBytes: number): ScenarioSummary {
  return {
    description,
    runs,
    median: {
      requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
      p50Ms: median(runs.map((run) => run.p50Ms)),
      p99Ms: median(runs.map((run) => run.p99Ms)),
      serverCpuMsPerRequest: median(runs.map((run) => run.serverCpuMsPerRequest ?? Number.NaN)),
      eventLoopMsPerRequest: median(runs.map((run) => run.eventLoopMsPerRequest ?? Number.NaN)),
    },
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    peakRssMiB: round(peakRssBytes / MIB, 1),
  };
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryTotalGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((load) => round(load, 2)),
  };
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return null;
  }
}

/** Fails early, with the answer, when a scenario's request does not get 200. */
async function expectOk(spec: LoadSpec, what: string): Promise<unknown> {
  const response = await requestJson(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
  if (response.status !== 200) throw new Error(`bench: ${what} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

async function runThroughputScenarios(server: BenchServer, user: BenchUser, pat: string) {
  const load = (path: string, headers: Record<string, string>, durationSeconds: number): LoadSpec => ({
    url: `${server.url}${path}`,
    headers,
    connections: CONNECTIONS,
    durationSeconds,
  });
  // A fresh cookie or access token for every run: each run starts like a new client, a cookie is
  // never older than a minute (no idle re-seal on every request) and no token expires mid-run.
  const specs: Record<ThroughputName, { description: string; prepare: (seconds: number) => Promise<LoadSpec> }> = {
    baseline: { description: `GET ${BASELINE_PATH} (cached constant JSON)`, prepare: async (s) => load(BASELINE_PATH, {}, s) },
    session: { description: "GET /bff/session, cookie", prepare: async (s) => load("/bff/session", { cookie: await signInCookie(server, user) }, s) },
    direct: {
      description: "GET /api/v1/notes, bearer JWT",
      prepare: async (s) => load("/api/v1/notes", { authorization: `Bearer ${await accessToken(server, user)}` }, s),
    },
    bff: { description: "GET /bff/api/notes, cookie", prepare: async (s) => load("/bff/api/notes", { cookie: await signInCookie(server, user) }, s) },
    pat: { description: "GET /api/v1/notes, personal access token", prepare: async (s) => load("/api/v1/notes", { authorization: `Bearer ${pat}` }, s) },
    "baseline-cookie": {
      description: "diagnostic: baseline carrying the session cookie",
      prepare: async (s) => load(BASELINE_PATH, { cookie: await signInCookie(server, user) }, s),
    },
  };

  // Same data both ways, checked once.
  const direct = (await expectOk(await specs.direct.prepare(1), "direct")) as { items: unknown[] };
  const viaBff = (await expectOk(await specs.bff.prepare(1), "bff")) as { items: unknown[] };
  const viaPat = (await expectOk(await specs.pat.prepare(1), "pat")) as { items: unknown[] };
  if (JSON.stringify(direct) !== JSON.stringify(viaBff) || JSON.stringify(direct) !== JSON.stringify(viaPat) || direct.items.length !== NOTES) {
    throw new Error("bench: direct, bff and pat did not return the same notes");
  }
  await expectOk(await specs.session.prepare(1), "session");
  await expectOk(await specs.baseline.prepare(1), "baseline");

  console.log(`bench: warm-up, ${WARMUP_SECONDS} s per scenario`);
  for (const name of THROUGHPUT_SCENARIOS) await runLoad(await specs[name].prepare(WARMUP_SECONDS));

  const runs = Object.fromEntries(THROUGHPUT_SCENARIOS.map((name) => [name, [] as MeasuredRun[]])) as Record<ThroughputName, MeasuredRun[]>;
  const peaks = Object.fromEntries(THROUGHPUT_SCENARIOS.map((name) => [name, 0])) as Record<ThroughputName, number>;
  for (let round = 0; round < MEASURED_RUNS; round += 1) {
    // Rotate the order each round so no scenario always runs first or last.
    const order = THROUGHPUT_SCENARIOS.map((_, index) => THROUGHPUT_SCENARIOS[(index + round) % THROUGHPUT_SCENARIOS.length]!);
    for (const name of order) {
      const spec = await specs[name].prepare(RUN_SECONDS);
      server.takeSampledPeakRss();
      const result = await measuredRun(server, spec);
      const { rssBytes } = await server.metrics();
      peaks[name] = Math.max(peaks[name], server.takeSampledPeakRss(), rssBytes);
      runs[name].push(result);
      console.log(`bench: run ${round + 1}/${MEASURED_RUNS} ${name.padEnd(8)} ${formatRun(result)}`);
    }
  }
  return Object.fromEntries(THROUGHPUT_SCENARIOS.map((name) => [name, summarize(specs[name].description, runs[name], peaks[name])])) as Record<
    ThroughputName,
    ScenarioSummary
  >;
}

async function runLoginStorm(server: BenchServer, user: BenchUser) {
  const sessionSpec = async (seconds: number): Promise<LoadSpec> => ({
    url: `${server.url}/bff/session`,
    headers: { cookie: await signInCookie(server, user) },
    connections: CONNECTIONS,
    durationSeconds: seconds,
  });
  const loginSpec = (seconds: number): LoadSpec => ({
    url: `${server.url}/bff/login`,
    ...bffLoginRequest(server, user),
    connections: LOGINS_IN_FLIGHT,
    durationSeconds: seconds,
  });

  console.log(`bench: login-storm warm-up, ${WARMUP_SECONDS} s`);
  await Promise.all([runLoad(await sessionSpec(WARMUP_SECONDS)), runLoad(loginSpec(WARMUP_SECONDS))]);
  await delay(STORM_DRAIN_MS);

  const alone: MeasuredRun[] = [];
  const during: RunResult[] = [];
  const logins: RunResult[] = [];
  const delayAlone: number[] = [];
  const delayDuring: number[] = [];
  const delayDuringMax: number[] = [];
  let peakAlone = 0;
  let peakDuring = 0;
  for (let round = 0; round < MEASURED_RUNS; round += 1) {
    let spec = await sessionSpec(RUN_SECONDS);
    await server.metrics({ reset: true });
    server.takeSampledPeakRss();
    alone.push(await measuredRun(server, spec));
    const aloneMetrics = await server.metrics({ reset: true });
    peakAlone = Math.max(peakAlone, server.takeSampledPeakRss(), aloneMetrics.rssBytes);
    delayAlone.push(aloneMetrics.eventLoopDelayMs.p99);
    console.log(`bench: run ${round + 1}/${MEASURED_RUNS} session alone       ${formatRun(alone.at(-1)!)} loop p99 ${aloneMetrics.eventLoopDelayMs.p99} ms`);

    spec = await sessionSpec(RUN_SECONDS);
    await server.metrics({ reset: true });
    const [sessionResult, loginResult] = await Promise.all([runLoad(spec), runLoad(loginSpec(RUN_SECONDS))]);
    const stormMetrics = await server.metrics({ reset: true });
    peakDuring = Math.max(peakDuring, server.takeSampledPeakRss(), stormMetrics.rssBytes);
    during.push(sessionResult);
    logins.push(loginResult);
    delayDuring.push(stormMetrics.eventLoopDelayMs.p99);
    delayDuringMax.push(stormMetrics.eventLoopDelayMs.max);
    console.log(`bench: run ${round + 1}/${MEASURED_RUNS} session + storm     ${formatRun(sessionResult)} loop p99 ${stormMetrics.eventLoopDelayMs.p99} ms`);
    console.log(`bench: run ${round + 1}/${MEASURED_RUNS} logins (8 in flight) ${formatRun(loginResult)}`);
    await delay(STORM_DRAIN_MS);
  }
  return {
    sessionAlone: { ...summarize("GET /bff/session alone (paired with each storm run)", alone, peakAlone), eventLoopDelayP99Ms: round(median(delayAlone), 1) },
    sessionDuringStorm: {
      ...summarize("GET /bff/session while 8 logins are in flight", during, peakDuring),
      eventLoopDelayP99Ms: round(median(delayDuring), 1),
      eventLoopDelayMaxMs: median(delayDuringMax),
      eventLoopDelayP99RunsMs: delayDuring,
    },
    logins: summarize(`POST /bff/login, ${LOGINS_IN_FLIGHT} in flight (bcrypt cost 12)`, logins, peakDuring),
  };
}

async function runRefreshStorm(options: { cpuProfileDir?: string }) {
  const { sessions, requestsPerSession, accessTokenTtlSeconds } = REFRESH_STORM;
  console.log(`bench: refresh-storm: starting a server with ACCESS_TOKEN_TTL=${accessTokenTtlSeconds}s`);
  const server = await startServer({ name: "refresh-storm", env: { ACCESS_TOKEN_TTL: `${accessTokenTtlSeconds}s` }, ...options });
  servers.add(server);
  const user = await registerUser(server, "refresh");
  const signInStartedMs = Date.now();
  // A few at a time: a login that waits long in the password pool gets a token whose lifetime
  // was counted from the request's start (the grant's `now`), and with a 10 s TTL that can be
  // over before the BFF's own /me call.
  const cookies: string[] = [];
  for (let index = 0; index < sessions; index += REFRESH_STORM_SIGN_IN_CONCURRENCY) {
    const batch = Math.min(REFRESH_STORM_SIGN_IN_CONCURRENCY, sessions - index);
    cookies.push(...(await Promise.all(Array.from({ length: batch }, () => signInCookie(server, user)))));
  }
  const signedInMs = Date.now();
  // Every token was issued before signedInMs; wait until the last of them has expired.
  await delay(signedInMs + accessTokenTtlSeconds * 1000 + REFRESH_STORM_EXPIRY_MARGIN_MS - Date.now());
  server.takeSampledPeakRss();

  const stormStartedMs = Date.now();
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const newestCookies = [...cookies];
  const distinctNewCookies = cookies.map(() => new Set<string>());
  await Promise.all(
    cookies.flatMap((cookie, index) =>
      Array.from({ length: requestsPerSession }, async () => {
        const startedMs = performance.now();
        let status = "error";
        try {
          const response = await requestJson(`${server.url}/bff/api/notes`, { headers: { cookie } });
          status = String(response.status);
          const next = setCookieValue(response, SESSION_COOKIE);
          // The last cookie a session's responses set is what a browser would keep.
          if (next) {
            newestCookies[index] = next;
            distinctNewCookies[index]!.add(next);
          }
        } finally {
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(performance.now() - startedMs);
        }
      }),
    ),
  );
  const stormMs = Date.now() - stormStartedMs;

  let lost = 0;
  for (const cookie of newestCookies) {
    const response = await requestJson(`${server.url}/bff/session?extend=false`, { headers: { cookie } });
    if (response.status !== 200) lost += 1;
  }
  latencies.sort((a, b) => a - b);
  const { rssBytes } = await server.metrics();
  const peakRss = Math.max(server.takeSampledPeakRss(), rssBytes);
  const stopped = await server.stop();
  servers.delete(server);
  const non2xx = Object.entries(statuses)
    .filter(([status]) => !/^2\d\d$/.test(status))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    description: `${sessions} sessions whose access tokens (TTL ${accessTokenTtlSeconds}s) had all expired, ${requestsPerSession} parallel GET /bff/api/notes each, all at once`,
    sessions,
    requests: sessions * requestsPerSession,
    signInSpreadMs: signedInMs - signInStartedMs,
    stormMs,
    statuses,
    non2xx,
    sessionsLost: lost,
    sessionsWithMoreThanOneNewCookie: distinctNewCookies.filter((set) => set.size > 1).length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    peakRssMiB: round(peakRss / MIB, 1),
    maxRssMiB: stopped.maxRssBytes === null ? null : round(stopped.maxRssBytes / MIB, 1),
  };
}

function formatRun(run: MeasuredRun): string {
  const errors = run.non2xx + run.errors;
  const cost = run.serverCpuMsPerRequest === undefined ? "" : `  server ${run.serverCpuMsPerRequest.toFixed(3)} CPU-ms/req, loop ${run.eventLoopMsPerRequest!.toFixed(3)} ms/req`;
  return `${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(2).padStart(6)} ms  p99 ${run.p99Ms.toFixed(2).padStart(7)} ms  errors ${errors}${cost}`;
}

interface Target {
  name: string;
  value: number;
  unit: string;
  goal: string;
  met: boolean;
  meaning: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

/** The ratios reported for both databases. */
const RATIOS: [ThroughputName, ThroughputName][] = [
  ["session", "baseline"],
  ["direct", "baseline"],
  ["bff", "direct"],
  ["pat", "direct"],
];

/** The throughput scenarios on a server that runs on PostgreSQL, set up as the main one. */
async function runOnPostgres(postgresUrl: string) {
  console.log("bench: starting a server on PostgreSQL");
  const server = await startServer({ name: "postgresql", postgresServerUrl: postgresUrl });
  servers.add(server);
  try {
    const user = await registerUser(server, "postgresql");
    const token = await accessToken(server, user);
    await createNotes(server, token, NOTES);
    const pat = await createPersonalAccessToken(server, token);
    return await runThroughputScenarios(server, user, pat);
  } finally {
    await server.stop();
    servers.delete(server);
  }
}

async function main() {
  const startedAt = new Date();
  const machineAtStart = machine();
  console.log(`bench: ${machineAtStart.nproc} cores (${machineAtStart.cpuModel}), ${machineAtStart.memoryTotalGiB} GiB, node ${machineAtStart.node}, load ${machineAtStart.loadAverage.join(" ")}`);
  ensureBuild(args.build ? "always" : args["no-build"] ? "never" : "auto");
  const cpuProfileDir = args["cpu-prof"] ? path.join(ROOT, "bench", "profiles", startedAt.toISOString().replace(/[:.]/g, "-")) : undefined;
  if (cpuProfileDir) fs.mkdirSync(cpuProfileDir, { recursive: true });

  console.log("bench: starting the server");
  const server = await startServer({ name: "main", cpuProfileDir });
  servers.add(server);
  const user = await registerUser(server, "main");
  const token = await accessToken(server, user);
  await createNotes(server, token, NOTES);
  const pat = await createPersonalAccessToken(server, token);

  const scenarios = await runThroughputScenarios(server, user, pat);
  const loginStorm = await runLoginStorm(server, user);
  const mainStopped = await server.stop();
  servers.delete(server);
  const postgresScenarios = args["skip-postgres"] ? null : await runOnPostgres(args["postgres-url"]);
  const refreshStorm = args["skip-refresh-storm"] ? null : await runRefreshStorm({});
  const finishedAt = new Date();

  const rps = (name: ThroughputName) => scenarios[name].median.requestsPerSecond;
  const mainMaxRssMiB = mainStopped.maxRssBytes === null ? Number.NaN : round(mainStopped.maxRssBytes / MIB, 1);
  const peakRssMiB = Math.max(mainMaxRssMiB, refreshStorm?.maxRssMiB ?? 0);
  const targets: Target[] = [
    { name: "session ÷ baseline throughput", value: round(rps("session") / rps("baseline")), unit: "", goal: "≥ 0.90", met: rps("session") / rps("baseline") >= 0.9, meaning: "what reading the session cookie (cached unseal, revocation check) costs over the framework's floor" },
    { name: "bff ÷ direct throughput", value: round(rps("bff") / rps("direct")), unit: "", goal: "≥ 0.80", met: rps("bff") / rps("direct") >= 0.8, meaning: "what the BFF (cookie, refresh check, in-process forward) adds to a direct API call for the same data" },
    { name: "direct ÷ baseline throughput", value: round(rps("direct") / rps("baseline")), unit: "", goal: "≥ 0.60", met: rps("direct") / rps("baseline") >= 0.6, meaning: "what an authenticated API call (JWT check, Hono, validation, one SQLite query) costs over the floor" },
    { name: "pat ÷ direct throughput", value: round(rps("pat") / rps("direct")), unit: "", goal: "≥ 0.90", met: rps("pat") / rps("direct") >= 0.9, meaning: "a personal access token costs about what a JWT does (hash lookup cached for a second)" },
    { name: "event-loop delay p99 during login-storm", value: loginStorm.sessionDuringStorm.eventLoopDelayP99Ms, unit: "ms", goal: "≤ 20 ms", met: loginStorm.sessionDuringStorm.eventLoopDelayP99Ms <= 20, meaning: "bcrypt runs off the event loop: logins do not freeze other requests" },
    {
      name: "session p99 during login-storm ÷ alone",
      value: round(loginStorm.sessionDuringStorm.median.p99Ms / loginStorm.sessionAlone.median.p99Ms),
      unit: "",
      goal: "≤ 2",
      met: loginStorm.sessionDuringStorm.median.p99Ms <= 2 * loginStorm.sessionAlone.median.p99Ms,
      meaning: "the tail latency of ordinary requests while 8 logins hash passwords",
    },
  ];
  if (refreshStorm) {
    targets.push(
      { name: "refresh-storm non-2xx", value: refreshStorm.non2xx, unit: "", goal: "0", met: refreshStorm.non2xx === 0, meaning: "parallel requests with expired access tokens all succeed (single-flight refresh)" },
      { name: "refresh-storm sessions lost", value: refreshStorm.sessionsLost, unit: "", goal: "0", met: refreshStorm.sessionsLost === 0, meaning: "no session is logged out by its own parallel refreshes" },
    );
  }
  const diagnostics = [
    {
      name: "baseline-cookie ÷ baseline throughput (diagnostic)",
      value: round(rps("baseline-cookie") / rps("baseline")),
      meaning: "what Next.js itself spends on a request that carries the session cookie, before any Keyhole code runs",
    },
    {
      name: "session ÷ baseline-cookie throughput (diagnostic)",
      value: round(rps("session") / rps("baseline-cookie")),
      meaning: "what Keyhole's /bff/session handler costs on top of the same request",
    },
  ];
  targets.push({ name: "server peak RSS (whole suite)", value: peakRssMiB, unit: "MiB", goal: "≤ 350 MiB", met: peakRssMiB <= 350, meaning: "max resident memory of a server process (getrusage), bcrypt worker threads included" });

  const scenarioRows = [
    ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req", "loop ms/req", "peak RSS MiB"],
    ...THROUGHPUT_SCENARIOS.map((name) => scenarioRow(name, scenarios[name])),
    scenarioRow("session, alone (storm block)", loginStorm.sessionAlone),
    scenarioRow("session, during login-storm", loginStorm.sessionDuringStorm),
    scenarioRow("login-storm: logins (8 in flight)", loginStorm.logins),
  ];
  if (refreshStorm) {
    scenarioRows.push([
      `refresh-storm (${refreshStorm.requests} requests)`,
      "-",
      refreshStorm.p50Ms.toFixed(2),
      refreshStorm.p99Ms.toFixed(2),
      String(refreshStorm.non2xx),
      "-",
      "-",
      refreshStorm.peakRssMiB.toFixed(1),
    ]);
  }
  const ratioRows = [
    ["ratio (same run)", "SQLite", "PostgreSQL"],
    ...RATIOS.map(([numerator, denominator]) => [
      `${numerator} ÷ ${denominator}`,
      String(round(rps(numerator) / rps(denominator))),
      postgresScenarios ? String(round(postgresScenarios[numerator].median.requestsPerSecond / postgresScenarios[denominator].median.requestsPerSecond)) : "-",
    ]),
  ];
  if (postgresScenarios) scenarioRows.push(...THROUGHPUT_SCENARIOS.map((name) => scenarioRow(`${name} (PostgreSQL)`, postgresScenarios[name])));
  const targetRows = [
    ["target", "value", "goal", "met"],
    ...targets.map((target) => [target.name, `${target.value}${target.unit ? ` ${target.unit}` : ""}`, target.goal, target.met ? "yes" : "NO"]),
    ...diagnostics.map((diagnostic) => [diagnostic.name, String(diagnostic.value), "-", "-"]),
  ];
  const machineAtEnd = machine();
  const machineLine = `${machineAtStart.nproc} cores (${machineAtStart.cpuModel}), ${machineAtStart.memoryTotalGiB} GiB RAM, ${machineAtStart.platform}, Node.js ${machineAtStart.node}; load average ${machineAtStart.loadAverage.join(" ")} at start, ${machineAtEnd.loadAverage.join(" ")} at end`;
  const settingsLine = `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${MEASURED_RUNS} × ${RUN_SECONDS} s per scenario, medians; bcrypt cost 12; ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s in all`;
  const scenarioTable = table(scenarioRows);
  const targetTable = table(targetRows);
  const ratioTable = table(ratioRows);

  console.log(`\n${scenarioTable}\n\n${ratioTable}\n\n${targetTable}\n`);
  console.log(`Event-loop delay p99 (how late a 10 ms timer fires): ${loginStorm.sessionAlone.eventLoopDelayP99Ms} ms with session alone, ${loginStorm.sessionDuringStorm.eventLoopDelayP99Ms} ms during the login-storm.`);
  if (refreshStorm) {
    console.log(
      `Refresh-storm: ${refreshStorm.requests} requests in ${refreshStorm.stormMs} ms, statuses ${JSON.stringify(refreshStorm.statuses)}, ${refreshStorm.sessionsLost}/${refreshStorm.sessions} sessions lost (signed in within ${refreshStorm.signInSpreadMs} ms of each other).`,
    );
  }
  console.log(`Machine: ${machineLine}\nSettings: ${settingsLine}`);
  console.log(`Targets met: ${targets.filter((target) => target.met).length}/${targets.length}`);

  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    commit: gitCommit(),
    machine: { ...machineAtStart, loadAverageAtEnd: machineAtEnd.loadAverage },
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, runSeconds: RUN_SECONDS, measuredRuns: MEASURED_RUNS, bcryptCost: 12, loginsInFlight: LOGINS_IN_FLIGHT, notes: NOTES, refreshStorm: REFRESH_STORM, cpuProfileDir: cpuProfileDir ?? null },
    scenarios,
    loginStorm,
    refreshStorm,
    mainServerMaxRssMiB: mainMaxRssMiB,
    targets,
    diagnostics,
    postgresScenarios,
    markdown: `${scenarioTable}\n\n${ratioTable}\n\n${targetTable}\n\nMachine: ${machineLine}.\nSettings: ${settingsLine}.`,
  };
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench: wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

function scenarioRow(name: string, summary: ScenarioSummary): string[] {
  return [
    name,
    summary.median.requestsPerSecond.toFixed(0),
    summary.median.p50Ms.toFixed(2),
    summary.median.p99Ms.toFixed(2),
    String(summary.non2xx + summary.errors),
    Number.isFinite(summary.median.serverCpuMsPerRequest) ? summary.median.serverCpuMsPerRequest.toFixed(3) : "-",
    Number.isFinite(summary.median.eventLoopMsPerRequest) ? summary.median.eventLoopMsPerRequest.toFixed(3) : "-",
    summary.peakRssMiB.toFixed(1),
  ];
}

try {
  await main();
  await stopAll();
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  for (const server of servers) console.error(`bench: the last output of server ${server.name}:\n${server.logTail()}`);
  await stopAll();
  process.exit(1);
}
