import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PolicyRule, Peer, WorkloadNetworkPolicy, dnsEgress } from './network-policy';
import { Checker } from './private/checks';
import { validateProps } from './private/validate';
import {
  AUTOSCALING, DISRUPTION_BUDGET, HTTP_ENDPOINT, NETWORK_POLICY_OPTIONS, ROUTES_OPTIONS, S, WORKLOAD_FIELDS, enumNames, orFalse,
  ContainerPort, ResolvedWorkload, WorkloadProps, checkReplicaRange, deployment, disruptionBudget, horizontalAutoscaler, podTemplate, refuseServicePortRange,
  renderRoutes, resolveWorkload, resourceMetrics, spreadConstraints,
} from './private/pod-spec';
import { IngressController, RenderedRouteGroup, RouteProtocol, RoutesOptions, controllerSources } from './routing';
import { Hop } from './timeout-budget';
import { LoadBalancerPreset, UdpLoadBalancer, UdpRouting } from './udp-load-balancer';
import { DisruptionBudget } from './workload';
import { Spread } from './spread';

/** Type of the HTTP/WebSocket Service. */
export enum HttpServiceType {
  /** Reachable inside the cluster only (through the ingress controller). */
  CLUSTER_IP = 'ClusterIP',
  /** Also on a port of every node (some PaaS ingress setups need it). */
  NODE_PORT = 'NodePort',
}

/** The HTTP endpoint (also serves the probes). */
export interface HttpEndpoint {
  /** Container port. */
  readonly port: number;
  /** Service port. @default 80 */
  readonly servicePort?: number;
}

/** A WebSocket endpoint on its own container port. Omit it when WebSockets share the HTTP port. */
export interface WebSocketEndpoint {
  /** Container port. */
  readonly port: number;
  /** Service port. @default - same as the container port */
  readonly servicePort?: number;
}

/** The UDP endpoint, exposed through its own LoadBalancer Service. */
export interface UdpEndpoint {
  /** Container port. */
  readonly port: number;
  /** Public port on the load balancer. @default - same as the container port */
  readonly publicPort?: number;
  /** Name of the LoadBalancer Service. @default `<name>-udp` */
  readonly serviceName?: string;
  /** Cloud annotations. @default LoadBalancerPreset.none() */
  readonly preset?: LoadBalancerPreset;
  /**
   * How a user's UDP flow and WebSocket meet on one pod. Required when more than one replica can run.
   * @default UdpRouting.singleReplica() when replicas is 1 and there is no autoscaling
   */
  readonly routing?: UdpRouting;
  /** Client ranges allowed to reach the load balancer. @default - any */
  readonly sourceRanges?: string[];
  /**
   * How often each client sends a packet on an otherwise quiet UDP flow, checked against the
   * preset's UDP idle timeouts (see {@link UdpLoadBalancerProps.keepaliveInterval}).
   * @default - none declared: nothing is checked
   */
  readonly keepaliveInterval?: Duration;
  /** More hops in front of the load balancer, for the keepalive check. @default - none */
  readonly hops?: Hop[];
  /**
   * Where the load balancer's health checks come from, for presets that probe the pods themselves
   * (EKS NLB with IP targets probes the HTTP port and readiness path from its addresses in the
   * VPC): the NetworkPolicy allows the HTTP port from these CIDRs, e.g. the VPC CIDR. Required
   * for those presets unless `networkPolicy` is false.
   * @default - none
   */
  readonly healthCheckSources?: string[];
}

/** Horizontal autoscaling (autoscaling/v2) with explicit behaviour. */
export interface AutoscalingOptions {
  /** Minimum replicas (at least 2). */
  readonly minReplicas: number;
  /** Maximum replicas. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation, percent of the request. @default 70 */
  readonly cpuUtilization?: number;
  /** Target average memory utilisation, percent of the request. @default - not a metric */
  readonly memoryUtilization?: number;
  /** Scale-up behaviour. @default - 100% per 60 s or 4 pods per 60 s, whichever is more; no stabilisation window */
  readonly scaleUp?: ScalingBehavior;
  /**
   * Scale-down behaviour. Every pod removed drops its WebSockets, so the default is slow.
   * @default - 1 pod per 120 s after a 600 s stabilisation window
   */
  readonly scaleDown?: ScalingBehavior;
}

