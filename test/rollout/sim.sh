# shellcheck shell=bash
# A simulated cluster: test/cluster's etcd + kube-apiserver (cluster.sh, start_cluster) plus
# kube-controller-manager, kube-scheduler, kwok (fake nodes and a fake kubelet) and the fake
# metrics API (fake-metrics.mjs, registered through the aggregator).
# Sourced after lib.sh and cluster.sh:  start_sim  ...  stop_cluster  (the caller traps it).
# Every process's PID goes into CLUSTER_PIDS, so stop_cluster stops them one by one, by PID.
# Sets KUBECONFIG, SIM_STATE, SIM_API (https://127.0.0.1:PORT), METRICS_VALUES (the JSON file the
# fake metrics API reads on every request).

ROLLOUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SIM_STATE=""

sim_healthz() { curl -fsSk -m 5 "https://127.0.0.1:$1/healthz"; }

# kwok's stand-alone binary has no built-in Stages (kwokctl adds them; without any it exits "no
# stages found"). Node stages and pod-ready come from the kwok module (copied beside the binary by
# build.sh), the termination stages from kwok-stages.yaml. No KwokConfiguration document: one read
# from a file gets no defaults, and kwok exits "node leases parallelism must be greater than 0".
kwok_config() {
  local f
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml; do
    cat "$KWOK_BIN/stage/$f"
    printf -- '---\n'
  done
  cat "$ROLLOUT_DIR/kwok-stages.yaml"
}

# start_sim: start_sim_once, retried if a port it was given was taken (cluster.sh).
start_sim() { retry_on_taken_port start_sim_once "simulated cluster"; }

# Runs where `set -e` does not apply (start_sim tests its status): every step says `|| return 1`.
start_sim_once() {
  local t0=$SECONDS
  start_cluster || return 1
  local s="$CLUSTER_STATE" p="$CLUSTER_STATE/pki" kcm_port sched_port kwok_port metrics_port
  SIM_STATE="$s"
  SIM_API="$("$KUBECTL" config view --minify -o jsonpath='{.clusters[0].cluster.server}')" || return 1
  { read -r kcm_port && read -r sched_port && read -r kwok_port && read -r metrics_port; } < <(free_ports 4) || return 1
  # The components get their own copy of the admin kubeconfig (system:masters), never rewritten.
  cp "$KUBECONFIG" "$s/component.kubeconfig" || return 1
  local kc="$s/component.kubeconfig"

  # The HPA sync period is a cluster setting (AKS and EKS keep the default 15 s); 5 s here makes
  # the measured times closer to what each HPA's own behaviour allows. The "missing content for CA
  # bundle requestheader-client-ca-file" lines in its log are harmless (no --requestheader-* flags).
  "$K8S_CP_BIN/kube-controller-manager" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$s/kcm-certs" \
    --leader-elect=false --controllers='*' \
    --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
    --cluster-signing-cert-file="$p/ca.crt" --cluster-signing-key-file="$p/ca.key" \
    --use-service-account-credentials=false \
    --node-monitor-grace-period=40s \
    --horizontal-pod-autoscaler-sync-period="${ROLLOUT_HPA_SYNC:-5s}" \
    >"$s/logs/kube-controller-manager.log" 2>&1 &
  CLUSTER_PIDS+=("$!"); local kcm_pid=$!
  "$K8S_CP_BIN/kube-scheduler" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" --cert-dir="$s/sched-certs" \
    --leader-elect=false >"$s/logs/kube-scheduler.log" 2>&1 &
  CLUSTER_PIDS+=("$!"); local sched_pid=$!
  kwok_config >"$s/kwok.yaml" || return 1
  "$KWOK_BIN/kwok" --config="$s/kwok.yaml" --kubeconfig="$kc" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=10.0.0.1 \
    --server-address="127.0.0.1:$kwok_port" >"$s/logs/kwok.log" 2>&1 &
  CLUSTER_PIDS+=("$!"); local kwok_pid=$!
  METRICS_VALUES="$s/metrics.json"
  echo '{}' >"$METRICS_VALUES" || return 1
  FAKE_METRICS_PORT="$metrics_port" FAKE_METRICS_VALUES="$METRICS_VALUES" APISERVER="$SIM_API" PKI="$p" \
    node "$ROLLOUT_DIR/fake-metrics.mjs" >"$s/logs/fake-metrics.log" 2>&1 &
  CLUSTER_PIDS+=("$!"); local metrics_pid=$!
  # cluster.sh's watchdog knows only the PIDs started before it: a second one for these four, in
  # case this shell is SIGKILLed and its trap never runs.
  local parent=$$ pids=("${CLUSTER_PIDS[@]: -4}")
  ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done
    kill "${pids[@]}" 2>/dev/null; sleep 2; kill -9 "${pids[@]}" 2>/dev/null ) >/dev/null 2>&1 </dev/null &
  CLUSTER_PIDS+=("$!")

  wait_up "$kcm_pid" 60 "kube-controller-manager /healthz" sim_healthz "$kcm_port" || { tail -n 30 "$s/logs/kube-controller-manager.log" >&2; return 1; }
  wait_up "$sched_pid" 60 "kube-scheduler /healthz" sim_healthz "$sched_port" || { tail -n 30 "$s/logs/kube-scheduler.log" >&2; return 1; }
  wait_up "$kwok_pid" 60 "kwok /healthz" curl -fsS -m 5 "http://127.0.0.1:$kwok_port/healthz" || { tail -n 30 "$s/logs/kwok.log" >&2; return 1; }
  wait_up "$metrics_pid" 30 "fake metrics API" curl -fsSk -m 5 "https://127.0.0.1:$metrics_port/apis" || { tail -n 30 "$s/logs/fake-metrics.log" >&2; return 1; }
  # The APIServices point at an ExternalName Service -> localhost: the aggregator then proxies to
  # https://localhost:PORT (no cluster network needed).
  "$KUBECTL" apply --server-side --field-manager=cdk8s-realtime-rollout -f - >/dev/null <<YAML || return 1
apiVersion: v1
kind: Service
metadata: {name: fake-metrics, namespace: kube-system}
spec: {type: ExternalName, externalName: localhost}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec: {group: metrics.k8s.io, version: v1beta1, service: {namespace: kube-system, name: fake-metrics, port: $metrics_port}, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta2.custom.metrics.k8s.io}
spec: {group: custom.metrics.k8s.io, version: v1beta2, service: {namespace: kube-system, name: fake-metrics, port: $metrics_port}, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 200}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.external.metrics.k8s.io}
spec: {group: external.metrics.k8s.io, version: v1beta1, service: {namespace: kube-system, name: fake-metrics, port: $metrics_port}, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100}
YAML
  # The serviceaccount controller creates default ServiceAccounts once its informers have synced.
  # (curl, not a kubectl process every 0.2 s while the other clusters start.)
  wait_until 60 "ServiceAccount default/default" curl -fsS -m 5 --cacert "$p/ca.crt" --cert "$p/admin.crt" --key "$p/admin.key" \
    "$SIM_API/api/v1/namespaces/default/serviceaccounts/default" || return 1
  all_alive "${CLUSTER_PIDS[@]}" || return 1
  log "simulated cluster (+ kube-controller-manager, kube-scheduler, kwok $KWOK_VERSION, fake metrics) up in $((SECONDS - t0))s"
}
