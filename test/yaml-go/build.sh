#!/usr/bin/env bash
# Builds, once, the YAML decoder that test/yaml-go/roundtrip.ts runs: kubectl's reading path
# (k8s.io/apimachinery util/yaml -> sigs.k8s.io/yaml -> go.yaml.in/yaml/v2) at the versions
# Kubernetes 1.36.3 pins. Same Go toolchain settings and module cache as test/cluster/build.sh;
# the binary is cached under $CACHE/bin by a hash of go.mod, go.sum and main.go and rebuilt only
# when they change. Prints the binary's path on stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=test/cluster/lib.sh
source "$here/../cluster/lib.sh"

hash="$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-12)"
bin_dir="$CACHE/bin/yaml-decoder-k8s-v$K8S_VERSION-$hash"
bin="$bin_dir/yaml-decoder"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || die "building the YAML decoder needs Go (>= 1.26) on PATH"
mkdir -p "$CACHE/logs" "$CACHE/bin"
exec 9>"$CACHE/.yaml-decoder.lock"
flock 9
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
logf="$CACHE/logs/build-yaml-decoder.log"
t0=$SECONDS
log "building the YAML decoder into $bin_dir (first run only; log: $logf)"
build() {
  set -euxo pipefail
  go_env
  # The module versions must be the ones k8s.io/kubernetes@v$K8S_VERSION requires (only its go.mod
  # is fetched): the staging module k8s.io/apimachinery is v0.X.Y of the same release.
  local kmod want got m
  kmod="$(go list -m -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  [ -f "$kmod" ] || { echo "could not fetch the go.mod of k8s.io/kubernetes@v$K8S_VERSION"; return 1; }
  for m in go.yaml.in/yaml/v2 sigs.k8s.io/yaml sigs.k8s.io/json; do
    want="$(awk -v m="$m" '$1 == m { print $2; exit }' "$kmod")"
    got="$(awk -v m="$m" '($1 == m || ($1 == "require" && $2 == m)) { print ($1 == "require" ? $3 : $2); exit }' "$here/go.mod")"
    [ -n "$want" ] && [ "$want" = "$got" ] || { echo "$m: test/yaml-go/go.mod has '$got', Kubernetes $K8S_VERSION pins '$want'"; return 1; }
  done
  got="$(awk '$1 == "k8s.io/apimachinery" { print $2; exit }' "$here/go.mod")"
  [ "$got" = "v0.${K8S_VERSION#1.}" ] || { echo "k8s.io/apimachinery: go.mod has '$got', want v0.${K8S_VERSION#1.}"; return 1; }
  local out
  out="$(mktemp -d "$CACHE/bin/.tmp.XXXXXX")" && chmod 755 "$out"
  (cd "$here" && GOFLAGS="-mod=readonly -modcacherw -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$out/yaml-decoder" .)
  rm -rf "$bin_dir" && mv "$out" "$bin_dir"
}
rc=0
set +e
( build ) >"$logf" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  rm -rf "$CACHE/bin/.tmp."*
  log "FAILED to build the YAML decoder after $((SECONDS - t0))s; last 40 lines of $logf:"
  tail -n 40 "$logf" >&2
  exit 1
fi
log "built the YAML decoder in $((SECONDS - t0))s"
echo "$bin"
