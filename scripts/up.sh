#!/usr/bin/env bash
# Starts the whole system locally and shows it working: Node 24 + packages, the real Kafka broker,
# schema registry, PostgreSQL and Redis, the topics, ingress on http://127.0.0.1:3000,
# call-processor on :3001 with the example tenant directory and booking on :3002, which books in a
# local stand-in for Cal.com (scripts/fake-calcom.ts: no external network, bookings in memory)
# registered as every example company's Cal.com account; then posts signed Retell fixture webhooks
# and prints the resulting Kafka messages, down to booking intents, booking outcomes and each
# call's cost and margins (cost on :3003, with demo exchange rates and example prices).
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

# start_service <name> <port> <bundle> [ops port]: build and start a service unless it runs, wait
# until its /readyz (on the ops port, which is the service's port where it has no public listener)
start_service() {
  local name=$1 port=$2 bundle=$3 ops=${4:-$2}
  if [ -s ".run/$name.pid" ] && kill -0 "$(cat ".run/$name.pid")" 2>/dev/null; then
    rb_log "$name already running (pid $(cat ".run/$name.pid"))"
  else
    rb_log "building $name ($bundle)"
    pnpm -s --filter "@rb/$name" build
    rb_log "starting $name on http://127.0.0.1:$port (log: .run/$name.log)"
    # memory settings measured with pnpm bench:ingress (README, "Memory")
    PORT=$port OPS_PORT=$ops MALLOC_ARENA_MAX=1 setsid node --max-semi-space-size=8 --heap-growing-percent=50 "$bundle" >".run/$name.log" 2>&1 </dev/null &
    echo $! > ".run/$name.pid"
  fi
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$ops/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$(cat ".run/$name.pid")" 2>/dev/null || { tail -20 ".run/$name.log"; rb_die "$name exited (log: .run/$name.log)"; }
    sleep 0.5
  done
  tail -20 ".run/$name.log"; rb_die "$name not ready after 30 s (log: .run/$name.log)"
}

[ -s .run/admin-token ] || node -e 'console.log("adm_" + require("crypto").randomBytes(18).toString("hex"))' > .run/admin-token
export ADMIN_TOKEN=${ADMIN_TOKEN:-$(cat .run/admin-token)}
# what ingress asks booking (free times) and call-processor (the caller's name) with during a live call
[ -s .run/query-token ] || node -e 'console.log("qry_" + require("crypto").randomBytes(18).toString("hex"))' > .run/query-token
QUERY_TOKEN=${QUERY_TOKEN:-$(cat .run/query-token)}
export QUERY_TOKENS=$QUERY_TOKEN BOOKING_QUERY_TOKEN=$QUERY_TOKEN CALL_PROCESSOR_QUERY_TOKEN=$QUERY_TOKEN
export BOOKING_QUERY_URL=http://127.0.0.1:3002 CALL_PROCESSOR_QUERY_URL=http://127.0.0.1:3001
# booking seals Cal.com credentials with these keys (id:base64 of 32 bytes); kept, so what it
# stored stays readable across restarts
[ -s .run/credential-keys ] || (umask 077 &&
  node -e 'console.log("local1:" + require("crypto").randomBytes(32).toString("base64"))' > .run/credential-keys)
CREDENTIAL_KEYS=${CREDENTIAL_KEYS:-$(cat .run/credential-keys)}
# booking's caller index (find_appointments, who may move a booking) is an HMAC of the number
# under this key, kept like the credential keys so the index stays valid across restarts
[ -s .run/caller-index-key ] || (umask 077 &&
  node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))' > .run/caller-index-key)
CALLER_INDEX_KEY=${CALLER_INDEX_KEY:-$(cat .run/caller-index-key)}

# the local stand-in for Cal.com (not Cal.com: no network, bookings in memory, one API key)
CALCOM_TOKEN=${FAKE_CALCOM_TOKEN:-cal_local_demo}
if [ -s .run/fake-calcom.pid ] && kill -0 "$(cat .run/fake-calcom.pid)" 2>/dev/null && [ -s .run/fake-calcom.url ]; then
  rb_log "fake Cal.com already running (pid $(cat .run/fake-calcom.pid))"
