/**
 * Authors a forward-only migration for each database, from the committed schema (HEAD) to the
 * working-tree schema:
 *   npm run db:migration -- add_note_tags
 * It first regenerates prisma/postgresql/schema.prisma from prisma/schema.prisma. `prisma migrate
 * dev` cannot run offline with the JS schema engine, so we diff instead.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isPostgresUrl } from "../lib/database-url";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <snake_case_name>");
  process.exit(1);
}
execFileSync(path.join("node_modules", ".bin", "tsx"), ["scripts/postgresql-schema.ts"], { stdio: "inherit" });

const prisma = path.join("node_modules", ".bin", "prisma");
const timestamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
// The JS schema engine connects even to diff two schema files: PostgreSQL's diff needs a server
// (any database on it; nothing is written), DATABASE_URL's when it names one.
const postgresqlUrl = isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : "postgresql://postgres@127.0.0.1:5432/postgres";
const providers = [
  { directory: "prisma", databaseUrl: "file:./prisma/dev.db" },
  { directory: path.join("prisma", "postgresql"), databaseUrl: postgresqlUrl },
];

for (const { directory: schemaDirectory, databaseUrl } of providers) {
  const schema = path.join(schemaDirectory, "schema.prisma");
  const migrations = path.join(schemaDirectory, "migrations");
  const directory = path.join(migrations, `${timestamp}_${name}`);
  const hasMigrations = fs.existsSync(migrations) && fs.readdirSync(migrations).some((entry) => /^\d{14}_/.test(entry));

  const from: string[] = ["--from-empty"];
  if (hasMigrations) {
    const previous = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-")), "schema.prisma");
    fs.writeFileSync(previous, execFileSync("git", ["show", `HEAD:${schema.split(path.sep).join("/")}`]));
    from.splice(0, 1, "--from-schema-datamodel", previous);
  }
  fs.mkdirSync(directory, { recursive: true });
  const output = path.join(directory, "migration.sql");
  execFileSync(prisma, ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script", "--output", output], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const script = fs.readFileSync(output, "utf8");
  if (!script.trim() || script.includes("This is an empty migration")) {
    fs.rmSync(directory, { recursive: true });
    console.log(`${schema} has not changed since HEAD; no migration written.`);
  } else {
    console.log(`Wrote ${output}. Review it.`);
  }
}
console.log("Run `npm run setup` to apply the SQLite migration (with DATABASE_URL=postgresql://… for PostgreSQL).");
