/**
 * `npm run bench`: Keyhole's benchmark suite, with the floor and its peers in the same run. Builds
 * if needed (bench/build.ts, and the apps under bench/apps through bench/peers.ts), then:
 *
 * Sessions blocks, on SQLite and then on PostgreSQL: a Keyhole server (bench/bench-server.ts) with
 * 50 users × 20 notes and 1,000 signed-in sessions (20 per user), beside
 *   floor              a bare Next.js route handler in a minimal app (bench/apps/floor), same Next.js,
 *                      same launcher and flags: what any Next.js app pays per request
 *   authjs, better-auth, better-auth-cache   the peers' session checks, each with 1,000 sessions
 * and the scenarios, each a warm-up then MEASURED_RUNS runs, round-robin (a noisy neighbour slows
 * them alike, so the ratios hold better than the absolute numbers):
 *   session        GET /bff/session, the 1,000 cookies in turn (a browser's cookie jar: a re-sealed
 *                  cookie replaces the old one)
 *   bff            GET /bff/api/notes (20 notes), the 1,000 cookies in turn
 *   direct         GET /api/v1/notes, 1,000 bearer access tokens in turn
 *   pat            GET /api/v1/notes, the 50 users' personal access tokens in turn
 *   keyhole-floor  GET /.well-known/jwks.json, Keyhole's own cheapest route (diagnostic)
 * then the first-request cost: a second Keyhole instance on the same database gets each session's
 * first request, then its second, one at a time.
 * The bench users are made at bcrypt cost 4 so that 1,000 sign-ins take seconds; no timed route hashes.
 *
 * login-storm  a server at bcrypt cost 12: 8 logins in flight while `session` runs; each storm run
 *              is paired with a `session` run alone just before it.
 * refresh-storm  a server with ACCESS_TOKEN_TTL=10s: 20 sessions whose access tokens have all
 *              expired get 10 parallel requests each at once; counts non-2xx answers and sessions
 *              lost (newest cookie no longer gets 200 from /bff/session).
 *
 * Options: --run-seconds N (5), --warmup-seconds N (3), --connections N (32),
 *          --build (always build) | --no-build (never), --cpu-prof (profile the login-storm server
 *          into bench/profiles/), --skip-postgres, --skip-login-storm, --skip-refresh-storm,
 *          --postgres-url URL.
 * Every load loop is bounded by its duration; the whole run by a watchdog.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { bffLoginRequest, populate, registerUser, SESSION_COOKIE, signInAll, signInCookie, type BenchUser, type Population } from "./accounts";
import { BASELINE_PATH, delay, ROOT, startServer, type BenchServer } from "./bench-server";
import { ensureBuild } from "./build";
import { closeConnections, requestJson, setCookieValue } from "./http";
import { median, percentile, runLoad, type LoadSpec, type RunResult } from "./load";
import { ensurePeerApps, renewSessions, startPeer, verifyPeer, type PeerApp, type PeerName } from "./peers";

const { values: args } = parseArgs({
  options: {
    "run-seconds": { type: "string", default: "5" },
    "warmup-seconds": { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    build: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    "skip-login-storm": { type: "boolean", default: false },
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
const SHAPE = { users: 50, notesPerUser: NOTES, sessionsPerUser: 20 };
/** Cheap hashes for the bench users (see the header), and X-Forwarded-For taken from the bench, which registers 50 users from 50 addresses. */
const POPULATION_SERVER_ENV = { BCRYPT_COST: "4", TRUST_PROXY: "1" };
/** Sign the sessions in afresh after this: well before their access tokens (5 min) are due for a refresh. */
const RENEW_SESSIONS_AFTER_MS = 150_000;
/** Sessions used to warm up the second instance before its first requests are timed. */
const FIRST_REQUEST_WARMUP = 20;
const REFRESH_STORM = { sessions: 20, requestsPerSession: 10, accessTokenTtlSeconds: 10 };
const REFRESH_STORM_SIGN_IN_CONCURRENCY = 4;
/** Past exp plus the verifier's clock tolerance (5 s), so every token in the storm is really expired. */
const REFRESH_STORM_EXPIRY_MARGIN_MS = 6_000;
/** Lets the password pool finish logins a storm run abandoned before the next run starts. */
const STORM_DRAIN_MS = 3_000;
const WATCHDOG_MS = 40 * 60_000;
const RESULTS_FILE = path.join(ROOT, "bench", "results.json");
const MIB = 1024 * 1024;

