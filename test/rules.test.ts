import { RealtimeService, Spread, WebService, WorkerPool, WorkerScaling, checkChart, checkObject, formatProblem } from '../lib';
import { chart, exactly, find } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
const meta = (name: string) => ({ name, namespace: 'demo' });
const deployment = (patch: (d: any) => void = () => undefined) => {
  const d: any = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
    spec: {
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'web', image: 'x:1', ports: [{ name: 'http', containerPort: 8080 }] }] } },
    },
  };
  patch(d);
  return d;
};
const messages = (json: any, path = 'demo/X') => checkObject({ path, json }).map(formatProblem);

describe('API-server rules a schema misses', () => {
  test('a valid Deployment passes', () => expect(messages(deployment())).toEqual([]));

  test.each([
    ['selector not matching template labels', deployment((d) => { d.spec.template.metadata.labels = { app: 'other' }; }),
      '[demo/X] Deployment demo/web \'spec.selector.matchLabels\' is {"app":"web"}: must match spec.template.metadata.labels. Fix: make the template carry every selector label'],
    ['maxSurge and maxUnavailable both 0', deployment((d) => { d.spec.strategy.rollingUpdate.maxSurge = 0; }),
      '[demo/X] Deployment demo/web \'spec.strategy.rollingUpdate\' is {"maxSurge":0,"maxUnavailable":0}: must not have both maxSurge and maxUnavailable at 0. Fix: set maxSurge: 1'],
    ['a 16-character container port name', deployment((d) => { d.spec.template.spec.containers[0].ports[0].name = 'sixteen-chars-ab'; }),
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].ports[0].name\' is "sixteen-chars-ab": must be an IANA port name (at most 15 characters). Fix: shorten the name'],
    ['a probe on an undeclared port name', deployment((d) => { d.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 'admin' } }; }),
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].readinessProbe.port\' is "admin": must name a port of the container (http). Fix: probe an exposed port'],
    ['liveness successThreshold 2', deployment((d) => { d.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/', port: 'http' }, successThreshold: 2 }; }),
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].livenessProbe.successThreshold\' is 2: must be 1. Fix: set it to 1'],
    ['a request above its limit', deployment((d) => { d.spec.template.spec.containers[0].resources = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }; }),
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].resources.requests.memory\' is "2Gi": must not exceed the limit (1Gi). Fix: lower the request or raise the limit'],
    ['a preStop sleep longer than the grace period', deployment((d) => { d.spec.template.spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 60 } } }; }),
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds\' is 60: must be from 0 to terminationGracePeriodSeconds (30). Fix: shorten the sleep or raise the grace period'],
    ['an invalid object name', deployment((d) => { d.metadata.name = 'Web_App'; }),
      '[demo/X] Deployment demo/Web_App \'metadata.name\' is "Web_App": must be a DNS-1123 subdomain (lowercase, at most 253 characters). Fix: rename the object'],
    ['a 64-character label value', deployment((d) => { d.metadata.labels = { team: 'x'.repeat(64) }; }),
      `[demo/X] Deployment demo/web 'metadata.labels["team"]' is "${'x'.repeat(64)}": must be a valid label value (at most 63 characters). Fix: shorten or clean it`],
  ])('fails when %s', (_what, json, message) => {
    expect(messages(json)).toEqual([message]);
  });

  test.each([
    ['an Ingress path with //', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/a//b', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
      '[demo/X] Ingress demo/i \'spec.rules[0].http.paths[0].path\' is "/a//b": must not contain "//". Fix: fix the path'],
    ['an Ingress host that is an IP', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: { rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
      '[demo/X] Ingress demo/i \'spec.rules[0].host\' is "10.0.0.1": must be a DNS name, not an IP address. Fix: use a host name'],
    ['an nginx timeout with a unit', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { ...meta('i'), annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600s' } }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
      '[demo/X] Ingress demo/i \'metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]\' is "3600s": must be a plain integer number of seconds such as "3600" (ingress-nginx silently replaces anything else with 60). Fix: drop the unit'],
    ['an HPA with min above max', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('h'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 5, maxReplicas: 2 } },
      '[demo/X] HorizontalPodAutoscaler demo/h \'spec.maxReplicas\' is 2: must be at least minReplicas (5). Fix: raise maxReplicas'],
    ['an HPA stabilization window above 3600 s', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('h'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 7200, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } },
      '[demo/X] HorizontalPodAutoscaler demo/h \'spec.behavior.scaleDown.stabilizationWindowSeconds\' is 7200: must be from 0 to 3600. Fix: fix the window'],
    ['a PDB with a 150% budget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('p'), spec: { maxUnavailable: '150%', selector: { matchLabels: { app: 'web' } } } },
      '[demo/X] PodDisruptionBudget demo/p \'spec.maxUnavailable\' is "150%": must be a non-negative integer or a percentage up to 100%. Fix: fix the value'],
    ['a PDB that allows no disruption', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('p'), spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } },
      '[demo/X] PodDisruptionBudget demo/p \'spec\' is 0: must allow at least one disruption (node drains would hang). Fix: use maxUnavailable: 1'],
    ['a NetworkPolicy except outside its cidr', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('n'), spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }] } },
      '[demo/X] NetworkPolicy demo/n \'spec.egress[0].to[0].ipBlock.except\' is "192.168.0.0/16": must be a strict subset of 10.0.0.0/8. Fix: fix it'],
    ['a Service mixing TCP and UDP on a LoadBalancer', { apiVersion: 'v1', kind: 'Service', metadata: meta('s'), spec: { type: 'LoadBalancer', ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 8000, protocol: 'UDP' }] } },
      '[demo/X] Service demo/s \'spec.ports\' is ["TCP","UDP"]: must use one protocol per LoadBalancer Service (mixed-protocol load balancers depend on the cloud). Fix: split TCP and UDP into two Services'],
    ['a multi-port Service with an unnamed port', { apiVersion: 'v1', kind: 'Service', metadata: meta('s'), spec: { ports: [{ port: 80 }, { name: 'b', port: 81 }] } },
      '[demo/X] Service demo/s \'spec.ports[0].name\' is not set: must be set when a Service has more than one port. Fix: name the port'],
  ])('fails when %s', (_what, json, message) => {
    expect(messages(json)).toEqual([message]);
  });
  test('a credential in any string of an object is refused at the path of that string, and a Secret is not scanned', () => {
    const d = deployment((x) => { x.spec.template.spec.containers[0].env = [{ name: 'A', value: 'x' }, { name: 'DB', value: 'Host=db;Password=hunter22;' }]; });
    expect(messages(d)).toEqual([
      '[demo/X] Deployment demo/web \'spec.template.spec.containers[0].env[1].value\' is "Host=db;Password=***;": must carry no credential (found a credential in a key=value pair (password=, token=, AccountKey=, ...)): dist/ is committed in plain text. Fix: load the value from a Secret (ExternalSecretSource, KeyVaultSecretProviderClass or SecretMount.envFromSecret)']);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('conf'), data: { 'app.conf': 'url = redis://:s3cret@redis:6379' } };
    expect(messages(cm)).toEqual([
      '[demo/X] ConfigMap demo/conf \'data["app.conf"]\' is "url = redis://:***@redis:6379": must carry no credential (found a password in the URL\'s userinfo (scheme://user:password@host)): dist/ is committed in plain text. Fix: load the value from a Secret (ExternalSecretSource, KeyVaultSecretProviderClass or SecretMount.envFromSecret)']);
    expect(messages({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'Opaque' })).toEqual([]);
  });
});

