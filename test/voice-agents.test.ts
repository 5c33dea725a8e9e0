// S4 voice-agents, asserted against the app's committed dist/ folder (test/synthesizer.test.ts
// proves it is what the app synthesizes).
import { parse, parseAllDocuments } from 'yaml';
import { VOICE_FLEET } from '../apps/voice-agents';
import { scanObjects } from './security-scan';
import { committedApp } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const files = committedApp('voice-agents');
const folder = (dir: string): Obj[] => [...files.entries()]
  .filter(([f]) => f.startsWith(`${dir}/`) && f.endsWith('.yaml'))
  .map(([, text]) => parseAllDocuments(text)[0].toJSON());
const prod = folder('voice-agents/aks-eastus/prod');
const one = (kind: string, name: string): Obj => {
  const hits = prod.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(hits).toHaveLength(1);
  return hits[0];
};
const policy = (name: string) => one('NetworkPolicy', name).spec;

describe('S4 voice-agents', () => {
  test('one folder per fleet target: dist/voice-agents/aks-eastus-staging/staging and dist/voice-agents/aks-eastus/prod', () => {
    expect(VOICE_FLEET.targets.map((t) => `${t.cluster}/${t.env}`)).toEqual(['aks-eastus-staging/staging', 'aks-eastus/prod']);
    expect([...new Set([...files.keys()].filter((f) => f.split('/').length > 3).map((f) => f.split('/').slice(0, 3).join('/')))].sort()).toEqual(['voice-agents/aks-eastus-staging/staging', 'voice-agents/aks-eastus/prod'].sort());
  });

  test('agent-node scales 2-50 on rooms per pod, with no Service', () => {
    const hpa = one('HorizontalPodAutoscaler', 'agent-node').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 50]);
    expect(hpa.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'livekit_rooms' }, target: { type: 'AverageValue', averageValue: '1' } } }]);
    expect(prod.filter((o) => o.kind === 'Service' && o.metadata.name === 'agent-node')).toEqual([]);
    const c = one('Deployment', 'agent-node').spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'LIVEKIT_URL', value: 'ws://livekit.livekit.svc.cluster.local:7880' }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'agent-node-env' } }]);
  });

  test('landing-page runs 2-3 replicas behind the ingress; monitor-node 2 replicas with a WebSocket route and no UDP', () => {
    const hpa = one('HorizontalPodAutoscaler', 'landing-page').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 3]);
    expect(one('Ingress', 'landing-page').spec.rules[0].host).toBe('voice.example.com');
    expect(one('Deployment', 'monitor-node').spec.replicas).toBe(2);
    expect(one('Ingress', 'monitor-node-ws').metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect(prod.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')).toEqual([]);
  });

  test('LiveKit: 7880/TCP signalling via Service and route, 7881/TCP and 50000-60000/UDP on the dedicated nodes', () => {
    const spec = one('DaemonSet', 'livekit').spec;
    expect(spec.template.spec.hostNetwork).toBe(true);
    expect(spec.template.spec.nodeSelector).toEqual({ agentpool: 'media' });
    expect(spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    const config = parse(spec.template.spec.containers[0].env.find((e: Obj) => e.name === 'LIVEKIT_CONFIG').value);
    expect(config.rtc).toEqual({ tcp_port: 7881, port_range_start: 50000, port_range_end: 60000, use_external_ip: true });
    expect(config.redis).toEqual({ address: 'voice-agents-prod.redis.cache.windows.net:6380', use_tls: true });
    expect(one('Service', 'livekit').spec.ports).toEqual([{ name: 'http', port: 7880, targetPort: 'http', protocol: 'TCP' }]);
    expect(one('Ingress', 'livekit-ws').spec.rules[0].host).toBe('livekit.voice.example.com');
    expect(one('Namespace', 'livekit').metadata.labels).toEqual(Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((m) => [[`pod-security.kubernetes.io/${m}`, 'privileged'], [`pod-security.kubernetes.io/${m}-version`, 'latest']])));
    expect(one('Namespace', 'voice-agents').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('Postgres and Redis are managed (ExternalName Services); secrets come from Key Vault, never as data', () => {
    expect(one('Service', 'postgres').spec).toMatchObject({ type: 'ExternalName', externalName: 'voice-agents-prod.postgres.database.azure.com' });
    expect(one('Service', 'redis').spec).toMatchObject({ type: 'ExternalName', externalName: 'voice-agents-prod.redis.cache.windows.net' });
    expect(prod.filter((o) => o.kind === 'SecretProviderClass').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['livekit/livekit', 'voice-agents/agent-node']);
    expect(prod.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('NetworkPolicies isolate each service and allow only what it needs', () => {
    const ingressNginx = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
    expect(policy('landing-page').ingress).toEqual([{ from: [ingressNginx], ports: [{ protocol: 'TCP', port: 3000 }] }]);
    expect(policy('landing-page').egress).toHaveLength(1);
    expect(policy('monitor-node').ingress).toEqual([{ from: [ingressNginx], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    const agentOut = policy('agent-node').egress.map((r: Obj) => [r.to.map((p: Obj) => p.ipBlock?.cidr ?? 'pods'), r.ports.map((p: Obj) => `${p.protocol} ${p.port}${p.endPort ? `-${p.endPort}` : ''}`)]);
    expect(agentOut).toEqual([
      [['pods'], ['UDP 53', 'TCP 53']],
      [['10.224.0.0/16'], ['TCP 7880', 'TCP 7881', 'UDP 50000-60000']],
      [['10.225.1.5/32'], ['TCP 6380']],
      [['10.225.1.4/32'], ['TCP 5432']],
      [['0.0.0.0/0'], ['TCP 443']],
    ]);
    expect(policy('livekit').ingress).toEqual([
      { from: [ingressNginx, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-node' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'voice-agents' } } }], ports: [{ protocol: 'TCP', port: 7880 }] },
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 7881 }, { protocol: 'UDP', port: 50000, endPort: 60000 }] },
    ]);
    for (const ns of ['voice-agents', 'livekit']) expect(prod.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny' && o.metadata.namespace === ns)).toBe(true);
  });

  test('the security scan passes: LiveKit\'s hostNetwork and host ports are allowed only by its documented privileged namespace', () => {
    for (const dir of ['aks-eastus-staging/staging', 'aks-eastus/prod']) {
      expect(scanObjects(folder(`voice-agents/${dir}`))).toEqual([]);
      // without the Namespace object, the same DaemonSet is scanned as "restricted"
      expect(scanObjects(folder(`voice-agents/${dir}`).filter((o: any) => o.kind !== 'Namespace'))).toEqual([
        'DaemonSet livekit/livekit: must not set hostNetwork=true',
        'DaemonSet livekit/livekit: containers[0] (livekit) must not set hostPort (7880)',
        'DaemonSet livekit/livekit: containers[0] (livekit) must not set hostPort (7881)',
      ]);
    }
  });

  test('snapshot (prod)', () => {
    expect(Object.fromEntries([...files.entries()].filter(([f]) => f.includes('/prod/')))).toMatchSnapshot();
  });
});
