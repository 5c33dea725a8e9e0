// S2: Nexus runtime (../shared/seeds/001_48f3a74ca64ecfd9.txt).
// Corrected seed bugs: the NetworkPolicy selects namespaces through the automatic
// `kubernetes.io/metadata.name` label (not a hand-applied `name=` label), DNS egress allows TCP 53
// as well as UDP 53, and the non-existent `nginx.ingress.kubernetes.io/websocket-services`
// annotation is gone (the library refuses it).
//
// A second cluster (dist/nexus-runtime-gateway/, assumed, not in the seed) runs the same service
// behind Envoy Gateway instead of the retired ingress-nginx: the same routes, rendered as HTTPRoutes
// attached to the platform's Gateway `public` in `envoy-gateway-system` (owned by the platform
// team, never emitted here) with a BackendTrafficPolicy per HTTPRoute: `streamIdleTimeout` 3600 s
// for /panels (without it Envoy Gateway's `request: 0s` would hold quiet and half-open WebSockets
// forever) and the connect timeout. test/migration.test.ts proves both clusters enforce the same
// intents.
import { Chart, Duration } from 'cdk8s';
import { AppSpec, GatewayImplementation, IngressController, NamespaceIsolation, OwnedNamespace, Peer, PRIVATE_RANGES, Route, RealtimeService } from '../lib';

/** The runtime, for a given ingress controller (ingress-nginx on the seed's cluster, Envoy Gateway on the second). */
function defineRuntime(chart: Chart, controller: IngressController): void {
  // The namespace belongs to the runtime alone: its Namespace object (Pod Security "restricted"),
  // and deny everything by default (`default-deny`);
  // the service's own NetworkPolicy below is the explicit allow.
  new OwnedNamespace(chart, 'Namespace');
  new NamespaceIsolation(chart, 'Isolation');
  new RealtimeService(chart, 'Runtime', {
    name: 'nexus-runtime',
    image: 'ghcr.io/nexus/runtime:1.8.2',
    http: { port: 3000, servicePort: 80 },
    websocket: { port: 3001, servicePort: 3001 },
    replicas: 2,
    probes: {
      path: '/health',
      // The seed probes /health for liveness too (lint allowlist: pod-probes-identical).
      liveness: { path: '/health', initialDelay: Duration.seconds(10), period: Duration.seconds(30), timeout: Duration.seconds(5), failureThreshold: 3 },
      readiness: { initialDelay: Duration.seconds(5), period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 },
    },
    routes: {
      controller,
      hosts: ['nexus-runtime.example.com'],
      routes: [
        Route.http('/', { port: 'http' }),
        Route.websocket('/panels', { port: 'websocket', idleTimeout: Duration.seconds(3600) }),
      ],
    },
    networkPolicy: {
      // Prometheus scrapes metrics on the HTTP port (3000).
      allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }],
      // Outbound HTTP(S) to the internet, never to private ranges.
      allowTo: [{ peers: [Peer.cidr('0.0.0.0/0', [...PRIVATE_RANGES])], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }],
    },
  });
}

export const nexusRuntime: AppSpec = {
  name: 'nexus-runtime',
  source: 'apps/nexus-runtime.ts',
  namespace: 'nexus-runtime',
  define: (chart) => defineRuntime(chart, IngressController.nginx({ className: 'nginx', namespace: 'ingress-nginx' })),
};

/** The same runtime on a cluster whose platform runs Envoy Gateway (Gateway API). */
export const nexusRuntimeGateway: AppSpec = {
  name: 'nexus-runtime-gateway',
  source: 'apps/nexus-runtime.ts',
  namespace: 'nexus-runtime',
  define: (chart) => defineRuntime(chart, IngressController.gatewayApi({
    gateway: { name: 'public', namespace: 'envoy-gateway-system', sectionName: 'https' },
    implementation: GatewayImplementation.envoyGateway(),
  })),
};
