#!/usr/bin/env bash
# Runs every test: starts (or installs) PostgreSQL and Redis, installs and builds the workspace,
# then the Jest suites (unit + e2e against the real services, each run in its own database and
# Redis key prefix).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh

ensure_postgres
ensure_redis
install_and_build

log "linting"
pnpm -s lint

log "running tests"
report=$(mktemp)
status=0
pnpm exec jest --ci --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" || true
rm -f "$report"
exit $status
