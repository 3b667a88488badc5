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

export async function registerUser(server: BenchServer, label: string): Promise<BenchUser> {
  const user = { email: `bench-${label}-${randomBytes(4).toString("hex")}@example.test`, password: `bench ${randomBytes(18).toString("base64url")}` };
  const response = await requestJson(`${server.url}/api/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
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
