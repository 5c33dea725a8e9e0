// One route spec, four controllers: ingress-nginx, Traefik, Gateway API and AWS ALB render the same
// routes, each with the WebSocket's long timeout and the HTTP route's short one in its own terms.
import { Chart, Duration } from 'cdk8s';
import {
  AlbScheme, AlbTargetType, GatewayImplementation, GatewayUdpRoute, IngressController, ManagedIngressOverlay, PathMatch, RealtimeService, Route, RouteIntent, checkObject, traefikStaticConfig,
} from '../lib';
import { chart, exactly, find, objects, yaml } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */

const HOST = 'rt.example.com';
const VPC = ['10.0.0.0/16'];
const ROUTES = () => [Route.http('/api', { timeout: Duration.seconds(30) }), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })];

function service(c: Chart, controller: IngressController, routes: Route[] = ROUTES(), id = 'Svc'): RealtimeService {
  return new RealtimeService(c, id, {
    name: 'rt',
    image: 'ghcr.io/example/rt:1.0.0',
    http: { port: 3000, servicePort: 80 },
    websocket: { port: 3001 },
    routes: { controller, hosts: [HOST], routes },
  });
}

/** What a controller's output says about one path: its backend and its timeout, in the controller's own terms. */
interface Controller {
  readonly name: string;
  readonly make: () => IngressController;
  /** Kind of the route objects. */
  readonly kind: string;
  /** The backend (service and port) and the timeout that applies to a path. */
  readonly at: (c: Chart, path: string) => { service: string; port: string | number; timeout: unknown };
  /** Expected timeouts of the WebSocket and the HTTP route. */
  readonly ws: unknown;
  readonly http: unknown;
}

const ingressAt = (c: Chart, path: string) => {
  for (const ing of objects(c, 'Ingress')) {
    const hit = ing.spec.rules[0].http.paths.find((p: any) => p.path === path);
    if (hit) return { ing, hit };
  }
  throw new Error(`no Ingress path ${path}`);
};

const CONTROLLERS: Controller[] = [
  {
    name: 'ingress-nginx',
    make: () => IngressController.nginx(),
    kind: 'Ingress',
    at: (c, path) => {
      const { ing, hit } = ingressAt(c, path);
      return { service: hit.backend.service.name, port: hit.backend.service.port.name, timeout: ing.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] };
    },
    ws: '3600',
    http: '30',
  },
  {
    name: 'traefik',
    // Traefik enforces no WebSocket idle timeout: accepted here as acknowledged (test/capabilities.test.ts has the refusal).
    make: () => IngressController.traefik({ entryPointTimeouts: { readTimeout: Duration.seconds(0), idleTimeout: Duration.hours(1) }, acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }),
    kind: 'IngressRoute',
    at: (c, path) => {
      for (const ir of objects(c, 'IngressRoute')) {
        const r = ir.spec.routes.find((x: any) => x.match.includes(`\`${path}\``));
        if (!r) continue;
        const svc = r.services[0];
        const t = find(c, 'ServersTransport', svc.serversTransport).spec.forwardingTimeouts;
        return { service: svc.name, port: svc.port, timeout: t.idleConnTimeout ?? t.responseHeaderTimeout };
      }
      throw new Error(`no IngressRoute for ${path}`);
    },
    // Nothing is written for the WebSocket's idle timeout: no Traefik field enforces it.
    ws: undefined,
    http: '30s',
  },
  {
    name: 'gateway-api',
    make: () => IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway', sectionName: 'https' }, implementation: GatewayImplementation.envoyGateway() }),
    kind: 'HTTPRoute',
    at: (c, path) => {
      for (const hr of objects(c, 'HTTPRoute')) {
        const r = hr.spec.rules.find((x: any) => x.matches[0].path.value === path);
        if (r) return { service: r.backendRefs[0].name, port: r.backendRefs[0].port, timeout: r.timeouts };
      }
      throw new Error(`no HTTPRoute for ${path}`);
    },
    // A WebSocket is one request as long as the connection: no request deadline at all.
    ws: { request: '0s', backendRequest: '0s' },
    http: { request: '30s', backendRequest: '30s' },
  },
  {
    name: 'aws-alb',
    make: () => IngressController.awsAlb({ sourceCidrs: VPC, idleTimeout: Duration.hours(1), scheme: AlbScheme.INTERNET_FACING, healthCheckPath: '/health' }),
    kind: 'Ingress',
    at: (c, path) => {
      const { ing, hit } = ingressAt(c, path);
      return { service: hit.backend.service.name, port: hit.backend.service.port.name, timeout: ing.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes'] };
    },
    // One idle timeout for the whole load balancer: the HTTP route cannot keep a shorter one.
    ws: 'idle_timeout.timeout_seconds=3600',
    http: 'idle_timeout.timeout_seconds=3600',
  },
];

