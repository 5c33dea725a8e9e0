// Gateway API per implementation: one RealtimeService with a REST route (30 s) and a WebSocket route
// (idle 1 h), rendered for each GatewayImplementation. Each intent lands in the implementation's own
// field (HTTPRoute timeouts, or its policy), or is refused with a message naming the implementation,
// the intent and the alternatives.
import { Chart, Duration } from 'cdk8s';
import {
  GatewayImplementation as G, GatewayUdpRoute, IngressController, RealtimeService, Route, RouteIntent, checkObject, topologyMermaid,
} from '../lib';
import { chart, errorOf, find, objects, yaml } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */

const ROUTES = () => [Route.http('/api', { timeout: Duration.seconds(30) }), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })];

function service(c: Chart, implementation: G, routes: Route[] = ROUTES()): RealtimeService {
  return new RealtimeService(c, 'Svc', {
    name: 'rt',
    image: 'ghcr.io/example/rt:1.0.0',
    http: { port: 3000, servicePort: 80 },
    websocket: { port: 3001 },
    routes: { controller: IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway' }, implementation }), hosts: ['rt.example.com'], routes },
  });
}

const ruleTimeouts = (c: Chart, name: string) => find(c, 'HTTPRoute', name).spec.rules[0].timeouts;
const POLICY_KINDS = ['HTTPRoute', 'BackendTrafficPolicy', 'ProxySettingsPolicy', 'TrafficPolicy', 'GCPBackendPolicy'];
const snapshot = (c: Chart) => yaml(c).split('---\n').filter((d) => POLICY_KINDS.some((k) => d.includes(`kind: ${k}\n`))).join('---\n');
const TARGET = (name: string) => [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name }];

/** The accepted configuration of each implementation (with the acknowledgement or declaration it needs). */
const ACCEPTED: Array<[string, () => G]> = [
  ['envoyGateway', () => G.envoyGateway()],
  ['nginxGatewayFabric', () => G.nginxGatewayFabric()],
  ['traefik', () => G.traefik({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT, RouteIntent.WS_IDLE_TIMEOUT] })],
  ['istio', () => G.istio({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })],
  ['cilium', () => G.cilium({ streamIdleTimeout: Duration.hours(1) })],
  ['kgateway', () => G.kgateway()],
  ['gkeGateway', () => G.gkeGateway({ webSocketLifetime: Duration.hours(1), acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT] })],
  ['generic', () => G.generic({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })],
];

describe.each(ACCEPTED)('GatewayImplementation.%s', (_name, make) => {
  test('snapshot: HTTPRoutes and the implementation\'s policies', () => {
    const c = chart();
    service(c, make());
    expect(snapshot(c)).toMatchSnapshot();
  });

  test('every object passes the API-server rules', () => {
    const c = chart();
    service(c, make());
    for (const o of objects(c).filter((x) => POLICY_KINDS.includes(x.kind))) expect(checkObject({ path: o.metadata.name, json: o })).toEqual([]);
  });
});

describe('Envoy Gateway', () => {
  test('REST: HTTPRoute timeouts; WebSocket: "0s" plus a BackendTrafficPolicy streamIdleTimeout on its HTTPRoute; connect timeouts in the policy', () => {
    const c = chart();
    service(c, G.envoyGateway());
    expect(ruleTimeouts(c, 'rt')).toEqual({ request: '30s', backendRequest: '30s' });
    expect(ruleTimeouts(c, 'rt-ws')).toEqual({ request: '0s', backendRequest: '0s' });
    expect(find(c, 'BackendTrafficPolicy', 'rt-ws').spec).toEqual({ targetRefs: TARGET('rt-ws'), timeout: { tcp: { connectTimeout: '10s' }, http: { streamIdleTimeout: '3600s' } } });
    expect(find(c, 'BackendTrafficPolicy', 'rt').spec).toEqual({ targetRefs: TARGET('rt'), timeout: { tcp: { connectTimeout: '10s' } } });
    expect(find(c, 'BackendTrafficPolicy', 'rt-ws').apiVersion).toBe('gateway.envoyproxy.io/v1alpha1');
  });

  test('TOPOLOGY.md draws the policy as the WebSocket idle enforcer', () => {
    const c = chart();
    service(c, G.envoyGateway());
    expect(topologyMermaid([{ chart: c }])).toContain('/ws<br/>WebSocket, idle 3600 s (BackendTrafficPolicy streamIdleTimeout)');
  });
});

