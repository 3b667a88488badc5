// Runs once when a server starts: a bad variable stops boot with a clear message, and the
// password pool starts before the first login.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/config");
  getConfig();
  const { warmUpPasswords } = await import("./lib/auth");
  warmUpPasswords();
}
