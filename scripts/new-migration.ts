/**
 * Authors a forward-only migration from the committed schema (HEAD) to the working-tree schema:
 *   npm run db:migration -- add_note_tags
 * `prisma migrate dev` cannot run offline with the JS schema engine, so we diff instead.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <snake_case_name>");
  process.exit(1);
}
const prisma = path.join("node_modules", ".bin", "prisma");
const timestamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const directory = path.join("prisma", "migrations", `${timestamp}_${name}`);
const hasMigrations = fs.existsSync(path.join("prisma", "migrations")) &&
  fs.readdirSync(path.join("prisma", "migrations")).some((entry) => /^\d{14}_/.test(entry));

const from: string[] = ["--from-empty"];
if (hasMigrations) {
  const previous = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-")), "schema.prisma");
  fs.writeFileSync(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
  from.splice(0, 1, "--from-schema-datamodel", previous);
}
fs.mkdirSync(directory, { recursive: true });
const output = path.join(directory, "migration.sql");
execFileSync(prisma, ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script", "--output", output], { stdio: "inherit" });
if (!fs.readFileSync(output, "utf8").trim() || fs.readFileSync(output, "utf8").includes("This is an empty migration")) {
  fs.rmSync(directory, { recursive: true });
  console.log("The schema has not changed since HEAD; no migration written.");
} else {
  console.log(`Wrote ${output}. Review it, then run \`npm run setup\` to apply it.`);
}
