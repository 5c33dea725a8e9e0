#!/usr/bin/env bash
# Build, once, the binaries the cluster test and the linters need; later runs reuse them.
#   test/cluster/build.sh [cluster|linters|rollout|traffic|all]      (default: all)
#   cluster: etcd + kube-apiserver + kubectl. rollout: cluster + kube-scheduler +
#   kube-controller-manager + kwok (test/rollout). traffic: cluster + Traefik (test/traffic).
#   all: everything.
# Output: $CDK8SRT_CACHE/bin/... (default ~/.cache/cdk8s-realtime). Only Go and the Go module
# proxy are needed. Build logs go to $CACHE/logs/ and are printed only when a build fails.
set -euo pipefail
# shellcheck source=test/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what="${1:-all}"
case "$what" in cluster|linters|rollout|traffic|all) ;; *) die "usage: $0 [cluster|linters|rollout|traffic|all]" ;; esac

mkdir -p "$CACHE/logs"

# step NAME FUNCTION: run FUNCTION in a subshell, quietly; on failure print the end of its log.
step() {
  local name="$1" fn="$2" logf="$CACHE/logs/build-$1.log" t0=$SECONDS
  command -v go >/dev/null || die "building $name needs Go (>= 1.26) on PATH"
  log "building $name into $CACHE/bin (first run only, takes minutes; log: $logf)"
  # Not `if ( ... )`: set -e is switched off inside a condition, and a failed go get would go unseen.
  local rc=0
  set +e
  ( set -euxo pipefail; go_env; STEP="$name"; "$fn" ) >"$logf" 2>&1
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    rm -rf "$CACHE/bin/.tmp.$name."*   # only this step's: another lock's build may be running
    log "FAILED to build $name after $((SECONDS - t0))s; last 80 lines of $logf:"
    tail -n 80 "$logf" >&2
    exit 1
  fi
  log "built $name in $((SECONDS - t0))s"
}

# kube-apiserver and kubectl from k8s.io/kubernetes. `go install k8s.io/kubernetes/...@v` is refused
# because k8s.io/kubernetes replaces its k8s.io/* staging modules with ./staging/src/k8s.io/<name>,
# and replace directives only count in the main module. So: a wrapper module that requires
# k8s.io/kubernetes and replaces every staging module with its published v0.X.Y tag. The list is
# read from the downloaded go.mod (1.36 has 33 of them; it grows between releases).
build_kubernetes() {
  local src="$CACHE/src/kubernetes-v$K8S_VERSION" out
  kubernetes_wrapper_module "$src"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" "k8s.io/kubernetes/cmd/kubectl@v$K8S_VERSION"
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  # Tags as upstream's hack/lib/golang.sh; -o DIR/ writes one binary per main package.
  go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$(kubernetes_ldflags)" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
  "$out/kube-apiserver" --version
  "$out/kubectl" version --client
  rm -rf "$K8S_BIN" && mv "$out" "$K8S_BIN"   # appears complete or not at all
}

# kubernetes_wrapper_module DIR: creates the wrapper module in DIR (fresh) and cds into it.
kubernetes_wrapper_module() {
  local src="$1" staging="v0.${K8S_VERSION#1.}"
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  go mod init local.test/kubernetes-binaries
  local dl kmod
  dl="$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION")" || { echo "$dl"; return 1; }
  kmod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' <<<"$dl")"
  [ -f "$kmod" ] || { echo "could not download k8s.io/kubernetes@v$K8S_VERSION"; return 1; }
  # Lines "k8s.io/X => ./staging/src/k8s.io/X", inside a replace ( ... ) block or single-line.
  local mods
  mods="$(sed -n -E 's#^[[:space:]]*(replace[[:space:]]+)?(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/.*#\2#p' "$kmod")"
  [ -n "$mods" ] || { echo "no staging replaces found in $kmod"; return 1; }
  # Any other replace upstream has would also have to be mirrored: refuse to guess.
  if grep -E '=>' "$kmod" | grep -vqE '=>[[:space:]]+\./staging/'; then
    echo "k8s.io/kubernetes go.mod has non-staging replaces; mirror them in build.sh"; return 1
  fi
  echo "staging modules: $(wc -w <<<"$mods")"
  local m
  for m in $mods; do go mod edit -replace="$m=$m@$staging"; done
  # Keep upstream's GODEBUG defaults: the godebug line only applies in the main module.
  local gd
  gd="$(sed -n -E 's/^godebug[[:space:]]+default=(go[0-9.]+).*/\1/p' "$kmod" | head -1)"
  if [ -n "$gd" ]; then go mod edit -godebug="default=$gd"; fi
}

# Version stamps as hack/lib/version.sh sets them: without them the server reports
# v0.0.0-master+$Format:%H$ and kubectl cannot parse it. No buildDate: keeps the link cacheable.
kubernetes_ldflags() {
  local major="${K8S_VERSION%%.*}" minor ldf="-s -w" p
  minor="$(cut -d. -f2 <<<"$K8S_VERSION")"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  printf '%s' "$ldf"
}

