import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Short-lived access tokens so the refresh path runs within the test.
  process.env.ACCESS_TOKEN_TTL = "2";
});

import { bff } from "../../test/bff";
import { expectNoStackTrace, getMe, registerUser, signIn as signInThroughApi, type TestUser } from "../../test/api";
import { SESSION_COOKIE_NAME } from "./cookie-name";

const ORIGIN = "http://localhost:3000";
const SAME_ORIGIN = { origin: ORIGIN, "x-csrf": "1", "sec-fetch-site": "same-origin" };
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

function request(path: string, init: { method?: string; headers?: Record<string, string>; json?: unknown; body?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  return new Request(`${ORIGIN}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
}

function sessionCookieOf(response: Response): { value: string; attributes: string } | null {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (!header) return null;
  const [pair, ...attributes] = header.split(";");
  return { value: pair!.slice(SESSION_COOKIE_NAME.length + 1), attributes: attributes.join(";").trim() };
}

const cookieHeader = (value: string) => ({ cookie: `${SESSION_COOKIE_NAME}=${value}` });

async function login(user: TestUser): Promise<string> {
  const response = await bff().handleLogin(request("/bff/login", { method: "POST", headers: SAME_ORIGIN, json: { email: user.email, password: user.password } }));
  expect(response.status).toBe(200);
  return sessionCookieOf(response)!.value;
}

let user: TestUser;
beforeAll(async () => {
  user = await registerUser({ name: "Bff Tester" });
});

describe("POST /bff/login", () => {
  it("sets a sealed __Host- cookie with strict attributes and returns the user without any token", async () => {
    const response = await bff().handleLogin(request("/bff/login", { method: "POST", headers: SAME_ORIGIN, json: { email: user.email, password: user.password } }));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text).user).toMatchObject({ email: user.email, name: "Bff Tester" });
    expect(text).not.toMatch(JWT);
    expect(text).not.toContain("khr_");
    const cookie = sessionCookieOf(response)!;
    expect(cookie.value).not.toMatch(JWT);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/Secure/i);
    expect(cookie.attributes).toMatch(/SameSite=strict/i);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(cookie.attributes).not.toMatch(/Domain=/i);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie.attributes)![1]);
    expect(maxAge).toBeGreaterThan(29 * 86400);
    expect(maxAge).toBeLessThanOrEqual(30 * 86400);
  });

  it("gives every sign-in a new session cookie", async () => {
    expect(await login(user)).not.toBe(await login(user));
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const wrong = await bff().handleLogin(request("/bff/login", { method: "POST", headers: SAME_ORIGIN, json: { email: user.email, password: "not-the-password-at-all" } }));
    const unknown = await bff().handleLogin(request("/bff/login", { method: "POST", headers: SAME_ORIGIN, json: { email: "nobody@example.com", password: "not-the-password-at-all" } }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toBe(await unknown.text());
    expect(sessionCookieOf(wrong)).toBeNull();
  });

  it.each([
    ["no X-CSRF header", { origin: ORIGIN }],
    ["a cross-site Origin", { origin: "https://evil.example", "x-csrf": "1" }],
    ["a cross-site Sec-Fetch-Site", { origin: ORIGIN, "x-csrf": "1", "sec-fetch-site": "cross-site" }],
    ["neither Origin nor Sec-Fetch-Site", { "x-csrf": "1" }],
    ["X-CSRF with another value", { origin: ORIGIN, "x-csrf": "true" }],
  ])("refuses a login with %s (login CSRF)", async (_label, headers) => {
    const response = await bff().handleLogin(request("/bff/login", { method: "POST", headers, json: { email: user.email, password: user.password } }));
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("csrf_rejected");
    expect(sessionCookieOf(response)).toBeNull();
  });

  it("outside production, says once in the server log that a loopback origin other than APP_ORIGIN is why a request was refused", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const attempt = (origin: string) =>
        bff().handleLogin(request("/bff/login", { method: "POST", headers: { origin, "x-csrf": "1" }, json: { email: user.email, password: user.password } }));
      expect((await attempt("http://127.0.0.1:3000")).status).toBe(403);
      expect((await attempt("http://127.0.0.1:3000")).status).toBe(403);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toContain(`APP_ORIGIN is ${ORIGIN}`);
      expect(warn.mock.calls[0]![0]).toContain("APP_ORIGIN=http://127.0.0.1:3000");
      // A foreign site is an attack, not a typo: nothing to explain.
      expect((await attempt("https://evil.example")).status).toBe(403);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("accepts a request without Origin when Sec-Fetch-Site says same-origin", async () => {
    const response = await bff().handleLogin(
      request("/bff/login", { method: "POST", headers: { "x-csrf": "1", "sec-fetch-site": "same-origin" }, json: { email: user.email, password: user.password } }),
    );
    expect(response.status).toBe(200);
  });

  it.each([
    ["a form body", "application/x-www-form-urlencoded", "email=a%40b.c&password=x"],
    ["a text/plain body", "text/plain", JSON.stringify({ email: "a@b.c", password: "x" })],
  ])("refuses %s with 415", async (_label, type, body) => {
    const response = await bff().handleLogin(request("/bff/login", { method: "POST", headers: { ...SAME_ORIGIN, "content-type": type }, body }));
    expect(response.status).toBe(415);
  });

  it("refuses malformed JSON and unknown fields with 400 and no stack", async () => {
    const malformed = await bff().handleLogin(request("/bff/login", { method: "POST", headers: { ...SAME_ORIGIN, "content-type": "application/json" }, body: "{nope" }));
    expect(malformed.status).toBe(400);
    const extra = await bff().handleLogin(request("/bff/login", { method: "POST", headers: SAME_ORIGIN, json: { email: user.email, password: user.password, admin: true } }));
    expect(extra.status).toBe(400);
    expectNoStackTrace(await extra.text());
  });
});

describe("POST /bff/register", () => {
  it("registers and signs in at once", async () => {
    const response = await bff().handleRegister(
      request("/bff/register", { method: "POST", headers: SAME_ORIGIN, json: { email: `new-${Date.now()}@example.com`, name: "New Person", password: "violet-harbor-sixty-lanterns" } }),
    );
    expect(response.status).toBe(201);
    expect(sessionCookieOf(response)).not.toBeNull();
  });

  it("passes the API's password problem through to the form", async () => {
    const response = await bff().handleRegister(request("/bff/register", { method: "POST", headers: SAME_ORIGIN, json: { email: `weak-${Date.now()}@example.com`, name: "Weak", password: "password1234" } }));
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.code).toBe("weak_password");
    expect(problem.errors[0].path).toBe("password");
  });
});

describe("GET /bff/session", () => {
  it("returns the user and expiry for a valid cookie and never a token", async () => {
    const cookie = await login(user);
    const response = await bff().handleSession(request("/bff/session", { headers: cookieHeader(cookie) }));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ user: { email: user.email } });
    expect(text).not.toMatch(JWT);
  });

  it("refuses a tampered cookie", async () => {
    const cookie = await login(user);
    const tampered = cookie.slice(0, 40) + (cookie[40] === "A" ? "B" : "A") + cookie.slice(41);
    const response = await bff().handleSession(request("/bff/session", { headers: cookieHeader(tampered) }));
    expect(response.status).toBe(401);
  });

  it("never accepts a bearer token instead of the cookie, nor lets one override it", async () => {
    // A real, valid access token of another user: the API itself would accept it.
    const { user: other, tokens } = await signInThroughApi({ name: "Bearer Holder" });
    expect((await getMe(tokens.access_token)).status).toBe(200);
    const bearerOnly = await bff().handleApiProxy(request("/bff/api/me", { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    expect(bearerOnly.status).toBe(401);

    const cookie = await login(user);
    const both = await bff().handleApiProxy(request("/bff/api/me", { headers: { ...cookieHeader(cookie), authorization: `Bearer ${tokens.access_token}` } }));
    expect(both.status).toBe(200);
    const me = (await both.json()).user;
    expect(me.email).toBe(user.email);
    expect(me.email).not.toBe(other.email);
  });
});

describe("/bff/api proxy", () => {
  it("forwards allow-listed calls with the session's token", async () => {
    const cookie = await login(user);
    const created = await bff().handleApiProxy(request("/bff/api/notes", { method: "POST", headers: { ...SAME_ORIGIN, ...cookieHeader(cookie) }, json: { title: "Through the BFF" } }));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const list = await bff().handleApiProxy(request("/bff/api/notes", { headers: cookieHeader(cookie) }));
    expect(list.status).toBe(200);
    expect((await list.json()).items.map((note: { title: string }) => note.title)).toContain("Through the BFF");
  });

  it("passes the browser's address on, so the activity log records it", async () => {
    const cookie = await login(user);
    // server.ts has already replaced X-Forwarded-For with the one address it trusts.
    const headers = { ...SAME_ORIGIN, ...cookieHeader(cookie), "x-forwarded-for": "203.0.113.77" };
    const created = await bff().handleApiProxy(request("/bff/api/tokens", { method: "POST", headers, json: { name: "ip check", scopes: ["notes:read"], expiresInDays: 7 } }));
    expect(created.status).toBe(201);
    const activity = await (await bff().handleApiProxy(request("/bff/api/activity", { headers: cookieHeader(cookie) }))).json();
    const event = activity.items.find((item: { type: string; detail: string }) => item.type === "pat_created" && item.detail === "ip check");
    expect(event.ip).toBe("203.0.113.77");
  });

  it("refuses a state-changing call without the anti-forgery header and changes nothing", async () => {
    const cookie = await login(user);
    const response = await bff().handleApiProxy(request("/bff/api/notes", { method: "POST", headers: { origin: ORIGIN, ...cookieHeader(cookie) }, json: { title: "Forged" } }));
    expect(response.status).toBe(403);
    const list = await bff().handleApiProxy(request("/bff/api/notes", { headers: cookieHeader(cookie) }));
    expect((await list.json()).items.map((note: { title: string }) => note.title)).not.toContain("Forged");
  });

  it.each([
    "/bff/api/users",
    "/bff/api/auth/token",
    "/bff/api/notes/..%2f..%2fusers",
    "/bff/api/notes/%2e%2e",
    "/bff/api/notes/a.b",
    "/bff/api/notes/a%5cb",
    "/bff/api//notes",
    "/bff/api/http://evil.example/notes",
    "/bff/api/notes/x/y",
  ])("refuses the path %s", async (path) => {
    const cookie = await login(user);
    const response = await bff().handleApiProxy(request(path, { headers: cookieHeader(cookie) }));
    expect(response.status).toBe(404);
  });

  it("refuses a method the route does not allow", async () => {
    const cookie = await login(user);
    const response = await bff().handleApiProxy(request("/bff/api/notes", { method: "DELETE", headers: { ...SAME_ORIGIN, ...cookieHeader(cookie) } }));
    expect(response.status).toBe(405);
  });

  it("refuses a body over the size cap with 413", async () => {
    const cookie = await login(user);
    const response = await bff().handleApiProxy(
      request("/bff/api/notes", { method: "POST", headers: { ...SAME_ORIGIN, ...cookieHeader(cookie), "content-type": "application/json" }, body: JSON.stringify({ title: "x", body: "y".repeat(70_000) }) }),
    );
    expect(response.status).toBe(413);
  });

  it("a rename through PATCH /me re-seals the cookie with the new name; a refused one leaves it as it was", async () => {
    const renamer = await registerUser({ name: "Old Name" });
    const cookie = await login(renamer);
    const headers = { ...SAME_ORIGIN, ...cookieHeader(cookie) };
    const refused = await bff().handleApiProxy(request("/bff/api/me", { method: "PATCH", headers, json: { name: " " } }));
    expect(refused.status).toBe(400);
    expect(sessionCookieOf(refused)).toBeNull();

    const renamed = await bff().handleApiProxy(request("/bff/api/me", { method: "PATCH", headers, json: { name: "New Name" } }));
    expect(renamed.status).toBe(200);
    expect((await renamed.json()).user.name).toBe("New Name");
    const resealed = sessionCookieOf(renamed);
    expect(resealed).not.toBeNull();
    const view = await bff().handleSession(request("/bff/session?extend=false", { headers: cookieHeader(resealed!.value) }));
    expect((await view.json()).user).toMatchObject({ id: renamer.id, email: renamer.email, name: "New Name" });
  });

    it("refreshes an expired access token, re-seals the cookie, and survives 20 parallel requests", async () => {
    const cookie = await login(user);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const responses = await Promise.all(Array.from({ length: 20 }, () => bff().handleApiProxy(request("/bff/api/notes", { headers: cookieHeader(cookie) }))));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const renewed = responses.map(sessionCookieOf).filter((value) => value !== null);
    expect(renewed.length).toBe(20);
    expect(new Set(renewed.map((value) => value!.value)).size).toBe(1);
    // The new cookie keeps working after its own token expires.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const later = await bff().handleApiProxy(request("/bff/api/notes", { headers: cookieHeader(renewed[0]!.value) }));
    expect(later.status).toBe(200);
  });
});

describe("POST /bff/logout", () => {
  it("revokes the session, clears the cookie and site data, and a copy of the old cookie stops working", async () => {
    const cookie = await login(user);
    const response = await bff().handleLogout(request("/bff/logout", { method: "POST", headers: { ...SAME_ORIGIN, ...cookieHeader(cookie) } }));
    expect(response.status).toBe(204);
    expect(response.headers.get("clear-site-data")).toBe('"cookies", "storage"');
    expect(sessionCookieOf(response)!.attributes).toMatch(/Max-Age=0/i);
    const replayed = await bff().handleSession(request("/bff/session", { headers: cookieHeader(cookie) }));
    expect(replayed.status).toBe(401);
    const proxied = await bff().handleApiProxy(request("/bff/api/notes", { headers: cookieHeader(cookie) }));
    expect(proxied.status).toBe(401);
  });

  it("refuses a cross-site logout", async () => {
    const cookie = await login(user);
    const response = await bff().handleLogout(request("/bff/logout", { method: "POST", headers: { origin: "https://evil.example", "x-csrf": "1", ...cookieHeader(cookie) } }));
    expect(response.status).toBe(403);
    expect((await bff().handleSession(request("/bff/session", { headers: cookieHeader(cookie) }))).status).toBe(200);
  });
});

describe("session cookie size", () => {
  it("stays under 4 KB with the longest allowed email and name", async () => {
    const longest = await registerUser({ email: `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, name: "N".repeat(100) });
    expect(longest.email.length).toBe(254);
    const cookie = await login(longest);
    expect(`${SESSION_COOKIE_NAME}=${cookie}`.length).toBeLessThan(4096);
  });
});
