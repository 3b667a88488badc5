/**
 * Runs in every test file's own worker thread before the file is imported (vitest `setupFiles`):
 * - copies the migrated template database (test/global-setup.ts) to a unique temporary file or,
 *   on PostgreSQL, to a database of its own;
 * - resets every configuration variable to a known state: NODE_ENV=test, that DATABASE_URL,
 *   BCRYPT_COST=4 (fast hashes) and fresh secrets from generateSecrets();
 * - removes the copy, closes the Prisma client and the password pool afterwards.
 * A test file that needs other settings assigns process.env in `vi.hoisted()`, which runs after
 * this file and before the test file's imports; configuration is read on first use.
 * Nothing is written inside the repository.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createDatabase, dropDatabases } from "./databases";

/** Every variable lib/config.ts reads: a developer's shell must not change what tests see. */
const CONFIG_VARIABLES = [
  "DATABASE_URL", "DATABASE_POOL_SIZE", "APP_ORIGIN", "SESSION_SECRET", "JWT_SIGNING_KEYS", "JWT_ISSUER", "JWT_AUDIENCE",
  "ACCESS_TOKEN_TTL", "REFRESH_IDLE_TTL", "REFRESH_GRACE_PERIOD", "SESSION_MAX_AGE", "REFRESH_TOKEN_SECRET",
  "BFF_CLIENT_ID", "BFF_CLIENT_SECRET", "BCRYPT_COST", "API_BASE_URL", "SESSION_IDLE_TIMEOUT", "REAUTH_WINDOW", "TRUST_PROXY", "PORT", "HOST",
];

const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-test-"));
const template = inject("templateDatabase");
let databaseUrl: string;
if (template.provider === "sqlite") {
  const databasePath = path.join(sandbox, "test.db");
  fs.copyFileSync(template.path, databasePath);
  databaseUrl = `file:${databasePath}`;
} else {
  databaseUrl = await createDatabase(template.serverUrl, `${template.name}_${randomBytes(4).toString("hex")}`, { template: template.name });
}

for (const name of CONFIG_VARIABLES) delete process.env[name];
Object.assign(process.env, { NODE_ENV: "test", DATABASE_URL: databaseUrl, BCRYPT_COST: "4" });

// Imported only now, after the environment is in place. With every secret set, config never
// reads or creates the development secrets file (lib/config.test.ts checks that).
const { generateSecrets } = await import("../lib/config");
Object.assign(process.env, generateSecrets());

afterAll(async () => {
  const { existingSingletons } = await import("../lib/singleton");
  const { stopListeningForRevocations } = await import("../lib/auth/revocations");
  await stopListeningForRevocations();
  const instances = existingSingletons();
  const db = instances.get("db") as { $disconnect(): Promise<void> } | undefined;
  const pools = instances.get("password-pools") as Record<string, { destroy(): Promise<void> }> | undefined;
  await db?.$disconnect();
  await Promise.all(Object.values(pools ?? {}).map((pool) => pool.destroy()));
  fs.rmSync(sandbox, { recursive: true, force: true });
  if (template.provider === "postgresql") await dropDatabases(template.serverUrl, [new URL(databaseUrl).pathname.slice(1)]);
});
