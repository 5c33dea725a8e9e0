import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './private/checks';
import { parseCidr } from './private/k8s-names';
import { S, enumNames, validateArgs, validateProps } from './private/validate';
import { Hop, checkUdpKeepalive } from './timeout-budget';

/** How an AWS Network Load Balancer registers its targets. */
export enum NlbTargetType {
  /** Pod IPs (the AWS VPC CNI): the NLB sends to the pods directly; kube-proxy never sees the packets. */
  IP = 'ip',
  /** Node ports: the NLB picks a node, kube-proxy on that node picks one of its ready pods (`externalTrafficPolicy: Local`). */
  INSTANCE = 'instance',
}

/** How MetalLB announces a Service's address. */
export enum MetalLbMode {
  /** One node answers ARP/NDP for the address and receives all its traffic. */
  L2 = 'l2',
  /** Every node with a ready pod announces the address to the routers, which spread flows by ECMP. */
  BGP = 'bgp',
}

/** One fact about a preset's load balancer for UDP, with the page it comes from. */
export interface UdpFact {
  /** What happens, in a sentence. */
  readonly value: string;
  /** The public page (or shipped file) that says so. */
  readonly source: string;
}

/** What a preset's load balancer does for a UDP Service with `externalTrafficPolicy: Local`. */
export interface UdpPresetFacts {
  /** The health check that decides which nodes or pods receive flows. */
  readonly healthCheck: UdpFact;
  /** What `UdpRouting.clientIpAffinity()` becomes, or why it is refused. */
  readonly affinity: UdpFact;
  /** Whether the pods (and their NetworkPolicies) see the client's own address. */
  readonly sourceIp: UdpFact;
  /** How long the load balancer keeps a quiet UDP flow on its target. */
  readonly idleTimeout: UdpFact;
}

const K8S_SOURCE_IP = 'https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip';
const KUBE_PROXY_AFFINITY = 'https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity';
const CONNTRACK = 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html';
const LBC_ANNOTATIONS = 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/';
const NLB_UDP_IDLE = 'https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-nlb-tcp-configurable-idle-timeout/';
const GKE_PARAMETERS = 'https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters';
const KUBE_PROXY_HEALTH = 'kube-proxy\'s healthCheckNodePort, HTTP GET /healthz (200 only on nodes with a ready pod of the Service)';
const CONNTRACK_IDLE = 'on the node, kube-proxy\'s conntrack entry: 30 s without a reply, 120 s once both directions have been seen (nf_conntrack_udp_timeout, _stream)';

