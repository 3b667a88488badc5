// The part of autocannon's API the benchmark uses (the package ships no types; @types/autocannon
// describes v7, this is v9).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface Options {
    url: string;
    method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds per request. */
    timeout?: number;
    /** Request hooks: `context` is kept per connection from a request to its response. */
    requests?: {
      setupRequest?(request: { headers?: Record<string, string> }, context: Record<string, unknown>): object;
      onResponse?(status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>): void;
    }[];
  }

  interface Histogram {
    average: number;
    mean: number;
    min: number;
    max: number;
    p50: number;
    p99: number;
    total: number;
  }

  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: Histogram;
    requests: Histogram & { sent: number };
    statusCodeStats: Record<string, { count: number }>;
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
