import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type * as KedaCrds from '../imports/keda.sh';
import { PolicyRule, Peer, WorkloadNetworkPolicy, dnsEgress } from './network-policy';
import { Checker } from './private/checks';
import { isLabelValue, isQualifiedName, parseQuantity } from './private/k8s-names';
import {
  ContainerPort, DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, WorkloadProps, checkReplicaRange, deployment, disruptionBudget,
  horizontalAutoscaler, podTemplate, renderBehavior, resolveWorkload, spreadConstraints,
} from './private/pod-spec';
import { ScalingBehavior } from './realtime-service';
import { DisruptionBudget, PreStopHook } from './workload';
import { validateArgs, validateProps } from './private/validate';
import { BEHAVIOR_FIELDS, DISRUPTION_BUDGET, HTTP_ENDPOINT, PEER, POLICY_RULE, S, WORKLOAD_FIELDS, orFalse } from './private/pod-spec';
import { Spread } from './spread';
// The KEDA bindings load on first use (an app without a KEDA WorkerPool never needs them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kedaCrds = (): typeof KedaCrds => require('../imports/keda.sh');

/** Replica range and behaviour, common to every {@link WorkerScaling}. */
export interface WorkerScalingRange {
  /** Minimum replicas (at least 1). */
  readonly minReplicas: number;
  /** Maximum replicas. */
  readonly maxReplicas: number;
  /** Scale-up behaviour. @default - 100% or 4 pods per 60 s, whichever is more; no stabilisation window */
  readonly scaleUp?: ScalingBehavior;
  /**
   * Scale-down behaviour. A removed worker abandons (or must drain) the work it holds, so the
   * default is slow.
   * @default - 1 pod per 120 s after a 600 s stabilisation window
   */
  readonly scaleDown?: ScalingBehavior;
}

/** Options of {@link WorkerScaling.hpaPodsMetric}. */
export interface PodsMetricScalingOptions extends WorkerScalingRange {
  /** Metric name as the custom metrics API serves it (e.g. through prometheus-adapter), e.g. `livekit_rooms`. */
  readonly metric: string;
  /** Target average per pod, a quantity such as `"1"` (one room per pod) or `"500m"`. */
  readonly averageValue: string;
  /** Label selector of the metric series. @default - none */
  readonly selector?: Record<string, string>;
}

/** Options of {@link WorkerScaling.hpaExternalMetric}. */
export interface ExternalMetricScalingOptions extends WorkerScalingRange {
  /** Metric name as the external metrics API serves it, e.g. `livekit_rooms_total`. */
  readonly metric: string;
  /** Label selector that picks the series (e.g. the LiveKit deployment it counts). @default - none */
  readonly selector?: Record<string, string>;
  /**
   * Target per pod (`AverageValue`: the metric is divided by the replica count). Prefer it: a
   * `value` target does not scale with the pool. Exactly one of `averageValue` and `value`.
   * @default - none; `value` must then be set
   */
  readonly averageValue?: string;
  /** Target for the whole metric (`Value`). @default - none; `averageValue` must then be set */
  readonly value?: string;
}

/** One KEDA trigger (a scaler). @see https://keda.sh/docs/latest/scalers/ */
export interface KedaTrigger {
  /** Scaler type, e.g. `prometheus`, `redis`, `azure-servicebus`. */
  readonly type: string;
  /** Scaler metadata (all values are strings), e.g. `{ serverAddress, query, threshold }`. */
  readonly metadata: Record<string, string>;
  /** Trigger name (names the metric). @default - KEDA derives one */
  readonly name?: string;
  /** `AverageValue` (per pod), `Value` or `Utilization`. @default - KEDA's default, AverageValue */
  readonly metricType?: 'AverageValue' | 'Value' | 'Utilization';
  /** A TriggerAuthentication (or ClusterTriggerAuthentication) holding the scaler's credentials. @default - none */
  readonly authenticationRef?: { readonly name: string; readonly kind?: 'TriggerAuthentication' | 'ClusterTriggerAuthentication' };
}

/** Options of {@link WorkerScaling.keda}. */
export interface KedaScalingOptions extends WorkerScalingRange {
  /** The triggers; with several, KEDA scales to the largest recommendation. */
  readonly triggers: KedaTrigger[];
  /** How often KEDA polls the triggers. @default Duration.seconds(30) */
  readonly pollingInterval?: Duration;
}

