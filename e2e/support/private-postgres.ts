/**
 * A PostgreSQL cluster of a spec's own: `initdb` into a temporary directory, served on a free
 * loopback port (and a Unix socket in that directory), so the spec may stop and restart it without
 * disturbing the server the rest of the suite shares. initdb refuses to run as root; as root the
 * cluster belongs to, and runs as, the `postgres` OS user (`runuser`).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "../../test/free-ports";

const execFileAsync = promisify(execFile);
const PG_CTL_TIMEOUT_SECONDS = "30";

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:PORT/postgres: the maintenance database, to create others from. */
  serverUrl: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast` by default: client connections are closed, committed work is kept. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Stops the cluster if it runs and deletes its directory. */
  remove(): Promise<void>;
}

/** The directory holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/<version>/bin. */
function findPostgresBinaries(): string {
  const hasBinaries = (dir: string) => ["initdb", "pg_ctl"].every((name) => fs.existsSync(path.join(dir, name)));
  const fromPath = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean).find(hasBinaries);
  if (fromPath) return fromPath;
  const debianRoot = "/usr/lib/postgresql";
  const versions = fs.existsSync(debianRoot) ? fs.readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a)) : [];
  const installed = versions.map((version) => path.join(debianRoot, version, "bin")).find(hasBinaries);
  if (installed) return installed;
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) were found neither in PATH nor in /usr/lib/postgresql/*/bin: " +
      "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql).",
  );
}

/** Runs a cluster command (initdb, pg_ctl); as root, as the unprivileged `postgres` user, who then owns the cluster. */
async function clusterRunner(): Promise<{ run: (command: string, args: string[]) => Promise<void>; owner: { uid: number; gid: number } | null }> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  const run = async (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
    try {
      await execFileAsync(file, argv, { timeout: (Number(PG_CTL_TIMEOUT_SECONDS) + 10) * 1000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${path.basename(command)} failed: ${stderr || stdout || (error as Error).message}`, { cause: error });
    }
  };
  return { run, owner };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const id = async (flag: string) => Number((await execFileAsync("id", [flag, "postgres"])).stdout.trim());
    return { uid: await id("-u"), gid: await id("-g") };
  } catch (error) {
    throw new Error("running as root, which initdb refuses: an OS user named postgres is needed (the PostgreSQL server package creates it).", { cause: error });
  }
}

/** Creates and starts a fresh cluster; `remove()` it when done. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPostgresBinaries();
  const { run, owner } = await clusterRunner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhole-pg-"));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const dataDir = path.join(dir, "data");
  const port = await findFreePort();
  const pgCtl = (args: string[]) => run(path.join(bin, "pg_ctl"), ["-D", dataDir, "-w", "-t", PG_CTL_TIMEOUT_SECONDS, ...args]);

  const cluster: PrivatePostgres = {
    serverUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl(["-l", path.join(dir, "server.log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]),
    stop: (mode = "fast") => pgCtl(["-m", mode, "stop"]),
    async remove() {
      if (fs.existsSync(path.join(dataDir, "postmaster.pid"))) await cluster.stop("immediate").catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // Trust on loopback only (listen_addresses): a throw-away cluster for this machine's tests.
    await run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
    await cluster.start();
  } catch (error) {
    await cluster.remove();
    throw error;
  }
  return cluster;
}
