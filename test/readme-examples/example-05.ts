// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart, Duration } from 'cdk8s';
import { Hop, ManagedIngressOverlay, NamespaceIsolation, OwnerTls, Route } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'mentra-cloud', { namespace: 'cloud' });
new NamespaceIsolation(chart, 'Isolation');     // NetworkPolicy default-deny for namespace cloud
new ManagedIngressOverlay(chart, 'WebSocketOverlay', {
  name: 'cloud-prod-cloud-ws',
  owner: { ingressName: 'cloud-prod-cloud', serviceName: 'cloud-prod-cloud', servicePort: 80, paths: ['/'], tls: OwnerTls.porter('cloud', 'prod', 'cloud') },
  hosts: ['api.mentra.glass'],
  routes: ['/glasses-ws', '/app-ws'].map((p) => Route.websocket(p, { heartbeatInterval: Duration.seconds(30) })),
  hops: [Hop.cloudflare(), Hop.azureLoadBalancer()],   // 100 s and 4 min idle: both hold 2 x 30 s
});
