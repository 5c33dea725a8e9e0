# shellcheck shell=bash
# A throwaway control plane on 127.0.0.1: etcd + kube-apiserver, no controller-manager, no nodes.
# Sourced by run.sh:  start_cluster  (sets KUBECONFIG, KUBECACHEDIR)  ...  stop_cluster
# The caller must `trap stop_cluster EXIT`. Needs lib.sh sourced first, openssl and node.

CLUSTER_STATE=""
CLUSTER_PIDS=()

free_port() { free_ports 1; }
# free_ports N: N distinct free ports on 127.0.0.1, one per line (one node process for all of them).
# Picked at random below the kernel's ephemeral range (ip_local_port_range), so no outgoing
# connection's local port takes one between here and the server's bind; and reserved, under a lock,
# for 2 minutes in $TMPDIR/cdk8srt-ports.reserved, so clusters starting at once (test:rollout's, or
# another test's) never get the same port. Anything else that takes one: start_cluster and
# start_sim start again.
free_ports() {
  local reg="${TMPDIR:-/tmp}/cdk8srt-ports.reserved"
  (
    flock -w 30 9 || exit 1
    node -e 'const fs=require("fs"),net=require("net"),n=+process.argv[1],reg=process.argv[2],now=Date.now(),ss=[];
      let lo=32768; try { lo=+fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range","utf8").trim().split(/\s+/)[0] || lo; } catch {}
      const min=lo>16384?10000:1024, span=Math.max(1,lo-min);
      let kept=[]; try { kept=fs.readFileSync(reg,"utf8").split("\n").map((l)=>l.split(" ").map(Number)).filter(([t,p])=>p&&now-t<120000); } catch {}
      const taken=new Set(kept.map(([,p])=>p));
      const next=()=>{if(ss.length===n){const ports=ss.map((s)=>s.address().port);for(const s of ss)s.close();
          fs.writeFileSync(reg,[...kept,...ports.map((p)=>[now,p])].map((x)=>x.join(" ")).join("\n")+"\n");console.log(ports.join("\n"));return}
        const port=min+Math.floor(Math.random()*span); if(taken.has(port)) return setImmediate(next);
        const s=net.createServer();s.once("error",()=>setImmediate(next));s.once("listening",()=>{ss.push(s);taken.add(port);next()});
        s.listen(port,"127.0.0.1")};next()' "$1" "$reg"
  ) 9>"$reg.lock"
}

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.2s.
wait_until() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

# wait_up PID SECONDS DESCRIPTION COMMAND...: wait_until, but fail at once once PID has exited
# (a server that could not start is not waited for until the timeout).
wait_up() {
  local pid="$1" deadline=$((SECONDS + $2)) what="$3"; shift 3
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { log "$what: the process exited"; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

# all_alive PID...: every one still runs. Checked once a cluster is up: a server that lost its port
# to another process exits, and the probe that passed may have reached that other process.
all_alive() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null || { log "PID $pid ($(ps -o comm= -p "$pid" 2>/dev/null || echo gone)) exited during start-up"; return 1; }; done
}

# port_taken DIR: a server whose log is in DIR found its port taken (after free_ports chose it).
port_taken() { grep -qs 'address already in use' "$1"/*.log; }

# Throwaway PKI: a CA, the serving cert, an admin client cert in system:masters (so RBAC allows
# everything), and the service-account signing key pair the apiserver insists on. ECDSA P-256 keys:
# RSA-2048 key generation was 1.3 s of CPU per cluster, a tenth of test:rollout's start-up CPU.
make_pki() {
  local d="$1"
  mkdir -p "$d"
  (
    cd "$d"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj /CN=cdk8srt-test-ca
    openssl req "${ec[@]}" -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver
    printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1' \
      'extendedKeyUsage=serverAuth' 'keyUsage=critical,digitalSignature' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile apiserver.ext
    openssl req "${ec[@]}" -keyout admin.key -out admin.csr -subj /O=system:masters/CN=cdk8srt-admin
    printf '%s\n' 'extendedKeyUsage=clientAuth' 'keyUsage=critical,digitalSignature' >client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 -extfile client.ext
    openssl ecparam -name prime256v1 -genkey -noout -out sa.key
    openssl ec -in sa.key -pubout -out sa.pub
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; return 1; }
}

# retry_on_taken_port FN WHAT: runs FN, and again (up to 3 times) if a port it was given was taken
# before its server bound it (stopping what the failed attempt started). test/rollout/sim.sh uses it too.
retry_on_taken_port() {
  local attempt
  for attempt in 1 2 3; do
    "$1" && return 0
    [ "$attempt" -lt 3 ] && [ -n "$CLUSTER_STATE" ] && port_taken "$CLUSTER_STATE/logs" || return 1
    log "a port was taken before its server bound it; starting the $2 again"
    stop_cluster
  done
}

# start_cluster: start_cluster_once, retried if a port it was given was taken.
start_cluster() { retry_on_taken_port start_cluster_once cluster; }

# Runs where `set -e` does not apply (start_cluster tests its status): every step says `|| return 1`.
start_cluster_once() {
  local t0=$SECONDS
  CLUSTER_STATE="$(mktemp -d "${TMPDIR:-/tmp}/cdk8srt-cluster.XXXXXX")" || return 1
  local s="$CLUSTER_STATE" etcd_port etcd_peer api_port
  mkdir -p "$s/logs" || return 1
  make_pki "$s/pki" || return 1
  { read -r etcd_port && read -r etcd_peer && read -r api_port; } < <(free_ports 3) || return 1

  "$ETCD_BIN/etcd" --name cdk8srt --data-dir "$s/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "cdk8srt=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync --log-level warn >"$s/logs/etcd.log" 2>&1 &
  CLUSTER_PIDS+=("$!")
  wait_up "$!" 30 "etcd on 127.0.0.1:$etcd_port" curl -fsS -m 5 "http://127.0.0.1:$etcd_port/health" \
    || { tail -n 30 "$s/logs/etcd.log" >&2; return 1; }

  # Flags modelled on controller-runtime's envtest. Admission: every default plugin except
  # ServiceAccount (nothing creates the `default` ServiceAccount without a controller-manager).
  # PodSecurity, LimitRanger, ResourceQuota, DefaultIngressClass, ValidatingAdmissionPolicy ... stay on.
  local p="$s/pki"
  "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --cert-dir="$p" --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
    --client-ca-file="$p/ca.crt" \
    --service-account-issuer="https://127.0.0.1:$api_port" \
    --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
    --service-cluster-ip-range=10.96.0.0/12 \
    --authorization-mode=RBAC --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount \
    --endpoint-reconciler-type=none --profiling=false \
    >"$s/logs/kube-apiserver.log" 2>&1 &
  CLUSTER_PIDS+=("$!")
  wait_up "$!" 120 "kube-apiserver /readyz on 127.0.0.1:$api_port" \
    curl -fsS -m 5 --cacert "$p/ca.crt" --cert "$p/admin.crt" --key "$p/admin.key" "https://127.0.0.1:$api_port/readyz" \
    || { tail -n 40 "$s/logs/kube-apiserver.log" >&2; return 1; }
  all_alive "${CLUSTER_PIDS[@]}" || return 1

  # If this shell dies without running its EXIT trap (SIGKILL, CI timeout), take the servers down.
  local parent=$$
  ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    kill "${CLUSTER_PIDS[@]}" 2>/dev/null; sleep 2; kill -9 "${CLUSTER_PIDS[@]}" 2>/dev/null
    rm -rf "$s" ) >/dev/null 2>&1 </dev/null &
  CLUSTER_PIDS+=("$!")

  export KUBECONFIG="$s/kubeconfig" KUBECACHEDIR="$s/kube-cache"
  "$KUBECTL" config set-cluster cdk8srt --server="https://127.0.0.1:$api_port" \
    --certificate-authority="$p/ca.crt" --embed-certs=true >/dev/null || return 1
  "$KUBECTL" config set-credentials admin --client-certificate="$p/admin.crt" \
    --client-key="$p/admin.key" --embed-certs=true >/dev/null || return 1
  "$KUBECTL" config set-context cdk8srt --cluster=cdk8srt --user=admin --namespace=default >/dev/null || return 1
  "$KUBECTL" config use-context cdk8srt >/dev/null || return 1
  local version
  version="$(curl -fsS -m 10 --cacert "$p/ca.crt" --cert "$p/admin.crt" --key "$p/admin.key" "https://127.0.0.1:$api_port/version" \
    | sed -nE 's/^ *"gitVersion": *"([^"]*)".*/\1/p')" || return 1
  log "kube-apiserver $version + etcd $ETCD_VERSION ready on https://127.0.0.1:$api_port in $((SECONDS - t0))s"
}

# Idempotent; safe to call from a trap at any point of start_cluster.
stop_cluster() {
  local pid i
  [ "${#CLUSTER_PIDS[@]}" -gt 0 ] || { [ -z "$CLUSTER_STATE" ] || rm -rf "$CLUSTER_STATE"; return 0; }
  # One at a time, in reverse: watchdog, apiserver, etcd (an apiserver whose etcd is already gone
  # spends its shutdown retrying). Nothing here is worth a graceful exit: KILL after 3 s.
  for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${CLUSTER_PIDS[i]}"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  CLUSTER_PIDS=()
  if [ "${CDK8SRT_KEEP_STATE:-0}" = 1 ]; then log "cluster state kept in $CLUSTER_STATE"
  else rm -rf "$CLUSTER_STATE"; fi
  CLUSTER_STATE=""
}
