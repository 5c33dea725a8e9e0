module local.test/yaml-decoder

go 1.26.0

// The versions Kubernetes 1.36.3 builds kubectl with (k8s.io/kubernetes@v1.36.3 go.mod; build.sh
// checks them against it).
require (
	go.yaml.in/yaml/v2 v2.4.3 // indirect
	k8s.io/apimachinery v0.36.3
	sigs.k8s.io/yaml v1.6.0 // indirect
)

require sigs.k8s.io/json v0.0.0-20250730193827-2d320260d730 // indirect
