/**
 * Runs once per `vitest run`: migrates a template SQLite database with the project's own
 * migrations (`prisma migrate deploy`), in a temporary directory outside the repository.
 * test/setup.ts copies it for every test file.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabasePath: string;
  }
}

export default function setup(project: TestProject) {
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
  project.provide("templateDatabasePath", templateDatabasePath);

  return () => {
    fs.rmSync(directory, { recursive: true, force: true });
  };
}
