#!/usr/bin/env bash
# `npm test`: builds the production app, runs the unit and integration tests (vitest), then the
# end-to-end tests against the production server (server.ts, Playwright), and ends with one line:
#   N passed, N failed[, N skipped]
# summed over both runners. Exits non-zero when a test failed, a runner or the build crashed
# (each counts as one failure in that line), or no test ran at all.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NEXT_TELEMETRY_DISABLED=1
results_dir="$(mktemp -d "${TMPDIR:-/tmp}/keyhole-test.XXXXXX")"
trap 'rm -rf "$results_dir"' EXIT

section() { printf '\n=== %s\n\n' "$*"; }
durations=""
started_at=$SECONDS
took() { durations+="${durations:+, }$1 $((SECONDS - started_at)) s"; started_at=$SECONDS; }

section "Production build (npm run build)"
build_status=0
npm run build || build_status=$?
took build

section "Unit and integration tests (vitest)"
vitest_status=0
# Browser tests are Playwright's, whatever vitest's config says.
npx vitest run --passWithNoTests --exclude 'e2e/**' \
  --reporter=default --reporter=json --outputFile="$results_dir/vitest.json" || vitest_status=$?
took vitest

playwright_status=skipped
if [ "$build_status" -eq 0 ]; then
  section "End-to-end tests (Playwright, production build)"
  playwright_status=0
  PLAYWRIGHT_JSON_OUTPUT_FILE="$results_dir/playwright.json" npx playwright test || playwright_status=$?
  took playwright
else
  section "End-to-end tests skipped: the production build failed"
fi

echo
echo "Durations: $durations"

node - "$build_status" "$vitest_status" "$results_dir/vitest.json" "$playwright_status" "$results_dir/playwright.json" <<'NODE'
const fs = require("node:fs");
const [buildStatus, vitestStatus, vitestFile, playwrightStatus, playwrightFile] = process.argv.slice(2);
const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

if (buildStatus !== "0") {
  failed += 1;
  notes.push(`the production build failed (exit ${buildStatus}); counted as 1 failure`);
}

// vitest: Jest-style JSON. A file that fails to load has status "failed" and no failed test.
const vitest = readJson(vitestFile);
let vitestFailed = 0;
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  const brokenFiles = (vitest.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  );
  vitestFailed = (vitest.numFailedTests ?? 0) + brokenFiles.length;
  for (const file of brokenFiles) notes.push(`vitest: ${file.name} failed outside any test; counted as 1 failure`);
}
if (vitestStatus !== "0" && vitestFailed === 0) {
  vitestFailed = 1;
  notes.push(`vitest exited with ${vitestStatus}${vitest ? "" : " and wrote no report"} without a failed test; counted as 1 failure`);
}
failed += vitestFailed;

// Playwright: stats.expected passed, flaky passed on retry, unexpected failed; errors[] are run-level.
if (playwrightStatus !== "skipped") {
  const playwright = readJson(playwrightFile);
  let playwrightFailed = 0;
  if (playwright) {
    const stats = playwright.stats ?? {};
    passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    skipped += stats.skipped ?? 0;
    playwrightFailed = stats.unexpected ?? 0;
    for (const error of playwright.errors ?? []) notes.push(`playwright: ${String(error.message ?? error.value ?? "error").split("\n")[0]}`);
  }
  if (playwrightStatus !== "0" && playwrightFailed === 0) {
    playwrightFailed = 1;
    notes.push(`playwright exited with ${playwrightStatus}${playwright ? "" : " and wrote no report"} without a failed test; counted as 1 failure`);
  }
  failed += playwrightFailed;
}

if (passed + failed === 0) notes.push("no test ran");
for (const note of notes) console.log(`NOTE: ${note}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0;
NODE
