# shellcheck shell=bash
# A throwaway control plane on 127.0.0.1: etcd + kube-apiserver, no controller-manager, no nodes.
# Sourced by run.sh:  start_cluster  (sets KUBECONFIG, KUBECACHEDIR)  ...  stop_cluster
# The caller must `trap stop_cluster EXIT`. Needs lib.sh sourced first, openssl and node.

CLUSTER_STATE=""
CLUSTER_PIDS=()

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.2s.
wait_until() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

# Throwaway PKI: a CA, the serving cert, an admin client cert in system:masters (so RBAC allows
# everything), and the service-account signing key pair the apiserver insists on.
make_pki() {
  local d="$1"
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=cdk8srt-test-ca
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver
    printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1' \
      'extendedKeyUsage=serverAuth' 'keyUsage=critical,digitalSignature,keyEncipherment' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile apiserver.ext
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj /O=system:masters/CN=cdk8srt-admin
    printf '%s\n' 'extendedKeyUsage=clientAuth' 'keyUsage=critical,digitalSignature,keyEncipherment' >client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 -extfile client.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; return 1; }
}

start_cluster() {
  local t0=$SECONDS
  CLUSTER_STATE="$(mktemp -d "${TMPDIR:-/tmp}/cdk8srt-cluster.XXXXXX")"
  local s="$CLUSTER_STATE" etcd_port etcd_peer api_port
  mkdir -p "$s/logs"
  make_pki "$s/pki"
  etcd_port="$(free_port)"; etcd_peer="$(free_port)"; api_port="$(free_port)"

  "$ETCD_BIN/etcd" --name cdk8srt --data-dir "$s/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "cdk8srt=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync --log-level warn >"$s/logs/etcd.log" 2>&1 &
  CLUSTER_PIDS+=("$!")
  wait_until 30 "etcd on 127.0.0.1:$etcd_port" curl -fsS "http://127.0.0.1:$etcd_port/health" \
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
  wait_until 120 "kube-apiserver /readyz on 127.0.0.1:$api_port" \
    curl -fsS --cacert "$p/ca.crt" --cert "$p/admin.crt" --key "$p/admin.key" "https://127.0.0.1:$api_port/readyz" \
    || { tail -n 40 "$s/logs/kube-apiserver.log" >&2; return 1; }

  # If this shell dies without running its EXIT trap (SIGKILL, CI timeout), take the servers down.
  local parent=$$
  ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    kill "${CLUSTER_PIDS[@]}" 2>/dev/null; sleep 2; kill -9 "${CLUSTER_PIDS[@]}" 2>/dev/null
    rm -rf "$s" ) >/dev/null 2>&1 </dev/null &
  CLUSTER_PIDS+=("$!")

  export KUBECONFIG="$s/kubeconfig" KUBECACHEDIR="$s/kube-cache"
  "$KUBECTL" config set-cluster cdk8srt --server="https://127.0.0.1:$api_port" \
    --certificate-authority="$p/ca.crt" --embed-certs=true >/dev/null
  "$KUBECTL" config set-credentials admin --client-certificate="$p/admin.crt" \
    --client-key="$p/admin.key" --embed-certs=true >/dev/null
  "$KUBECTL" config set-context cdk8srt --cluster=cdk8srt --user=admin --namespace=default >/dev/null
  "$KUBECTL" config use-context cdk8srt >/dev/null
  log "kube-apiserver $("$KUBECTL" version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))') + etcd $ETCD_VERSION ready on https://127.0.0.1:$api_port in $((SECONDS - t0))s"
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
