/**
 * `npx tsx bench/try-peers.ts`: a quick look at the peer apps (bench/peers.ts), not the benchmark.
 * Installs and builds them if needed, then starts each on SQLite (and Better Auth on PostgreSQL
 * too), checks every one of 50 users × 20 sessions, runs 1 s of warm-up and 2 s of load at 32
 * connections with the cookies rotated per request, prints req/s and peak RSS, and stops everything.
 * Options: --users N (50), --sessions-per-user N (20), --seconds N (2), --warmup-seconds N (1), --connections N (32),
 *          --postgres-url URL (BENCH_POSTGRES_URL or the local server), --skip-postgres,
 *          --better-auth-sessions seeded|sign-in (seeded), --only NAME (one peer).
 */
import { parseArgs } from "node:util";
import { closeConnections } from "./http";
import { runLoad } from "./load";
import { ensurePeerApps, PEER_NAMES, startPeer, verifyPeer, type PeerName } from "./peers";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "50" },
    "sessions-per-user": { type: "string", default: "20" },
    seconds: { type: "string", default: "2" },
    "warmup-seconds": { type: "string", default: "1" },
    connections: { type: "string", default: "32" },
    "postgres-url": { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    "skip-postgres": { type: "boolean", default: false },
    "better-auth-sessions": { type: "string", default: "seeded" },
    only: { type: "string" },
  },
});
const users = Number(args.users);
const sessionsPerUser = Number(args["sessions-per-user"]);
const betterAuthSessions = args["better-auth-sessions"] === "sign-in" ? "sign-in" : "seeded";
const peers = PEER_NAMES.filter((name) => !args.only || name === args.only);
const MIB = 1024 * 1024;

async function tryPeer(name: PeerName, postgresServerUrl?: string): Promise<void> {
  const label = `${name} (${name === "floor" || name === "authjs" ? "no database" : postgresServerUrl ? "PostgreSQL" : "SQLite"})`;
  const startedAtMs = Date.now();
  const peer = await startPeer(name, { users, sessionsPerUser, postgresServerUrl, betterAuthSessions });
  const startMs = Date.now() - startedAtMs - peer.sessionSetupMs;
  try {
    const checkStartedAtMs = Date.now();
    await verifyPeer(peer);
    const checkMs = Date.now() - checkStartedAtMs;
    const load = (durationSeconds: number) => ({
      url: `${peer.url}${peer.path}`,
      rotate: { header: "cookie", values: peer.sessions.map((session) => session.cookie) },
      connections: Number(args.connections),
      durationSeconds,
    });
    if (Number(args["warmup-seconds"]) > 0) await runLoad(load(Number(args["warmup-seconds"])));
    peer.takeSampledPeakRss();
    const result = await runLoad(load(Number(args.seconds)));
    const sampledPeak = peer.takeSampledPeakRss();
    const { maxRssBytes } = await peer.stop();
    const cookieBytes = Math.round(peer.sessions.reduce((sum, session) => sum + session.cookie.length, 0) / peer.sessions.length);
    console.log(
      [
        label.padEnd(32),
        `start ${(startMs / 1000).toFixed(1)} s`,
        `sessions ${(peer.sessionSetupMs / 1000).toFixed(1)} s`,
        `check ${peer.sessions.length} in ${(checkMs / 1000).toFixed(1)} s`,
        `cookie ${cookieBytes} B`,
        `${result.requestsPerSecond} req/s`,
        `p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms`,
        `non-2xx ${result.non2xx} errors ${result.errors}`,
        `RSS peak under load ${(sampledPeak / MIB).toFixed(0)} MiB, max ${maxRssBytes === null ? "?" : (maxRssBytes / MIB).toFixed(0)} MiB`,
      ].join(" | "),
    );
  } catch (error) {
    console.error(`${label}: failed; server log:\n${peer.logTail()}`);
    await peer.stop();
    throw error;
  }
}

ensurePeerApps("auto");
for (const name of peers) await tryPeer(name);
if (!args["skip-postgres"]) for (const name of peers.filter((peer) => peer.startsWith("better-auth"))) await tryPeer(name, args["postgres-url"]);
closeConnections();