/** One direction of HPA behaviour. */
export interface ScalingBehavior {
  /** Stabilisation window (0 to 3600 s). */
  readonly stabilizationWindow: Duration;
  /** Policies; with several, the one allowing the largest change wins (`selectPolicy: Max`). */
  readonly policies: ScalingPolicy[];
}

/** One HPA scaling policy. */
export interface ScalingPolicy {
  /** `Pods` (absolute) or `Percent`. */
  readonly type: 'Pods' | 'Percent';
  /** Amount per period (> 0). */
  readonly value: number;
  /** Period (1 to 1800 s). */
  readonly period: Duration;
}

/** Who may talk to the pods, beyond what the service needs itself. */
export interface NetworkPolicyOptions {
  /** Extra inbound allows, by endpoint (`http`, `websocket`, `udp`). @default - none */
  readonly allowFrom?: Array<{ readonly peer: Peer; readonly endpoints: string[] }>;
  /** Extra outbound allows. DNS (UDP and TCP 53 to the cluster DNS) is always allowed. @default - none */
  readonly allowTo?: PolicyRule[];
}

/** Properties of {@link RealtimeService}. */
export interface RealtimeServiceProps extends WorkloadProps {
  /** The HTTP endpoint; the probes use it. */
  readonly http: HttpEndpoint;
  /** A WebSocket endpoint on its own port. @default - WebSockets share the HTTP port */
  readonly websocket?: WebSocketEndpoint;
  /** A UDP endpoint behind its own LoadBalancer Service. @default - no UDP */
  readonly udp?: UdpEndpoint;
  /** Fixed replica count (ignored by the API when autoscaling is set, so it is then refused). @default 2, or 1 with UdpRouting.singleReplica() */
  readonly replicas?: number;
  /** Horizontal autoscaling. @default - fixed replicas */
  readonly autoscaling?: AutoscalingOptions;
  /** PodDisruptionBudget. @default DisruptionBudget.maxUnavailable(1) when at least 2 replicas run, else none */
  readonly disruptionBudget?: DisruptionBudget;
  /** Type of the HTTP/WebSocket Service. @default HttpServiceType.CLUSTER_IP */
  readonly serviceType?: HttpServiceType;
  /** Public routes. @default - no Ingress */
  readonly routes?: RoutesOptions;
  /** NetworkPolicy options, or `false` for none (not recommended). @default - isolate the pods, allow the ingress controller, UDP clients and DNS */
  readonly networkPolicy?: NetworkPolicyOptions | false;
  /** `minReadySeconds` of the Deployment. @default Duration.seconds(10) */
  readonly minReady?: Duration;
  /**
   * Spread pods across zones and nodes (`ScheduleAnyway`); `Spread.nodes()` for clusters without zone
   * labels on their nodes (see {@link Spread}), `false` for none.
   * @default Spread.zonesAndNodes()
   */
  readonly spread?: boolean | Spread;
}

/** The shape of {@link RealtimeServiceProps}, checked before anything reads the props. @internal */
export const REALTIME_SERVICE_PROPS = S.obj('RealtimeServiceProps', {
  ...WORKLOAD_FIELDS,
  http: S.req(HTTP_ENDPOINT, '{ port: 8080 }'),
  websocket: S.obj('WebSocketEndpoint', { port: S.req(S.int(), '8081'), servicePort: S.int() }),
  udp: S.obj('UdpEndpoint', {
    port: S.req(S.int(), '7000'),
    publicPort: S.int(),
    serviceName: S.str(),
    preset: S.inst(() => LoadBalancerPreset, 'a LoadBalancerPreset', 'use LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb() or .none()'),
    routing: S.inst(() => UdpRouting, 'a UdpRouting', 'use UdpRouting.singleReplica(), UdpRouting.clientIpAffinity() or UdpRouting.appRouted()'),
    sourceRanges: S.arr(S.str('cidr'), '["203.0.113.0/24"]'),
    keepaliveInterval: S.dur(),
    hops: S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.custom(name, idleTimeout) or another Hop factory')),
    healthCheckSources: S.arr(S.str('cidr'), '["10.0.0.0/16"]'),
  }),
  replicas: S.int(),
  autoscaling: AUTOSCALING,
  disruptionBudget: DISRUPTION_BUDGET,
  serviceType: S.enumOf(enumNames('HttpServiceType', HttpServiceType)),
  routes: ROUTES_OPTIONS,
  networkPolicy: orFalse('NetworkPolicyOptions', NETWORK_POLICY_OPTIONS),
  minReady: S.dur(),
  spread: S.or('true, false or a Spread', S.bool(), S.inst(() => Spread, 'a Spread', 'use Spread.zonesAndNodes(), Spread.nodes() or Spread.none()')),
});

