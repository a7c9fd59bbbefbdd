#!/usr/bin/env bash
# Stops what scripts/up.sh started: the services (gracefully), the fake Cal.com, then the local
# infrastructure.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in cost booking call-processor ingress fake-calcom; do
  if [ -s ".run/$name.pid" ] && kill -0 "$(cat ".run/$name.pid")" 2>/dev/null; then
    pid=$(cat ".run/$name.pid")
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    echo "$name: stopped (pid $pid)"
  fi
  rm -f ".run/$name.pid"
done
rm -f .run/fake-calcom.url
bash scripts/infra.sh down
