import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { isPostgresUrl } from "./lib/database-url";

// Unit and integration tests (lib/**/*.test.ts, scripts/**/*.test.ts) against a real, temporary database:
// SQLite, or with DATABASE_URL=postgresql://… databases of their own on that server (test/databases.ts).
// Files named *.sqlite.test.ts or *.postgresql.test.ts are about one database and run on its runs only.
// Reporters are chosen on the command line (scripts/test.sh), not here.
const onPostgres = isPostgresUrl(process.env.DATABASE_URL);
export default defineConfig({
  resolve: {
    // lib/auth, lib/api, lib/bff and lib/db.ts start with `import "server-only"`, whose default export
    // throws outside React's "react-server" condition (set by Next.js for server code, not by vitest).
    // Resolve it to the package's own server build, an empty module, as Next.js does on the server;
    // a condition for the whole run would also switch react to its server build.
    alias: { "server-only": fileURLToPath(new URL("node_modules/server-only/empty.js", import.meta.url)) },
  },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["e2e/**", "**/node_modules/**", ".next/**", onPostgres ? "**/*.sqlite.test.ts" : "**/*.postgresql.test.ts"],
    environment: "node",
    // Config, the Prisma client, signing keys, the revocation set and the password pool are cached
    // on globalThis, and files set process.env: with `isolate` every file gets a fresh worker
    // thread, whose globals and process.env copy are its own. Threads, not the default `forks`:
    // a forks run wedged once in CI after a file had passed (no "testfileFinished" message, which
    // the pool awaits without a deadline), a failure mode reported for the forks pool elsewhere
    // too. scripts/test.sh also bounds the run in time.
    pool: "threads",
    isolate: true,
    // Builds one migrated template database; each file works on its own copy of it.
    globalSetup: ["test/global-setup.ts"],
    // Runs first in each file's process: database copy, environment, fresh secrets, cleanup.
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