/**
 * A realtime service: one container with HTTP, WebSocket and UDP endpoints, and everything it
 * needs to survive rollouts, drains and scale-downs without dropping users.
 *
 * Children (stable ids, all public fields): `Deployment`, `Service`, `Udp` (a LoadBalancer Service
 * for UDP), `Routes` (Ingresses), `Autoscaler`, `DisruptionBudget`, `NetworkPolicy`.
 */
export class RealtimeService extends Construct {
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The HTTP/WebSocket Service. */
  public readonly service: ApiObject;
  /** The UDP LoadBalancer Service, if `udp` is set. */
  public readonly udpLoadBalancer?: UdpLoadBalancer;
  /** Route groups (one Ingress each for ingress-nginx). */
  public readonly routeGroups: RenderedRouteGroup[];
  /** The Ingresses (or other route objects). */
  public readonly ingresses: ApiObject[];
  /** The HorizontalPodAutoscaler, if autoscaling is set. */
  public readonly autoscaler?: ApiObject;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: ApiObject;
  /** The NetworkPolicy, unless disabled. */
  public readonly networkPolicy?: WorkloadNetworkPolicy;
  /** Labels that select the pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** Replicas at the low end (fixed count or HPA minimum). */
  public readonly minReplicas: number;
  /** The ingress controller, if routes are set. */
  public readonly controller?: IngressController;

  constructor(scope: Construct, id: string, props: RealtimeServiceProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'RealtimeService');
    refuseServicePortRange(check, 'udp', (props as Partial<RealtimeServiceProps> | undefined)?.udp);
    validateProps(this, 'RealtimeService', props, REALTIME_SERVICE_PROPS);
    const workload: ResolvedWorkload = resolveWorkload(check, props, Chart.of(this).namespace, 'server', { shutdown: {} });
    const { name, namespace, selector, podLabels } = workload;
    this.name = name;
    this.namespace = namespace;
    this.selectorLabels = selector;

    // ---- endpoints ----
    const httpPort = check.portNumber('http.port', props.http.port);
    const httpServicePort = check.portNumber('http.servicePort', props.http.servicePort ?? 80);
    const containerPorts: ContainerPort[] = [{ name: 'http', containerPort: httpPort, protocol: 'TCP' }];
    const servicePorts: Array<{ name: string; port: number; targetPort: string; protocol: string }> = [{ name: 'http', port: httpServicePort, targetPort: 'http', protocol: 'TCP' }];
    if (props.websocket) {
      const wsPort = check.portNumber('websocket.port', props.websocket.port);
      const wsServicePort = check.portNumber('websocket.servicePort', props.websocket.servicePort ?? wsPort);
      if (wsPort === httpPort) check.fail('websocket.port', wsPort, `differ from http.port (${httpPort})`, 'omit `websocket` when WebSockets share the HTTP port');
      if (wsServicePort === httpServicePort) check.fail('websocket.servicePort', wsServicePort, `differ from http.servicePort (${httpServicePort})`, 'pick another Service port');
      containerPorts.push({ name: 'websocket', containerPort: wsPort, protocol: 'TCP' });
      servicePorts.push({ name: 'websocket', port: wsServicePort, targetPort: 'websocket', protocol: 'TCP' });
    }

