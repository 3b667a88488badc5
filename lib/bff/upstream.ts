/**
 * How the BFF reaches the API: one interface, two transports.
 * - built-in: the Hono app is called in-process with the same Request a network call would carry
 *   (bearer token included), so the API checks it exactly as for any caller, without a loopback hop.
 * - external: HTTP (keep-alive, Node's fetch) to API_BASE_URL, e.g. a Laravel or Symfony API that
 *   speaks the same token endpoint contract.
 * The upstream URL is configured, never derived from the incoming request.
 */
import { getApiApp, API_BASE_PATH } from "../api";
import { getConfig } from "../config";
import { AppError } from "../shared/errors";

export const UPSTREAM_TIMEOUT_MS = 10_000;

export interface UpstreamRequest {
  method: string;
  /** Path below the API root, e.g. `/notes/123?x=1`. Always starts with `/`. */
  path: string;
  headers: Headers;
  body?: Uint8Array<ArrayBuffer> | string;
}

type Transport = (request: Request) => Promise<Response>;

function getTransport(): { baseUrl: string; send: Transport } {
  const { apiBaseUrl, appOrigin } = getConfig();
  if (apiBaseUrl) return { baseUrl: apiBaseUrl.replace(/\/$/, ""), send: (request) => fetch(request) };
  return { baseUrl: `${appOrigin}${API_BASE_PATH}`, send: async (request) => getApiApp().fetch(request) };
}

/** Calls the API. Network failures become 502/504 problems, never a logout. */
export async function callUpstream(input: UpstreamRequest): Promise<Response> {
  if (!input.path.startsWith("/")) throw new TypeError("upstream path must start with /");
  const { baseUrl, send } = getTransport();
  const request = new Request(`${baseUrl}${input.path}`, {
    method: input.method,
    headers: input.headers,
    body: input.body,
    signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    redirect: "manual",
  });
  try {
    return await send(request);
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw new AppError(timedOut ? "upstream_timeout" : "upstream_unavailable", { cause: error });
  }
}
