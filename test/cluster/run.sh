#!/usr/bin/env bash
# npm run test:cluster -- apply dist/ to a real kube-apiserver (+ etcd) on 127.0.0.1 and check it.
#   test/cluster/run.sh                  self-test, then every object under dist/
#   test/cluster/run.sh --self-test-only only prove the harness rejects test/cluster/fixtures/
#   test/cluster/run.sh --no-self-test   skip the self-test (quicker while iterating)
# The first run builds kube-apiserver, kubectl and etcd from the Go module proxy (see README.md).
# The control plane is started fresh for every run and always stopped, whatever happens.
set -euo pipefail
# shellcheck source=test/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=test/cluster/cluster.sh
source "$CLUSTER_DIR/cluster.sh"

for a in "$@"; do
  case "$a" in --self-test-only|--no-self-test) ;; *) die "unknown option $a (see the top of $0)" ;; esac
done
for tool in node openssl curl flock; do command -v "$tool" >/dev/null || die "$tool is required"; done

"$CLUSTER_DIR/build.sh" cluster

CHECK_PID=""
cleanup() {
  if [ -n "$CHECK_PID" ]; then kill "$CHECK_PID" 2>/dev/null || true; wait "$CHECK_PID" 2>/dev/null || true; fi
  stop_cluster
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

start_cluster
export KUBECTL CDK8SRT_DIST="$DIST" CDK8SRT_CRDS="$CRDS" CDK8SRT_APISERVER_LOG="$CLUSTER_STATE/logs/kube-apiserver.log"
# In the background + wait, so a signal to this script is handled at once, not after node ends.
status=0
node "$CLUSTER_DIR/apply-check.mjs" "$@" &
CHECK_PID=$!
wait "$CHECK_PID" || status=$?
CHECK_PID=""
exit "$status"