    // ---- replicas, autoscaling, UDP routing ----
    const as = props.autoscaling;
    if (as && props.replicas !== undefined) {
      check.fail('replicas', props.replicas, 'be unset when autoscaling is set (the HPA owns the replica count; a fixed count fights it on every apply)', 'remove `replicas` and use autoscaling.minReplicas');
    }
    const udpRouting = props.udp?.routing ?? (props.udp && !as && (props.replicas ?? 2) === 1 ? UdpRouting.singleReplica() : undefined);
    const defaultReplicas = udpRouting?.strategy === 'single-replica' ? 1 : 2;
    const replicas = as ? undefined : check.positiveInt('replicas', props.replicas ?? defaultReplicas, 1000);
    if (as) checkReplicaRange(check, 'autoscaling', as.minReplicas, as.maxReplicas, 2);
    this.minReplicas = as ? as.minReplicas : replicas!;
    const maxReplicas = as ? as.maxReplicas : replicas!;
    if (props.udp) {
      refuseServicePortRange(check, 'udp', props.udp);
      if (!udpRouting && maxReplicas > 1) {
        check.fail('udp.routing', undefined, `be chosen when more than one replica can run (up to ${maxReplicas}): the ingress controller and the UDP load balancer pick pods independently, so a user's WebSocket and UDP flow can land on different pods`,
          'set udp.routing to UdpRouting.clientIpAffinity() or UdpRouting.appRouted(), or run one replica with UdpRouting.singleReplica()');
      }
      if (udpRouting?.strategy === 'single-replica' && maxReplicas > 1) {
        check.fail('udp.routing', 'single-replica', `match the replica count (up to ${maxReplicas} pods can run)`, 'set replicas: 1 without autoscaling, or choose UdpRouting.clientIpAffinity() / UdpRouting.appRouted()');
      }
      const udpPort = check.portNumber('udp.port', props.udp.port);
      if (props.udp.publicPort !== undefined) check.portNumber('udp.publicPort', props.udp.publicPort);
      if (props.udp.serviceName !== undefined) check.serviceName('udp.serviceName', props.udp.serviceName);
      if (props.udp.serviceName === name) check.fail('udp.serviceName', props.udp.serviceName, `differ from the HTTP Service's name ("${name}")`, `use e.g. "${name}-udp"`);
      containerPorts.push({ name: 'udp', containerPort: udpPort, protocol: 'UDP' });
    }

    // ---- container ----
    const minReadySeconds = check.seconds('minReady', props.minReady ?? Duration.seconds(10), 0, 3600);
    const template = podTemplate(workload, { ports: containerPorts, spread: spreadConstraints(selector, props.spread) });
    this.deployment = deployment(this, workload, replicas, minReadySeconds, template);

