// Shared wiring of the workload constructs (WebService, WorkerPool, MediaServer): the explicit,
// Pod-Security-restricted pod template, the Deployment around it, topology spread, HPA behaviour,
// the PodDisruptionBudget and the startup-budget cross-check. Not exported from lib/index.ts
// except the WorkloadProps type.
import { Spread } from '../spread';
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './checks';
import { S, Shape, enumNames, routeFix } from './validate';
import { Peer } from '../network-policy';
import { IngressController, RenderedRouteGroup, Route, RoutesOptions, TlsEntry, checkNginxAnnotations, serviceGroupName } from '../routing';
import { SecretMount, resolveSecretMounts } from '../secrets';
import { Hop, checkTimeoutBudget } from '../timeout-budget';
import {
  DisruptionBudget, PreStopHook, ProbeOptions, ResolvedProbe, ResourceOptions, ShutdownOptions,
  checkEnv, checkImage, resolveProbes, resolveResources, resolveShutdown,
} from '../workload';

/** Label that selects a workload's pods. @internal */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** Label that tells the parts of an app apart (`server`, `worker`, `media`). @internal */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Properties every workload construct shares: identity, image, container and shutdown. */
export interface WorkloadProps {
  /**
   * Base name of every object, and the value of the `app.kubernetes.io/name` selector label.
   * Never derived from the construct id: Deployment selectors are immutable.
   */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace (one of the two is required) */
  readonly namespace?: string;
  /** Container image, pinned by tag or digest (`latest` and untagged images are refused). */
  readonly image: string;
  /** Literal environment variables (no secrets: secret-looking names are refused). @default - none */
  readonly env?: Record<string, string>;
  /**
   * Secrets the container loads, never by value: `envFrom` a Secret an ExternalSecret writes
   * (`ExternalSecretSource.envFrom`), a Key Vault CSI volume (`KeyVaultSecretProviderClass.mount` /
   * `envFrom`), or an existing Secret by name ({@link SecretMount.envFromSecret}). A CSI mount in
   * workload-identity mode also sets the pod's service account.
   * @default - none
   */
  readonly secrets?: SecretMount[];
  /** Container args. @default - the image's */
  readonly args?: string[];
  /** UID and GID the container runs as (must be non-zero). @default 10001 */
  readonly runAsUser?: number;
  /** Resources. @default - see {@link ResourceOptions} */
  readonly resources?: ResourceOptions;
  /** Probes (HTTP GETs on the `http` port). @default - see {@link ProbeOptions} */
  readonly probes?: ProbeOptions;
  /** Graceful shutdown; each field set overrides the construct's own default for it. @default - depends on the construct */
  readonly shutdown?: ShutdownOptions;
  /**
   * The slowest boot you have measured, from container start to a passing startup probe. The
   * startup probe's budget (`initialDelay + period x failureThreshold`) must cover it, or the
   * kubelet kills the container while it is still booting, and it crash-loops.
   * @default - not declared; the budget is not checked
   */
  readonly bootTime?: Duration;
}

// ---- prop shapes (checked at the top of every constructor, see validate.ts) ----

const PROBE_TIMING: Shape = S.obj('ProbeTiming', { path: S.str(), initialDelay: S.dur(), period: S.dur(), timeout: S.dur(), failureThreshold: S.int() });

