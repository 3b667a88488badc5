/**
 * Runs once per `vitest run`: migrates a template database with the project's own migrations, a
 * SQLite file in a temporary directory or, with DATABASE_URL=postgresql://…, a database on that
 * server (test/databases.ts). test/setup.ts copies it for every test file.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../scripts/migrate";
import { createDatabase, databasesNamed, dropDatabases, postgresTestServer, testDatabaseName } from "./databases";

export type TemplateDatabase =
  | { provider: "sqlite"; path: string }
  | { provider: "postgresql"; serverUrl: string; name: string };

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: TemplateDatabase;
  }
}

async function postgresTemplate(project: TestProject, serverUrl: string) {
  const name = testDatabaseName("vitest");
  const databaseUrl = await createDatabase(serverUrl, name);
  await applyMigrations({ databaseUrl, databaseProvider: "postgresql" });
  project.provide("templateDatabase", { provider: "postgresql", serverUrl, name });
  // The template and every copy test/setup.ts made of it (`<name>_…`), even after a crash.
  return async () => dropDatabases(serverUrl, await databasesNamed(serverUrl, name));
}

function sqliteTemplate(project: TestProject) {
  const projectRoot = project.config.root;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-template-"));
  const templateDatabasePath = path.join(directory, "template.db");
  try {
    execFileSync(path.join(projectRoot, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: `file:${templateDatabasePath}` },
      stdio: "pipe",
      timeout: 60_000,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    fs.rmSync(directory, { recursive: true, force: true });
    throw new Error(`prisma migrate deploy failed:\n${stdout?.toString() ?? ""}\n${stderr?.toString() ?? ""}`, { cause: error });
  }
  if (!fs.existsSync(templateDatabasePath)) throw new Error(`prisma migrate deploy did not create ${templateDatabasePath}`);
  project.provide("templateDatabase", { provider: "sqlite", path: templateDatabasePath });
  return () => fs.rmSync(directory, { recursive: true, force: true });
}

export default async function setup(project: TestProject) {
  const serverUrl = postgresTestServer();
  return serverUrl ? postgresTemplate(project, serverUrl) : sqliteTemplate(project);
}
