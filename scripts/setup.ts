/**
 * Prepares the database before `dev`, `start` and the tests: validates the configuration
 * (generating development secrets when needed), applies committed migrations, and in
 * development seeds the demo user.  `--production` validates as production and never seeds.
 */
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

const { maskDatabaseUrl } = await import("../lib/database-url");
const { applyMigrations, DatabaseError } = await import("./migrate");
const databaseName = maskDatabaseUrl(config.databaseUrl);
try {
  await applyMigrations(config);
} catch (error) {
  if (!(error instanceof DatabaseError)) throw error;
  // One line that names the variable and the reason, with any password masked.
  console.error(`Cannot use the database DATABASE_URL=${databaseName}: ${error.message.split(config.databaseUrl).join(databaseName)}`);
  process.exit(1);
}
console.log(`Database ready: ${databaseName}`);

if (!config.isProduction) {
  const { seedDemoUser } = await import("../prisma/seed");
  await seedDemoUser();
}
process.exit(0);
