/**
 * Hooks for `npm run bench` (bench/run.ts), served only when KEYHOLE_BENCH is on; otherwise the
 * /bench/* routes answer 404 like any unknown path, and nothing here runs.
 * - /bench/baseline: a constant JSON answer, the framework's floor to compare Keyhole's routes with.
 * - /bench/metrics: event-loop delay (perf_hooks.monitorEventLoopDelay, started once at boot by
 *   instrumentation.ts), CPU and memory of this process; `?reset=1` starts a new delay histogram.
 * - /bench/notes-query?user=ID: only the database read behind GET /api/v1/notes (no auth, no API
 *   framework), answering just the number of notes: the floor that one Prisma query sets.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import { getConfig } from "./config";
import { listNotes } from "./notes";
import { AppError, problemResponse } from "./shared/errors";

/** The monitor's timer interval. Its histogram records the time between two ticks, so a free loop reads ~this. */
export const EVENT_LOOP_RESOLUTION_MS = 10;
const BASELINE_BODY = JSON.stringify({ ok: true, service: "keyhole", route: "baseline" });
const NS_PER_MS = 1e6;

const globalForBench = globalThis as unknown as { keyholeEventLoopDelay?: IntervalHistogram };

export function isBenchEnabled(): boolean {
  return getConfig().benchEnabled;
}

/** Starts the event-loop delay monitor once per process (idempotent). */
export function startEventLoopMonitor(): void {
  if (globalForBench.keyholeEventLoopDelay) return;
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  globalForBench.keyholeEventLoopDelay = histogram;
}

export interface BenchMetrics {
  /** How late the monitor's timer fired (histogram value minus its interval), in ms. */
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
  /** Memory outside the V8 heap held by JS objects (Buffers, WebAssembly memory is not included). */
  externalBytes: number;
}

function readMetrics(histogram: IntervalHistogram): BenchMetrics {
  const ms = (ns: number) => Math.round((ns / NS_PER_MS) * 1000) / 1000;
  const late = (ns: number) => Math.max(0, ms(ns) - EVENT_LOOP_RESOLUTION_MS);
  const [p50, p99, max] = [histogram.percentile(50), histogram.percentile(99), histogram.max];
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    eventLoopDelayMs: { p50: late(p50), p99: late(p99), max: late(max), samples: histogram.count },
    eventLoopIntervalMs: { p50: ms(p50), p99: ms(p99), max: ms(max) },
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopActiveMs: performance.eventLoopUtilization().active,
    rssBytes: memory.rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
  };
}

const notFound = () => problemResponse(new AppError("not_found"));
const NO_STORE = { "cache-control": "no-store" };

export function benchBaselineResponse(): Response {
  if (!isBenchEnabled()) return notFound();
  return new Response(BASELINE_BODY, { headers: { "content-type": "application/json", ...NO_STORE } });
}

export function benchMetricsResponse(request: Request): Response {
  if (!isBenchEnabled()) return notFound();
  startEventLoopMonitor(); // a no-op after boot; covers a server started without instrumentation
  const histogram = globalForBench.keyholeEventLoopDelay!;
  const metrics = readMetrics(histogram);
  if (new URL(request.url).searchParams.get("reset") === "1") histogram.reset();
  return Response.json(metrics, { headers: NO_STORE });
}

export async function benchNotesQueryResponse(request: Request): Promise<Response> {
  if (!isBenchEnabled()) return notFound();
  const userId = new URL(request.url).searchParams.get("user") ?? "";
  const page = await listNotes(userId, { limit: 20 });
  return Response.json({ count: page.items.length }, { headers: NO_STORE });
}
