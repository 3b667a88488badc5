/**
 * `npm start` against a database it cannot use stops with one line that names DATABASE_URL and
 * says why, with the password masked (no stack, no Prisma banner).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../lib/config";
import { findFreePorts } from "../test/free-ports";

const projectRoot = path.resolve(import.meta.dirname, "..");

function runSetup(databaseUrl: string) {
  const result = spawnSync(path.join(projectRoot, "node_modules", ".bin", "tsx"), ["scripts/setup.ts", "--production"], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NODE_ENV: "production", DATABASE_URL: databaseUrl, ...generateSecrets() },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, lines: `${result.stdout}${result.stderr}`.trim().split("\n") };
}

describe("setup with a database it cannot use", () => {
  it("an unreachable PostgreSQL server: one line naming DATABASE_URL and the reason, password masked", async () => {
    const [closedPort] = await findFreePorts(1);
    const { code, lines } = runSetup(`postgresql://keyhole:s3cret-pa55@127.0.0.1:${closedPort}/keyhole`);
    expect(code).toBe(1);
    expect(lines).toEqual([`Cannot use the database DATABASE_URL=postgresql://keyhole:****@127.0.0.1:${closedPort}/keyhole: connect ECONNREFUSED 127.0.0.1:${closedPort}`]);
  });

  it("a URL of another kind of database: the configuration error names DATABASE_URL", () => {
    const { code, lines } = runSetup("mysql://root:hunter2@127.0.0.1:3306/keyhole");
    expect(code).toBe(1);
    expect(lines.join("\n")).toContain("DATABASE_URL must be a SQLite file: URL");
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});