    // ---- Service for HTTP/WS ----
    const serviceType = props.serviceType ?? HttpServiceType.CLUSTER_IP;
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: podLabels },
      spec: { type: serviceType, selector, ports: servicePorts },
    });

    // ---- UDP LoadBalancer ----
    if (props.udp) {
      this.udpLoadBalancer = new UdpLoadBalancer(this, 'Udp', {
        name: props.udp.serviceName ?? `${name}-udp`,
        namespace,
        selector,
        ports: [{ name: 'udp', port: props.udp.publicPort ?? props.udp.port, targetPort: 'udp' }],
        preset: props.udp.preset,
        routing: udpRouting,
        sourceRanges: props.udp.sourceRanges,
        // The pods' HTTP port and readiness path, for load balancers that probe pods directly.
        healthCheck: { port: httpPort, ...(workload.probes.readiness.httpGet ? { path: workload.probes.readiness.httpGet.path } : {}) },
        keepaliveInterval: props.udp.keepaliveInterval,
        hops: props.udp.hops,
      });
    }

    // ---- routes ----
    this.routeGroups = [];
    if (props.routes) {
      const rendered = renderRoutes(this, check, 'RealtimeService', workload, props.routes, Object.fromEntries(servicePorts.map((p) => [p.name, p.port])),
        (route) => route.port ?? (route.protocol === RouteProtocol.WEBSOCKET && props.websocket ? 'websocket' : 'http'), 'use "http" or "websocket"',
        { type: serviceType, prop: 'serviceType' });
      this.controller = rendered.controller;
      this.routeGroups = rendered.groups;
    }
    this.ingresses = this.routeGroups.map((g) => g.resource);

    // ---- HPA ----
    if (as) {
      this.autoscaler = horizontalAutoscaler(this, check, workload, 'autoscaling', {
        minReplicas: as.minReplicas, maxReplicas: as.maxReplicas, scaleUp: as.scaleUp, scaleDown: as.scaleDown,
        metrics: resourceMetrics(check, 'autoscaling', as.cpuUtilization, as.memoryUtilization),
      });
    }

    // ---- PDB ----
    this.disruptionBudget = disruptionBudget(this, check, workload, props.disruptionBudget, this.minReplicas, !!as);

    // ---- NetworkPolicy ----
    if (props.networkPolicy !== false) {
      const np = props.networkPolicy ?? {};
      const portOf = (endpoint: string, prop: string) => {
        const p = containerPorts.find((c) => c.name === endpoint);
        if (!p) check.fail(prop, endpoint, `name an endpoint of the service (${containerPorts.map((c) => c.name).join(', ')})`, 'use one of them');
        return { protocol: p.protocol as 'TCP' | 'UDP', port: p.containerPort };
      };
      const ingress: PolicyRule[] = [];
      if (this.controller) {
        const used = [...new Set(this.routeGroups.flatMap((g) => g.routes.map((r) => r.port ?? (r.protocol === RouteProtocol.WEBSOCKET && props.websocket ? 'websocket' : 'http'))))].sort();
        const sources = controllerSources(check, 'routes.controller', this.controller);
        ingress.push({ peers: sources, ports: used.map((e) => portOf(e, 'routes')) });
      }
      if (props.udp) ingress.push({ peers: [props.udp.sourceRanges?.length ? Peer.cidr(props.udp.sourceRanges[0]) : Peer.anywhere(), ...(props.udp.sourceRanges ?? []).slice(1).map((c) => Peer.cidr(c))], ports: [portOf('udp', 'udp')] });
      if (props.udp?.healthCheckSources !== undefined && !(props.udp.preset ?? LoadBalancerPreset.none())._probesPods()) {
        check.fail('udp.healthCheckSources', props.udp.healthCheckSources, `be unset: ${(props.udp.preset ?? LoadBalancerPreset.none()).name} checks health through kube-proxy on the nodes (healthCheckNodePort), not on the pods' HTTP port`,
          'remove udp.healthCheckSources (it is for LoadBalancerPreset.eksNlb() with IP targets)');
      }
      if (props.udp && (props.udp.preset ?? LoadBalancerPreset.none())._probesPods()) {
        const sources = props.udp.healthCheckSources ?? [];
        if (sources.length === 0) {
          check.fail('udp.healthCheckSources', props.udp.healthCheckSources, `list where the load balancer's health checks come from: ${props.udp.preset!.name} with IP targets probes each pod's HTTP port (${httpPort}) from its own addresses, which the NetworkPolicy would drop, so every target would stay unhealthy`,
            'pass udp.healthCheckSources: ["<the VPC CIDR, e.g. 10.0.0.0/16>"], or use NlbTargetType.INSTANCE (kube-proxy on the node answers the health check)');
        }
        ingress.push({ peers: sources.map((c) => Peer.cidr(c)), ports: [portOf('http', 'udp.healthCheckSources')] });
      }
      (np.allowFrom ?? []).forEach((a, i) => ingress.push({ peers: [a.peer], ports: a.endpoints.map((e, j) => portOf(e, `networkPolicy.allowFrom[${i}].endpoints[${j}]`)) }));
      this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name,
        namespace,
        podSelector: selector,
        labels: podLabels,
        ingress,
        egress: [dnsEgress(), ...(np.allowTo ?? [])],
      });
    }
  }
}