/** Shapes of the props every workload shares ({@link WorkloadProps}). @internal */
export const WORKLOAD_FIELDS = {
  name: S.req(S.str(), '"my-service"'),
  namespace: S.str(),
  image: S.req(S.str(), '"registry.example.com/team/app:1.0.0"'),
  env: S.rec(S.str()),
  secrets: S.arr(S.inst(() => SecretMount, 'a SecretMount', 'use ExternalSecretSource.envFrom(), KeyVaultSecretProviderClass.mount() or SecretMount.envFromSecret("name")')),
  args: S.arr(S.str(), '["--port=8080"]'),
  runAsUser: S.int(),
  resources: S.obj('ResourceOptions', {
    cpuRequest: S.str(), cpuLimit: S.str(), memoryRequest: S.str(), memoryLimit: S.str(), ephemeralStorageRequest: S.str(), ephemeralStorageLimit: S.str(),
  }),
  probes: S.obj('ProbeOptions', { path: S.str(), startup: PROBE_TIMING, readiness: PROBE_TIMING, liveness: PROBE_TIMING }),
  shutdown: S.obj('ShutdownOptions', {
    preStop: S.inst(() => PreStopHook, 'a PreStopHook', 'use PreStopHook.sleep(Duration.seconds(15)), PreStopHook.exec([...], duration) or PreStopHook.none()'),
    drainTimeout: S.dur(),
    terminationGracePeriod: S.dur(),
  }),
  bootTime: S.dur(),
};

/** `{ port }` of an HTTP endpoint. @internal */
export const HTTP_ENDPOINT: Shape = S.obj('HttpEndpoint', { port: S.req(S.int(), '8080'), servicePort: S.int() });

/** A NetworkPolicy peer. @internal */
export const PEER: Shape = S.inst(() => Peer, 'a Peer', 'use Peer.namespace("..."), Peer.pods({...}), Peer.cidr("10.0.0.0/8"), Peer.internet() or Peer.anywhere()');

/** A NetworkPolicy rule. @internal */
export const POLICY_RULE: Shape = S.obj('PolicyRule', {
  peers: S.req(S.arr(PEER), '[Peer.namespace("monitoring")]'),
  ports: S.req(S.arr(S.obj('PolicyPort', {
    protocol: S.req(S.str(), '"TCP"'),
    port: S.req(S.or('a port number or a port name', S.int(), S.str()), '443'),
    endPort: S.int(),
  })), '[{ protocol: "TCP", port: 443 }]'),
});

/** The shape of `NetworkPolicyOptions`. @internal */
export const NETWORK_POLICY_OPTIONS = S.obj('NetworkPolicyOptions', {
  allowFrom: S.arr(S.obj('allowFrom entry', { peer: S.req(PEER, 'Peer.namespace("monitoring")'), endpoints: S.req(S.arr(S.str()), '["http"]') })),
  allowTo: S.arr(POLICY_RULE),
});

/** The public routes of a workload ({@link RoutesOptions}). @internal */
export const ROUTES_OPTIONS: Shape = S.obj('RoutesOptions', {
  controller: S.inst(() => IngressController, 'an IngressController', 'use IngressController.nginx(), .traefik(), .gatewayApi({ gateway }) or .awsAlb({ idleTimeout, scheme })'),
  hosts: S.req(S.arr(S.str(), '["api.example.com"]'), '["api.example.com"]'),
  routes: S.req(S.arr(S.inst(() => Route, 'a Route made by Route.http(...) or Route.websocket(...)', routeFix)), '[Route.http("/api"), Route.websocket("/ws")]'),
  tlsSecretName: S.name('api-example-com-tls'),
  annotations: S.rec(S.str()),
  hops: S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom(name, idleTimeout)')),
});

const SCALING_BEHAVIOR: Shape = S.obj('ScalingBehavior', {
  stabilizationWindow: S.req(S.dur(), 'Duration.seconds(300)'),
  policies: S.req(S.arr(S.obj('ScalingPolicy', {
    type: S.req(S.enumOf({ '"Pods"': 'Pods', '"Percent"': 'Percent' }), '"Pods"'),
    value: S.req(S.int(), '1'),
    period: S.req(S.dur(), 'Duration.seconds(60)'),
  })), '[{ type: "Pods", value: 1, period: Duration.seconds(60) }]'),
});

/** Scale-up and scale-down behaviour fields. @internal */
export const BEHAVIOR_FIELDS = { scaleUp: SCALING_BEHAVIOR, scaleDown: SCALING_BEHAVIOR };

/** {@link AutoscalingOptions}. @internal */
export const AUTOSCALING: Shape = S.obj('AutoscalingOptions', {
  minReplicas: S.req(S.int(), '2'), maxReplicas: S.req(S.int(), '10'), cpuUtilization: S.int(), memoryUtilization: S.int(), ...BEHAVIOR_FIELDS,
});

