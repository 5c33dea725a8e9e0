// Where CRDs come from, shared by apply-check.mjs (what test:cluster installs) and
// kubeconform-schemas.mjs (what lint:dist validates against), so both see the same CRD versions.

/**
 * The folders of ../shared/crds, most preferred first: Gateway API v1.7.0's experimental channel
 * (UDPRoute served as v1 and v1alpha2) and standard channel, the Gateway implementations' policy
 * CRDs (kgateway's Helm-rendered TrafficPolicy), Traefik v3.7.13, then the older top-level files.
 * Files elsewhere are never used.
 */
export const CRD_SOURCES = [
  'gateway-api-v1.7.0/experimental/gateway.networking.k8s.io_udproutes.yaml',
  'gateway-api-v1.7.0/standard/',
  'envoy-gateway-v1.9.1/',
  'nginx-gateway-fabric-v2.6.7/',
  'kgateway-v2.4.2/helm-rendered/',
  'kgateway-v2.4.2/',
  'gke-gateway-2026-04-29/',
  'traefik-v3.7.13/traefik.io_',
  '', // top level
];

/** The preference of a CRD file (a path relative to the CRD folder): 0 is best; undefined if never used. */
export function crdRank(rel) {
  const i = CRD_SOURCES.findIndex((src) => (src === '' ? !rel.includes('/') : rel.startsWith(src)));
  return i === -1 ? undefined : i;
}
