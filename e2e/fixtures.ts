/**
 * Playwright fixtures and helpers for Keyhole's E2E tests. Import `test` and `expect` from here.
 *
 * Worker fixtures: `servers` (name → origin of each server in e2e/servers.ts), `bffClient` (the
 * confidential client's id and this run's secret, to call the token endpoint directly).
 * Test fixtures: `account` (a freshly registered user), `tokens` (a password grant for it),
 * `context` (Playwright's, printing its pages' navigations and BFF answers when a test fails),
 * `apiFor(name)` (a request context whose baseURL is another server; disposed after the test).
 * Users live in this run's fresh database, which is the cleanup.
 * Browser helpers: `signInContext` (a browser context signed in through POST /bff/login),
 * `SIGNED_OUT` (an empty storage state) and `unsealSessionCookie` (what a session cookie carries).
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { unsealData } from "iron-session";
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type APIResponse,
  type BrowserContext,
} from "@playwright/test";
import type { TokenResponse } from "../test/token-response";
import { SERVER_SPECS, type ServerName } from "./servers";
import { BFF_CLIENT_ID, getTestRun, readSecrets } from "./support/test-run";

export { expect };

export interface Account {
  id: string;
  email: string;
  name: string;
  password: string;
}

export interface BffClient {
  id: string;
  secret: string;
}

export type { TokenResponse } from "../test/token-response";

/** A password zxcvbn rates strong: 18 random characters. */
export function generatePassword(): string {
  return `Kh-${randomBytes(12).toString("base64url")}-9`;
}

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 12)}@example.test`;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-encoded first). */
export function basicAuth(client: BffClient): Record<string, string> {
  const credentials = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`;
  return { Authorization: `Basic ${Buffer.from(credentials).toString("base64")}` };
}

/** POST /api/v1/users with a fresh email and a strong password; fails the test unless 201. */
export async function registerAccount(request: APIRequestContext, overrides: Partial<Omit<Account, "id">> = {}): Promise<Account> {
  const input = { email: uniqueEmail(), name: "E2E User", password: generatePassword(), ...overrides };
  // Registered the way the BFF registers a browser: client credentials plus that browser's
  // address, a different one each time, so the suite never meets the per-IP registration limit.
  const headers = {
    ...basicAuth({ id: BFF_CLIENT_ID, secret: readSecrets().BFF_CLIENT_SECRET }),
    "Keyhole-Client-IP": `198.18.${randomInt(256)}.${randomInt(256)}`,
  };
  const response = await request.post("/api/v1/users", { data: input, headers });
  expect(response.status(), await response.text()).toBe(201);
  const { user } = (await response.json()) as { user: { id: string; email: string } };
  return { ...input, id: user.id, email: user.email };
}

/** POST /api/v1/auth/token, form-encoded as RFC 6749 says; returns the raw response. */
export function requestToken(request: APIRequestContext, client: BffClient, params: Record<string, string>): Promise<APIResponse> {
  return request.post("/api/v1/auth/token", { headers: basicAuth(client), form: params });
}

async function expectTokens(response: APIResponse): Promise<TokenResponse> {
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as TokenResponse;
}

export async function passwordGrant(request: APIRequestContext, client: BffClient, account: Pick<Account, "email" | "password">): Promise<TokenResponse> {
  return expectTokens(await requestToken(request, client, { grant_type: "password", username: account.email, password: account.password }));
}

export async function refreshGrant(request: APIRequestContext, client: BffClient, refreshToken: string): Promise<TokenResponse> {
  return expectTokens(await requestToken(request, client, { grant_type: "refresh_token", refresh_token: refreshToken }));
}

/** POST /api/v1/auth/revoke (RFC 7009); returns the raw response. */
export function revokeToken(request: APIRequestContext, client: BffClient, token: string): Promise<APIResponse> {
  return request.post("/api/v1/auth/revoke", { headers: basicAuth(client), form: { token } });
}

type WorkerFixtures = {
  servers: Record<ServerName, string>;
  bffClient: BffClient;
};

type TestFixtures = {
  account: Account;
  tokens: TokenResponse;
  apiFor: (server: ServerName) => Promise<APIRequestContext>;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // When a browser test fails, print where its pages were and what the BFF answered: CI keeps
  // only the printed output, and "element not found" alone cannot tell a redirect to the login
  // page from a failed request or a slow render.
  context: async ({ context }, use, testInfo) => {
    const startedMs = Date.now();
    const timeline: string[] = [];
    const note = (entry: string) => timeline.push(`+${Date.now() - startedMs} ms ${entry}`);
    context.on("page", (page) =>
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) note(`page at ${frame.url()}`);
      }),
    );
    context.on("response", (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith("/bff/")) note(`${response.request().method()} ${pathname} → ${response.status()}`);
    });
    await use(context);
    if (testInfo.status === testInfo.expectedStatus) return;
    for (const page of context.pages()) {
      const alerts = await page.getByRole("alert").allInnerTexts().catch(() => []);
      note(`at failure: ${page.url()}${alerts.some(Boolean) ? `, alerts: ${alerts.filter(Boolean).join(" | ")}` : ""}`);
    }
    console.log(`[${testInfo.title}] browser timeline:\n  ${timeline.join("\n  ")}`);
  },
  servers: [
    async ({}, use) => {
      const { servers } = getTestRun();
      const names = Object.keys(SERVER_SPECS) as ServerName[];
      await use(Object.fromEntries(names.map((name) => [name, servers[name].url])) as Record<ServerName, string>);
    },
    { scope: "worker" },
  ],
  bffClient: [
    async ({}, use) => {
      await use({ id: BFF_CLIENT_ID, secret: readSecrets().BFF_CLIENT_SECRET });
    },
    { scope: "worker" },
  ],
  account: async ({ request }, use) => {
    await use(await registerAccount(request));
  },
  tokens: async ({ request, bffClient, account }, use) => {
    await use(await passwordGrant(request, bffClient, account));
  },
  apiFor: async ({ servers }, use) => {
    const contexts: APIRequestContext[] = [];
    await use(async (name) => {
      const context = await playwrightRequest.newContext({ baseURL: servers[name] });
      contexts.push(context);
      return context;
    });
    await Promise.all(contexts.map((context) => context.dispose()));
  },
});

/** Storage state of a browser that has never signed in: `test.use({ storageState: SIGNED_OUT })`. */
export const SIGNED_OUT = { cookies: [], origins: [] };

/**
 * Signs a browser context in with one POST /bff/login from its own request context, so the
 * session cookie lands in that context's cookie jar (what the login form does, without the form).
 */
export async function signInContext(context: BrowserContext, origin: string, account: Pick<Account, "email" | "password">): Promise<void> {
  const response = await context.request.post(`${origin}/bff/login`, {
    headers: { "X-CSRF": "1", Origin: origin },
    data: { email: account.email, password: account.password },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** What the BFF seals into `__Host-keyhole` (lib/bff/session-cookie.ts), as far as tests look. */
export interface SealedSession {
  sessionId: string;
  user: { id: string; email: string; name: string };
  accessToken: string;
  refreshToken: string;
  expiresAtMs: number;
}

/** Opens a session cookie with this run's SESSION_SECRET, to see which tokens the browser carries sealed. */
export async function unsealSessionCookie(value: string): Promise<SealedSession> {
  const secret = readSecrets().SESSION_SECRET.trim();
  const password = secret.startsWith("{") ? (JSON.parse(secret) as Record<string, string>) : { 1: secret };
  return unsealData<SealedSession>(value, { password, ttl: 0 });
}
