// Runs once when a server starts: a bad variable stops boot with a clear message, the password
// pool starts before the first login, and stale rows are deleted now and then (lib/auth/housekeeping.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/config");
  getConfig();
  const { startHousekeeping, warmUpPasswords } = await import("./lib/auth");
  warmUpPasswords();
  startHousekeeping();
}
