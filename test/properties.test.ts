// Property-based tests (fast-check): (a) random valid props always synthesize, pass validation and
// the security scan, and are byte-identical across runs; (b) random invalid names, ports and paths
// always fail with a RealtimeConfigError at the construct path naming the prop, and nothing else.
import { ApiObject, Chart, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import {
  LoadBalancerPreset,
  AppSpec, Hop, ManagedIngressOverlay, NamespaceIsolation, OwnerTls, RealtimeConfigError, RealtimeService,
  Route, UdpRouting, synthesize,
} from '../lib';
import { scanObjects } from './security-scan';
import { propertyRuns } from './util';

/**
 * Runs per property: 500 in CI (CDK8SRT_PROPERTY_RUNS=full, set by .ci/run), 25 in a plain
 * `npm test` (see propertyRuns). Keep generators cheap rather than lowering the full count.
 */
const NUM_RUNS = propertyRuns(500);
const params = { numRuns: NUM_RUNS };

/* eslint-disable @typescript-eslint/no-explicit-any */

const APP = 'prop';
/** One in-memory app with a single chart `prop` in namespace `demo`. */
const app = (define: (chart: Chart) => void): AppSpec => ({ name: APP, source: 'test/properties.test.ts', namespace: 'demo', externalNamespaces: [{ name: 'demo', owner: 'the test' }], define });
/** The object files of a synthesis (the folder's PREREQUISITES.md is not an object). */
const yamlFiles = (files: ReadonlyMap<string, string>) => [...files.entries()].filter(([f]) => f.endsWith('.yaml'));

/** Every ApiObject of the chart, at any depth. */
const apiObjects = (chart: Chart) => chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
/** Keys sorted recursively, as the synthesizer writes them. */
const canonical = (v: any): any => (Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object'
  ? Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, canonical(v[k])])) : v);

// ---- generators of valid values ------------------------------------------------------------------

/** DNS-1035 label of at most 21 characters (room for `-udp`, `-ws-86400s` and the like). */
const dns1035 = fc.stringMatching(/^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$/);
/** DNS-1123 label, short. */
const dns1123 = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
/** A host name whose last label starts with a letter (never an IP address). */
const host = fc.tuple(fc.array(dns1123, { maxLength: 2 }), fc.stringMatching(/^[a-z][a-z0-9]{1,5}$/)).map(([labels, tld]) => [...labels, tld].join('.'));
const hosts = fc.uniqueArray(host, { minLength: 1, maxLength: 2 });
const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,8}$/).filter((s) => s !== '.' && s !== '..');
/** A plain Ingress path other than "/". */
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segs) => `/${segs.join('/')}`);
const port = fc.integer({ min: 1, max: 65535 });
/** Two different ports. */
const portPair = fc.tuple(port, fc.integer({ min: 1, max: 65534 })).map(([a, d]) => [a, ((a - 1 + d) % 65535) + 1] as const);

/** A route spec: WebSocket with an idle timeout and maybe a heartbeat, or HTTP with a timeout. */
interface RouteSpec { readonly path: string; readonly ws: boolean; readonly seconds: number; readonly heartbeat?: number; readonly connect: number }
const routeSpec = (p: fc.Arbitrary<string>) => fc.record({
  path: p,
  ws: fc.boolean(),
  seconds: fc.integer({ min: 2, max: 86400 }),
  heartbeatPart: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
  connect: fc.integer({ min: 1, max: 75 }),
}).map(({ heartbeatPart, ...r }): RouteSpec => ({
  ...r,
  // A heartbeat fits inside the idle timeout: 1 to min(3600, idle / 2) seconds.
  ...(r.ws && heartbeatPart !== undefined ? { heartbeat: 1 + (heartbeatPart % Math.min(3600, Math.floor(r.seconds / 2))) } : {}),
}));
const routeSpecs = (p: fc.Arbitrary<string>) => fc.uniqueArray(routeSpec(p), { minLength: 1, maxLength: 2, selector: (r) => r.path });

