import { ApiObject, App, Chart } from 'cdk8s';
import { NamespaceIsolation, Peer, PRIVATE_RANGES, RealtimeConfigError, WorkloadNetworkPolicy, WorkloadNetworkPolicyProps, dnsEgress, toYaml } from '../lib';
import { chart, errorOf, exactly, find, yaml } from './util';

const SELECTOR = { 'app.kubernetes.io/name': 'nexus-runtime' };
const DNS_PEER = {
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
};

function props(overrides: Partial<WorkloadNetworkPolicyProps> = {}): WorkloadNetworkPolicyProps {
  return { name: 'nexus-runtime', podSelector: SELECTOR, ingress: [], egress: [], ...overrides };
}

function synth(overrides: Partial<WorkloadNetworkPolicyProps> = {}): { c: Chart; policy: WorkloadNetworkPolicy } {
  const c = chart();
  const policy = new WorkloadNetworkPolicy(c, 'Policy', props(overrides));
  return { c, policy };
}

function build(overrides: Partial<WorkloadNetworkPolicyProps> = {}): () => WorkloadNetworkPolicy {
  return () => new WorkloadNetworkPolicy(chart(), 'Policy', props(overrides));
}

describe('WorkloadNetworkPolicy', () => {
  it('denies everything in both directions when no rule is given (both policyTypes, empty lists)', () => {
    // GIVEN / WHEN
    const { c } = synth();
    // THEN
    expect(find(c, 'NetworkPolicy', 'nexus-runtime')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'nexus-runtime', namespace: 'demo' },
      spec: { podSelector: { matchLabels: SELECTOR }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    });
  });

  it('renders ingress rules as from + ports and egress rules as to + ports', () => {
    // GIVEN / WHEN
    const { c } = synth({
      ingress: [{ peers: [Peer.namespace('ingress-nginx')], ports: [{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 'websocket' }] }],
      egress: [{ peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    // THEN
    const spec = find(c, 'NetworkPolicy', 'nexus-runtime').spec;
    expect(spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 'websocket' }],
    }]);
    expect(spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    }]);
  });

  it('omits ports for a rule without ports (all ports of the peers)', () => {
    // GIVEN / WHEN
    const { c } = synth({ egress: [{ peers: [Peer.pods({ 'app.kubernetes.io/name': 'redis' })], ports: [] }] });
    // THEN
    expect(find(c, 'NetworkPolicy', 'nexus-runtime').spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }] }]);
  });

  it('renders a port range with endPort', () => {
    // GIVEN / WHEN
    const { c } = synth({ ingress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'UDP', port: 10000, endPort: 10100 }] }] });
    // THEN
    expect(find(c, 'NetworkPolicy', 'nexus-runtime').spec.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [{ protocol: 'UDP', port: 10000, endPort: 10100 }],
    }]);
  });

  it('allows DNS to kube-dns over UDP and TCP 53 with dnsEgress()', () => {
    // GIVEN / WHEN
    const { c } = synth({ egress: [dnsEgress()] });
    // THEN
    expect(find(c, 'NetworkPolicy', 'nexus-runtime').spec.egress).toEqual([{
      to: [DNS_PEER],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  it('labels the policy only when labels are given, and takes the namespace from props', () => {
    // GIVEN / WHEN
    const { c } = synth({ labels: { 'app.kubernetes.io/name': 'nexus-runtime' }, namespace: 'nexus-runtime' });
    // THEN
    expect(find(c, 'NetworkPolicy', 'nexus-runtime').metadata).toEqual({
      name: 'nexus-runtime', namespace: 'nexus-runtime', labels: { 'app.kubernetes.io/name': 'nexus-runtime' },
    });
  });

  it('exposes the object as `resource` (id Resource) and the rules as declared', () => {
    // GIVEN
    const ingress = [{ peers: [Peer.namespace('monitoring')], ports: [{ protocol: 'TCP' as const, port: 3000 }] }];
    // WHEN
    const { policy } = synth({ ingress, egress: [dnsEgress()] });
    // THEN
    const resource: ApiObject = policy.resource;
    expect(policy.node.findChild('Resource')).toBe(resource);
    expect(resource.node.path).toBe('test/Policy/Resource');
    expect(policy.ingressRules).toBe(ingress);
    expect(policy.egressRules).toHaveLength(1);
  });

  describe('Peer', () => {
    it.each([
      ['namespace()', Peer.namespace('monitoring'), { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ['pods() in the policy namespace', Peer.pods({ app: 'redis' }), { podSelector: { matchLabels: { app: 'redis' } } }],
      ['pods() in another namespace', Peer.pods({ app: 'redis' }, 'data'), {
        podSelector: { matchLabels: { app: 'redis' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } },
      }],
      ['clusterDns()', Peer.clusterDns(), DNS_PEER],
      ['cidr() with except', Peer.cidr('10.0.0.0/8', ['10.1.0.0/16']), { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
      ['internet()', Peer.internet(), { ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }],
      ['anywhere()', Peer.anywhere(), { ipBlock: { cidr: '0.0.0.0/0' } }],
    ] as Array<[string, Peer, unknown]>)('renders %s', (_name, peer, expected) => {
      // GIVEN / WHEN
      const { c } = synth({ ingress: [{ peers: [peer], ports: [] }] });
      // THEN
      expect(find(c, 'NetworkPolicy', 'nexus-runtime').spec.ingress).toEqual([{ from: [expected] }]);
    });

    it('excludes RFC 1918 and link-local ranges from the internet', () => {
      expect(PRIVATE_RANGES).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']);
    });
  });

  it('matches the YAML snapshot', () => {
    // GIVEN
    const c = new Chart(new App(), 'test', { namespace: 'nexus-runtime' });
    // WHEN
    new WorkloadNetworkPolicy(c, 'Policy', {
      name: 'nexus-runtime',
      podSelector: SELECTOR,
      labels: { 'app.kubernetes.io/name': 'nexus-runtime' },
      ingress: [
        { peers: [Peer.namespace('ingress-nginx')], ports: [{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 3001 }] },
        { peers: [Peer.namespace('monitoring')], ports: [{ protocol: 'TCP', port: 3000 }] },
      ],
      egress: [dnsEgress(), { peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }],
    });
    // THEN
    expect(yaml(c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('fails when an except range equals the cidr (not a strict subset)', () => {
      const fn = build({ ingress: [{ peers: [Peer.cidr('10.0.0.0/8', ['10.0.0.0/8'])], ports: [] }] });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].peers[0].except\' is "10.0.0.0/8": must be a strict subset of 10.0.0.0/8. Fix: remove it or widen the cidr'));
    });

    it('fails when an except range lies outside the cidr', () => {
      expect(build({ egress: [{ peers: [Peer.anywhere(), Peer.cidr('10.0.0.0/8', ['10.1.0.0/16', '192.168.0.0/16'])], ports: [] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'egress[0].peers[1].except\' is "192.168.0.0/16": must be a strict subset of 10.0.0.0/8. Fix: remove it or widen the cidr'));
    });

    it('fails when a rule lists no peer', () => {
      const fn = build({ ingress: [{ peers: [], ports: [{ protocol: 'TCP', port: 3000 }] }] });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].peers\' is []: must list at least one peer (an empty list allows every source). Fix: add a Peer, or Peer.anywhere() if that is really meant'));
    });

    it('fails when an egress rule lists no peer', () => {
      expect(build({ egress: [dnsEgress(), { peers: [], ports: [{ protocol: 'TCP', port: 443 }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'egress[1].peers\' is []: must list at least one peer (an empty list allows every source). Fix: add a Peer, or Peer.anywhere() if that is really meant'));
    });

    it('fails when endPort is below port', () => {
      expect(build({ egress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'TCP', port: 8000, endPort: 7000 }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'egress[0].ports[0].endPort\' is 7000: must be a port from 8000 to 65535. Fix: fix the range'));
    });

    it('fails when endPort goes with a named port', () => {
      expect(build({ ingress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'TCP', port: 'metrics', endPort: 9100 }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].ports[0].endPort\' is 9100: must go with a numeric port. Fix: use a numeric port for ranges'));
    });

    it('fails when a port number is out of range', () => {
      expect(build({ ingress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'UDP', port: 70000 }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].ports[0].port\' is 70000: must be an integer from 1 to 65535. Fix: pick a port in range'));
    });

    it('fails when a named port has 16 characters', () => {
      expect(build({ ingress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'TCP', port: 'websocket-public' }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].ports[0].port\' is "websocket-public": must be an IANA port name (at most 15 characters). Fix: use the container port name or a number'));
    });

    it('fails when the protocol is not TCP, UDP or SCTP', () => {
      expect(build({ ingress: [{ peers: [Peer.anywhere()], ports: [{ protocol: 'QUIC' as 'UDP', port: 443 }] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].ports[0].protocol\' is "QUIC": must be TCP, UDP or SCTP. Fix: use one of them'));
    });

    it('fails when a cidr is malformed', () => {
      expect(build({ ingress: [{ peers: [Peer.cidr('10.0.0.0/33')], ports: [] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].peers[0]\' is "10.0.0.0/33": must be an IPv4 CIDR such as "10.0.0.0/8". Fix: fix the address or prefix length'));
    });

    it('fails when a namespace peer is not a DNS-1123 label', () => {
      expect(build({ ingress: [{ peers: [Peer.namespace('Ingress_Nginx')], ports: [] }] })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'ingress[0].peers[0].namespace\' is "Ingress_Nginx": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use "ingress-nginx"'));
    });

    it('fails when the name is not a DNS-1123 subdomain', () => {
      expect(build({ name: 'Nexus Runtime' })).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'name\' is "Nexus Runtime": must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters). '
        + 'Fix: use a name such as "nexus-runtime"'));
    });

    it('fails when neither the props nor the Chart give a namespace', () => {
      // GIVEN
      const bare = new Chart(new App(), 'test');
      // WHEN / THEN
      expect(() => new WorkloadNetworkPolicy(bare, 'Policy', props())).toThrow(exactly(
        '[test/Policy] WorkloadNetworkPolicy \'namespace\' is not set: must be set on the construct or on its Chart (an implicit namespace is refused). '
        + 'Fix: pass `namespace` in the props or create the Chart with `{ namespace: "..." }`'));
    });
  });

  describe('regressions of fixed lib bugs', () => {
    // lib/network-policy.ts accepts an empty podSelector, which selects every pod of the namespace:
    // a "workload" policy would isolate the whole namespace (UdpLoadBalancer refuses an empty selector).
    it('fails when the podSelector is empty', () => {
      const fn = build({ podSelector: {} });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(/^\[test\/Policy\] WorkloadNetworkPolicy 'podSelector' is \{\}: must .+\. Fix: .+$/);
    });
  });
});

// NamespaceIsolation: the namespace-wide default-deny policy.
/** A Chart in `namespace`, or with no namespace at all. */
const nsChart = (namespace?: string) => new Chart(new App(), 'test', namespace ? { namespace } : {});
describe('NamespaceIsolation', () => {
  test('emits a default-deny NetworkPolicy: every pod, Ingress and Egress, no rules', () => {
    // GIVEN
    const c = nsChart('demo');
    // WHEN
    const iso = new NamespaceIsolation(c, 'Isolation');
    // THEN
    expect(toYaml(iso.resource.toJson())).toBe([
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: default-deny',
      '  namespace: demo',
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '    - Egress',
      '',
    ].join('\n'));
    expect(iso.node.path).toBe('test/Isolation');
    expect(iso.resource.node.id).toBe('Resource');
    expect([iso.namespace, iso.name]).toEqual(['demo', 'default-deny']);
  });

  test('takes a namespace, a name and labels', () => {
    const iso = new NamespaceIsolation(nsChart(), 'Isolation', { namespace: 'media', name: 'deny-all', labels: { 'app.kubernetes.io/part-of': 'media' } });
    expect(iso.resource.toJson().metadata).toEqual({ name: 'deny-all', namespace: 'media', labels: { 'app.kubernetes.io/part-of': 'media' } });
  });

  test('fails when no namespace is given on the construct or the Chart', () => {
    expect(errorOf(() => new NamespaceIsolation(nsChart(), 'Isolation'))).toBe(
      '[test/Isolation] NamespaceIsolation \'namespace\' is not set: must be set on the construct or on its Chart (an implicit namespace is refused). Fix: pass `namespace` in the props or create the Chart with `{ namespace: "..." }`');
  });

  test('fails when the namespace is not a DNS-1123 label', () => {
    expect(errorOf(() => new NamespaceIsolation(nsChart(), 'Isolation', { namespace: 'Media_NS' }))).toBe(
      '[test/Isolation] NamespaceIsolation \'namespace\' is "Media_NS": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use "media-ns"');
  });

  test.each(['kube-system', 'kube-public', 'kube-node-lease'])('fails when the namespace is the system namespace %s', (ns) => {
    expect(errorOf(() => new NamespaceIsolation(nsChart(ns), 'Isolation'))).toBe(
      `[test/Isolation] NamespaceIsolation 'namespace' is "${ns}": must not be a Kubernetes system namespace (kube-system, kube-public, kube-node-lease): a default-deny policy there cuts the cluster DNS and controllers off. Fix: isolate only the namespaces your workloads run in`);
  });

  test('fails when the name is not a DNS-1123 subdomain', () => {
    expect(errorOf(() => new NamespaceIsolation(nsChart('demo'), 'Isolation', { name: 'Deny All' }))).toBe(
      '[test/Isolation] NamespaceIsolation \'name\' is "Deny All": must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters). Fix: use a name such as "deny-all"');
  });

  test('fails when a label value is invalid', () => {
    expect(errorOf(() => new NamespaceIsolation(nsChart('demo'), 'Isolation', { labels: { team: 'a b' } }))).toBe(
      '[test/Isolation] NamespaceIsolation \'labels["team"]\' is "a b": must be a label value: at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit. Fix: shorten or clean the value');
  });
});
