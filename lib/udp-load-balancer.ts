import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './private/checks';
import { parseCidr } from './private/k8s-names';
import { S, validateArgs, validateProps } from './private/validate';

/**
 * Cloud settings of a `type: LoadBalancer` Service (an enum-like class). Each preset writes the
 * annotations its cloud controller reads; nothing else changes.
 */
export class LoadBalancerPreset {
  /**
   * Azure (AKS, cloud-provider-azure).
   * @see https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#loadbalancer-annotations
   */
  public static aks(options: AksLoadBalancerOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.aks', 'LoadBalancerPreset', { options }, { options: S.obj('AksLoadBalancerOptions', { internal: S.bool(), publicIpName: S.str('name'), resourceGroup: S.str('name'), dnsLabel: S.str('dns-label') }) });
    const a: Record<string, string> = {};
    if (options.internal) a['service.beta.kubernetes.io/azure-load-balancer-internal'] = 'true';
    if (options.publicIpName) a['service.beta.kubernetes.io/azure-pip-name'] = options.publicIpName;
    if (options.resourceGroup) a['service.beta.kubernetes.io/azure-load-balancer-resource-group'] = options.resourceGroup;
    if (options.dnsLabel) a['service.beta.kubernetes.io/azure-dns-label-name'] = options.dnsLabel;
    return new LoadBalancerPreset('aks', a);
  }

  /**
   * AWS Network Load Balancer through the AWS Load Balancer Controller (EKS). UDP needs an NLB;
   * the in-tree Classic ELB cannot carry UDP.
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
   */
  public static eksNlb(options: EksNlbOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.eksNlb', 'LoadBalancerPreset', { options }, { options: S.obj('EksNlbOptions', { internal: S.bool(), eipAllocations: S.arr(S.str('name', 'eipalloc-0123456789abcdef0'), '["eipalloc-0123456789abcdef0"]') }) });
    const a: Record<string, string> = {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': options.internal ? 'internal' : 'internet-facing',
    };
    if (options.eipAllocations?.length) a['service.beta.kubernetes.io/aws-load-balancer-eip-allocations'] = options.eipAllocations.join(',');
    return new LoadBalancerPreset('eks-nlb', a);
  }

  /**
   * Google Cloud (GKE): a backend-service-based passthrough Network Load Balancer, which carries UDP.
   * @see https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters
   */
  public static gke(options: GkeLoadBalancerOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.gke', 'LoadBalancerPreset', { options }, { options: S.obj('GkeLoadBalancerOptions', { internal: S.bool() }) });
    const a: Record<string, string> = options.internal
      ? { 'networking.gke.io/load-balancer-type': 'Internal' }
      : { 'cloud.google.com/l4-rbs': 'enabled' };
    return new LoadBalancerPreset('gke', a);
  }

  /**
   * MetalLB (bare metal and home labs).
   * @see https://metallb.universe.tf/usage/
   */
  public static metalLb(options: MetalLbOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.metalLb', 'LoadBalancerPreset', { options }, { options: S.obj('MetalLbOptions', { addressPool: S.str('dns-subdomain', 'default'), sharingKey: S.str('name', 'game'), loadBalancerIps: S.arr(S.str('ip', '192.168.1.240'), '["192.168.1.240"]') }) });
    const a: Record<string, string> = {};
    if (options.addressPool) a['metallb.universe.tf/address-pool'] = options.addressPool;
    if (options.sharingKey) a['metallb.universe.tf/allow-shared-ip'] = options.sharingKey;
    if (options.loadBalancerIps?.length) a['metallb.universe.tf/loadBalancerIPs'] = options.loadBalancerIps.join(',');
    return new LoadBalancerPreset('metallb', a);
  }

  /** No cloud annotations: the cluster's default load balancer. */
  public static none(): LoadBalancerPreset {
    return new LoadBalancerPreset('none', {});
  }

  private constructor(
    /** Preset name, for messages and diagrams. */
    public readonly name: string,
    /** Annotations the preset writes. */
    public readonly annotations: Readonly<Record<string, string>>,
  ) {}
}

