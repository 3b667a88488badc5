/**
 * Caching and Next.js pitfalls: responses that carry a session or credentials must never be
 * stored by a cache; protected pages must not be reachable through framework back doors
 * (CVE-2025-29927's `x-middleware-subrequest`, RSC and prefetch requests, `.rsc` paths, case
 * and encoding variants, a cookie that is merely present); redirects, after login or to
 * login, never leave the origin whatever `returnTo`, `Host`, `X-Forwarded-Host` or an
 * absolute-form request target say; a server action naming another host is a 4xx, not a 500;
 * and the benchmark's routes are not part of the product, whatever the environment says.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { BrowserContext } from "@playwright/test";
import { basicAuth, bearer, passwordGrant, revokeToken } from "../fixtures";
import {
  bffHeaders,
  cleanContext,
  cookieHeader,
  EVIL_ORIGIN,
  expectNoStore,
  PROBLEM_JSON,
  rawRequest,
  sameOrigin,
  signInBff,
  startAttackerSite,
  type RawResponse,
} from "./support/attacker";
import { expect, test } from "./support/fixtures";

test("responses with a session, a token or credentials are Cache-Control: no-store", async ({ baseURL, alice, request, bffClient }) => {
  const origin = baseURL!;
  const cookie = await signInBff(origin, alice);
  const client = await cleanContext(origin);
  const tokens = await passwordGrant(request, bffClient, alice);

  const checks: [string, Promise<import("@playwright/test").APIResponse>][] = [
    ["the notes page, signed in", client.get("/notes", { headers: cookieHeader(cookie) })],
    ["/notes redirecting to /login", client.get("/notes", { maxRedirects: 0 })],
    ["GET /bff/session", client.get("/bff/session", { headers: cookieHeader(cookie) })],
    ["GET /bff/session, signed out", client.get("/bff/session")],
    ["POST /bff/login 200", client.post("/bff/login", { headers: sameOrigin(origin), data: { email: alice.email, password: alice.password } })],
    ["POST /bff/login 400", client.post("/bff/login", { headers: sameOrigin(origin), data: { email: "not-an-email" } })],
    ["POST /bff/login 403", client.post("/bff/login", { headers: { Origin: EVIL_ORIGIN }, data: {} })],
    ["GET /bff/api/notes", client.get("/bff/api/notes", { headers: cookieHeader(cookie) })],
    ["GET /bff/api/me", client.get("/bff/api/me", { headers: cookieHeader(cookie) })],
    ["POST /bff/api/notes", client.post("/bff/api/notes", { headers: bffHeaders(origin, cookie), data: { title: "no-store" } })],
    ["GET /api/v1/me", client.get("/api/v1/me", { headers: bearer(tokens.access_token) })],
    ["GET /api/v1/notes", client.get("/api/v1/notes", { headers: bearer(tokens.access_token) })],
    ["GET /api/v1/sessions", client.get("/api/v1/sessions", { headers: bearer(tokens.access_token) })],
    ["GET /api/v1/me 401", client.get("/api/v1/me")],
    ["token endpoint 200", client.post("/api/v1/auth/token", { headers: basicAuth(bffClient), form: { grant_type: "password", username: alice.email, password: alice.password } })],
    ["token endpoint 400", client.post("/api/v1/auth/token", { headers: basicAuth(bffClient), form: { grant_type: "refresh_token", refresh_token: "khr_nope" } })],
    ["token endpoint 401", client.post("/api/v1/auth/token", { form: { grant_type: "password", username: alice.email, password: alice.password } })],
    ["revocation endpoint", revokeToken(client, bffClient, "khr_nope")],
  ];
  for (const [label, pending] of checks) {
    const response = await pending;
    expectNoStore(response, label);
  }
  // RFC 6749 §5.1: the token response also says Pragma: no-cache for HTTP/1.0 caches.
  const token = await client.post("/api/v1/auth/token", { headers: basicAuth(bffClient), form: { grant_type: "password", username: alice.email, password: alice.password } });
  expect(token.headers().pragma).toBe("no-cache");
  // Logout last: its 204 too.
  const logout = await client.post("/bff/logout", { headers: bffHeaders(origin, cookie) });
  expect(logout.status()).toBe(204);
  expectNoStore(logout, "POST /bff/logout");
  await client.dispose();
});

const PROTECTED_PATHS = ["/notes", "/settings"];

/** Ways of asking for a protected page that have bypassed auth checks in Next.js apps before. */
const TRICKS: { name: string; path: (path: string) => string; headers?: Record<string, string> }[] = [
  { name: "plain", path: (p) => p },
  { name: "x-middleware-subrequest (middleware ×5)", path: (p) => p, headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } },
  { name: "x-middleware-subrequest: proxy", path: (p) => p, headers: { "x-middleware-subrequest": "proxy" } },
  { name: "x-middleware-subrequest (proxy ×5)", path: (p) => p, headers: { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" } },
  { name: "x-middleware-subrequest (src/middleware)", path: (p) => p, headers: { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" } },
  { name: "RSC: 1", path: (p) => p, headers: { RSC: "1" } },
  { name: "RSC prefetch", path: (p) => p, headers: { RSC: "1", "Next-Router-Prefetch": "1" } },
  { name: "RSC segment prefetch", path: (p) => p, headers: { RSC: "1", "Next-Router-Prefetch": "1", "Next-Router-Segment-Prefetch": "/_tree" } },
  // The smallest state tree Next.js parses (a malformed one is a server error: see input-validation.spec.ts).
  { name: "RSC with a router state tree", path: (p) => p, headers: { RSC: "1", "Next-Router-State-Tree": encodeURIComponent(JSON.stringify(["", {}])) } },
  { name: "?_rsc=", path: (p) => `${p}?_rsc=abc12` },
  { name: "?_rsc= with RSC: 1", path: (p) => `${p}?_rsc=abc12`, headers: { RSC: "1" } },
  { name: ".rsc suffix", path: (p) => `${p}.rsc` },
  { name: ".txt suffix", path: (p) => `${p}.txt` },
  { name: "upper case", path: (p) => p.toUpperCase() },
  { name: "trailing slash", path: (p) => `${p}/` },
  { name: "percent-encoded first letter", path: (p) => `/%${p.charCodeAt(1).toString(16)}${p.slice(2)}` },
  { name: "encoded slash", path: (p) => `${p}%2f` },
  { name: "double slash", path: (p) => `/${p}` },
  { name: "dot segment", path: (p) => `/x/..${p}` },
  { name: "matrix parameter", path: (p) => `${p};x=1` },
  { name: "_next/data", path: (p) => `/_next/data/build${p}.json` },
  { name: "x-invoke-path", path: () => "/login", headers: { "x-invoke-path": "/notes", "x-invoke-output": "/notes", "x-matched-path": "/notes" } },
  { name: "x-now-route-matches / x-prerender-revalidate", path: (p) => p, headers: { "x-prerender-revalidate": "1", "x-now-route-matches": "1" } },
  { name: "Purpose: prefetch", path: (p) => p, headers: { Purpose: "prefetch", "Sec-Purpose": "prefetch" } },
];

const MAX_HOPS = 4;

/** Follows same-origin redirects (as a browser or the Next router would), asserting each stays on the origin. */
async function fetchPage(origin: string, path: string, headers: Record<string, string>): Promise<{ response: RawResponse; path: string; hops: string[] }> {
  const hops = [path];
  let current = path;
  let response = await rawRequest(origin, { path: current, headers });
  for (let hop = 0; hop < MAX_HOPS && response.status >= 300 && response.status < 400; hop++) {
    const location = String(response.headers.location ?? "");
    const target = new URL(location, `${origin}${current.startsWith("/") ? "" : "/"}`);
    expect(target.origin, `${hops.join(" → ")} redirects off-origin to ${location}`).toBe(origin);
    expect(location, `protocol-relative Location after ${hops.join(" → ")}`).not.toMatch(/^\/\/|^\/\\/);
    current = `${target.pathname}${target.search}`;
    hops.push(current);
    response = await rawRequest(origin, { path: current, headers });
  }
  return { response, path: current, hops };
}

test.describe("protected pages without a valid session never render their content", () => {
  for (const cookieCase of ["no cookie", "a cookie that is present but invalid"] as const) {
    test(`with ${cookieCase}: CVE-2025-29927 headers, RSC and prefetch requests, and path variants`, async ({ baseURL, alice, request, bffClient }) => {
      const origin = baseURL!;
      // Alice has a note and a session, whose details must not show up anywhere below.
      const tokens = await passwordGrant(request, bffClient, alice);
      const title = `secret-${randomBytes(6).toString("hex")}`;
      await request.post("/api/v1/notes", { headers: bearer(tokens.access_token), data: { title } });
      const cookieHeaders: Record<string, string> = cookieCase === "no cookie" ? {} : { Cookie: "__Host-keyhole=Fe26.2*1*forged*forged*forged*1*forged*forged~2" };

      const failures: string[] = [];
      for (const protectedPath of PROTECTED_PATHS) {
        for (const trick of TRICKS) {
          const path = trick.path(protectedPath);
          const { response, path: finalPath, hops } = await fetchPage(origin, path, { ...trick.headers, ...cookieHeaders });
          const label = `${trick.name}: ${hops.join(" → ")} (${response.status} ${response.headers["content-type"] ?? ""})`;
          const body = response.body;
          if (/Your notes/.test(body) || body.includes(title) || body.includes(alice.email)) failures.push(`${label}: protected content in the body`);
          if (response.status >= 500) failures.push(`${label}: server error`);
          // The login page, or the public home page (where Next.js sends an unknown /_next/data path).
          const onLogin = finalPath.startsWith("/login") || finalPath === "/";
          const isRsc = String(response.headers["content-type"] ?? "").startsWith("text/x-component");
          const rscRedirectsToLogin = isRsc && /NEXT_REDIRECT;[a-z]+;\/login/.test(body);
          const rscNotFound = isRsc && /This page could not be found|NEXT_HTTP_ERROR_FALLBACK;404/.test(body);
          // A prefetch answer that is only the route tree: no element and no client component to render.
          const rscTreeOnly = isRsc && !/\["\$",|\bI\[\d+/.test(body);
          // Acceptable ends: the login or home page, a 404, or an RSC payload that redirects to /login, is a 404, or holds nothing to render.
          if (!(onLogin || response.status === 404 || (response.status === 200 && (rscRedirectsToLogin || rscNotFound || rscTreeOnly)))) {
            failures.push(`${label}: neither the login page, nor a 404, nor an RSC redirect to /login: ${body.slice(0, 80)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  test("control: the same page with the valid session does render (so the markers above mean something)", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    const { response } = await fetchPage(origin, "/notes", cookieHeader(cookie));
    expect(response.status).toBe(200);
    expect(response.body).toContain("Your notes");
    expect(response.body).toContain(alice.email);
    expectNoStore(response, "/notes");
  });
});

test.describe("redirects never leave the origin", () => {
  const HOSTILE_RETURN_TO = [
    "//evil.example",
    "//evil.example/notes",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "/ /evil.example",
    "///evil.example",
    // Dot segments that a URL parser removes, leaving a protocol-relative path behind.
    "/.//evil.example",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "https:/\\evil.example",
    "/bff/logout",
    "/api/v1/me",
    "@evil.example",
  ];

  test("a signed-in visit to /login or /register?returnTo=… redirects only to a path of this origin", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    const failures: string[] = [];
    for (const page of ["/login", "/register"]) {
      for (const returnTo of HOSTILE_RETURN_TO) {
        const response = await rawRequest(origin, { path: `${page}?returnTo=${encodeURIComponent(returnTo)}`, headers: cookieHeader(cookie) });
        const location = String(response.headers.location ?? "");
        const label = `${page}?returnTo=${JSON.stringify(returnTo)} → ${response.status} Location: ${location}`;
        // A path-only Location: never protocol-relative (//host) or backslashed (/\host), which browsers send elsewhere.
        if (response.status !== 307 || !/^\/(?![/\\])/.test(location) || new URL(location, origin).origin !== origin) failures.push(label);
        else if (/^\/(bff|api)\b/.test(new URL(location, origin).pathname)) failures.push(`${label} (an endpoint, not a page)`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("a signed-in user who follows a crafted login link from another site stays on this origin", async ({ browser, baseURL, alice }) => {
    const origin = baseURL!;
    // The phishing page and the link to the app both live on a loopback server of ours.
    const site = await startAttackerSite((req) => ({
      body: (req.url ?? "").startsWith("/link")
        ? `<!doctype html><title>link</title><a id="go" href="${origin}/login?returnTo=${encodeURIComponent(new URL(req.url!, "http://x").searchParams.get("returnTo")!)}">your notes</a>`
        : "<!doctype html><title>phished</title>",
    }));
    const evilHost = `127.0.0.1:${site.port}`;
    const context = await browser.newContext({ baseURL: origin, storageState: { cookies: [], origins: [] } });
    const failures: string[] = [];
    try {
      const login = await context.request.post("/bff/login", { headers: sameOrigin(origin), data: { email: alice.email, password: alice.password } });
      expect(login.status()).toBe(200);
      for (const returnTo of [`//${evilHost}/phish`, `/.//${evilHost}/phish`, `/x/..//${evilHost}/phish`]) {
        const page = await context.newPage();
        // Typed or bookmarked (the Strict cookie is sent), and clicked on another site (it is not).
        for (const how of ["typed", "clicked"] as const) {
          if (how === "typed") await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
          else {
            await page.goto(`${site.crossSiteOrigin}/link?returnTo=${encodeURIComponent(returnTo)}`);
            await page.locator("#go").click();
          }
          // Wait until the app has either shown the login form or moved on.
          await page.waitForLoadState("networkidle");
          await page.waitForTimeout(500);
          if (new URL(page.url()).origin !== origin) failures.push(`${how} /login?returnTo=${returnTo} → ${page.url()}`);
        }
        await page.close();
      }
      expect(failures).toEqual([]);
      expect(site.hits.filter((hit) => hit.url.startsWith("/phish")).length, "the browser reached the phishing page").toBe(0);
    } finally {
      await context.close();
      await site.close();
    }
  });

  test("signing in through the login form with a hostile returnTo lands on this origin", async ({ browser, baseURL, alice }) => {
    const origin = baseURL!;
    // The "evil" destination is a loopback server of ours, so a browser that is sent there really arrives.
    const site = await startAttackerSite(() => ({ body: "<!doctype html><title>phished</title>" }));
    const evilHost = `127.0.0.1:${site.port}`;
    let context: BrowserContext | undefined;
    const offOrigin: string[] = [];
    try {
      for (const returnTo of [`//${evilHost}/phish`, `/\\${evilHost}/phish`, `/%2F%2F${evilHost}`, `/.//${evilHost}/phish`]) {
        // A fresh browser each time: a signed-in page left open would redirect on its own once signed out.
        await context?.close();
        context = await browser.newContext({ baseURL: origin, storageState: { cookies: [], origins: [] } });
        const page = await context.newPage();
        page.on("request", (request) => {
          if (request.isNavigationRequest() && !request.url().startsWith(origin)) offOrigin.push(request.url());
        });
        await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
        await page.getByLabel("Email").fill(alice.email);
        await page.getByLabel("Password").fill(alice.password);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 15_000 });
        // Any path of this origin will do (an odd returnTo may land on a 404 page here); another origin will not.
        expect(new URL(page.url()).origin, `returnTo=${returnTo} ended on ${page.url()}`).toBe(origin);
      }
      expect(offOrigin, "the browser navigated off the origin").toEqual([]);
      expect(site.hits.map((hit) => hit.url), "the browser reached the attacker's page").toEqual([]);
    } finally {
      await context?.close();
      await site.close();
    }
  });

  test("the redirect to /login is built on the configured origin, not on Host or X-Forwarded-Host", async ({ baseURL }) => {
    const origin = baseURL!;
    const hostile: Record<string, string>[] = [
      { Host: "evil.example" },
      { "X-Forwarded-Host": "evil.example" },
      { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "443" },
      { Forwarded: "host=evil.example;proto=https" },
    ];
    for (const headers of hostile) {
      for (const path of ["/notes", "/notes/", "/settings", "/", "/login?returnTo=%2Fnotes"]) {
        const response = await rawRequest(origin, { path, headers });
        const location = response.headers.location;
        if (location === undefined) continue;
        const target = new URL(String(location), origin);
        expect(target.origin, `${JSON.stringify(headers)} ${path} → ${location}`).toBe(origin);
        expect(String(location)).not.toContain("evil.example");
      }
    }
  });
});

test.describe("the production server refuses what Next.js would fail or misroute", () => {
  test("a server action whose Host or X-Forwarded-Host differs from the app's origin is a 4xx, not a 500", async ({ baseURL }) => {
    const origin = baseURL!;
    const { host, port } = new URL(origin);
    const otherHost = `127.0.0.1:${Number(port) + 1}`;
    const mismatches: Record<string, string>[] = [
      { Host: otherHost },
      { Host: host, "X-Forwarded-Host": otherHost },
      { Host: "evil.example" },
    ];
    for (const headers of mismatches) {
      const response = await rawRequest(origin, {
        method: "POST",
        path: "/",
        headers: { ...headers, Origin: origin, "Next-Action": "0".repeat(42), "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
        body: "[]",
      });
      const label = `${JSON.stringify(headers)} → ${response.status}`;
      expect([400, 403], label).toContain(response.status);
      expect(String(response.headers["content-type"]), label).toContain(PROBLEM_JSON);
    }
  });

  test("an absolute-form request target is answered as the same path, never redirected to the host it names", async ({ baseURL }) => {
    const origin = baseURL!;
    const { host } = new URL(origin);
    for (const path of ["/", "/notes", "/login"]) {
      const expected = await rawRequest(origin, { path });
      for (const target of [`${origin}${path}`, `http://evil.example${path}`, `https://evil.example:8443${path}`]) {
        const response = await absoluteFormRequest(origin, target, host);
        const label = `GET ${target} (Host: ${host}) → ${response.status} Location: ${response.headers.location ?? ""}`;
        expect(response.status, label).toBe(expected.status);
        expect(response.headers.location, label).toBe(expected.headers.location);
        if (response.headers.location !== undefined) {
          expect(new URL(response.headers.location, origin).origin, label).toBe(origin);
          expect(response.headers.location, label).not.toContain("evil.example");
        }
      }
    }
  });
});

/** Absolute-form (`GET http://host/path HTTP/1.1`), as a proxy sends it: node:http and fetch cannot, so over a raw socket. */
function absoluteFormRequest(origin: string, target: string, host: string): Promise<{ status: number; headers: Record<string, string> }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error(`timeout: GET ${target}`)));
    socket.on("connect", () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = ""] = Buffer.concat(chunks).toString("latin1").split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers });
    });
  });
}

