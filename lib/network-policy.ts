import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './private/checks';
import { isIanaPortName, isPortNumber, isStrictSubnet, parseCidr } from './private/k8s-names';
import { S, validateArgs, validateProps } from './private/validate';

/** RFC 1918 private ranges plus link-local (cloud metadata endpoints live at 169.254.169.254). */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

/**
 * A NetworkPolicy peer (an enum-like class).
 */
export class Peer {
  /**
   * All pods of a namespace, selected through the `kubernetes.io/metadata.name` label that the API
   * server sets on every namespace (a hand-applied `name=` label is often missing).
   */
  public static namespace(name: string): Peer {
    validateArgs('Peer.namespace', 'Peer', { name }, { name: S.req(S.str(), '"monitoring"') });
    return new Peer(`namespace ${name}`, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }, { namespace: name });
  }

  /** Pods with these labels, in the given namespace (or the policy's own namespace). */
  public static pods(labels: Record<string, string>, namespace?: string): Peer {
    validateArgs('Peer.pods', 'Peer', { labels, namespace }, { labels: S.req(S.rec(S.str()), '{ "app.kubernetes.io/name": "my-app" }'), namespace: S.str() });
    return new Peer(`pods ${JSON.stringify(labels)}${namespace ? ` in ${namespace}` : ''}`, {
      podSelector: { matchLabels: { ...labels } },
      ...(namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } : {}),
    }, { labels, namespace });
  }

  /** The cluster DNS (kube-dns / CoreDNS pods in kube-system). */
  public static clusterDns(): Peer {
    return Peer.pods({ 'k8s-app': 'kube-dns' }, 'kube-system');
  }

  /** An IPv4 range, optionally minus some sub-ranges (each must be a strict subset). */
  public static cidr(cidr: string, except: string[] = []): Peer {
    validateArgs('Peer.cidr', 'Peer', { cidr, except }, { cidr: S.req(S.str(), '"10.0.0.0/8"'), except: S.arr(S.str(), '["10.1.0.0/16"]') });
    return new Peer(`cidr ${cidr}${except.length ? ` except ${except.join(',')}` : ''}`, { ipBlock: { cidr, ...(except.length ? { except: [...except] } : {}) } }, { cidr, except });
  }

  /** The public internet: 0.0.0.0/0 minus RFC 1918 and link-local ranges. */
  public static internet(): Peer {
    return Peer.cidr('0.0.0.0/0', [...PRIVATE_RANGES]);
  }

  /** Any IPv4 address (e.g. UDP clients arriving through a cloud load balancer). */
  public static anywhere(): Peer {
    return Peer.cidr('0.0.0.0/0');
  }

  private constructor(
    /** Human-readable description, for diagrams and messages. */
    public readonly description: string,
    /** The rendered peer. @internal */
    public readonly _json: Record<string, unknown>,
    /** What was selected. @internal */
    public readonly _info: { namespace?: string; labels?: Record<string, string>; cidr?: string; except?: string[] },
  ) {}

  /** @internal */
  public _check(check: Checker, prop: string): void {
    const { cidr, except } = this._info;
    if (cidr !== undefined) {
      if (!parseCidr(cidr)) check.fail(prop, cidr, 'be an IPv4 CIDR such as "10.0.0.0/8"', 'fix the address or prefix length');
      for (const e of except ?? []) {
        if (!isStrictSubnet(e, cidr)) check.fail(`${prop}.except`, e, `be a strict subset of ${cidr}`, 'remove it or widen the cidr');
      }
    }
    if (this._info.namespace !== undefined) check.namespace(`${prop}.namespace`, this._info.namespace);
    if (this._info.labels) check.labels(`${prop}.labels`, this._info.labels);
  }
}

/** A port in a NetworkPolicy rule. */
export interface PolicyPort {
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Port number or IANA name. */
  readonly port: number | string;
  /** Last port of a range (needs a numeric `port`). @default - a single port */
  readonly endPort?: number;
}

/** One allow rule. */
export interface PolicyRule {
  /** Who may connect (ingress) or be reached (egress). */
  readonly peers: Peer[];
  /** Which ports. */
  readonly ports: PolicyPort[];
}

/** Properties of {@link WorkloadNetworkPolicy}. */
export interface WorkloadNetworkPolicyProps {
  /** Policy name. */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** Labels of the pods the policy isolates. */
  readonly podSelector: Record<string, string>;
  /** Allowed inbound traffic; everything else is denied. */
  readonly ingress: PolicyRule[];
  /** Allowed outbound traffic; everything else is denied. */
  readonly egress: PolicyRule[];
  /** Labels on the policy. @default - none */
  readonly labels?: Record<string, string>;
}

