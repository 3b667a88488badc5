/**
 * Scale-out, end to end: three production instances (what `npm start` runs), started at the same
 * moment, serve one database on a PostgreSQL cluster of this spec's own (e2e/support/private-postgres.ts),
 * which it stops and restarts without touching the server the rest of the suite shares.
 * - A session signed in on A, used on B and signed out on C is refused by A and B as the sign-out
 *   commits (pushed, not polled). The issue's target, 100 ms p99, is measured and printed here; the
 *   assertion allows 500 ms (a poll every second would need up to 1 s), so a loaded CI machine
 *   cannot make it flaky.
 * - kill -9 of B under load: A and C answer every request, no one is signed out, every note
 *   answered 201 (by B too) survives, and B restarts while A and C serve.
 * - PostgreSQL restarted under load: nothing over 500 but announced 503s, no request held over
 *   2 s, no one signed out, every note answered 201 survives.
 * Runs only on PostgreSQL (the `scale` project of playwright.config.ts). Every measurement prints
 * one summary line.
 */
import path from "node:path";
import pg from "pg";
import { percentile } from "../../bench/load";
import { committedMigrations } from "../../scripts/migrate";
import { createDatabase } from "../../test/databases";
import { findFreePorts } from "../../test/free-ports";
import { bearer, expect, registerAccount, test as base, unsealSessionCookie, type Account } from "../fixtures";
import { bffHeaders, cleanContext, cookieHeader, signInBff } from "../security/support/attacker";
import { startPrivatePostgres, type PrivatePostgres } from "../support/private-postgres";
import { SERVER_READY_TIMEOUT_MS, startProductionServer, type ProductionServer } from "../support/production-server";
import { getTestRun, type ServerInstance } from "../support/test-run";
import {
  createNote,
  describeAnswers,
  findUnreadableNotes,
  isSuccess,
  sendAs,
  startLoad,
  type Answer,
  type Instance,
  type Visitor,
} from "./support/load";

/** Short enough that the BFF refreshes every visitor's tokens several times during each load phase. */
const SCALE_ENV = { ACCESS_TOKEN_TTL: "6s" };

interface Cluster {
  postgres: PrivatePostgres;
  databaseUrl: string;
  /** A, B and C, in that order. */
  instances: Instance[];
  servers: Map<string, ProductionServer>;
  /** From the simultaneous start of the three on the empty database until all three answered. */
  startedInMs: number;
  /** Starts `name` again (its port, its database); resolves with how long it took to answer. */
  restart(name: string): Promise<number>;
}

const test = base.extend<object, { cluster: Cluster }>({
  cluster: [
    async ({}, use) => {
      const postgres = await startPrivatePostgres();
      const servers = new Map<string, ProductionServer>();
      try {
        const databaseUrl = await createDatabase(postgres.serverUrl, "keyhole");
        const ports = await findFreePorts(3);
        const tokenOrigin = `http://127.0.0.1:${ports[0]}`;
        // Same secrets, issuer and audience (replicas behind one load balancer); each its own APP_ORIGIN.
        const serverOf = (port: number): ServerInstance => ({
          ...getTestRun().servers.replicaA,
          port,
          url: `http://127.0.0.1:${port}`,
          databaseUrl,
          tokenOrigin,
          env: SCALE_ENV,
        });
        const configs = new Map(ports.map((port, index) => ["ABC"[index]!, serverOf(port)]));
        const instances = [...configs].map(([name, server]) => ({ name, url: server.url }));
        const start = async (name: string) => servers.set(name, await startProductionServer(configs.get(name)!));

        const startedAt = performance.now();
        // All three at once, on a database with no tables: the migration lock decides who migrates.
        // allSettled: a failed start must not leave the others running unseen by the cleanup below.
        const started = await Promise.allSettled(instances.map(({ name }) => start(name)));
        for (const result of started) if (result.status === "rejected") throw result.reason;
        const startedInMs = Math.round(performance.now() - startedAt);

        await use({
          postgres,
          databaseUrl,
          instances,
          servers,
          startedInMs,
          async restart(name) {
            const restartedAt = performance.now();
            await start(name);
            return Math.round(performance.now() - restartedAt);
          },
        });
      } finally {
        await Promise.all([...servers.values()].map((server) => server.stop()));
        await postgres.remove();
      }
    },
    { scope: "worker", timeout: 3 * SERVER_READY_TIMEOUT_MS },
  ],
});

// One cluster for the file, its tests in order; a failed test restarts the worker, and with it the cluster.
test.describe.configure({ mode: "default" });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const since = (startMs: number) => Math.round(performance.now() - startMs);

async function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}

