/**
 * PostgreSQL stops while users are signed in. This file's database is reached through a TCP proxy
 * (test/tcp-proxy.ts) that the tests stop (dropping and refusing connections, or never answering
 * them) and start again on the same port. While it is down, the API, the token endpoint, the BFF
 * and page loads answer 503 with Retry-After within about a second, and the BFF keeps the session
 * cookie; once it is back, the same cookie and tokens work and nothing written before is lost.
 */
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const outage = await vi.hoisted(async () => {
  const { startTcpProxy } = await import("../test/tcp-proxy");
  const proxy = await startTcpProxy({ host: "127.0.0.1", port: 5432 });
  // test/setup.ts made this file's database; reach the same one through the proxy.
  const databaseUrl = new URL(process.env.DATABASE_URL!);
  const directUrl = databaseUrl.toString();
  databaseUrl.hostname = "127.0.0.1";
  databaseUrl.port = String(proxy.port);
  process.env.DATABASE_URL = databaseUrl.toString();
  return { proxy, directUrl };
});

import {
  api,
  BASE,
  bearer,
  expectNoStackTrace,
  jsonRequest,
  passwordGrant,
  readBody,
  refreshGrant,
  registerUser,
  sleep,
  tokenRequest,
  type TestUser,
  type TokenResponse,
} from "../test/api";
import { bff, ORIGIN, SAME_ORIGIN, sessionCookieFrom, signInThroughBff, withSessionCookie } from "../test/bff";
import { proxy } from "../proxy";
import { REVOCATION_POLL_INTERVAL_MS, revocationsArePushed } from "./auth/revocations";
import { isDatabaseUnavailable } from "./database-errors";
import { getDb } from "./db";
import { PROBLEM_CONTENT_TYPE } from "./shared/errors";

/** "Within about a second": the pool gives up connecting after 1 s (lib/db.ts). */
const ANSWER_WITHIN_MS = 1_500;

let user: TestUser;
let tokens: TokenResponse;
let cookie: string;
/** A page read as a browser at APP_ORIGIN sends it to proxy.ts: the Host it opened, the session cookie. */
const pageRead = (path: string) => new NextRequest(`${ORIGIN}${path}`, { headers: { host: new URL(ORIGIN).host, ...withSessionCookie(cookie) } });
let pat: string;
let noteId: string;
const latenciesMs: Record<string, number> = {};

beforeAll(async () => {
  user = await registerUser();
  tokens = await passwordGrant(user.email, user.password);
  cookie = await signInThroughBff(user);
  const note = await bff().handleApiProxy(
    new Request(`${ORIGIN}/bff/api/notes`, { method: "POST", headers: { ...SAME_ORIGIN, ...withSessionCookie(cookie) }, body: JSON.stringify({ title: "Written before the outage", body: "" }) }),
  );
  expect(note.status).toBe(201);
  noteId = (await note.json()).note.id;
  const created = await readBody(await api(`${BASE}/tokens`, jsonRequest("POST", { name: "script", scopes: ["notes:read"], expiresInDays: 7 }, bearer(tokens.access_token))));
  expect(created.status).toBe(201);
  pat = created.json.token;
});

afterAll(() => outage.proxy.start());

