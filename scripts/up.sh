#!/usr/bin/env bash
# Starts the whole system locally and shows it working: Node 24 + packages, the real Kafka broker,
# schema registry, PostgreSQL and Redis, the topics, ingress on http://127.0.0.1:3000 and
# call-processor on :3001 with the example tenant directory; then posts signed Retell fixture
# webhooks and prints the resulting Kafka messages, down to lifecycle events and booking intents.
# Stop: bash scripts/down.sh
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

# start_service <name> <port> <bundle>: build and start a service unless it runs, wait until ready
start_service() {
  local name=$1 port=$2 bundle=$3
  if [ -s ".run/$name.pid" ] && kill -0 "$(cat ".run/$name.pid")" 2>/dev/null; then
    rb_log "$name already running (pid $(cat ".run/$name.pid"))"
  else
    rb_log "building $name ($bundle)"
    pnpm -s --filter "@rb/$name" build
    rb_log "starting $name on http://127.0.0.1:$port (log: .run/$name.log)"
    # memory settings measured with pnpm bench:ingress (README, "Memory")
    PORT=$port MALLOC_ARENA_MAX=1 setsid node --max-semi-space-size=8 --heap-growing-percent=50 "$bundle" >".run/$name.log" 2>&1 </dev/null &
    echo $! > ".run/$name.pid"
  fi
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$(cat ".run/$name.pid")" 2>/dev/null || { tail -20 ".run/$name.log"; rb_die "$name exited (log: .run/$name.log)"; }
    sleep 0.5
  done
  tail -20 ".run/$name.log"; rb_die "$name not ready after 30 s (log: .run/$name.log)"
}

[ -s .run/admin-token ] || node -e 'console.log("adm_" + require("crypto").randomBytes(18).toString("hex"))' > .run/admin-token
export ADMIN_TOKEN=${ADMIN_TOKEN:-$(cat .run/admin-token)}
start_service ingress "$PORT" services/ingress/dist/main.js
start_service call-processor 3001 services/call-processor/dist/main.js
rb_log "importing the example tenant directory (deploy/tenants.example.yaml)"
curl -fsS -X PUT -H "authorization: Bearer $ADMIN_TOKEN" --data-binary @deploy/tenants.example.yaml \
  http://127.0.0.1:3001/admin/tenants; echo

INGRESS_URL="http://127.0.0.1:$PORT" pnpm -s exec tsx scripts/demo.ts
cat <<MSG

The system is running:
  ingress          http://127.0.0.1:$PORT  (/webhooks/retell, /livez, /readyz, /metrics; log .run/ingress.log)
  call-processor   http://127.0.0.1:3001  (/admin/tenants, /livez, /readyz, /metrics; log .run/call-processor.log)
  kafka            127.0.0.1:9092
  schema registry  http://127.0.0.1:8081/apis/ccompat/v7
  webhook key      RETELL_API_KEY=$RETELL_API_KEY
  admin token      ADMIN_TOKEN=$ADMIN_TOKEN
Stop everything with: bash scripts/down.sh
MSG
