#!/usr/bin/env bash
# Sourced by scripts/up.sh once cost runs: the demo days' exchange rates (a stand-in file, NOT ECB
# figures) and the example prices (deploy/cost/plans.example.json) — the platform's list price,
# and for every reseller in call-processor's directory a wholesale plan and the reseller's own
# price. A plan already there (up.sh run again) is answered 409 and left as it is.
COST_URL=http://127.0.0.1:3003
rb_log "importing the demo days' exchange rates (deploy/cost/ecb-rates.demo.xml: a stand-in, NOT ECB figures)"
DATABASE_URL=${COST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cost} pnpm -s cost:import-rates deploy/cost/ecb-rates.demo.xml

post_plan() { # <label> <json> [path]
  local answer
  answer=$(curl -sS -w ' %{http_code}' -X POST -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
    --data "$2" "$COST_URL${3:-/plans}")
  case "${answer##* }" in
    201) echo "  $1: created" ;;
    409) echo "  $1: already there" ;;
    *) rb_die "cost refused the plan $1: $answer" ;;
  esac
}
plan() { # <section of plans.example.json> <seller> <buyer json>
  node -e 'const p = require("./deploy/cost/plans.example.json")[process.argv[1]];
console.log(JSON.stringify({ ...p, seller: process.argv[2], buyer: JSON.parse(process.argv[3]) }))' "$@"
}
rb_log "the example prices (deploy/cost/plans.example.json) through cost's POST /plans"
post_plan "platform list price" "$(plan platformDefault platform '{"kind":"default"}')"
for reseller in $(psql -h 127.0.0.1 -U postgres -d call_processor -tAc "SELECT id FROM resellers"); do
  post_plan "wholesale for reseller $reseller" "$(plan wholesaleForEachReseller platform "{\"kind\":\"reseller\",\"resellerId\":\"$reseller\"}")"
  post_plan "reseller $reseller's price" "$(plan eachResellersDefault "$reseller" '{"kind":"default"}')"
done
rb_log "the example Twilio rates for imported numbers (deploy/cost/plans.example.json, not Twilio's prices) through POST /twilio-rates"
for i in $(node -e 'console.log(require("./deploy/cost/plans.example.json").twilioRates.map((_, i) => i).join(" "))'); do
  rate=$(node -e 'console.log(JSON.stringify(require("./deploy/cost/plans.example.json").twilioRates[process.argv[1]]))' "$i")
  post_plan "Twilio rate $(node -e 'const r = JSON.parse(process.argv[1]); console.log(r.direction + " " + r.numberType)' "$rate")" "$rate" /twilio-rates
done
