#!/usr/bin/env bash
# One command from a fresh clone to a running service: PostgreSQL and Redis, dependencies, build,
# models, database migrations, a demo account (its API key and dashboard password are printed), then a recognition worker
# in the background and the gateway on $PORT (8080) in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh

ensure_postgres
ensure_redis
ensure_ffmpeg
install_and_build

log "applying database migrations"
pnpm -s db:migrate >/dev/null

export ADMIN_TOKEN="${ADMIN_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
demo=$(node apps/cli/dist/main.js demo)
key=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).apiKey)' <<<"$demo")
password=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).password)' <<<"$demo")

cat <<MSG

  platewise is starting on http://localhost:${PORT:-8080}
  demo API key:  $key
  admin token:   $ADMIN_TOKEN   (Authorization: Bearer … on /admin/)
  dashboard:     http://localhost:${PORT:-8080}/app/   sign in as demo / $password
  API docs:      http://localhost:${PORT:-8080}/docs/   (OpenAPI 3.1: /openapi.json)

  try:  curl -F upload=@car.jpg -F regions=us-ca -H "Authorization: Token $key" http://localhost:${PORT:-8080}/v1/plate-reader/
        curl -H "Authorization: Token $key" http://localhost:${PORT:-8080}/v1/statistics/
        curl "http://localhost:${PORT:-8080}/v2/subscription?api-key=$key"
  mmc and redaction (POST /v1/redact/) need a plan with them: pnpm platewise contract sign demo --plan business

MSG
# --single-threaded-gc: see README, "How a call flows".
node --single-threaded-gc apps/worker/dist/main.js &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
node apps/gateway/dist/main.js
