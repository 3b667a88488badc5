/**
 * Better Auth as its guide sets it up: email and password, database sessions (a random token in
 * the signed `better-auth.session_token` cookie, looked up on every check), passwords hashed with
 * scrypt. Chosen at start by the environment (one build for every mode):
 *   BENCH_DATABASE_URL  postgresql://… (a pg Pool) or a SQLite file path (better-sqlite3)
 *   BENCH_COOKIE_CACHE  "1": session.cookieCache on (a signed copy of the session in the
 *                       `better-auth.session_data` cookie for 5 minutes, so most checks skip the DB)
 *   BETTER_AUTH_SECRET, BETTER_AUTH_URL as Better Auth reads them.
 * Created on first use: `next build` loads route modules without any of these.
 */
import Database from "better-sqlite3";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { Pool } from "pg";

function database(): BetterAuthOptions["database"] {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error("BENCH_DATABASE_URL is not set");
  if (/^postgres(ql)?:\/\//.test(url)) return new Pool({ connectionString: url });
  const sqlite = new Database(url.replace(/^file:/, ""));
  // WAL, as a production SQLite deployment would run it: readers do not wait for the writer.
  sqlite.pragma("journal_mode = WAL");
  return sqlite;
}

export function authOptions(): BetterAuthOptions {
  return {
    database: database(),
    emailAndPassword: { enabled: true },
    session: {
      cookieCache: { enabled: process.env.BENCH_COOKIE_CACHE === "1", maxAge: 300 },
    },
    // The bench signs in 1000 sessions from one address; the limiter would refuse most of them.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  };
}

function createAuth() {
  return betterAuth(authOptions());
}

let instance: ReturnType<typeof createAuth> | undefined;

export function getAuth(): ReturnType<typeof createAuth> {
  instance ??= createAuth();
  return instance;
}
