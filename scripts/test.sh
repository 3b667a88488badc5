#!/usr/bin/env bash
# `npm test`: lints (ESLint, import boundaries included), builds the production app, runs the unit
# and integration tests (vitest), then the end-to-end tests against the production server
# (server.ts, Playwright), and ends with one line:
#   N passed, N failed[, N skipped]
# summed over both runners. Exits non-zero when a test failed, lint failed, a runner or the build
# crashed (each counts as one failure in that line), no browser could be found or installed for the
# end-to-end tests (one failure; scripts/ensure-browser.ts says how to get one), or no test ran at all.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NEXT_TELEMETRY_DISABLED=1
results_dir="$(mktemp -d "${TMPDIR:-/tmp}/keyhole-test.XXXXXX")"
trap 'rm -rf "$results_dir"' EXIT

section() { printf '\n=== %s\n\n' "$*"; }
durations=""
started_at=$SECONDS
took() { durations+="${durations:+, }$1 $((SECONDS - started_at)) s"; started_at=$SECONDS; }

# Every step is bounded in time, so a wedged tool ends in a failure that names it instead of
# holding CI until its own limit. Normal durations on 2 cores: lint < 1 min, build ~1 min, vitest ~1 min.
LINT_TIME_LIMIT=5m
BUILD_TIME_LIMIT=15m
VITEST_TIME_LIMIT=10m

section "Lint (npm run lint)"
lint_status=0
timeout --kill-after=30s "$LINT_TIME_LIMIT" npm run lint || lint_status=$?
took lint

section "Production build (npm run build)"
build_status=0
timeout --kill-after=30s "$BUILD_TIME_LIMIT" npm run build || build_status=$?
took build

section "Unit and integration tests (vitest)"
# Browser tests are Playwright's, whatever vitest's config says.
run_vitest() {
  timeout --kill-after=30s "$VITEST_TIME_LIMIT" npx vitest run --passWithNoTests --exclude 'e2e/**' \
    --reporter=default --reporter=json --outputFile="$results_dir/vitest.json"
}
vitest_status=0
vitest_wedged=0
run_vitest || vitest_status=$?
# 124/137: stopped by the time limit. A test that hangs fails on its own (testTimeout), so this is
# the runner itself making no progress: say so, and give it one more run from scratch.
if [ "$vitest_status" -eq 124 ] || [ "$vitest_status" -eq 137 ]; then
  vitest_wedged=1
  echo "NOTE: vitest did not finish within $VITEST_TIME_LIMIT (runner wedged); running it once more" >&2
  rm -f "$results_dir/vitest.json"
  vitest_status=0
  run_vitest || vitest_status=$?
fi
took vitest

playwright_status=skipped
if [ "$build_status" -eq 0 ]; then
  section "Browser for the end-to-end tests (scripts/ensure-browser.ts)"
  # Finds Chromium (KEYHOLE_CHROMIUM, Playwright's own, the system's) or installs one (Playwright's
  # installer, then Debian's package as root); prints its path, or says how to get one and exits 3.
  # Its installs are bounded by their own limits; this one covers apt-get on a slow mirror too.
  browser_status=0
  browser_path="$(timeout --kill-after=30s 30m node_modules/.bin/tsx scripts/ensure-browser.ts </dev/null)" || browser_status=$?
  took browser
  if [ "$browser_status" -eq 0 ] && [ -n "$browser_path" ]; then
    export KEYHOLE_CHROMIUM="$browser_path"
    section "End-to-end tests (Playwright, production build)"
    playwright_status=0
    # playwright.config.ts sets a 15 min globalTimeout on CI; this also covers its start and teardown.
    PLAYWRIGHT_JSON_OUTPUT_FILE="$results_dir/playwright.json" timeout --kill-after=30s 25m npx playwright test || playwright_status=$?
    took playwright
  else
    playwright_status=no-browser
    section "End-to-end tests skipped: no browser (see the message above)"
  fi
else
  section "End-to-end tests skipped: the production build failed"
fi

echo
echo "Durations: $durations"

node - "$lint_status" "$build_status" "$vitest_status" "$results_dir/vitest.json" "$playwright_status" "$results_dir/playwright.json" "$vitest_wedged" <<'NODE'
const fs = require("node:fs");
const [lintStatus, buildStatus, vitestStatus, vitestFile, playwrightStatus, playwrightFile, vitestWedged] = process.argv.slice(2);
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
if (vitestWedged === "1") notes.push("vitest's first run made no progress and was stopped; the counts are from its second run");

if (lintStatus !== "0") {
  failed += 1;
  notes.push(`lint failed (exit ${lintStatus}); counted as 1 failure`);
}

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
if (playwrightStatus === "no-browser") {
  // One failure, not one per browser test: scripts/ensure-browser.ts said how to get a browser.
  failed += 1;
  notes.push("no browser for the end-to-end tests (scripts/ensure-browser.ts said why and how to get one), so they did not run; counted as 1 failure");
} else if (playwrightStatus !== "skipped") {
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
