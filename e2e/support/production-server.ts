/**
 * Production servers a spec starts, ends and kills itself (beside the ones playwright.config.ts
 * starts for the whole run): each runs package.json's `start` script, exactly what `npm start`
 * runs (scripts/setup.ts --production, which applies migrations, then the compiled server.ts), in
 * a process group of its own so that a stop or a kill during setup reaches setup too.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { serverEnvironment, getTestRun, type ServerInstance } from "./test-run";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** How long a server may take to answer after it is started (setup, migrations, Next.js start). */
export const SERVER_READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ProductionServer {
  url: string;
  /** What the server has written to stderr so far. */
  stderr(): string;
  /** How it ended (`code 1`, `SIGKILL`), or null while it runs. */
  exitStatus(): string | null;
  /** SIGTERM, then SIGKILL after a few seconds; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash or the OOM killer would; resolves once it has exited. */
  kill(): Promise<void>;
}

/** package.json's `start` script, its last command (the server) exec'd so that the process we wait for is the server. */
function startCommand(): string {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const commands = scripts.start!.split("&&").map((command) => command.trim());
  return [...commands.slice(0, -1), `exec ${commands.at(-1)}`].join(" && ");
}

/**
 * Starts `server` (its port, origin and database; the run's secrets, serverEnvironment) with
 * `extraEnv` on top; resolves once it answers, or rejects with its stderr if it exits or does not
 * answer within a minute.
 */
export async function startProductionServer(server: ServerInstance, extraEnv: Record<string, string> = {}): Promise<ProductionServer> {
  const child = spawn("sh", ["-c", startCommand()], {
    cwd: ROOT,
    env: {
      NODE_ENV: "production",
      // What npm puts in front of PATH for a script.
      PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? "",
      ...serverEnvironment(getTestRun(), server),
      ...extraEnv,
    },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  let exitStatus: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exitStatus = signal ?? `code ${code}`;
      resolve();
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    if (exitStatus === null && child.pid !== undefined) process.kill(-child.pid, signal);
  };
  const kill = async () => {
    signalGroup("SIGKILL");
    await exited;
  };
  const stop = async () => {
    signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (exitStatus === null && Date.now() < deadline) {
    const ready = await fetch(`${server.url}/.well-known/jwks.json`).then((response) => response.ok, () => false);
    if (ready) return { url: server.url, stderr: () => stderr, exitStatus: () => exitStatus, stop, kill };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const reason = exitStatus === null ? `did not answer within ${SERVER_READY_TIMEOUT_MS / 1000} s` : `exited during start-up (${exitStatus})`;
  await kill();
  throw new Error(`the production server at ${server.url} ${reason}:\n${stderr}`);
}
