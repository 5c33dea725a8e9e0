# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are for the scripts that source this file
# Shared settings for test/cluster/*.sh. Sourced, never run.
# Everything heavy lives in an out-of-repo cache so a fresh clone on the same machine reuses it.

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$CLUSTER_DIR/../.." && pwd)"

CACHE="${CDK8SRT_CACHE:-${HOME:-/tmp}/.cache/cdk8s-realtime}"
DIST="${CDK8SRT_DIST:-$REPO/dist}"
CRDS="${CDK8SRT_CRDS:-$REPO/../shared/crds}"
SCHEMAS="${CDK8SRT_SCHEMAS:-$REPO/../shared/schemas/k8s}"

# Pinned versions. Changing one builds a new binary beside the old (the path carries the version).
K8S_VERSION="${CDK8SRT_K8S_VERSION:-1.36.3}"      # k8s.io/kubernetes; staging modules v0.36.3
ETCD_VERSION="${CDK8SRT_ETCD_VERSION:-3.6.8}"     # envtest's pairing for Kubernetes 1.36
KWOK_VERSION="${CDK8SRT_KWOK_VERSION:-0.8.0}"     # sigs.k8s.io/kwok, the fake kubelet of test/rollout
KUBECONFORM_VERSION=0.8.0
KUBE_SCORE_VERSION=1.20.0
# Checkov from PyPI into a virtualenv, every dependency pinned by checkov-constraints.txt.
CHECKOV_VERSION=3.3.30
TRAEFIK_VERSION="${CDK8SRT_TRAEFIK_VERSION:-3.7.13}"  # github.com/traefik/traefik/v3, for test/traffic
# kube-linter is not buildable here: its module path golang.stackrox.io/kube-linter is not on the
# Go module proxy's host allowlist, and github.com/stackrox/kube-linter is not served. See README.md.

K8S_BIN="$CACHE/bin/kubernetes-v$K8S_VERSION"
K8S_CP_BIN="$CACHE/bin/kubernetes-control-plane-v$K8S_VERSION"   # kube-scheduler, kube-controller-manager
ETCD_BIN="$CACHE/bin/etcd-v$ETCD_VERSION"
KWOK_BIN="$CACHE/bin/kwok-v$KWOK_VERSION"
TOOLS_BIN="$CACHE/bin/linters-kubeconform-v$KUBECONFORM_VERSION-kube-score-v$KUBE_SCORE_VERSION"
KUBECTL="$K8S_BIN/kubectl"
CHECKOV_VENV="$CACHE/venv/checkov-$CHECKOV_VERSION"
CHECKOV_PYTHON="$CHECKOV_VENV/bin/python"
TRAEFIK_BIN="$CACHE/bin/traefik-v$TRAEFIK_VERSION"

# Go: self-contained in the cache, never downloads a toolchain, module cache deletable with rm -rf.
go_env() {
  export GOTOOLCHAIN=local CGO_ENABLED=0
  export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOPATH="$CACHE/go/path"
  export GOFLAGS="-mod=mod -modcacherw -buildvcs=false"
}

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
