/**
 * Fixtures of the security suite, on top of e2e/fixtures.ts.
 *
 * Accounts are registered by the confidential client on behalf of a made-up client address
 * (`Keyhole-Client-IP`, exactly what the BFF does for a browser), so this suite never spends the
 * registration limit of 127.0.0.1 (20 an hour per server) that the rest of the E2E suite needs.
 * Registration costs ~0.5 s of server CPU (zxcvbn), so `alice` and `bob` are registered once per
 * worker; tests that need an account of their own use `newAccount`.
 */
import { randomInt } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import {
  basicAuth,
  expect,
  generatePassword,
  passwordGrant,
  test as base,
  uniqueEmail,
  type Account,
  type BffClient,
  type TokenResponse,
} from "../../fixtures";
import type { ServerName } from "../../servers";
import { cleanContext } from "./attacker";

export { expect };

/** An address from 198.18.0.0/15 (benchmarking range): never a real client, never 127.0.0.1. */
export function madeUpClientIp(): string {
  return `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export async function createAccount(
  request: APIRequestContext,
  client: BffClient,
  overrides: Partial<Omit<Account, "id">> = {},
): Promise<Account> {
  const input = { email: uniqueEmail("sec"), name: "Security Test", password: generatePassword(), ...overrides };
  const response = await request.post("/api/v1/users", {
    headers: { ...basicAuth(client), "Keyhole-Client-IP": madeUpClientIp() },
    data: input,
  });
  expect(response.status(), await response.text()).toBe(201);
  const { user } = (await response.json()) as { user: { id: string; email: string } };
  return { ...input, id: user.id, email: user.email };
}

type SecurityTestFixtures = {
  /** A fresh account on the named server (default `main`). */
  newAccount: (server?: ServerName, name?: string) => Promise<Account>;
  /** A password grant for `alice` on `main`, new for each test. */
  aliceTokens: TokenResponse;
};

type SecurityWorkerFixtures = {
  alice: Account;
  bob: Account;
};

async function registerOnce(origin: string, client: BffClient, name: string): Promise<Account> {
  const context = await cleanContext(origin);
  try {
    return await createAccount(context, client, { name });
  } finally {
    await context.dispose();
  }
}

export const test = base.extend<SecurityTestFixtures, SecurityWorkerFixtures>({
  alice: [async ({ servers, bffClient }, use) => use(await registerOnce(servers.main, bffClient, "Alice")), { scope: "worker" }],
  bob: [async ({ servers, bffClient }, use) => use(await registerOnce(servers.main, bffClient, "Bob")), { scope: "worker" }],
  aliceTokens: async ({ request, bffClient, alice }, use) => {
    await use(await passwordGrant(request, bffClient, alice));
  },
  newAccount: async ({ servers, bffClient }, use) => {
    await use((server = "main", name = "Security Test") => registerOnce(servers[server], bffClient, name));
  },
});
