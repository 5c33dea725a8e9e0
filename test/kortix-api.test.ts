// S5 kortix-api (seed 004, Kortix suna-api on EKS): every number of the seed, asserted one by one
// against the app's committed dist/ folder (test/synthesizer.test.ts proves it is what the app
// synthesizes), and a snapshot of that folder.
import { parseAllDocuments } from 'yaml';
import { KORTIX } from '../apps/kortix-api';
import { scanObjects } from './security-scan';
import { committedApp } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const files = committedApp('kortix-api');
const all: Obj[] = [...files.entries()].filter(([f]) => f.endsWith('.yaml')).map(([, text]) => parseAllDocuments(text)[0].toJSON());
function one(kind: string, name: string): Obj {
  const hits = all.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${hits.length}`);
  return hits[0];
}
const deployment = one('Deployment', 'suna-api');
const pod = deployment.spec.template.spec;
const container = pod.containers.find((c: Obj) => c.name === 'suna-api');

describe('S5 kortix-api: the seed\'s numbers', () => {
  test('everything lives in namespace suna, which the app owns (Pod Security "restricted", first sync wave)', () => {
    expect([...new Set(all.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))]).toEqual(['suna']);
    expect(one('Namespace', 'suna').metadata).toEqual({
      name: 'suna',
      annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
      labels: Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((m) => [[`pod-security.kubernetes.io/${m}`, 'restricted'], [`pod-security.kubernetes.io/${m}-version`, 'latest']])),
    });
  });

  test('Deployment, Service, HPA, PDB and Ingress are all named suna-api', () => {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress']) {
      expect(one(kind, 'suna-api').metadata.name).toBe('suna-api');
    }
  });

  test('the app listens on port 8000, behind a ClusterIP Service on 8000', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(one('Service', 'suna-api').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'suna-api' }, ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('no UDP anywhere', () => {
    // UDP appears once: the DNS egress to the cluster DNS (UDP 53).
    const udp = JSON.stringify(all).match(/"UDP"/g) ?? [];
    expect(udp).toHaveLength(1);
    expect(one('NetworkPolicy', 'suna-api').spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(container.ports.map((p: Obj) => p.protocol)).toEqual(['TCP']);
    expect(all.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')).toEqual([]);
  });

  test('CPU request 500m, CPU limit 1500m', () => {
    expect(container.resources.requests.cpu).toBe('500m');
    expect(container.resources.limits.cpu).toBe('1500m');
  });

  test('memory request 2Gi, memory limit 3Gi', () => {
    expect(container.resources.requests.memory).toBe('2Gi');
    expect(container.resources.limits.memory).toBe('3Gi');
  });

  test('startup probe: GET /v1/health-docker, initial delay 10 s, every 10 s, timeout 5 s, 12 failures (130 s to boot)', () => {
    const p = container.startupProbe;
    expect(p.httpGet).toEqual({ path: '/v1/health-docker', port: 'http', scheme: 'HTTP' });
    expect(p.initialDelaySeconds).toBe(10);
    expect(p.periodSeconds).toBe(10);
    expect(p.timeoutSeconds).toBe(5);
    expect(p.failureThreshold).toBe(12);
    expect(p.initialDelaySeconds + p.periodSeconds * p.failureThreshold).toBe(130);
  });

  test('readiness probe: GET /v1/health-docker, initial delay 15 s, every 10 s, timeout 5 s, 3 failures', () => {
    const p = container.readinessProbe;
    expect(p.httpGet).toEqual({ path: '/v1/health-docker', port: 'http', scheme: 'HTTP' });
    expect(p.initialDelaySeconds).toBe(15);
    expect(p.periodSeconds).toBe(10);
    expect(p.timeoutSeconds).toBe(5);
    expect(p.failureThreshold).toBe(3);
  });

  test('liveness probe: GET /v1/health-docker, initial delay 30 s, every 30 s, timeout 5 s, 3 failures', () => {
    const p = container.livenessProbe;
    expect(p.httpGet).toEqual({ path: '/v1/health-docker', port: 'http', scheme: 'HTTP' });
    expect(p.initialDelaySeconds).toBe(30);
    expect(p.periodSeconds).toBe(30);
    expect(p.timeoutSeconds).toBe(5);
    expect(p.failureThreshold).toBe(3);
  });

  test('rolling update: maxUnavailable 0, maxSurge 1', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('terminationGracePeriodSeconds 120 = 15 s preStop sleep + 105 s drain', () => {
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 15 } } });
  });

  test('pods spread across nodes (and zones) with topologySpreadConstraints', () => {
    expect(pod.topologySpreadConstraints.map((t: Obj) => [t.topologyKey, t.maxSkew, t.whenUnsatisfiable, t.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', 1, 'ScheduleAnyway', { 'app.kubernetes.io/name': 'suna-api' }],
      ['kubernetes.io/hostname', 1, 'ScheduleAnyway', { 'app.kubernetes.io/name': 'suna-api' }],
    ]);
  });

  test('HPA: 4 to 15 pods at 70 % average CPU; the Deployment leaves the count to it', () => {
    const spec = one('HorizontalPodAutoscaler', 'suna-api').spec;
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'suna-api' });
    expect(spec.minReplicas).toBe(4);
    expect(spec.maxReplicas).toBe(15);
    expect(spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  test('HPA scale-up: double (100 %) every 60 s, after a 30 s stabilization window', () => {
    const up = one('HorizontalPodAutoscaler', 'suna-api').spec.behavior.scaleUp;
    expect(up.stabilizationWindowSeconds).toBe(30);
    expect(up.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 60 }]);
  });

  test('HPA scale-down: at most 25 % every 60 s, after a 300 s (5 min) stabilization window', () => {
    const down = one('HorizontalPodAutoscaler', 'suna-api').spec.behavior.scaleDown;
    expect(down.stabilizationWindowSeconds).toBe(300);
    expect(down.policies).toEqual([{ type: 'Percent', value: 25, periodSeconds: 60 }]);
  });

  test('PDB keeps at least 50 % of the pods', () => {
    const spec = one('PodDisruptionBudget', 'suna-api').spec;
    expect(spec.minAvailable).toBe('50%');
    expect(spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'suna-api' } });
  });

  test('an internet-facing ALB Ingress for api-eks.kortix.com, health-checked on /v1/health-docker, idle timeout long enough for streams', () => {
    const ing = one('Ingress', 'suna-api');
    expect(ing.spec.ingressClassName).toBe('alb');
    expect(ing.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]',
      'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=3600',
      'alb.ingress.kubernetes.io/healthcheck-path': '/v1/health-docker',
    });
    expect(ing.spec.rules).toEqual([{ host: 'api-eks.kortix.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'suna-api', port: { name: 'http' } } } }] } }]);
  });

  test('the ALB (target type ip) reaches the pods from the VPC: the NetworkPolicy allows the VPC CIDR on 8000, and no namespace', () => {
    const np = one('NetworkPolicy', 'suna-api');
    expect(np.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: KORTIX.vpcCidr } }], ports: [{ protocol: 'TCP', port: 8000 }] }]);
  });
});

describe('S5 kortix-api: secret suna-env from AWS Secrets Manager', () => {
  test('an ExternalSecret extracts every key of the JSON secret suna-env-prod into Secret suna-env', () => {
    expect(one('ExternalSecret', 'suna-env')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'suna-env', namespace: 'suna' },
      spec: {
        dataFrom: [{ extract: { key: 'suna-env-prod' } }],
        refreshInterval: '1h0m0s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'suna-env', creationPolicy: 'Owner' },
      },
    });
  });

  test('the pods load it with envFrom, and no Secret object (let alone data) is in dist/', () => {
    expect(container.envFrom).toEqual([{ secretRef: { name: 'suna-env' } }]);
    expect(container).not.toHaveProperty('env');
    expect(all.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('S5 kortix-api: dist/kortix-api/', () => {
  test('files', () => {
    expect([...files.keys()]).toEqual([
      'kortix-api/PREREQUISITES.md',
      'kortix-api/TOPOLOGY.md',
      'kortix-api/_cluster.namespace.suna.yaml',
      'kortix-api/suna.deployment.suna-api.yaml',
      'kortix-api/suna.externalsecret.suna-env.yaml',
      'kortix-api/suna.horizontalpodautoscaler.suna-api.yaml',
      'kortix-api/suna.ingress.suna-api.yaml',
      'kortix-api/suna.networkpolicy.default-deny.yaml',
      'kortix-api/suna.networkpolicy.suna-api.yaml',
      'kortix-api/suna.poddisruptionbudget.suna-api.yaml',
      'kortix-api/suna.service.suna-api.yaml',
    ]);
  });

  test('passes the security scan: Pod Security restricted, pinned image, default-deny in suna, no Secret data', () => {
    expect(scanObjects(all)).toEqual([]);
  });

  test('snapshot', () => {
    expect(Object.fromEntries(files)).toMatchSnapshot();
  });
});
