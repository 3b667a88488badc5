/**
 * The BFF in front of an external API it does not trust blindly. The `externalApi` server
 * (e2e/servers.ts) has API_BASE_URL pointing at a fake API served by this file, which records
 * every request it gets and answers with hostile headers. This shows what the BFF sends upstream
 * (only its own bearer token, none of the browser's cookies, credentials or forwarding headers,
 * only allow-listed paths) and what it passes back (no upstream Set-Cookie, no caching, no
 * redirect to elsewhere, no oversized body).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { bffHeaders, cleanContext, cookieHeader, expectNoStore, rawRequest, setCookieLines, signInBff } from "./support/attacker";
import { expect, test } from "./support/fixtures";
import { securitySecrets } from "./support/server-secrets";

interface UpstreamHit {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const FAKE_USER = { id: "fake-user-1", email: "fake-user@example.test", name: "Fake User", createdAt: "2026-01-01T00:00:00.000Z" };
const UPSTREAM_ACCESS_TOKEN = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(
  JSON.stringify({ sub: FAKE_USER.id, sid: "fake-session-1" }),
).toString("base64url")}.`;
/** Headers no browser should ever get from the BFF, whatever the API says. */
const HOSTILE_HEADERS: Record<string, string> = {
  "Set-Cookie": "upstream_session=stolen; Path=/; HttpOnly",
  "Cache-Control": "public, max-age=31536000",
  "Access-Control-Allow-Origin": "https://evil.example",
  "Access-Control-Allow-Credentials": "true",
  Location: "https://evil.example/phish",
  Refresh: "0; url=https://evil.example/",
  "Strict-Transport-Security": "max-age=0",
  "X-Upstream-Secret": "internal-only",
  "Content-Security-Policy": "script-src *",
  Link: "<https://evil.example/x.js>; rel=preload; as=script",
};

const hits: UpstreamHit[] = [];
let fakeApi: http.Server | undefined;

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
  const path = (req.url ?? "").split("?")[0];
  if (req.method === "POST" && path === "/api/v1/auth/token") {
    return json(res, 200, { access_token: UPSTREAM_ACCESS_TOKEN, token_type: "Bearer", expires_in: 300, refresh_token: "khr_fake-refresh", refresh_expires_in: 3600, scope: "notes:read" }, HOSTILE_HEADERS);
  }
  if (req.method === "POST" && path === "/api/v1/auth/revoke") return json(res, 200, {});
  if (req.method === "GET" && path === "/api/v1/me") return json(res, 200, { user: FAKE_USER }, HOSTILE_HEADERS);
  if (path === "/api/v1/notes") return json(res, 200, { items: [{ id: "n1", title: "upstream note", body: "", createdAt: FAKE_USER.createdAt, updatedAt: FAKE_USER.createdAt }], nextCursor: null }, HOSTILE_HEADERS);
  if (path === "/api/v1/notes/redirect") {
    res.writeHead(302, { Location: "https://evil.example/steal", "Set-Cookie": "redirected=1" });
    return res.end();
  }
  if (path === "/api/v1/notes/huge") {
    // Declares 3 MB; the BFF must refuse it instead of streaming it to the browser.
    res.writeHead(200, { "content-type": "application/json", "content-length": String(3 * 1024 * 1024) });
    res.write("[");
    return setTimeout(() => res.destroy(), 500);
  }
  if (path === "/api/v1/notes/chunked") {
    // 3 MiB in 64 KiB chunks, no Content-Length: only counting the bytes as they arrive stops it.
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = "x".repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 48 && !res.destroyed) {
        sent += 1;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    return pump();
  }
  void body;
  return json(res, 404, { type: "about:blank", status: 404, code: "not_found", title: "Not found." });
}

test.describe.configure({ mode: "serial" });

