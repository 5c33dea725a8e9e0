// A mutation fuzz of every public construct and several factories: each prop of a valid input is
// replaced in turn by a value of the wrong shape or kind (null, "", [], {}, NaN, a function, a
// CIDR with /33, the IP 300.1.2.3, a URL with a password, ...). Every result must be a
// RealtimeConfigError or a valid construct: never a raw TypeError. Deterministic (no randomness).
// A plain `npm test` runs every third mutation (each prop still gets six or seven of the values,
// and every value many props); CI runs all of them (CDK8SRT_PROPERTY_RUNS=full, see propertyRuns).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { App, Chart, Duration } from 'cdk8s';
import * as L from '../lib';
import { propertyRuns } from './util';

const A = L as any;
const IMAGE = 'ghcr.io/acme/game:1.0.0';
const chart = () => new Chart(new App(), 'test', { namespace: 'game' });
const bases: Array<[string, (p: any) => unknown, any]> = [
  ['RealtimeService', (p) => new A.RealtimeService(chart(), 'S', p), { name: 'game', image: IMAGE, http: { port: 8080 }, websocket: { port: 8081 }, udp: { port: 7000, preset: A.LoadBalancerPreset.metalLb(), routing: A.UdpRouting.clientIpAffinity(), sourceRanges: ['10.0.0.0/8'] }, env: { A: 'b' }, args: ['--x'], resources: { cpuRequest: '100m' }, probes: { path: '/h', startup: { period: Duration.seconds(5) } }, shutdown: { drainTimeout: Duration.seconds(30) }, autoscaling: { minReplicas: 2, maxReplicas: 4, scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(60) }] } }, routes: { hosts: ['a.example.com'], routes: [A.Route.http('/api'), A.Route.websocket('/ws')], annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' }, tlsSecretName: 'tls' }, networkPolicy: { allowFrom: [{ peer: A.Peer.namespace('mon'), endpoints: ['http'] }], allowTo: [{ peers: [A.Peer.cidr('10.0.0.0/8')], ports: [{ protocol: 'TCP', port: 5432 }] }] }, minReady: Duration.seconds(5) }],
  ['WorkerPool', (p) => new A.WorkerPool(chart(), 'W', p), { name: 'w', image: IMAGE, http: { port: 8080 }, scaling: A.WorkerScaling.fixed(2) }],
  ['MediaServer', (p) => new A.MediaServer(chart(), 'M', p), { name: 'livekit', image: IMAGE, nodes: { nodeSelector: { pool: 'media' }, tolerations: [{ key: 'media', effect: 'NoSchedule' }], subnet: '10.1.0.0/16' }, udpPortRange: { start: 50000, end: 50100 }, redisAddress: 'redis:6379', config: { logging: { level: 'info' } }, rollout: { maxUnavailable: 1 } }],
  ['ManagedIngressOverlay', (p) => new A.ManagedIngressOverlay(chart(), 'O', p), { name: 'ov', owner: { ingressName: 'own', serviceName: 'own', servicePort: 80, paths: ['/'], tls: A.OwnerTls.secret('tls') }, hosts: ['a.example.com'], routes: [A.Route.websocket('/ws')], labels: { a: 'b' }, hops: [A.Hop.nginxStream(Duration.hours(2))] }],
  ['UdpLoadBalancer', (p) => new A.UdpLoadBalancer(chart(), 'U', p), { name: 'u', selector: { a: 'b' }, ports: [{ name: 'udp', port: 7000, targetPort: 7000 }], sourceRanges: ['10.0.0.0/8'], labels: { x: 'y' } }],
  ['ManagedDependency', (p) => new A.ManagedDependency(chart(), 'D', p), { name: 'pg', externalName: 'db.example.com', ports: [A.DependencyPort.postgres()], cidrs: ['10.2.0.0/24'] }],
  ['ExternalSecretSource', (p) => new A.ExternalSecretSource(chart(), 'E', p), { name: 'env', store: A.SecretStoreRef.clusterSecretStore('aws'), data: [A.RemoteSecret.awsSecretsManagerJson('app/prod')], refreshInterval: Duration.hours(1) }],
  ['KeyVaultSecretProviderClass', (p) => new A.KeyVaultSecretProviderClass(chart(), 'K', p), { name: 'kv', keyVaultName: 'vault', tenantId: '00000000-0000-0000-0000-000000000000', clientId: '00000000-0000-0000-0000-000000000000', serviceAccountName: 'sa', objects: [{ name: 'db-password' }], sync: { secretName: 'kv', keys: { DB: 'db-password' } } }],
  ['WorkloadNetworkPolicy', (p) => new A.WorkloadNetworkPolicy(chart(), 'N', p), { name: 'np', podSelector: { a: 'b' }, ingress: [{ peers: [A.Peer.namespace('x')], ports: [{ protocol: 'TCP', port: 80 }] }], egress: [] }],
  ['NamespaceIsolation', (p) => new A.NamespaceIsolation(chart(), 'I', p), { namespace: 'game', name: 'deny', labels: { a: 'b' } }],
  ['NginxStreamLoadBalancer', (p) => new A.NginxStreamLoadBalancer(chart(), 'L', p), { servers: [{ name: 'a', address: '10.0.0.1', port: 443 }], routes: [A.Route.websocket('/ws')], proxyTimeout: Duration.hours(2), connectTimeout: Duration.seconds(5), maxFails: 3, failTimeout: Duration.seconds(10), listenPort: 443, upstreamName: 'up' }],
  ['GatewayUdpRoute', (p) => new A.GatewayUdpRoute(chart(), 'G', p), { name: 'g', gateway: { name: 'edge', namespace: 'gw', sectionName: 'udp' }, implementation: A.GatewayImplementation.envoyGateway(), serviceName: 'game-udp', port: 7777 }],
  ['ArgoCdApplication', (p) => new A.ArgoCdApplication(chart(), 'A', p), { name: 'app', repoURL: 'https://git.example.com/r.git', targetRevision: 'main', path: 'dist/app', destination: A.ArgoCdCluster.inCluster(), destinationNamespace: 'game', prune: true, syncWave: 1, labels: { a: 'b' } }],
  ['Fleet', (p) => new A.Fleet(p), { clusters: [{ name: 'c', envs: ['prod'], provider: A.ClusterProvider.aks(), loadBalancer: A.LoadBalancerPreset.none(), ingress: A.IngressController.nginx() }] }],
  ['IngressController.awsAlb', (p) => A.IngressController.awsAlb(p), { idleTimeout: Duration.seconds(60), scheme: 'internet-facing', sourceCidrs: ['10.0.0.0/8'], groupName: 'g', healthCheckPath: '/h', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }],
  ['IngressController.traefik', (p) => A.IngressController.traefik(p), { entryPoints: ['websecure'], entryPointTimeouts: { readTimeout: Duration.seconds(0) }, namespace: 'traefik' }],
  ['Route.websocket', (p) => A.Route.websocket('/ws', p), { idleTimeout: Duration.hours(1), heartbeatInterval: Duration.seconds(30), connectTimeout: Duration.seconds(5), match: 'Prefix', port: 'websocket' }],
  ['LoadBalancerPreset.metalLb', (p) => A.LoadBalancerPreset.metalLb(p), { addressPool: 'pool', sharingKey: 'k', loadBalancerIps: ['192.168.1.10'] }],
];
const WEIRD: unknown[] = [null, '', ' ', 'a b', [], {}, 0, -1, 1.5, NaN, true, () => 1, 'redis://:pw@h', '10.0.0.0/33', '300.1.2.3', [null], [{}], new Date(0), Symbol('s')];
function paths(o: any, pre: string[] = [], out: string[][] = []): string[][] {
  if (o && typeof o === 'object' && (Array.isArray(o) || Object.getPrototypeOf(o) === Object.prototype)) {
    for (const k of Object.keys(o)) { out.push([...pre, k]); paths(o[k], [...pre, k], out); }
  }
  return out;
}
function setAt(o: any, p: string[], v: unknown): any {
  const c = structuredCloneish(o);
  let x = c; for (const k of p.slice(0, -1)) x = x[k]; x[p[p.length - 1]] = v; return c;
}
function structuredCloneish(o: any): any {
  if (Array.isArray(o)) return o.map(structuredCloneish);
  if (o && typeof o === 'object' && Object.getPrototypeOf(o) === Object.prototype) return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, structuredCloneish(v)]));
  return o;
}