const toRoute = (r: RouteSpec): Route => r.ws
  ? Route.websocket(r.path, { idleTimeout: Duration.seconds(r.seconds), connectTimeout: Duration.seconds(r.connect), ...(r.heartbeat ? { heartbeatInterval: Duration.seconds(r.heartbeat) } : {}) })
  : Route.http(r.path, { timeout: Duration.seconds(r.seconds), connectTimeout: Duration.seconds(r.connect) });

/** Hops long enough for every route: each idle timeout covers the route's budget plus some slack. */
const hopsFor = (routes: RouteSpec[]) => {
  const need = Math.max(...routes.map((r) => (r.heartbeat ? 2 * r.heartbeat : r.seconds)));
  return fc.array(fc.tuple(fc.constantFrom('custom', 'stream', 'alb'), fc.integer({ min: 0, max: 3600 })), { maxLength: 2 }).map((hs) => hs.map(([kind, slack]) => {
    const idle = Duration.seconds(need + slack);
    if (kind === 'alb' && need + slack <= 4000) return Hop.awsAlb(idle);
    return kind === 'stream' ? Hop.nginxStream(idle) : Hop.custom('edge-proxy', idle);
  }));
};

/** `/` plus random other routes (RealtimeService may serve "/"). */
const serviceRoutes = routeSpecs(fc.oneof({ weight: 1, arbitrary: fc.constant('/') }, { weight: 4, arbitrary: path }));

const realtimeServiceProps = fc.record({
  name: dns1035,
  http: portPair,
  servicePorts: portPair,
  websocket: fc.boolean(),
  replicas: fc.integer({ min: 1, max: 5 }),
  udp: fc.option(port, { nil: undefined, freq: 1 }),
  hosts,
  routes: serviceRoutes,
}).chain((p) => hopsFor(p.routes).map((hops) => ({ ...p, hops })));

type ServiceInput = typeof realtimeServiceProps extends fc.Arbitrary<infer T> ? T : never;

function defineService(chart: Chart, p: ServiceInput): void {
  new NamespaceIsolation(chart, 'Isolation');
  new RealtimeService(chart, 'Svc', {
    name: p.name,
    image: 'ghcr.io/acme/rt:1.0.0',
    http: { port: p.http[0], servicePort: p.servicePorts[0] },
    ...(p.websocket ? { websocket: { port: p.http[1], servicePort: p.servicePorts[1] } } : {}),
    replicas: p.replicas,
    ...(p.udp !== undefined ? { udp: { port: p.udp, routing: p.replicas > 1 ? UdpRouting.clientIpAffinity() : UdpRouting.singleReplica(), preset: LoadBalancerPreset.metalLb() } } : {}),
    routes: { hosts: p.hosts, routes: p.routes.map(toRoute), hops: p.hops },
  });
}

const overlayProps = fc.record({
  name: fc.tuple(dns1123, fc.option(dns1123, { nil: undefined })).map(([a, b]) => (b ? `${a}.${b}` : `${a}-ws`)),
  owner: dns1035,
  servicePort: fc.oneof(port, fc.constantFrom('http', 'web', 'api-80')),
  hosts,
  routes: routeSpecs(path),
  tls: fc.constantFrom('porter', 'secret', 'none'),
  bodySize: fc.option(fc.integer({ min: 1, max: 512 }), { nil: undefined }),
}).chain((p) => hopsFor(p.routes).map((hops) => ({ ...p, hops })));

type OverlayInput = typeof overlayProps extends fc.Arbitrary<infer T> ? T : never;

