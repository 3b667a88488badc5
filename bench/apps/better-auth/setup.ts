/**
 * Creates Better Auth's schema in the database BENCH_DATABASE_URL names and signs up the bench
 * users (BENCH_USERS of them: user<i>@bench.test, password BENCH_PASSWORD), with the app's own
 * configuration (lib/auth.ts). With BENCH_SESSIONS_PER_USER > 0 it also creates that many
 * sessions per user as a sign-in does once the password is verified (the internal adapter's
 * createSession, then the token signed into the session cookie as setSessionCookie signs it), and
 * prints one JSON line per session: { email, cookie }. That skips one scrypt per session.
 * Run by bench/peers.ts with Keyhole's tsx before the server starts.
 */
import { makeSignature } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { authOptions, getAuth } from "./lib/auth";

const PARALLEL_SIGN_UPS = 8;

async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SIGN_UPS, count) }, worker));
}

async function main(): Promise<void> {
  const users = Number(process.env.BENCH_USERS);
  const sessionsPerUser = Number(process.env.BENCH_SESSIONS_PER_USER ?? 0);
  const password = process.env.BENCH_PASSWORD;
  if (!Number.isInteger(users) || users < 1 || !Number.isInteger(sessionsPerUser) || !password) {
    throw new Error("setup: BENCH_USERS, BENCH_SESSIONS_PER_USER and BENCH_PASSWORD are required");
  }
  const { runMigrations } = await getMigrations(authOptions());
  await runMigrations();
  const auth = getAuth();
  const userIds: string[] = new Array(users);
  await inParallel(users, async (index) => {
    const { user } = await auth.api.signUpEmail({ body: { email: `user${index}@bench.test`, password, name: `user${index}` } });
    userIds[index] = user.id;
  });
  if (sessionsPerUser === 0) return;
  const context = await auth.$context;
  const cookieName = context.authCookies.sessionToken.name;
  const lines: string[] = [];
  for (let s = 0; s < sessionsPerUser; s++) {
    for (let index = 0; index < users; index++) {
      const session = await context.internalAdapter.createSession(userIds[index]!);
      // better-call's signCookieValue: `${value}.${HMAC-SHA256(value, secret) in base64}`, URI-encoded.
      const signed = encodeURIComponent(`${session.token}.${await makeSignature(session.token, context.secret)}`);
      lines.push(JSON.stringify({ email: `user${index}@bench.test`, cookie: `${cookieName}=${signed}` }));
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
