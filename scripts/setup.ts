/**
 * Prepares the database before `dev`, `start` and the tests: validates the configuration
 * (generating development secrets when needed), applies committed migrations, and in
 * development seeds the demo user.  `--production` validates as production and never seeds.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import nextEnv from "@next/env";

const { loadEnvConfig } = nextEnv;

const production = process.argv.includes("--production");
if (production) Object.assign(process.env, { NODE_ENV: "production" });
// The same .env files Next.js reads, so this script and the server agree on the database.
loadEnvConfig(process.cwd(), !production);

const { ConfigError, getConfig } = await import("../lib/config");
let config;
try {
  config = getConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const databaseFile = config.databaseUrl.replace(/^file:/, "");
if (databaseFile !== ":memory:") fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
try {
  execFileSync(path.join("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: config.databaseUrl },
    stdio: "pipe",
  });
} catch (error) {
  // Prisma's own output only when it failed: it says which migration and why.
  const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
  console.error(`Applying migrations failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  process.exit(1);
}
console.log(`Database ready: ${databaseFile}`);

if (!config.isProduction) {
  const { seedDemoUser } = await import("../prisma/seed");
  await seedDemoUser();
}
process.exit(0);