function defineOverlay(chart: Chart, p: OverlayInput): void {
  new ManagedIngressOverlay(chart, 'Overlay', {
    name: p.name,
    owner: {
      ingressName: `${p.owner}-main`,
      serviceName: p.owner,
      servicePort: p.servicePort,
      ...(p.tls === 'porter' ? { tls: OwnerTls.porter('app', 'prod', p.owner) } : p.tls === 'secret' ? { tls: OwnerTls.secret(`${p.owner}-tls`) } : {}),
    },
    hosts: p.hosts,
    routes: p.routes.map(toRoute),
    ...(p.bodySize !== undefined ? { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': `${p.bodySize}m` } } : {}),
    hops: p.hops,
  });
}

/**
 * Synthesizes twice (the synthesizer validates every object: schema, API-server rules, chart
 * rules); both runs must be byte-identical. Returns the objects of the first run, as written:
 * from the chart rather than by parsing the YAML back, which would double the run time (one YAML
 * round trip per file is checked once below).
 */
function synthTwice(define: (chart: Chart) => void): any[] {
  let chart: Chart | undefined;
  const a = synthesize([app((c) => { chart = c; define(c); })]);
  const b = synthesize([app(define)]);
  expect([...b.files.entries()]).toEqual([...a.files.entries()]);
  const objs = apiObjects(chart!).map((o) => o.toJson());
  expect(objs).toHaveLength(yamlFiles(a.files).length);
  return objs;
}

describe('(a) valid props always synthesize, validated and deterministic', () => {
  test('the YAML written parses back to the objects (checked on a sample, not per run)', () => {
    fc.assert(fc.property(realtimeServiceProps, (p) => {
      let chart: Chart | undefined;
      const files = synthesize([app((c) => { chart = c; defineService(c, p); })]).files;
      const parsed = yamlFiles(files).map(([, text]) => parseAllDocuments(text)[0].toJSON());
      expect(new Set(parsed.map((o) => JSON.stringify(o)))).toEqual(new Set(apiObjects(chart!).map((o) => JSON.stringify(canonical(o.toJson())))));
    }), { numRuns: 20 });
  });

  test('RealtimeService', () => {
    fc.assert(fc.property(realtimeServiceProps, (p) => {
      const objs = synthTwice((chart) => defineService(chart, p));
      expect(objs.filter((o) => o.kind === 'Deployment')).toHaveLength(1);
      expect(scanObjects(objs)).toEqual([]);
    }), params);
  });

  test('ManagedIngressOverlay', () => {
    fc.assert(fc.property(overlayProps, (p) => {
      const objs = synthTwice((chart) => defineOverlay(chart, p));
      expect(objs.length).toBeGreaterThanOrEqual(1);
      expect(objs.every((o) => o.kind === 'Ingress')).toBe(true);
      // The overlay never emits the owner's objects and never takes the owner's name.
      expect(objs.map((o) => o.metadata.name)).not.toContain(`${p.owner}-main`);
      expect(scanObjects(objs, { defaultDenyExceptions: ['demo'] })).toEqual([]);
    }), params);
  });
});

// ---- generators of invalid values ----------------------------------------------------------------

// Independent oracles (written from the API server's rules, not imported from lib/).
const isDns1035 = (s: string) => s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);
const isDns1123Subdomain = (s: string) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);
const isNginxPath = (s: string) => /^\/[A-Za-z0-9._\-/]*$/.test(s) && !/\/\/|\/\.\/|\/\.\.\//.test(s) && !/\/\.\.?$/.test(s);