/** A DisruptionBudget. @internal */
export const DISRUPTION_BUDGET: Shape = S.inst(() => DisruptionBudget, 'a DisruptionBudget', 'use DisruptionBudget.maxUnavailable(1), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()');

/** `false` or the options object. @internal */
export function orFalse(name: string, shape: Shape): Shape {
  return S.or(`false or an object (${name})`, S.lit(false), shape);
}

export { S, enumNames };

/** A container port as emitted. @internal */
export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly hostPort?: number;
}

/** The resolved container-level settings of a {@link WorkloadProps}. @internal */
export interface ResolvedWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly selector: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly probes: { startup: ResolvedProbe; readiness: ResolvedProbe; liveness: ResolvedProbe };
  readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
  readonly shutdown: ReturnType<typeof resolveShutdown>;
  readonly env: Array<{ name: string; value: string }>;
  readonly secrets: ReturnType<typeof resolveSecretMounts>;
  readonly uid: number;
  readonly args?: string[];
}

/**
 * Checks and resolves the shared props: names, image, probes (with the boot-time budget),
 * resources, shutdown (grace period vs preStop + drain), env and secrets.
 * @internal
 */
export function resolveWorkload(check: Checker, props: WorkloadProps, chartNamespace: string | undefined, component: string, defaults: { shutdown: ShutdownOptions; probes?: ProbeOptions; resources?: ResourceOptions }): ResolvedWorkload {
  const name = check.serviceName('name', props.name);
  const namespace = check.namespace('namespace', props.namespace ?? chartNamespace);
  const image = checkImage(check, 'image', props.image);
  const selector = { [NAME_LABEL]: name };
  const probes = resolveProbes(check, { ...defaults.probes, ...props.probes }, 'http');
  if (props.bootTime) checkBootBudget(check, probes.startup, check.seconds('bootTime', props.bootTime, 1, 86400));
  return {
    name,
    namespace,
    image,
    selector,
    podLabels: { ...selector, [COMPONENT_LABEL]: component },
    probes,
    resources: resolveResources(check, { ...defaults.resources, ...props.resources }),
    shutdown: resolveShutdown(check, { ...defaults.shutdown, ...props.shutdown }),
    env: checkEnv(check, props.env),
    secrets: resolveSecretMounts(check, 'secrets', namespace, props.secrets, ['/tmp']),
    uid: check.positiveInt('runAsUser', props.runAsUser ?? 10001, 2147483647),
    args: props.args ? [...props.args] : undefined,
  };
}

/**
 * Refuses a startup probe whose budget is shorter than the declared boot time.
 * @internal
 */
export function checkBootBudget(check: Checker, startup: ResolvedProbe, bootSeconds: number): void {
  const budget = startup.initialDelaySeconds + startup.periodSeconds * startup.failureThreshold;
  if (budget >= bootSeconds) return;
  const needed = Math.ceil((bootSeconds - startup.initialDelaySeconds) / startup.periodSeconds);
  check.fail('probes.startup.failureThreshold', startup.failureThreshold,
    `give the startup probe a budget of at least bootTime (${bootSeconds}s), but initialDelay ${startup.initialDelaySeconds}s + period ${startup.periodSeconds}s x failureThreshold ${startup.failureThreshold} = ${budget}s: the kubelet would kill the container while it boots`,
    `set probes.startup.failureThreshold to ${needed} or more, or lengthen probes.startup.period`);
}

/**
 * `topologySpreadConstraints` for a workload's `spread` prop (`true` or absent: zones and nodes;
 * `false`: none), `ScheduleAnyway` (never blocks scheduling); undefined when there are none. @internal
 */
export function spreadConstraints(selector: Record<string, string>, spread: boolean | Spread | undefined): Array<Record<string, unknown>> | undefined {
  const s = spread === undefined || spread === true ? Spread.zonesAndNodes() : spread === false ? Spread.none() : spread;
  if (!s.topologyKeys.length) return undefined;
  return s.topologyKeys.map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selector } },
    matchLabelKeys: ['pod-template-hash'],
  }));
}

