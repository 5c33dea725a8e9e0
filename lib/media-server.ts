import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { OwnedNamespace, PodSecurityLevel, isClusterNamespace } from './namespace';
import { PolicyPort, PolicyRule, Peer, WorkloadNetworkPolicy, dnsEgress } from './network-policy';
import { Checker } from './private/checks';
import { hasNumericTld, isDns1123Subdomain, isIpAddress, isLabelValue, isPortNumber, isQualifiedName, parseCidr } from './private/k8s-names';
import { ContainerPort, WorkloadProps, podTemplate, renderRoutes, resolveWorkload } from './private/pod-spec';
import { IngressController, RenderedRouteGroup, RoutesOptions, controllerSources } from './routing';
import { toYaml } from './synth/yaml';
import { PreStopHook } from './workload';
import { validateProps } from './private/validate';
import { PEER, POLICY_RULE, ROUTES_OPTIONS, S, WORKLOAD_FIELDS, orFalse } from './private/pod-spec';

/** Pod Security Admission's enforce label. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** An inclusive range of UDP ports, e.g. 50000-60000. */
export interface UdpPortRange {
  /** First port. */
  readonly start: number;
  /** Last port (inclusive). */
  readonly end: number;
}

/** A toleration of the dedicated nodes' taint. */
export interface NodeToleration {
  /** Taint key. */
  readonly key: string;
  /** Taint value (with `Equal`). @default - none, and the operator is `Exists` */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The dedicated node pool the media server runs on, one pod per node. */
export interface DedicatedNodes {
  /** Labels of the pool's nodes (`nodeSelector`), e.g. `{ agentpool: 'media' }` on AKS. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations of the pool's taints (taint the pool so nothing else lands there). @default - none */
  readonly tolerations?: NodeToleration[];
  /**
   * The pool's node subnet (IPv4 CIDR). hostNetwork pods have their node's IP, so in-cluster
   * clients reach them at node addresses: {@link MediaServer.clientEgress} opens this range.
   * @default - in-cluster clients get a rule by pod labels, which most CNIs do not apply to hostNetwork pods
   */
  readonly subnet?: string;
}

/** Rolling update of the DaemonSet. */
export interface MediaServerRollout {
  /** Nodes whose pod is replaced at once. @default 1 */
  readonly maxUnavailable?: number | string;
  /** Must be 0: a surge pod cannot bind the host ports of the pod it replaces. @default 0 */
  readonly maxSurge?: number | string;
}

/** Properties of {@link MediaServer}. */
export interface MediaServerProps extends WorkloadProps {
  /** The dedicated nodes. */
  readonly nodes: DedicatedNodes;
  /** HTTP/WebSocket signalling port (LiveKit `port`), also probed. @default 7880 */
  readonly signallingPort?: number;
  /** ICE over TCP, for clients whose UDP is blocked (LiveKit `rtc.tcp_port`); on the node, never behind a load balancer. @default 7881 */
  readonly rtcTcpPort?: number;
  /** UDP media ports on the node (LiveKit `rtc.port_range_start`/`port_range_end`). @default 50000-60000 */
  readonly udpPortRange?: UdpPortRange;
  /** Redis address (`host:port`), needed by LiveKit to run more than one node. @default - no redis section */
  readonly redisAddress?: string;
  /**
   * More LiveKit configuration, merged into the generated `LIVEKIT_CONFIG` (e.g. `{ room: { empty_timeout: 300 } }`).
   * Secrets (`keys`, passwords) are refused: load `LIVEKIT_KEYS` and the Redis password through `secrets`.
   * @default - none
   */
  readonly config?: Record<string, unknown>;
  /** Public routes of the signalling port (WebSocket). @default - no routes */
  readonly routes?: RoutesOptions;
  /** Rolling update. @default - maxUnavailable 1, maxSurge 0 */
  readonly rollout?: MediaServerRollout;
  /**
   * Emit the Namespace object labelled `pod-security.kubernetes.io/enforce: privileged`. Set to
   * `false` only when the namespace is created elsewhere with that label.
   * @default true
   */
  readonly namespaceObject?: boolean;
  /**
   * NetworkPolicy. Inbound: signalling from the ingress controller and from `signallingFrom`;
   * ICE-TCP and the UDP range from anywhere. Outbound: DNS plus `allowTo`. `false` for none.
   * @default - as above
   */
  readonly networkPolicy?: { readonly signallingFrom?: Peer[]; readonly allowTo?: PolicyRule[] } | false;
}

const SECRET_KEY = /(^keys$|key_file|password|secret|token)/i;

/** The shape of {@link MediaServerProps}, checked before anything reads the props. @internal */
export const MEDIA_SERVER_PROPS = S.obj('MediaServerProps', {
  ...WORKLOAD_FIELDS,
  nodes: S.req(S.obj('DedicatedNodes', {
    nodeSelector: S.req(S.rec(S.str()), '{ agentpool: "media" }'),
    tolerations: S.arr(S.obj('NodeToleration', { key: S.req(S.str(), '"dedicated"'), value: S.str(), effect: S.req(S.enumOf({ '"NoSchedule"': 'NoSchedule', '"PreferNoSchedule"': 'PreferNoSchedule', '"NoExecute"': 'NoExecute' }), '"NoSchedule"') })),
    subnet: S.str('cidr', '10.224.0.0/16'),
  }), '{ nodeSelector: { agentpool: "media" } }'),
  signallingPort: S.int(),
  rtcTcpPort: S.int(),
  udpPortRange: S.obj('UdpPortRange', { start: S.req(S.int(), '50000'), end: S.req(S.int(), '60000') }),
  redisAddress: S.str('name', 'redis.example.com:6379'),
  config: S.rec(S.any()),
  routes: ROUTES_OPTIONS,
  rollout: S.obj('MediaServerRollout', { maxUnavailable: S.or('a whole number or a percentage string', S.int(), S.str()), maxSurge: S.or('a whole number or a percentage string', S.int(), S.str()) }),
  namespaceObject: S.bool(),
  networkPolicy: orFalse('signallingFrom / allowTo', S.obj('MediaServer networkPolicy', { signallingFrom: S.arr(PEER), allowTo: S.arr(POLICY_RULE) })),
});

/**
 * A WebRTC media server (an SFU such as LiveKit) that needs a UDP port range.
 *
 * A Service cannot expose a port range (kubernetes/enhancements#6220), and 10,001 container or
 * Service ports are not an option, so the pods use `hostNetwork: true` and the media ports are
 * bound on the node, declared to LiveKit through its configuration (`LIVEKIT_CONFIG`), not as
 * container ports. Consequences, all handled here:
 *
 * - **One pod per node, on dedicated nodes**: a DaemonSet on the pool picked by `nodes`
 *   (nodeSelector + tolerations). Chosen over a Deployment with required pod anti-affinity: the
 *   DaemonSet cannot overshoot the pool, needs no replica count to keep in line with the node
 *   count, and scales with the node pool itself.
 * - **Rollout without host-port deadlock**: `maxUnavailable: 1, maxSurge: 0` replaces each node's
 *   pod in place. A surge pod would need the same host ports as the pod it replaces and stay
 *   Pending forever, so `maxSurge` other than 0 is refused. No PodDisruptionBudget: drains do
 *   not evict DaemonSet pods.
 * - **`dnsPolicy: ClusterFirstWithHostNet`**, or the pod resolves with the node's DNS and cannot
 *   find Redis by its Service name.
 * - **Pod Security "privileged" namespace**: `hostNetwork` and host ports are forbidden by the
 *   "baseline" level as well as by "restricted", so the namespace (emitted here) is labelled
 *   `pod-security.kubernetes.io/enforce: privileged`. Put nothing else in it. Everything else of
 *   the pod stays restricted-like: non-root UID, seccomp RuntimeDefault, all capabilities dropped,
 *   no privilege escalation, read-only root filesystem, no service account token.
 * - **Firewall**: NetworkPolicies are generally not enforced for hostNetwork pods; open TCP
 *   `rtcTcpPort` and the UDP range on the node pool's cloud firewall (an Azure NSG on AKS). The
 *   NetworkPolicy emitted here states the intent.
 *
 * Signalling (HTTP/WebSocket) goes through a normal ClusterIP Service and routes. ICE-TCP is on
 * the node only: LiveKit advertises node addresses and it cannot sit behind a load balancer.
 *
 * Children (stable ids, all public fields): `Namespace`, `DaemonSet`, `Service`, `Routes`,
 * `NetworkPolicy`.
 * @see https://github.com/kubernetes/enhancements/issues/6220
 * @see https://docs.livekit.io/home/self-hosting/kubernetes/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export class MediaServer extends Construct {
  /** The Namespace object, unless `namespaceObject` is false. */
  public readonly namespaceObject?: ApiObject;
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  /** The signalling Service. */
  public readonly service: ApiObject;
  /** Route groups of the signalling routes. */
  public readonly routeGroups: RenderedRouteGroup[];
  /** The NetworkPolicy, unless disabled. */
  public readonly networkPolicy?: WorkloadNetworkPolicy;
  /** Labels that select the pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The UDP media port range. */
  public readonly udpPortRange: UdpPortRange;
  /** The signalling port. */
  public readonly signallingPort: number;
  /** The ICE-TCP port. */
  public readonly rtcTcpPort: number;
  /** The ingress controller, if routes are set. */
  public readonly controller?: IngressController;
  private readonly subnet?: string;

