/**
 * Brute-force and abuse limits, counted in the database (rate-limiter-flexible's Prisma store) so
 * every instance shares them. Keys are the client IP and the normalised email, whether or not
 * the account exists, so a limit never reveals one.
 * - Failed sign-ins: per IP, per account+IP, and per account across all IPs. The account-wide
 *   limit does not apply from a network the owner has signed in from before, so a flood from
 *   elsewhere cannot lock the owner out; every window recovers by itself.
 * - Registrations per IP; refreshes per IP and per session.
 * Decision record: docs/decisions/011-rate-limits.md
 */
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../shared/errors";
import { getDb } from "../db";
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
const globalForLimits = globalThis as unknown as { keyholeLimiters?: Map<LimitName, RateLimiterPrisma> };

function limiter(name: LimitName): RateLimiterPrisma {
  globalForLimits.keyholeLimiters ??= new Map();
  let existing = globalForLimits.keyholeLimiters.get(name);
  if (!existing) {
    existing = new RateLimiterPrisma({ storeClient: getDb(), tableName: "rateLimiterFlexible", keyPrefix: name, ...RATE_LIMITS[name] });
    globalForLimits.keyholeLimiters.set(name, existing);
  }
  return existing;
}

const ipKey = (context: RequestContext) => context.ip ?? "unknown";

function isRateLimiterRes(value: unknown): value is RateLimiterRes {
  return typeof value === "object" && value !== null && "msBeforeNext" in value && !(value instanceof Error);
}

function rateLimited(msBeforeNext: number): AppError {
  return new AppError("rate_limited", { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

/** Milliseconds until the limit frees up, or 0 when not exhausted. Reads only. */
async function blockedForMs(name: LimitName, key: string): Promise<number> {
  const state = await limiter(name).get(key);
  return state && state.consumedPoints >= RATE_LIMITS[name].points ? state.msBeforeNext : 0;
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

export async function requireSignInAllowed(email: string, context: RequestContext, isKnownNetwork: () => Promise<boolean>): Promise<void> {
  const ip = ipKey(context);
  const waits = await Promise.all([
    blockedForMs("signInFailuresPerIp", ip),
    blockedForMs("signInFailuresPerAccountAndIp", `${email}|${ip}`),
  ]);
  let waitMs = Math.max(...waits);
  if (waitMs === 0) {
    const accountWaitMs = await blockedForMs("signInFailuresPerAccount", email);
    if (accountWaitMs > 0 && !(await isKnownNetwork())) waitMs = accountWaitMs;
  }
  if (waitMs > 0) {
    await recordAuditEvent({ type: "rate_limit_hit", context, detail: "sign_in" });
    throw rateLimited(waitMs);
  }
}

export async function recordSignInFailure(email: string, context: RequestContext): Promise<void> {
  const ip = ipKey(context);
  await Promise.all([
    limiter("signInFailuresPerIp").penalty(ip),
    limiter("signInFailuresPerAccountAndIp").penalty(`${email}|${ip}`),
    limiter("signInFailuresPerAccount").penalty(email),
  ]);
}

/** A successful sign-in forgives that IP's failures on the account. */
export async function clearSignInFailures(email: string, context: RequestContext): Promise<void> {
  await limiter("signInFailuresPerAccountAndIp").delete(`${email}|${ipKey(context)}`);
}

export function consumeRegistration(context: RequestContext): Promise<void> {
  return consume("registrationsPerIp", ipKey(context), context);
}

export async function consumeRefresh(sessionId: string, userId: string, context: RequestContext): Promise<void> {
  await consume("refreshesPerIp", ipKey(context), context, userId);
  await consume("refreshesPerSession", sessionId, context, userId);
}
