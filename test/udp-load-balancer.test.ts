import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { LoadBalancerPreset, RealtimeConfigError, UdpLoadBalancer, UdpLoadBalancerProps, UdpRouting } from '../lib';
import { chart, escapeRegExp, exactly, find, objects, yaml } from './util';

const SELECTOR = { 'app.kubernetes.io/instance': 'cloud-debug' };

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
      }],
      ['eksNlb() internal with EIPs', LoadBalancerPreset.eksNlb({ internal: true, eipAllocations: ['eipalloc-1', 'eipalloc-2'] }), {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        'service.beta.kubernetes.io/aws-load-balancer-eip-allocations': 'eipalloc-1,eipalloc-2',
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
      // GIVEN / WHEN
      const { c } = synth({ preset });
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
      const { c } = synth({ routing: UdpRouting.clientIpAffinity() });
      // THEN
      const spec = find(c, 'Service', 'cloud-debug-udp').spec;
      expect(spec.sessionAffinity).toBe('ClientIP');
      expect(spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    });

    it('uses the given affinity timeout', () => {
      // GIVEN / WHEN
      const { c } = synth({ routing: UdpRouting.clientIpAffinity(Duration.minutes(10)) });
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
      expect(build({ routing: UdpRouting.clientIpAffinity(Duration.days(2)) })).toThrow(exactly(
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
