/**
 * Escaping the BFF's API proxy (/bff/api/*) with a valid session cookie: path traversal in every
 * encoding, absolute and protocol-relative URLs, unlisted routes and methods, and header
 * injection. Paths go on the wire byte for byte (rawRequest), because Playwright and fetch would
 * normalise them first. Every attempt must end in 404/405 (following same-origin redirects, which
 * Next.js uses to normalise slashes), never reach the API with the session's token outside the
 * allow-list, never contact another host, and never show another user's data.
 */
import { randomBytes } from "node:crypto";
import { bearer, passwordGrant } from "../fixtures";
import {
  bffHeaders,
  cleanContext,
  cookieHeader,
  expectNoStore,
  LEAK_PATTERN,
  rawRequest,
  signInBff,
  startAttackerSite,
  type RawResponse,
} from "./support/attacker";
import { expect, test } from "./support/fixtures";

const MAX_REDIRECTS = 3;

/** Sends a raw request and follows same-origin redirects (asserting each stays on our origin). */
async function sendFollowing(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ final: RawResponse; hops: string[] }> {
  const hops = [path];
  let response = await rawRequest(origin, { method, path, headers, body });
  for (let hop = 0; hop < MAX_REDIRECTS && [301, 302, 303, 307, 308].includes(response.status); hop++) {
    const location = String(response.headers.location ?? "");
    const target = new URL(location, origin);
    expect(target.origin, `redirect from ${hops.at(-1)} leaves the origin: ${location}`).toBe(origin);
    // A path-only Location that starts with // would be protocol-relative in a browser.
    expect(location, `protocol-relative redirect from ${hops.at(-1)}`).not.toMatch(/^\/\/|^\/\\/);
    hops.push(`${target.pathname}${target.search}`);
    response = await rawRequest(origin, { method, path: `${target.pathname}${target.search}`, headers, body });
  }
  return { final: response, hops };
}