# kube-scheduler and kube-controller-manager for test/rollout: the same wrapper module, build tags
# and ldflags as build_kubernetes (so the packages they share with kube-apiserver come out of the
# same GOCACHE entries), its own source and output directories.
build_control_plane() {
  local src="$CACHE/src/kubernetes-control-plane-v$K8S_VERSION" out
  kubernetes_wrapper_module "$src"
  go get "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION"
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$(kubernetes_ldflags)" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-controller-manager
  "$out/kube-scheduler" --version
  "$out/kube-controller-manager" --version
  rm -rf "$K8S_CP_BIN" && mv "$out" "$K8S_CP_BIN"
}

# kwok (the fake kubelet of test/rollout): sigs.k8s.io/kwok's go.mod has no replace directives, so a
# plain `go install` works. Its version string defaults to the release tag.
build_kwok() {
  local out
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  GOBIN="$out" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  "$out/kwok" --version
  # The stage files kwokctl embeds ship in the module; run.sh builds kwok's config from them.
  local dir
  dir="$(go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
  [ -d "$dir/kustomize/stage" ] || { echo "kwok stages not found in the module cache"; return 1; }
  cp -r "$dir/kustomize/stage" "$out/stage" && chmod -R u+w "$out/stage"
  rm -rf "$KWOK_BIN" && mv "$out" "$KWOK_BIN"
}

# etcd in its own wrapper module: in the kubernetes one, MVS would tie it to k8s' etcd client
# version. `go install go.etcd.io/etcd/server/v3@v` is refused too (server/go.mod has replaces).
# The module root of go.etcd.io/etcd/server/v3 is the etcd main package.
build_etcd() {
  local src="$CACHE/src/etcd-v$ETCD_VERSION" out
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  go mod init local.test/etcd-binary
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
  "$out/etcd" --version
  rm -rf "$ETCD_BIN" && mv "$out" "$ETCD_BIN"
}

# Both are plain `go install`s (no replace directives upstream).
build_linters() {
  local out
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  GOBIN="$out" go install "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION"
  GOBIN="$out" go install "github.com/zegl/kube-score/cmd/kube-score@v$KUBE_SCORE_VERSION"
  rm -rf "$TOOLS_BIN" && mv "$out" "$TOOLS_BIN"
}

# Checkov from PyPI into a virtualenv in the cache (no Go needed). Built beside the final path and
# moved into place, so an interrupted install is never reused; run as `python -m checkov.main`
# (a moved venv's console scripts would carry the temporary path in their shebang).
build_checkov() {
  local tmp="$CHECKOV_VENV.tmp.$$" t0=$SECONDS logf="$CACHE/logs/build-checkov-v$CHECKOV_VERSION.log"
  command -v python3 >/dev/null || die "Checkov needs python3 (>= 3.9) with the venv module on PATH"
  log "installing Checkov $CHECKOV_VERSION from PyPI into $CHECKOV_VENV (first run only, ~1-2 min; log: $logf)"
  rm -rf "$tmp" && mkdir -p "$(dirname "$CHECKOV_VENV")"
  if ! { python3 -m venv "$tmp" && "$tmp/bin/python" -m pip install --disable-pip-version-check --no-input \
      -c "$CLUSTER_DIR/checkov-constraints.txt" "checkov==$CHECKOV_VERSION"; } >"$logf" 2>&1; then
    rm -rf "$tmp"
    log "FAILED to install Checkov after $((SECONDS - t0))s; last 40 lines of $logf:"
    tail -n 40 "$logf" >&2
    exit 1
  fi
  rm -rf "$CHECKOV_VENV" && mv "$tmp" "$CHECKOV_VENV"
  log "installed Checkov $CHECKOV_VERSION in $((SECONDS - t0))s"
}