const bffRequest = (path: string, init: { method?: string; body?: unknown; signedIn?: boolean } = {}) =>
  new Request(`${ORIGIN}${path}`, {
    method: init.method ?? "GET",
    headers: { ...SAME_ORIGIN, ...(init.signedIn === false ? {} : withSessionCookie(cookie)) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

/** Sends while the database is down: a prompt 503 with Retry-After, no stack, and what the body says. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc and assert them
async function expectUnavailable(label: string, send: () => Promise<Response>): Promise<{ response: Response; json: any }> {
  const startedMs = performance.now();
  const response = await send();
  const text = await response.text();
  latenciesMs[label] = Math.round(performance.now() - startedMs);
  expect(response.status, text).toBe(503);
  expect(latenciesMs[label]).toBeLessThan(ANSWER_WITHIN_MS);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expectNoStackTrace(text);
  return { response, json: JSON.parse(text) };
}

async function expectDatabaseUnavailableProblem(label: string, send: () => Promise<Response>): Promise<Response> {
  const { response, json } = await expectUnavailable(label, send);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(json).toMatchObject({ type: "urn:keyhole:problem:database-unavailable", code: "database_unavailable", status: 503 });
  return response;
}

/** The BFF neither ends nor rewrites the session when the database is down. */
function expectCookieKept(response: Response): void {
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(response.headers.get("clear-site-data")).toBeNull();
}

describe.each([
  { outage: "stops: connections are dropped and refused", blackHole: false },
  { outage: "stops answering: connections wait, as for a host that is gone", blackHole: true },
])("PostgreSQL $outage", ({ blackHole }) => {
  describe("while it is down", () => {
    beforeAll(async () => {
      for (const label of Object.keys(latenciesMs)) delete latenciesMs[label];
      await outage.proxy.stop({ blackHole });
      // Until this instance has seen its connections drop, and for up to a poll interval after (a
      // revocation may be that stale), it rightly answers a confirmed session from memory.
      await vi.waitFor(() => expect(revocationsArePushed()).toBe(false));
      await sleep(REVOCATION_POLL_INTERVAL_MS);
    });

    test("the API answers 503 database-unavailable, for an access token and for a personal access token", async () => {
      await expectDatabaseUnavailableProblem("GET /api/v1/notes (JWT)", () => api(`${BASE}/notes`, { headers: bearer(tokens.access_token) }));
      await expectDatabaseUnavailableProblem("GET /api/v1/notes (PAT)", () => api(`${BASE}/notes`, { headers: bearer(pat) }));
      await expectDatabaseUnavailableProblem("POST /api/v1/users", () => api(`${BASE}/users`, jsonRequest("POST", { email: "late@example.com", name: "Late", password: user.password })));
    });

    test("the token endpoint answers 503 temporarily_unavailable (RFC 6749), for a password and for a refresh token", async () => {
      for (const [label, params] of [
        ["password grant", { grant_type: "password", username: user.email, password: user.password }],
        ["refresh grant", { grant_type: "refresh_token", refresh_token: tokens.refresh_token }],
      ] as const) {
        const { response, json } = await expectUnavailable(`POST /api/v1/auth/token (${label})`, () => tokenRequest(params));
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        expect(json.error).toBe("temporarily_unavailable");
      }
    });

    test("the BFF answers 503 and keeps the session cookie: it is not read as signed out", async () => {
      expectCookieKept(await expectDatabaseUnavailableProblem("GET /bff/session", () => bff().handleSession(bffRequest("/bff/session"))));
      expectCookieKept(await expectDatabaseUnavailableProblem("GET /bff/api/notes", () => bff().handleApiProxy(bffRequest("/bff/api/notes"))));
      expectCookieKept(
        await expectDatabaseUnavailableProblem("POST /bff/api/notes", () =>
          bff().handleApiProxy(bffRequest("/bff/api/notes", { method: "POST", body: { title: "During", body: "" } })),
        ),
      );
    });

    test("signing in through the BFF answers 503 and sets no cookie", async () => {
      const { response, json } = await expectUnavailable("POST /bff/login", () =>
        bff().handleLogin(bffRequest("/bff/login", { method: "POST", body: { email: user.email, password: user.password }, signedIn: false })),
      );
      expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
      // The token endpoint's temporarily_unavailable does not say why: the BFF reads any 503 from it as `overloaded`.
      expect(json).toMatchObject({ status: 503, code: "overloaded" });
      expect(sessionCookieFrom(response)).toBeNull();
    });

    test("a page read with the session cookie is the 503 unavailable page (proxy.ts), not the sign-in page", async () => {
      const startedMs = performance.now();
      const response = await proxy(pageRead("/notes"));
      const html = await response.text();
      latenciesMs["GET /notes (page)"] = Math.round(performance.now() - startedMs);
      expect(response.status).toBe(503);
      expect(latenciesMs["GET /notes (page)"]).toBeLessThan(ANSWER_WITHIN_MS);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(response.headers.get("location")).toBeNull();
      expect(html).toContain("<h1>Temporarily unavailable</h1>");
      expectCookieKept(response);
    });

    afterAll(() => console.info(`503 latencies while PostgreSQL ${blackHole ? "stopped answering" : "was stopped"} (ms): ${JSON.stringify(latenciesMs)}`));
  });

  describe("when it is back", () => {
    beforeAll(() => outage.proxy.start());

    test("the same cookie, access token and personal access token work at once, and what was written is there", async () => {
      const session = await bff().handleSession(bffRequest("/bff/session"));
      expect(session.status).toBe(200);
      expect((await session.json()).user.email).toBe(user.email);

      const viaBff = await bff().handleApiProxy(bffRequest(`/bff/api/notes/${noteId}`));
      expect(viaBff.status).toBe(200);
      expect((await viaBff.json()).note.title).toBe("Written before the outage");

      const viaApi = await readBody(await api(`${BASE}/notes`, { headers: bearer(tokens.access_token) }));
      expect(viaApi.status).toBe(200);
      expect(viaApi.json.items.map((note: { id: string }) => note.id)).toContain(noteId);
      expect((await readBody(await api(`${BASE}/notes`, { headers: bearer(pat) }))).status).toBe(200);

      const page = await proxy(pageRead("/notes"));
      expect(page.status).toBe(200);
      expect(page.headers.get("x-middleware-next")).toBe("1");
    });

    test("the refresh token issued before the outage still refreshes", async () => {
      const { status, json } = await refreshGrant(tokens.refresh_token);
      expect(status, JSON.stringify(json)).toBe(200);
      tokens = json;
    });
  });
});

describe("the server terminates a connection (57P01, as a fast shutdown does)", () => {
  test("a query cut off that way counts as the database being unavailable, and the next request works", async () => {
    const sleeping = getDb().$queryRaw`SELECT pg_sleep(5)::text AS slept`.then(
      () => null,
      (error: unknown) => error,
    );
    const admin = new pg.Client({ connectionString: outage.directUrl });
    await admin.connect();
    try {
      await vi.waitFor(async () => {
        const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'");
        expect(rows.length).toBe(1);
      });
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    } finally {
      await admin.end();
    }
    expect(isDatabaseUnavailable(await sleeping)).toBe(true);
    expect((await readBody(await api(`${BASE}/notes`, { headers: bearer(tokens.access_token) }))).status).toBe(200);
  });
});
