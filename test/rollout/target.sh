#!/usr/bin/env bash
# One dist/ target (or one part of it) on its own simulated cluster: start it (sim.sh), run
# scenarios.mjs, stop it.
#   test/rollout/target.sh <dir under dist/> [all|main|hpa]   (default all; run.sh runs several at once)
# Needs the binaries of `test/cluster/build.sh rollout`. Every process is stopped by PID on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$HERE/../cluster/lib.sh"
# shellcheck source=test/cluster/cluster.sh
source "$CLUSTER_DIR/cluster.sh"
# shellcheck source=test/rollout/sim.sh
source "$HERE/sim.sh"
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 <dir under dist/> [all|main|hpa]"
TARGET="$1" PART="${2:-all}"

SCEN_PID=""
cleanup() {
  if [ -n "$SCEN_PID" ]; then kill "$SCEN_PID" 2>/dev/null || true; wait "$SCEN_PID" 2>/dev/null || true; fi
  if [ -n "${ROLLOUT_KEEP_LOGS:-}" ] && [ -n "$CLUSTER_STATE" ]; then
    local keep="$ROLLOUT_KEEP_LOGS/${TARGET//\//_}"; [ "$PART" = all ] || keep="$keep.$PART"
    mkdir -p "$keep" && cp -r "$CLUSTER_STATE/logs/." "$keep/" 2>/dev/null || true
  fi
  stop_cluster
}
trap cleanup EXIT   # (not cleanup "$1": a trap's "$1" is that of the function running at exit)
trap 'exit 130' INT
trap 'exit 143' TERM HUP

started() { [ -z "${ROLLOUT_UP_FILE:-}" ] || : >"$ROLLOUT_UP_FILE"; }   # run.sh's start gate
start_sim || { started; exit 1; }
started
status=0
ROLLOUT_TARGET="$TARGET" ROLLOUT_PART="$PART" SIM_API="$SIM_API" SIM_PKI="$SIM_STATE/pki" METRICS_VALUES="$METRICS_VALUES" CDK8SRT_DIST="$DIST" \
  node "$HERE/scenarios.mjs" &
SCEN_PID=$!
wait "$SCEN_PID" || status=$?
SCEN_PID=""
exit "$status"