const FACTS: Record<string, UdpPresetFacts> = {
  aks: {
    healthCheck: { value: `${KUBE_PROXY_HEALTH}, probed by the Azure Load Balancer`, source: 'https://github.com/kubernetes-sigs/cloud-provider-azure/blob/v1.25.18/pkg/provider/azure_loadbalancer_healthprobe.go' },
    affinity: { value: 'sessionAffinity ClientIP: the LB rule distributes by source IP (loadDistribution SourceIP), kube-proxy keeps the pod', source: 'https://github.com/kubernetes/kubernetes/pull/45523' },
    sourceIp: { value: 'yes (externalTrafficPolicy Local; the LB does not NAT inbound flows)', source: K8S_SOURCE_IP },
    idleTimeout: { value: 'not documented for UDP: the rule\'s idle timeout (4-100 min, default 4) is used only for TCP; declare a measured value with Hop.custom', source: 'https://learn.microsoft.com/python/api/azure-mgmt-network/azure.mgmt.network.models.loadbalancingrulepropertiesformat' },
  },
  'eks-nlb-ip': {
    healthCheck: { value: 'the pod\'s own HTTP (or TCP) port and path, set by annotations: the default (TCP on the UDP port) fails on a UDP-only pod', source: `${LBC_ANNOTATIONS}#healthcheck-protocol` },
    affinity: { value: 'target group stickiness.type=source_ip (kube-proxy never sees NLB packets to pod IPs); no duration to set, so an explicit affinity timeout is refused', source: `${LBC_ANNOTATIONS}#target-group-attributes` },
    sourceIp: { value: 'yes: preserve_client_ip.enabled=true is written (off by default for IP targets)', source: `${LBC_ANNOTATIONS}#lb-source-ranges` },
    idleTimeout: { value: '120 s for UDP flows, fixed (only TCP listeners have tcp.idle_timeout.seconds)', source: NLB_UDP_IDLE },
  },
  'eks-nlb-instance': {
    healthCheck: { value: `${KUBE_PROXY_HEALTH} (the controller's default for Local, written explicitly)`, source: `${LBC_ANNOTATIONS}#healthcheck-port` },
    affinity: { value: 'target group stickiness.type=source_ip picks the node, sessionAffinity ClientIP the pod on it', source: `${LBC_ANNOTATIONS}#target-group-attributes` },
    sourceIp: { value: 'yes: preserve_client_ip.enabled=true (the default for instance targets, written explicitly)', source: `${LBC_ANNOTATIONS}#lb-source-ranges` },
    idleTimeout: { value: `120 s at the NLB, fixed; then ${CONNTRACK_IDLE}`, source: NLB_UDP_IDLE },
  },
  gke: {
    healthCheck: { value: `${KUBE_PROXY_HEALTH}, created by GKE for Local`, source: GKE_PARAMETERS },
    affinity: { value: 'sessionAffinity ClientIP: the backend service\'s CLIENT_IP affinity picks the node, kube-proxy the pod', source: GKE_PARAMETERS },
    sourceIp: { value: 'yes (passthrough: packets arrive with their source address unchanged)', source: 'https://cloud.google.com/load-balancing/docs/passthrough-network-load-balancer' },
    idleTimeout: { value: `60 s (connection tracking of external passthrough NLBs, not settable publicly); then ${CONNTRACK_IDLE}`, source: 'https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.BackendServiceConnectionTrackingPolicy' },
  },
  'metallb-l2': {
    healthCheck: { value: 'none of its own: the speaker announces the address only from a node with a ready pod (Local), so only that node\'s pods receive UDP', source: 'https://metallb.universe.tf/usage/#traffic-policies' },
    affinity: { value: 'sessionAffinity ClientIP: all traffic enters the one announcing node, where kube-proxy keeps the pod', source: 'https://metallb.universe.tf/concepts/layer2/' },
    sourceIp: { value: 'yes (externalTrafficPolicy Local)', source: 'https://metallb.universe.tf/usage/#traffic-policies' },
    idleTimeout: { value: `no load balancer state; ${CONNTRACK_IDLE}`, source: CONNTRACK },
  },
  'metallb-bgp': {
    healthCheck: { value: 'none of its own: nodes without a ready pod withdraw their route (Local); the router spreads flows over the rest', source: 'https://metallb.universe.tf/usage/#traffic-policies' },
    affinity: { value: 'refused: the routers hash each flow (ECMP) to a node, and kube-proxy\'s ClientIP affinity only holds within one node', source: 'https://metallb.universe.tf/concepts/bgp/' },
    sourceIp: { value: 'yes (externalTrafficPolicy Local)', source: 'https://metallb.universe.tf/usage/#traffic-policies' },
    idleTimeout: { value: `the routers' ECMP hash keeps no timer; ${CONNTRACK_IDLE}`, source: CONNTRACK },
  },
  none: {
    healthCheck: { value: `whatever the cluster's load balancer does; ${KUBE_PROXY_HEALTH} is there for it`, source: K8S_SOURCE_IP },
    affinity: { value: 'refused: nothing says how the load balancer picks a node, and kube-proxy\'s ClientIP affinity only holds within one node', source: KUBE_PROXY_AFFINITY },
    sourceIp: { value: 'if the load balancer does not NAT (externalTrafficPolicy Local keeps it from kube-proxy on)', source: K8S_SOURCE_IP },
    idleTimeout: { value: `unknown at the load balancer; ${CONNTRACK_IDLE}`, source: CONNTRACK },
  },
};

