// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart, Duration } from 'cdk8s';
import { ManagedIngressOverlay, OwnerTls, Route } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'mentra-cloud', { namespace: 'default' });
new ManagedIngressOverlay(chart, 'WebSocketOverlay', {
  name: 'cloud-debug-cloud-ws',
  owner: {
    ingressName: 'cloud-debug-cloud',          // Porter's; the overlay may not take its name
    serviceName: 'cloud-debug-cloud',          // referenced, never emitted
    servicePort: 80,
    paths: ['/'],                              // paths the owner serves are refused
    tls: OwnerTls.porter('cloud', 'debug', 'cloud'),
  },
  hosts: ['debug.augmentos.cloud', 'debugapi.mentra.glass'],
  routes: ['/glasses-ws', '/app-ws'].map((p) => Route.websocket(p, { connectTimeout: Duration.seconds(60) })),
});