test.describe("the /bff/api proxy forwards only allow-listed routes", () => {
  test("path traversal, encoded separators, absolute URLs and unlisted routes end in 404/405", async ({ baseURL, alice, bob, request, bffClient }) => {
    const origin = baseURL!;
    const aliceCookie = await signInBff(origin, alice);
    const bobTokens = await passwordGrant(request, bffClient, bob);
    const bobTitle = `bob-${randomBytes(6).toString("hex")}`;
    const bobNote = await request.post("/api/v1/notes", { headers: bearer(bobTokens.access_token), data: { title: bobTitle } });
    const bobNoteId = (await bobNote.json()).note.id as string;
    const site = await startAttackerSite();
    const target = `127.0.0.1:${site.port}`;

    const escapes = [
      "/bff/api/notes/../users",
      "/bff/api/notes/%2e%2e/users",
      "/bff/api/notes/%2E%2E/auth/token",
      "/bff/api/notes/.%2e/.%2e/auth/revoke",
      "/bff/api/notes/..%2f..%2fusers",
      "/bff/api/notes/..%2F..%2Fauth%2Ftoken",
      "/bff/api/notes%2f..%2f..%2fauth%2ftoken",
      "/bff/api/notes%2f" + bobNoteId,
      "/bff/api/notes/..%5c..%5cusers",
      "/bff/api/notes/..\\..\\users",
      "/bff/api/notes/%252e%252e/%252e%252e/users",
      // (Overlong UTF-8 dots, "%c0%ae", are in input-validation.spec.ts: invalid percent-encoding in a path.)
      "/bff/api/notes/" + bobNoteId + "/..%2f..%2fusers",
      "/bff/api//evil.example/",
      "/bff/api///evil.example/notes",
      "/bff/api/http://evil.example/",
      "/bff/api/https:%2f%2fevil.example/notes",
      "/bff/api/%2f%2fevil.example",
      "/bff/api/%5c%5cevil.example",
      "/bff/api/@evil.example",
      `/bff/api//${target}/notes`,
      `/bff/api/http://${target}/notes`,
      `/bff/api/http:%2f%2f${target}%2fnotes`,
      `/bff/api/notes@${target}`,
      "/bff/api/users",
      "/bff/api/auth/token",
      "/bff/api/auth/revoke",
      "/bff/api/openapi.json",
      "/bff/api/",
      "/bff/api/notes/a/b",
      "/bff/api/notes/" + "a".repeat(65),
      "/bff/api/Me",
      "/bff/api/me%3f",
      "/bff/api/me;x",
      "/bff/api/me%00",
      "/bff/api/notes/x%0d%0aSet-Cookie:%20injected=1",
      "/bff/api/notes/%00",
      "/bff/api/sessions/..",
    ];

    for (const path of escapes) {
      for (const method of ["GET", "POST"]) {
        const body = method === "POST" ? JSON.stringify({ title: "escape", email: "x@example.test", name: "x", password: "y" }) : undefined;
        const headers = { ...bffHeaders(origin, aliceCookie), ...(body ? { "Content-Type": "application/json" } : {}) };
        const { final, hops } = await sendFollowing(origin, method, path, headers, body);
        const label = `${method} ${hops.join(" → ")}: ${final.status} ${final.body.slice(0, 120)}`;
        expect([404, 405], label).toContain(final.status);
        expect(final.body, label).not.toContain(bobTitle);
        expect(final.body, label).not.toContain(bob.email);
        expect(final.body, label).not.toMatch(LEAK_PATTERN);
        expect(String(final.headers["set-cookie"] ?? ""), label).not.toContain("injected");
      }
    }
    expect(site.hits, "the BFF contacted a host named in the path").toEqual([]);
    await site.close();

    // Bob's note is unharmed, and Alice never created anything.
    const bobRead = await request.get(`/api/v1/notes/${bobNoteId}`, { headers: bearer(bobTokens.access_token) });
    expect((await bobRead.json()).note.title).toBe(bobTitle);
  });

  test("dot segments resolve like a browser resolves them, and never out of /bff/api with the session's token", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    // These normalise to an allow-listed route of the same user: harmless, and the same as a browser would request.
    for (const path of ["/bff/api/notes/../me", "/bff/api/./me", "/bff/api/notes/%2e%2e/me"]) {
      const { final } = await sendFollowing(origin, "GET", path, cookieHeader(cookie));
      expect(final.status, path).toBe(200);
      expect(JSON.parse(final.body).user.id, path).toBe(alice.id);
    }
    // These normalise out of /bff/api altogether, onto the API itself, which never reads the cookie.
    for (const path of ["/bff/api/%2e%2e/%2e%2e/api/v1/me", "/bff/api/../../api/v1/me", "/bff/api/notes/../../../api/v1/notes"]) {
      const { final, hops } = await sendFollowing(origin, "GET", path, cookieHeader(cookie));
      expect(final.status, hops.join(" → ")).toBe(401);
      expect(final.body).not.toContain(alice.email);
      expect(String(final.headers["www-authenticate"] ?? ""), "the API saw no token at all").not.toContain("invalid_token");
    }
  });

  test("unlisted methods on listed routes answer 405 with Allow, and change nothing", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    const client = await cleanContext(origin);
    const created = await client.post("/bff/api/notes", { headers: bffHeaders(origin, cookie), data: { title: "keep me" } });
    expect(created.status()).toBe(201);
    const noteId = (await created.json()).note.id as string;
    const countNotes = async () => ((await (await client.get("/bff/api/notes?limit=100", { headers: cookieHeader(cookie) })).json()).items as unknown[]).length;
    const before = await countNotes();

    const attempts: [string, string, string][] = [
      ["PUT", "/bff/api/notes", "GET, POST"],
      ["DELETE", "/bff/api/notes", "GET, POST"],
      ["PATCH", "/bff/api/notes", "GET, POST"],
      ["PUT", `/bff/api/notes/${noteId}`, "GET, PATCH, DELETE"],
      ["POST", `/bff/api/notes/${noteId}`, "GET, PATCH, DELETE"],
      ["POST", "/bff/api/me", "GET, PATCH, DELETE"],
      ["PUT", "/bff/api/me", "GET, PATCH, DELETE"],
      ["GET", "/bff/api/me/password", "POST"],
      ["PUT", "/bff/api/tokens", "GET, POST"],
      ["POST", "/bff/api/sessions", "GET, DELETE"],
    ];
    for (const [method, path, allow] of attempts) {
      const response = await client.fetch(path, { method, headers: bffHeaders(origin, cookie), data: { title: "x" } });
      expect(response.status(), `${method} ${path}`).toBe(405);
      expect(response.headers().allow, `${method} ${path}`).toBe(allow);
      expectNoStore(response);
    }
    expect(await countNotes(), "no note was created or deleted").toBe(before);
    const note = await client.get(`/bff/api/notes/${noteId}`, { headers: cookieHeader(cookie) });
    expect((await note.json()).note.title).toBe("keep me");
    await client.dispose();
  });

  test("a browser-supplied Authorization header never overrides the session", async ({ baseURL, alice, bob, request, bffClient }) => {
    const origin = baseURL!;
    const aliceCookie = await signInBff(origin, alice);
    const bobTokens = await passwordGrant(request, bffClient, bob);
    const bobTitle = `bob-${randomBytes(6).toString("hex")}`;
    await request.post("/api/v1/notes", { headers: bearer(bobTokens.access_token), data: { title: bobTitle } });
    const client = await cleanContext(origin);

    for (const authorization of [`Bearer ${bobTokens.access_token}`, `bearer ${bobTokens.access_token}`, `Basic ${Buffer.from(`keyhole-bff:${bffClient.secret}`).toString("base64")}`]) {
      const headers = { ...bffHeaders(origin, aliceCookie), Authorization: authorization };
      const me = await client.get("/bff/api/me", { headers });
      expect(me.status()).toBe(200);
      expect((await me.json()).user.id, "the BFF answered as the bearer's user").toBe(alice.id);
      const notes = await client.get("/bff/api/notes?limit=100", { headers });
      expect(await notes.text()).not.toContain(bobTitle);
      const title = `alice-${randomBytes(6).toString("hex")}`;
      const created = await client.post("/bff/api/notes", { headers, data: { title } });
      expect(created.status()).toBe(201);
      // The note belongs to Alice, not to the owner of the injected token.
      const bobList = await request.get("/api/v1/notes?limit=100", { headers: bearer(bobTokens.access_token) });
      expect(await bobList.text()).not.toContain(title);
    }
    await client.dispose();
  });

  test("Host, X-Forwarded-*, Forwarded and extra cookies neither redirect the upstream nor change who the caller is", async ({ baseURL, alice, bob, request, bffClient }) => {
    const origin = baseURL!;
    const aliceCookie = await signInBff(origin, alice);
    const bobTokens = await passwordGrant(request, bffClient, bob);
    const site = await startAttackerSite(() => ({ headers: { "content-type": "application/json" }, body: JSON.stringify({ user: { id: "attacker" } }) }));
    const attackerHost = `127.0.0.1:${site.port}`;
    const injected: Record<string, string>[] = [
      { Host: attackerHost },
      { "X-Forwarded-Host": attackerHost, "X-Forwarded-Proto": "http", "X-Forwarded-Port": String(site.port) },
      { Forwarded: `for=6.6.6.6;host=${attackerHost};proto=http` },
      { "X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6", "X-Client-IP": "6.6.6.6", "Keyhole-Client-IP": "6.6.6.6" },
      { "X-Original-URL": "/api/v1/users", "X-Rewrite-URL": "/api/v1/users", "X-HTTP-Method-Override": "DELETE" },
    ];
    for (const headers of injected) {
      const response = await rawRequest(origin, {
        path: "/bff/api/me",
        headers: {
          Cookie: `${"__Host-keyhole"}=${aliceCookie}; access_token=${bobTokens.access_token}; Authorization=Bearer%20${bobTokens.access_token}`,
          ...headers,
        },
      });
      const label = JSON.stringify(headers);
      expect(response.status, `${label}: ${response.body}`).toBe(200);
      expect(JSON.parse(response.body).user.id, label).toBe(alice.id);
    }
    // X-HTTP-Method-Override on a GET did not turn it into anything else.
    const client = await cleanContext(origin);
    const notes = await client.get("/bff/api/notes", { headers: { ...cookieHeader(aliceCookie), "X-HTTP-Method-Override": "DELETE" } });
    expect(notes.status()).toBe(200);
    await client.dispose();
    expect(site.hits, "the upstream was derived from a request header").toEqual([]);
    await site.close();
  });

  test("proxied responses are no-store and set no cookie of their own", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    const client = await cleanContext(origin);
    const responses = [
      await client.get("/bff/api/me", { headers: cookieHeader(cookie) }),
      await client.get("/bff/api/notes", { headers: cookieHeader(cookie) }),
      await client.get("/bff/api/sessions", { headers: cookieHeader(cookie) }),
      await client.get("/bff/api/tokens", { headers: cookieHeader(cookie) }),
      await client.get("/bff/api/activity", { headers: cookieHeader(cookie) }),
      await client.post("/bff/api/notes", { headers: bffHeaders(origin, cookie), data: { title: "cache me not" } }),
      await client.get("/bff/api/notes/does-not-exist", { headers: cookieHeader(cookie) }),
      await client.put("/bff/api/notes", { headers: bffHeaders(origin, cookie), data: {} }),
      await client.post("/bff/api/notes", { headers: bffHeaders(origin, cookie), data: { title: "" } }),
      await client.get("/bff/api/users", { headers: cookieHeader(cookie) }),
    ];
    for (const response of responses) {
      expectNoStore(response);
      expect(response.headers()["set-cookie"], `${response.url()} ${response.status()}`).toBeUndefined();
      expect(response.headers()["access-control-allow-origin"]).toBeUndefined();
      expect(response.headers()["x-powered-by"]).toBeUndefined();
      // The API's bearer challenge is about the BFF's token, not the browser's business.
      expect(response.headers()["www-authenticate"]).toBeUndefined();
      const body = await response.text();
      expect(body).not.toMatch(/eyJ[\w-]+\.eyJ|khr_/);
    }
    // The same with a response the BFF had to refuse.
    const refused = await client.get("/bff/api/me", { headers: cookieHeader(`${cookie.slice(0, -20)}AAAAAAAAAAAAAAAAAAAA`) });
    expect(refused.status()).toBe(401);
    expectNoStore(refused);
    await client.dispose();
  });
});