/** Rows of the README's preset table: the preset as written in code, and its facts. */
const FACT_ROWS: Array<{ preset: string; key: string }> = [
  { preset: '`LoadBalancerPreset.aks()`', key: 'aks' },
  { preset: '`LoadBalancerPreset.eksNlb()` (IP targets)', key: 'eks-nlb-ip' },
  { preset: '`LoadBalancerPreset.eksNlb({ targetType: NlbTargetType.INSTANCE })`', key: 'eks-nlb-instance' },
  { preset: '`LoadBalancerPreset.gke()`', key: 'gke' },
  { preset: '`LoadBalancerPreset.metalLb()` (L2)', key: 'metallb-l2' },
  { preset: '`LoadBalancerPreset.metalLb({ mode: MetalLbMode.BGP })`', key: 'metallb-bgp' },
  { preset: '`LoadBalancerPreset.none()`', key: 'none' },
];

/**
 * The README's table of what each preset's load balancer does for UDP (health check, affinity,
 * source IP, idle timeout), each cell with its source; the README holds exactly this table.
 */
export function udpPresetTable(): string {
  const cell = (f: UdpFact) => `${f.value} ([source](${f.source}))`;
  return [
    '| preset | health check | `UdpRouting.clientIpAffinity()` | client source IP at the pod | idle timeout of a UDP flow |',
    '| --- | --- | --- | --- | --- |',
    ...FACT_ROWS.map(({ preset, key }) => {
      const f = FACTS[key];
      return `| ${preset} | ${cell(f.healthCheck)} | ${cell(f.affinity)} | ${cell(f.sourceIp)} | ${cell(f.idleTimeout)} |`;
    }),
  ].join('\n');
}

/** The pod port a load balancer that sends to pod IPs can probe. */
export interface UdpHealthCheck {
  /** A TCP port of the pods (e.g. the HTTP port), a number. */
  readonly port: number;
  /** HTTP GET path on that port (e.g. the readiness path). @default - a TCP connect check */
  readonly path?: string;
}

/** What a preset renders for one Service. @internal */
export interface RenderedUdpPreset {
  readonly annotations: Record<string, string>;
  readonly affinity: Record<string, unknown>;
}

/**
 * Cloud settings of a `type: LoadBalancer` Service for UDP (an enum-like class). Each preset writes
 * the annotations its cloud controller reads, and says (as {@link UdpPresetFacts} with sources,
 * in README.md's table) how that load balancer checks health, keeps a client on a pod, passes the
 * client address and forgets quiet UDP flows. Where kube-proxy does not see the packets, client-IP
 * affinity is rendered in the load balancer's own terms; where the load balancer cannot keep a
 * client on a pod, it is refused.
 */
export class LoadBalancerPreset {
  /**
   * Azure (AKS, cloud-provider-azure). With `externalTrafficPolicy: Local` the Azure Load Balancer
   * probes kube-proxy's healthCheckNodePort (HTTP /healthz), and `sessionAffinity: ClientIP`
   * becomes the rule's source-IP distribution.
   * @see https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#loadbalancer-annotations
   * @see https://github.com/kubernetes-sigs/cloud-provider-azure/blob/v1.25.18/pkg/provider/azure_loadbalancer_healthprobe.go
   */
  public static aks(options: AksLoadBalancerOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.aks', 'LoadBalancerPreset', { options }, { options: S.obj('AksLoadBalancerOptions', { internal: S.bool(), publicIpName: S.str('name'), resourceGroup: S.str('name'), dnsLabel: S.str('dns-label') }) });
    const a: Record<string, string> = {};
    if (options.internal) a['service.beta.kubernetes.io/azure-load-balancer-internal'] = 'true';
    if (options.publicIpName) a['service.beta.kubernetes.io/azure-pip-name'] = options.publicIpName;
    if (options.resourceGroup) a['service.beta.kubernetes.io/azure-load-balancer-resource-group'] = options.resourceGroup;
    if (options.dnsLabel) a['service.beta.kubernetes.io/azure-dns-label-name'] = options.dnsLabel;
    return new LoadBalancerPreset('aks', a, 'aks', () => [Hop.azureLoadBalancerUdp(), Hop.linuxConntrackUdp()]);
  }