/** 1 (every mutation) when the property tests run in full, else 3 (every third). */
const STRIDE = propertyRuns(60) >= 60 ? 1 : 3;

/** Builds every `stride`-th mutation; returns the raw (non-RealtimeConfigError) errors and the counts. */
function run(list: typeof bases, stride = 1): { raw: string[]; refused: number; accepted: number; misleading: string[] } {
  const raw: string[] = [];
  const misleading: string[] = [];
  let refused = 0;
  let accepted = 0;
  let n = 0;
  for (const [name, make, base] of list) {
    make(base); // the unmutated input is valid
    for (const p of paths(base)) {
      for (const w of WEIRD) {
        if (n++ % stride !== 0) continue;
        try {
          make(setAt(base, p, w));
          accepted++;
        } catch (e) {
          if (e instanceof L.RealtimeConfigError) {
            refused++;
            // A fix is never built from the bad value ("undefined:1.0.0", "NaN", "[object Object]"),
            // and a message never repeats a password.
            for (const pr of e.problems) {
              if (/undefined|\[object |NaN|"null|null:|=> 1|Symbol\(/.test(pr.fix.replace('leave it undefined', ''))) misleading.push(`${name} ${p.join('.')}: ${e.message}`);
            }
            if (e.message.includes(':pw@')) misleading.push(`${name} ${p.join('.')}: ${e.message}`);
          }
          else raw.push(`${name} ${p.join('.')} = ${typeof w === 'symbol' ? 'Symbol' : typeof w === 'function' ? 'a function' : JSON.stringify(w)}: ${String(e)}`);
        }
      }
    }
  }
  return { raw, refused, accepted, misleading };
}

describe('mutation fuzz of the public inputs', () => {
  test('no mutation gives a raw error; most are refused', () => {
    const { raw, refused, accepted, misleading } = run(bases, STRIDE);
    expect(raw).toEqual([]);
    expect(misleading).toEqual([]);
    expect(refused).toBeGreaterThan(3500 / STRIDE);
    expect(refused / (refused + accepted)).toBeGreaterThan(0.9);
  });

  test('negative control: the harness reports a fix built from the bad value, and a repeated password', () => {
    const fixFromValue: typeof bases = [['Leaky', (p) => {
      if (typeof p.a !== 'string') throw new L.RealtimeConfigError([{ path: 'x', subject: 'X', prop: 'a', value: p.a, allowed: 'be a string', fix: `use "${String(p.a)}:1.0.0"` }]);
      if (p.a.includes('@')) throw new L.RealtimeConfigError([{ path: 'x', subject: 'X', prop: 'a', value: 'hidden', allowed: 'be clean', fix: `not ${p.a}` }]);
    }, { a: 'x' }]];
    const { misleading } = run(fixFromValue);
    expect(misleading.some((m) => m.includes('undefined:1.0.0') || m.includes('NaN:1.0.0'))).toBe(true);
    expect(misleading.some((m) => m.includes(':pw@'))).toBe(true);
  });

  test('negative control: the harness reports a construct that throws a raw TypeError', () => {
    const broken: typeof bases = [['Broken', (p) => (p.a as any).toUpperCase(), { a: 'x' }]];
    // Every value that is not a string has no toUpperCase: a raw TypeError each.
    expect(run(broken).raw.length).toBe(WEIRD.filter((w) => typeof w !== 'string').length);
  });
});
