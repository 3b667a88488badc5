// Fails on high or critical advisories in production dependencies (`npm audit --omit=dev`).
// When the registry does not offer the audit endpoint (some mirrors answer 405), it says so and
// does not fail: an unanswered audit is reported, never mistaken for a clean one.
import { spawnSync } from "node:child_process";

const result = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8" });
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  report = null;
}
if (!report || report.error || !report.metadata) {
  const reason = report?.message ?? report?.error?.summary ?? "no answer";
  console.log(`npm audit: NOT RUN — the registry did not answer the audit request (${reason.trim()}).`);
  process.exit(0);
}
const { high = 0, critical = 0, moderate = 0, low = 0 } = report.metadata.vulnerabilities;
console.log(`npm audit (production dependencies): ${critical} critical, ${high} high, ${moderate} moderate, ${low} low`);
process.exit(high + critical > 0 ? 1 : 0);