/** Options of {@link LoadBalancerPreset.aks}. */
export interface AksLoadBalancerOptions {
  /** An internal (private VNet) load balancer. @default false */
  readonly internal?: boolean;
  /** Name of a pre-created static public IP, so UDP clients keep their address when the Service is re-created. @default - a new dynamic IP */
  readonly publicIpName?: string;
  /** Resource group of that public IP. @default - the cluster's node resource group */
  readonly resourceGroup?: string;
  /** A DNS label for the public IP. @default - none */
  readonly dnsLabel?: string;
}
/** Options of {@link LoadBalancerPreset.eksNlb}. */
export interface EksNlbOptions {
  /** An internal NLB. @default false */
  readonly internal?: boolean;
  /** Elastic IP allocation ids, one per subnet. @default - AWS-assigned addresses */
  readonly eipAllocations?: string[];
}
/** Options of {@link LoadBalancerPreset.gke}. */
export interface GkeLoadBalancerOptions {
  /** An internal passthrough load balancer. @default false */
  readonly internal?: boolean;
}
/** Options of {@link LoadBalancerPreset.metalLb}. */
export interface MetalLbOptions {
  /** Address pool to allocate from. @default - MetalLB's default pool */
  readonly addressPool?: string;
  /** Sharing key, to share one IP between the TCP and UDP Services. @default - not shared */
  readonly sharingKey?: string;
  /** Fixed IPs. @default - allocated from the pool */
  readonly loadBalancerIps?: string[];
}

/**
 * How UDP packets reach the same pod as the user's WebSocket when there is more than one replica
 * (an enum-like class). The WebSocket is routed by the ingress controller per connection; UDP by
 * the cloud load balancer and kube-proxy per flow. They pick pods independently, so with more
 * than one replica a user's two channels can land on different pods. The choice is required.
 */
export class UdpRouting {
  /** Exactly one replica: no autoscaling, no PDB; rollouts still surge one new pod before the old one goes. */
  public static singleReplica(): UdpRouting {
    return new UdpRouting('single-replica', undefined);
  }

  /**
   * `sessionAffinity: ClientIP`: UDP from one client IP sticks to one pod, which is NOT
   * necessarily the pod holding that client's WebSocket. Choose it when the app tolerates that.
   */
  public static clientIpAffinity(timeout: Duration = Duration.hours(3)): UdpRouting {
    validateArgs('UdpRouting.clientIpAffinity', 'UdpRouting', { timeout }, { timeout: S.dur() });
    return new UdpRouting('client-ip-affinity', timeout);
  }

  /** The app routes UDP itself (packets carry a session token and pods forward them to the owner). */
  public static appRouted(): UdpRouting {
    return new UdpRouting('app-routed', undefined);
  }

  private constructor(
    /** The strategy name. */
    public readonly strategy: 'single-replica' | 'client-ip-affinity' | 'app-routed',
    /** Affinity timeout for client-ip-affinity. */
    public readonly affinityTimeout: Duration | undefined,
  ) {}
}

/**
 * The most UDP ports one LoadBalancer Service may list: the smallest listener quota of the clouds
 * we render for (an AWS Network Load Balancer has at most 50 listeners).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html
 */
export const MAX_UDP_PORTS = 50;

/** Properties of {@link UdpLoadBalancer}. */
export interface UdpLoadBalancerProps {
  /** Name of the Service (a DNS-1035 label), e.g. `cloud-prod-udp`. */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** Labels of the pods that receive the UDP traffic (`spec.selector`). */
  readonly selector: Record<string, string>;
  /** UDP ports: `name` (IANA, at most 15 characters), the public `port` and the pod's `targetPort`. */
  readonly ports: UdpPort[];
  /** Cloud annotations. @default LoadBalancerPreset.none() */
  readonly preset?: LoadBalancerPreset;
  /** Session affinity for multi-replica backends. @default - none (`sessionAffinity: None`) */
  readonly routing?: UdpRouting;
  /** Restrict the clients that may reach the load balancer. @default - any source (the cloud LB is public) */
  readonly sourceRanges?: string[];
  /** Extra labels on the Service. @default - `app.kubernetes.io/name` from the selector, if present */
  readonly labels?: Record<string, string>;
}

/** One UDP port of a {@link UdpLoadBalancer}. */
export interface UdpPort {
  /** Port name (IANA, at most 15 characters). @default 'udp' */
  readonly name?: string;
  /** Public port on the load balancer. */
  readonly port: number;
  /** Port on the pod (a number, or the container port's name). @default - same as `port` */
  readonly targetPort?: number | string;
}

