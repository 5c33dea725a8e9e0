import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PolicyRule, WorkloadNetworkPolicy, dnsEgress } from './network-policy';
import { Checker } from './private/checks';
import {
  ContainerPort, ResolvedWorkload, WorkloadProps, checkReplicaRange, deployment, disruptionBudget, horizontalAutoscaler,
  podTemplate, refuseServicePortRange, renderRoutes, resolveWorkload, resourceMetrics, spreadConstraints,
} from './private/pod-spec';
import { AutoscalingOptions, HttpEndpoint, HttpServiceType, NetworkPolicyOptions } from './realtime-service';
import { IngressController, RenderedRouteGroup, RouteProtocol, RoutesOptions, controllerSources } from './routing';
import { DisruptionBudget, PreStopHook } from './workload';
import { validateProps } from './private/validate';
import { AUTOSCALING, DISRUPTION_BUDGET, HTTP_ENDPOINT, NETWORK_POLICY_OPTIONS, ROUTES_OPTIONS, S, WORKLOAD_FIELDS, enumNames, orFalse } from './private/pod-spec';
import { Spread } from './spread';

/** Properties of {@link WebService}. */
export interface WebServiceProps extends WorkloadProps {
  /** The HTTP endpoint; the probes use it. */
  readonly http: HttpEndpoint;
  /** Fixed replica count (refused together with autoscaling: the HPA owns the count). @default 2 */
  readonly replicas?: number;
  /** CPU/memory autoscaling (autoscaling/v2) with explicit behaviour. @default - fixed replicas */
  readonly autoscaling?: AutoscalingOptions;
  /** PodDisruptionBudget. @default DisruptionBudget.maxUnavailable(1) from 2 replicas up, else none */
  readonly disruptionBudget?: DisruptionBudget;
  /** Public routes: HTTP only (WebSocket routes are refused: use RealtimeService). @default - no routes */
  readonly routes?: RoutesOptions;
  /** Type of the Service. @default HttpServiceType.CLUSTER_IP */
  readonly serviceType?: HttpServiceType;
  /** NetworkPolicy options, or `false` for none (not recommended). @default - isolate the pods, allow the ingress controller and DNS */
  readonly networkPolicy?: NetworkPolicyOptions | false;
  /** `minReadySeconds` of the Deployment. @default Duration.seconds(5) */
  readonly minReady?: Duration;
  /**
   * Spread pods across zones and nodes (`ScheduleAnyway`); `Spread.nodes()` for clusters without zone
   * labels on their nodes (see {@link Spread}), `false` for none.
   * @default Spread.zonesAndNodes()
   */
  readonly spread?: boolean | Spread;
}

/** The shape of {@link WebServiceProps}, checked before anything reads the props. @internal */
export const WEB_SERVICE_PROPS = S.obj('WebServiceProps', {
  ...WORKLOAD_FIELDS,
  http: S.req(HTTP_ENDPOINT, '{ port: 8080 }'),
  replicas: S.int(),
  autoscaling: AUTOSCALING,
  disruptionBudget: DISRUPTION_BUDGET,
  routes: ROUTES_OPTIONS,
  serviceType: S.enumOf(enumNames('HttpServiceType', HttpServiceType)),
  networkPolicy: orFalse('NetworkPolicyOptions', NETWORK_POLICY_OPTIONS),
  minReady: S.dur(),
  spread: S.or('true, false or a Spread', S.bool(), S.inst(() => Spread, 'a Spread', 'use Spread.zonesAndNodes(), Spread.nodes() or Spread.none()')),
});

/**
 * A stateless HTTP service (a landing page, an API without long-lived connections): a
 * Deployment with the same explicit, Pod-Security-restricted pod template as
 * {@link RealtimeService}, a Service, routes through any {@link IngressController}, a PDB, a
 * NetworkPolicy and, on request, an HPA.
 *
 * Its shutdown is short (preStop sleep 10 s, then 20 s to finish requests: a 30 s grace period),
 * because nothing it serves lives longer than a request. Routes must be `Route.http`: a
 * WebSocket needs the long drain and idle timeouts of a RealtimeService.
 *
 * Children (stable ids, all public fields): `Deployment`, `Service`, `Routes`, `Autoscaler`,
 * `DisruptionBudget`, `NetworkPolicy`.
 */
