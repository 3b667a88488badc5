import { describe, expect, it } from "vitest";
import { api, clientAuthorization, jsonRequest, registerUser, strongPassword, uniqueEmail } from "../../test/api";
import { RATE_LIMITS } from "./rate-limits";

function passwordGrant(email: string, password: string, ip: string, extraHeaders: Record<string, string> = {}) {
  return api("/api/v1/auth/token", {
    method: "POST",
    headers: { authorization: clientAuthorization(), "content-type": "application/x-www-form-urlencoded", "keyhole-client-ip": ip, ...extraHeaders },
    body: new URLSearchParams({ grant_type: "password", username: email, password }).toString(),
  });
}

describe("sign-in rate limits", () => {
  it("blocks an account from one IP after too many failures, even with the right password, and says when to retry", async () => {
    const user = await registerUser();
    const attackerIp = "203.0.113.10";
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points; attempt++) {
      expect((await passwordGrant(user.email, "wrong-password-guess", attackerIp)).status).toBe(400);
    }
    const blocked = await passwordGrant(user.email, user.password, attackerIp);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await blocked.json()).error).toBe("rate_limited");
    // The owner, elsewhere, is not locked out.
    expect((await passwordGrant(user.email, user.password, "198.51.100.7")).status).toBe(200);
  });

  it("counts an unknown email exactly like a real one", async () => {
    const ip = "203.0.113.11";
    const ghost = uniqueEmail("ghost");
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points; attempt++) {
      await passwordGrant(ghost, "wrong-password-guess", ip);
    }
    expect((await passwordGrant(ghost, "wrong-password-guess", ip)).status).toBe(429);
  });

  it("ignores a spoofed client-IP header from a caller that is not the BFF", async () => {
    const user = await registerUser();
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points; attempt++) {
      await passwordGrant(user.email, "wrong-password-guess", "203.0.113.12");
    }
    // Without client authentication the request is refused before any credential check.
    const unauthenticated = await api("/api/v1/auth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "keyhole-client-ip": "192.0.2.99" },
      body: new URLSearchParams({ grant_type: "password", username: user.email, password: user.password }).toString(),
    });
    expect(unauthenticated.status).toBe(401);
  });

  it("keeps the account open from a network its owner signed in from when a flood exhausts the account-wide limit", async () => {
    const user = await registerUser();
    const homeIp = "198.51.100.20";
    expect((await passwordGrant(user.email, user.password, homeIp)).status).toBe(200);
    const perIp = RATE_LIMITS.signInFailuresPerAccountAndIp.points;
    const floodIps = Math.ceil(RATE_LIMITS.signInFailuresPerAccount.points / perIp);
    for (let ipIndex = 0; ipIndex < floodIps; ipIndex++) {
      await Promise.all(Array.from({ length: perIp }, () => passwordGrant(user.email, "wrong-password-guess", `192.0.2.${ipIndex + 1}`)));
    }
    expect((await passwordGrant(user.email, user.password, "198.51.100.21")).status).toBe(429);
    expect((await passwordGrant(user.email, user.password, homeIp)).status).toBe(200);
  });
});

describe("sign-in limits under a parallel burst", () => {
  it("evaluates no more wrong passwords than the limit allows when 40 arrive at once", async () => {
    const user = await registerUser();
    const responses = await Promise.all(Array.from({ length: 40 }, () => passwordGrant(user.email, "wrong-password-guess", "203.0.113.30")));
    const statuses = responses.map((response) => response.status);
    const evaluated = statuses.filter((status) => status === 400).length;
    expect(evaluated).toBeGreaterThan(0);
    expect(evaluated).toBeLessThanOrEqual(RATE_LIMITS.signInFailuresPerAccountAndIp.points);
    expect(statuses.filter((status) => status === 429).length).toBe(40 - evaluated);
    // The limit holds for the right password too.
    expect((await passwordGrant(user.email, user.password, "203.0.113.30")).status).toBe(429);
  });

  it("forgives a successful sign-in: a user who types the right password does not use up the limit", async () => {
    const user = await registerUser();
    const ip = "203.0.113.31";
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points + 5; attempt++) {
      expect((await passwordGrant(user.email, user.password, ip)).status).toBe(200);
    }
  });

  it("limits an IPv6 client per /64, an IPv4 client per address", async () => {
    const user = await registerUser();
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points; attempt++) {
      // Every guess from another address of the same /64, as one attacker holding it would.
      expect((await passwordGrant(user.email, "wrong-password-guess", `2001:db8:aa:bb::${attempt + 1}`)).status).toBe(400);
    }
    expect((await passwordGrant(user.email, user.password, "2001:db8:aa:bb:ffff::1")).status).toBe(429);
    expect((await passwordGrant(user.email, user.password, "2001:db8:aa:cc::1")).status).toBe(200);

    const other = await registerUser();
    for (let attempt = 0; attempt < RATE_LIMITS.signInFailuresPerAccountAndIp.points; attempt++) {
      await passwordGrant(other.email, "wrong-password-guess", "198.51.100.40");
    }
    expect((await passwordGrant(other.email, other.password, "198.51.100.41")).status).toBe(200);
  });
});

describe("registration rate limit", () => {
  it("refuses registrations past the per-IP limit with 429 problem+json", async () => {
    const headers = { authorization: clientAuthorization(), "keyhole-client-ip": "203.0.113.50" };
    for (let index = 0; index < RATE_LIMITS.registrationsPerIp.points; index++) {
      const response = await api("/api/v1/users", jsonRequest("POST", { email: uniqueEmail(), name: "R", password: strongPassword() }, headers));
      expect(response.status).toBe(201);
    }
    const refused = await api("/api/v1/users", jsonRequest("POST", { email: uniqueEmail(), name: "R", password: strongPassword() }, headers));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect((await refused.json()).code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