// One ingress or egress rule of WORKLOAD_NETWORK_POLICY_PROPS.
const POLICY_RULE = S.obj('PolicyRule', {
  peers: S.req(S.arr(S.inst(() => Peer, 'a Peer', 'use Peer.namespace("..."), Peer.pods({...}), Peer.cidr("10.0.0.0/8"), Peer.internet() or Peer.anywhere()')), '[Peer.namespace("monitoring")]'),
  ports: S.req(S.arr(S.obj('PolicyPort', {
    protocol: S.req(S.str(), '"TCP"'),
    port: S.req(S.or('a port number or a port name', S.int(), S.str()), '443'),
    endPort: S.int(),
  })), '[{ protocol: "TCP", port: 443 }]'),
});

/** The shape of {@link WorkloadNetworkPolicyProps}, checked before anything reads the props. @internal */
export const WORKLOAD_NETWORK_POLICY_PROPS = S.obj('WorkloadNetworkPolicyProps', {
  name: S.req(S.str(), '"my-app"'),
  namespace: S.str(),
  podSelector: S.req(S.rec(S.str()), '{ "app.kubernetes.io/name": "my-app" }'),
  ingress: S.req(S.arr(POLICY_RULE), '[]'),
  egress: S.req(S.arr(POLICY_RULE), '[]'),
  labels: S.rec(S.str()),
});

/**
 * A NetworkPolicy that isolates a workload in both directions and lists what is allowed.
 * Both `policyTypes` are always set, so an empty list means "deny all" rather than "not managed".
 */
export class WorkloadNetworkPolicy extends Construct {
  /** The NetworkPolicy object (escape hatch). */
  public readonly resource: ApiObject;
  /** The rules, as declared (for diagrams). */
  public readonly ingressRules: PolicyRule[];
  /** The rules, as declared (for diagrams). */
  public readonly egressRules: PolicyRule[];

  constructor(scope: Construct, id: string, props: WorkloadNetworkPolicyProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'WorkloadNetworkPolicy');
    validateProps(this, 'WorkloadNetworkPolicy', props, WORKLOAD_NETWORK_POLICY_PROPS);
    const name = check.objectName('name', props.name);
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    const podSelector = check.labels('podSelector', props.podSelector);
    if (Object.keys(podSelector).length === 0) {
      check.fail('podSelector', props.podSelector, 'name at least one pod label (an empty selector isolates every pod of the namespace)', 'select the workload\'s pods, or use a namespace-wide default-deny policy for that purpose');
    }
    this.ingressRules = props.ingress;
    this.egressRules = props.egress;
    const render = (rules: PolicyRule[], dir: 'ingress' | 'egress') => rules.map((r, i) => {
      if (r.peers.length === 0) check.fail(`${dir}[${i}].peers`, r.peers, 'list at least one peer (an empty list allows every source)', 'add a Peer, or Peer.anywhere() if that is really meant');
      r.peers.forEach((p, j) => p._check(check, `${dir}[${i}].peers[${j}]`));
      r.ports.forEach((p, j) => checkPolicyPort(check, `${dir}[${i}].ports[${j}]`, p));
      return {
        [dir === 'ingress' ? 'from' : 'to']: r.peers.map((p) => p._json),
        ...(r.ports.length ? { ports: r.ports.map((p) => ({ protocol: p.protocol, port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) })) } : {}),
      };
    });
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace, ...(props.labels ? { labels: check.labels('labels', props.labels) } : {}) },
      spec: {
        podSelector: { matchLabels: podSelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: render(props.ingress, 'ingress'),
        egress: render(props.egress, 'egress'),
      },
    });
  }
}

function checkPolicyPort(check: Checker, prop: string, p: PolicyPort): void {
  if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol)) check.fail(`${prop}.protocol`, p.protocol, 'be TCP, UDP or SCTP', 'use one of them');
  if (typeof p.port === 'number') {
    if (!isPortNumber(p.port)) check.fail(`${prop}.port`, p.port, 'be an integer from 1 to 65535', 'pick a port in range');
  } else if (!isIanaPortName(p.port)) {
    check.fail(`${prop}.port`, p.port, 'be an IANA port name (at most 15 characters)', 'use the container port name or a number');
  }
  if (p.endPort !== undefined) {
    if (typeof p.port !== 'number') check.fail(`${prop}.endPort`, p.endPort, 'go with a numeric port', 'use a numeric port for ranges');
    if (!isPortNumber(p.endPort) || p.endPort < (p.port as number)) check.fail(`${prop}.endPort`, p.endPort, `be a port from ${p.port} to 65535`, 'fix the range');
  }
}

/** The DNS egress every workload needs: UDP and TCP 53 (TCP is the fallback for large answers). */
export function dnsEgress(): PolicyRule {
  return { peers: [Peer.clusterDns()], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };
}