test.describe("a BFF in front of an external API", () => {
  test.beforeAll(async () => {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        handle(req, res, body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(securitySecrets.fakeApiPort, "127.0.0.1", resolve);
    });
    expect((server.address() as AddressInfo).port).toBe(securitySecrets.fakeApiPort);
    fakeApi = server;
  });

  test.afterAll(async () => {
    if (!fakeApi) return;
    fakeApi.closeAllConnections();
    await new Promise((resolve) => fakeApi!.close(resolve));
  });

  test("sign-in goes to the configured token endpoint with client authentication, and no upstream header reaches the browser", async ({ servers }) => {
    const origin = servers.externalApi;
    hits.length = 0;
    const context = await cleanContext(origin);
    const login = await context.post("/bff/login", {
      headers: { ...bffHeaders(origin, "unused"), "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example" },
      data: { email: FAKE_USER.email, password: "any password the fake API accepts" },
    });
    expect(login.status(), await login.text()).toBe(200);
    const tokenCall = hits.find((hit) => hit.url === "/api/v1/auth/token");
    expect(tokenCall, "the BFF called the configured token endpoint").toBeTruthy();
    expect(tokenCall!.headers.authorization).toMatch(/^Basic /);
    expect(tokenCall!.headers["keyhole-client-ip"], "the client address comes from the socket, not X-Forwarded-For").toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/);
    expect(tokenCall!.headers.cookie).toBeUndefined();
    expect(tokenCall!.headers.host).toBe(`127.0.0.1:${securitySecrets.fakeApiPort}`);

    const cookies = setCookieLines(login);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^__Host-keyhole=/);
    const headers = login.headers();
    expect(headers["access-control-allow-origin"]).toBeUndefined();
    expect(headers["x-upstream-secret"]).toBeUndefined();
    expect(headers.location).toBeUndefined();
    expectNoStore(login);
    // The tokens themselves stay on the server.
    expect(await login.text()).not.toContain(UPSTREAM_ACCESS_TOKEN);
    await context.dispose();
  });

  test("the API gets the session's bearer token and nothing of the browser's credentials or forwarding headers", async ({ servers }) => {
    const origin = servers.externalApi;
    const cookie = await signInBff(origin, { email: FAKE_USER.email, password: "x" });
    hits.length = 0;
    const injected = {
      Cookie: `__Host-keyhole=${cookie}; other_cookie=secret-cookie`,
      Authorization: "Bearer browser-supplied-token",
      "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0",
      "X-Forwarded-For": "6.6.6.6",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "https",
      Forwarded: "for=6.6.6.6;host=evil.example",
      "X-Real-IP": "6.6.6.6",
      "Keyhole-Client-IP": "6.6.6.6",
      "X-CSRF": "1",
      Origin: origin,
      Referer: `${origin}/notes`,
      Connection: "close, X-Drop-Me",
      "X-Drop-Me": "hop-by-hop",
      Accept: "application/json",
    };
    const list = await rawRequest(origin, { path: "/bff/api/notes?limit=5", headers: injected });
    expect(list.status, list.body).toBe(200);
    const created = await rawRequest(origin, {
      method: "POST",
      path: "/bff/api/notes",
      headers: { ...injected, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "to the external API" }),
    });
    expect(created.status, created.body).toBe(200);

    const apiCalls = hits.filter((hit) => hit.url.startsWith("/api/v1/notes"));
    expect(apiCalls.map((hit) => `${hit.method} ${hit.url}`)).toEqual(["GET /api/v1/notes?limit=5", "POST /api/v1/notes"]);
    for (const hit of apiCalls) {
      const label = `${hit.method} ${hit.url}`;
      expect(hit.headers.authorization, label).toBe(`Bearer ${UPSTREAM_ACCESS_TOKEN}`);
      expect(hit.headers.host, label).toBe(`127.0.0.1:${securitySecrets.fakeApiPort}`);
      for (const name of ["cookie", "proxy-authorization", "x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip", "keyhole-client-ip", "x-csrf", "origin", "referer", "x-drop-me"]) {
        expect(hit.headers[name], `${label} forwarded ${name}`).toBeUndefined();
      }
      // X-Forwarded-For, if the BFF sets it, names the address server.ts took from the socket, never the browser's claim.
      if (hit.headers["x-forwarded-for"] !== undefined) {
        expect(hit.headers["x-forwarded-for"], `${label} X-Forwarded-For`).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/);
      }
    }
    expect(apiCalls[1]!.body).toBe(JSON.stringify({ title: "to the external API" }));
  });

  test("hostile upstream response headers never reach the browser, and the answer is no-store", async ({ servers }) => {
    const origin = servers.externalApi;
    const cookie = await signInBff(origin, { email: FAKE_USER.email, password: "x" });
    const client = await cleanContext(origin);
    for (const path of ["/bff/api/notes", "/bff/api/me"]) {
      const response = await client.get(path, { headers: cookieHeader(cookie) });
      expect(response.status()).toBe(200);
      const headers = response.headers();
      expect(setCookieLines(response), `${path}: upstream Set-Cookie`).toEqual([]);
      expectNoStore(response, path);
      expect(headers["cache-control"]).not.toContain("public");
      expect(headers["access-control-allow-origin"]).toBeUndefined();
      expect(headers["access-control-allow-credentials"]).toBeUndefined();
      expect(headers.location).toBeUndefined();
      expect(headers.refresh).toBeUndefined();
      expect(headers.link).toBeUndefined();
      expect(headers["x-upstream-secret"]).toBeUndefined();
      expect(headers["strict-transport-security"] ?? "").not.toContain("max-age=0");
      expect(headers["content-security-policy"] ?? "").not.toContain("script-src *");
    }
    await client.dispose();
  });

  test("an upstream redirect is not followed or passed on, and an oversized answer is refused", async ({ servers }) => {
    const origin = servers.externalApi;
    const cookie = await signInBff(origin, { email: FAKE_USER.email, password: "x" });
    hits.length = 0;
    const client = await cleanContext(origin);
    const redirected = await client.get("/bff/api/notes/redirect", { headers: cookieHeader(cookie), maxRedirects: 0 });
    expect(redirected.headers().location, "the upstream's Location reached the browser").toBeUndefined();
    expect(setCookieLines(redirected)).toEqual([]);
    expect(hits.map((hit) => hit.url), "the BFF followed the redirect").toEqual(["/api/v1/notes/redirect"]);

    const huge = await client.get("/bff/api/notes/huge", { headers: cookieHeader(cookie) });
    expect(huge.status()).toBe(502);
    expect((await huge.json()).code).toBe("upstream_unavailable");

    const chunked = await client.get("/bff/api/notes/chunked", { headers: cookieHeader(cookie) });
    expect(chunked.status()).toBe(502);
    expect((await chunked.json()).code).toBe("upstream_unavailable");
    await client.dispose();
  });

  test("only allow-listed paths ever reach the external API", async ({ servers }) => {
    const origin = servers.externalApi;
    const cookie = await signInBff(origin, { email: FAKE_USER.email, password: "x" });
    hits.length = 0;
    const attempts = [
      "/bff/api/users",
      "/bff/api/auth/token",
      "/bff/api/notes/..%2fauth%2ftoken",
      "/bff/api/notes%2f..%2fusers",
      "/bff/api/notes/%2e%2e%2f%2e%2e%2fadmin",
      "/bff/api/notes/..%5cadmin",
      "/bff/api/%2e%2e/admin",
      "/bff/api/http:%2f%2fevil.example%2fnotes",
      "/bff/api/notes/a/b",
      "/bff/api/notes/x%0d%0aHost:%20evil.example",
    ];
    for (const path of attempts) {
      for (const method of ["GET", "POST"]) {
        const response = await rawRequest(origin, {
          method,
          path,
          headers: { ...bffHeaders(origin, cookie), ...(method === "POST" ? { "Content-Type": "application/json" } : {}) },
          body: method === "POST" ? "{}" : undefined,
        });
        expect([308, 404, 405], `${method} ${path}: ${response.status}`).toContain(response.status);
      }
    }
    expect(hits.map((hit) => `${hit.method} ${hit.url}`), "requests the external API received").toEqual([]);
  });
});