describe.each(CONTROLLERS)('one route spec rendered for $name', (ctl) => {
  test('every route appears with its path and backend', () => {
    // GIVEN / WHEN
    const c = chart();
    service(c, ctl.make());
    // THEN
    expect(ctl.at(c, '/api')).toMatchObject({ service: 'rt', port: ctl.name === 'gateway-api' ? 80 : 'http' });
    expect(ctl.at(c, '/ws')).toMatchObject({ service: 'rt', port: ctl.name === 'gateway-api' ? 3001 : 'websocket' });
  });

  test('the WebSocket route carries the long timeout, the HTTP route keeps the short one', () => {
    const c = chart();
    service(c, ctl.make());
    expect(ctl.at(c, '/ws').timeout).toEqual(ctl.ws);
    expect(ctl.at(c, '/api').timeout).toEqual(ctl.http);
  });

  test('the route objects pass the API-server rules', () => {
    const c = chart();
    service(c, ctl.make());
    const svc = c.node.findAll().filter((x) => x instanceof RealtimeService)[0] as RealtimeService;
    expect(svc.ingresses.map((o) => o.kind)).toEqual(svc.ingresses.map(() => ctl.kind));
    for (const o of svc.ingresses) expect(checkObject({ path: o.node.path, json: o.toJson() })).toEqual([]);
  });

  test('snapshot', () => {
    const c = chart();
    service(c, ctl.make());
    const kinds = ['Ingress', 'IngressRoute', 'ServersTransport', 'HTTPRoute', 'BackendTrafficPolicy'];
    expect(objects(c).filter((o) => kinds.includes(o.kind)).length).toBeGreaterThan(0);
    expect(yaml(c).split('---\n').filter((d) => kinds.some((k) => d.includes(`kind: ${k}\n`))).join('---\n')).toMatchSnapshot();
  });
});

