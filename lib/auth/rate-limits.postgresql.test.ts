/**
 * On PostgreSQL the limits are rate-limiter-flexible's Postgres store in the migrated RateLimit
 * table: instances with pools of their own share every counter, and a burst split over them gets
 * no more attempts than the limit.
 */
import { describe, expect, it } from "vitest";
import { getPostgresPool } from "../db";
import { existingSingletons } from "../singleton";
import { checkPasswordAttempt, RATE_LIMITS } from "./rate-limits";
import { uniqueEmail } from "../../test/api";

/** Makes the next calls use a new pool and new limiters, as another instance would. */
function switchInstance(): void {
  for (const name of [...existingSingletons().keys()]) if (name === "postgres-pool" || name.startsWith("limiter:")) existingSingletons().delete(name);
}

describe("rate limits on PostgreSQL", () => {
  it("a parallel burst of wrong passwords spread over three instances gets exactly the per-account-and-IP limit evaluated", async () => {
    const email = uniqueEmail("burst");
    const context = { ip: "203.0.113.40", userAgent: "burst" };
    let evaluated = 0;
    const pools = [];
    const attempts = [];
    for (let instance = 0; instance < 3; instance++) {
      switchInstance();
      pools.push(getPostgresPool());
      for (let attempt = 0; attempt < 12; attempt++) {
        attempts.push(
          checkPasswordAttempt(email, context, {
            isKnownNetwork: async () => false,
            verify: async () => {
              evaluated += 1;
              return false;
            },
          }).then(
            () => "evaluated",
            (error: { code?: string }) => error.code ?? "error",
          ),
        );
      }
    }
    const outcomes = await Promise.all(attempts);
    expect(new Set(pools).size).toBe(3);
    expect(evaluated).toBe(RATE_LIMITS.signInFailuresPerAccountAndIp.points);
    expect(outcomes.filter((outcome) => outcome === "rate_limited")).toHaveLength(36 - RATE_LIMITS.signInFailuresPerAccountAndIp.points);

    const { rows } = await getPostgresPool().query<{ points: number }>('SELECT points FROM "RateLimit" WHERE key = $1', [`signInFailuresPerAccountAndIp:${email}|203.0.113.40`]);
    expect(rows[0]?.points).toBe(RATE_LIMITS.signInFailuresPerAccountAndIp.points);
    await Promise.all(pools.slice(0, -1).map((pool) => pool.end()));
  });
});
