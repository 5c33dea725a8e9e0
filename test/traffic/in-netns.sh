#!/usr/bin/env bash
# The inside of test/traffic/run.sh, in the network namespace `unshare --net` made for it (never
# run it directly). Two namespaces, no route out of either:
#   cluster ns (this one): loopback holds the API server (127.0.0.1), Traefik's LoadBalancer
#     addresses 10.0.0.10-12 (dist's nginx-stream.conf upstreams), and the pods 10.244.x.10;
#   edge ns (a child): the global L4 nginx, 10.0.1.1 on a veth pair to 10.0.1.2 here.
set -euo pipefail
TRAFFIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$TRAFFIC_DIR/../cluster/lib.sh"
# shellcheck source=test/cluster/cluster.sh
source "$CLUSTER_DIR/cluster.sh"
S="$CDK8SRT_TRAFFIC_STATE"
V="$S/variants"
mkdir -p "$S/logs" "$S/nginx"
stamp() { log "[$((SECONDS - CDK8SRT_TRAFFIC_T0))s] $*"; }

PIDS=()
OWN_NS="$(readlink /proc/$$/ns/net)" EDGE_NS=""
cleanup() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid="${PIDS[i]}"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  stop_cluster
  # Nothing may outlive the run: any process still in one of the two namespaces was started here
  # and escaped its PID (a harness bug). Name it, stop it by PID, fail the run.
  local leaked=() p ns
  for p in /proc/[0-9]*; do
    ns="$(readlink "$p/ns/net" 2>/dev/null)" || continue
    [ "${p#/proc/}" != $$ ] || continue
    if [ "$ns" = "$OWN_NS" ] || { [ -n "$EDGE_NS" ] && [ "$ns" = "$EDGE_NS" ]; }; then leaked+=("${p#/proc/}"); fi
  done
  if [ "${#leaked[@]}" -gt 0 ]; then
    for p in "${leaked[@]}"; do log "LEAKED process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
    kill -9 "${leaked[@]}" 2>/dev/null || true
    exit 3
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
fail_with_log() { log "$1"; tail -n "${3:-40}" "$2" >&2; exit 2; }

