// Migrating from ingress-nginx to Gateway API: the same routes rendered for IngressController.nginx()
// and for gatewayApi({ implementation: envoyGateway() }) enforce the same intents, compared as
// enforced-intent tables (RenderedRouteGroup.enforced), not as strings.
import { Chart, Duration } from 'cdk8s';
import { EnforcedIntent, GatewayImplementation, IngressController, RealtimeService, Route, RouteIntent } from '../lib';
import { chart } from './util';

const ROUTES = () => [
  Route.http('/', { timeout: Duration.seconds(30) }),
  Route.http('/export', { timeout: Duration.seconds(120), connectTimeout: Duration.seconds(5) }),
  Route.websocket('/ws', { idleTimeout: Duration.hours(1) }),
  Route.websocket('/panels', { idleTimeout: Duration.minutes(10) }),
];

/** path -> intent -> seconds, for the intents the controller enforces (status enforced or how). */
function enforcedTable(controller: IngressController): Record<string, Record<string, number | 'not enforced'>> {
  const c: Chart = chart();
  const svc = new RealtimeService(c, 'Svc', {
    name: 'rt', image: 'ghcr.io/example/rt:1.0.0', http: { port: 3000, servicePort: 80 }, websocket: { port: 3001 },
    routes: { controller, hosts: ['rt.example.com'], routes: ROUTES() },
  });
  const table: Record<string, Record<string, number | 'not enforced'>> = {};
  for (const g of svc.routeGroups) {
    for (const r of g.routes) {
      table[r.path] = Object.fromEntries(g.enforced.map((e: EnforcedIntent) => [e.intent, e.status === 'not-enforced' ? 'not enforced' : e.seconds!]));
    }
  }
  return table;
}

const gateway = { name: 'public', namespace: 'envoy-gateway-system' };

describe('migration: ingress-nginx -> Envoy Gateway', () => {
  test('every route keeps its REST timeout, WebSocket idle timeout and connect timeout', () => {
    const nginx = enforcedTable(IngressController.nginx());
    const envoy = enforcedTable(IngressController.gatewayApi({ gateway, implementation: GatewayImplementation.envoyGateway() }));
    expect(nginx).toEqual({
      '/': { 'rest-timeout': 30, 'connect-timeout': 10 },
      '/export': { 'rest-timeout': 120, 'connect-timeout': 5 },
      '/ws': { 'ws-idle-timeout': 3600, 'connect-timeout': 10 },
      '/panels': { 'ws-idle-timeout': 600, 'connect-timeout': 10 },
    });
    expect(envoy).toEqual(nginx);
  });

  test('the comparison catches a migration that loses an intent (negative control: Istio, acknowledged)', () => {
    const nginx = enforcedTable(IngressController.nginx());
    const istio = enforcedTable(IngressController.gatewayApi({ gateway, implementation: GatewayImplementation.istio({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT, RouteIntent.CONNECT_TIMEOUT] }) }));
    expect(istio).not.toEqual(nginx);
    expect(istio['/ws']).toEqual({ 'ws-idle-timeout': 'not enforced', 'connect-timeout': 'not enforced' });
  });
});
