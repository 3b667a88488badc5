/**
 * Finds the Chromium the Playwright suite launches, and installs one when there is none.
 * Used by scripts/ensure-browser.ts (what `npm test` runs before Playwright) and by
 * playwright.config.ts (which only looks, never installs).
 *
 * Order of preference:
 *   1. KEYHOLE_CHROMIUM: an explicit executable. When set it must work; nothing else is tried.
 *   2. Playwright's own Chromium (`chromium.executablePath()`, put there by `npx playwright install`).
 *   3. A system Chromium or Chrome: the names in SYSTEM_BROWSER_NAMES, looked up in
 *      KEYHOLE_BROWSER_SEARCH_PATH (a PATH-style list; default SYSTEM_BROWSER_DIRS).
 * When none is found: `playwright install chromium` (bounded in time: it cannot download where only
 * the npm registry answers), then, as root with apt-get, Debian's `chromium` package.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const EXPLICIT_BROWSER_ENV = "KEYHOLE_CHROMIUM";
export const SEARCH_PATH_ENV = "KEYHOLE_BROWSER_SEARCH_PATH";
/** Exit status of scripts/ensure-browser.ts when it could neither find nor install a browser. */
export const NO_BROWSER_EXIT_CODE = 3;

export const SYSTEM_BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
export const SYSTEM_BROWSER_DIRS = ["/usr/bin", "/usr/local/bin", "/snap/bin", "/opt/google/chrome"];

/** Environment variables; not NodeJS.ProcessEnv, which Next.js's types make require NODE_ENV. */
export type Env = Record<string, string | undefined>;

export type BrowserSource = "explicit" | "playwright" | "system";
export interface FoundBrowser {
  executablePath: string;
  source: BrowserSource;
}

export interface FindOptions {
  env?: Env;
  /** Where Playwright's own Chromium would be; read from @playwright/test when not given. */
  playwrightExecutablePath?: string;
}

/** Thrown when KEYHOLE_CHROMIUM names something that cannot be run: a typo must not silently pick another browser. */
export class ExplicitBrowserError extends Error {}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function systemBrowserCandidates(env: Env = process.env): string[] {
  const configured = env[SEARCH_PATH_ENV];
  const dirs = configured === undefined ? SYSTEM_BROWSER_DIRS : configured.split(path.delimiter).filter(Boolean);
  return SYSTEM_BROWSER_NAMES.flatMap((name) => dirs.map((dir) => path.join(dir, name)));
}

export async function playwrightChromiumPath(): Promise<string> {
  const { chromium } = await import("@playwright/test");
  return chromium.executablePath();
}

/** The browser to use, or null when there is none. Never installs anything. */
export async function findBrowser(options: FindOptions = {}): Promise<FoundBrowser | null> {
  const env = options.env ?? process.env;
  const explicit = env[EXPLICIT_BROWSER_ENV];
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new ExplicitBrowserError(`${EXPLICIT_BROWSER_ENV}=${explicit} is not an executable file; fix or unset it.`);
    }
    return { executablePath: explicit, source: "explicit" };
  }
  const playwrightPath = options.playwrightExecutablePath ?? (await playwrightChromiumPath());
  if (isExecutableFile(playwrightPath)) return { executablePath: playwrightPath, source: "playwright" };
  const system = systemBrowserCandidates(env).find(isExecutableFile);
  return system ? { executablePath: system, source: "system" } : null;
}

export interface CommandResult {
  /** Exit status; null when the command could not start or was stopped by the time limit. */
  status: number | null;
  timedOut: boolean;
  error?: string;
}
export type CommandRunner = (command: string, args: string[], options: { timeoutMs: number; env: Env }) => Promise<CommandResult>;

/**
 * Runs a command with its output on our stderr (stdout carries only the chosen path), no stdin,
 * in its own process group, which is killed whole when the time limit passes.
 */
export const runCommand: CommandRunner = (command, args, { timeoutMs, env }) =>
  new Promise((resolve) => {
    let timedOut = false;
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", 2, 2], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: null, timedOut, error: error.message });
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status: timedOut ? null : status, timedOut });
    });
  });

