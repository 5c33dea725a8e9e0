#!/usr/bin/env bash
# npm run test:rollout -- every Deployment and DaemonSet of dist/ on a simulated cluster: the real
# kube-apiserver, kube-controller-manager and kube-scheduler v1.36.3 with kwok's fake nodes and
# kubelet, one cluster per dist/ target, several at once. See test/cluster/README.md ("test/rollout").
#   test/rollout/run.sh [TARGET...]      default: every target under dist/ (argocd/ aside); a target
#                                        with HPAs runs as two parts, each on its own cluster
# Env: ROLLOUT_JOBS (clusters at once, default all), ROLLOUT_STARTS (clusters starting at once,
# default 3), ROLLOUT_KEEP_LOGS=DIR (keep component logs).
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
count() { # count LOGFILE LABEL: add the closing line "LABEL: N checks passed, M failed" to the totals
  local line p f
  line="$(awk -v p="$2: " 'index($0, p) == 1 && /: [0-9]+ checks passed, [0-9]+ failed$/' "$1" | tail -1)"
  if [ -z "$line" ]; then log "$2: ended without its closing line (counted as 1 failed)"; failed=$((failed + 1)); return; fi
  p="$(sed -E 's/.*: ([0-9]+) checks passed, ([0-9]+) failed$/\1/' <<<"$line")"
  f="$(sed -E 's/.*: ([0-9]+) checks passed, ([0-9]+) failed$/\2/' <<<"$line")"
  passed=$((passed + p)); failed=$((failed + f))
}

# The checker's own arithmetic first, with the cases it must refuse.
node "$HERE/self-test.mjs" >"$LOGS/self-test.log" 2>&1 || true
cat "$LOGS/self-test.log"
count "$LOGS/self-test.log" self-test

# Jobs, one cluster each: "<part> <target>" (targets.mjs; a target with HPAs is two parts).
mapfile -t jobs < <(CDK8SRT_DIST="$DIST" node "$HERE/targets.mjs" "$@")
[ "${#jobs[@]}" -gt 0 ] || die "no targets (targets.mjs listed none)"
jobs_max="${ROLLOUT_JOBS:-${#jobs[@]}}" starts_max="${ROLLOUT_STARTS:-3}"
[ "$jobs_max" -ge 1 ] && [ "$starts_max" -ge 1 ] || die "ROLLOUT_JOBS and ROLLOUT_STARTS must be at least 1"
log "rollout: ${#jobs[@]} clusters, $jobs_max at a time, $starts_max starting at a time"

label_of() { if [ "${1%% *}" = all ]; then printf '%s' "${1#* }"; else printf '%s (%s)' "${1#* }" "${1%% *}"; fi; }
logf_of() { local j="${1#* }"; printf '%s' "$LOGS/${j//\//_}.${1%% *}.log"; }
declare -A UP_FILE=()   # pid -> the file target.sh creates once its cluster is up (or failed)
launch() {
  local j="$1" up
  up="$(logf_of "$j").up"
  echo "rollout: $(label_of "$j"): started at +$((SECONDS - T0))s" >"$(logf_of "$j")"
  ROLLOUT_UP_FILE="$up" bash "$HERE/target.sh" "${j#* }" "${j%% *}" >>"$(logf_of "$j")" 2>&1 &
  RUNNING[$!]="$j"; UP_FILE[$!]="$up"
}
starting() { local n=0 pid; for pid in "${!RUNNING[@]}"; do [ -e "${UP_FILE[$pid]}" ] || n=$((n + 1)); done; echo "$n"; }
finish() {
  local pid="$1" j="${RUNNING[$1]}"
  wait "$pid" || true
  unset "RUNNING[$pid]" "UP_FILE[$pid]"
  cat "$(logf_of "$j")"
  count "$(logf_of "$j")" "$(label_of "$j")"
}
# Start-up is what loads the machine (kube-apiserver's most of all); the scenarios mostly wait. So
# at most ROLLOUT_STARTS clusters start at a time, the longest jobs first (targets.mjs's order),
# and ROLLOUT_JOBS (default: all of them) run at once.
next=0
while [ "$next" -lt "${#jobs[@]}" ] || [ "${#RUNNING[@]}" -gt 0 ]; do
  for pid in "${!RUNNING[@]}"; do kill -0 "$pid" 2>/dev/null || finish "$pid"; done
  if [ "$next" -lt "${#jobs[@]}" ] && [ "${#RUNNING[@]}" -lt "$jobs_max" ] && [ "$(starting)" -lt "$starts_max" ]; then
    launch "${jobs[next]}"; next=$((next + 1)); continue
  fi
  sleep 0.25
done

log "rollout: all targets in $((SECONDS - T0))s"
echo "$passed rollout checks passed, $failed failed"
[ "$failed" -eq 0 ]
