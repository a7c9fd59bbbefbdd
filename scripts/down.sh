#!/usr/bin/env bash
# Stops what scripts/up.sh started: ingress (gracefully), then the local infrastructure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -s .run/ingress.pid ] && kill -0 "$(cat .run/ingress.pid)" 2>/dev/null; then
  pid=$(cat .run/ingress.pid)
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  echo "ingress: stopped (pid $pid)"
fi
rm -f .run/ingress.pid
bash scripts/infra.sh down