describe('Traefik', () => {
  test('rules: Host and element-wise prefix, several hosts, Exact and the root path', () => {
    const c = chart();
    new RealtimeService(c, 'Svc', {
      name: 'rt', image: 'ghcr.io/example/rt:1.0.0', http: { port: 3000 },
      routes: { controller: IngressController.traefik(), hosts: ['a.example.com', 'b.example.com'], routes: [Route.http('/'), Route.http('/exact', { match: PathMatch.EXACT }), Route.http('/dir/')], tlsSecretName: 'rt-tls' },
    });
    const ir = find(c, 'IngressRoute', 'rt');
    expect(ir.spec.routes.map((r: any) => r.match)).toEqual([
      '(Host(`a.example.com`) || Host(`b.example.com`)) && PathPrefix(`/`)',
      '(Host(`a.example.com`) || Host(`b.example.com`)) && Path(`/exact`)',
      '(Host(`a.example.com`) || Host(`b.example.com`)) && PathPrefix(`/dir/`)',
    ]);
    expect(ir.spec.entryPoints).toEqual(['websecure']);
    expect(ir.spec.tls).toEqual({ secretName: 'rt-tls' });
    expect(find(c, 'ServersTransport', 'rt').spec.forwardingTimeouts).toEqual({ dialTimeout: '10s', responseHeaderTimeout: '60s' });
  });

  test('the entryPoint respondingTimeouts do not refuse a long WebSocket (measured: they never cut an upgraded connection)', () => {
    const c = chart();
    service(c, IngressController.traefik({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }));
    expect(find(c, 'ServersTransport', 'rt-ws').spec.forwardingTimeouts).toEqual({ dialTimeout: '10s' });
  });

  test('fails when an entryPoint name is not a Traefik name', () => {
    expect(() => service(chart(), IngressController.traefik({ entryPoints: ['web secure'], entryPointTimeouts: { readTimeout: Duration.seconds(0), idleTimeout: Duration.hours(1) }, acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.entryPoints[0]\' is "web secure": must be a Traefik entryPoint name (letters, digits, "-" and "_", at most 63 characters). Fix: use the name from Traefik\'s static configuration, e.g. "websecure"'));
  });

  test('static configuration matches the entryPoint timeouts and serves ping on web', () => {
    expect(traefikStaticConfig({ entryPointTimeouts: { readTimeout: Duration.seconds(0), idleTimeout: Duration.hours(1) } })).toMatchSnapshot();
    expect(traefikStaticConfig()).toContain('readTimeout = "60s"\n    idleTimeout = "180s"');
  });
});

describe('Gateway API', () => {
  test('parentRefs name the Gateway, its namespace and listener; HTTPRoute carries hostnames', () => {
    const c = chart();
    service(c, IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway', sectionName: 'https' }, implementation: GatewayImplementation.envoyGateway() }));
    const hr = find(c, 'HTTPRoute', 'rt-ws');
    expect(hr.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateway', sectionName: 'https' }]);
    expect(hr.spec.hostnames).toEqual([HOST]);
    expect(hr.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/ws' } }]);
  });

  test('the NetworkPolicy allows the Gateway\'s proxies by namespace', () => {
    const c = chart();
    service(c, IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway' }, proxyNamespace: 'envoy-gateway-system', implementation: GatewayImplementation.envoyGateway() }));
    expect(JSON.stringify(find(c, 'NetworkPolicy', 'rt').spec.ingress)).toContain('"kubernetes.io/metadata.name":"envoy-gateway-system"');
  });

  test('fails when TLS secrets are given to routes (TLS belongs to the Gateway\'s listener)', () => {
    const c = chart();
    expect(() => new RealtimeService(c, 'Svc', {
      name: 'rt', image: 'ghcr.io/example/rt:1.0.0', http: { port: 3000 },
      routes: { controller: IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway' }, implementation: GatewayImplementation.envoyGateway() }), hosts: [HOST], routes: [Route.http('/')], tlsSecretName: 'rt-tls' },
    })).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller\' is "gateway-api": must not be given TLS secrets: with the Gateway API, TLS terminates on the Gateway\'s listener (spec.listeners[].tls.certificateRefs). Fix: remove the TLS secret from the routes and reference it on the Gateway\'s HTTPS listener'));
  });

  test('fails when the proxies\' namespace is unknown', () => {
    expect(() => service(chart(), IngressController.gatewayApi({ gateway: { name: 'edge' }, implementation: GatewayImplementation.envoyGateway() }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.proxyNamespace\' is not set: must be known: NetworkPolicies allow the Gateway\'s proxies by namespace. Fix: set gateway.namespace, or proxyNamespace when the proxies run elsewhere (e.g. "envoy-gateway-system")'));
  });

  test('fails when a backend port has no number (backendRefs take numbers)', () => {
    const c = chart();
    expect(() => new ManagedIngressOverlay(c, 'Overlay', {
      name: 'cloud-ws', owner: { ingressName: 'cloud', serviceName: 'cloud', servicePort: 'http' }, hosts: [HOST],
      routes: [Route.websocket('/ws')], controller: IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gateway' }, implementation: GatewayImplementation.envoyGateway() }),
    })).toThrow(exactly(
      '[test/Overlay] ManagedIngressOverlay \'routes[0].port\' is "http": must resolve to a Service port number: Gateway API backendRefs take port numbers, not names. Fix: give the Service port by number'));
  });

  test('GatewayUdpRoute attaches a Service to the Gateway\'s UDP listener (v1alpha2 for NGINX Gateway Fabric)', () => {
    const c = chart();
    new GatewayUdpRoute(c, 'Udp', { name: 'rt-udp', gateway: { name: 'edge', namespace: 'gateway', sectionName: 'udp' }, implementation: GatewayImplementation.nginxGatewayFabric(), serviceName: 'rt-udp', port: 7000 });
    expect(find(c, 'UDPRoute', 'rt-udp')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'UDPRoute',
      metadata: { name: 'rt-udp', namespace: 'demo' },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateway', sectionName: 'udp' }],
        rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'rt-udp', port: 7000 }] }],
      },
    });
  });

  test('fails when GatewayUdpRoute names no listener', () => {
    expect(() => new GatewayUdpRoute(chart(), 'Udp', { name: 'rt-udp', gateway: { name: 'edge' }, implementation: GatewayImplementation.envoyGateway(), serviceName: 'rt-udp', port: 7000 })).toThrow(exactly(
      '[test/Udp] GatewayUdpRoute \'gateway.sectionName\' is not set: must name the Gateway\'s UDP listener (a UDPRoute attaches only to UDP listeners; without sectionName an implementation may attach it to none). Fix: set gateway.sectionName to the UDP listener\'s name, e.g. "udp"'));
  });

  test('API-server rules refuse a backendRequest longer than request', () => {
    const json = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'x', namespace: 'demo' },
      spec: { parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [{ name: 'x', port: 80 }], timeouts: { request: '10s', backendRequest: '1m' } }] } };
    expect(checkObject({ path: 'p', json }).map((p) => `${p.prop}: ${p.allowed}`)).toEqual(['spec.rules[0].timeouts.backendRequest: be at most timeouts.request (10s)']);
  });
});

