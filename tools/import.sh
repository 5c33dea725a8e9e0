#!/usr/bin/env bash
# Regenerates imports/ from the upstream CRDs in ../shared/crds (never hand-edit imports/).
# One binding file per API group: every CRD file of a group is concatenated into one
# multi-document YAML first, because `cdk8s import` overwrites a group's file on each run.
# The groups to import are listed in imports/groups.txt: only the groups the code uses, since e.g.
# the Argo CD Application CRD alone generates ~5,900 lines. A line is either an API group (every
# top-level `<group>_*.yaml` in the CRD folder) or a group followed by the CRD files to take, relative
# to the CRD folder (versioned folders such as gateway-api-v1.7.0/standard/, policy kinds only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
crds="${CDK8SRT_CRDS:-$root/../shared/crds}"
[ -d "$crds" ] || { echo "import: CRD folder $crds not found (set CDK8SRT_CRDS)" >&2; exit 1; }
tmp="$(mktemp -d)"
# `cdk8s import` records each import in cdk8s.yaml; ours is generated from groups.txt instead,
# so keep cdk8s.yaml as committed.
cp "$root/cdk8s.yaml" "$tmp/cdk8s.yaml.keep"
trap 'cp "$tmp/cdk8s.yaml.keep" "$root/cdk8s.yaml"; rm -rf "$tmp"' EXIT
count=0
while read -r group picks; do
  case "$group" in ''|'#'*) continue ;; esac
  if [ -n "$picks" ]; then
    files=()
    for p in $picks; do files+=("$crds/$p"); done
  else
    files=("$crds/$group"_*.yaml)
  fi
  for f in "${files[@]}"; do [ -e "$f" ] || { echo "import: $f not found" >&2; exit 1; }; done
  [ -e "${files[0]}" ] || { echo "import: no CRD file for group $group in $crds" >&2; exit 1; }
  for f in "${files[@]}"; do cat "$f"; printf '\n---\n'; done > "$tmp/$group.yaml"
  (cd "$root" && npx --no-install cdk8s import "$tmp/$group.yaml" -l typescript -o imports --check-upgrade=false >/dev/null)
  count=$((count + 1))
  echo "imported $group (${#files[@]} CRD files)"
done < "$root/imports/groups.txt"
echo "import: $count group(s) into imports/"
