/**
 * Creates Better Auth's schema in the database BENCH_DATABASE_URL names and signs up the bench
 * users (BENCH_USERS of them: user<i>@bench.test, password BENCH_PASSWORD), with the app's own
 * configuration (lib/auth.ts). Run by bench/peers.ts with Keyhole's tsx before the server starts.
 */
import { getMigrations } from "better-auth/db/migration";
import { authOptions, getAuth } from "./lib/auth";

const PARALLEL_SIGN_UPS = 8;

async function main(): Promise<void> {
  const users = Number(process.env.BENCH_USERS);
  const password = process.env.BENCH_PASSWORD;
  if (!Number.isInteger(users) || users < 1 || !password) throw new Error("setup: BENCH_USERS and BENCH_PASSWORD are required");
  const { runMigrations } = await getMigrations(authOptions());
  await runMigrations();
  const auth = getAuth();
  let next = 0;
  const worker = async () => {
    while (next < users) {
      const index = next++;
      await auth.api.signUpEmail({ body: { email: `user${index}@bench.test`, password, name: `user${index}` } });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_SIGN_UPS }, worker));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