/** Strings near the grammar (case, `_`, length, edges) and arbitrary ones. */
const nameLike = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9_. -]{0,20}$/),
  fc.tuple(dns1035, fc.constantFrom('-', '_', 'A', '.', ' ', '--x-', '/')).map(([n, bad]) => `${n}${bad}`),
  fc.tuple(fc.integer({ min: 0, max: 9 }), dns1035).map(([d, n]) => `${d}${n}`),
  dns1035.map((n) => n.padEnd(64, 'x')),
);
const badServiceName = nameLike.filter((s) => !isDns1035(s));
const badObjectName = fc.oneof(nameLike, dns1123.map((n) => `${n}.`), dns1123.map((n) => n.padEnd(254, 'a'))).filter((s) => !isDns1123Subdomain(s));
const badPort = fc.oneof(
  fc.integer({ min: -100000, max: 0 }),
  fc.integer({ min: 65536, max: 10_000_000 }),
  fc.double({ min: 1, max: 65535, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(NaN, Infinity, -Infinity),
);
const badPath = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.tuple(path, fc.constantFrom('//', '/./', '/../', '/.', '/..', '%2f', ' ', '?', '*', '$', '(', '~', '\n', 'é')).map(([p, bad]) => `${p}${bad}`),
  fc.tuple(path, fc.constantFrom('//', '/../', ' ', '^')).map(([p, bad]) => `${bad}${p.slice(1)}`),
).filter((s) => !isNginxPath(s));

/**
 * Runs `define` through the synthesizer: it must throw a RealtimeConfigError whose message starts
 * with `[<construct path>]` and names the prop. Anything else (another error, a crash, YAML) fails.
 */
function expectConfigError(define: (chart: Chart) => void, constructPath: string, prop: string | RegExp): void {
  let error: unknown;
  let files: ReadonlyMap<string, string> | undefined;
  try {
    files = synthesize([app(define)]).files;
  } catch (e) {
    error = e;
  }
  expect(files).toBeUndefined();
  if (!(error instanceof RealtimeConfigError)) throw new Error(`expected a RealtimeConfigError for '${prop}', got ${String(error)}`);
  expect(error.message.startsWith(`[${constructPath}] `)).toBe(true);
  if (typeof prop === 'string') expect(error.message).toContain(`'${prop}'`);
  else expect(error.problems[0].prop).toMatch(prop);
}

const validService = (overrides: Record<string, unknown>) => (chart: Chart) => {
  new RealtimeService(chart, 'Svc', {
    name: 'rt',
    image: 'ghcr.io/acme/rt:1.0.0',
    http: { port: 8080, servicePort: 80 },
    websocket: { port: 8081, servicePort: 8081 },
    udp: { port: 9000, routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() },
    routes: { hosts: ['rt.example.com'], routes: [Route.http('/'), Route.websocket('/ws')] },
    ...overrides,
  } as any);
};
const validOverlay = (overrides: Record<string, unknown>) => (chart: Chart) => {
  new ManagedIngressOverlay(chart, 'Overlay', {
    name: 'cloud-ws',
    owner: { ingressName: 'cloud', serviceName: 'cloud', servicePort: 80 },
    hosts: ['api.example.com'],
    routes: [Route.websocket('/ws')],
    ...overrides,
  } as any);
};

describe('(b) invalid names, ports and paths always fail with a RealtimeConfigError naming the path and the prop', () => {
  test('RealtimeService names', () => {
    fc.assert(fc.property(badServiceName, (name) => expectConfigError(validService({ name }), `${APP}/Svc`, 'name')), params);
  });

  test('ManagedIngressOverlay names', () => {
    fc.assert(fc.property(badObjectName, (name) => expectConfigError(validOverlay({ name }), `${APP}/Overlay`, 'name')), params);
  });

  test('RealtimeService ports', () => {
    const which = fc.constantFrom('http.port', 'http.servicePort', 'websocket.port', 'websocket.servicePort', 'udp.port');
    fc.assert(fc.property(which, badPort, (prop, value) => {
      const [endpoint, field] = prop.split('.');
      const base: Record<string, any> = { http: { port: 8080, servicePort: 80 }, websocket: { port: 8081, servicePort: 8081 }, udp: { port: 9000, routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() } };
      expectConfigError(validService({ [endpoint]: { ...base[endpoint], [field]: value } }), `${APP}/Svc`, prop);
    }), params);
  });

  test('ManagedIngressOverlay owner ports', () => {
    fc.assert(fc.property(badPort, (servicePort) => expectConfigError(validOverlay({ owner: { ingressName: 'cloud', serviceName: 'cloud', servicePort } }), `${APP}/Overlay`, 'owner.servicePort')), params);
  });

  test('route paths, on both constructs', () => {
    fc.assert(fc.property(badPath, fc.boolean(), (p, ws) => {
      const route = ws ? Route.websocket(p) : Route.http(p);
      expectConfigError(validService({ routes: { hosts: ['rt.example.com'], routes: [Route.http('/ok'), route] } }), `${APP}/Svc`, 'routes.routes[1].path');
      // The overlay reports its own prop, routes[1].path (not RealtimeService's routes.routes[1].path).
      expectConfigError(validOverlay({ routes: [Route.websocket('/ok'), route] }), `${APP}/Overlay`, 'routes[1].path');
    }), params);
  });
});
