// S2: Nexus runtime (../shared/seeds/001_48f3a74ca64ecfd9.txt).
// Corrected seed bugs: the NetworkPolicy selects namespaces through the automatic
// `kubernetes.io/metadata.name` label (not a hand-applied `name=` label), DNS egress allows TCP 53
// as well as UDP 53, and the non-existent `nginx.ingress.kubernetes.io/websocket-services`
// annotation is gone (the library refuses it).
import { Duration } from 'cdk8s';
import { AppSpec, IngressController, NamespaceIsolation, OwnedNamespace, Peer, PRIVATE_RANGES, Route, RealtimeService } from '../lib';

export const nexusRuntime: AppSpec = {
  name: 'nexus-runtime',
  source: 'apps/nexus-runtime.ts',
  namespace: 'nexus-runtime',
  define: (chart) => {
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
        controller: IngressController.nginx({ className: 'nginx', namespace: 'ingress-nginx' }),
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
  },
};
