/**
 * Loaded into the production server by the benchmark only (`node --import` in
 * bench/bench-server.ts), so the app itself serves no metrics. Starts an event-loop delay monitor
 * and answers GET /metrics on its own loopback port (KEYHOLE_METRICS_PORT) with the delay
 * histogram, CPU and memory of this process; `?reset=1` starts a new histogram.
 * Plain JavaScript: a TypeScript loader in the server would cost ~100 MiB (bench/README.md).
 */
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";

/** The monitor's timer interval. Its histogram records the time between two ticks, so a free loop reads ~this. */
const EVENT_LOOP_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

const port = Number(process.env.KEYHOLE_METRICS_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error("bench/metrics-preload.mjs: KEYHOLE_METRICS_PORT is not set");

// Worker threads (the password pool) inherit --import: only the main thread, whose event loop
// serves the requests, is measured and serves the metrics.
if (isMainThread) startMetricsServer();

/** The shape bench/bench-server.ts reads (BenchMetrics there). */
function readMetrics(histogram) {
  const ms = (ns) => Math.round((ns / NS_PER_MS) * 1000) / 1000;
  const late = (ns) => Math.max(0, ms(ns) - EVENT_LOOP_RESOLUTION_MS);
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

function startMetricsServer() {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method !== "GET" || url.pathname !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    const body = JSON.stringify(readMetrics(histogram));
    if (url.searchParams.get("reset") === "1") histogram.reset();
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
  });
  // Loopback only, and never keeps the server process alive on its own.
  server.listen(port, "127.0.0.1");
  server.unref();
}
