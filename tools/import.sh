#!/usr/bin/env bash
# Regenerates imports/ from the upstream CRDs in ../shared/crds (never hand-edit imports/).
# One binding file per API group: every CRD file of a group is concatenated into one
# multi-document YAML first, because `cdk8s import` overwrites a group's file on each run.
# The groups to import are listed in imports/groups.txt (one API group per line): only the
# groups the code uses, since e.g. the Argo CD Application CRD alone generates ~5,900 lines.
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
while read -r group; do
  case "$group" in ''|'#'*) continue ;; esac
  files=("$crds/$group"_*.yaml)
  [ -e "${files[0]}" ] || { echo "import: no CRD file for group $group in $crds" >&2; exit 1; }
  for f in "${files[@]}"; do cat "$f"; printf '\n---\n'; done > "$tmp/$group.yaml"
  (cd "$root" && npx --no-install cdk8s import "$tmp/$group.yaml" -l typescript -o imports --check-upgrade=false >/dev/null)
  count=$((count + 1))
  echo "imported $group (${#files[@]} CRD files)"
done < "$root/imports/groups.txt"
echo "import: $count group(s) into imports/"