const RANGE_FIELDS = { minReplicas: S.req(S.int(), '1'), maxReplicas: S.req(S.int(), '10'), ...BEHAVIOR_FIELDS };
const METRIC_SELECTOR = S.rec(S.str());
/** The shapes of the WorkerScaling factories' options. @internal */
export const WORKER_SCALING_OPTIONS = {
  pods: S.obj('PodsMetricScalingOptions', { ...RANGE_FIELDS, metric: S.req(S.str(), '"rooms"'), averageValue: S.req(S.str(), '"2"'), selector: METRIC_SELECTOR }),
  external: S.obj('ExternalMetricScalingOptions', { ...RANGE_FIELDS, metric: S.req(S.str(), '"livekit_rooms"'), selector: METRIC_SELECTOR, averageValue: S.str(), value: S.str() }),
  keda: S.obj('KedaScalingOptions', {
    ...RANGE_FIELDS,
    triggers: S.req(S.arr(S.obj('KedaTrigger', {
      type: S.req(S.str(), '"prometheus"'),
      metadata: S.req(S.rec(S.any()), '{ serverAddress: "http://prometheus:9090", query: "...", threshold: "5" }'),
      name: S.str(),
      metricType: S.enumOf({ '"AverageValue"': 'AverageValue', '"Value"': 'Value', '"Utilization"': 'Utilization' }),
      authenticationRef: S.obj('authenticationRef', { name: S.req(S.str(), '"keda-auth"'), kind: S.enumOf({ '"TriggerAuthentication"': 'TriggerAuthentication', '"ClusterTriggerAuthentication"': 'ClusterTriggerAuthentication' }) }),
    })), '[{ type: "prometheus", metadata: { ... } }]'),
    pollingInterval: S.dur(),
  }),
};

/**
 * How a {@link WorkerPool} scales (an enum-like class). Workers are scaled on what they hold
 * (rooms, jobs, queue depth), not on CPU.
 */
export class WorkerScaling {
  /** A fixed number of workers; no autoscaler. */
  public static fixed(replicas: number): WorkerScaling {
    validateArgs('WorkerScaling.fixed', 'WorkerScaling', { replicas }, { replicas: S.req(S.int(), '2') });
    return new WorkerScaling('fixed', { minReplicas: replicas, maxReplicas: replicas }, {});
  }

  /**
   * An HPA (autoscaling/v2) on a per-pod custom metric (`type: Pods`, `target.averageValue`),
   * served by the custom metrics API (e.g. prometheus-adapter), such as rooms per agent pod.
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/#autoscaling-on-multiple-metrics-and-custom-metrics
   */
  public static hpaPodsMetric(options: PodsMetricScalingOptions): WorkerScaling {
    validateArgs('WorkerScaling.hpaPodsMetric', 'WorkerScaling', { options }, { options: S.req(WORKER_SCALING_OPTIONS.pods) });
    return new WorkerScaling('hpa-pods', options, { pods: options });
  }

  /**
   * An HPA (autoscaling/v2) on an external metric (`type: External`, with a label selector),
   * served by the external metrics API, e.g. the number of open rooms reported by LiveKit.
   */
  public static hpaExternalMetric(options: ExternalMetricScalingOptions): WorkerScaling {
    validateArgs('WorkerScaling.hpaExternalMetric', 'WorkerScaling', { options }, { options: S.req(WORKER_SCALING_OPTIONS.external) });
    return new WorkerScaling('hpa-external', options, { external: options });
  }

  /**
   * A KEDA `ScaledObject` (keda.sh/v1alpha1). No HorizontalPodAutoscaler object is emitted:
   * KEDA creates and owns one itself (named `keda-hpa-<name>` unless configured), with the
   * behaviour given here (`advanced.horizontalPodAutoscalerConfig.behavior`). Emitting our own
   * HPA as well would give the Deployment two autoscalers fighting over `replicas`.
   * Needs KEDA installed in the cluster.
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
   */
  public static keda(options: KedaScalingOptions): WorkerScaling {
    validateArgs('WorkerScaling.keda', 'WorkerScaling', { options }, { options: S.req(WORKER_SCALING_OPTIONS.keda) });
    return new WorkerScaling('keda', options, { keda: options });
  }

  private constructor(
    /** The mechanism. */
    public readonly kind: 'fixed' | 'hpa-pods' | 'hpa-external' | 'keda',
    /** The replica range and behaviour. */
    public readonly range: WorkerScalingRange,
    /** @internal */
    public readonly _options: { pods?: PodsMetricScalingOptions; external?: ExternalMetricScalingOptions; keda?: KedaScalingOptions },
  ) {}
}

