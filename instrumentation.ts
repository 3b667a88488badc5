// Runs once when a server starts: a bad variable stops boot with a clear message, and the
// password pool starts before the first login.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./lib/config");
  const config = getConfig();
  const { warmUpPasswords } = await import("./lib/auth");
  warmUpPasswords();
  if (config.benchEnabled) {
    const { startEventLoopMonitor } = await import("./lib/bench");
    startEventLoopMonitor();
    console.warn("KEYHOLE_BENCH is on: /bench/baseline and /bench/metrics are served (benchmarks only).");
  }
}