  constructor(scope: Construct, id: string, props: MediaServerProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'MediaServer');
    validateProps(this, 'MediaServer', props, MEDIA_SERVER_PROPS);
    const w = resolveWorkload(check, props, Chart.of(this).namespace, 'media', {
      // LiveKit's chart waits up to 5 h for rooms to end on shutdown.
      shutdown: { preStop: PreStopHook.sleep(Duration.seconds(15)), drainTimeout: Duration.seconds(17985) },
      probes: { path: '/' },
      resources: { cpuRequest: '4', memoryRequest: '1Gi', memoryLimit: '2Gi' },
    });
    this.name = w.name;
    this.namespace = w.namespace;
    this.selectorLabels = w.selector;

    // ---- ports ----
    const signalling = (this.signallingPort = check.portNumber('signallingPort', props.signallingPort ?? 7880));
    const rtcTcp = (this.rtcTcpPort = check.portNumber('rtcTcpPort', props.rtcTcpPort ?? 7881));
    if (rtcTcp === signalling) check.fail('rtcTcpPort', rtcTcp, `differ from signallingPort (${signalling})`, 'use 7881');
    const range = (this.udpPortRange = props.udpPortRange ?? { start: 50000, end: 60000 });
    check.portNumber('udpPortRange.start', range.start);
    check.portNumber('udpPortRange.end', range.end);
    if (range.end < range.start) check.fail('udpPortRange.end', range.end, `be at least udpPortRange.start (${range.start})`, 'swap the two');
    if (range.start < 1024) check.fail('udpPortRange.start', range.start, 'be 1024 or more (ports below need NET_BIND_SERVICE on the node\'s network)', 'use e.g. 50000');
    if (range.start <= 32767 && range.end >= 30000) {
      check.fail('udpPortRange', `${range.start}-${range.end}`, 'not overlap the Service NodePort range 30000-32767: kube-proxy forwards those ports on every node, so media packets would go to NodePort Services instead of the media server',
        'use a range above 32767, e.g. 50000-60000');
    }
    for (const [prop, p] of [['signallingPort', signalling], ['rtcTcpPort', rtcTcp]] as const) {
      if (p >= range.start && p <= range.end) check.fail(prop, p, `lie outside udpPortRange (${range.start}-${range.end})`, 'move the port or the range');
    }
    const ports: ContainerPort[] = [
      { name: 'http', containerPort: signalling, hostPort: signalling, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: rtcTcp, hostPort: rtcTcp, protocol: 'TCP' },
    ];

