/**
 * Builds the production app when `.next` is missing or older than the sources. The build runs under `flock -x` on the lock the bench servers hold shared, because
 * teammates share `.next`: nobody rebuilds it while a suite serves from it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BUILD_LOCK, PRODUCTION_SERVER, ROOT, underBuildLock } from "./bench-server";

/** What goes into the build. Tests do not; node_modules changes show up in package-lock.json. */
const SOURCES = ["app", "lib", "server.ts", "proxy.ts", "instrumentation.ts", "next.config.ts", "package-lock.json", "prisma/schema.prisma", "tsconfig.json"];
const BUILD_TIMEOUT_MS = 10 * 60_000;
const MAX_FILES = 20_000;
const BUILD_ATTEMPTS = 2;

function isTest(file: string): boolean {
  return /\.test\.tsx?$/.test(file);
}

/** The most recently modified source file (bounded walk). */
function newestSource(): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  let visited = 0;
  const stack = SOURCES.map((entry) => path.join(ROOT, entry));
  while (stack.length > 0 && visited < MAX_FILES) {
    const current = stack.pop()!;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(current);
    } catch {
      continue;
    }
    visited += 1;
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(current)) if (entry !== "node_modules") stack.push(path.join(current, entry));
    } else if (!isTest(current) && (!newest || stat.mtimeMs > newest.mtimeMs)) {
      newest = { file: path.relative(ROOT, current), mtimeMs: stat.mtimeMs };
    }
  }
  return newest;
}

/** Why a build is needed, or null when `.next` is current. */
export function buildReason(): string | null {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no production build in .next";
  if (!fs.existsSync(path.join(ROOT, PRODUCTION_SERVER))) return `the build has no ${PRODUCTION_SERVER}`;
  const builtAtMs = fs.statSync(buildId).mtimeMs;
  const newest = newestSource();
  if (newest && newest.mtimeMs > builtAtMs) return `${newest.file} changed after the build`;
  return null;
}

export function ensureBuild(mode: "auto" | "always" | "never"): void {
  const reason = mode === "always" ? "--build was given" : buildReason();
  if (reason === null || mode === "never") {
    if (reason !== null && mode === "never") console.log(`bench: not building (--no-build) although ${reason}`);
    return;
  }
  // Two attempts: a `next dev` running in the same tree rewrites .next/dev/types while the
  // build type-checks them, which can fail a build that is otherwise fine.
  for (let attempt = 1; attempt <= BUILD_ATTEMPTS; attempt += 1) {
    console.log(`bench: building (${reason}): flock -x ${BUILD_LOCK} npm run build`);
    const [command, commandArgs] = underBuildLock("-x", ["npm", "run", "build"]);
    const result = spawnSync(command, commandArgs, {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      timeout: BUILD_TIMEOUT_MS,
    });
    if (result.status === 0) return;
    if (attempt === BUILD_ATTEMPTS) throw new Error(`bench: the build failed (exit ${result.status ?? result.signal})`);
  }
}
