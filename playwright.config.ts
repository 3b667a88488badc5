/**
 * E2E tests against the production build served by server.ts (what `npm start` runs), never the dev server.
 * Run `npm run build` first (`npm test` does both). Each run gets fresh secrets, a fresh SQLite
 * database and free ports (e2e/support/test-run.ts); the servers are listed in e2e/servers.ts.
 */
import path from "node:path";
import { chromium, defineConfig, devices, type PlaywrightTestConfig } from "@playwright/test";
import { findBrowser } from "./scripts/find-browser";
import { createTestRun, getTestRun, RUN_ENV, serverEnvironment, type ServerInstance } from "./e2e/support/test-run";

// This file is evaluated in the runner and again in every worker: only the runner (which finds
// E2E_RUN unset) picks ports and secrets; workers inherit them through the environment.
process.env[RUN_ENV] ??= JSON.stringify(await createTestRun());
const run = getTestRun();


/**
 * The Chromium to launch: KEYHOLE_CHROMIUM (scripts/test.sh sets it to what scripts/ensure-browser.ts
 * chose, installing one if needed), else Playwright's own, else a system Chromium
 * (scripts/find-browser.ts). Playwright's own is launched as Playwright configures it.
 */
async function chromiumLaunchOptions(): Promise<NonNullable<PlaywrightTestConfig["use"]>["launchOptions"]> {
  const found = await findBrowser({ playwrightExecutablePath: chromium.executablePath() });
  if (!found || found.executablePath === chromium.executablePath()) return {};
  return {
    executablePath: found.executablePath,
    // Without these Chromium keeps trying to reach Google's hosts and logs the failures.
    args: [
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
    ],
  };
}


/** What `npm start` runs: server.ts as `npm run build` compiles it, with its V8 heap budget (README › Configuration). */
const PRODUCTION_SERVER = "--max-old-space-size=256 .next/keyhole/server.mjs";

type WebServerConfig = Extract<NonNullable<PlaywrightTestConfig["webServer"]>, unknown[]>[number];

/** Migrates this server's database, then serves the existing production build. */
function webServer(server: ServerInstance): WebServerConfig {
  const missingBuild = `echo 'e2e: no production build in .next: run "npm run build" first (npm test does).' >&2; exit 1`;
  return {
    name: server.name,
    command: [
      `{ test -f .next/BUILD_ID && test -f .next/keyhole/server.mjs || { ${missingBuild}; }; }`,
      "node_modules/.bin/tsx scripts/setup.ts --production",
      `exec node ${PRODUCTION_SERVER}`,
    ].join(" && "),
    url: `${server.url}/.well-known/jwks.json`,
    env: serverEnvironment(run, server),
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: process.env.E2E_SERVER_STDOUT === "1" ? "pipe" : "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  };
}

const browser = { ...devices["Desktop Chrome"], launchOptions: await chromiumLaunchOptions() };

/** The scale-out tests (e2e/scale): several instances, kill -9, a PostgreSQL restart. */
const SCALE_TESTS = /[\\/]e2e[\\/]scale[\\/].*\.spec\.ts$/;
/**
 * What the pages look like (axe, keyboard paths, screenshots): the same markup on either database,
 * so they run on the default one only and the PostgreSQL run keeps CI's time for what the
 * database changes (docs/decisions/020-postgresql-and-several-instances.md).
 */
const PRESENTATION_TESTS = /[\\/]e2e[\\/](accessibility|keyboard|screenshots)\.spec\.ts$/;

export default defineConfig({
  testDir: "e2e",
  globalTeardown: "./e2e/support/global-teardown.ts",
  // Per run: Playwright empties its output directory at start, so runs side by side must not share one.
  outputDir: path.join("test-results", path.basename(run.dir)),
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A retry would hide exactly the timing bugs (refresh races, revocation delay) these tests exist for.
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  globalTimeout: process.env.CI ? 15 * 60_000 : undefined,
  // A hang guard, not a speed check (timing is asserted where it matters): CI's shared 2-core
  // machines have run tests that take 11 s here past the default 30 s.
  timeout: process.env.CI ? 60_000 : 30_000,
  reporter: [
    ["list"],
    // PLAYWRIGHT_JSON_OUTPUT_FILE, when set (scripts/test.sh sets it), wins over this path.
    ["json", { outputFile: "playwright-report/results.json" }],
  ],
  use: {
    baseURL: run.servers.main.url,
    trace: "retain-on-failure",
  },
  webServer: Object.values(run.servers).map(webServer),
  // The `setup` project signs a user in through POST /bff/login (e2e/auth.setup.ts) and gives the
  // `chromium` project its session cookie: the pattern a downstream E2E suite should copy.
  // `scale` (e2e/scale: instances on a PostgreSQL cluster of its own) exists only on PostgreSQL.
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/, use: browser },
    { name: "chromium", dependencies: ["setup"], testIgnore: run.postgres ? [SCALE_TESTS, PRESENTATION_TESTS] : SCALE_TESTS, use: { ...browser, storageState: run.authStateFile } },
    ...(run.postgres ? [{ name: "scale", testMatch: SCALE_TESTS }] : []),
  ],
});