describe('AWS ALB', () => {
  test('annotations: scheme, target type, listener, idle timeout, certificate, group and health check', () => {
    const c = chart();
    service(c, IngressController.awsAlb({
      sourceCidrs: VPC,
      idleTimeout: Duration.seconds(3600), scheme: AlbScheme.INTERNAL, targetType: AlbTargetType.IP,
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab', groupName: 'realtime', healthCheckPath: '/health',
    }));
    const ing = find(c, 'Ingress', 'rt');
    expect(ing.spec.ingressClassName).toBe('alb');
    expect(ing.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internal',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=3600',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      'alb.ingress.kubernetes.io/group.name': 'realtime',
      'alb.ingress.kubernetes.io/healthcheck-path': '/health',
    });
    expect(ing.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/api', '/ws']);
  });

  test('fails when the ALB idle timeout is shorter than the longest WebSocket idle timeout', () => {
    expect(() => service(chart(), IngressController.awsAlb({ sourceCidrs: VPC, idleTimeout: Duration.seconds(60), scheme: AlbScheme.INTERNET_FACING }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.idleTimeout\' is "60s": must be at least the idle timeout of route /ws (3600s): the ALB idle timeout applies to every connection through the load balancer, and it would close a quiet WebSocket after 60s. '
      + 'Fix: raise idleTimeout to Duration.seconds(3600), or lower the route\'s idleTimeout to Duration.seconds(60)'));
  });

  test('fails when a route needs more than the ALB maximum (4000 s)', () => {
    const routes = [Route.websocket('/ws', { idleTimeout: Duration.hours(2) })];
    expect(() => service(chart(), IngressController.awsAlb({ sourceCidrs: VPC, idleTimeout: Duration.seconds(4000), scheme: AlbScheme.INTERNET_FACING }), routes)).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.idleTimeout\' is "4000s": must be at least the idle timeout of route /ws (7200s): the ALB idle timeout applies to every connection through the load balancer, and it would close a quiet WebSocket after 4000s. '
      + 'Fix: lower the route\'s idleTimeout (routes.routes[0]) to Duration.seconds(4000) or less (the ALB maximum) and raise idleTimeout to match; for longer quiet periods, send heartbeats'));
  });

  test('fails when the ALB idle timeout is out of range', () => {
    expect(() => service(chart(), IngressController.awsAlb({ sourceCidrs: VPC, idleTimeout: Duration.seconds(5000), scheme: AlbScheme.INTERNET_FACING }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.idleTimeout\' is "5000s": must be from 1 to 4000 seconds. Fix: use Duration.seconds(1) to Duration.seconds(4000) (the ALB limits)'));
  });

  test('fails when the certificate is not an ACM ARN', () => {
    expect(() => service(chart(), IngressController.awsAlb({ sourceCidrs: VPC, idleTimeout: Duration.seconds(3600), scheme: AlbScheme.INTERNET_FACING, certificateArn: 'my-cert' }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.certificateArn\' is "my-cert": must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>). Fix: copy the ARN from ACM'));
  });
});

describe('where controller traffic comes from (NetworkPolicy)', () => {
  test('an in-cluster proxy is allowed from its namespace', () => {
    const c = chart();
    service(c, IngressController.nginx({ namespace: 'edge' }));
    const np = find(c, 'NetworkPolicy', 'rt');
    expect(np.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } }]);
  });

  test('an AWS ALB is allowed from its VPC ranges, not from a namespace', () => {
    const c = chart();
    service(c, IngressController.awsAlb({ sourceCidrs: ['10.0.0.0/16', '10.1.0.0/16'], idleTimeout: Duration.hours(1), scheme: AlbScheme.INTERNET_FACING }));
    const np = find(c, 'NetworkPolicy', 'rt');
    expect(np.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.0.0.0/16' } }, { ipBlock: { cidr: '10.1.0.0/16' } }]);
  });

  test('fails when an AWS ALB does not say its source ranges and a NetworkPolicy is written', () => {
    expect(() => service(chart(), IngressController.awsAlb({ idleTimeout: Duration.hours(1), scheme: AlbScheme.INTERNET_FACING }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller\' is "aws-alb": must say where its traffic comes from, so the NetworkPolicy can allow it (an AWS ALB reaches pods from VPC addresses, not from a namespace). '
      + 'Fix: pass sourceCidrs (the VPC or subnet ranges) to IngressController.awsAlb(...), or set networkPolicy: false'));
  });

  test('fails when an ALB source range is not a CIDR', () => {
    expect(() => service(chart(), IngressController.awsAlb({ sourceCidrs: ['10.0.0.0/33'], idleTimeout: Duration.hours(1), scheme: AlbScheme.INTERNET_FACING }))).toThrow(exactly(
      '[test/Svc] RealtimeService \'routes.controller.sources[0]\' is "10.0.0.0/33": must be an IPv4 CIDR such as "10.0.0.0/8". Fix: fix the address or prefix length'));
  });
});

describe('route groups that differ only in their connect timeout', () => {
  test('get distinct object names and construct ids (found by the property tests)', () => {
    const c = chart();
    service(c, IngressController.nginx(), [
      Route.http('/a', { timeout: Duration.seconds(7), connectTimeout: Duration.seconds(1) }),
      Route.http('/b', { timeout: Duration.seconds(7), connectTimeout: Duration.seconds(2) }),
    ]);
    const names = objects(c, 'Ingress').map((i: any) => [i.metadata.name, i.metadata.annotations['nginx.ingress.kubernetes.io/proxy-connect-timeout']]);
    expect(names).toEqual([['rt-7s-connect-1s', '1'], ['rt-7s-connect-2s', '2']]);
  });
});
