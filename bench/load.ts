/**
 * One bounded autocannon run, and the statistics the report uses. Latency percentiles are taken
 * from every response time (autocannon's own histogram rounds to whole milliseconds).
 */
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /**
   * A header whose value changes with every request, round-robin over `values` (1,000 distinct
   * session cookies, say). With `cookieName`, a Set-Cookie of that name in an answer replaces the
   * value it answered, as a browser keeps the newest cookie (a re-sealed or refreshed session).
   */
  rotate?: { header: string; values: string[]; cookieName?: string };
}

export interface RunResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
}

/** Keeps every response time up to this many (a run at 10 000 req/s for 30 s fits). */
const MAX_LATENCY_SAMPLES = 300_000;
const REQUEST_TIMEOUT_SECONDS = 10;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** autocannon's per-request hooks for `spec.rotate`; the index travels in the request's context. */
function rotation(rotate: NonNullable<LoadSpec["rotate"]>): autocannon.Request {
  const values = rotate.values;
  let next = 0;
  const prefix = rotate.cookieName ? `${rotate.cookieName}=` : null;
  return {
    setupRequest(request, context) {
      const index = next;
      next = (next + 1) % values.length;
      context.index = index;
      return { ...request, headers: { ...request.headers, [rotate.header]: values[index]! } };
    },
    onResponse(_status, _body, context, headers) {
      if (!prefix || typeof context.index !== "number") return;
      // Header names arrive as the server wrote them (Node keeps their case).
      const name = Object.keys(headers).find((key) => key.toLowerCase() === "set-cookie");
      const setCookie = name === undefined ? undefined : headers[name];
      for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
        if (!line.startsWith(prefix)) continue;
        const end = line.indexOf(";");
        const value = end < 0 ? line : line.slice(0, end);
        if (value.length > prefix.length) values[context.index] = value;
      }
    },
  };
}

export async function runLoad(spec: LoadSpec): Promise<RunResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    ...(spec.rotate ? { requests: [rotation(spec.rotate)] } : {}),
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationSeconds,
    timeout: REQUEST_TIMEOUT_SECONDS,
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    if (latencies.length < MAX_LATENCY_SAMPLES) latencies.push(responseTimeMs);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
}