async function registerAccounts(instance: Instance, count: number): Promise<Account[]> {
  const context = await cleanContext(instance.url);
  try {
    return await Promise.all(Array.from({ length: count }, () => registerAccount(context, { name: "Scale Test" })));
  } finally {
    await context.dispose();
  }
}

/** `count` sessions of 4 accounts, signed in on A, B and C in turn; the load balancer keeps each on the instance it signed in on. */
async function signInVisitors(instances: Instance[], count = 16): Promise<Visitor[]> {
  const accounts = await registerAccounts(instances[0]!, 4);
  return Promise.all(
    Array.from({ length: count }, async (_, index) => ({
      label: `visitor ${index}`,
      cookie: await signInBff(instances[index % instances.length]!.url, accounts[index % accounts.length]!),
      instance: index % instances.length,
      notes: [],
      refreshes: 0,
    })),
  );
}

/** `{ "500 GET /bff/session (application/problem+json)": 12, … }`: what went wrong, without a line per answer. */
function countByKind(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status, request, contentType } of answers) {
    const kind = `${status} ${request}${contentType ? ` (${contentType})` : ""}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function serverErrors(answers: Answer[]): Answer[] {
  return answers.filter((answer) => answer.status === "timeout" || (typeof answer.status === "number" && answer.status >= 500));
}

test("three instances started at the same moment on one empty database migrate it once and all serve", async ({ cluster }) => {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
    "SELECT migration_name, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished FROM _prisma_migrations",
  );
  await client.end();
  const committed = committedMigrations(path.resolve(import.meta.dirname, "..", "..", "prisma", "postgresql", "migrations"));
  console.log(`scale: three instances started at once on an empty database answered after ${cluster.startedInMs} ms; ${rows.length} migration rows for ${committed.length} committed migrations`);
  expect(rows.map((row) => row.migration_name).sort(), "each migration applied exactly once").toEqual(committed.sort());
  expect(rows.every((row) => row.finished)).toBe(true);
  for (const instance of cluster.instances) expect(await statusOf(`${instance.url}/bff/session`, {}), instance.name).toBe(401);
});

test("a session signed in on A, used on B and signed out on C is refused by A and B as the sign-out commits (cookie and access token)", async ({ cluster }) => {
  test.setTimeout(120_000);
  const ROUNDS = 20;
  const POLL_INTERVAL_MS = 5;
  const GIVE_UP_MS = 3_000;
  const PROPAGATION_P99_LIMIT_MS = 500;
  const [a, b, c] = cluster.instances as [Instance, Instance, Instance];
  const [account] = await registerAccounts(a, 1);

  type Probe = "cookie on A" | "cookie on B" | "token on A" | "token on B";
  const delays: Record<Probe, (number | null)[]> = { "cookie on A": [], "cookie on B": [], "token on A": [], "token on B": [] };
  const logoutMs: number[] = [];
  const unexpected: string[] = [];

  for (let round = 0; round < ROUNDS; round++) {
    const visitor: Visitor = { label: `round ${round}`, cookie: await signInBff(a.url, account!), instance: 0, notes: [], refreshes: 0 };
    const answers: Answer[] = [];
    expect((await sendAs(visitor, [b], answers, "GET", "/bff/session"))?.status, "B opens A's cookie").toBe(200);
    expect((await sendAs(visitor, [b], answers, "GET", "/bff/api/notes"))?.status).toBe(200);
    expect(await createNote(visitor, [b], answers, `round ${round}`), "a note created through B").toBe(201);
    const { accessToken } = await unsealSessionCookie(visitor.cookie);
    // Every probe answered once before the sign-out, so each instance holds the session as confirmed.
    const probes: Record<Probe, () => Promise<number>> = {
      "cookie on A": () => statusOf(`${a.url}/bff/session`, cookieHeader(visitor.cookie)),
      "cookie on B": () => statusOf(`${b.url}/bff/session`, cookieHeader(visitor.cookie)),
      "token on A": () => statusOf(`${a.url}/api/v1/me`, bearer(accessToken)),
      "token on B": () => statusOf(`${b.url}/api/v1/me`, bearer(accessToken)),
    };
    for (const [name, probe] of Object.entries(probes)) expect(await probe(), name).toBe(200);

    const logoutStartedAt = performance.now();
    const logout = await fetch(`${c.url}/bff/logout`, { method: "POST", headers: bffHeaders(c.url, visitor.cookie) });
    expect(logout.status, "sign-out on C").toBe(204);
    logoutMs.push(since(logoutStartedAt));
    // Measured from C's answer: from then on the user believes the session is over.
    const signedOutAt = performance.now();
    await Promise.all(
      (Object.entries(probes) as [Probe, () => Promise<number>][]).map(async ([name, probe]) => {
        while (performance.now() - signedOutAt < GIVE_UP_MS) {
          const status = await probe();
          if (status === 401) return delays[name].push(since(signedOutAt));
          if (status !== 200) unexpected.push(`${name}: ${status}`);
          await sleep(POLL_INTERVAL_MS);
        }
        delays[name].push(null);
      }),
    );
  }

  const sorted = (values: (number | null)[]) => values.map((value) => value ?? Number.POSITIVE_INFINITY).sort((x, y) => x - y);
  const everywhere = sorted(Array.from({ length: ROUNDS }, (_, round) => Math.max(...Object.values(delays).map((values) => values[round] ?? Number.POSITIVE_INFINITY))));
  const summary = (values: number[]) => `p50 ${percentile(values, 50)} p99 ${percentile(values, 99)} max ${values.at(-1)}`;
  console.log(
    `scale: sign-out on C refused by A and B (${ROUNDS} rounds, ms after C answered, polled every ${POLL_INTERVAL_MS} ms): everywhere ${summary(everywhere)}; ` +
      (Object.entries(delays) as [Probe, (number | null)[]][]).map(([name, values]) => `${name} p99 ${percentile(sorted(values), 99)}`).join(", ") +
      `; the sign-out itself took p50 ${percentile(sorted(logoutMs), 50)} ms`,
  );
  expect(unexpected, "answers other than 200 and 401 while polling").toEqual([]);
  const neverRefused = (Object.entries(delays) as [Probe, (number | null)[]][]).flatMap(([name, values]) => values.flatMap((value, round) => (value === null ? [`${name}, round ${round}`] : [])));
  expect(neverRefused, `signed-out sessions still accepted ${GIVE_UP_MS} ms after the sign-out`).toEqual([]);
  expect(percentile(everywhere, 99), "p99 propagation of a sign-out to every other instance (ms)").toBeLessThanOrEqual(PROPAGATION_P99_LIMIT_MS);
});

test("kill -9 of one instance under load: the others answer every request, no one is signed out, no write is lost, and it restarts while they serve", async ({ cluster }) => {
  test.setTimeout(3 * 60_000);
  const instances = cluster.instances;
  const visitors = await signInVisitors(instances, 17);
  // Signed in on B, left idle while B dies, then sent to the restarted B (its access token has expired by then).
  const checker = visitors.pop()!;
  const load = startLoad(visitors, instances);
  const b = cluster.servers.get("B")!;

  await sleep(3_000);
  await b.kill();
  await sleep(4_000);
  const restartMs = await cluster.restart("B");
  const restartedAt = performance.now();
  const checks: Answer[] = [];
  const restartedB = [instances[1]!];
  const servedAfterRestart = [
    (await sendAs(checker, restartedB, checks, "GET", "/bff/session"))?.status,
    (await sendAs(checker, restartedB, checks, "GET", "/bff/api/notes"))?.status,
    await createNote(checker, restartedB, checks, "after the restart"),
    await statusOf(`${instances[1]!.url}/api/v1/me`, bearer((await unsealSessionCookie(checker.cookie)).accessToken)),
  ];
  await sleep(2_000);
  await load.stop();

  const answers = load.answers;
  const connectionErrors = answers.filter((answer) => answer.status === "connection");
  const signedOut = answers.filter((answer) => answer.status === 401);
  const notes = visitors.flatMap((visitor) => visitor.notes);
  const notesByB = notes.filter((note) => note.instance === "B").length;
  const unreadable = await findUnreadableNotes([...visitors, checker], instances);
  console.log(
    `scale: kill -9 of B under load: ${describeAnswers(answers)}; ` +
      `connection errors ${connectionErrors.length} (on ${[...new Set(connectionErrors.map((answer) => answer.instance))].join(",") || "none"}), each retried on the next instance; ` +
      `401 ${signedOut.length}; notes answered 201: ${notes.length} (${notesByB} by B before it died) + ${checker.notes.length} by the restarted B, unreadable ${unreadable.length}; ` +
      `refreshes ${visitors.reduce((sum, visitor) => sum + visitor.refreshes, 0)}; B restarted in ${restartMs} ms while A and C served, then answered ${servedAfterRestart.join(" ")}`,
  );
  expect(b.exitStatus()).toBe("SIGKILL");
  expect.soft(countByKind(serverErrors(answers)), "5xx or timed-out answers").toEqual({});
  expect.soft(countByKind(signedOut), "sessions refused (401): someone was signed out").toEqual({});
  expect.soft(connectionErrors.filter((answer) => answer.instance !== "B" || answer.startedAtMs > restartedAt), "connection errors other than B's while it was down").toEqual([]);
  expect.soft(unreadable, "notes answered 201 that cannot be read back (lost writes)").toEqual([]);
  expect.soft(notesByB, "B answered some writes before it died").toBeGreaterThan(0);
  expect.soft(servedAfterRestart, "the restarted B serves: session, notes, a new note, the API with a bearer token").toEqual([200, 200, 201, 200]);
  for (const name of ["A", "C"]) expect.soft(cluster.servers.get(name)!.exitStatus(), `${name} still runs`).toBeNull();
});

test("PostgreSQL restarted under load: only 503s with Retry-After during the outage, none held over 2 s, no one signed out, no write lost", async ({ cluster }) => {
  test.setTimeout(2 * 60_000);
  const OUTAGE_MS = 2_000;
  const REQUEST_LIMIT_MS = 2_000;
  const RECOVERY_LIMIT_MS = 5_000;
  const instances = cluster.instances;
  const visitors = await signInVisitors(instances);
  const load = startLoad(visitors, instances);

  await sleep(3_000);
  const stoppingAt = performance.now();
  await cluster.postgres.stop("fast");
  const stoppedAt = performance.now();
  await sleep(OUTAGE_MS);
  await cluster.postgres.start();
  const upAt = performance.now();
  // When each visitor was first answered with success again, by a request sent after PostgreSQL came back.
  const recoveredAt = (visitor: Visitor) => {
    const answer = load.answers.find((answer) => answer.visitor === visitor.label && answer.startedAtMs >= upAt && isSuccess(answer));
    return answer && answer.startedAtMs + answer.ms;
  };
  const recoveryDeadline = upAt + 2 * RECOVERY_LIMIT_MS;
  while (visitors.some((visitor) => recoveredAt(visitor) === undefined) && performance.now() < recoveryDeadline) await sleep(100);
  await sleep(1_000);
  await load.stop();

  const answers = load.answers;
  const recoveryMs = visitors.map((visitor) => recoveredAt(visitor)).map((at) => (at === undefined ? Number.POSITIVE_INFINITY : Math.round(at - upAt)));
  const outage = answers.filter((answer) => answer.startedAtMs + answer.ms >= stoppingAt && answer.startedAtMs <= upAt);
  const otherServerErrors = serverErrors(answers).filter((answer) => answer.status !== 503);
  const unannounced503s = answers.filter((answer) => answer.status === 503 && (!answer.contentType?.startsWith("application/problem+json") || !answer.retryAfter));
  const slow = answers.filter((answer) => answer.ms > REQUEST_LIMIT_MS);
  const signedOut = answers.filter((answer) => answer.status === 401);
  const unreadable = await findUnreadableNotes(visitors, instances);
  const stillSignedIn = await Promise.all(
    visitors.flatMap((visitor) => instances.map(async (instance) => ((await statusOf(`${instance.url}/bff/session`, cookieHeader(visitor.cookie))) === 200 ? 1 : 0) as number)),
  );
  console.log(
    `scale: PostgreSQL stopped (fast, took ${Math.round(stoppedAt - stoppingAt)} ms) for ${Math.round(upAt - stoppedAt)} ms under load: ` +
      `during the outage ${describeAnswers(outage)}; overall ${describeAnswers(answers)}; ` +
      `5xx other than 503: ${otherServerErrors.length} ${JSON.stringify(countByKind(otherServerErrors))}; ` +
      `503 without problem+json or Retry-After: ${unannounced503s.length}; over ${REQUEST_LIMIT_MS} ms: ${slow.length}; 401: ${signedOut.length}; ` +
      `every visitor served again ${Math.max(...recoveryMs)} ms after PostgreSQL was back (p50 ${percentile([...recoveryMs].sort((x, y) => x - y), 50)}); ` +
      `sessions valid afterwards on every instance ${stillSignedIn.reduce((sum, ok) => sum + ok, 0)}/${stillSignedIn.length}; ` +
      `notes answered 201: ${visitors.reduce((sum, visitor) => sum + visitor.notes.length, 0)}, unreadable ${unreadable.length}`,
  );
  expect.soft(countByKind(otherServerErrors), "5xx other than 503, or timeouts").toEqual({});
  expect.soft(unannounced503s.length, "503s without problem+json or Retry-After").toBe(0);
  expect.soft(Math.round(Math.max(...answers.map((answer) => answer.ms))), "the longest request (ms)").toBeLessThanOrEqual(REQUEST_LIMIT_MS);
  expect.soft(countByKind(signedOut), "sessions refused (401): someone was signed out").toEqual({});
  expect.soft(Math.max(...recoveryMs), "ms until every visitor was served again").toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
  expect.soft(stillSignedIn.every(Boolean), "every session valid on every instance afterwards").toBe(true);
  expect.soft(unreadable, "notes answered 201 that cannot be read back (lost writes)").toEqual([]);
  for (const [name, server] of cluster.servers) expect.soft(server.exitStatus(), `${name} still runs`).toBeNull();
});