/** Properties of {@link WorkerPool}. */
export interface WorkerPoolProps extends WorkloadProps {
  /** How the pool scales. */
  readonly scaling: WorkerScaling;
  /**
   * The worker's health (and metrics) port: the probes use it. Workers take no traffic through a
   * Service, so none is emitted.
   */
  readonly http: { readonly port: number };
  /** PodDisruptionBudget. @default DisruptionBudget.maxUnavailable(1) from 2 replicas up, else none */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * NetworkPolicy. Inbound: nothing but `allowFrom` (e.g. Prometheus on `http`). Outbound: DNS
   * plus `allowTo` (the media server, databases, APIs). `false` for none (not recommended).
   * @default - isolate the pods; allow DNS only
   */
  readonly networkPolicy?: { readonly allowFrom?: Peer[]; readonly allowTo?: PolicyRule[] } | false;
  /**
   * Spread pods across zones and nodes (`ScheduleAnyway`); `Spread.nodes()` for clusters without zone
   * labels on their nodes (see {@link Spread}), `false` for none.
   * @default Spread.zonesAndNodes()
   */
  readonly spread?: boolean | Spread;
}

/** The shape of {@link WorkerPoolProps}, checked before anything reads the props. @internal */
export const WORKER_POOL_PROPS = S.obj('WorkerPoolProps', {
  ...WORKLOAD_FIELDS,
  scaling: S.req(S.inst(() => WorkerScaling, 'a WorkerScaling', 'use WorkerScaling.fixed(n), .hpaPodsMetric({...}), .hpaExternalMetric({...}) or .keda({...})'), 'WorkerScaling.fixed(2)'),
  http: S.req(HTTP_ENDPOINT, '{ port: 8080 }'),
  disruptionBudget: DISRUPTION_BUDGET,
  networkPolicy: orFalse('allowFrom / allowTo', S.obj('WorkerPool networkPolicy', { allowFrom: S.arr(PEER), allowTo: S.arr(POLICY_RULE) })),
  spread: S.or('true, false or a Spread', S.bool(), S.inst(() => Spread, 'a Spread', 'use Spread.zonesAndNodes(), Spread.nodes() or Spread.none()')),
});

/**
 * A pool of workers that pull their work (voice agents joining rooms, job consumers), scaled on
 * a custom or external metric through an HPA, or through KEDA.
 *
 * Workers hold work for minutes, so the shutdown is long by default: no preStop hook (no Service
 * sends them traffic) and 30 minutes to drain (LiveKit Agents' default drain timeout).
 *
 * Children (stable ids, all public fields): `Deployment`, `Autoscaler` (an HPA, or a KEDA
 * `ScaledObject`), `DisruptionBudget`, `NetworkPolicy`.
 */
export class WorkerPool extends Construct {
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The HorizontalPodAutoscaler or the KEDA ScaledObject, unless the scaling is fixed. */
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
  /** Replicas at the low end. */
  public readonly minReplicas: number;

  constructor(scope: Construct, id: string, props: WorkerPoolProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'WorkerPool');
    validateProps(this, 'WorkerPool', props, WORKER_POOL_PROPS);
    const w = resolveWorkload(check, props, Chart.of(this).namespace, 'worker', {
      shutdown: { preStop: PreStopHook.none(), drainTimeout: Duration.minutes(30) },
    });
    this.name = w.name;
    this.namespace = w.namespace;
    this.selectorLabels = w.selector;
    const port = check.portNumber('http.port', props.http.port);
    const ports: ContainerPort[] = [{ name: 'http', containerPort: port, protocol: 'TCP' }];

    const s = props.scaling;
    const { minReplicas, maxReplicas } = s.range;
    if (s.kind === 'fixed') check.positiveInt('scaling.replicas', minReplicas, 1000);
    else checkReplicaRange(check, 'scaling', minReplicas, maxReplicas, 1);
    this.minReplicas = minReplicas;
    const autoscaled = s.kind !== 'fixed';

    this.deployment = deployment(this, w, autoscaled ? undefined : minReplicas, 10,
      podTemplate(w, { ports, spread: spreadConstraints(w.selector, props.spread) }));

