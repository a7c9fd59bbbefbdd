#!/usr/bin/env bash
# Starts the whole system locally and shows it working: Node 24 + packages, the real Kafka broker,
# schema registry, PostgreSQL and Redis, the topics, ingress on http://127.0.0.1:3000; then posts
# signed Retell fixture webhooks and prints the resulting Kafka messages. Stop: bash scripts/down.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/toolchain.sh
rb_bootstrap
pnpm -s exec tsx scripts/create-topics.ts

mkdir -p .run
# a local key unless a real one is configured (see README: pointing it at a real Retell account)
if [ -z "${RETELL_API_KEY:-}" ]; then
  [ -s .run/retell-api-key ] || node -e 'console.log("key_local_" + require("crypto").randomBytes(12).toString("hex"))' > .run/retell-api-key
  RETELL_API_KEY=$(cat .run/retell-api-key)
fi
export RETELL_API_KEY PORT=${PORT:-3000}

if [ -s .run/ingress.pid ] && kill -0 "$(cat .run/ingress.pid)" 2>/dev/null; then
  rb_log "ingress already running (pid $(cat .run/ingress.pid))"
else
  rb_log "building ingress (services/ingress/dist/main.js)"
  pnpm -s --filter @rb/ingress build
  rb_log "starting ingress on http://127.0.0.1:$PORT (log: .run/ingress.log)"
  # a small young generation keeps RSS low at a few % of throughput (see README, benchmark)
  setsid node --max-semi-space-size=4 services/ingress/dist/main.js >.run/ingress.log 2>&1 </dev/null &
  echo $! > .run/ingress.pid
fi
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$(cat .run/ingress.pid)" 2>/dev/null || { tail -20 .run/ingress.log; rb_die "ingress exited (log: .run/ingress.log)"; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { tail -20 .run/ingress.log; rb_die "ingress not ready after 30 s (log: .run/ingress.log)"; }

INGRESS_URL="http://127.0.0.1:$PORT" pnpm -s exec tsx scripts/demo.ts
cat <<MSG

The system is running:
  ingress          http://127.0.0.1:$PORT  (/webhooks/retell, /livez, /readyz, /metrics; log .run/ingress.log)
  kafka            127.0.0.1:9092
  schema registry  http://127.0.0.1:8081/apis/ccompat/v7
  webhook key      RETELL_API_KEY=$RETELL_API_KEY
Stop everything with: bash scripts/down.sh
MSG
