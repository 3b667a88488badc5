/** A small HTTP client for the benchmark's set-up and checks (node:http; loopback only). */
import http from "node:http";

const REQUEST_TIMEOUT_MS = 30_000;
// No keep-alive: a socket idle through a load run would race the server's keep-alive timeout
// (ECONNRESET). These requests are few, and the refresh-storm wants its own connections anyway.
const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });

export interface HttpResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Another agent, e.g. a keep-alive one for timed requests sent one at a time. */
  agent?: http.Agent;
}

/** Sends one request; the body is parsed as JSON when it is JSON, else kept as text. */
export function requestJson<T = unknown>(url: string, init: HttpRequest = {}): Promise<HttpResponse<T>> {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1" && target.hostname !== "[::1]") throw new TypeError(`bench: loopback only, not ${url}`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: init.method ?? "GET",
        headers: { ...(init.body !== undefined ? { "content-length": String(Buffer.byteLength(init.body)) } : {}), ...init.headers },
        agent: init.agent ?? agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          if (/json/.test(String(response.headers["content-type"] ?? ""))) {
            try {
              body = JSON.parse(text);
            } catch {
              // keep the text
            }
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: body as T });
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`bench: ${init.method ?? "GET"} ${url} timed out`)));
    request.on("error", reject);
    request.end(init.body);
  });
}

/** `name=value` of a cookie set by a response, or null. */
export function setCookieValue(response: HttpResponse, name: string): string | null {
  for (const header of response.headers["set-cookie"] ?? []) {
    const pair = header.split(";")[0]!;
    const index = pair.indexOf("=");
    if (pair.slice(0, index).trim() === name && pair.length > index + 1) return pair.trim();
  }
  return null;
}

export function closeConnections(): void {
  agent.destroy();
}