/** What a pod template needs beyond the resolved workload. @internal */
export interface PodTemplateOptions {
  readonly ports: ContainerPort[];
  /** Topology spread constraints. @default - none */
  readonly spread?: Array<Record<string, unknown>>;
  /** Probes on the container. @default true */
  readonly probes?: boolean;
  /** Extra pod-spec fields (hostNetwork, dnsPolicy, nodeSelector, tolerations). @default - none */
  readonly pod?: Record<string, unknown>;
  /** Pod template annotations. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * The explicit pod template every workload construct emits: non-root UID/GID, seccomp
 * RuntimeDefault, no service account token, no service links, all capabilities dropped (plus
 * NET_BIND_SERVICE for ports below 1024), read-only root filesystem with an emptyDir at /tmp,
 * explicit probes, resources and shutdown.
 * @internal
 */
export function podTemplate(w: ResolvedWorkload, o: PodTemplateOptions): { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  const privilegedPort = o.ports.some((p) => p.containerPort < 1024);
  return {
    metadata: { labels: w.podLabels, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      ...(w.secrets.serviceAccountName ? { serviceAccountName: w.secrets.serviceAccountName } : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: w.shutdown.graceSeconds,
      ...o.pod,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: w.uid,
        runAsGroup: w.uid,
        fsGroup: w.uid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(o.spread ? { topologySpreadConstraints: o.spread } : {}),
      containers: [{
        name: w.name,
        image: w.image,
        imagePullPolicy: 'IfNotPresent',
        ...(w.args ? { args: w.args } : {}),
        ports: o.ports,
        ...(w.env.length ? { env: w.env } : {}),
        ...(w.secrets.envFrom.length ? { envFrom: w.secrets.envFrom } : {}),
        resources: w.resources,
        ...(o.probes === false ? {} : { startupProbe: w.probes.startup, readinessProbe: w.probes.readiness, livenessProbe: w.probes.liveness }),
        ...(w.shutdown.lifecycle ? { lifecycle: w.shutdown.lifecycle } : {}),
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'], ...(privilegedPort ? { add: ['NET_BIND_SERVICE'] } : {}) },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...w.secrets.volumeMounts],
      }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: w.resources.limits['ephemeral-storage'] } }, ...w.secrets.volumes],
    },
  };
}

/**
 * A Deployment that surges one pod before removing one (maxSurge 1, maxUnavailable 0).
 * @internal
 */
export function deployment(scope: Construct, w: ResolvedWorkload, replicas: number | undefined, minReadySeconds: number, template: ReturnType<typeof podTemplate>): ApiObject {
  return new ApiObject(scope, 'Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: 10,
      minReadySeconds,
      progressDeadlineSeconds: Math.max(600, minReadySeconds + 1),
      selector: { matchLabels: w.selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template,
    },
  });
}

/** One direction of HPA behaviour, as declared. @internal */
export interface BehaviorInput {
  readonly stabilizationWindow: Duration;
  readonly policies: ReadonlyArray<{ readonly type: 'Pods' | 'Percent'; readonly value: number; readonly period: Duration }>;
}

/** Fast scale-up: 100 % or 4 pods per 60 s, whichever is more; no stabilisation window. @internal */
export const DEFAULT_SCALE_UP: BehaviorInput = { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Percent', value: 100, period: Duration.seconds(60) }, { type: 'Pods', value: 4, period: Duration.seconds(60) }] };
/** Slow scale-down (every pod removed drops connections): 1 pod per 120 s after 600 s. @internal */
export const DEFAULT_SCALE_DOWN: BehaviorInput = { stabilizationWindow: Duration.seconds(600), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(120) }] };

