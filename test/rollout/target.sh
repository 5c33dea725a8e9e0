#!/usr/bin/env bash
# One dist/ target on its own simulated cluster: start it (sim.sh), run scenarios.mjs, stop it.
#   test/rollout/target.sh <dir under dist/>       (run.sh runs several at once)
# Needs the binaries of `test/cluster/build.sh rollout`. Every process is stopped by PID on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$HERE/../cluster/lib.sh"
# shellcheck source=test/cluster/cluster.sh
source "$CLUSTER_DIR/cluster.sh"
# shellcheck source=test/rollout/sim.sh
source "$HERE/sim.sh"
[ $# -eq 1 ] || die "usage: $0 <dir under dist/>"

SCEN_PID=""
cleanup() {
  if [ -n "$SCEN_PID" ]; then kill "$SCEN_PID" 2>/dev/null || true; wait "$SCEN_PID" 2>/dev/null || true; fi
  if [ -n "${ROLLOUT_KEEP_LOGS:-}" ] && [ -n "$CLUSTER_STATE" ]; then
    mkdir -p "$ROLLOUT_KEEP_LOGS/${1//\//_}" && cp -r "$CLUSTER_STATE/logs/." "$ROLLOUT_KEEP_LOGS/${1//\//_}/" 2>/dev/null || true
  fi
  stop_cluster
}
trap 'cleanup "$1"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

start_sim
status=0
ROLLOUT_TARGET="$1" SIM_API="$SIM_API" SIM_PKI="$SIM_STATE/pki" METRICS_VALUES="$METRICS_VALUES" CDK8SRT_DIST="$DIST" \
  node "$HERE/scenarios.mjs" &
SCEN_PID=$!
wait "$SCEN_PID" || status=$?
SCEN_PID=""
exit "$status"
