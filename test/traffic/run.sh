#!/usr/bin/env bash
# npm run test:traffic -- the generated routes' timeouts, checked through real proxies.
#   test/traffic/run.sh            build/install what is missing, then every check
# What runs (see README.md here): test/cluster's kube-apiserver + etcd, Traefik v3 (built from Go
# modules by test/cluster/build.sh traefik) with its kubernetesCRD, kubernetesGateway and
# kubernetesIngressNGINX providers, Debian nginx (stream module) running the generated stream
# configs, and test/traffic/backend.mjs as the pods. Everything runs inside a network namespace this
# script creates (unshare --net): pod, load balancer and proxy addresses exist only there, and
# there is no route out of it. Every process is started here and stopped by its PID.
# Last line: `N traffic checks passed, M failed`.
set -euo pipefail
TRAFFIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$TRAFFIC_DIR/../cluster/lib.sh"

[ "$#" -eq 0 ] || die "usage: $0 (no options)"
for tool in node openssl curl flock unshare nsenter; do command -v "$tool" >/dev/null || die "$tool is required"; done
[ "$(id -u)" = 0 ] || die "test:traffic creates network namespaces: run it as root (CI does)"
T0=$SECONDS

# 1. Binaries: kube-apiserver/kubectl/etcd and Traefik into the cache (built once per version).
"$REPO/test/cluster/build.sh" traffic

# 2. Debian nginx with the stream module, installed only when missing. Installing must not start
#    the distribution's nginx service: a policy-rc.d that refuses service starts is put in place
#    for the install (unless one exists) and removed afterwards.
NGINX_BIN=/usr/sbin/nginx
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
if [ ! -x "$NGINX_BIN" ] || [ ! -f "$STREAM_MODULE" ] || ! command -v ip >/dev/null; then
  command -v apt-get >/dev/null || die "nginx and its stream module are missing and apt-get is not available"
  log "installing nginx, libnginx-mod-stream and iproute2 with apt-get (first run only)"
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\n# test/traffic/run.sh: no service starts while it installs nginx\nexit 101\n' >"$policy" && chmod 755 "$policy"
  fi
  t=$SECONDS rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx libnginx-mod-stream iproute2; } \
    >"$CACHE/logs/apt-nginx.log" 2>&1 || rc=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ "$rc" = 0 ] || { tail -n 40 "$CACHE/logs/apt-nginx.log" >&2; die "apt-get install nginx libnginx-mod-stream iproute2 failed"; }
  log "installed $("$NGINX_BIN" -v 2>&1) in $((SECONDS - t))s"
fi

# 3. The variants (test/traffic/variants.ts), synthesized through the library into a temp folder.
STATE="$(mktemp -d "${TMPDIR:-/tmp}/cdk8srt-traffic.XXXXXX")"
CHILD=""
cleanup() {
  if [ -n "$CHILD" ]; then kill "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
  if [ "${CDK8SRT_KEEP_STATE:-0}" = 1 ]; then log "traffic state kept in $STATE"; else rm -rf "$STATE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
node -r "$REPO/tools/register.js" "$TRAFFIC_DIR/synth-variants.ts" "$STATE/variants" >&2

# 4. Everything else inside a new network namespace (in the background + wait, so a signal here
#    is handled at once; the child stops its own processes by PID in its EXIT trap).
export CDK8SRT_TRAFFIC_STATE="$STATE" CDK8SRT_TRAFFIC_T0="$T0" NGINX_BIN STREAM_MODULE
status=0
unshare --net -- bash "$TRAFFIC_DIR/in-netns.sh" &
CHILD=$!
wait "$CHILD" || status=$?
CHILD=""
exit "$status"
