import { parseAllDocuments } from 'yaml';
import { synthesize } from '../lib';
import { mentraCloud } from '../apps/mentra-cloud';
import { nexusRuntime } from '../apps/nexus-runtime';
import { committedDist } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

function objects(files: ReadonlyMap<string, string>): Array<{ file: string; obj: Obj }> {
  return [...files.entries()].filter(([f]) => f.endsWith('.yaml')).map(([file, text]) => ({ file, obj: parseAllDocuments(text)[0].toJSON() }));
}
// The committed dist/, which test/synthesizer.test.ts proves is what the reference apps synthesize.
const all = objects(committedDist());
const find = (kind: string, pred: (o: Obj) => boolean = () => true) => all.filter(({ obj }) => obj.kind === kind && pred(obj));

describe('S1 mentra-cloud', () => {
  const s1 = all.filter(({ file }) => file.startsWith('mentra-cloud/'));
  const targets = ['us-central/debug', 'us-central/dev', 'us-central/staging', 'us-central/prod', 'east-asia/prod', 'france/prod'];

  test('one WebSocket overlay per cluster/env with 3600 s read/send and 60 s connect on /glasses-ws and /app-ws', () => {
    const overlays = s1.filter(({ obj }) => obj.kind === 'Ingress');
    expect(overlays.map(({ file }) => file.split('/').slice(1, 3).join('/'))).toEqual(expect.arrayContaining(targets));
    expect(overlays).toHaveLength(6);
    for (const { file, obj } of overlays) {
      const env = file.split('/')[2];
      expect(obj.metadata.name).toBe(`cloud-${env}-cloud-ws`);
      expect(obj.metadata.annotations).toEqual({
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-connect-timeout': '60',
      });
      expect(obj.metadata.labels).toBeUndefined();
      for (const rule of obj.spec.rules) {
        expect(rule.http.paths.map((p: Obj) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number]))
          .toEqual([['/glasses-ws', 'Prefix', `cloud-${env}-cloud`, 80], ['/app-ws', 'Prefix', `cloud-${env}-cloud`, 80]]);
      }
      expect(obj.spec.ingressClassName).toBe('nginx');
    }
  });

  test('overlays carry no ownership labels or annotations and reuse Porter\'s TLS secrets', () => {
    const debug = find('Ingress', (o) => o.metadata.name === 'cloud-debug-cloud-ws')[0].obj;
    expect(JSON.stringify(debug.metadata)).not.toMatch(/managed-by|app\.kubernetes\.io\/instance|helm\.sh|meta\.helm\.sh/);
    expect(debug.spec.tls).toContainEqual({ hosts: ['debug.augmentos.cloud'], secretName: 'cloud-debug-cloud-debug-augmentos-cloud' });
    expect(debug.spec.rules.map((r: Obj) => r.host)).toEqual(['debug.augmentos.cloud', 'debugapi.mentra.glass']);
  });

  test('no Service or Deployment of Porter\'s is emitted', () => {
    expect(s1.filter(({ obj }) => obj.kind === 'Deployment' || (obj.kind === 'Service' && obj.spec.type !== 'LoadBalancer'))).toEqual([]);
  });

  test('one UDP LoadBalancer cloud-<env>-udp on 8000/UDP with externalTrafficPolicy Local per cluster/env', () => {
    const lbs = s1.filter(({ obj }) => obj.kind === 'Service' && obj.spec.type === 'LoadBalancer');
    expect(lbs).toHaveLength(6);
    for (const { file, obj } of lbs) {
      const env = file.split('/')[2];
      expect(obj.metadata.name).toBe(`cloud-${env}-udp`);
      expect(obj.spec.externalTrafficPolicy).toBe('Local');
      expect(obj.spec.ports).toEqual([{ name: 'audio', port: 8000, protocol: 'UDP', targetPort: 8000 }]);
    }
  });

  test('snapshot', () => {
    expect(Object.fromEntries(synthesize([mentraCloud]).files)).toMatchSnapshot();
  });
});