describe('NGINX Gateway Fabric', () => {
  test('no HTTPRoute timeouts (ignored there); a ProxySettingsPolicy per HTTPRoute with read/send/connect', () => {
    const c = chart();
    service(c, G.nginxGatewayFabric());
    expect(ruleTimeouts(c, 'rt')).toBeUndefined();
    expect(ruleTimeouts(c, 'rt-ws')).toBeUndefined();
    expect(find(c, 'ProxySettingsPolicy', 'rt').spec).toEqual({ targetRefs: TARGET('rt'), timeout: { connect: '10s', read: '30s', send: '30s' } });
    expect(find(c, 'ProxySettingsPolicy', 'rt-ws').spec).toEqual({ targetRefs: TARGET('rt-ws'), timeout: { connect: '10s', read: '3600s', send: '3600s' } });
  });
});

describe('kgateway', () => {
  test('REST: HTTPRoute timeouts; WebSocket: a TrafficPolicy with request "0s" and streamIdle', () => {
    const c = chart();
    service(c, G.kgateway());
    expect(ruleTimeouts(c, 'rt')).toEqual({ request: '30s', backendRequest: '30s' });
    expect(ruleTimeouts(c, 'rt-ws')).toBeUndefined();
    expect(find(c, 'TrafficPolicy', 'rt-ws').spec).toEqual({ targetRefs: TARGET('rt-ws'), timeouts: { request: '0s', streamIdle: '3600s' } });
    expect(objects(c, 'TrafficPolicy')).toHaveLength(1);
  });

  test('fails when a connect timeout is declared (a TrafficPolicy has none)', () => {
    expect(errorOf(() => service(chart(), G.kgateway(), [Route.http('/api', { connectTimeout: Duration.seconds(5) })]))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[0].connectTimeout\' is "5s": must be enforced by the controller: kgateway 2.4 (Gateway API) does not enforce a connect timeout (a TrafficPolicy has no connect timeout (BackendConfigPolicy targets Services, not routes, and is not rendered)), so the 5s declared for /api would be a silent no-op. '
      + 'Fix: render for a controller that enforces it (IngressController.nginx(), IngressController.traefik(), GatewayImplementation.envoyGateway(), GatewayImplementation.nginxGatewayFabric()); or accept it unenforced with GatewayImplementation.kgateway({ acknowledgeUnenforced: [RouteIntent.CONNECT_TIMEOUT] })');
  });
});

describe('Traefik\'s Gateway provider', () => {
  test('fails on a REST timeout (HTTPRoute timeouts are ignored), pointing to IngressController.traefik()', () => {
    expect(errorOf(() => service(chart(), G.traefik()))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[0].timeout\' is "30s": must be enforced by the controller: Traefik v3.7 Gateway provider (Gateway API) does not enforce a REST timeout (HTTPRoute timeouts are accepted and ignored (route status Accepted); no Gateway API policy sets one), so the 30s declared for /api would be a silent no-op. '
      + 'Fix: render for a controller that enforces it (IngressController.traefik() on the same Traefik (its ServersTransport responseHeaderTimeout cuts a slow response until the headers), IngressController.nginx(), GatewayImplementation.nginxGatewayFabric()); or accept it unenforced with GatewayImplementation.traefik({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT] })');
  });

  test('acknowledged: no timeouts written at all, and TOPOLOGY.md says "not enforced"', () => {
    const c = chart();
    service(c, G.traefik({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT, RouteIntent.WS_IDLE_TIMEOUT] }));
    expect(ruleTimeouts(c, 'rt')).toBeUndefined();
    expect(ruleTimeouts(c, 'rt-ws')).toBeUndefined();
    const m = topologyMermaid([{ chart: c }]);
    expect(m).toContain('/api<br/>HTTP, timeout not enforced"]');
    expect(m).toContain('/ws<br/>WebSocket, idle not enforced"]');
  });
});

