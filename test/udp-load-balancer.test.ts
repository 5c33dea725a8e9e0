import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  Hop, LoadBalancerPreset, MetalLbMode, NlbTargetType, RealtimeConfigError, UdpLoadBalancer, UdpLoadBalancerProps, UdpRouting, udpPresetTable,
} from '../lib';
import { chart, escapeRegExp, exactly, find, objects, yaml } from './util';

const SELECTOR = { 'app.kubernetes.io/instance': 'cloud-debug' };
/** The pods' HTTP port and readiness path, as RealtimeService passes them. */
const HEALTH = { port: 8080, path: '/health' };
const NLB_IP_HEALTH = {
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8080',
  'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/health',
};

function props(overrides: Partial<UdpLoadBalancerProps> = {}): UdpLoadBalancerProps {
  return { name: 'cloud-debug-udp', selector: SELECTOR, ports: [{ name: 'audio', port: 8000 }], ...overrides };
}

function synth(overrides: Partial<UdpLoadBalancerProps> = {}): { c: Chart; lb: UdpLoadBalancer } {
  const c = chart();
  const lb = new UdpLoadBalancer(c, 'Udp', props(overrides));
  return { c, lb };
}

function build(overrides: Partial<UdpLoadBalancerProps> = {}): () => UdpLoadBalancer {
  return () => new UdpLoadBalancer(chart(), 'Udp', props(overrides));
}

