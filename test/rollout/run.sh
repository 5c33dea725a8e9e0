#!/usr/bin/env bash
# npm run test:rollout -- every Deployment and DaemonSet of dist/ on a simulated cluster: the real
# kube-apiserver, kube-controller-manager and kube-scheduler v1.36.3 with kwok's fake nodes and
# kubelet, one cluster per dist/ target, several at once. See test/cluster/README.md ("test/rollout").
#   test/rollout/run.sh [TARGET...]      default: every target under dist/ (argocd/ aside)
# Env: ROLLOUT_JOBS (clusters at once, default 6), ROLLOUT_KEEP_LOGS=DIR (keep component logs).
# Last line: "N rollout checks passed, M failed".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$HERE/../cluster/lib.sh"
for tool in node openssl curl flock; do command -v "$tool" >/dev/null || die "$tool is required"; done
T0=$SECONDS

"$CLUSTER_DIR/build.sh" rollout

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/cdk8srt-rollout.XXXXXX")"
declare -A RUNNING=()   # pid -> target
cleanup() {
  local pid
  for pid in "${!RUNNING[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${!RUNNING[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

passed=0 failed=0
count() { # count LOGFILE TARGET: add the target's closing line to the totals
  local line p f
  line="$(grep -E "^$2: [0-9]+ checks passed, [0-9]+ failed$" "$1" | tail -1 || true)"
  if [ -z "$line" ]; then log "$2: ended without its closing line (counted as 1 failed)"; failed=$((failed + 1)); return; fi
  p="$(sed -E 's/.*: ([0-9]+) checks passed, ([0-9]+) failed$/\1/' <<<"$line")"
  f="$(sed -E 's/.*: ([0-9]+) checks passed, ([0-9]+) failed$/\2/' <<<"$line")"
  passed=$((passed + p)); failed=$((failed + f))
}

# The checker's own arithmetic first, with the cases it must refuse.
node "$HERE/self-test.mjs" >"$LOGS/self-test.log" 2>&1 || true
cat "$LOGS/self-test.log"
count "$LOGS/self-test.log" self-test

if [ $# -gt 0 ]; then targets=("$@")
else mapfile -t targets < <(CDK8SRT_DIST="$DIST" node "$HERE/targets.mjs"); fi
jobs_max="${ROLLOUT_JOBS:-6}"
log "rollout: ${#targets[@]} targets, $jobs_max at a time"

finish_one() {
  local pid t
  wait -n -p pid "${!RUNNING[@]}" || true
  t="${RUNNING[$pid]}"
  unset "RUNNING[$pid]"
  cat "$LOGS/${t//\//_}.log"
  count "$LOGS/${t//\//_}.log" "$t"
}
for t in "${targets[@]}"; do
  while [ "${#RUNNING[@]}" -ge "$jobs_max" ]; do finish_one; done
  bash "$HERE/target.sh" "$t" >"$LOGS/${t//\//_}.log" 2>&1 &
  RUNNING[$!]="$t"
done
while [ "${#RUNNING[@]}" -gt 0 ]; do finish_one; done

log "rollout: all targets in $((SECONDS - T0))s"
echo "$passed rollout checks passed, $failed failed"
[ "$failed" -eq 0 ]