function findOnPath(name: string, env: Env): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

export interface EnsureOptions extends FindOptions {
  /** The Playwright CLI (node_modules/.bin/playwright). */
  playwrightCli: string;
  run?: CommandRunner;
  log?: (line: string) => void;
  isRoot?: boolean;
  playwrightInstallTimeoutMs?: number;
  aptTimeoutMs?: number;
}

export type EnsureResult = ({ ok: true; installedBy?: "playwright" | "apt" } & FoundBrowser) | { ok: false; message: string };

export function noBrowserMessage(env: Env = process.env): string {
  return [
    "No Chromium for the browser tests, and none could be installed here. Get one, then run npm test again:",
    "  - Playwright's own:  npx playwright install chromium   (downloads from Playwright's CDN)",
    "  - Debian or Ubuntu:  sudo apt-get install -y chromium   (or chromium-browser; Google Chrome also works)",
    `  - one you already have:  ${EXPLICIT_BROWSER_ENV}=/path/to/chromium npm test`,
    `Looked for Playwright's Chromium and for ${SYSTEM_BROWSER_NAMES.join(", ")} in ${(env[SEARCH_PATH_ENV] ?? SYSTEM_BROWSER_DIRS.join(path.delimiter)) || "(empty search path)"}.`,
  ].join("\n");
}

function describe(result: CommandResult, timeoutMs: number): string {
  if (result.timedOut) return `stopped after ${Math.round(timeoutMs / 1000)} s`;
  if (result.error) return result.error;
  return `exit ${result.status}`;
}

/** Finds a browser; when there is none, installs one (Playwright's installer, then apt-get as root). */
export async function ensureBrowser(options: EnsureOptions): Promise<EnsureResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const run = options.run ?? runCommand;
  const find = () => findBrowser(options);

  log("Looking for Chromium (KEYHOLE_CHROMIUM, Playwright's own, then the system's)");
  const found = await find();
  if (found) return { ok: true, ...found };

  const playwrightTimeoutMs = options.playwrightInstallTimeoutMs ?? 5 * 60_000;
  log(`None found. Trying Playwright's installer: playwright install chromium (at most ${Math.round(playwrightTimeoutMs / 1000)} s)`);
  // Without a connection timeout a blackholed network holds each download attempt for a long time.
  const playwrightEnv = { ...env, PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT: env.PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT ?? "15000" };
  const playwrightResult = await run(options.playwrightCli, ["install", "chromium"], { timeoutMs: playwrightTimeoutMs, env: playwrightEnv });
  if (playwrightResult.status === 0) {
    const installed = await find();
    if (installed) return { ok: true, installedBy: "playwright", ...installed };
    log("Playwright's installer succeeded, but its Chromium is still missing");
  } else {
    log(`Playwright's installer failed (${describe(playwrightResult, playwrightTimeoutMs)})`);
  }

  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const aptGet = findOnPath("apt-get", env);
  if (!isRoot || !aptGet) {
    log(`Not installing Debian's chromium: ${!aptGet ? "apt-get is not available" : "not running as root"}`);
    return { ok: false, message: noBrowserMessage(env) };
  }
  const aptTimeoutMs = options.aptTimeoutMs ?? 10 * 60_000;
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  log(`Installing Debian's chromium: apt-get update, then apt-get install -y chromium (at most ${Math.round(aptTimeoutMs / 1000)} s each)`);
  for (const args of [["update"], ["install", "-y", "chromium"]]) {
    const result = await run(aptGet, args, { timeoutMs: aptTimeoutMs, env: aptEnv });
    if (result.status !== 0) {
      log(`apt-get ${args.join(" ")} failed (${describe(result, aptTimeoutMs)})`);
      return { ok: false, message: noBrowserMessage(env) };
    }
  }
  const installed = await find();
  if (installed) return { ok: true, installedBy: "apt", ...installed };
  log("apt-get installed chromium, but no executable appeared where it was looked for");
  return { ok: false, message: noBrowserMessage(env) };
}