describe('ConfigMap (ValidateConfigMap)', () => {
  const cm = (data: Record<string, string>, binaryData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('conf'), data, ...(binaryData ? { binaryData } : {}) });

  test('accepts config keys and 1 MiB of data in total', () => {
    expect(messages(cm({ 'livekit.yaml': 'a: b', 'a_b-c.D9': 'x'.repeat(1024 * 1024 - 5) }))).toEqual([]);
  });

  test('fails when the values total more than 1 MiB, data and binaryData together', () => {
    expect(messages(cm({ a: 'x'.repeat(700 * 1024) }, { b: Buffer.alloc(400 * 1024).toString('base64') }))).toEqual([
      `[demo/X] ConfigMap demo/conf 'data' is "1126400 bytes": must total at most 1048576 bytes (1 MiB, data and binaryData together: the API server's limit for a ConfigMap). Fix: split the data into several ConfigMaps, or ship large files in the image or a volume`]);
  });

  test.each([
    ['app config', 'be a config key: letters, digits, "-", "_" and "." only (it becomes a file name in a volume)', '"app-config"'],
    ['..data', 'not be "." or start with ".." (it becomes a file name in a volume)', '"data"'],
    ['x'.repeat(254), 'be at most 253 characters', `"${'x'.repeat(253)}"`],
  ])('fails when a key is %j', (key, allowed, fix) => {
    expect(messages(cm({ [key]: 'v' }))).toEqual([`[demo/X] ConfigMap demo/conf 'data["${key}"]' is "${key}": must ${allowed}. Fix: rename the key, e.g. ${fix}`]);
  });

  test('fails when a key is in data and binaryData', () => {
    expect(messages(cm({ k: 'v' }, { k: 'dg==' }))).toEqual([
      `[demo/X] ConfigMap demo/conf 'data["k"]' is "k": must not also be a key of binaryData. Fix: keep the key in one of data and binaryData`]);
  });
});