    // ---- nodes ----
    const nodeSelector = check.labels('nodes.nodeSelector', props.nodes.nodeSelector);
    if (Object.keys(nodeSelector).length === 0) {
      check.fail('nodes.nodeSelector', props.nodes.nodeSelector, 'name at least one node label: host ports and the UDP range belong on dedicated nodes, one pod each', 'create a node pool for media (e.g. AKS agentpool "media", tainted) and pass { agentpool: "media" }');
    }
    const tolerations = (props.nodes.tolerations ?? []).map((t, i) => {
      if (!isQualifiedName(t.key)) check.fail(`nodes.tolerations[${i}].key`, t.key, 'be a qualified name', 'use the taint key of the pool');
      if (t.value !== undefined && !isLabelValue(t.value)) check.fail(`nodes.tolerations[${i}].value`, t.value, 'be a label value', 'use the taint value of the pool');
      if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) check.fail(`nodes.tolerations[${i}].effect`, t.effect, 'be NoSchedule, PreferNoSchedule or NoExecute', 'use the taint effect of the pool');
      return t.value !== undefined ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect } : { key: t.key, operator: 'Exists', effect: t.effect };
    });
    if (props.nodes.subnet !== undefined && !parseCidr(props.nodes.subnet)) check.fail('nodes.subnet', props.nodes.subnet, 'be an IPv4 CIDR such as "10.224.0.0/16"', 'pass the node pool\'s subnet');
    this.subnet = props.nodes.subnet;

    // ---- rollout ----
    const maxSurge = props.rollout?.maxSurge ?? 0;
    if (maxSurge !== 0 && maxSurge !== '0%') {
      check.fail('rollout.maxSurge', maxSurge, `be 0: with hostNetwork a surge pod needs the same host ports (${signalling}, ${rtcTcp} and UDP ${range.start}-${range.end}) on the same node as the pod it replaces, so it stays Pending and the rollout deadlocks`,
        'remove maxSurge (0 is the default); nodes are updated one at a time with maxUnavailable, and clients reconnect to the other nodes');
    }
    const maxUnavailable = props.rollout?.maxUnavailable ?? 1;
    if (typeof maxUnavailable === 'number' ? !Number.isInteger(maxUnavailable) || maxUnavailable < 1 : !/^([1-9][0-9]?|100)%$/.test(maxUnavailable)) {
      check.fail('rollout.maxUnavailable', maxUnavailable, 'be a whole number from 1 or a percentage from "1%" to "100%" (with maxSurge 0, a rollout needs at least one node at a time)', 'use 1');
    }

    // ---- LiveKit configuration (no secrets) ----
    if ((props.env ?? {}).LIVEKIT_CONFIG !== undefined) check.fail('env["LIVEKIT_CONFIG"]', props.env!.LIVEKIT_CONFIG, 'be unset: the construct generates it from its props', 'pass extra configuration in `config`');
    const extra = props.config ?? {};
    checkNoSecrets(check, 'config', extra);
    if ('port' in extra) check.fail('config.port', extra.port, 'be unset: it is signallingPort', 'set signallingPort');
    const rtcExtra = (extra.rtc ?? {}) as Record<string, unknown>;
    for (const k of ['tcp_port', 'port_range_start', 'port_range_end', 'use_external_ip']) {
      if (k in rtcExtra) check.fail(`config.rtc.${k}`, rtcExtra[k], 'be unset: the construct derives it from its ports', 'set rtcTcpPort or udpPortRange');
    }
    if (props.redisAddress !== undefined) checkRedisAddress(check, props.redisAddress);
    const livekitConfig = {
      ...extra,
      port: signalling,
      rtc: { ...rtcExtra, tcp_port: rtcTcp, port_range_start: range.start, port_range_end: range.end, use_external_ip: true },
      ...(props.redisAddress ? { redis: { ...(extra.redis as Record<string, unknown> | undefined), address: props.redisAddress } } : {}),
    };
    const env = [...w.env, { name: 'LIVEKIT_CONFIG', value: toYaml(livekitConfig) }].sort((a, b) => (a.name < b.name ? -1 : 1));

    // ---- Namespace ----
    if (props.namespaceObject ?? true) {
      if (isClusterNamespace(w.namespace)) {
        check.fail('namespace', w.namespace, 'be a namespace of its own, not "default" or "kube-*": hostNetwork needs Pod Security "privileged", and this construct would emit that Namespace object, taking over a namespace the cluster owns',
          `use a dedicated namespace such as "${w.name}" (put nothing else in it), or set namespaceObject: false if "${w.namespace}" is already labelled privileged by its owner`);
      }
      this.namespaceObject = new OwnedNamespace(this, 'Namespace', {
        name: w.namespace,
        podSecurity: PodSecurityLevel.privileged(`${w.name} uses hostNetwork for UDP ${range.start}-${range.end} (a Service cannot expose a port range, kubernetes/enhancements#6220); baseline and restricted forbid hostNetwork and host ports`),
      }).resource;
    }

    // ---- DaemonSet ----
    const template = podTemplate({ ...w, env }, {
      ports,
      annotations: { 'cdk8s-realtime.io/udp-port-range': `${range.start}-${range.end}` },
      pod: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', nodeSelector, ...(tolerations.length ? { tolerations } : {}) },
    });
    this.daemonSet = new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
      spec: {
        revisionHistoryLimit: 10,
        minReadySeconds: 10,
        selector: { matchLabels: w.selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge: 0 } },
        template,
      },
    });

    // ---- signalling Service and routes ----
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
      spec: { type: 'ClusterIP', selector: w.selector, ports: [{ name: 'http', port: signalling, targetPort: 'http', protocol: 'TCP' }] },
    });
    this.routeGroups = [];
    if (props.routes) {
      const rendered = renderRoutes(this, check, 'MediaServer', w, props.routes, { http: signalling }, (route) => route.port ?? 'http', 'use "http" or omit `port`');
      this.controller = rendered.controller;
      this.routeGroups = rendered.groups;
    }

    // ---- NetworkPolicy (intent; see the class doc on hostNetwork) ----
    if (props.networkPolicy !== false) {
      const np = props.networkPolicy ?? {};
      const signallingPeers = [...(this.controller ? controllerSources(check, 'routes.controller', this.controller) : []), ...(np.signallingFrom ?? [])];
      this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name: w.name,
        namespace: w.namespace,
        podSelector: w.selector,
        labels: w.podLabels,
        ingress: [
          ...(signallingPeers.length ? [{ peers: signallingPeers, ports: [{ protocol: 'TCP' as const, port: signalling }] }] : []),
          { peers: [Peer.anywhere()], ports: this.mediaPorts() },
        ],
        egress: [dnsEgress(), ...(np.allowTo ?? [])],
      });
    }
  }

  /** ICE-TCP and the UDP range, as NetworkPolicy ports. */
  public mediaPorts(): PolicyPort[] {
    return [{ protocol: 'TCP', port: this.rtcTcpPort }, { protocol: 'UDP', port: this.udpPortRange.start, endPort: this.udpPortRange.end }];
  }

  /**
   * The egress rule an in-cluster client (an agent) needs: signalling, ICE-TCP and the UDP range,
   * to the node pool's subnet when `nodes.subnet` is set (hostNetwork pods have node addresses),
   * else to the media pods by label.
   */
  public clientEgress(): PolicyRule {
    return {
      peers: [this.subnet ? Peer.cidr(this.subnet) : Peer.pods(this.selectorLabels, this.namespace)],
      ports: [{ protocol: 'TCP', port: this.signallingPort }, ...this.mediaPorts()],
    };
  }
}