export class WebService extends Construct {
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The Service. */
  public readonly service: ApiObject;
  /** Route groups (one Ingress or route object each). */
  public readonly routeGroups: RenderedRouteGroup[];
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

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'WebService');
    refuseServicePortRange(check, 'http', (props as Partial<WebServiceProps> | undefined)?.http);
    validateProps(this, 'WebService', props, WEB_SERVICE_PROPS);
    const w: ResolvedWorkload = resolveWorkload(check, props, Chart.of(this).namespace, 'web', {
      shutdown: { preStop: PreStopHook.sleep(Duration.seconds(10)), drainTimeout: Duration.seconds(20) },
    });
    this.name = w.name;
    this.namespace = w.namespace;
    this.selectorLabels = w.selector;
    const port = check.portNumber('http.port', props.http.port);
    const servicePort = check.portNumber('http.servicePort', props.http.servicePort ?? 80);
    const ports: ContainerPort[] = [{ name: 'http', containerPort: port, protocol: 'TCP' }];

    const as = props.autoscaling;
    if (as && props.replicas !== undefined) {
      check.fail('replicas', props.replicas, 'be unset when autoscaling is set (the HPA owns the replica count; a fixed count fights it on every apply)', 'remove `replicas` and use autoscaling.minReplicas');
    }
    if (as) checkReplicaRange(check, 'autoscaling', as.minReplicas, as.maxReplicas, 2);
    const replicas = as ? undefined : check.positiveInt('replicas', props.replicas ?? 2, 1000);
    this.minReplicas = as ? as.minReplicas : replicas!;

    const minReadySeconds = check.seconds('minReady', props.minReady ?? Duration.seconds(5), 0, 3600);
    this.deployment = deployment(this, w, replicas, minReadySeconds,
      podTemplate(w, { ports, spread: spreadConstraints(w.selector, props.spread) }));
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
      spec: { type: props.serviceType ?? HttpServiceType.CLUSTER_IP, selector: w.selector, ports: [{ name: 'http', port: servicePort, targetPort: 'http', protocol: 'TCP' }] },
    });

    this.routeGroups = [];
    if (props.routes) {
      const r = props.routes;
      r.routes.forEach((route, i) => {
        if (route.protocol === RouteProtocol.WEBSOCKET) {
          check.fail(`routes.routes[${i}]`, route.path, 'be an HTTP route: a WebService drains in 30 s and its routes keep HTTP timeouts, which cut long-lived WebSockets', 'use Route.http(...), or serve WebSockets from a RealtimeService');
        }
      });
      const rendered = renderRoutes(this, check, 'WebService', w, r, { http: servicePort }, (route) => route.port ?? 'http', 'use "http" or omit `port`',
        { type: props.serviceType ?? HttpServiceType.CLUSTER_IP, prop: 'serviceType' });
      this.controller = rendered.controller;
      this.routeGroups = rendered.groups;
    }

    if (as) {
      this.autoscaler = horizontalAutoscaler(this, check, w, 'autoscaling', {
        minReplicas: as.minReplicas, maxReplicas: as.maxReplicas, scaleUp: as.scaleUp, scaleDown: as.scaleDown,
        metrics: resourceMetrics(check, 'autoscaling', as.cpuUtilization, as.memoryUtilization),
      });
    }

    this.disruptionBudget = disruptionBudget(this, check, w, props.disruptionBudget, this.minReplicas, !!as);

    if (props.networkPolicy !== false) {
      const np = props.networkPolicy ?? {};
      const ingress: PolicyRule[] = [];
      const httpPort = { protocol: 'TCP' as const, port };
      if (this.controller) ingress.push({ peers: controllerSources(check, 'routes.controller', this.controller), ports: [httpPort] });
      (np.allowFrom ?? []).forEach((a, i) => ingress.push({
        peers: [a.peer],
        ports: a.endpoints.map((e, j) => {
          if (e !== 'http') check.fail(`networkPolicy.allowFrom[${i}].endpoints[${j}]`, e, 'name an endpoint of the service (http)', 'use "http"');
          return httpPort;
        }),
      }));
      this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name: w.name,
        namespace: w.namespace,
        podSelector: w.selector,
        labels: w.podLabels,
        ingress,
        egress: [dnsEgress(), ...(np.allowTo ?? [])],
      });
    }
  }
}