/** Checks and renders one direction of HPA behaviour (`selectPolicy: Max`). @internal */
export function renderBehavior(check: Checker, prop: string, b: BehaviorInput): { stabilizationWindowSeconds: number; selectPolicy: string; policies: Array<{ type: string; value: number; periodSeconds: number }> } {
  if (b.policies.length === 0) check.fail(`${prop}.policies`, b.policies, 'list at least one policy', 'add e.g. { type: "Pods", value: 1, period: Duration.seconds(60) }');
  return {
    stabilizationWindowSeconds: check.seconds(`${prop}.stabilizationWindow`, b.stabilizationWindow, 0, 3600),
    selectPolicy: 'Max',
    policies: b.policies.map((p, i) => {
      if (p.type !== 'Pods' && p.type !== 'Percent') check.fail(`${prop}.policies[${i}].type`, p.type, 'be "Pods" or "Percent"', 'use one of them');
      return { type: p.type, value: check.positiveInt(`${prop}.policies[${i}].value`, p.value), periodSeconds: check.seconds(`${prop}.policies[${i}].period`, p.period, 1, 1800) };
    }),
  };
}

/** Checks an autoscaling range: `min` at least `floor`, `max` at least `min`. @internal */
export function checkReplicaRange(check: Checker, prop: string, min: number, max: number, floor: number): void {
  check.positiveInt(`${prop}.minReplicas`, min, 1000);
  check.positiveInt(`${prop}.maxReplicas`, max, 1000);
  if (min < floor) check.fail(`${prop}.minReplicas`, min, `be at least ${floor} (one pod is a single point of failure during rollouts and drains)`, `raise minReplicas to ${floor}, or drop autoscaling and set replicas: 1`);
  if (max < min) check.fail(`${prop}.maxReplicas`, max, `be at least minReplicas (${min})`, `raise maxReplicas to ${min} or more`);
}

/**
 * The PodDisruptionBudget of a workload whose low end is `minReplicas` pods, or none.
 * Default: maxUnavailable 1 from 2 pods up; refused when it would block drains.
 * @internal
 */