# 1. Addresses. The API server refuses loopback (127/8) addresses in IPv4 EndpointSlices; these
#    pod-like addresses are real here and nowhere else.
LB_ADDRS=(10.0.0.10 10.0.0.11 10.0.0.12)
POD_ADDRS=(10.244.1.10 10.244.2.10 10.244.3.10 10.244.3.11 10.244.4.10)
EDGE_ADDR=10.0.1.1
ip link set lo up
for a in "${LB_ADDRS[@]}" "${POD_ADDRS[@]}"; do ip addr add "$a/32" dev lo; done
unshare --net -- sleep 100000 &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
wait_until 5 "the edge network namespace" bash -c "[ \"\$(readlink /proc/$EDGE_PID/ns/net)\" != \"\$(readlink /proc/$$/ns/net)\" ]"
edge() { nsenter --net="/proc/$EDGE_PID/ns/net" -- "$@"; }
EDGE_NS="$(readlink "/proc/$EDGE_PID/ns/net")"
ip link add traffic-cl type veth peer name traffic-edge netns "$EDGE_PID"
ip addr add 10.0.1.2/24 dev traffic-cl && ip link set traffic-cl up
edge ip link set lo up
edge ip addr add "$EDGE_ADDR/24" dev traffic-edge
edge ip link set traffic-edge up
edge ip route add 10.0.0.0/24 via 10.0.1.2
# A "pod" that never answers: packets to 10.244.9.0/24 go to the edge namespace, which does not
# forward (ip_forward is 0 in a new namespace) and drops them without a word: a connect timeout.
ip route add 10.244.9.0/24 via 10.0.1.1
[ "$(edge cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || die "the edge namespace forwards packets"

# 2. The API server (test/cluster), the CRDs Traefik's providers watch.
start_cluster
export KUBECTL KUBECONFIG
k() { "$KUBECTL" "$@"; }
stamp "API server up"
TRAEFIK_CRDS="$CRDS/traefik-v$TRAEFIK_VERSION"
GWAPI_CRDS="$CRDS/gateway-api-v1.7.0/standard"
for d in "$TRAEFIK_CRDS" "$GWAPI_CRDS"; do [ -d "$d" ] || die "$d is missing (../shared/crds)"; done
k apply --server-side -f "$TRAEFIK_CRDS/" -f "$GWAPI_CRDS/" >"$S/logs/crds.log" 2>&1 || fail_with_log "CRDs rejected" "$S/logs/crds.log"
k wait --for=condition=Established crd --all --timeout=60s >/dev/null
# Every kind a provider watches must be served at the version it watches, or the provider waits
# for its caches and publishes nothing (read from the Traefik module the binary was built from).
TRAEFIK_SRC="$CACHE/go/mod/github.com/traefik/traefik/v3@v$TRAEFIK_VERSION"
node "$TRAFFIC_DIR/served-kinds.mjs" "$TRAEFIK_SRC" >"$S/logs/served-kinds.log" 2>&1 || fail_with_log "Traefik watches kinds the API server does not serve" "$S/logs/served-kinds.log"
stamp "CRDs established; $(tail -1 "$S/logs/served-kinds.log")"

# 3. The pods.
BACKENDS=(10.244.1.10:3000 10.244.2.10:3000 10.244.2.10:3001 10.244.3.10:3000 10.244.3.11:3000 10.244.4.10:8080)
node "$TRAFFIC_DIR/backend.mjs" "${BACKENDS[@]}" >"$S/logs/backend.log" 2>&1 &
PIDS+=("$!")

# 4. Traefik: the homelab variant's traefik-static.toml (cluster-a) unchanged, plus the harness's
#    additions (the two other providers, the API on 127.0.0.1 for readiness, logs).
cp "$V/dist/homelab-traefik/cluster-a/prod/traefik-static.toml" "$S/traefik.toml"
cat >>"$S/traefik.toml" <<EOF

# ---- added by test/traffic/in-netns.sh ----
[providers.kubernetesGateway]
[providers.kubernetesIngressNGINX]

[entryPoints.traefik]
  address = "127.0.0.1:9000"

[api]
  insecure = true

[global]
  checkNewVersion = false
  sendAnonymousUsage = false

[log]
  level = "INFO"
  noColor = true

[accessLog]
  filePath = "$S/logs/traefik-access.log"
EOF
KUBECONFIG="$KUBECONFIG" "$TRAEFIK_BIN/traefik" --configFile="$S/traefik.toml" >"$S/logs/traefik.log" 2>&1 &
PIDS+=("$!")
# 5. The global L4 nginx: the homelab variant's nginx-stream.conf unchanged (listen 443, upstreams
#    10.0.0.10-12:443), and one nginx per budget case, each a foreground process in a temp prefix.
start_nginx() { # start_nginx NAME CONF PORT
  local d="$S/nginx/$1"
  mkdir -p "$d"
  cp "$2" "$d/stream.conf"
  cat >"$d/nginx.conf" <<EOF
load_module $STREAM_MODULE;
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $S/logs/nginx-$1.log info;
events { worker_connections 256; }
include $d/stream.conf;
EOF
  edge "$NGINX_BIN" -t -q -p "$d" -e "$S/logs/nginx-$1.log" -c "$d/nginx.conf" || fail_with_log "nginx -t refused $2" "$S/logs/nginx-$1.log"
  # nsenter (not the edge function: a function in the background is a subshell whose PID is not
  # nginx's) execs nginx, so $! is the nginx master's PID.
  nsenter --net="/proc/$EDGE_PID/ns/net" -- "$NGINX_BIN" -p "$d" -e "$S/logs/nginx-$1.log" -c "$d/nginx.conf" >"$S/logs/nginx-$1.out" 2>&1 &
  PIDS+=("$!")
  wait_until 10 "nginx $1 on $EDGE_ADDR:$3" bash -c "exec 3<>/dev/tcp/$EDGE_ADDR/$3" || fail_with_log "nginx $1 did not listen" "$S/logs/nginx-$1.log"
}
start_nginx homelab "$V/dist/homelab-traefik/nginx-stream.conf" 443
while read -r name port; do start_nginx "budget-$name" "$V/budget/$name.conf" "$port"; done \
  < <(node -e 'for (const c of require(process.argv[1]).cases) console.log(c.name, c.listenPort)' "$V/budget.json")
stamp "nginx stream proxies up on $EDGE_ADDR"

# 6. Objects (Traefik and nginx start meanwhile): the harness's own (namespaces, classes, Gateway, Porter's Ingress, EndpointSlices),
#    then every object of each variant's applied target, unchanged.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=traffic.test -keyout "$S/tls.key" -out "$S/tls.crt" \
  -addext "subjectAltName=DNS:api.mentra.glass,DNS:global.augmentos.cloud" >/dev/null 2>&1
node "$TRAFFIC_DIR/harness-objects.mjs" "$V" "$S/tls.crt" "$S/tls.key" >"$S/harness-objects.json"
k apply --server-side -f "$S/harness-objects.json" >"$S/logs/apply.log" 2>&1 || fail_with_log "harness objects rejected" "$S/logs/apply.log"
mapfile -t TARGETS < <(node -e 'for (const d of Object.values(require(process.argv[1]))) console.log(d)' "$V/applied.json")
args=()
for t in "${TARGETS[@]}"; do args+=(-f "$V/dist/$t/"); done   # the *.yaml of each folder, not recursive
k apply --server-side "${args[@]}" >>"$S/logs/apply.log" 2>&1 || fail_with_log "variant objects rejected" "$S/logs/apply.log"
stamp "objects applied ($(grep -c . "$S/logs/apply.log") lines of kubectl output)"

# 7. Traefik has routes from all three providers.
wait_until 30 "Traefik /ping" curl -fsS "http://10.0.0.10:80/ping" || fail_with_log "Traefik did not answer /ping" "$S/logs/traefik.log"
wait_until 60 "a Traefik router for every route object" node "$TRAFFIC_DIR/routers-ready.mjs" "$S" \
  || { node "$TRAFFIC_DIR/routers-ready.mjs" "$S" >&2 || true; fail_with_log "Traefik did not route every object" "$S/logs/traefik.log" 60; }
curl -fsS "http://127.0.0.1:9000/api/rawdata" >"$S/traefik-rawdata.json"
stamp "Traefik $("$TRAEFIK_BIN/traefik" version | sed -n "s/^Version: *//p"): $(node "$TRAFFIC_DIR/routers-ready.mjs" "$S")"

# 8. The checks (negative controls first); they print the closing line.
export KUBECTL KUBECONFIG CDK8SRT_TRAFFIC_RESULTS="${CDK8SRT_TRAFFIC_RESULTS:-}"
status=0
node "$TRAFFIC_DIR/checks.mjs" "$S" &
CHECK_PID=$!
PIDS+=("$CHECK_PID")
wait "$CHECK_PID" || status=$?
exit "$status"
