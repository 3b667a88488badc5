/**
 * Brute-force and abuse limits, counted in the database so every instance shares them:
 * rate-limiter-flexible's Prisma store on SQLite, its Postgres store (an atomic
 * `INSERT … ON CONFLICT DO UPDATE`, on this instance's pool) on PostgreSQL. Keys are the client IP
 * and the normalised email, whether or not the account exists, so a limit never reveals one.
 * - Failed sign-ins: per IP, per account+IP, and per account across all IPs. The account-wide
 *   limit does not apply from a network the owner has signed in from before, so a flood from
 *   elsewhere cannot lock the owner out; every window recovers by itself.
 * - Registrations per IP; refreshes per IP and per session.
 * - An attempt is charged before the password is checked (an atomic increment in the shared
 *   table) and given back when it succeeds: a parallel burst, on any number of instances, gets no
 *   more guesses evaluated than a sequence would.
 * - "Per IP" is per address for IPv4 and per /64 for IPv6: one subscriber holds a whole /64.
 * Decision record: docs/decisions/011-rate-limits.md
 */
import "server-only";
import { isIPv4, isIPv6 } from "node:net";
import { RateLimiterPostgres, RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import { getConfig } from "../config";
import { AppError } from "../shared/errors";
import { getDb, getPostgresPool } from "../db";
import { singleton } from "../singleton";
import { recordAuditEvent, type RequestContext } from "./audit";

const MINUTE = 60;
export const RATE_LIMITS = {
  signInFailuresPerIp: { points: 50, duration: 15 * MINUTE },
  signInFailuresPerAccountAndIp: { points: 10, duration: 15 * MINUTE },
  signInFailuresPerAccount: { points: 100, duration: 60 * MINUTE },
  registrationsPerIp: { points: 20, duration: 60 * MINUTE },
  refreshesPerIp: { points: 1200, duration: MINUTE },
  refreshesPerSession: { points: 60, duration: MINUTE },
} as const;

type LimitName = keyof typeof RATE_LIMITS;
const limiter = (name: LimitName) =>
  singleton(`limiter:${name}`, () => {
    const options = { keyPrefix: name, ...RATE_LIMITS[name] };
    return getConfig().databaseProvider === "postgresql"
      ? // The RateLimit table comes with the migrations (prisma/schema.prisma), laid out as this store expects.
        new RateLimiterPostgres({ storeClient: getPostgresPool(), tableName: "RateLimit", tableCreated: true, ...options })
      : new RateLimiterPrisma({ storeClient: getDb(), tableName: "rateLimiterFlexible", ...options });
  });

/** The address a limit is keyed by: an IPv4 address, or the /64 an IPv6 address belongs to. */
export function ipLimitKey(ip: string | null): string {
  if (!ip) return "unknown";
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mappedV4 && isIPv4(mappedV4)) return mappedV4;
  if (!isIPv6(ip)) return ip;
  const [head = "", tail] = ip.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

const ipKey = (context: RequestContext) => ipLimitKey(context.ip);

function isRateLimiterRes(value: unknown): value is RateLimiterRes {
  return typeof value === "object" && value !== null && "msBeforeNext" in value && !(value instanceof Error);
}

function rateLimited(msBeforeNext: number): AppError {
  return new AppError("rate_limited", { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

/** Counts one attempt and throws `rate_limited` when over the limit. */
async function consume(name: LimitName, key: string, context: RequestContext, userId?: string): Promise<void> {
  try {
    await limiter(name).consume(key);
  } catch (error) {
    if (!isRateLimiterRes(error)) throw error;
    await recordAuditEvent({ type: "rate_limit_hit", userId, context, detail: name });
    throw rateLimited(error.msBeforeNext);
  }
}

/**
 * Runs one password check under the sign-in limits. The attempt is charged to the per-IP,
 * per-account-and-IP and per-account limits before `verify` runs, and `rate_limited` is thrown
 * when any is spent (the account-wide limit does not stop a network the owner has signed in from
 * before). A right password gives the attempt back and forgives that IP's earlier failures on the
 * account; a check that could not run (the server was busy) gives it back.
 */
export async function checkPasswordAttempt(
  email: string,
  context: RequestContext,
  options: { isKnownNetwork: () => Promise<boolean>; verify: () => Promise<boolean> },
): Promise<boolean> {
  const ip = ipKey(context);
  const accountAndIp = `${email}|${ip}`;
  const charges: [LimitName, string][] = [
    ["signInFailuresPerIp", ip],
    ["signInFailuresPerAccountAndIp", accountAndIp],
    ["signInFailuresPerAccount", email],
  ];
  const giveBack = (entries: [LimitName, string][]) => Promise.all(entries.map(([name, key]) => limiter(name).reward(key)));
  for (const [index, [name, key]] of charges.entries()) {
    try {
      await limiter(name).consume(key);
    } catch (error) {
      if (!isRateLimiterRes(error)) throw error;
      if (name === "signInFailuresPerAccount" && (await options.isKnownNetwork())) continue;
      // A refused attempt is not evaluated, so it counts against no limit (the increment was atomic, the refund need not be).
      await giveBack(charges.slice(0, index + 1));
      await recordAuditEvent({ type: "rate_limit_hit", context, detail: "sign_in" });
      throw rateLimited(error.msBeforeNext);
    }
  }
  let matches: boolean;
  try {
    matches = await options.verify();
  } catch (error) {
    await giveBack(charges);
    throw error;
  }
  if (matches) {
    await Promise.all([giveBack([charges[0]!, charges[2]!]), limiter("signInFailuresPerAccountAndIp").delete(accountAndIp)]);
  }
  return matches;
}

export function consumeRegistration(context: RequestContext): Promise<void> {
  return consume("registrationsPerIp", ipKey(context), context);
}

export async function consumeRefresh(sessionId: string, userId: string, context: RequestContext): Promise<void> {
  await consume("refreshesPerIp", ipKey(context), context, userId);
  await consume("refreshesPerSession", sessionId, context, userId);
}