describe('rules across one chart', () => {
  const svc = (selector: any, ports: any[] = [{ name: 'http', port: 80, targetPort: 'http' }]) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector, ports } });
  test('fails when a Service selects no pod of the chart', () => {
    const problems = checkChart([{ path: 'demo/D', json: deployment() }, { path: 'demo/S', json: svc({ app: 'nope' }) }]).map(formatProblem);
    expect(problems).toEqual(['[demo/S] Service demo/web \'spec.selector\' is {"app":"nope"}: must select the pods of a workload in the same namespace. Fix: fix the selector']);
  });
  test('fails when an Ingress names a Service port that does not exist', () => {
    const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'websocket' } } } }] } }] } };
    const problems = checkChart([{ path: 'demo/D', json: deployment() }, { path: 'demo/S', json: svc({ app: 'web' }) }, { path: 'demo/I', json: ing }]).map(formatProblem);
    expect(problems).toEqual(['[demo/I] Ingress demo/i \'spec.rules[0].http.paths[0].backend.service.port\' is {"name":"websocket"}: must name a TCP port of Service web (http:80/TCP). Fix: point at an existing TCP port']);
  });
  test('a Service selecting pods someone else deploys (no workload in the chart) is allowed', () => {
    expect(checkChart([{ path: 'demo/S', json: svc({ 'app.kubernetes.io/instance': 'cloud-prod' }) }])).toEqual([]);
  });
});

describe('spread versus replicas', () => {
  const zoneAntiAffinity = (replicas: number) => deployment((d) => {
    d.spec.replicas = replicas;
    d.spec.template.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'web' } } }] } };
  });
  const hpa = (max: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 4, maxReplicas: max } });

  test('fails when required zone anti-affinity meets an HPA that scales past the zones (the cdk8s-plus spread trap)', () => {
    const problems = checkChart([{ path: 'demo/D', json: zoneAntiAffinity(4) }, { path: 'demo/H', json: hpa(15) }]).map(formatProblem);
    expect(problems).toEqual(['[demo/D] Deployment demo/web \'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]\' is "topology.kubernetes.io/zone": '
      + 'must allow every replica to schedule: required anti-affinity across zones places at most one pod per zone, but up to 15 replicas can run (HPA web maxReplicas); with 3 zones, 12 stay Pending. '
      + 'Fix: spread with topologySpreadConstraints and whenUnsatisfiable: ScheduleAnyway (RealtimeService `spread`), or use preferred anti-affinity']);
  });

  test('fails for a fixed replica count above the zones too, and passes at or below it', () => {
    expect(checkChart([{ path: 'demo/D', json: zoneAntiAffinity(5) }])).toHaveLength(1);
    expect(checkChart([{ path: 'demo/D', json: zoneAntiAffinity(3) }])).toEqual([]);
  });
});

// The Spread prop of the workload constructs (the rule above refuses a spread the replicas cannot meet).
// GIVEN a workload construct WHEN spread is chosen THEN its Deployment carries exactly those keys.
const keysOf = (d: any) => (d.spec.template.spec.topologySpreadConstraints ?? []).map((c: any) => c.topologyKey);

describe('Spread', () => {
  const svc = (spread?: boolean | Spread) => {
    const c = chart();
    new RealtimeService(c, 'Svc', { name: 'svc', image: 'example/svc:1.0.0', http: { port: 8080 }, replicas: 2, spread });
    return find(c, 'Deployment', 'svc');
  };
  test('zones and nodes by default, and for true and Spread.zonesAndNodes()', () => {
    for (const s of [undefined, true, Spread.zonesAndNodes()]) expect(keysOf(svc(s))).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });
  test('Spread.nodes() spreads over nodes only (clusters without zone labels)', () => {
    expect(svc(Spread.nodes()).spec.template.spec.topologySpreadConstraints).toEqual([{
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'svc' } }, matchLabelKeys: ['pod-template-hash'],
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
    }]);
  });
  test('false and Spread.none() emit no constraints', () => {
    for (const s of [false, Spread.none()]) expect(svc(s).spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
  test('WebService and WorkerPool take it too', () => {
    const c = chart();
    new WebService(c, 'Web', { name: 'web', image: 'example/web:1.0.0', http: { port: 8080 }, replicas: 2, spread: Spread.nodes() });
    new WorkerPool(c, 'Pool', { name: 'pool', image: 'example/pool:1.0.0', http: { port: 8080 }, scaling: WorkerScaling.fixed(2), spread: Spread.nodes() });
    expect(keysOf(find(c, 'Deployment', 'web'))).toEqual(['kubernetes.io/hostname']);
    expect(keysOf(find(c, 'Deployment', 'pool'))).toEqual(['kubernetes.io/hostname']);
  });
  test('fails when spread is neither a boolean nor a Spread', () => {
    expect(() => svc({ topologyKeys: ['kubernetes.io/hostname'] } as any)).toThrow(exactly(
      "[test/Svc] RealtimeService 'spread' is {\"topologyKeys\":[\"kubernetes.io/hostname\"]}: must be true, false or a Spread. Fix: pass true, false or a Spread"));
  });
});