/** The shape of {@link UdpLoadBalancerProps}, checked before anything reads the props. @internal */
export const UDP_LOAD_BALANCER_PROPS = S.obj('UdpLoadBalancerProps', {
  name: S.req(S.str(), '"my-app-udp"'),
  namespace: S.str(),
  selector: S.req(S.rec(S.str()), '{ "app.kubernetes.io/name": "my-app" }'),
  ports: S.req(S.arr(S.obj('UdpPort', { name: S.str(), port: S.req(S.int(), '7000'), targetPort: S.or('a port number or a port name', S.int(), S.str()) })), '[{ port: 7000 }]'),
  preset: S.inst(() => LoadBalancerPreset, 'a LoadBalancerPreset', 'use LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb() or .none()'),
  routing: S.inst(() => UdpRouting, 'a UdpRouting', 'use UdpRouting.singleReplica(), UdpRouting.clientIpAffinity() or UdpRouting.appRouted()'),
  sourceRanges: S.arr(S.str('cidr', '203.0.113.0/24'), '["203.0.113.0/24"]'),
  labels: S.rec(S.str()),
});

/**
 * A `type: LoadBalancer` Service for UDP only, with `externalTrafficPolicy: Local`.
 *
 * UDP cannot go through an Ingress, and a PaaS such as Porter cannot create UDP Services, so teams
 * apply these by hand and lose them when a cluster is rebuilt. `Local` keeps the client source IP
 * (NetworkPolicies see real clients), avoids a second hop, and makes the cloud health check skip
 * nodes with no ready pod, including a terminating one.
 */
export class UdpLoadBalancer extends Construct {
  /** The Service object (escape hatch). */
  public readonly resource: ApiObject;
  /** The Service name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: UdpLoadBalancerProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'UdpLoadBalancer');
    validateProps(this, 'UdpLoadBalancer', props, UDP_LOAD_BALANCER_PROPS);
    this.name = check.serviceName('name', props.name);
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    const selector = check.labels('selector', props.selector);
    if (Object.keys(selector).length === 0) {
      check.fail('selector', props.selector, 'name at least one pod label', 'pass the labels of the pods that serve UDP, e.g. { "app.kubernetes.io/name": "my-app" }');
    }
    if (props.ports.length === 0) check.fail('ports', props.ports, 'list at least one UDP port', 'add { port: 8000 }');
    if (props.ports.length > MAX_UDP_PORTS) {
      const nums = props.ports.map((p) => p.port).filter((n) => typeof n === 'number').sort((x, y) => x - y);
      check.fail('ports', `${props.ports.length} ports (${nums[0]}-${nums[nums.length - 1]})`,
        `list at most ${MAX_UDP_PORTS} ports: each is a listener on the cloud load balancer (an AWS NLB has at most 50), so a port range spelled out port by port is refused like a range (a Service cannot expose one, kubernetes/enhancements#6220)`,
        'use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port');
    }
    const seenNames = new Set<string>();
    const seenPorts = new Set<number>();
    const ports = props.ports.map((p, i) => {
      const name = check.portName(`ports[${i}].name`, p.name ?? 'udp');
      const port = check.portNumber(`ports[${i}].port`, p.port);
      if (seenNames.has(name)) check.fail(`ports[${i}].name`, name, 'be unique within the Service', 'give each port its own name');
      if (seenPorts.has(port)) check.fail(`ports[${i}].port`, port, 'be unique within the Service', 'remove the duplicate port');
      seenNames.add(name);
      seenPorts.add(port);
      const target = p.targetPort ?? port;
      if (typeof target === 'number') check.portNumber(`ports[${i}].targetPort`, target);
      else check.portName(`ports[${i}].targetPort`, target);
      return { name, port, targetPort: target, protocol: 'UDP' };
    });
    const preset = props.preset ?? LoadBalancerPreset.none();
    const routing = props.routing;
    let affinity: Record<string, unknown> = { sessionAffinity: 'None' };
    if (routing?.strategy === 'client-ip-affinity') {
      const timeoutSeconds = check.seconds('routing.affinityTimeout', routing.affinityTimeout ?? Duration.hours(3), 1, 86400);
      affinity = { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds } } };
    }
    const sourceRanges = props.sourceRanges ?? [];
    sourceRanges.forEach((c, i) => {
      if (!parseCidr(c)) check.fail(`sourceRanges[${i}]`, c, 'be an IPv4 CIDR such as "203.0.113.0/24"', 'fix the address or prefix length');
    });
    const labels = { ...(selector['app.kubernetes.io/name'] ? { 'app.kubernetes.io/name': selector['app.kubernetes.io/name'] } : {}), 'app.kubernetes.io/component': 'udp', ...check.labels('labels', props.labels) };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: this.name,
        namespace,
        labels,
        ...(Object.keys(preset.annotations).length ? { annotations: { ...preset.annotations } } : {}),
      },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        allocateLoadBalancerNodePorts: true,
        selector,
        ports,
        ...affinity,
        ...(sourceRanges.length ? { loadBalancerSourceRanges: sourceRanges } : {}),
      },
    });
  }
}