describe('Istio and generic', () => {
  test('Istio: fails on a WebSocket idle timeout (no stream idle timeout in 1.30)', () => {
    expect(errorOf(() => service(chart(), G.istio()))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[1].idleTimeout\' is "3600s": must be enforced by the controller or a declared hop: Istio 1.30 (Gateway API) does not enforce a WebSocket idle timeout (Istio 1.30 hard-sets the stream idle timeout to 0 (off) and no Gateway API field sets one: a quiet or half-open WebSocket is held until the connection idle timeout (1 h, proxy-wide)), so the 3600s declared for /ws would be a silent no-op. '
      + 'Fix: declare the hop that enforces it (routes.hops: [Hop.nginxStream(Duration.seconds(3600))] when a global nginx stream proxy with proxy_timeout 3600s is in front); render for a controller that enforces it (IngressController.nginx(), GatewayImplementation.envoyGateway(), GatewayImplementation.nginxGatewayFabric(), GatewayImplementation.kgateway()); or accept it unenforced with GatewayImplementation.istio({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })');
  });

  test('Istio acknowledged: REST timeouts on the HTTPRoute, "0s" on the WebSocket rule', () => {
    const c = chart();
    service(c, G.istio({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }));
    expect(ruleTimeouts(c, 'rt')).toEqual({ request: '30s', backendRequest: '30s' });
    expect(ruleTimeouts(c, 'rt-ws')).toEqual({ request: '0s', backendRequest: '0s' });
  });

  test('generic: fails on a WebSocket idle timeout, naming the implementations that enforce one', () => {
    expect(errorOf(() => service(chart(), G.generic()))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[1].idleTimeout\' is "3600s": must be enforced by the controller or a declared hop: any Gateway API implementation (standard fields only) does not enforce a WebSocket idle timeout (Gateway API has no idle timeout field), so the 3600s declared for /ws would be a silent no-op. '
      + 'Fix: declare the hop that enforces it (routes.hops: [Hop.nginxStream(Duration.seconds(3600))] when a global nginx stream proxy with proxy_timeout 3600s is in front); render for a controller that enforces it (IngressController.nginx(), GatewayImplementation.envoyGateway(), GatewayImplementation.nginxGatewayFabric(), GatewayImplementation.kgateway()); or accept it unenforced with GatewayImplementation.generic({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })');
  });

  test('fails when no implementation is given (plain JavaScript)', () => {
    expect(errorOf(() => IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway' } } as any))).toBe(
      '[IngressController.gatewayApi] IngressController \'props.implementation\' is not set: must be set (GatewayApiControllerProps requires it). Fix: add implementation: GatewayImplementation.envoyGateway()');
    expect(errorOf(() => IngressController.gatewayApi({ gateway: { name: 'edge' }, implementation: 'envoy' } as any))).toBe(
      '[IngressController.gatewayApi] IngressController \'props.implementation\' is "envoy": must be a GatewayImplementation. Fix: use GatewayImplementation.envoyGateway() (or the implementation your cluster runs)');
    expect(errorOf(() => G.cilium({ streamIdleTimeout: 300 } as any))).toMatch(/^\[GatewayImplementation\.cilium\] GatewayImplementation 'options\.streamIdleTimeout' is 300: must be a Duration/);
  });
});

describe('Cilium', () => {
  test('fails when the cluster\'s stream idle timeout is not declared (300 s by default)', () => {
    expect(errorOf(() => service(chart(), G.cilium()))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[1].idleTimeout\' is "3600s": must be covered by the cluster\'s Cilium stream idle timeout, which only the operator flag --proxy-stream-idle-timeout-seconds sets (300 s by default, so a quiet WebSocket on /ws would drop at 5 min). '
      + 'Fix: set the flag to 3600 or more and declare it: GatewayImplementation.cilium({ streamIdleTimeout: Duration.seconds(3600) })');
  });

  test('fails when the declared flag is below the idle timeout', () => {
    expect(errorOf(() => service(chart(), G.cilium({ streamIdleTimeout: Duration.minutes(5) })))).toBe(
      '[test/Svc] RealtimeService \'routes.controller.implementation.streamIdleTimeout\' is "300s": must be at least the idle timeout of route /ws (3600s): Cilium would close a quiet WebSocket after 300s. '
      + 'Fix: raise --proxy-stream-idle-timeout-seconds to 3600 and declare it, or lower the route\'s idleTimeout to Duration.seconds(300)');
  });

  test('declared: HTTPRoute timeouts, and TOPOLOGY.md draws the cluster flag\'s value as the idle enforcer', () => {
    const c = chart();
    service(c, G.cilium({ streamIdleTimeout: Duration.hours(2) }));
    expect(ruleTimeouts(c, 'rt')).toEqual({ request: '30s', backendRequest: '30s' });
    expect(ruleTimeouts(c, 'rt-ws')).toEqual({ request: '0s', backendRequest: '0s' });
    expect(topologyMermaid([{ chart: c }])).toContain('/ws<br/>WebSocket, idle 7200 s (cilium --proxy-stream-idle-timeout-seconds)');
  });
});

describe('GKE Gateway', () => {
  test('fails when WebSocket routes have no declared lifetime (timeoutSec caps it, 30 s by default)', () => {
    expect(errorOf(() => service(chart(), G.gkeGateway()))).toBe(
      '[test/Svc] RealtimeService \'routes.controller.implementation.webSocketLifetime\' is not set: must be set when there are WebSocket routes: GKE\'s backend service timeout (GCPBackendPolicy timeoutSec, 30 s by default) caps a WebSocket\'s whole lifetime, idle or not, so the WebSocket on /ws would be cut after 30 s. '
      + 'Fix: set GatewayImplementation.gkeGateway({ webSocketLifetime: Duration.seconds(3600) }) or longer (at most 24 h), and make the app reconnect before it');
  });

  test('fails when a REST route on the same Service would get the WebSocket\'s lifetime as its timeout', () => {
    expect(errorOf(() => service(chart(), G.gkeGateway({ webSocketLifetime: Duration.hours(1) })))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[0].timeout\' is "30s": must be the Service\'s one backend service timeout (3600s): GKE sets one GCPBackendPolicy timeoutSec per Service, and the WebSocket routes on it need their lifetime, so /api would be cut at 3600s, not 30s. '
      + 'Fix: serve the WebSockets from separate Services, give the routes one timeout, or accept it with GatewayImplementation.gkeGateway({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT] })');
  });

  test('a GCPBackendPolicy on the Service; NetworkPolicy from Google\'s front-end ranges, or the proxy-only subnet', () => {
    const c = chart();
    service(c, G.gkeGateway({ webSocketLifetime: Duration.hours(1), acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT] }));
    expect(find(c, 'GCPBackendPolicy', 'rt').spec).toEqual({ targetRef: { group: '', kind: 'Service', name: 'rt' }, default: { timeoutSec: 3600 } });
    expect(ruleTimeouts(c, 'rt')).toBeUndefined();
    const from = find(c, 'NetworkPolicy', 'rt').spec.ingress[0].from;
    expect(from).toEqual([{ ipBlock: { cidr: '35.191.0.0/16' } }, { ipBlock: { cidr: '130.211.0.0/22' } }]);
    const r = chart();
    service(r, G.gkeGateway({ webSocketLifetime: Duration.hours(1), acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT], proxyOnlySubnet: '10.129.0.0/23' }));
    expect(find(r, 'NetworkPolicy', 'rt').spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.129.0.0/23' } }]);
  });
});