# Traefik v3 for test/traffic. `go install github.com/traefik/traefik/v3/cmd/traefik@v` is refused
# for the same reason as above (traefik's go.mod has replace directives), so a wrapper module mirrors
# them. Three deviations, forced by what the Go module proxy here serves (found by the spike in
# ../shared/notes/proxy-harness/build-traefik.sh; none touches the HTTP, TCP or Kubernetes code):
#  1. github.com/traefik/traefik/dynamic/ext => ./pkg/config/dynamic/ext is a nested module that is
#     neither in the module zip nor on the proxy: recreated here (upstream it is three empty types).
#  2. github.com/containous/go-http-auth at the pseudo-version traefik pins is refused (403); the
#     older fork pseudo-version Traefik v2 used has the same API (CheckSecret, BasicAuth, DigestAuth),
#     used only by the basicAuth/digestAuth middlewares.
#  3. ~15 DNS-provider SDKs that go-acme/lego/v5/providers/dns imports are refused: lego is replaced
#     by a local copy whose provider registry is a stub, so ACME DNS-01 is not in this binary.
build_traefik() {
  local src="$CACHE/src/traefik-v$TRAEFIK_VERSION" out dl tmod n legov legodir
  rm -rf "$src" && mkdir -p "$src/ext" && cd "$src"
  printf '%s\n' 'module github.com/traefik/traefik/dynamic/ext' '' 'go 1.24.0' >ext/go.mod
  cat >ext/ext.go <<'X'
package ext

// HTTP is a dynamic.HTTP extension.
type HTTP struct{}

// Router is a dynamic.Router extension.
type Router struct{}

// RouterIng is a RouterIng extension for ingress provider annotations.
type RouterIng struct{}

// ToRouter converts RouterIng to a Router.
func (r RouterIng) ToRouter() Router { return Router{} }
X
  go mod init local.test/traefik-binary
  dl="$(go mod download -json "github.com/traefik/traefik/v3@v$TRAEFIK_VERSION")" || { echo "$dl"; return 1; }
  tmod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' <<<"$dl")"
  [ -f "$tmod" ] || { echo "could not download traefik v$TRAEFIK_VERSION"; return 1; }
  # Upstream's replace list must still be exactly these three: refuse to guess otherwise.
  n="$(grep -cE '=>' "$tmod")"
  [ "$n" = 3 ] || { echo "traefik go.mod has $n replaces now; mirror them in build.sh"; return 1; }
  go mod edit -go="$(sed -n 's/^go //p' "$tmod")"
  go mod edit -replace=github.com/traefik/traefik/dynamic/ext=./ext \
    -replace=github.com/abbot/go-http-auth=github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e \
    -replace=github.com/gorilla/mux="$(sed -n -E 's#^[[:space:]]*github.com/gorilla/mux => (github.com/containous/mux) (v[^[:space:]]+).*#\1@\2#p' "$tmod")" \
    -exclude=github.com/tencentcloud/tencentcloud-sdk-go@v3.0.83+incompatible
  go get "github.com/traefik/traefik/v3@v$TRAEFIK_VERSION"
  # go build -overlay refuses files under GOMODCACHE, so the lego stub has to be a local replace.
  legov="$(go list -m -f '{{.Version}}' github.com/go-acme/lego/v5)"
  legodir="$(go mod download -json "github.com/go-acme/lego/v5@$legov" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
  [ -d "$legodir" ] || { echo "could not download lego $legov"; return 1; }
  cp -r "$legodir" lego && chmod -R u+w lego
  rm -rf lego/cmd lego/e2e lego/main.go lego/providers/dns/*/ lego/providers/dns/*_test.go
  cat >lego/providers/dns/zz_gen_dns_providers.go <<'X'
// Stub for cdk8s-realtime's test/traffic build: the DNS-provider SDKs are not on this Go proxy.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
)

func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	return nil, fmt.Errorf("ACME DNS provider %q is not compiled into this build", name)
}
X
  go mod edit -replace=github.com/go-acme/lego/v5=./lego
  out="$(mktemp -d "$CACHE/bin/.tmp.$STEP.XXXXXX")" && chmod 755 "$out"
  nice -n 10 go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    -o "$out/traefik" github.com/traefik/traefik/v3/cmd/traefik
  "$out/traefik" version
  rm -rf "$TRAEFIK_BIN" && mv "$out" "$TRAEFIK_BIN"
}

have() { local f; for f in "$@"; do [ -x "$f" ] || return 1; done; }
mkdir -p "$CACHE/bin"
# kwok shares almost no packages with Kubernetes' own binaries, so it builds under its own lock and
# need not wait for a kube-apiserver build that holds the main one (2 cores: it barely helps).
if [ "$what" = rollout ] || [ "$what" = all ]; then
  ( exec 8>"$CACHE/.build-kwok.lock"; flock 8; have "$KWOK_BIN/kwok" || step "kwok-v$KWOK_VERSION" build_kwok )
fi
# Traefik shares no output with the others (only the Go caches, which are safe to share): its own
# lock too, so it can build while kube-apiserver does.
if [ "$what" = traffic ] || [ "$what" = all ]; then
  ( exec 7>"$CACHE/.build-traefik.lock"; flock 7; have "$TRAEFIK_BIN/traefik" || step "traefik-v$TRAEFIK_VERSION" build_traefik )
fi
# Two runs at once (e.g. test:cluster and lint:dist in parallel): the second waits, then reuses.
exec 9>"$CACHE/.build.lock"
flock 9
if [ "$what" != linters ]; then
  have "$K8S_BIN/kube-apiserver" "$K8S_BIN/kubectl" || step "kubernetes-v$K8S_VERSION" build_kubernetes
  have "$ETCD_BIN/etcd" || step "etcd-v$ETCD_VERSION" build_etcd
fi
if [ "$what" = rollout ] || [ "$what" = all ]; then
  # After kube-apiserver: most of the packages are then already in GOCACHE.
  have "$K8S_CP_BIN/kube-scheduler" "$K8S_CP_BIN/kube-controller-manager" || step "kubernetes-control-plane-v$K8S_VERSION" build_control_plane
fi
if [ "$what" = linters ] || [ "$what" = all ]; then
  have "$TOOLS_BIN/kubeconform" "$TOOLS_BIN/kube-score" || step linters build_linters
  "$CHECKOV_PYTHON" -c 'import checkov' 2>/dev/null || build_checkov
fi
