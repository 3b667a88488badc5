/**
 * How the BFF reaches the API: one interface, two transports, chosen where the BFF is wired.
 * - in-process: the built-in Hono app is called with the same Request a network call would
 *   carry (bearer token included), so the API checks it exactly as for any caller, without a
 *   loopback hop (docs/decisions/009-in-process-upstream.md).
 * - HTTP: keep-alive fetch to a configured base URL, e.g. a Laravel or Symfony API that speaks
 *   the same token endpoint contract.
 * The upstream URL is configured, never derived from the incoming request.
 */
import "server-only";
import { AppError } from "../shared/errors";
import type { RequestContext } from "../shared/request-context";

export const UPSTREAM_TIMEOUT_MS = 10_000;

export interface UpstreamRequest {
  method: string;
  /** Path below the API root, e.g. `/notes/123?x=1`. Always starts with `/`. */
  path: string;
  headers: Headers;
  body?: Uint8Array<ArrayBuffer> | string;
}

/**
 * Headers for a call made with the session's own token on the browser's behalf: the bearer token,
 * and, as any reverse proxy passes them, the browser's user agent and address (the activity log and
 * the API's limits see the browser, not the BFF).
 */
export function sessionHeaders(accessToken: string, context: RequestContext, init?: HeadersInit): Headers {
  const headers = new Headers(init);
  headers.set("authorization", `Bearer ${accessToken}`);
  if (context.userAgent) headers.set("user-agent", context.userAgent);
  if (context.ip) headers.set("x-forwarded-for", context.ip);
  return headers;
}

export interface Upstream {
  /** Calls the API. Network failures become 502/504 problems, never a sign-out. */
  call(input: UpstreamRequest): Promise<Response>;
}

function createUpstream(baseUrl: string, send: (request: Request) => Promise<Response>, isNetwork: boolean): Upstream {
  const root = baseUrl.replace(/\/$/, "");
  return {
    async call(input) {
      if (!input.path.startsWith("/")) throw new TypeError("upstream path must start with /");
      const request = new Request(`${root}${input.path}`, {
        method: input.method,
        headers: input.headers,
        body: input.body,
        // Only fetch observes the signal. In-process, a per-request AbortSignal.timeout only cost
        // memory: on Node 20 the Requests tied to one stayed on the heap (+~20 KB per request).
        signal: isNetwork ? AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) : undefined,
        redirect: "manual",
      });
      try {
        return await send(request);
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === "TimeoutError";
        throw new AppError(timedOut ? "upstream_timeout" : "upstream_unavailable", { cause: error });
      }
    },
  };
}

/** An API served over HTTP at `baseUrl` (API_BASE_URL). */
export function createHttpUpstream(baseUrl: string): Upstream {
  return createUpstream(baseUrl, (request) => fetch(request), true);
}

/** An API in this process: `fetch` is its request handler (the Hono app's), `baseUrl` where it is mounted. */
export function createInProcessUpstream(baseUrl: string, fetch: (request: Request) => Response | Promise<Response>): Upstream {
  return createUpstream(baseUrl, async (request) => fetch(request), false);
}
