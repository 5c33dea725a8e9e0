// ManagedRouteOverlay: WebSocket paths with their own policies beside an HTTPRoute someone else owns,
// on the owner's Gateway listener, never with ownership metadata, winning Gateway API precedence.
import { Duration } from 'cdk8s';
import { GatewayImplementation, IngressController, ManagedRouteOverlay, PathMatch, Route, RouteIntent, checkObject } from '../lib';
import { chart, errorOf, find, objects, yaml } from './util';

const GATEWAY = { name: 'public', namespace: 'gateways', sectionName: 'https' };
const EG = () => IngressController.gatewayApi({ gateway: GATEWAY, implementation: GatewayImplementation.envoyGateway() });
const OWNER = { routeName: 'cloud', serviceName: 'cloud', servicePort: 80 };

function overlay(routes: Route[], extra: Partial<ConstructorParameters<typeof ManagedRouteOverlay>[2]> = {}) {
  const c = chart();
  const o = new ManagedRouteOverlay(c, 'Overlay', { name: 'cloud-ws', owner: OWNER, hosts: ['api.example.com'], routes, controller: EG(), ...extra });
  return { c, o };
}

describe('ManagedRouteOverlay', () => {
  test('an HTTPRoute on the owner\'s listener with the WebSocket path, and a BackendTrafficPolicy targeting only it', () => {
    const { c } = overlay([Route.websocket('/app-ws', { idleTimeout: Duration.hours(1) })]);
    const hr = find(c, 'HTTPRoute', 'cloud-ws');
    expect(hr.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...GATEWAY }]);
    expect(hr.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/app-ws' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'cloud', port: 80 }],
      timeouts: { request: '0s', backendRequest: '0s' },
    }]);
    expect(find(c, 'BackendTrafficPolicy', 'cloud-ws').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'cloud-ws' }],
      timeout: { tcp: { connectTimeout: '10s' }, http: { streamIdleTimeout: '3600s' } },
    });
    expect(objects(c).map((o) => o.kind).sort()).toEqual(['BackendTrafficPolicy', 'HTTPRoute']);
    for (const o of objects(c)) expect(checkObject({ path: o.metadata.name, json: o })).toEqual([]);
    expect(yaml(c)).toMatchSnapshot();
  });

  test('never carries ownership metadata', () => {
    const { c } = overlay([Route.websocket('/app-ws')]);
    for (const o of objects(c)) {
      expect(Object.keys(o.metadata.labels ?? {})).not.toEqual(expect.arrayContaining(['app.kubernetes.io/managed-by']));
      expect(o.metadata.annotations).toBeUndefined();
    }
    expect(errorOf(() => overlay([Route.websocket('/app-ws')], { labels: { 'app.kubernetes.io/managed-by': 'Helm' } }))).toBe(
      '[test/Overlay] ManagedRouteOverlay \'labels["app.kubernetes.io/managed-by"]\' is "app.kubernetes.io/managed-by": must not be an ownership label: Helm or Argo CD label tracking would adopt the overlay and delete it on the next deploy. Fix: remove the "app.kubernetes.io/managed-by" key');
  });

  test('fails when a path ties with the owner\'s Prefix "/" (Gateway API gives ties to the oldest route)', () => {
    expect(errorOf(() => overlay([Route.websocket('/')]))).toBe(
      '[test/Overlay] ManagedRouteOverlay \'routes[0].path\' is "/": must outrank the owner\'s HTTPRoute "cloud" under Gateway API precedence: Prefix / ties with the owner\'s Prefix / (same length: a tie goes to the oldest HTTPRoute, usually the owner\'s). '
      + 'Fix: declare a path the owner does not serve (e.g. "/-ws"), or remove it from owner.paths if the owner no longer serves it');
  });

  test('fails when the owner has an Exact match on the overlay\'s prefix path', () => {
    expect(errorOf(() => overlay([Route.websocket('/ws')], { owner: { ...OWNER, paths: [{ path: '/' }, { path: '/ws', match: PathMatch.EXACT }] } }))).toBe(
      '[test/Overlay] ManagedRouteOverlay \'routes[0].path\' is "/ws": must outrank the owner\'s HTTPRoute "cloud" under Gateway API precedence: Prefix /ws loses /ws to the owner\'s Exact match (an Exact match outranks every Prefix match). '
      + 'Fix: declare a path the owner does not serve (e.g. "/ws-ws"), or remove it from owner.paths if the owner no longer serves it');
  });

  test('an Exact overlay path outranks the owner\'s Prefix of the same path; a longer prefix outranks a shorter one', () => {
    expect(() => overlay([Route.websocket('/api/ws', { match: PathMatch.EXACT })], { owner: { ...OWNER, paths: [{ path: '/api/ws' }] } })).not.toThrow();
    expect(() => overlay([Route.websocket('/api/ws')], { owner: { ...OWNER, paths: [{ path: '/api' }] } })).not.toThrow();
  });

  test('fails when the controller is not a Gateway API controller', () => {
    expect(errorOf(() => overlay([Route.websocket('/app-ws')], { controller: IngressController.nginx() }))).toBe(
      '[test/Overlay] ManagedRouteOverlay \'controller\' is "nginx": must be IngressController.gatewayApi({ gateway, implementation }): the overlay attaches HTTPRoutes to the owner\'s Gateway. '
      + 'Fix: pass the owner\'s Gateway and its implementation; for an Ingress someone else owns, use ManagedIngressOverlay');
  });

  test('fails when the overlay would render an HTTPRoute named like the owner\'s', () => {
    expect(errorOf(() => overlay([Route.websocket('/app-ws')], { name: 'cloud' }))).toBe(
      '[test/Overlay] ManagedRouteOverlay \'name\' is "cloud": must not render an HTTPRoute named like the owner\'s ("cloud"): applying it would overwrite the owner\'s route. Fix: pick a name whose derived names cannot equal the owner\'s');
  });

  test('the implementation\'s refusals apply (NGINX Gateway Fabric: a ProxySettingsPolicy; Istio: an unenforced idle timeout is refused)', () => {
    const { c } = overlay([Route.websocket('/app-ws')], { controller: IngressController.gatewayApi({ gateway: GATEWAY, implementation: GatewayImplementation.nginxGatewayFabric() }) });
    expect(find(c, 'ProxySettingsPolicy', 'cloud-ws').spec.timeout).toEqual({ connect: '10s', read: '3600s', send: '3600s' });
    expect(errorOf(() => overlay([Route.websocket('/app-ws')], { controller: IngressController.gatewayApi({ gateway: GATEWAY, implementation: GatewayImplementation.istio() }) })))
      .toMatch(/^\[test\/Overlay\] ManagedRouteOverlay 'routes\[0\]\.idleTimeout' is "3600s": must be enforced by the controller or a declared hop: Istio 1\.30/);
    expect(() => overlay([Route.websocket('/app-ws')], { controller: IngressController.gatewayApi({ gateway: GATEWAY, implementation: GatewayImplementation.istio({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }) }) })).not.toThrow();
  });
});