function boundedInt(value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new Error(`bench: expected an integer from ${min} to ${max}, got ${value}`);
  return number;
}

/** A server whose CPU, event loop and memory the bench reads: Keyhole or a peer app. */
type Measured = Pick<BenchServer, "metrics" | "takeSampledPeakRss">;

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

/** Anything the run started that must be stopped: Keyhole servers and peer apps. */
const servers = new Set<{ name: string; logTail(): string; stop(): Promise<unknown> }>();
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
async function measuredRun(server: Measured, spec: LoadSpec): Promise<MeasuredRun> {
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

/** Fails early, with the answer, when a request does not get 200. */
async function expectOk(url: string, headers: Record<string, string>, what: string): Promise<unknown> {
  const response = await requestJson(url, { headers });
  if (response.status !== 200) throw new Error(`bench: ${what} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

/** Checks every session and token of the population before anything is timed: 200, the right user, the same notes. */
async function verifyKeyhole(server: BenchServer, population: Population): Promise<void> {
  for (const [index, cookie] of population.cookies.entries()) {
    const body = (await expectOk(`${server.url}/bff/session?extend=false`, { cookie }, "GET /bff/session")) as { user?: { email?: string } };
    if (body.user?.email !== population.cookieEmails[index]) throw new Error(`bench: session ${index} answered for ${body.user?.email}, not ${population.cookieEmails[index]}`);
  }
  for (const index of [0, population.cookies.length - 1]) {
    const direct = (await expectOk(`${server.url}/api/v1/notes`, { authorization: `Bearer ${population.accessTokens[index]}` }, "direct")) as { items: unknown[] };
    const viaBff = (await expectOk(`${server.url}/bff/api/notes`, { cookie: population.cookies[index]! }, "bff")) as { items: unknown[] };
    const owner = population.users.find((user) => user.email === population.cookieEmails[index])!;
    const viaPat = (await expectOk(`${server.url}/api/v1/notes`, { authorization: `Bearer ${owner.pat}` }, "pat")) as { items: unknown[] };
    if (JSON.stringify(direct) !== JSON.stringify(viaBff) || JSON.stringify(direct) !== JSON.stringify(viaPat) || direct.items.length !== NOTES) {
      throw new Error("bench: direct, bff and pat did not return the same notes");
    }
  }
}

type SessionScenario = "floor" | "keyhole-floor" | "session" | "bff" | "direct" | "pat" | PeerName;
const PEERS: PeerName[] = ["authjs", "better-auth", "better-auth-cache"];
const KEYHOLE_SCENARIOS: SessionScenario[] = ["keyhole-floor", "session", "bff", "direct", "pat"];
const SESSION_SCENARIOS: SessionScenario[] = ["floor", "keyhole-floor", "session", "bff", "direct", "pat", ...PEERS];
const SCENARIO_DESCRIPTIONS: Record<SessionScenario, string> = {
  floor: "floor app: a bare Next route handler (bench/apps/floor)",
  "keyhole-floor": `Keyhole's own floor: GET ${BASELINE_PATH}`,
  session: "GET /bff/session, 1,000 session cookies",
  bff: "GET /bff/api/notes (20 notes), 1,000 session cookies",
  direct: "GET /api/v1/notes (20 notes), 1,000 bearer JWTs",
  pat: "GET /api/v1/notes (20 notes), 50 personal access tokens",
  authjs: "Auth.js v5 auth() (JWE session), 1,000 sessions",
  "better-auth": "Better Auth getSession, 1,000 sessions",
  "better-auth-cache": "Better Auth getSession with cookieCache, 1,000 sessions",
};

interface FirstRequests {
  /** Each session's first request on a fresh instance (unseal + confirm against the database), one at a time. */
  first: { p50Ms: number; p99Ms: number; cpuMsPerRequest: number };
  /** The same sessions' second request on that instance, one at a time. */
  repeat: { p50Ms: number; p99Ms: number; cpuMsPerRequest: number };
  addedP99Ms: number;
  addedCpuMsPerRequest: number;
}

/**
 * A session's first request on an instance: a second Keyhole instance on the same database and
 * secrets has seen none of the sessions. Every session gets GET /bff/session once (its first
 * request there), then every session again (a repeat), one request at a time on one kept-alive
 * connection. Latency is what the client waits; CPU is the server process's own, per request,
 * which a noisy neighbour does not inflate.
 */
async function measureFirstRequests(server: BenchServer, cookies: string[]): Promise<FirstRequests> {
  const second = await startServer({ name: `${server.name}-second`, instanceOf: server });
  servers.add(second);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const pass = async (sessions: string[]) => {
      const latencies: number[] = [];
      const before = await second.metrics();
      for (const cookie of sessions) {
        const startedMs = performance.now();
        const response = await requestJson(`${second.url}/bff/session?extend=false`, { headers: { cookie }, agent });
        if (response.status !== 200) throw new Error(`bench: GET /bff/session on the second instance answered ${response.status}`);
        latencies.push(performance.now() - startedMs);
      }
      const after = await second.metrics();
      latencies.sort((a, b) => a - b);
      return { p50Ms: round(percentile(latencies, 50), 3), p99Ms: round(percentile(latencies, 99), 3), cpuMsPerRequest: round((after.cpuMs - before.cpuMs) / sessions.length, 3) };
    };
    // Warms the route (and the connection) with sessions that are not measured.
    await pass(cookies.slice(0, FIRST_REQUEST_WARMUP));
    const measured = cookies.slice(FIRST_REQUEST_WARMUP);
    const first = await pass(measured);
    const repeat = await pass(measured);
    return { first, repeat, addedP99Ms: round(first.p99Ms - repeat.p99Ms, 3), addedCpuMsPerRequest: round(first.cpuMsPerRequest - repeat.cpuMsPerRequest, 3) };
  } finally {
    agent.destroy();
    await second.stop();
    servers.delete(second);
  }
}

interface SessionsBlock {
  database: string;
  scenarios: Record<SessionScenario, ScenarioSummary>;
  firstRequests: FirstRequests;
  /** Peak RSS of each process over the whole block (getrusage), set-up (1,000 sign-ins, 50 registrations) included. */
  maxRssMiB: Record<"keyhole" | "floor" | PeerName, number>;
  setupSeconds: number;
}

/**
 * Keyhole with 1,000 signed-in sessions (50 users × 20, 20 notes each) beside the floor app and the
 * peers on the same database, every scenario in turn, MEASURED_RUNS rounds.
 */
async function runSessionsBlock(database: "SQLite" | "PostgreSQL", postgresServerUrl?: string): Promise<SessionsBlock> {
  const setupStartedMs = Date.now();
  console.log(`bench: ${database}: starting Keyhole and signing in ${SHAPE.users} users × ${SHAPE.sessionsPerUser} sessions`);
  const keyhole = await startServer({ name: `keyhole-${database.toLowerCase()}`, postgresServerUrl, env: POPULATION_SERVER_ENV });
  servers.add(keyhole);
  const population = await populate(keyhole, SHAPE);
  await verifyKeyhole(keyhole, population);
  const peers = {} as Record<"floor" | PeerName, PeerApp>;
  for (const name of ["floor", ...PEERS] as const) {
    console.log(`bench: ${database}: starting ${name}`);
    peers[name] = await startPeer(name, { postgresServerUrl, ...SHAPE });
    servers.add(peers[name]);
    await verifyPeer(peers[name]);
  }
  const setupSeconds = round((Date.now() - setupStartedMs) / 1000, 1);
  console.log(`bench: ${database}: set up in ${setupSeconds} s`);

  // Access tokens live ACCESS_TOKEN_TTL (5 min): sessions are signed in afresh before they would
  // need a refresh mid-run, so every run times the steady state (a refresh is a few per session per hour).
  const freshPopulation = async () => {
    if (Date.now() - population.signedInAtMs > RENEW_SESSIONS_AFTER_MS) {
      console.log(`bench: ${database}: signing in the 1,000 sessions afresh`);
      Object.assign(population, await signInAll(keyhole, population.users, SHAPE.sessionsPerUser));
    }
    return population;
  };
  const spec = (url: string, seconds: number, rotate?: LoadSpec["rotate"]): LoadSpec => ({ url, connections: CONNECTIONS, durationSeconds: seconds, rotate });
  const peerSpec = (peer: PeerApp, seconds: number) => spec(`${peer.url}${peer.path}`, seconds, { header: "cookie", values: peer.sessions.map((session) => session.cookie) });
  const prepare: Record<SessionScenario, (seconds: number) => Promise<{ server: Measured; spec: LoadSpec }>> = {
    floor: async (s) => ({ server: peers.floor, spec: peerSpec(peers.floor, s) }),
    "keyhole-floor": async (s) => ({ server: keyhole, spec: spec(`${keyhole.url}${BASELINE_PATH}`, s) }),
    session: async (s) => ({
      server: keyhole,
      spec: spec(`${keyhole.url}/bff/session`, s, { header: "cookie", values: [...(await freshPopulation()).cookies], cookieName: SESSION_COOKIE }),
    }),
    bff: async (s) => ({
      server: keyhole,
      spec: spec(`${keyhole.url}/bff/api/notes`, s, { header: "cookie", values: [...(await freshPopulation()).cookies], cookieName: SESSION_COOKIE }),
    }),
    direct: async (s) => ({
      server: keyhole,
      spec: spec(`${keyhole.url}/api/v1/notes`, s, { header: "authorization", values: (await freshPopulation()).accessTokens.map((token) => `Bearer ${token}`) }),
    }),
    pat: async (s) => ({ server: keyhole, spec: spec(`${keyhole.url}/api/v1/notes`, s, { header: "authorization", values: population.users.map((user) => `Bearer ${user.pat}`) }) }),
    authjs: async (s) => ({ server: peers.authjs, spec: peerSpec(peers.authjs, s) }),
    "better-auth": async (s) => ({ server: peers["better-auth"], spec: peerSpec(peers["better-auth"], s) }),
    // Its cache cookie lasts 5 minutes and the check cannot renew it: renewed before every run.
    "better-auth-cache": async (s) => {
      await renewSessions(peers["better-auth-cache"]);
      return { server: peers["better-auth-cache"], spec: peerSpec(peers["better-auth-cache"], s) };
    },
  };

  console.log(`bench: ${database}: warm-up, ${WARMUP_SECONDS} s per scenario`);
  for (const name of SESSION_SCENARIOS) {
    const { spec: warmUp } = await prepare[name](WARMUP_SECONDS);
    await runLoad(warmUp);
  }
  const runs = Object.fromEntries(SESSION_SCENARIOS.map((name) => [name, [] as MeasuredRun[]])) as Record<SessionScenario, MeasuredRun[]>;
  const peaks = Object.fromEntries(SESSION_SCENARIOS.map((name) => [name, 0])) as Record<SessionScenario, number>;
  for (let round = 0; round < MEASURED_RUNS; round += 1) {
    // Rotate the order each round so no scenario always runs first or last.
    const order = SESSION_SCENARIOS.map((_, index) => SESSION_SCENARIOS[(index + round) % SESSION_SCENARIOS.length]!);
    for (const name of order) {
      const { server, spec: load } = await prepare[name](RUN_SECONDS);
      server.takeSampledPeakRss();
      const result = await measuredRun(server, load);
      const { rssBytes } = await server.metrics();
      peaks[name] = Math.max(peaks[name], server.takeSampledPeakRss(), rssBytes);
      runs[name].push(result);
      console.log(`bench: ${database} run ${round + 1}/${MEASURED_RUNS} ${name.padEnd(17)} ${formatRun(result)}`);
    }
  }

  console.log(`bench: ${database}: first requests on a second instance`);
  const firstRequests = await measureFirstRequests(keyhole, (await freshPopulation()).cookies);

  const maxRssMiB = {} as SessionsBlock["maxRssMiB"];
  for (const [name, process] of [["keyhole", keyhole], ...Object.entries(peers)] as [keyof SessionsBlock["maxRssMiB"], BenchServer | PeerApp][]) {
    const { maxRssBytes } = await process.stop();
    servers.delete(process);
    maxRssMiB[name] = maxRssBytes === null ? Number.NaN : round(maxRssBytes / MIB, 1);
  }
  const scenarios = Object.fromEntries(SESSION_SCENARIOS.map((name) => [name, summarize(SCENARIO_DESCRIPTIONS[name], runs[name], peaks[name])])) as SessionsBlock["scenarios"];
  return { database, scenarios, firstRequests, maxRssMiB, setupSeconds };
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

/** A ratio of two throughputs in one block, with its goal when it is a target of issue 17's. */
interface Ratio {
  name: string;
  value: number;
  goal: string;
  met: boolean | null;
}

const rpsOf = (block: SessionsBlock, name: SessionScenario) => block.scenarios[name].median.requestsPerSecond;

function blockRatios(block: SessionsBlock): Ratio[] {
  const ratio = (numerator: SessionScenario, denominator: SessionScenario, min?: number): Ratio => {
    const value = round(rpsOf(block, numerator) / rpsOf(block, denominator));
    return { name: `${numerator} ÷ ${denominator}`, value, goal: min === undefined ? "-" : `≥ ${min.toFixed(2)}`, met: min === undefined ? null : value >= min };
  };
  const keyholePeak = Math.max(...KEYHOLE_SCENARIOS.map((name) => block.scenarios[name].peakRssMiB));
  const rss = round(keyholePeak / block.scenarios.floor.peakRssMiB);
  return [
    ratio("session", "floor", 0.9),
    ratio("bff", "floor", 0.65),
    ratio("bff", "direct", 0.9),
    ratio("direct", "floor"),
    ratio("pat", "direct"),
    ratio("keyhole-floor", "floor"),
    ...PEERS.map((peer) => ratio("session", peer, 1)),
    { name: "first request: added p99 ms", value: block.firstRequests.addedP99Ms, goal: "≤ 2", met: block.firstRequests.addedP99Ms <= 2 },
    { name: "peak RSS while timed: keyhole ÷ floor", value: rss, goal: "≤ 1.20", met: rss <= 1.2 },
  ];
}

async function main() {
  const startedAt = new Date();
  const machineAtStart = machine();
  console.log(`bench: ${machineAtStart.nproc} cores (${machineAtStart.cpuModel}), ${machineAtStart.memoryTotalGiB} GiB, node ${machineAtStart.node}, load ${machineAtStart.loadAverage.join(" ")}`);
  const buildMode = args.build ? "always" : args["no-build"] ? "never" : "auto";
  ensureBuild(buildMode);
  ensurePeerApps(buildMode);
  const cpuProfileDir = args["cpu-prof"] ? path.join(ROOT, "bench", "profiles", startedAt.toISOString().replace(/[:.]/g, "-")) : undefined;
  if (cpuProfileDir) fs.mkdirSync(cpuProfileDir, { recursive: true });

  const blocks = [await runSessionsBlock("SQLite")];
  if (!args["skip-postgres"]) blocks.push(await runSessionsBlock("PostgreSQL", args["postgres-url"]));

  let loginStorm: Awaited<ReturnType<typeof runLoginStorm>> | null = null;
  let stormServerMaxRssMiB: number | null = null;
  if (!args["skip-login-storm"]) {
    console.log("bench: starting a server for the login-storm (bcrypt cost 12)");
    const server = await startServer({ name: "login-storm", cpuProfileDir });
    servers.add(server);
    const user = await registerUser(server, "storm");
    loginStorm = await runLoginStorm(server, user);
    const stopped = await server.stop();
    servers.delete(server);
    stormServerMaxRssMiB = stopped.maxRssBytes === null ? null : round(stopped.maxRssBytes / MIB, 1);
  }
  const refreshStorm = args["skip-refresh-storm"] ? null : await runRefreshStorm({});
  const finishedAt = new Date();

  const scenarioRows = [["scenario", ...blocks.map((block) => `${block.database} req/s`), ...blocks.map((block) => `${block.database} p99 ms`), "CPU ms/req", "peak RSS MiB"]];
  for (const name of SESSION_SCENARIOS) {
    scenarioRows.push([
      name,
      ...blocks.map((block) => block.scenarios[name].median.requestsPerSecond.toFixed(0)),
      ...blocks.map((block) => block.scenarios[name].median.p99Ms.toFixed(2)),
      blocks.map((block) => formatNumber(block.scenarios[name].median.serverCpuMsPerRequest, 3)).join(" / "),
      blocks.map((block) => formatNumber(block.scenarios[name].peakRssMiB, 1)).join(" / "),
    ]);
  }
  const ratios = blocks.map(blockRatios);
  const ratioRows = [
    ["ratio (same run)", ...blocks.map((block) => block.database), "goal", "met"],
    ...ratios[0]!.map((ratio, index) => [
      ratio.name,
      ...ratios.map((perBlock) => String(perBlock[index]!.value)),
      ratio.goal,
      ratio.met === null ? "-" : ratios.every((perBlock) => perBlock[index]!.met) ? "yes" : "NO",
    ]),
  ];
  const detailRows = [
    ["per database", ...blocks.map((block) => block.database)],
    ...(["first", "repeat"] as const).map((pass) => [
      `${pass} request: p50 / p99 ms, server CPU ms`,
      ...blocks.map(({ firstRequests }) => `${firstRequests[pass].p50Ms} / ${firstRequests[pass].p99Ms}, ${firstRequests[pass].cpuMsPerRequest}`),
    ]),
    ["first request: added server CPU ms", ...blocks.map((block) => String(block.firstRequests.addedCpuMsPerRequest))],
    ...(["keyhole", "floor", ...PEERS] as const).map((name) => [`peak RSS ${name} MiB, set-up included`, ...blocks.map((block) => formatNumber(block.maxRssMiB[name], 1))]),
    ["set-up s", ...blocks.map((block) => String(block.setupSeconds))],
  ];
  const stormTargets: Target[] = [];
  if (loginStorm) {
    stormTargets.push(
      { name: "event-loop delay p99 during login-storm", value: loginStorm.sessionDuringStorm.eventLoopDelayP99Ms, unit: "ms", goal: "≤ 20 ms", met: loginStorm.sessionDuringStorm.eventLoopDelayP99Ms <= 20, meaning: "bcrypt runs off the event loop: logins do not freeze other requests" },
      {
        name: "session p99 during login-storm ÷ alone",
        value: round(loginStorm.sessionDuringStorm.median.p99Ms / loginStorm.sessionAlone.median.p99Ms),
        unit: "",
        goal: "≤ 2",
        met: loginStorm.sessionDuringStorm.median.p99Ms <= 2 * loginStorm.sessionAlone.median.p99Ms,
        meaning: "the tail latency of ordinary requests while 8 logins hash passwords",
      },
    );
  }
  if (refreshStorm) {
    stormTargets.push(
      { name: "refresh-storm non-2xx", value: refreshStorm.non2xx, unit: "", goal: "0", met: refreshStorm.non2xx === 0, meaning: "parallel requests with expired access tokens all succeed (single-flight refresh)" },
      { name: "refresh-storm sessions lost", value: refreshStorm.sessionsLost, unit: "", goal: "0", met: refreshStorm.sessionsLost === 0, meaning: "no session is logged out by its own parallel refreshes" },
    );
  }
  const stormRows = [["storms (SQLite)", "value", "goal", "met"], ...stormTargets.map((target) => [target.name, `${target.value}${target.unit ? ` ${target.unit}` : ""}`, target.goal, target.met ? "yes" : "NO"])];
  if (loginStorm) {
    stormRows.push(["session alone / during storm req/s", `${loginStorm.sessionAlone.median.requestsPerSecond.toFixed(0)} / ${loginStorm.sessionDuringStorm.median.requestsPerSecond.toFixed(0)}`, "-", "-"]);
    stormRows.push(["logins (8 in flight, cost 12) p50 ms", loginStorm.logins.median.p50Ms.toFixed(0), "-", "-"]);
  }
  if (refreshStorm) stormRows.push([`refresh-storm (${refreshStorm.requests} requests) p50 / p99 ms`, `${refreshStorm.p50Ms} / ${refreshStorm.p99Ms}`, "-", "-"]);

  const machineAtEnd = machine();
  const machineLine = `${machineAtStart.nproc} cores (${machineAtStart.cpuModel}), ${machineAtStart.memoryTotalGiB} GiB RAM, ${machineAtStart.platform}, Node.js ${machineAtStart.node}; load average ${machineAtStart.loadAverage.join(" ")} at start, ${machineAtEnd.loadAverage.join(" ")} at end`;
  const settingsLine = `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${MEASURED_RUNS} × ${RUN_SECONDS} s per scenario, round-robin, medians; ${SHAPE.users} users × ${SHAPE.sessionsPerUser} sessions, ${SHAPE.notesPerUser} notes each; ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s in all`;
  const tables = [table(scenarioRows), table(ratioRows), table(detailRows), ...(stormTargets.length > 0 ? [table(stormRows)] : [])].join("\n\n");
  console.log(`\n${tables}\n`);
  console.log(`Machine: ${machineLine}\nSettings: ${settingsLine}`);
  const allTargets = [...ratios.flat().filter((ratio) => ratio.met !== null), ...stormTargets];
  console.log(`Targets met: ${allTargets.filter((target) => target.met).length}/${allTargets.length}`);

  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    commit: gitCommit(),
    machine: { ...machineAtStart, loadAverageAtEnd: machineAtEnd.loadAverage },
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, runSeconds: RUN_SECONDS, measuredRuns: MEASURED_RUNS, shape: SHAPE, loginsInFlight: LOGINS_IN_FLIGHT, refreshStorm: REFRESH_STORM, cpuProfileDir: cpuProfileDir ?? null },
    blocks: blocks.map((block, index) => ({ ...block, ratios: ratios[index] })),
    loginStorm,
    stormServerMaxRssMiB,
    refreshStorm,
    stormTargets,
    markdown: `${tables}\n\nMachine: ${machineLine}.\nSettings: ${settingsLine}.`,
  };
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench: wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

const formatNumber = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

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
