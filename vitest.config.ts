import { defineConfig } from "vitest/config";

// Unit and integration tests (lib/**/*.test.ts) against a real, temporary SQLite database.
// Reporters are chosen on the command line (scripts/test.sh), not here.
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts"],
    exclude: ["e2e/**", "**/node_modules/**", ".next/**"],
    environment: "node",
    // Config, the Prisma client, signing keys, the revocation set and the password pool are cached
    // on globalThis, so every test file needs its own process: with `forks` and `isolate` (both the
    // Vitest 4 defaults, pinned here on purpose) each file gets a fresh child process.
    pool: "forks",
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
