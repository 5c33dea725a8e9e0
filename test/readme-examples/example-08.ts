// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart, Duration } from 'cdk8s';
import { GatewayImplementation, IngressController, ManagedRouteOverlay, RealtimeService, Route } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'game', { namespace: 'game' });
const envoy = IngressController.gatewayApi({
  gateway: { name: 'public', namespace: 'envoy-gateway-system', sectionName: 'https' },
  implementation: GatewayImplementation.envoyGateway(),
});
new RealtimeService(chart, 'Game', {
  name: 'game',
  image: 'ghcr.io/acme/game:1.0.0',
  http: { port: 8080 },
  websocket: { port: 8081 },
  routes: {
    controller: envoy, // HTTPRoutes plus a BackendTrafficPolicy (streamIdleTimeout 3600s) for /ws
    hosts: ['game.example.com'],
    routes: [Route.http('/api', { timeout: Duration.seconds(30) }), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })],
  },
});
// The platform team owns HTTPRoute "portal" (path "/") on the same Gateway: add /portal-ws beside it.
new ManagedRouteOverlay(chart, 'PortalWs', {
  name: 'portal-ws',
  owner: { routeName: 'portal', serviceName: 'portal', servicePort: 80 },
  hosts: ['portal.example.com'],
  routes: [Route.websocket('/portal-ws', { idleTimeout: Duration.minutes(30) })],
  controller: envoy,
});
