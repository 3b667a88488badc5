/**
 * The attacker's toolkit for e2e/security: raw HTTP (paths sent byte for byte, any header, any
 * method), clean request contexts with an empty cookie jar, BFF sign-in that hands back the
 * sealed cookie value, a tiny "other origin" web server, and JWT forging.
 */
import { createHmac, createPrivateKey, sign as signBytes, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import type { Account } from "../../fixtures";
import { generateSigningJwk, type SigningJwk } from "./server-secrets";
import { isReservedPort } from "../../../test/free-ports";

export const SESSION_COOKIE = "__Host-keyhole";
export const PROBLEM_JSON = "application/problem+json";
/** Every origin an attacker controls in these tests is made up or on loopback. */
export const EVIL_ORIGIN = "https://evil.example";

// ---------------------------------------------------------------------------------------------
// HTTP

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP/1.1 request with nothing normalised: the path goes on the wire exactly as given (no
 * `..` resolution, no re-encoding), headers as given (Host too). Playwright and fetch would
 * normalise the URL first and never send the attack.
 */
export function rawRequest(
  origin: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked && !Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
      headers["Content-Length"] = String(Buffer.byteLength(options.body));
    }
    const req = http.request(
      { host: hostname, port: Number(port), method: options.method ?? "GET", path: options.path, headers, agent: false, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${options.method ?? "GET"} ${options.path}`)));
    req.on("error", reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        // Several chunks, so a server that trusts Content-Length alone never sees the real size.
        const body = Buffer.from(options.body);
        for (let offset = 0; offset < body.length; offset += 16 * 1024) req.write(body.subarray(offset, offset + 16 * 1024));
      } else {
        req.write(options.body);
      }
    }
    req.end();
  });
}

/** A request context with no cookies and no stored state, like a script or a fresh browser. */
export function cleanContext(baseURL: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
}

/** What the login form sends: the anti-forgery header and our own Origin. */
export function sameOrigin(origin: string): Record<string, string> {
  return { "X-CSRF": "1", Origin: origin };
}

export function cookieHeader(value: string): Record<string, string> {
  return { Cookie: `${SESSION_COOKIE}=${value}` };
}

/** The value of the session cookie a response (Playwright's, raw or fetch's) sets, or null. Playwright joins Set-Cookie lines with "\n". */
export function sessionCookieFrom(response: APIResponse | RawResponse | Response): string | null {
  const raw = response instanceof Response
    ? response.headers.getSetCookie()
    : "headersArray" in response
      ? response.headersArray().filter((header) => header.name.toLowerCase() === "set-cookie").map((header) => header.value)
      : [response.headers["set-cookie"] ?? []].flat();
  for (const line of raw.flatMap((value) => value.split("\n"))) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(line.trim());
    if (match && match[1]) return match[1];
  }
  return null;
}

/** Every Set-Cookie line of a response. */
export function setCookieLines(response: APIResponse): string[] {
  return response.headersArray().filter((header) => header.name.toLowerCase() === "set-cookie").map((header) => header.value);
}

/** POST /bff/login as the login form does, from a throw-away context; returns the sealed cookie value. */
export async function signInBff(origin: string, account: Pick<Account, "email" | "password">): Promise<string> {
  const context = await cleanContext(origin);
  try {
    const response = await context.post("/bff/login", {
      headers: sameOrigin(origin),
      data: { email: account.email, password: account.password },
    });
    expect(response.status(), await response.text()).toBe(200);
    const cookie = sessionCookieFrom(response);
    expect(cookie, "POST /bff/login set no session cookie").toBeTruthy();
    return cookie!;
  } finally {
    await context.dispose();
  }
}

/** A request to the BFF carrying a session cookie (and, for unsafe methods, what the app's own pages send). */
export function bffHeaders(origin: string, cookie: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...cookieHeader(cookie), ...sameOrigin(origin), ...extra };
}

/** Asserts Cache-Control forbids storing the response anywhere. */
export function expectNoStore(response: APIResponse | RawResponse, label = ""): void {
  const value = "headersArray" in response ? response.headers()["cache-control"] : [response.headers["cache-control"] ?? ""].flat().join(",");
  expect(value ?? "", `Cache-Control of ${label || ("url" in response ? response.url() : "response")}`).toMatch(/(^|[\s,])no-store($|[\s,])/);
}

/** A stack frame, a source path or a database error in a body sent to a client. */
export const LEAK_PATTERN = new RegExp(
  [
    String.raw`\bat (?:async )?[\w$.<>\[\]]+ \((?:/|file:|node:)`,
    String.raw`node_modules/`,
    String.raw`\.(?:tsx?|m?js):\d+:\d+`,
    String.raw`Prisma\w*Error|SQLITE_[A-Z]`,
    process.cwd().replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
  ].join("|"),
);

// ---------------------------------------------------------------------------------------------
// An attacker's own web server, on another port of 127.0.0.1 (another origin, same site).

export interface AttackerSite {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** http://localhost:PORT: a different site from the app at 127.0.0.1 (SameSite=Strict applies). */
  crossSiteOrigin: string;
  port: number;
  /** Every request the site received: method, path, headers. */
  hits: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** Starts a loopback server that answers with `handler` (default: an empty page) and records every request. */
export async function startAttackerSite(
  handler: (req: http.IncomingMessage, body: string) => { status?: number; headers?: Record<string, string>; body?: string } = () => ({}),
): Promise<AttackerSite> {
  const hits: AttackerSite["hits"] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        const answer = handler(req, body);
        res.writeHead(answer.status ?? 200, { "content-type": "text/html; charset=utf-8", ...answer.headers });
        res.end(answer.body ?? "<!doctype html><title>attacker</title>");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    if (isReservedPort(port)) {
      await new Promise((resolve) => server.close(resolve));
      continue;
    }
    return {
      origin: `http://127.0.0.1:${port}`,
      crossSiteOrigin: `http://localhost:${port}`,
      port,
      hits,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
  throw new Error("no free port outside the reserved range");
}

// ---------------------------------------------------------------------------------------------
// JWT forging

export type JsonObject = Record<string, unknown>;

export function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

export function decodeSegment(segment: string): JsonObject {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as JsonObject;
}

/** Header and payload of a compact JWS, without verifying anything. */
export function decodeJwt(token: string): { header: JsonObject; payload: JsonObject; signature: string } {
  const [header, payload, signature] = token.split(".");
  return { header: decodeSegment(header!), payload: decodeSegment(payload!), signature: signature ?? "" };
}

export function signingInput(header: JsonObject, payload: JsonObject): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
}

/** ES256 over header.payload with a private key (JWK or KeyObject). The header is taken as given. */
export function signEs256(header: JsonObject, payload: JsonObject, key: SigningJwk | KeyObject): string {
  const input = signingInput(header, payload);
  const privateKey = "kty" in key ? createPrivateKey({ key: key as never, format: "jwk" }) : key;
  const signature = signBytes("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${input}.${base64url(signature)}`;
}

/** HS256 with an arbitrary secret: the algorithm-confusion attack uses the server's public key. */
export function signHs256(header: JsonObject, payload: JsonObject, secret: string | Buffer, hash: "sha256" | "sha384" | "sha512" = "sha256"): string {
  const input = signingInput(header, payload);
  return `${input}.${base64url(createHmac(hash, secret).update(input).digest())}`;
}

/** An unsigned token (`alg: none`) with an empty signature. */
export function unsigned(header: JsonObject, payload: JsonObject): string {
  return `${signingInput(header, payload)}.`;
}

/** A key pair nobody configured: what an attacker signs with. */
export function attackerKey(kid = "attacker"): SigningJwk {
  return generateSigningJwk(kid);
}

export function publicJwk(key: SigningJwk): JsonObject {
  const { d: _private, ...rest } = key;
  return rest;
}