describe('UdpLoadBalancer', () => {
  it('is a UDP-only LoadBalancer Service with externalTrafficPolicy Local', () => {
    // GIVEN / WHEN
    const { c } = synth();
    // THEN
    expect(find(c, 'Service', 'cloud-debug-udp')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cloud-debug-udp', namespace: 'demo', labels: { 'app.kubernetes.io/component': 'udp' } },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        allocateLoadBalancerNodePorts: true,
        selector: SELECTOR,
        ports: [{ name: 'audio', port: 8000, targetPort: 8000, protocol: 'UDP' }],
        sessionAffinity: 'None',
      },
    });
  });

  it('names a port "udp" by default and targets a named container port when given', () => {
    // GIVEN / WHEN
    const { c } = synth({ ports: [{ port: 7443, targetPort: 'udp' }, { name: 'video', port: 7444, targetPort: 9000 }] });
    // THEN
    const ports = find(c, 'Service', 'cloud-debug-udp').spec.ports;
    expect(ports.find((p: any) => p.name === 'udp')).toEqual({ name: 'udp', port: 7443, targetPort: 'udp', protocol: 'UDP' });
    expect(ports.find((p: any) => p.name === 'video')).toEqual({ name: 'video', port: 7444, targetPort: 9000, protocol: 'UDP' });
  });

  it('labels the Service with the selector\'s app.kubernetes.io/name, component udp and the extra labels', () => {
    // GIVEN / WHEN
    const { c } = synth({ selector: { 'app.kubernetes.io/name': 'cloud' }, labels: { 'app.kubernetes.io/part-of': 'mentra-cloud' } });
    // THEN
    expect(find(c, 'Service', 'cloud-debug-udp').metadata.labels).toEqual({
      'app.kubernetes.io/name': 'cloud',
      'app.kubernetes.io/component': 'udp',
      'app.kubernetes.io/part-of': 'mentra-cloud',
    });
  });

  it('restricts clients to sourceRanges when given', () => {
    // GIVEN / WHEN
    const { c } = synth({ sourceRanges: ['198.51.100.0/24'] });
    // THEN
    expect(find(c, 'Service', 'cloud-debug-udp').spec.loadBalancerSourceRanges).toEqual(['198.51.100.0/24']);
  });

  it('takes the namespace from props over the Chart', () => {
    // GIVEN / WHEN
    const { c } = synth({ namespace: 'default' });
    // THEN
    expect(find(c, 'Service', 'cloud-debug-udp').metadata.namespace).toBe('default');
  });

  it('exposes the Service as `resource` (id Resource) and its name', () => {
    // GIVEN / WHEN
    const { lb } = synth();
    // THEN
    const resource: ApiObject = lb.resource;
    expect(lb.node.findChild('Resource')).toBe(resource);
    expect(resource.node.path).toBe('test/Udp/Resource');
    expect(lb.name).toBe('cloud-debug-udp');
  });

  describe('presets', () => {
    it.each([
      ['aks()', LoadBalancerPreset.aks(), undefined],
      ['aks() with every option', LoadBalancerPreset.aks({ internal: true, publicIpName: 'cloud-udp-ip', resourceGroup: 'rg-net', dnsLabel: 'cloud-udp' }), {
        'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
        'service.beta.kubernetes.io/azure-pip-name': 'cloud-udp-ip',
        'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'rg-net',
        'service.beta.kubernetes.io/azure-dns-label-name': 'cloud-udp',
      }],
      ['eksNlb()', LoadBalancerPreset.eksNlb(), {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        ...NLB_IP_HEALTH,
        'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
      }],
      ['eksNlb() internal with EIPs', LoadBalancerPreset.eksNlb({ internal: true, eipAllocations: ['eipalloc-1', 'eipalloc-2'] }), {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        'service.beta.kubernetes.io/aws-load-balancer-eip-allocations': 'eipalloc-1,eipalloc-2',
        ...NLB_IP_HEALTH,
        'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
      }],
      ['gke()', LoadBalancerPreset.gke(), { 'cloud.google.com/l4-rbs': 'enabled' }],
      ['gke() internal', LoadBalancerPreset.gke({ internal: true }), { 'networking.gke.io/load-balancer-type': 'Internal' }],
      ['metalLb() with every option', LoadBalancerPreset.metalLb({ addressPool: 'public', sharingKey: 'cloud', loadBalancerIps: ['192.0.2.10'] }), {
        'metallb.universe.tf/address-pool': 'public',
        'metallb.universe.tf/allow-shared-ip': 'cloud',
        'metallb.universe.tf/loadBalancerIPs': '192.0.2.10',
      }],
      ['none()', LoadBalancerPreset.none(), undefined],
    ] as Array<[string, LoadBalancerPreset, Record<string, string> | undefined]>)('writes the annotations of %s', (_name, preset, annotations) => {
      // GIVEN / WHEN (the pod port only NLB IP targets probe; the other presets probe kube-proxy)
      const { c } = synth({ preset, healthCheck: HEALTH });
      // THEN
      const service = find(c, 'Service', 'cloud-debug-udp');
      expect(service.metadata.annotations).toEqual(annotations);
      expect(service.spec.externalTrafficPolicy).toBe('Local');
    });

    it('names each preset', () => {
      expect([LoadBalancerPreset.aks(), LoadBalancerPreset.eksNlb(), LoadBalancerPreset.gke(), LoadBalancerPreset.metalLb(), LoadBalancerPreset.none()].map((p) => p.name))
        .toEqual(['aks', 'eks-nlb', 'gke', 'metallb', 'none']);
    });
  });

  describe('routing', () => {
    it('maps clientIpAffinity() to sessionAffinity ClientIP for 3 h', () => {
      // GIVEN / WHEN
      const { c } = synth({ routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() });
      // THEN
      const spec = find(c, 'Service', 'cloud-debug-udp').spec;
      expect(spec.sessionAffinity).toBe('ClientIP');
      expect(spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    });

    it('uses the given affinity timeout', () => {
      // GIVEN / WHEN
      const { c } = synth({ routing: UdpRouting.clientIpAffinity(Duration.minutes(10)), preset: LoadBalancerPreset.metalLb() });
      // THEN
      expect(find(c, 'Service', 'cloud-debug-udp').spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 600 } });
    });

    it.each([
      ['appRouted()', UdpRouting.appRouted()],
      ['singleReplica()', UdpRouting.singleReplica()],
    ])('keeps sessionAffinity None with %s', (_name, routing) => {
      // GIVEN / WHEN
      const { c } = synth({ routing });
      // THEN
      const spec = find(c, 'Service', 'cloud-debug-udp').spec;
      expect(spec.sessionAffinity).toBe('None');
      expect(spec).not.toHaveProperty('sessionAffinityConfig');
    });
  });

  it('matches the YAML snapshot', () => {
    // GIVEN
    const c = new Chart(new App(), 'test', { namespace: 'default' });
    // WHEN
    new UdpLoadBalancer(c, 'UdpAudio', {
      name: 'cloud-debug-udp',
      selector: SELECTOR,
      ports: [{ name: 'audio', port: 8000, targetPort: 8000 }],
      preset: LoadBalancerPreset.aks({ publicIpName: 'cloud-debug-udp-ip' }),
      routing: UdpRouting.clientIpAffinity(),
      labels: { 'app.kubernetes.io/name': 'cloud', 'app.kubernetes.io/part-of': 'mentra-cloud' },
    });
    // THEN
    expect(objects(c).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/cloud-debug-udp']);
    expect(yaml(c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('fails when the selector is empty', () => {
      const fn = build({ selector: {} });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'selector\' is {}: must name at least one pod label. '
        + 'Fix: pass the labels of the pods that serve UDP, e.g. { "app.kubernetes.io/name": "my-app" }'));
    });

    it('fails when a port name has 16 characters', () => {
      expect(build({ ports: [{ name: 'voice-media-port', port: 8000 }] })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'ports[0].name\' is "voice-media-port": must be an IANA service name: 1-15 characters of lowercase letters, digits and "-", with at least one letter, no "--", not starting or ending with "-". '
        + 'Fix: use a short name such as "voice-media-por"'));
    });

    it('fails when a port number is repeated', () => {
      const fn = build({ ports: [{ name: 'audio', port: 8000 }, { name: 'video', port: 8000 }] });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly('[test/Udp] UdpLoadBalancer \'ports[1].port\' is 8000: must be unique within the Service. Fix: remove the duplicate port'));
    });

    it('fails when a port name is repeated', () => {
      expect(build({ ports: [{ port: 8000 }, { port: 8001 }] })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'ports[1].name\' is "udp": must be unique within the Service. Fix: give each port its own name'));
    });

    it('fails when no port is listed', () => {
      expect(build({ ports: [] })).toThrow(exactly('[test/Udp] UdpLoadBalancer \'ports\' is []: must list at least one UDP port. Fix: add { port: 8000 }'));
    });

    it('fails when a port is 0', () => {
      expect(build({ ports: [{ port: 0 }] })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'ports[0].port\' is 0: must be an integer from 1 to 65535. Fix: pick a port number in range'));
    });

    it('fails when a numeric targetPort is out of range', () => {
      expect(build({ ports: [{ port: 8000, targetPort: 65536 }] })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'ports[0].targetPort\' is 65536: must be an integer from 1 to 65535. Fix: pick a port number in range'));
    });

    it('fails when the name is not a DNS-1035 label', () => {
      expect(build({ name: 'Cloud_UDP' })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'name\' is "Cloud_UDP": must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters), because it names a Service. '
        + 'Fix: use a name such as "cloud-udp"'));
    });

    it('fails when a selector value is not a label value', () => {
      expect(build({ selector: { 'app.kubernetes.io/name': 'cloud debug' } })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'selector["app.kubernetes.io/name"]\' is "cloud debug": must be a label value: at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit. '
        + 'Fix: shorten or clean the value'));
    });

    it('fails when the affinity timeout is above a day', () => {
      expect(build({ routing: UdpRouting.clientIpAffinity(Duration.days(2)), preset: LoadBalancerPreset.metalLb() })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'routing.affinityTimeout\' is "172800s": must be from 1 to 86400 seconds. Fix: use a value from Duration.seconds(1) to Duration.seconds(86400)'));
    });

    it('fails when neither the props nor the Chart give a namespace', () => {
      // GIVEN
      const bare = new Chart(new App(), 'test');
      // WHEN / THEN
      expect(() => new UdpLoadBalancer(bare, 'Udp', props())).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'namespace\' is not set: must be set on the construct or on its Chart (an implicit namespace is refused). '
        + 'Fix: pass `namespace` in the props or create the Chart with `{ namespace: "..." }`'));
    });
  });

  describe('regressions of fixed lib bugs', () => {
    // lib/udp-load-balancer.ts copies sourceRanges to loadBalancerSourceRanges unchecked; the API
    // server rejects a malformed CIDR at apply time (and RealtimeService with networkPolicy: false
    // passes it through too).
    it('fails when a source range is not a CIDR', () => {
      const fn = build({ sourceRanges: ['198.51.100.0/24', 'office'] });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(new RegExp(`^${escapeRegExp('[test/Udp] UdpLoadBalancer \'sourceRanges[1]\' is "office": must ')}.+\\. Fix: .+$`));
    });
  });
});

