/**
 * Password guessing: the sign-in limits at the token endpoint and at /bff/login, whether a
 * spoofed client address resets them, and whether an unknown email can be told from a wrong
 * password by the answer or by its timing.
 *
 * These tests run against the dedicated `limits` server (its own database): they exhaust the
 * failed-sign-in limits of 127.0.0.1 there, which would otherwise lock every other test out of
 * signing in. Budget: 127.0.0.1 may fail 50 sign-ins in 15 minutes on that server
 * (RATE_LIMITS.signInFailuresPerIp); the tests below spend 10 + 10 + 22 = 42 of them.
 */
import type { APIResponse } from "@playwright/test";
import { basicAuth, generatePassword, uniqueEmail } from "../fixtures";
import { cleanContext, sameOrigin } from "./support/attacker";
import { createAccount, expect, madeUpClientIp, test } from "./support/fixtures";

/** RATE_LIMITS.signInFailuresPerAccountAndIp.points in lib/auth/rate-limits.ts. */
const FAILURES_PER_ACCOUNT_AND_IP = 10;
/** RATE_LIMITS.signInFailuresPerAccountAndIp.duration, in seconds. */
const ACCOUNT_AND_IP_WINDOW_SECONDS = 15 * 60;

/** Header sets an attacker adds to look like a new client. */
const SPOOFED_ADDRESSES: Record<string, string>[] = [
  { "X-Forwarded-For": "203.0.113.7" },
  { "X-Forwarded-For": "203.0.113.8, 198.51.100.9" },
  { "X-Real-IP": "203.0.113.9" },
  { Forwarded: "for=203.0.113.10" },
  { "True-Client-IP": "203.0.113.11", "CF-Connecting-IP": "203.0.113.11", "X-Client-IP": "203.0.113.11" },
  { "X-Forwarded-For": "203.0.113.12", "X-Real-IP": "203.0.113.12", Forwarded: "for=203.0.113.12" },
];

function expectRetryAfter(response: APIResponse): void {
  const retryAfter = Number(response.headers()["retry-after"]);
  expect(Number.isInteger(retryAfter), `Retry-After: ${response.headers()["retry-after"]}`).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(ACCOUNT_AND_IP_WINDOW_SECONDS);
}

/**
 * Sends FAILURES_PER_ACCOUNT_AND_IP wrong passwords (each refused as `wrong`), then expects the
 * next one, and one from every spoofed address, refused with 429 and Retry-After. Returns the first 429.
 */
async function expectLimitedAfterWrongPasswords(
  guess: (password: string, headers?: Record<string, string>) => Promise<APIResponse>,
  wrong: { status: number; field: "error" | "code"; code: string },
): Promise<APIResponse> {
  for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_IP; attempt++) {
    const response = await guess(generatePassword());
    expect(response.status(), `wrong password #${attempt}`).toBe(wrong.status);
    expect((await response.json())[wrong.field]).toBe(wrong.code);
  }
  const limited = await guess(generatePassword());
  expect(limited.status()).toBe(429);
  expectRetryAfter(limited);
  for (const headers of SPOOFED_ADDRESSES) {
    const spoofed = await guess(generatePassword(), headers);
    expect(spoofed.status(), `spoofed ${JSON.stringify(headers)}`).toBe(429);
    expectRetryAfter(spoofed);
  }
  return limited;
}

async function newLimitsAccount(origin: string, bffClient: { id: string; secret: string }) {
  const context = await cleanContext(origin);
  try {
    return await createAccount(context, bffClient, { name: "Limits" });
  } finally {
    await context.dispose();
  }
}

