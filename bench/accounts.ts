/** Bench users and their credentials, made through the public API and the BFF like any client. */
import { randomBytes } from "node:crypto";
import { BFF_CLIENT_ID, type BenchServer } from "./bench-server";
import { requestJson, setCookieValue } from "./http";

export const SESSION_COOKIE = "__Host-keyhole";

export interface BenchUser {
  email: string;
  password: string;
}

function expectStatus(response: { status: number; body: unknown }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`bench: ${what} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
}

/**
 * Registers a user. `clientIp` is sent as X-Forwarded-For, which a server started with
 * TRUST_PROXY=1 takes as the client: registrations are limited per address.
 */
export async function registerUser(server: BenchServer, label: string, clientIp?: string): Promise<BenchUser> {
  const user = { email: `bench-${label}-${randomBytes(4).toString("hex")}@example.test`, password: `bench ${randomBytes(18).toString("base64url")}` };
  const response = await requestJson(`${server.url}/api/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(clientIp ? { "x-forwarded-for": clientIp } : {}) },
    body: JSON.stringify({ ...user, name: `Bench ${label}` }),
  });
  expectStatus(response, 201, "POST /api/v1/users");
  return user;
}

/** The headers a same-origin browser fetch sends to a state-changing BFF endpoint. */
export function bffLoginRequest(server: BenchServer, user: BenchUser) {
  return {
    method: "POST" as const,
    headers: { "content-type": "application/json", "x-csrf": "1", origin: server.url },
    body: JSON.stringify({ email: user.email, password: user.password }),
  };
}

/** Signs in through POST /bff/login and returns the `__Host-keyhole=…` cookie pair. */
export async function signInCookie(server: BenchServer, user: BenchUser): Promise<string> {
  const response = await requestJson(`${server.url}/bff/login`, bffLoginRequest(server, user));
  expectStatus(response, 200, "POST /bff/login");
  const cookie = setCookieValue(response, SESSION_COOKIE);
  if (!cookie) throw new Error("bench: /bff/login set no session cookie");
  return cookie;
}

/** An access token from the token endpoint (password grant, as the BFF client). */
export async function accessToken(server: BenchServer, user: BenchUser): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(BFF_CLIENT_ID)}:${encodeURIComponent(server.bffClientSecret)}`).toString("base64");
  const response = await requestJson<{ access_token: string }>(`${server.url}/api/v1/auth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: user.email, password: user.password }).toString(),
  });
  expectStatus(response, 200, "POST /api/v1/auth/token");
  return response.body.access_token;
}

export async function createNotes(server: BenchServer, token: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const response = await requestJson(`${server.url}/api/v1/notes`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: `Bench note ${index + 1}`, body: `Body of bench note ${index + 1}. `.repeat(4) }),
    });
    expectStatus(response, 201, "POST /api/v1/notes");
  }
}

/** A personal access token that may read notes for 30 days. */
export async function createPersonalAccessToken(server: BenchServer, token: string): Promise<string> {
  const response = await requestJson<{ token: string }>(`${server.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", scopes: ["notes:read"], expiresInDays: 30 }),
  });
  expectStatus(response, 201, "POST /api/v1/tokens");
  return response.body.token;
}

/** Runs `task` for every item, `concurrency` at a time, keeping the order of the results. */
async function mapConcurrently<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Many users, each with notes, a personal access token, and many sessions of their own. */
export interface Population {
  users: (BenchUser & { pat: string })[];
  /** One Cookie header value per session, `sessionsPerUser` per user in turn; `cookieEmails[i]` owns `cookies[i]`. */
  cookies: string[];
  cookieEmails: string[];
  /** One bearer access token per session (password grant), owned by `tokenEmails[i]`. */
  accessTokens: string[];
  tokenEmails: string[];
  signedInAtMs: number;
}

const SIGN_IN_CONCURRENCY = 8;

export async function populate(server: BenchServer, shape: { users: number; notesPerUser: number; sessionsPerUser: number }): Promise<Population> {
  const users = await mapConcurrently(
    Array.from({ length: shape.users }, (_, index) => index),
    SIGN_IN_CONCURRENCY,
    async (index) => {
      const user = await registerUser(server, `u${index}`, `10.77.${index >> 8}.${index & 255}`);
      const token = await accessToken(server, user);
      await createNotes(server, token, shape.notesPerUser);
      return { ...user, pat: await createPersonalAccessToken(server, token) };
    },
  );
  return { users, ...(await signInAll(server, users, shape.sessionsPerUser)) };
}

/** `sessionsPerUser` fresh BFF sessions and as many access tokens for every user. */
export async function signInAll(server: BenchServer, users: BenchUser[], sessionsPerUser: number) {
  const owners = users.flatMap((user) => Array.from({ length: sessionsPerUser }, () => user));
  const signedInAtMs = Date.now();
  const cookies = await mapConcurrently(owners, SIGN_IN_CONCURRENCY, (user) => signInCookie(server, user));
  const accessTokens = await mapConcurrently(owners, SIGN_IN_CONCURRENCY, (user) => accessToken(server, user));
  const emails = owners.map((user) => user.email);
  return { cookies, cookieEmails: emails, accessTokens, tokenEmails: emails, signedInAtMs };
}