else
  rb_log "starting the fake Cal.com, a local stand-in for Cal.com (log: .run/fake-calcom.log)"
  rm -f .run/fake-calcom.url
  FAKE_CALCOM_TOKEN=$CALCOM_TOKEN setsid node --import tsx scripts/fake-calcom.ts >.run/fake-calcom.log 2>&1 </dev/null &
  echo $! > .run/fake-calcom.pid
  for _ in $(seq 1 60); do
    [ -s .run/fake-calcom.url ] && break
    kill -0 "$(cat .run/fake-calcom.pid)" 2>/dev/null || { cat .run/fake-calcom.log; rb_die "the fake Cal.com exited"; }
    sleep 0.25
  done
  [ -s .run/fake-calcom.url ] || rb_die "the fake Cal.com did not write .run/fake-calcom.url within 15 s"
fi
CALCOM_URL=$(cat .run/fake-calcom.url)

start_service ingress "$PORT" services/ingress/dist/main.js "${OPS_PORT:-3100}"
start_service call-processor 3001 services/call-processor/dist/main.js
rb_log "importing the example tenant directory (deploy/tenants.example.yaml)"
curl -fsS -X PUT -H "authorization: Bearer $ADMIN_TOKEN" --data-binary @deploy/tenants.example.yaml \
  http://127.0.0.1:3001/admin/tenants; echo
# booking reaches Cal.com only at allowed hosts and public addresses: the stand-in on this
# machine is allowed explicitly (its host:port), as an operator would allow an in-cluster Cal.com
CREDENTIAL_KEYS=$CREDENTIAL_KEYS CALLER_INDEX_KEY=$CALLER_INDEX_KEY CALCOM_ALLOW_PRIVATE_HOSTS=${CALCOM_URL#http://} \
  start_service booking 3002 services/booking/dist/main.js

# Each example company books in the fake Cal.com. Company ids are call-processor's (the import
# above assigned them by slug); booking checks the API key against the fake before storing it.
rb_log "registering the fake Cal.com ($CALCOM_URL) as every example company's Cal.com account"
slugs=$(node -e 'const { parse } = require("yaml");
for (const c of parse(require("fs").readFileSync("deploy/tenants.example.yaml", "utf8")).companies) console.log(c.slug)')
for slug in $slugs; do
  id=$(psql -h 127.0.0.1 -U postgres -d call_processor -tAc "SELECT id FROM companies WHERE slug = '$slug'")
  [ -n "$id" ] || rb_die "company $slug is not in call-processor's database after the import"
  answer=$(curl -sS -w ' %{http_code}' -X PUT -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
    --data "{\"baseUrl\":\"$CALCOM_URL\",\"kind\":\"api_key\",\"token\":\"$CALCOM_TOKEN\",\"fallbackEmail\":null}" \
    "http://127.0.0.1:3002/admin/companies/$id/calcom-account")
  [ "${answer##* }" = 200 ] || rb_die "booking refused the Cal.com account of $slug: $answer"
  echo "  $slug ($id): ${answer% *}"
done

start_service cost 3003 services/cost/dist/main.js
source scripts/demo-prices.sh

INGRESS_URL="http://127.0.0.1:$PORT" COST_URL=http://127.0.0.1:3003 pnpm -s exec tsx scripts/demo.ts
cat <<MSG

The system is running:
  ingress          http://127.0.0.1:$PORT  (/webhooks/retell, /webhooks/retell/inbound, /webhooks/retell/functions/:name: the public listener; log .run/ingress.log)
                   http://127.0.0.1:${OPS_PORT:-3100}  (/livez, /readyz, /metrics: the internal ops listener)
  call-processor   http://127.0.0.1:3001  (internal only: /admin/tenants, /internal/customers, /livez, /readyz, /metrics; log .run/call-processor.log)
  booking          http://127.0.0.1:3002  (internal only: /admin/companies/:id/calcom-account, /admin/bookings/:uid/cancel|reschedule,
                                           /internal/availability, /livez, /readyz, /metrics; log .run/booking.log)
  cost             http://127.0.0.1:3003  (internal only: /plans, /twilio-rates, /reports, /calls/:id/cost,
                                           /companies/:id/statements/:month, /admin/…; log .run/cost.log)
  fake Cal.com     $CALCOM_URL  (a local stand-in for Cal.com, NOT Cal.com: bookings in memory only;
                                           API key $CALCOM_TOKEN; log .run/fake-calcom.log)
  kafka            127.0.0.1:9092
  schema registry  http://127.0.0.1:8081/apis/ccompat/v7
  webhook key      RETELL_API_KEY=$RETELL_API_KEY
  admin token      ADMIN_TOKEN=$ADMIN_TOKEN (call-processor, booking and cost)
  query token      QUERY_TOKEN=$QUERY_TOKEN (ingress asking booking and call-processor during a live call)
Stop everything with: bash scripts/down.sh
MSG
