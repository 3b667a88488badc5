/**
 * Password rules, hashing and verification.
 * - bcrypt (bcryptjs) at BCRYPT_COST, run in a worker-thread pool: bcryptjs is pure JS and would
 *   otherwise stall every other request for ~100 ms per hash.
 * - bcrypt reads at most 72 bytes. Longer passwords are refused everywhere, never truncated, so
 *   two passwords sharing a 72-byte prefix can never both work.
 * - Weak and common passwords are refused with zxcvbn-ts and its common-password dictionary, in a
 *   pool of its own: a long random password costs zxcvbn ~0.5 s of CPU, and its dictionaries
 *   ~70 MiB per thread, so that one thread runs only on registration and password change and
 *   ends after a short idle time.
 * Decision record: docs/decisions/004-password-rules.md
 */
import "server-only";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { getConfig } from "../config";
import { AppError } from "../shared/errors";
import { singleton } from "../singleton";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_BYTES = 72;
/** zxcvbn score 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_ZXCVBN_SCORE = 3;
/**
 * Hashes waiting for a thread, per thread: about 4 s of work at cost 12. Past it a sign-in is
 * answered 503 at once instead of waiting behind a storm (and holding its request open).
 */
const HASHING_QUEUE_PER_THREAD = 16;
const OVERLOADED_RETRY_AFTER_SECONDS = 2;

type PasswordTask =
  | { op: "hash"; password: string; cost: number }
  | { op: "compare"; password: string; hash: string }
  | { op: "strength"; password: string; userInputs: string[] };
type PasswordTaskResult = string | boolean | { score: number; hint: string | null };

type PasswordPool = Piscina<PasswordTask, PasswordTaskResult>;

/** The worker pools; tests close them after each file. */
export function getPasswordPools(): { hashing: PasswordPool; strength: PasswordPool } {
  return singleton("password-pools", () => {
    // Resolved from the project root at run time: the worker must not be bundled.
    const filename = path.join(process.cwd(), "lib", "auth", "password-worker.mjs");
    const hashingThreads = Math.max(1, os.availableParallelism() - 1);
    return {
      // bcrypt, on every sign-in: one core always left to the event loop (on 2 cores, two hashing
      // threads pushed its delay p99 past 20 ms during a login storm). No thread is kept while no
      // one signs in: an idle thread holds ~10 MiB; the first sign-in after a quiet minute waits
      // ~0.1–0.2 s longer while one starts.
      hashing: new Piscina({ filename, minThreads: 0, maxThreads: hashingThreads, maxQueue: hashingThreads * HASHING_QUEUE_PER_THREAD, idleTimeout: 60_000 }),
      strength: new Piscina({ filename, minThreads: 0, maxThreads: 1, idleTimeout: 15_000 }),
    };
  });
}

/** A hash of the cost in use, compared against when there is no user, so an unknown email takes as long as a wrong password. */
const getDummyHash = () => singleton("dummy-password-hash", () => hashPassword("keyhole-dummy-password-for-timing"));

export function passwordByteLength(password: string): number {
  return Buffer.byteLength(password, "utf8");
}

/** Why a new password is refused, or null when it is acceptable. */
export async function findPasswordProblem(password: string, userInputs: string[] = []): Promise<string | null> {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (passwordByteLength(password) > PASSWORD_MAX_BYTES) {
    return `Use at most ${PASSWORD_MAX_BYTES} bytes (about ${PASSWORD_MAX_BYTES} plain letters; accented letters and emoji take 2–4 bytes each).`;
  }
  const { score, hint } = (await getPasswordPools().strength.run({ op: "strength", password, userInputs })) as { score: number; hint: string | null };
  return score < MIN_ZXCVBN_SCORE ? `This password is too easy to guess.${hint ? ` ${hint}` : ""}` : null;
}

/** Runs a bcrypt task; a full queue is `overloaded` (503 with Retry-After), never an unbounded wait. */
async function runHashing(task: PasswordTask): Promise<PasswordTaskResult> {
  const pool = getPasswordPools().hashing;
  if (pool.queueSize >= pool.options.maxQueue) throw new AppError("overloaded", { retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS });
  return pool.run(task);
}

export async function hashPassword(password: string): Promise<string> {
  if (passwordByteLength(password) > PASSWORD_MAX_BYTES) throw new TypeError("password longer than 72 bytes");
  return (await runHashing({ op: "hash", password, cost: getConfig().bcryptCost })) as string;
}

/**
 * Compares a password with a stored hash, or with a dummy hash of the same cost when there is no
 * user, so an unknown email takes as long as a wrong password.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const target = hash ?? (await getDummyHash());
  // Over-long input still pays for a compare, so its timing matches a wrong password.
  const candidate = passwordByteLength(password) > PASSWORD_MAX_BYTES ? "" : password;
  const matches = (await runHashing({ op: "compare", password: candidate, hash: target })) as boolean;
  return matches && hash !== null && candidate === password;
}

/** Starts the pool and the dummy hash ahead of the first login (called at boot). */
export function warmUpPasswords(): void {
  void getDummyHash();
}