test.describe("sign-in limits", () => {
  test("the token endpoint answers 429 with Retry-After after 10 wrong passwords, and a spoofed address does not reset it", async ({
    servers,
    bffClient,
  }) => {
    const origin = servers.limits;
    const account = await newLimitsAccount(origin, bffClient);
    const client = await cleanContext(origin);
    const guess = (password: string, headers: Record<string, string> = {}) =>
      client.post("/api/v1/auth/token", {
        headers: { ...basicAuth(bffClient), ...headers },
        form: { grant_type: "password", username: account.email, password },
      });

    const limited = await expectLimitedAfterWrongPasswords(guess, { status: 400, field: "error", code: "invalid_grant" });
    expect((await limited.json()).error).toBe("rate_limited");
    // Not even the right password gets through while the limit holds: guessing stops here.
    const right = await guess(account.password, SPOOFED_ADDRESSES[0]);
    expect(right.status()).toBe(429);
    await client.dispose();
  });

  test("/bff/login answers 429 with Retry-After after 10 wrong passwords, and a spoofed address does not reset it", async ({ servers, bffClient }) => {
    const origin = servers.limits;
    const account = await newLimitsAccount(origin, bffClient);
    const client = await cleanContext(origin);
    const guess = (password: string, headers: Record<string, string> = {}) =>
      client.post("/bff/login", { headers: { ...sameOrigin(origin), ...headers }, data: { email: account.email, password } });

    const limited = await expectLimitedAfterWrongPasswords(guess, { status: 401, field: "code", code: "invalid_credentials" });
    expect(limited.headers()["content-type"]).toContain("application/problem+json");
    expect((await limited.json()).code).toBe("rate_limited");
    const right = await guess(account.password, SPOOFED_ADDRESSES[0]);
    expect(right.status()).toBe(429);
    expect(right.headers()["set-cookie"]).toBeUndefined();
    await client.dispose();
  });
});

