/**
 * Forwards /bff/api/* to the API with the session's bearer token. Only the routes listed here
 * are forwarded, each with its methods; every path segment must be a plain identifier, so no
 * `..`, encoded slash or dot, backslash, empty segment or absolute URL can reach the upstream.
 * Inbound headers are rebuilt from an allow-list (no Cookie, Authorization, X-Forwarded-* or
 * hop-by-hop headers; X-Forwarded-For is set anew to the address server.ts decided); upstream
 * Set-Cookie never reaches the browser.
 * Everything that can be refused without a token (route, method, query, body size) is refused
 * by `readForwardedRequest`, before the BFF refreshes anything.
 */
import "server-only";
import { AppError } from "../shared/errors";
import type { RequestContext } from "../shared/request-context";
import { readBodyCapped } from "./body";
import type { BffSession } from "./session-cookie";
import { sessionHeaders, type Upstream } from "./upstream";

const SEGMENT = "[A-Za-z0-9_-]{1,64}";

export const FORWARDED_ROUTES: { pattern: RegExp; methods: string[] }[] = [
  { pattern: /^\/me$/, methods: ["GET", "PATCH", "DELETE"] },
  { pattern: /^\/me\/password$/, methods: ["POST"] },
  { pattern: /^\/sessions$/, methods: ["GET", "DELETE"] },
  { pattern: new RegExp(`^/sessions/${SEGMENT}$`), methods: ["DELETE"] },
  { pattern: /^\/tokens$/, methods: ["GET", "POST"] },
  { pattern: new RegExp(`^/tokens/${SEGMENT}$`), methods: ["DELETE"] },
  { pattern: /^\/activity$/, methods: ["GET"] },
  { pattern: /^\/notes$/, methods: ["GET", "POST"] },
  { pattern: new RegExp(`^/notes/${SEGMENT}$`), methods: ["GET", "PATCH", "DELETE"] },
];

const FORWARDED_REQUEST_HEADERS = ["accept", "content-type", "if-none-match", "if-match"];
const RETURNED_RESPONSE_HEADERS = ["content-type", "content-length", "etag", "retry-after", "allow"];
const MAX_QUERY_LENGTH = 1024;
/** Answers from the API larger than this are refused (502) rather than passed to the browser. */
export const MAX_UPSTREAM_RESPONSE_BYTES = 2 * 1024 * 1024;
/** Statuses whose response must not have a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A browser request checked and read, ready to be sent with a token. */
export interface ForwardedRequest {
  method: string;
  /** The API path and query, e.g. `/notes/123?x=1`. */
  path: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | undefined;
}

/** The API path for a /bff/api request, or an error when it is not an allowed route. */
export function resolveForwardedPath(url: URL, method: string): string {
  const prefix = "/bff/api";
  if (!url.pathname.startsWith(`${prefix}/`)) throw new AppError("not_found");
  const path = url.pathname.slice(prefix.length);
  const route = FORWARDED_ROUTES.find((candidate) => candidate.pattern.test(path));
  if (!route) throw new AppError("not_found");
  if (!route.methods.includes(method)) throw new AppError("method_not_allowed", { allow: route.methods });
  if (url.search.length > MAX_QUERY_LENGTH) throw new AppError("invalid_request", { detail: "The query string is too long." });
  return `${path}${url.search}`;
}

/** Checks the route and reads the body (capped); throws the 4xx to answer when either is refused. */
export async function readForwardedRequest(request: Request): Promise<ForwardedRequest> {
  const path = resolveForwardedPath(new URL(request.url), request.method);
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = !["GET", "HEAD", "DELETE"].includes(request.method);
  return { method: request.method, path, headers, body: hasBody ? await readBodyCapped(request) : undefined };
}

export async function forwardToApi(upstream: Upstream, forwarded: ForwardedRequest, session: BffSession, context: RequestContext): Promise<Response> {
  const headers = sessionHeaders(session.accessToken, context, forwarded.headers);
  const answer = await upstream.call({ method: forwarded.method, path: forwarded.path, headers, body: forwarded.body });
  const body = await readBodyCapped(answer, {
    maxBytes: MAX_UPSTREAM_RESPONSE_BYTES,
    tooLarge: () => new AppError("upstream_unavailable", { detail: "The API's answer was too large." }),
    cancelPastCap: true,
  });
  const responseHeaders = new Headers({ "cache-control": "no-store" });
  for (const name of RETURNED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) responseHeaders.set(name, value);
  }
  if (NULL_BODY_STATUSES.has(answer.status)) return new Response(null, { status: answer.status, headers: responseHeaders });
  responseHeaders.set("content-length", String(body.byteLength));
  return new Response(body, { status: answer.status, headers: responseHeaders });
}