test.describe("benchmark code is not part of the product", () => {
  for (const server of ["main", "benchVariable"] as const) {
    test(`the /bench routes answer 404 on the production server (${server}${server === "benchVariable" ? ", KEYHOLE_BENCH=1" : ""})`, async ({ servers }) => {
      for (const path of ["/bench/baseline", "/bench/metrics", "/bench/metrics?reset=1", "/bench/notes-query?user=x"]) {
        const response = await rawRequest(servers[server], { path });
        expect(response.status, path).toBe(404);
      }
    });
  }

  test("no source file of the app (app/, lib/, the server and its Next.js files) mentions the benchmark", () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const mentions: string[] = [];
    const stack = ["app", "lib", "server.ts", "proxy.ts", "instrumentation.ts", "next.config.ts"].map((entry) => path.join(root, entry));
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current === path.join(root, "lib", "generated")) continue;
      if (/bench/i.test(path.basename(current))) mentions.push(path.relative(root, current));
      if (fs.statSync(current).isDirectory()) {
        for (const entry of fs.readdirSync(current)) stack.push(path.join(current, entry));
        continue;
      }
      fs.readFileSync(current, "utf8").split("\n").forEach((line, index) => {
        if (/bench/i.test(line)) mentions.push(`${path.relative(root, current)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(mentions).toEqual([]);
  });
});