describe('S2 nexus-runtime', () => {
  const s2 = (kind: string, name: string) => all.filter(({ file, obj }) => file.startsWith('nexus-runtime/') && obj.kind === kind && obj.metadata.name === name);
  const svc = s2('Service', 'nexus-runtime')[0].obj;
  const np = s2('NetworkPolicy', 'nexus-runtime')[0].obj;

  test('Service ports are named http and websocket', () => {
    expect(svc.metadata.namespace).toBe('nexus-runtime');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'websocket', port: 3001, protocol: 'TCP', targetPort: 'websocket' },
    ]);
  });

  test('Ingresses route / to http and /panels to websocket, without the non-existent websocket-services annotation', () => {
    const ing = find('Ingress', (o) => o.metadata.namespace === 'nexus-runtime');
    const paths = ing.flatMap(({ obj }) => obj.spec.rules[0].http.paths.map((p: Obj) => [obj.metadata.name, p.path, p.backend.service.port.name]));
    expect(paths).toEqual(expect.arrayContaining([['nexus-runtime', '/', 'http'], ['nexus-runtime-ws', '/panels', 'websocket']]));
    expect(JSON.stringify(ing)).not.toContain('websocket-services');
    expect(ing.find(({ obj }) => obj.metadata.name === 'nexus-runtime-ws')!.obj.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
  });

  test('two replicas and the seed\'s /health probe timings', () => {
    const dep = find('Deployment', (o) => o.metadata.name === 'nexus-runtime')[0].obj;
    expect(dep.spec.replicas).toBe(2);
    const c = dep.spec.template.spec.containers[0];
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
  });

  test('NetworkPolicy uses kubernetes.io/metadata.name, allows DNS on UDP and TCP 53, and HTTPS outside RFC 1918', () => {
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const nsLabels = np.spec.ingress.flatMap((r: Obj) => r.from.map((f: Obj) => f.namespaceSelector?.matchLabels));
    expect(nsLabels).toEqual([{ 'kubernetes.io/metadata.name': 'ingress-nginx' }, { 'kubernetes.io/metadata.name': 'monitoring' }]);
    expect(JSON.stringify(np)).not.toContain('"name":"ingress-nginx"');
    const dns = np.spec.egress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 53));
    expect(dns.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    const web = np.spec.egress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 443));
    expect(web.to[0].ipBlock).toEqual({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] });
  });

  test('snapshot', () => {
    expect(Object.fromEntries(synthesize([nexusRuntime]).files)).toMatchSnapshot();
  });
});

describe('every Deployment in dist/', () => {
  const deployments = find('Deployment');
  test('there are some', () => expect(deployments.length).toBeGreaterThan(0));
  test.each(deployments.map(({ file, obj }) => [file, obj]))('%s is Pod Security "restricted" and rolls out with maxUnavailable 0', (_file, obj) => {
    const pod = obj.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(c.image).not.toMatch(/:latest$/);
    }
    expect(obj.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });
});

describe('S2 nexus-runtime on a second cluster with Envoy Gateway', () => {
  const gw = all.filter(({ file }) => file.startsWith('nexus-runtime-gateway/'));
  const of = (kind: string, name: string) => gw.find(({ obj }) => obj.kind === kind && obj.metadata.name === name)!.obj;

  test('HTTPRoutes on the platform\'s Gateway listener, and a BackendTrafficPolicy per HTTPRoute with the WebSocket idle timeout', () => {
    expect(gw.map(({ obj }) => `${obj.kind}/${obj.metadata.name}`).sort()).toEqual([
      'BackendTrafficPolicy/nexus-runtime', 'BackendTrafficPolicy/nexus-runtime-ws', 'Deployment/nexus-runtime', 'HTTPRoute/nexus-runtime', 'HTTPRoute/nexus-runtime-ws',
      'Namespace/nexus-runtime', 'NetworkPolicy/default-deny', 'NetworkPolicy/nexus-runtime', 'PodDisruptionBudget/nexus-runtime', 'Service/nexus-runtime',
    ]);
    expect(of('HTTPRoute', 'nexus-runtime-ws').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'envoy-gateway-system', sectionName: 'https' }]);
    expect(of('HTTPRoute', 'nexus-runtime-ws').spec.rules[0]).toMatchObject({ backendRefs: [{ name: 'nexus-runtime', port: 3001 }], timeouts: { request: '0s', backendRequest: '0s' } });
    expect(of('HTTPRoute', 'nexus-runtime').spec.rules[0].timeouts).toEqual({ request: '60s', backendRequest: '60s' });
    expect(of('BackendTrafficPolicy', 'nexus-runtime-ws').spec.timeout).toEqual({ http: { streamIdleTimeout: '3600s' }, tcp: { connectTimeout: '10s' } });
  });

  test('the NetworkPolicy admits the Gateway\'s proxies from envoy-gateway-system; the workload is the same as on the ingress-nginx cluster', () => {
    expect(JSON.stringify(of('NetworkPolicy', 'nexus-runtime').spec.ingress[0].from)).toBe('[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"envoy-gateway-system"}}}]');
    const first = all.find(({ file, obj }) => file.startsWith('nexus-runtime/') && obj.kind === 'Deployment')!.obj;
    expect(of('Deployment', 'nexus-runtime')).toEqual(first);
  });
});