export function disruptionBudget(scope: Construct, check: Checker, w: ResolvedWorkload, given: DisruptionBudget | undefined, minReplicas: number, autoscaled: boolean): ApiObject | undefined {
  const budget = given ?? (minReplicas >= 2 ? DisruptionBudget.maxUnavailable(1) : DisruptionBudget.none());
  budget._check(check, 'disruptionBudget');
  if (budget.kind === 'none') return undefined;
  if (minReplicas < 2) {
    check.fail('disruptionBudget', `${budget.kind} ${budget.value}`, 'be DisruptionBudget.none() with a single replica (any budget either blocks node drains or protects nothing)', 'remove disruptionBudget or run at least 2 replicas');
  }
  if (budget._allowedDisruptions(minReplicas) < 1) {
    check.fail(`disruptionBudget.${budget.kind}`, budget.value, `allow at least one disruption at ${autoscaled ? 'the HPA minimum' : 'the replica count'} (${minReplicas} pods); otherwise node drains and cluster upgrades hang`,
      budget.kind === 'minAvailable' ? `use DisruptionBudget.minAvailable(${minReplicas - 1}) or DisruptionBudget.maxUnavailable(1)` : 'use DisruptionBudget.maxUnavailable(1)');
  }
  return new ApiObject(scope, 'DisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
    spec: { [budget.kind]: budget.value, selector: { matchLabels: w.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

/** Props given where an object of the library cannot carry a UDP port range. @internal */
const RANGE_KEYS = ['portRange', 'endPort', 'portRangeStart', 'portRangeEnd'];

/**
 * Refuses a UDP port range on anything that renders a Service: a Service port is one port
 * (kubernetes/enhancements#6220), so a range would need one Service port per number.
 * Catches JavaScript callers and casts (`{ port: '50000-60000' }`, `portRange`, `endPort`).
 * @internal
 */
export function refuseServicePortRange(check: Checker, prop: string, endpoint: unknown): void {
  if (endpoint === null || typeof endpoint !== 'object') return;
  const e = endpoint as Record<string, unknown>;
  const key = RANGE_KEYS.find((k) => e[k] !== undefined);
  const ranged = typeof e.port === 'string' && /^\d+\s*[-:]\s*\d+$/.test(e.port);
  if (!key && !ranged) return;
  check.fail(key ? `${prop}.${key}` : `${prop}.port`, key ? e[key] : e.port,
    'be a single port: a Service cannot expose a port range (kubernetes/enhancements#6220), and one Service port per number would be thousands of ports on a cloud load balancer',
    'use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port');
}

/**
 * Renders a workload's public routes through its controller (default ingress-nginx) and checks
 * the annotations, TLS secret and the timeout budget of the declared hops.
 * @param portOf the Service port name a route goes to
 * @param portFix the fix when a route names a port the Service lacks
 * @internal
 */
export function renderRoutes(scope: Construct, check: Checker, subject: string, w: Pick<ResolvedWorkload, 'name' | 'namespace' | 'podLabels'>, r: RoutesOptions,
  servicePorts: Record<string, number>, portOf: (route: Route) => string, portFix: string,
  serviceType: { type: string; prop?: string } = { type: 'ClusterIP' }): { controller: IngressController; groups: RenderedRouteGroup[] } {
  const controller = r.controller ?? IngressController.nginx();
  const annotations = check.annotationKeys('routes.annotations', r.annotations);
  checkNginxAnnotations(check, 'routes.annotations', annotations, false);
  const tls: TlsEntry[] = r.tlsSecretName ? [{ hosts: [...r.hosts], secretName: check.objectName('routes.tlsSecretName', r.tlsSecretName) }] : [];
  const groups = controller._render(new Construct(scope, 'Routes'), check, { routes: 'routes.routes', hosts: 'routes.hosts', controller: 'routes.controller', name: 'name' }, {
    name: w.name,
    namespace: w.namespace,
    labels: w.podLabels,
    hosts: r.hosts,
    tls,
    routes: r.routes,
    annotations,
    groupName: serviceGroupName(w.name),
    backend: {
      serviceName: w.name,
      portOf: (route, prop) => {
        const port = portOf(route);
        if (servicePorts[port] === undefined) check.fail(prop, port, `name a port of the Service (${Object.keys(servicePorts).join(', ')})`, portFix);
        return { name: port };
      },
      servicePorts,
      serviceType,
    },
  }, r.hops ?? []);
  if (r.hops) checkTimeoutBudget(scope, subject, r.routes, r.hops, { routesProp: 'routes.routes', hopsProp: 'routes.hops' });
  return { controller, groups };
}

/** CPU/memory utilisation targets of an HPA (`type: Resource`); CPU 70 % by default. @internal */
export function resourceMetrics(check: Checker, prop: string, cpu: number | undefined, memory: number | undefined): Array<Record<string, unknown>> {
  return ([['cpu', cpu ?? 70], ['memory', memory]] as Array<[string, number | undefined]>)
    .filter(([, v]) => v !== undefined)
    .map(([res, v]) => ({ type: 'Resource', resource: { name: res, target: { type: 'Utilization', averageUtilization: check.positiveInt(`${prop}.${res}Utilization`, v!, 1000) } } }));
}

/** An autoscaling/v2 HorizontalPodAutoscaler of the workload's Deployment, with explicit behaviour. @internal */
export function horizontalAutoscaler(scope: Construct, check: Checker, w: Pick<ResolvedWorkload, 'name' | 'namespace' | 'podLabels'>, prop: string,
  a: { minReplicas: number; maxReplicas: number; metrics: Array<Record<string, unknown>>; scaleUp?: BehaviorInput; scaleDown?: BehaviorInput }): ApiObject {
  return new ApiObject(scope, 'Autoscaler', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: a.metrics,
      behavior: {
        scaleUp: renderBehavior(check, `${prop}.scaleUp`, a.scaleUp ?? DEFAULT_SCALE_UP),
        scaleDown: renderBehavior(check, `${prop}.scaleDown`, a.scaleDown ?? DEFAULT_SCALE_DOWN),
      },
    },
  });
}
