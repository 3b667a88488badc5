/**
 * One authored schema (prisma/schema.prisma); the PostgreSQL schema is generated from it and its
 * migrations are committed beside SQLite's. These fail when either has drifted.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUTHORED_SCHEMA, POSTGRESQL_SCHEMA, toPostgresqlSchema } from "./postgresql-schema";

const projectRoot = path.resolve(import.meta.dirname, "..");

function tables(migrationsDirectory: string): string[] {
  const names = new Set<string>();
  for (const migration of fs.readdirSync(migrationsDirectory)) {
    const file = path.join(migrationsDirectory, migration, "migration.sql");
    if (!fs.existsSync(file)) continue;
    for (const [, name] of fs.readFileSync(file, "utf8").matchAll(/CREATE TABLE "(\w+)"/g)) names.add(name!);
  }
  names.delete("new_" as never);
  return [...names].filter((name) => !name.startsWith("new_")).sort();
}

describe("the PostgreSQL schema", () => {
  it("is the authored schema with PostgreSQL's provider (run `npm run db:schemas` after editing prisma/schema.prisma)", () => {
    expect(fs.readFileSync(POSTGRESQL_SCHEMA, "utf8")).toBe(toPostgresqlSchema(fs.readFileSync(AUTHORED_SCHEMA, "utf8")));
  });

  it("differs from the authored one only in its provider, URL and client output", () => {
    const authored = fs.readFileSync(AUTHORED_SCHEMA, "utf8").split("\n");
    const generated = fs.readFileSync(POSTGRESQL_SCHEMA, "utf8").split("\n").slice(1);
    const changed = generated.filter((line, index) => line !== authored[index]).map((line) => line.trim());
    expect(changed).toEqual([
      'output     = "../../lib/generated/prisma-postgresql"',
      'provider = "postgresql"',
      'url      = "postgresql://localhost:5432/keyhole"',
    ]);
  });

  it("has migrations that create every model's table, as SQLite's do", () => {
    const models = [...fs.readFileSync(AUTHORED_SCHEMA, "utf8").matchAll(/^model (\w+) \{/gm)].map((match) => match[1]!).sort();
    expect(tables(path.join(projectRoot, "prisma", "postgresql", "migrations"))).toEqual(models);
    expect(tables(path.join(projectRoot, "prisma", "migrations"))).toEqual(models);
  });

  it("gives both databases a migration for every schema change (`npm run db:migration -- <name>` writes both)", () => {
    // The newest migration of each must come from the same change: their timestamps match.
    const newest = (directory: string) => fs.readdirSync(directory).filter((name) => /^\d{14}_/.test(name)).sort().at(-1)!.slice(0, 14);
    expect(newest(path.join(projectRoot, "prisma", "postgresql", "migrations"))).toBe(newest(path.join(projectRoot, "prisma", "migrations")));
    const lock = (directory: string) => execFileSync("cat", [path.join(directory, "migration_lock.toml")]).toString();
    expect(lock(path.join(projectRoot, "prisma", "postgresql", "migrations"))).toContain('provider = "postgresql"');
    expect(lock(path.join(projectRoot, "prisma", "migrations"))).toContain('provider = "sqlite"');
  });
});
