import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Real-world bcrypt cost: a password check takes long enough (~0.2 s) to race it.
  process.env.BCRYPT_COST = "12";
});

import { api, clientAuthorization, registerUser } from "../../test/api";
import { getDb } from "../db";
import { hashPassword } from "./passwords";
import { disableUser } from "./users";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function passwordGrant(email: string, password: string, ip: string) {
  return api("/api/v1/auth/token", {
    method: "POST",
    headers: { authorization: clientAuthorization(), "content-type": "application/x-www-form-urlencoded", "keyhole-client-ip": ip },
    body: new URLSearchParams({ grant_type: "password", username: email, password }).toString(),
  });
}

describe("a sign-in racing a change of credentials", () => {
  it("gets no session when the account is disabled while its password is being checked", async () => {
    const user = await registerUser();
    const signIn = passwordGrant(user.email, user.password, "198.51.100.60");
    await sleep(40); // the user row has been read; bcrypt is running
    expect(await disableUser(user.email, { ip: null, userAgent: null })).toBe(true);
    const response = await signIn;
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("invalid_grant");
    expect(await getDb().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });

  it("gets no session when the password is changed (by another instance) while the old one is being checked", async () => {
    const user = await registerUser();
    const newHash = await hashPassword("a-completely-new-passphrase-42");
    const signIn = passwordGrant(user.email, user.password, "198.51.100.61");
    await sleep(40);
    // What changePassword writes; its other-session sweep already ran before the sign-in's insert.
    await getDb().user.update({ where: { id: user.id }, data: { passwordHash: newHash, credentialsVersion: { increment: 1 } } });
    const response = await signIn;
    expect(response.status).toBe(400);
    expect(await getDb().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });

  it("signs in normally when nothing changed", async () => {
    const user = await registerUser();
    expect((await passwordGrant(user.email, user.password, "198.51.100.62")).status).toBe(200);
  });
});

describe("the hashing queue is bounded", () => {
  it("answers a sign-in storm past the queue with 503 and Retry-After at once, not a growing wait", async () => {
    // Distinct unknown accounts from distinct addresses: no rate limit stops them, each costs a bcrypt check.
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 40 }, async (_, index) => {
        const response = await passwordGrant(`storm-${index}-${Date.now()}@example.com`, "wrong-password-guess", `198.51.100.${100 + index}`);
        return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json(), ms: performance.now() - started };
      }),
    );
    const busy = responses.filter((response) => response.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const response of busy) {
      expect(Number(response.retryAfter)).toBeGreaterThan(0);
      expect(response.body.error).toBe("temporarily_unavailable");
    }
    expect(responses.every((response) => response.status === 503 || response.status === 400)).toBe(true);
    // The refused ones did not wait for the evaluated ones.
    const slowestBusyMs = Math.max(...busy.map((response) => response.ms));
    const slowestEvaluatedMs = Math.max(...responses.filter((response) => response.status === 400).map((response) => response.ms));
    expect(slowestBusyMs).toBeLessThan(slowestEvaluatedMs);
  });
});
