/** Helpers for driving the real Hono API in-process with real Requests (no server, no mocks). */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { getApiApp } from "../lib/api";
import type { TokenResponse } from "./token-response";
import { getProtectedResourceMetadataUrl } from "../lib/auth";

export const BASE = "/api/v1";

export function api(path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(getApiApp().request(path.startsWith("/") ? path : `${BASE}/${path}`, init));
}

/** The API's 401 challenge (RFC 6750 §3), with where its RFC 9728 metadata is (§5.1). */
export function unauthenticatedChallenge(error?: "invalid_token"): string {
  return `Bearer realm="keyhole", ${error ? `error="${error}", ` : ""}resource_metadata="${getProtectedResourceMetadataUrl()}"`;
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** HTTP Basic credentials of the first-party client, as configured by test/setup.ts. */
export function clientAuthorization(clientId = "keyhole-bff", clientSecret = process.env.BFF_CLIENT_SECRET!): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;
}

/**
 * A password zxcvbn rates as strong, unique per call. Base64 rather than hex: zxcvbn needs
 * ~10 ms for 16 random base64 characters but ~250 ms for 24 hex digits.
 */
export function strongPassword(): string {
  return `Kh-${randomBytes(12).toString("base64url")}`;
}

/**
 * A client address of its own for each simulated caller (X-Forwarded-For), so per-IP rate limits
 * never couple unrelated tests. Tests of the limits themselves choose their addresses.
 */
export function uniqueClientIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${Math.max(1, c!)}`;
}

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomBytes(6).toString("hex")}@example.com`;
}

/** Reads a body once and checks the things no response may ever do: be a 5xx or leak a stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc and assert them; typing every body is not worth it here
export async function readBody(response: Response): Promise<{ status: number; text: string; json: any }> {
  const text = await response.text();
  expect(response.status, `unexpected server error: ${text}`).toBeLessThan(500);
  expectNoStackTrace(text);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc and assert them; typing every body is not worth it here
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, text, json };
}

export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\bat [^\s]+ \(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\b(node:internal|node_modules|\.ts:\d+)/);
  expect(text).not.toMatch(/"stack"\s*:/);
  expect(text).not.toMatch(/\b(TypeError|ReferenceError|SyntaxError|PrismaClient\w*Error)\b/);
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
}

export async function registerUser(overrides: Partial<Omit<TestUser, "id">> = {}): Promise<TestUser> {
  const input = { email: uniqueEmail(), name: "Test User", password: strongPassword(), ...overrides };
  const response = await api(`${BASE}/users`, jsonRequest("POST", input, { "X-Forwarded-For": uniqueClientIp() }));
  const { status, json } = await readBody(response);
  expect(status, JSON.stringify(json)).toBe(201);
  return { id: json.user.id, email: json.user.email, password: input.password, name: json.user.name };
}

/** POST /api/v1/auth/token with a form body (RFC 6749) and the BFF's client credentials. */
export function tokenRequest(
  params: Record<string, string> | [string, string][],
  headers: Record<string, string> = { Authorization: clientAuthorization() },
): Promise<Response> {
  return api(`${BASE}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": uniqueClientIp(), ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

export type { TokenResponse } from "./token-response";

export async function passwordGrant(email: string, password: string): Promise<TokenResponse> {
  const { status, json } = await readBody(await tokenRequest({ grant_type: "password", username: email, password }));
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc and assert them; typing every body is not worth it here
export async function refreshGrant(refreshToken: string): Promise<{ status: number; json: any }> {
  return readBody(await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }));
}

export async function signIn(overrides: Partial<Omit<TestUser, "id">> = {}): Promise<{ user: TestUser; tokens: TokenResponse }> {
  const user = await registerUser(overrides);
  return { user, tokens: await passwordGrant(user.email, user.password) };
}

export function getMe(accessToken: string): Promise<Response> {
  return api(`${BASE}/me`, { headers: bearer(accessToken) });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