    if (autoscaled) {
      if (s.kind === 'keda') {
        const behavior = {
          scaleUp: renderBehavior(check, 'scaling.scaleUp', s.range.scaleUp ?? DEFAULT_SCALE_UP),
          scaleDown: renderBehavior(check, 'scaling.scaleDown', s.range.scaleDown ?? DEFAULT_SCALE_DOWN),
        };
        const k = s._options.keda!;
        if (k.triggers.length === 0) check.fail('scaling.triggers', k.triggers, 'list at least one trigger', 'add e.g. { type: "prometheus", metadata: { serverAddress, query, threshold } }');
        k.triggers.forEach((t, i) => {
          if (!/^[a-z][a-z0-9-]*$/.test(t.type ?? '')) check.fail(`scaling.triggers[${i}].type`, t.type, 'be a KEDA scaler type (lowercase, e.g. "prometheus")', 'use a scaler name from https://keda.sh/docs/latest/scalers/');
          for (const [key, v] of Object.entries(t.metadata)) if (typeof v !== 'string') check.fail(`scaling.triggers[${i}].metadata["${key}"]`, v, 'be a string (KEDA trigger metadata is a string map)', `quote the value: "${String(v)}"`);
        });
        this.autoscaler = new (kedaCrds().ScaledObject)(this, 'Autoscaler', {
          metadata: { name: w.name, namespace: w.namespace, labels: w.podLabels },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
            minReplicaCount: minReplicas,
            maxReplicaCount: maxReplicas,
            pollingInterval: check.seconds('scaling.pollingInterval', k.pollingInterval ?? Duration.seconds(30), 1, 3600),
            advanced: { horizontalPodAutoscalerConfig: { name: w.name, behavior } },
            triggers: k.triggers.map((t) => ({
              type: t.type,
              metadata: { ...t.metadata },
              ...(t.name ? { name: t.name } : {}),
              ...(t.metricType ? { metricType: t.metricType } : {}),
              ...(t.authenticationRef ? { authenticationRef: { name: t.authenticationRef.name, ...(t.authenticationRef.kind ? { kind: t.authenticationRef.kind } : {}) } as never } : {}),
            })),
          },
        });
      } else {
        this.autoscaler = horizontalAutoscaler(this, check, w, 'scaling', { minReplicas, maxReplicas, metrics: [metricOf(check, s)], scaleUp: s.range.scaleUp, scaleDown: s.range.scaleDown });
      }
    }

    this.disruptionBudget = disruptionBudget(this, check, w, props.disruptionBudget, minReplicas, autoscaled);

    if (props.networkPolicy !== false) {
      const np = props.networkPolicy ?? {};
      this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name: w.name,
        namespace: w.namespace,
        podSelector: w.selector,
        labels: w.podLabels,
        ingress: (np.allowFrom ?? []).map((peer) => ({ peers: [peer], ports: [{ protocol: 'TCP', port }] })),
        egress: [dnsEgress(), ...(np.allowTo ?? [])],
      });
    }
  }
}

function metricOf(check: Checker, s: WorkerScaling): Record<string, unknown> {
  const quantity = (prop: string, v: string) => {
    const n = parseQuantity(v);
    if (typeof v !== 'string' || n === undefined || n <= 0) check.fail(prop, v, 'be a positive Kubernetes quantity such as "1", "500m" or "20"', 'write it as a string, e.g. "1"');
    return v;
  };
  const metricName = (v: string) => {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(v ?? '')) check.fail('scaling.metric', v, 'be a metric name (letters, digits, "_" and ":", not starting with a digit)', 'use the name the metrics API serves, e.g. "livekit_rooms"');
    return v;
  };
  const selector = (sel: Record<string, string> | undefined) => {
    for (const [k, v] of Object.entries(sel ?? {})) {
      if (!isQualifiedName(k) || !isLabelValue(v)) check.fail(`scaling.selector["${k}"]`, v, 'be a label selector entry (qualified name and label value)', 'fix the key or value');
    }
    return sel && Object.keys(sel).length ? { selector: { matchLabels: { ...sel } } } : {};
  };
  if (s.kind === 'hpa-pods') {
    const o = s._options.pods!;
    return { type: 'Pods', pods: { metric: { name: metricName(o.metric), ...selector(o.selector) }, target: { type: 'AverageValue', averageValue: quantity('scaling.averageValue', o.averageValue) } } };
  }
  const o = s._options.external!;
  if ((o.averageValue === undefined) === (o.value === undefined)) {
    check.fail('scaling.averageValue', o.averageValue, 'be set, or else `value` (exactly one of the two)', 'set averageValue (per pod), e.g. "1"');
  }
  const target = o.averageValue !== undefined
    ? { type: 'AverageValue', averageValue: quantity('scaling.averageValue', o.averageValue) }
    : { type: 'Value', value: quantity('scaling.value', o.value!) };
  return { type: 'External', external: { metric: { name: metricName(o.metric), ...selector(o.selector) }, target } };
}
