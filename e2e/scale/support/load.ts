/**
 * Steady load for e2e/scale: signed-in visitors, each a session (its cookie) that a load balancer
 * sends to one of the instances, reading and writing notes through the BFF in a bounded loop.
 * Like a load balancer, a visitor whose instance refuses or drops the connection is sent to the
 * next instance and the request is tried again there. Every answer is recorded, and the id of
 * every note an instance answered 201 for, so that lost writes can be looked for afterwards.
 * Plain fetch (no cookie jar, keep-alive), only to 127.0.0.1.
 */
import { percentile } from "../../../bench/load";
import { unsealSessionCookie } from "../../fixtures";
import { bffHeaders, cookieHeader, sessionCookieFrom } from "../../security/support/attacker";

export interface Instance {
  name: string;
  url: string;
}

export interface Visitor {
  label: string;
  cookie: string;
  /** Index (modulo the instance count) of the instance the load balancer sends this visitor to. */
  instance: number;
  /** Notes created for this visitor (answered 201), and which instance answered. */
  notes: { id: string; instance: string }[];
  /** How many times an answer carried a cookie with a new access token (the BFF refreshed). */
  refreshes: number;
}

export interface Answer {
  visitor: string;
  instance: string;
  request: string;
  /** The HTTP status; `connection` when the connection was refused or dropped (then retried elsewhere); `timeout`. */
  status: number | "connection" | "timeout";
  startedAtMs: number;
  ms: number;
  /** For an answer of 500 or more: what it says it is, to tell an announced outage (503 problem, Retry-After) from a crash. */
  contentType?: string | null;
  retryAfter?: string | null;
}

/** Longer than any answer should take, so a hung request is measured rather than cut short. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Each visitor pauses this long between requests: ~10 requests a second each, gentle on a shared machine. */
const THINK_TIME_MS = 100;
const MAX_REQUESTS_PER_VISITOR = 1_000;
const MAX_LOAD_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function isSuccess(answer: Answer): boolean {
  return typeof answer.status === "number" && answer.status >= 200 && answer.status < 300;
}

/**
 * One BFF request as `visitor`, to its instance, retried on the next instance after a connection
 * error (at most once per instance). Keeps the cookie the answer sets. Null after a timeout or when
 * no instance took the connection.
 */
export async function sendAs(
  visitor: Visitor,
  instances: Instance[],
  answers: Answer[],
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; instance: string } | null> {
  for (let attempt = 0; attempt < instances.length; attempt++) {
    const instance = instances[visitor.instance % instances.length]!;
    const recorded = { visitor: visitor.label, instance: instance.name, request: `${method} ${path}`, startedAtMs: performance.now() };
    const headers = method === "GET" ? cookieHeader(visitor.cookie) : bffHeaders(instance.url, visitor.cookie, { "Content-Type": "application/json" });
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${instance.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      answers.push({ ...recorded, status: timedOut ? "timeout" : "connection", ms: performance.now() - recorded.startedAtMs });
      if (timedOut) return null;
      visitor.instance++;
      continue;
    }
    const status = response.status;
    answers.push({
      ...recorded,
      status,
      ms: performance.now() - recorded.startedAtMs,
      ...(status >= 500 ? { contentType: response.headers.get("content-type"), retryAfter: response.headers.get("retry-after") } : {}),
    });
    await keepCookie(visitor, response);
    return { status, json: text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null, instance: instance.name };
  }
  return null;
}

async function keepCookie(visitor: Visitor, response: Response): Promise<void> {
  const cookie = sessionCookieFrom(response);
  if (!cookie || cookie === visitor.cookie) return;
  const [before, after] = await Promise.all([unsealSessionCookie(visitor.cookie), unsealSessionCookie(cookie)]);
  if (before.accessToken !== after.accessToken) visitor.refreshes++;
  visitor.cookie = cookie;
}

/** Creates a note as `visitor`; remembers its id when answered 201. */
export async function createNote(visitor: Visitor, instances: Instance[], answers: Answer[], title: string): Promise<number | null> {
  const answer = await sendAs(visitor, instances, answers, "POST", "/bff/api/notes", { title, body: "" });
  if (answer?.status === 201) {
    visitor.notes.push({ id: (answer.json as { note: { id: string } }).note.id, instance: answer.instance });
  }
  return answer?.status ?? null;
}

async function visit(visitor: Visitor, instances: Instance[], answers: Answer[], isStopped: () => boolean): Promise<void> {
  const deadline = performance.now() + MAX_LOAD_MS;
  for (let n = 0; n < MAX_REQUESTS_PER_VISITOR && !isStopped() && performance.now() < deadline; n++) {
    if (n % 3 === 2) await createNote(visitor, instances, answers, `${visitor.label} #${n}`);
    else if (n % 6 === 0) await sendAs(visitor, instances, answers, "GET", "/bff/session");
    else await sendAs(visitor, instances, answers, "GET", "/bff/api/notes?limit=5");
    await sleep(THINK_TIME_MS);
  }
}

/** Starts every visitor's loop; `stop()` ends them (each after its current request) and waits. */
export function startLoad(visitors: Visitor[], instances: Instance[]): { answers: Answer[]; stop: () => Promise<void> } {
  const answers: Answer[] = [];
  let stopped = false;
  const running = Promise.all(visitors.map((visitor) => visit(visitor, instances, answers, () => stopped)));
  return {
    answers,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/** The notes answered 201 that a GET by id (as their owner, on any instance) does not answer 200: lost writes. */
export async function findUnreadableNotes(visitors: Visitor[], instances: Instance[]): Promise<{ id: string; instance: string; status: number | null }[]> {
  const unreadable: { id: string; instance: string; status: number | null }[] = [];
  await Promise.all(
    visitors.map(async (visitor) => {
      for (const note of visitor.notes) {
        const answer = await sendAs(visitor, instances, [], "GET", `/bff/api/notes/${note.id}`);
        if (answer?.status !== 200) unreadable.push({ ...note, status: answer?.status ?? null });
      }
    }),
  );
  return unreadable;
}

/** `200×812 201×301 503×14 connection×2; p50 6 ms, p99 48 ms, max 930 ms` */
export function describeAnswers(answers: Answer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(String(answer.status), (counts.get(String(answer.status)) ?? 0) + 1);
  const statuses = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status}×${count}`);
  const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const ms = (p: number) => Math.round(percentile(latencies, p));
  return `${answers.length} answers (${statuses.join(" ")}); p50 ${ms(50)} ms, p99 ${ms(99)} ms, max ${ms(100)} ms`;
}