describe('GatewayUdpRoute per implementation', () => {
  const udp = (impl: G) => {
    const c = chart();
    new GatewayUdpRoute(c, 'Udp', { name: 'rt-udp', gateway: { name: 'edge', namespace: 'gateway', sectionName: 'udp' }, implementation: impl, serviceName: 'rt-udp', port: 7000 });
    return find(c, 'UDPRoute', 'rt-udp').apiVersion;
  };

  test('v1 for Envoy Gateway and Cilium, v1alpha2 for NGINX Gateway Fabric', () => {
    expect([udp(G.envoyGateway()), udp(G.cilium()), udp(G.nginxGatewayFabric())]).toEqual(['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2']);
  });

  test.each([
    ['istio', G.istio(), 'Istio 1.30 (Gateway API)', 'UDP listeners are unsupported'],
    ['kgateway', G.kgateway(), 'kgateway 2.4 (Gateway API)', 'UDPRoute is not supported'],
    ['traefik', G.traefik(), 'Traefik v3.7 Gateway provider (Gateway API)', 'a UDP listener gets "Unsupported listener protocol"'],
  ])('fails for %s, pointing to a UDP LoadBalancer Service', (name, impl, display, how) => {
    expect(errorOf(() => udp(impl))).toBe(
      `[test/Udp] GatewayUdpRoute 'implementation' is "${name}": must route UDP: ${display} does not (${how}). `
      + 'Fix: send UDP through a UDP LoadBalancer Service (the `udp` endpoint of a RealtimeService, or UdpLoadBalancer), or run a Gateway whose implementation routes UDPRoutes: GatewayImplementation.envoyGateway(), cilium() or nginxGatewayFabric()');
  });
});
