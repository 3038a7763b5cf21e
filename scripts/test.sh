#!/usr/bin/env bash
# Runs every test: starts (or installs) PostgreSQL and Redis, installs and builds the workspace,
# then the Jest suites (unit + e2e against the real services, each run in its own database and
# Redis key prefix).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh

ensure_postgres
ensure_redis
ensure_training_deps
ensure_chromium
ensure_stream_deps
install_and_build

log "linting"
pnpm -s lint

log "type-checking every package, its specs included (Jest compiles them without types)"
pnpm -s typecheck

log "checking formatting (prettier)"
pnpm -s format:check

log "checking import cycles (madge)"
node scripts/check-cycles.mjs

log "running tests"
report=$(mktemp)
status=0
pnpm exec jest --ci --json --outputFile="$report" "$@" || status=$?
jest_counts=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.numPassedTests, r.numFailedTests);
' "$report" || echo "0 1")
rm -f "$report"

log "recogniser training pipeline (python) and torch-vs-onnxruntime parity"
py_log=$(mktemp)
/usr/bin/python3 -m unittest discover -s models/training/tests -v 2>&1 | tee "$py_log" || status=1
py_total=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$py_log" | tail -1)
# unittest ends with "FAILED (failures=1, errors=2)" when anything failed: both count.
py_failed=$(awk '/^FAILED \(/ { while (match($0, /(failures|errors)=[0-9]+/)) { split(substr($0, RSTART, RLENGTH), kv, "="); n += kv[2]; $0 = substr($0, RSTART + RLENGTH) } } END { print n + 0 }' "$py_log")
rm -f "$py_log"
parity=$(node models/training/parity.mjs 2>&1) || status=1
echo "$parity"
parity_counts=$(sed -n 's/^parity: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' <<<"$parity" | tail -1)

read -r jp jf <<<"$jest_counts"
read -r pp pf <<<"${parity_counts:-0 1}"
py_failed=${py_failed:-0}
py_total=${py_total:-0}
[ "$py_total" -gt 0 ] || { py_failed=1; status=1; }
passed=$((jp + py_total - py_failed + pp))
failed=$((jf + py_failed + pf))
echo "all: $passed passed, $failed failed"
exit $status
