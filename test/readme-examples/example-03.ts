// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart, Duration } from 'cdk8s';
import { IngressController, LoadBalancerPreset, RealtimeService, Route, UdpRouting } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'nexus-runtime', { namespace: 'nexus-runtime' });
new RealtimeService(chart, 'Runtime', {
  name: 'nexus-runtime',                       // object names and the selector; never the construct path
  image: 'ghcr.io/nexus/runtime:1.8.2',        // pinned: `latest` and untagged images are refused
  http: { port: 3000, servicePort: 80 },
  websocket: { port: 3001 },
  udp: { port: 7777, preset: LoadBalancerPreset.aks(), routing: UdpRouting.clientIpAffinity() },
  replicas: 2,
  routes: {
    controller: IngressController.nginx(),
    hosts: ['nexus-runtime.example.com'],
    routes: [Route.http('/'), Route.websocket('/panels', { idleTimeout: Duration.hours(1) })],
  },
});
