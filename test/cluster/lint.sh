#!/usr/bin/env bash
# npm run lint:dist -- static linters over dist/ (kubeconform strict, kube-score, Checkov), with an
# allowlist. The first run builds the Go linters with `go install`, installs Checkov from PyPI into
# a virtualenv in the cache, and generates kubeconform's JSON schemas from ../shared/schemas and
# ../shared/crds into the cache. See README.md.
set -euo pipefail
# shellcheck source=test/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v node >/dev/null || die "node is required"
"$CLUSTER_DIR/build.sh" linters
export CDK8SRT_CACHE="$CACHE" CDK8SRT_DIST="$DIST" CDK8SRT_CRDS="$CRDS" CDK8SRT_SCHEMAS="$SCHEMAS"
export KUBECONFORM="$TOOLS_BIN/kubeconform" KUBE_SCORE="$TOOLS_BIN/kube-score" CHECKOV_PYTHON CHECKOV_VERSION
exec node "$CLUSTER_DIR/lint.mjs"