describe('UDP health check and affinity, per preset', () => {
  const A = 'service.beta.kubernetes.io/aws-load-balancer-';
  const svc = (preset: LoadBalancerPreset, routing?: UdpRouting, extra: Partial<UdpLoadBalancerProps> = {}) =>
    find(synth({ preset, routing, healthCheck: HEALTH, ...extra }).c, 'Service', 'cloud-debug-udp');
  const affinity = (o: any) => ({ sessionAffinity: o.spec.sessionAffinity, sessionAffinityConfig: o.spec.sessionAffinityConfig });
  const kubeProxy3h = { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } };
  const noAffinity = { sessionAffinity: 'None', sessionAffinityConfig: undefined };

  it('EKS NLB, IP targets: the NLB probes the pods\' HTTP port; affinity is target-group source-IP stickiness, not kube-proxy\'s', () => {
    // GIVEN / WHEN
    const plain = svc(LoadBalancerPreset.eksNlb());
    const sticky = svc(LoadBalancerPreset.eksNlb(), UdpRouting.clientIpAffinity());
    // THEN the health check is the pod's own HTTP port and readiness path
    expect(plain.metadata.annotations).toMatchObject({ [`${A}healthcheck-protocol`]: 'http', [`${A}healthcheck-port`]: '8080', [`${A}healthcheck-path`]: '/health' });
    expect(plain.metadata.annotations[`${A}target-group-attributes`]).toBe('preserve_client_ip.enabled=true');
    expect(affinity(plain)).toEqual(noAffinity);
    // AND affinity is in the NLB's own terms (kube-proxy never sees the NLB's packets to pod IPs)
    expect(sticky.metadata.annotations[`${A}target-group-attributes`]).toBe('preserve_client_ip.enabled=true,stickiness.enabled=true,stickiness.type=source_ip');
    expect(affinity(sticky)).toEqual(noAffinity);
  });

  it('EKS NLB, IP targets: a path-less health check is a TCP connect to the given port', () => {
    const o = svc(LoadBalancerPreset.eksNlb(), undefined, { healthCheck: { port: 9000 } });
    expect(o.metadata.annotations[`${A}healthcheck-protocol`]).toBe('tcp');
    expect(o.metadata.annotations[`${A}healthcheck-port`]).toBe('9000');
    expect(o.metadata.annotations[`${A}healthcheck-path`]).toBeUndefined();
  });

  it('EKS NLB, instance targets: kube-proxy\'s healthCheckNodePort /healthz; stickiness to the node, ClientIP to the pod', () => {
    const plain = svc(LoadBalancerPreset.eksNlb({ targetType: NlbTargetType.INSTANCE }));
    const sticky = svc(LoadBalancerPreset.eksNlb({ targetType: NlbTargetType.INSTANCE }), UdpRouting.clientIpAffinity(Duration.minutes(20)));
    expect(plain.metadata.annotations).toEqual({
      [`${A}type`]: 'external',
      [`${A}nlb-target-type`]: 'instance',
      [`${A}scheme`]: 'internet-facing',
      [`${A}healthcheck-protocol`]: 'http',
      [`${A}healthcheck-path`]: '/healthz',
      [`${A}target-group-attributes`]: 'preserve_client_ip.enabled=true',
    });
    expect(sticky.metadata.annotations[`${A}target-group-attributes`]).toBe('preserve_client_ip.enabled=true,stickiness.enabled=true,stickiness.type=source_ip');
    expect(affinity(sticky)).toEqual({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 1200 } } });
  });

  it.each([
    ['aks()', LoadBalancerPreset.aks()],
    ['gke()', LoadBalancerPreset.gke()],
    ['metalLb() (L2)', LoadBalancerPreset.metalLb()],
  ] as Array<[string, LoadBalancerPreset]>)('%s: health through kube-proxy (no pod port written), affinity as sessionAffinity ClientIP', (_n, preset) => {
    const plain = svc(preset);
    const sticky = svc(preset, UdpRouting.clientIpAffinity());
    expect(Object.keys(plain.metadata.annotations ?? {}).filter((k) => /health/.test(k))).toEqual([]);
    expect(affinity(plain)).toEqual(noAffinity);
    expect(affinity(sticky)).toEqual(kubeProxy3h);
    expect(sticky.metadata.annotations).toEqual(plain.metadata.annotations);
  });

  it('every preset states its facts (health check, affinity, source IP, idle timeout) with a source', () => {
    const presets = [LoadBalancerPreset.aks(), LoadBalancerPreset.eksNlb(), LoadBalancerPreset.eksNlb({ targetType: NlbTargetType.INSTANCE }), LoadBalancerPreset.gke(),
      LoadBalancerPreset.metalLb(), LoadBalancerPreset.metalLb({ mode: MetalLbMode.BGP }), LoadBalancerPreset.none()];
    for (const p of presets) {
      for (const f of [p.facts.healthCheck, p.facts.affinity, p.facts.sourceIp, p.facts.idleTimeout]) {
        expect(f.value.length).toBeGreaterThan(10);
        expect(f.source).toMatch(/^https:\/\/[^\s]+$/);
      }
    }
    expect(new Set(presets.map((p) => p.facts)).size).toBe(presets.length);
  });

  it('README.md holds the preset table, a source per cell', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(udpPresetTable());
    for (const row of udpPresetTable().split('\n').slice(2)) expect(row.match(/\(\[source\]\(https:\/\/[^)\s]+\)\)/g)).toHaveLength(4);
  });

  it('snapshots of each preset with client-IP affinity (where it can be had)', () => {
    const c = new Chart(new App(), 'test', { namespace: 'demo' });
    const presets: Array<[string, LoadBalancerPreset]> = [
      ['aks', LoadBalancerPreset.aks()], ['nlb-ip', LoadBalancerPreset.eksNlb()], ['nlb-instance', LoadBalancerPreset.eksNlb({ targetType: NlbTargetType.INSTANCE })],
      ['gke', LoadBalancerPreset.gke()], ['metallb', LoadBalancerPreset.metalLb()],
    ];
    for (const [n, preset] of presets) {
      new UdpLoadBalancer(c, n, { name: `udp-${n}`, selector: SELECTOR, ports: [{ name: 'audio', port: 8000 }], preset, routing: UdpRouting.clientIpAffinity(), healthCheck: HEALTH });
    }
    expect(yaml(c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('client-IP affinity is asked of MetalLB in BGP mode', () => {
      expect(build({ preset: LoadBalancerPreset.metalLb({ mode: MetalLbMode.BGP }), routing: UdpRouting.clientIpAffinity() })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'routing\' is "client-ip-affinity": must be a routing LoadBalancerPreset.metalLb({ mode: MetalLbMode.BGP }) can honour: '
        + 'the routers hash each flow (ECMP) to a node, and kube-proxy\'s ClientIP affinity only holds within one node, so one client\'s flows would reach different pods. '
        + 'Fix: use MetalLbMode.L2 (one node receives all traffic and kube-proxy keeps the affinity), or UdpRouting.appRouted() or UdpRouting.singleReplica()'));
    });

    it('client-IP affinity is asked of LoadBalancerPreset.none()', () => {
      expect(build({ routing: UdpRouting.clientIpAffinity() })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'routing\' is "client-ip-affinity": must be a routing LoadBalancerPreset.none() can honour: '
        + 'nothing says how the load balancer picks a node, and kube-proxy\'s ClientIP affinity only holds within one node, so one client\'s flows would reach different pods. '
        + 'Fix: use the preset of your load balancer (LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb()), or UdpRouting.appRouted() or UdpRouting.singleReplica()'));
    });

    it('an affinity timeout is asked of NLB IP targets, whose source-IP stickiness has none', () => {
      expect(build({ preset: LoadBalancerPreset.eksNlb(), healthCheck: HEALTH, routing: UdpRouting.clientIpAffinity(Duration.minutes(30)) })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'routing.affinityTimeout\' is "1800s": must be left to its default: NLB source-IP stickiness (IP targets, where kube-proxy never sees the packets) has no duration to set. '
        + 'Fix: use UdpRouting.clientIpAffinity() without a timeout, or NlbTargetType.INSTANCE, where kube-proxy applies it on the node'));
    });

    it('NLB IP targets get no pod port to probe', () => {
      expect(build({ preset: LoadBalancerPreset.eksNlb() })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'healthCheck\' is not set: must name a TCP port of the pods for the NLB to probe: with IP targets the NLB probes each pod, and its default (TCP on the traffic port) never succeeds on a UDP-only port. '
        + 'Fix: pass healthCheck: { port: <the pods\' HTTP port>, path: "<readiness path>" } (RealtimeService fills it from http.port and probes.path), or use NlbTargetType.INSTANCE'));
    });

    it('the health check path is not an absolute path', () => {
      expect(build({ preset: LoadBalancerPreset.eksNlb(), healthCheck: { port: 8080, path: 'health' } })).toThrow(exactly(
        '[test/Udp] UdpLoadBalancer \'healthCheck.path\' is "health": must be an absolute URL path without spaces. Fix: use e.g. "/health"'));
    });
  });
});