  /**
   * AWS Network Load Balancer through the AWS Load Balancer Controller (EKS). UDP needs an NLB;
   * the in-tree Classic ELB cannot carry UDP.
   *
   * - IP targets (the default): the NLB sends to pod IPs and probes the pods themselves, so the
   *   Service must say which TCP port of the pod to probe (`healthCheck`, which RealtimeService
   *   fills from its HTTP port and readiness path); client-IP affinity is the target group's
   *   `stickiness.type=source_ip`; `preserve_client_ip.enabled=true` is written (off by default
   *   for IP targets).
   * - Instance targets: the NLB probes kube-proxy's healthCheckNodePort (HTTP /healthz) on each
   *   node; affinity is source-IP stickiness to the node plus `sessionAffinity: ClientIP` to the pod.
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
   */
  public static eksNlb(options: EksNlbOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.eksNlb', 'LoadBalancerPreset', { options }, {
      options: S.obj('EksNlbOptions', {
        internal: S.bool(),
        eipAllocations: S.arr(S.str('name', 'eipalloc-0123456789abcdef0'), '["eipalloc-0123456789abcdef0"]'),
        targetType: S.enumOf(enumNames('NlbTargetType', NlbTargetType)),
      }),
    });
    const targetType = options.targetType ?? NlbTargetType.IP;
    const a: Record<string, string> = {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': targetType,
      'service.beta.kubernetes.io/aws-load-balancer-scheme': options.internal ? 'internal' : 'internet-facing',
    };
    if (options.eipAllocations?.length) a['service.beta.kubernetes.io/aws-load-balancer-eip-allocations'] = options.eipAllocations.join(',');
    return targetType === NlbTargetType.IP
      ? new LoadBalancerPreset('eks-nlb', a, 'eks-nlb-ip', () => [Hop.awsNlbUdp()])
      : new LoadBalancerPreset('eks-nlb', a, 'eks-nlb-instance', () => [Hop.awsNlbUdp(), Hop.linuxConntrackUdp()]);
  }

  /**
   * Google Cloud (GKE): a backend-service-based passthrough Network Load Balancer, which carries
   * UDP. With `externalTrafficPolicy: Local` GKE's health check probes kube-proxy's
   * healthCheckNodePort; `sessionAffinity: ClientIP` becomes the backend service's CLIENT_IP affinity.
   * @see https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters
   */
  public static gke(options: GkeLoadBalancerOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.gke', 'LoadBalancerPreset', { options }, { options: S.obj('GkeLoadBalancerOptions', { internal: S.bool() }) });
    const a: Record<string, string> = options.internal
      ? { 'networking.gke.io/load-balancer-type': 'Internal' }
      : { 'cloud.google.com/l4-rbs': 'enabled' };
    return new LoadBalancerPreset('gke', a, 'gke', () => [Hop.gcpPassthroughUdp(), Hop.linuxConntrackUdp()]);
  }

  /**
   * MetalLB (bare metal and home labs). In L2 mode (the default) one node receives all traffic
   * and kube-proxy keeps client-IP affinity there; in BGP mode the routers spread flows over the
   * nodes, so client-IP affinity is refused.
   * @see https://metallb.universe.tf/usage/
   * @see https://metallb.universe.tf/concepts/layer2/
   * @see https://metallb.universe.tf/concepts/bgp/
   */
  public static metalLb(options: MetalLbOptions = {}): LoadBalancerPreset {
    validateArgs('LoadBalancerPreset.metalLb', 'LoadBalancerPreset', { options }, {
      options: S.obj('MetalLbOptions', {
        addressPool: S.str('dns-subdomain', 'default'), sharingKey: S.str('name', 'game'), loadBalancerIps: S.arr(S.str('ip', '192.168.1.240'), '["192.168.1.240"]'),
        mode: S.enumOf(enumNames('MetalLbMode', MetalLbMode)),
      }),
    });
    const a: Record<string, string> = {};
    if (options.addressPool) a['metallb.universe.tf/address-pool'] = options.addressPool;
    if (options.sharingKey) a['metallb.universe.tf/allow-shared-ip'] = options.sharingKey;
    if (options.loadBalancerIps?.length) a['metallb.universe.tf/loadBalancerIPs'] = options.loadBalancerIps.join(',');
    const mode = options.mode ?? MetalLbMode.L2;
    return new LoadBalancerPreset('metallb', a, mode === MetalLbMode.L2 ? 'metallb-l2' : 'metallb-bgp', () => [Hop.linuxConntrackUdp()]);
  }

  /** No cloud annotations: the cluster's default load balancer (client-IP affinity is refused: nothing says how it picks nodes). */
  public static none(): LoadBalancerPreset {
    return new LoadBalancerPreset('none', {}, 'none', () => [Hop.linuxConntrackUdp()]);
  }

  /** What this preset's load balancer does for UDP, with sources. */
  public readonly facts: UdpPresetFacts;

  private constructor(
    /** Preset name, for messages and diagrams. */
    public readonly name: string,
    /** Annotations the preset writes (before the per-Service health check and affinity ones). */
    public readonly annotations: Readonly<Record<string, string>>,
    private readonly kind: string,
    private readonly hops: () => Hop[],
  ) {
    this.facts = FACTS[kind];
  }

  /** True when the load balancer probes the pods themselves (NLB IP targets), not kube-proxy on the nodes. @internal */
  public _probesPods(): boolean {
    return this.kind === 'eks-nlb-ip';
  }

  /** The hops of a UDP flow through this load balancer, for the keepalive check. @internal */
  public _udpHops(): Hop[] {
    return this.hops();
  }

  /**
   * The annotations and Service affinity fields for one Service, or a refusal where the load
   * balancer cannot honour the routing choice.
   * @internal
   */
  public _render(check: Checker, routing: UdpRouting | undefined, healthCheck: UdpHealthCheck | undefined): RenderedUdpPreset {
    const a: Record<string, string> = { ...this.annotations };
    const sticky = routing?.strategy === 'client-ip-affinity';
    const timeoutSeconds = sticky ? check.seconds('routing.affinityTimeout', routing!.affinityTimeout ?? Duration.hours(3), 1, 86400) : 0;
    const kubeProxyAffinity = sticky ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds } } } : { sessionAffinity: 'None' };
    if (sticky && (this.kind === 'metallb-bgp' || this.kind === 'none')) {
      const preset = this.kind === 'none' ? 'LoadBalancerPreset.none()' : 'LoadBalancerPreset.metalLb({ mode: MetalLbMode.BGP })';
      check.fail('routing', 'client-ip-affinity', `be a routing ${preset} can honour: ${this.facts.affinity.value.replace(/^refused: /, '')}, so one client's flows would reach different pods`,
        this.kind === 'none'
          ? 'use the preset of your load balancer (LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb()), or UdpRouting.appRouted() or UdpRouting.singleReplica()'
          : 'use MetalLbMode.L2 (one node receives all traffic and kube-proxy keeps the affinity), or UdpRouting.appRouted() or UdpRouting.singleReplica()');
    }
    if (this.kind === 'eks-nlb-ip') {
      if (!healthCheck) {
        check.fail('healthCheck', undefined, 'name a TCP port of the pods for the NLB to probe: with IP targets the NLB probes each pod, and its default (TCP on the traffic port) never succeeds on a UDP-only port',
          'pass healthCheck: { port: <the pods\' HTTP port>, path: "<readiness path>" } (RealtimeService fills it from http.port and probes.path), or use NlbTargetType.INSTANCE');
      }
      if (sticky && routing!._explicitTimeout) {
        check.fail('routing.affinityTimeout', `${timeoutSeconds}s`, 'be left to its default: NLB source-IP stickiness (IP targets, where kube-proxy never sees the packets) has no duration to set',
          'use UdpRouting.clientIpAffinity() without a timeout, or NlbTargetType.INSTANCE, where kube-proxy applies it on the node');
      }
      a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol'] = healthCheck.path ? 'http' : 'tcp';
      a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-port'] = String(healthCheck.port);
      if (healthCheck.path) a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path'] = healthCheck.path;
      a['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes'] = ['preserve_client_ip.enabled=true', ...(sticky ? ['stickiness.enabled=true', 'stickiness.type=source_ip'] : [])].join(',');
      // kube-proxy never sees the NLB's packets to pod IPs: Service affinity would enforce nothing for them.
      return { annotations: a, affinity: { sessionAffinity: 'None' } };
    }
    if (this.kind === 'eks-nlb-instance') {
      // The controller's defaults for Local, written so dist/ shows them (the port defaults to spec.healthCheckNodePort).
      a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol'] = 'http';
      a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path'] = '/healthz';
      a['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes'] = ['preserve_client_ip.enabled=true', ...(sticky ? ['stickiness.enabled=true', 'stickiness.type=source_ip'] : [])].join(',');
    }
    return { annotations: a, affinity: kubeProxyAffinity };
  }
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
  /** How the NLB registers targets. @default NlbTargetType.IP */
  readonly targetType?: NlbTargetType;
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
  /** How MetalLB announces the address (as configured in the cluster's L2Advertisement or BGPAdvertisement). @default MetalLbMode.L2 */
  readonly mode?: MetalLbMode;
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
   * UDP from one client IP sticks to one pod, which is NOT necessarily the pod holding that
   * client's WebSocket. Choose it when the app tolerates that. Rendered in the load balancer's own
   * terms where kube-proxy does not see the packets (NLB IP targets: source-IP stickiness), as
   * `sessionAffinity: ClientIP` where it does, and refused where the load balancer cannot keep a
   * client on one node (MetalLB BGP, `LoadBalancerPreset.none()`): see the README's preset table.
   * @param timeout how long kube-proxy keeps the client on its pod after the last packet
   * @default timeout Duration.hours(3) (kube-proxy's default, 10800 s)
   * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity
   */
  public static clientIpAffinity(timeout?: Duration): UdpRouting {
    validateArgs('UdpRouting.clientIpAffinity', 'UdpRouting', { timeout }, { timeout: S.dur() });
    return new UdpRouting('client-ip-affinity', timeout ?? Duration.hours(3), timeout !== undefined);
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
    /** Whether the caller chose the timeout (some load balancers have none to set). @internal */
    public readonly _explicitTimeout: boolean = false,
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
  /**
   * A TCP port (and HTTP path) of the pods for load balancers that probe pods directly (EKS NLB
   * with IP targets, where it is required). Presets that probe kube-proxy's healthCheckNodePort
   * ignore it.
   * @default - none
   */
  readonly healthCheck?: UdpHealthCheck;
  /**
   * How often each client sends a packet on an otherwise quiet flow (an app-level keepalive; it
   * renders nothing). Every hop of the flow (the preset's load balancer and kube-proxy's conntrack,
   * plus `hops`) must keep a quiet flow for at least twice this, or the next packet may be
   * balanced afresh, to another pod. See the README's preset table for each preset's value.
   * @default - none declared: nothing is checked
   */
  readonly keepaliveInterval?: Duration;
  /** More hops in front of the load balancer (a NAT gateway, a firewall), for the keepalive check. @default - none */
  readonly hops?: Hop[];
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

/** The shape of {@link UdpHealthCheck}. @internal */
export const UDP_HEALTH_CHECK = S.obj('UdpHealthCheck', { port: S.req(S.int(), '8080'), path: S.str() });

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
  healthCheck: UDP_HEALTH_CHECK,
  keepaliveInterval: S.dur(),
  hops: S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.custom(name, idleTimeout) or another Hop factory')),
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
    const hc = props.healthCheck;
    if (hc) {
      check.portNumber('healthCheck.port', hc.port);
      if (hc.path !== undefined && (!hc.path.startsWith('/') || /\s/.test(hc.path))) check.fail('healthCheck.path', hc.path, 'be an absolute URL path without spaces', 'use e.g. "/health"');
    }
    const rendered = preset._render(check, props.routing, hc);
    const affinity = rendered.affinity;
    if (props.keepaliveInterval !== undefined) {
      // A declared hop replaces the preset's hop of the same name (e.g. a measured azure-load-balancer-udp).
      const declared = new Set((props.hops ?? []).map((h) => h?.name));
      checkUdpKeepalive(this, 'UdpLoadBalancer', props.keepaliveInterval, [
        ...preset._udpHops().filter((hop) => !declared.has(hop.name)).map((hop) => ({ hop, prop: 'keepaliveInterval' })),
        ...(props.hops ?? []).map((hop, i) => ({ hop, prop: `hops[${i}]` })),
      ]);
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
        ...(Object.keys(rendered.annotations).length ? { annotations: rendered.annotations } : {}),
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