test.describe("a parallel burst", () => {
  test("40 wrong passwords at once through /bff/login: at most 10 are checked, the rest get 429, and the server keeps answering", async ({ servers, bffClient }) => {
    const origin = servers.burst;
    const account = await newLimitsAccount(origin, bffClient);
    const client = await cleanContext(origin);
    const probe = await cleanContext(origin);
    const guess = () => client.post("/bff/login", { headers: sameOrigin(origin), data: { email: account.email, password: generatePassword() } });

    // While the burst runs, another request every 50 ms must still be answered promptly.
    let bursting = true;
    const probeMs: number[] = [];
    const probing = (async () => {
      while (bursting) {
        const started = performance.now();
        expect((await probe.get("/.well-known/jwks.json")).status()).toBe(200);
        probeMs.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const statuses = (await Promise.all(Array.from({ length: 40 }, guess))).map((response) => response.status());
    bursting = false;
    await probing;

    const checked = statuses.filter((status) => status === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(FAILURES_PER_ACCOUNT_AND_IP);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - checked);
    expect(probeMs.length).toBeGreaterThan(0);
    // The 40 requests' own work shares the event loop (~0.2 s of CPU here); a stalled loop (bcrypt on it) would be seconds.
    console.log(`burst: ${checked} passwords checked, ${40 - checked} refused; probe latencies ${probeMs.map(Math.round).join(", ")} ms`);
    expect(Math.max(...probeMs), `probe latencies ${probeMs.map(Math.round).join(", ")} ms`).toBeLessThan(2_000);
    // The limit holds for the right password as well.
    expect((await client.post("/bff/login", { headers: sameOrigin(origin), data: { email: account.email, password: account.password } })).status()).toBe(429);
    await Promise.all([client.dispose(), probe.dispose()]);
  });
});

/** Everything of a response except its Date. */
async function snapshot(response: APIResponse) {
  const { date: _date, ...headers } = response.headers();
  return { status: response.status(), headers, body: await response.text() };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(action: () => Promise<APIResponse>): Promise<{ ms: number; response: APIResponse }> {
  const started = performance.now();
  const response = await action();
  await response.body();
  return { ms: performance.now() - started, response };
}

test.describe("an unknown email cannot be told from a wrong password", () => {
  test("/bff/login: the same status, headers and body, and similar timing (medians within 30%)", async ({ servers, bffClient }) => {
    const origin = servers.limits;
    // Two accounts, 6 wrong passwords each (well under the 10 a single account+IP may fail).
    const accounts = await Promise.all([newLimitsAccount(origin, bffClient), newLimitsAccount(origin, bffClient)]);
    const client = await cleanContext(origin);
    const login = (email: string) => () => client.post("/bff/login", { headers: sameOrigin(origin), data: { email, password: generatePassword() } });

    // Warm-up (connections, the password pool): one of each, not measured but compared in full.
    const unknownFirst = await snapshot(await login(uniqueEmail("nobody"))());
    const wrongFirst = await snapshot(await login(accounts[0]!.email)());
    expect(unknownFirst.status).toBe(401);
    expect(wrongFirst).toEqual(unknownFirst);

    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    const SAMPLES = 10;
    for (let index = 0; index < SAMPLES; index++) {
      // Alternate the order so a slow moment of a loaded machine hits both sides alike.
      const pair = [
        async () => unknownMs.push((await timed(login(uniqueEmail("nobody")))).ms),
        async () => wrongMs.push((await timed(login(accounts[index % 2]!.email))).ms),
      ];
      for (const measure of index % 2 ? pair.reverse() : pair) await measure();
    }
    const unknown = median(unknownMs);
    const wrong = median(wrongMs);
    console.log(`sign-in timing: unknown email median ${unknown.toFixed(1)} ms, wrong password median ${wrong.toFixed(1)} ms`);
    expect(Math.abs(unknown - wrong) / Math.max(unknown, wrong), `unknown ${unknownMs.map(Math.round)} vs wrong ${wrongMs.map(Math.round)}`).toBeLessThanOrEqual(0.3);
    await client.dispose();
  });

  test("the token endpoint: the same status, headers and body", async ({ servers, bffClient }) => {
    const origin = servers.limits;
    const account = await newLimitsAccount(origin, bffClient);
    const client = await cleanContext(origin);
    // The client vouches for a made-up address here, so this comparison spends none of 127.0.0.1's budget.
    const ip = madeUpClientIp();
    const attempt = (username: string) =>
      client.post("/api/v1/auth/token", {
        headers: { ...basicAuth(bffClient), "Keyhole-Client-IP": ip },
        form: { grant_type: "password", username, password: generatePassword() },
      });
    const unknown = await snapshot(await attempt(uniqueEmail("nobody")));
    const wrong = await snapshot(await attempt(account.email));
    expect(unknown.status).toBe(400);
    expect(wrong).toEqual(unknown);
    await client.dispose();
  });
});

test("the client address is the socket's: a spoofed X-Forwarded-For is not what the session records", async ({ baseURL, alice, request, bffClient }) => {
  const origin = baseURL!;
  const spoofed = { "X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.66", Forwarded: "for=203.0.113.66" };
  const context = await cleanContext(origin);
  const login = await context.post("/bff/login", { headers: { ...sameOrigin(origin), ...spoofed }, data: { email: alice.email, password: alice.password } });
  expect(login.status()).toBe(200);
  const cookie = /__Host-keyhole=([^;]+)/.exec(login.headers()["set-cookie"] ?? "")![1]!;
  const sessions = await context.get("/bff/api/sessions", { headers: { Cookie: `__Host-keyhole=${cookie}`, ...spoofed } });
  const current = ((await sessions.json()).items as { ip: string | null; current: boolean }[]).find((session) => session.current)!;
  expect(current.ip).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/);

  // The same at the token endpoint when the caller does not vouch for an address.
  const grant = await request.post("/api/v1/auth/token", {
    headers: { ...basicAuth(bffClient), ...spoofed },
    form: { grant_type: "password", username: alice.email, password: alice.password },
  });
  expect(grant.status()).toBe(200);
  const accessToken = (await grant.json()).access_token as string;
  const apiSessions = await request.get("/api/v1/sessions", { headers: { Authorization: `Bearer ${accessToken}` } });
  const apiCurrent = ((await apiSessions.json()).items as { ip: string | null; current: boolean }[]).find((session) => session.current)!;
  expect(apiCurrent.ip).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)$/);
  await context.dispose();
});