function checkNoSecrets(check: Checker, prop: string, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(k)) {
      check.fail(`${prop}.${k}`, k, 'not carry a secret: the configuration is an environment variable committed to dist/ in plain text', 'load it from a Secret through `secrets` (LiveKit reads LIVEKIT_KEYS, and the Redis password from its config file or env)');
    }
    checkNoSecrets(check, `${prop}.${k}`, v);
  }
}

/** LiveKit's `redis.address`: `host:port` (a DNS name or an IP address), no scheme, no credentials. */
function checkRedisAddress(check: Checker, address: string): void {
  const prop = 'redisAddress';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    const bare = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '').replace(/\/.*$/, '');
    check.fail(prop, address, 'be host:port without a scheme (LiveKit reads redis.address as an address, not a URL)', `use "${bare}"; turn TLS on with config.redis.use_tls`);
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::([0-9]+))?$/.exec(address);
  const host = m?.[1] ?? '';
  const port = m?.[2];
  const ipLike = /^[0-9.]+$/.test(host);
  const hostOk = host.startsWith('[') ? isIpAddress(host.slice(1, -1)) : ipLike ? isIpAddress(host) : isDns1123Subdomain(host) && !hasNumericTld(host);
  if (!m || !hostOk) {
    check.fail(prop, address, 'be host:port with a DNS name or an IP address (each number of an IPv4 address from 0 to 255), e.g. "redis.livekit.svc.cluster.local:6379"', ipLike ? 'correct the address' : 'use the Redis host name and port, e.g. "redis-master.livekit.svc.cluster.local:6379"');
  }
  if (port !== undefined && !isPortNumber(Number(port))) check.fail(prop, address, 'have a port from 1 to 65535', `use "${host}:6379"`);
}
