/**
 * Attacks on the keyhole cookie: tampering, forging, replay after logout, and using one user's
 * cookie to reach another user's data. The cookie value is handled by hand (copied, changed,
 * replayed) from contexts with empty cookie jars, exactly as an attacker holding it would.
 */
import { randomBytes } from "node:crypto";
import { sealData } from "iron-session";
import { bearer, passwordGrant } from "../fixtures";
import { expect, test } from "./support/fixtures";
import {
  bffHeaders,
  cleanContext,
  cookieHeader,
  LEAK_PATTERN,
  SESSION_COOKIE,
  setCookieLines,
  signInBff,
} from "./support/attacker";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The cookie with the character at `index` replaced by another one of the same alphabet. */
function flipCharacter(value: string, index: number): string {
  const current = value[index]!;
  const replacement = BASE64URL[(BASE64URL.indexOf(current) + 1) % BASE64URL.length] ?? "A";
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

test("the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict, Path=/, has no Domain, and stays under 4 KB", async ({ baseURL, newAccount }) => {
  // The longest name registration allows, so the cookie is as large as it gets.
  const account = await newAccount("main", "N".repeat(100));
  const context = await cleanContext(baseURL!);
  const login = await context.post("/bff/login", { headers: { "X-CSRF": "1", Origin: baseURL! }, data: { email: account.email, password: account.password } });
  expect(login.status()).toBe(200);
  const line = setCookieLines(login).find((value) => value.startsWith(`${SESSION_COOKIE}=`))!;
  expect(line).toBeTruthy();
  const attributes = line.split(";").slice(1).map((part) => part.trim().toLowerCase());
  expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/"]));
  expect(attributes.some((attribute) => attribute.startsWith("domain="))).toBe(false);
  expect(Buffer.byteLength(line.split(";")[0]!)).toBeLessThan(4096);
  // The login answer tells the browser who signed in, never a token.
  const body = await login.text();
  expect(body).not.toMatch(/eyJ[\w-]+\.eyJ|khr_|khp_/);
  await context.dispose();
});

test("a tampered cookie (one character changed anywhere, truncated, or re-dated) is refused and cleared", async ({ baseURL, alice: account }) => {
  const cookie = await signInBff(baseURL!, account);
  const attacker = await cleanContext(baseURL!);
  expect((await attacker.get("/bff/session", { headers: cookieHeader(cookie) })).status(), "the genuine cookie works").toBe(200);

  // iron-session: Fe26.2*passwordId*salt*iv*ciphertext*expiry*hmacSalt*hmac~2. Change each part.
  const parts = cookie.split("*");
  const starts: number[] = [];
  let offset = 0;
  for (const part of parts) {
    starts.push(offset);
    offset += part.length + 1;
  }
  const positions = new Set<number>();
  for (const [index, part] of parts.entries()) {
    if (part.length === 0) continue;
    positions.add(starts[index]! + Math.floor(part.length / 2));
    positions.add(starts[index]! + part.length - 1);
  }
  positions.add(0);
  const variants = [...positions].filter((index) => BASE64URL.includes(cookie[index]!)).map((index) => flipCharacter(cookie, index));
  const expiry = parts[5]!;
  variants.push(
    cookie.slice(0, -10),
    cookie.slice(0, cookie.length / 2),
    cookie.replace(`*${expiry}*`, `*${Number(expiry) + 86_400_000 * 365}*`),
    cookie.replace(/^Fe26\.2\*1\*/, "Fe26.2*2*"),
    cookie.replace(/~2$/, ""),
    cookie.replace(/~2$/, "~1"),
  );
  // Not here: characters appended after the `~2` version suffix, which iron-session reads with
  // parseInt. They change no sealed byte, so they grant nothing the genuine cookie does not.
  expect(variants.length).toBeGreaterThan(10);

  for (const variant of variants) {
    expect(variant).not.toBe(cookie);
    for (const path of ["/bff/session", "/bff/api/notes", "/bff/api/me"]) {
      const response = await attacker.get(path, { headers: cookieHeader(variant) });
      const body = await response.text();
      expect(response.status(), `${path} with a tampered cookie: ${body}`).toBe(401);
      expect(body).not.toContain(account.email);
      expect(body).not.toMatch(LEAK_PATTERN);
      // The BFF tells the browser to drop a cookie it refused.
      expect(setCookieLines(response).some((line) => line.startsWith(`${SESSION_COOKIE}=;`) && /max-age=0/i.test(line)), `${path} clears the cookie`).toBe(true);
    }
  }
  expect((await attacker.get("/bff/session", { headers: cookieHeader(cookie) })).status(), "the genuine cookie still works").toBe(200);
  await attacker.dispose();
});

test("a cookie sealed with a guessed secret, and a well-formed cookie for another user, are refused", async ({ baseURL, alice: account, bob: victim }) => {
  const now = Date.now();
  const forgedSession = {
    v: 1,
    sessionId: "00000000-0000-4000-8000-000000000000",
    user: { id: victim.id, email: victim.email, name: "Victim" },
    accessToken: "eyJhbGciOiJub25lIn0.e30.",
    accessTokenRefreshAtMs: now + 600_000,
    refreshToken: "khr_guess",
    expiresAtMs: now + 86_400_000,
    idleExpiresAtMs: now + 600_000,
  };
  const attacker = await cleanContext(baseURL!);
  for (const password of [randomBytes(32).toString("base64url"), "a".repeat(32), { "1": randomBytes(32).toString("base64url") }]) {
    const forged = await sealData(forgedSession, { password, ttl: 3600 });
    for (const path of ["/bff/session", "/bff/api/me", "/bff/api/notes"]) {
      const response = await attacker.get(path, { headers: cookieHeader(forged) });
      expect(response.status(), `${path} with a forged cookie`).toBe(401);
      expect(await response.text()).not.toContain(victim.email);
    }
  }
  // A page too: the optimistic proxy lets a cookie-shaped value through, the page itself refuses it.
  const forged = await sealData(forgedSession, { password: randomBytes(32).toString("base64url"), ttl: 3600 });
  const page = await attacker.get("/notes", { headers: cookieHeader(forged), maxRedirects: 0 });
  expect(page.status()).toBe(307);
  expect(page.headers().location).toMatch(/^(\/|http:\/\/127\.0\.0\.1:\d+\/)login\?/);
  // And the genuine cookie of `account` still answers as `account`, never as the victim.
  const own = await attacker.get("/bff/session", { headers: cookieHeader(await signInBff(baseURL!, account)) });
  expect((await own.json()).user.id).toBe(account.id);
  await attacker.dispose();
});

test("a cookie copied before logout is dead after it, on /bff/session, /bff/api/* and pages", async ({ baseURL, alice: account }) => {
  const cookie = await signInBff(baseURL!, account);
  const attacker = await cleanContext(baseURL!);
  expect((await attacker.get("/bff/session", { headers: cookieHeader(cookie) })).status()).toBe(200);
  expect((await attacker.get("/bff/api/notes", { headers: cookieHeader(cookie) })).status()).toBe(200);
  // Warm the cache of unsealed sessions, so the replay below is served from it if revocation were not checked.
  expect((await attacker.get("/notes", { headers: cookieHeader(cookie), maxRedirects: 0 })).status()).toBe(200);

  const user = await cleanContext(baseURL!);
  const logout = await user.post("/bff/logout", { headers: bffHeaders(baseURL!, cookie) });
  expect(logout.status()).toBe(204);
  await user.dispose();

  for (const path of ["/bff/session", "/bff/api/notes", "/bff/api/me", "/bff/api/sessions"]) {
    const response = await attacker.get(path, { headers: cookieHeader(cookie) });
    expect(response.status(), `${path} replayed after logout`).toBe(401);
    expect(await response.text()).not.toContain(account.email);
  }
  const created = await attacker.post("/bff/api/notes", { headers: bffHeaders(baseURL!, cookie), data: { title: "after logout" } });
  expect(created.status()).toBe(401);
  const page = await attacker.get("/notes", { headers: cookieHeader(cookie), maxRedirects: 0 });
  expect(page.status(), "the notes page with the replayed cookie").toBe(307);
  expect(page.headers().location).toContain("/login");
  await attacker.dispose();
});

test("user A's cookie never reaches user B's data", async ({ baseURL, alice, bob }) => {
  const [aliceCookie, bobCookie] = await Promise.all([signInBff(baseURL!, alice), signInBff(baseURL!, bob)]);
  const client = await cleanContext(baseURL!);
  const bobNote = await client.post("/bff/api/notes", { headers: bffHeaders(baseURL!, bobCookie), data: { title: `bob-secret-${randomBytes(4).toString("hex")}` } });
  expect(bobNote.status()).toBe(201);
  const { note } = (await bobNote.json()) as { note: { id: string; title: string } };

  const session = await client.get("/bff/session", { headers: cookieHeader(aliceCookie) });
  expect((await session.json()).user).toMatchObject({ id: alice.id, email: alice.email });
  const me = await client.get("/bff/api/me", { headers: cookieHeader(aliceCookie) });
  expect((await me.json()).user.id).toBe(alice.id);
  const list = await client.get("/bff/api/notes?limit=100", { headers: cookieHeader(aliceCookie) });
  expect(list.status()).toBe(200);
  expect(await list.text()).not.toContain(note.title);
  for (const method of ["GET", "PATCH", "DELETE"] as const) {
    const response = await client.fetch(`/bff/api/notes/${note.id}`, {
      method,
      headers: bffHeaders(baseURL!, aliceCookie),
      ...(method === "PATCH" ? { data: { title: "taken over" } } : {}),
    });
    expect(response.status(), `${method} of Bob's note with Alice's cookie`).toBe(404);
    expect(await response.text()).not.toContain(note.title);
  }
  // Bob's note is untouched.
  const bobRead = await client.get(`/bff/api/notes/${note.id}`, { headers: cookieHeader(bobCookie) });
  expect((await bobRead.json()).note.title).toBe(note.title);
  await client.dispose();
});

test("the API never reads the session cookie, and the BFF never accepts a bearer token", async ({ baseURL, request, bffClient, alice: account }) => {
  const cookie = await signInBff(baseURL!, account);
  const tokens = await passwordGrant(request, bffClient, account);
  const client = await cleanContext(baseURL!);

  const apiWithCookie = await client.get("/api/v1/me", { headers: cookieHeader(cookie) });
  expect(apiWithCookie.status(), "the API with only the session cookie").toBe(401);
  // A sealed cookie ("Fe26.2*…") is not even a well-formed bearer token (RFC 6750 b64token): 400.
  const apiWithCookieAsBearer = await client.get("/api/v1/me", { headers: bearer(cookie) });
  expect(apiWithCookieAsBearer.status(), "the sealed cookie as a bearer token").toBe(400);
  expect((await apiWithCookieAsBearer.json()).code).toBe("invalid_request");
  expect(await apiWithCookieAsBearer.text()).not.toContain(account.email);

  for (const path of ["/bff/session", "/bff/api/me", "/bff/api/notes"]) {
    const response = await client.get(path, { headers: bearer(tokens.access_token) });
    expect(response.status(), `${path} with only a bearer token`).toBe(401);
    expect(await response.text()).not.toContain(account.email);
  }
  await client.dispose();
});