describe('UDP keepalive against the load balancer\'s idle timeout (timeout budget)', () => {
  it('accepts a keepalive of at most half of every hop\'s idle timeout (NLB IP: 120 s)', () => {
    expect(() => synth({ preset: LoadBalancerPreset.eksNlb(), healthCheck: HEALTH, keepaliveInterval: Duration.seconds(60) })).not.toThrow();
  });

  it('fails when the keepalive is longer than half the NLB\'s fixed 120 s', () => {
    expect(build({ preset: LoadBalancerPreset.eksNlb(), healthCheck: HEALTH, keepaliveInterval: Duration.seconds(61) })).toThrow(exactly(
      '[test/Udp] UdpLoadBalancer \'keepaliveInterval\' is "61s": must be at most half the idle timeout of every hop of the UDP flow, but aws-nlb-udp (idle 120s) forgets a quiet flow after 120s (2 x 61s = 122s needed), and the next packet may be balanced to another pod. '
      + 'Fix: send keepalives every 60s or less (keepaliveInterval: Duration.seconds(60)), or raise the hop\'s idle timeout (it cannot be raised: only TCP listeners have tcp.idle_timeout.seconds)'));
  });

  it('fails when kube-proxy\'s conntrack (30 s) would forget the flow on a node-routed preset (GKE)', () => {
    expect(build({ preset: LoadBalancerPreset.gke(), keepaliveInterval: Duration.seconds(20) })).toThrow(exactly(
      '[test/Udp] UdpLoadBalancer \'keepaliveInterval\' is "20s": must be at most half the idle timeout of every hop of the UDP flow, but linux-conntrack-udp (idle 30s) forgets a quiet flow after 30s (2 x 20s = 40s needed), and the next packet may be balanced to another pod. '
      + 'Fix: send keepalives every 15s or less (keepaliveInterval: Duration.seconds(15)), or raise the hop\'s idle timeout (raise net.netfilter.nf_conntrack_udp_timeout on the nodes (kube-proxy conntrack.udpTimeout))'));
    expect(() => synth({ preset: LoadBalancerPreset.gke(), keepaliveInterval: Duration.seconds(15) })).not.toThrow();
  });

  it('fails on AKS, whose UDP idle timeout Azure does not document, until a measured value is declared', () => {
    expect(build({ preset: LoadBalancerPreset.aks(), keepaliveInterval: Duration.seconds(10) })).toThrow(exactly(
      '[test/Udp] UdpLoadBalancer \'keepaliveInterval\' is "azure-load-balancer-udp": must be a hop whose idle timeout is known: Azure documents no idle timeout for UDP flows (a rule\'s idleTimeoutInMinutes is used only for TCP). '
      + 'Fix: measure it and declare it: hops: [Hop.custom("azure-load-balancer-udp", Duration.seconds(<measured>))] replaces this one'));
    expect(() => synth({ preset: LoadBalancerPreset.aks(), keepaliveInterval: Duration.seconds(10), hops: [Hop.custom('azure-load-balancer-udp', Duration.minutes(4))] })).not.toThrow();
  });

  it('fails when a declared hop in front (a NAT) forgets the flow first', () => {
    expect(build({ preset: LoadBalancerPreset.metalLb(), keepaliveInterval: Duration.seconds(10), hops: [Hop.custom('office-nat', Duration.seconds(15))] })).toThrow(exactly(
      '[test/Udp] UdpLoadBalancer \'hops[0]\' is "office-nat (idle 15s)": must have an idle timeout of at least twice the UDP keepalive interval, or it forgets a quiet flow after 15s (2 x 10s = 20s needed), and the next packet may be balanced to another pod. '
      + 'Fix: send keepalives every 7s or less (keepaliveInterval: Duration.seconds(7)), or raise the hop\'s idle timeout (raise the hop\'s idle timeout)'));
  });
});
