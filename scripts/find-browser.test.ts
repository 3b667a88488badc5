/**
 * The browser finder and installer that `npm test` runs before Playwright, against a temporary
 * directory of fake executables. Nothing here installs anything or looks at the real system.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ensureBrowser,
  ExplicitBrowserError,
  findBrowser,
  NO_BROWSER_EXIT_CODE,
  runCommand,
  type CommandRunner,
  type Env,
} from "./find-browser";

const projectRoot = path.resolve(import.meta.dirname, "..");
let dir: string;

function fakeExecutable(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return file;
}

/** An environment in which only what a test creates under `dir` can be found. */
function bareEnv(extra: Env = {}): Env {
  return { PATH: path.join(dir, "bin"), KEYHOLE_BROWSER_SEARCH_PATH: [path.join(dir, "usr-bin"), path.join(dir, "snap-bin")].join(path.delimiter), ...extra };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-browser-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("findBrowser", () => {
  it("prefers KEYHOLE_CHROMIUM over Playwright's own and the system's Chromium", async () => {
    const explicit = fakeExecutable(path.join(dir, "custom", "my-chrome"));
    const playwright = fakeExecutable(path.join(dir, "ms-playwright", "chrome"));
    fakeExecutable(path.join(dir, "usr-bin", "chromium"));
    const found = await findBrowser({ env: bareEnv({ KEYHOLE_CHROMIUM: explicit }), playwrightExecutablePath: playwright });
    expect(found).toEqual({ executablePath: explicit, source: "explicit" });
  });

  it("refuses a KEYHOLE_CHROMIUM that is not executable instead of picking another browser", async () => {
    fakeExecutable(path.join(dir, "usr-bin", "chromium"));
    const notExecutable = path.join(dir, "chromium.txt");
    fs.writeFileSync(notExecutable, "", { mode: 0o644 });
    for (const value of [notExecutable, path.join(dir, "missing"), dir]) {
      await expect(findBrowser({ env: bareEnv({ KEYHOLE_CHROMIUM: value }), playwrightExecutablePath: path.join(dir, "none") })).rejects.toBeInstanceOf(ExplicitBrowserError);
    }
  });

  it("prefers Playwright's own Chromium over the system's", async () => {
    const playwright = fakeExecutable(path.join(dir, "ms-playwright", "chrome"));
    fakeExecutable(path.join(dir, "usr-bin", "chromium"));
    expect(await findBrowser({ env: bareEnv(), playwrightExecutablePath: playwright })).toEqual({ executablePath: playwright, source: "playwright" });
  });

  it("looks for chromium before chromium-browser and google-chrome, in every search directory", async () => {
    const env = bareEnv();
    const none = path.join(dir, "ms-playwright", "chrome");
    const chrome = fakeExecutable(path.join(dir, "usr-bin", "google-chrome"));
    expect(await findBrowser({ env, playwrightExecutablePath: none })).toEqual({ executablePath: chrome, source: "system" });
    const chromiumBrowser = fakeExecutable(path.join(dir, "usr-bin", "chromium-browser"));
    expect((await findBrowser({ env, playwrightExecutablePath: none }))?.executablePath).toBe(chromiumBrowser);
    const snapChromium = fakeExecutable(path.join(dir, "snap-bin", "chromium"));
    expect((await findBrowser({ env, playwrightExecutablePath: none }))?.executablePath).toBe(snapChromium);
  });

  it("skips a candidate that is not executable", async () => {
    fs.mkdirSync(path.join(dir, "usr-bin"), { recursive: true });
    fs.writeFileSync(path.join(dir, "usr-bin", "chromium"), "", { mode: 0o644 });
    expect(await findBrowser({ env: bareEnv(), playwrightExecutablePath: path.join(dir, "none") })).toBeNull();
  });
});

describe("ensureBrowser", () => {
  function recordingRunner(effects: Record<string, () => number>): { run: CommandRunner; calls: string[] } {
    const calls: string[] = [];
    const run: CommandRunner = async (command, args) => {
      const call = `${path.basename(command)} ${args.join(" ")}`;
      calls.push(call);
      return { status: effects[call]?.() ?? 1, timedOut: false };
    };
    return { run, calls };
  }
  const playwrightCli = "/nonexistent/playwright";

  it("installs nothing when a browser is found", async () => {
    const chromium = fakeExecutable(path.join(dir, "usr-bin", "chromium"));
    const { run, calls } = recordingRunner({});
    const result = await ensureBrowser({ env: bareEnv(), playwrightExecutablePath: path.join(dir, "none"), playwrightCli, run, isRoot: true, log: () => {} });
    expect(result).toEqual({ ok: true, executablePath: chromium, source: "system" });
    expect(calls).toEqual([]);
  });

  it("tries Playwright's installer first and stops there when it works", async () => {
    const playwright = path.join(dir, "ms-playwright", "chrome");
    fakeExecutable(path.join(dir, "bin", "apt-get"));
    const { run, calls } = recordingRunner({ "playwright install chromium": () => (fakeExecutable(playwright), 0) });
    const result = await ensureBrowser({ env: bareEnv(), playwrightExecutablePath: playwright, playwrightCli, run, isRoot: true, log: () => {} });
    expect(result).toEqual({ ok: true, installedBy: "playwright", executablePath: playwright, source: "playwright" });
    expect(calls).toEqual(["playwright install chromium"]);
  });

  it("falls back to apt-get update and install as root when Playwright's installer fails", async () => {
    fakeExecutable(path.join(dir, "bin", "apt-get"));
    const { run, calls } = recordingRunner({
      "apt-get update": () => 0,
      "apt-get install -y chromium": () => (fakeExecutable(path.join(dir, "usr-bin", "chromium")), 0),
    });
    const result = await ensureBrowser({ env: bareEnv(), playwrightExecutablePath: path.join(dir, "none"), playwrightCli, run, isRoot: true, log: () => {} });
    expect(result).toMatchObject({ ok: true, installedBy: "apt", source: "system", executablePath: path.join(dir, "usr-bin", "chromium") });
    expect(calls).toEqual(["playwright install chromium", "apt-get update", "apt-get install -y chromium"]);
  });

  it("does not use apt-get when not root, and says how to get a browser", async () => {
    fakeExecutable(path.join(dir, "bin", "apt-get"));
    const { run, calls } = recordingRunner({ "apt-get update": () => 0, "apt-get install -y chromium": () => 0 });
    const result = await ensureBrowser({ env: bareEnv(), playwrightExecutablePath: path.join(dir, "none"), playwrightCli, run, isRoot: false, log: () => {} });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(/npx playwright install chromium[\s\S]*apt-get install -y chromium[\s\S]*KEYHOLE_CHROMIUM=/);
    expect(calls).toEqual(["playwright install chromium"]);
  });

  it("gives up after a failed apt-get update without trying to install", async () => {
    fakeExecutable(path.join(dir, "bin", "apt-get"));
    const { run, calls } = recordingRunner({ "apt-get install -y chromium": () => 0 });
    const result = await ensureBrowser({ env: bareEnv(), playwrightExecutablePath: path.join(dir, "none"), playwrightCli, run, isRoot: true, log: () => {} });
    expect(result.ok).toBe(false);
    expect(calls).toEqual(["playwright install chromium", "apt-get update"]);
  });
});

describe("runCommand", () => {
  it("kills a command that outlives its time limit", async () => {
    const startedAtMs = Date.now();
    const result = await runCommand("sh", ["-c", "sleep 30"], { timeoutMs: 300, env: process.env });
    expect(result).toMatchObject({ status: null, timedOut: true });
    expect(Date.now() - startedAtMs).toBeLessThan(5_000);
  });

  it("reports a command that cannot start", async () => {
    const result = await runCommand(path.join(dir, "missing"), [], { timeoutMs: 5_000, env: process.env });
    expect(result.status).toBeNull();
    expect(result.timedOut).toBe(false);
  });
});

describe("scripts/ensure-browser.ts", () => {
  function runScript(args: string[], env: Env): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/ensure-browser.ts", ...args], {
        cwd: projectRoot,
        env: env as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
  // PLAYWRIGHT_BROWSERS_PATH points Playwright's own lookup at an empty directory.
  const scriptEnv = () => ({ ...bareEnv(), PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH}`, PLAYWRIGHT_BROWSERS_PATH: path.join(dir, "ms-playwright") });

  it("prints only the chosen path on stdout", async () => {
    const chromium = fakeExecutable(path.join(dir, "usr-bin", "chromium"));
    const result = await runScript(["--no-install"], scriptEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${chromium}\n`);
  });

  it("exits with its own status and one message when no browser is found", async () => {
    const result = await runScript(["--no-install"], scriptEnv());
    expect(result.code).toBe(NO_BROWSER_EXIT_CODE);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("KEYHOLE_CHROMIUM=/path/to/chromium");
  });
});
