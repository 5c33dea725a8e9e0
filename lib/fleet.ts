import { Chart } from 'cdk8s';
import { fail } from './errors';
import { isDns1123Label } from './private/k8s-names';
import { IngressController } from './routing';
import { AppSpec, ExtraFile, Target } from './synth/synthesizer';
import { LoadBalancerPreset } from './udp-load-balancer';
import { S, validateArgs, validateProps } from './private/validate';

/** Where a cluster runs (an enum-like class); decides the default load balancer preset. */
export class ClusterProvider {
  /** Azure Kubernetes Service: `LoadBalancerPreset.aks()`. */
  public static aks(): ClusterProvider {
    return new ClusterProvider('aks', () => LoadBalancerPreset.aks());
  }
  /** Amazon EKS with the AWS Load Balancer Controller: `LoadBalancerPreset.eksNlb()`. */
  public static eks(): ClusterProvider {
    return new ClusterProvider('eks', () => LoadBalancerPreset.eksNlb());
  }
  /** Google Kubernetes Engine: `LoadBalancerPreset.gke()`. */
  public static gke(): ClusterProvider {
    return new ClusterProvider('gke', () => LoadBalancerPreset.gke());
  }
  /** Bare metal or a home lab with MetalLB: `LoadBalancerPreset.metalLb()`. */
  public static metalLb(): ClusterProvider {
    return new ClusterProvider('metallb', () => LoadBalancerPreset.metalLb());
  }
  /** Anything else: `LoadBalancerPreset.none()`. */
  public static other(name: string): ClusterProvider {
    validateArgs('ClusterProvider.other', 'ClusterProvider', { name }, { name: S.req(S.str('name', 'k3s'), '"k3s"') });
    return new ClusterProvider(name, () => LoadBalancerPreset.none());
  }
  private constructor(
    /** Provider name, for messages and diagrams. */
    public readonly name: string,
    /** @internal */
    public readonly _defaultPreset: () => LoadBalancerPreset,
  ) {}
}

/** One cluster of a {@link Fleet} and the environments deployed to it. */
export interface FleetCluster {
  /** Cluster name (a DNS-1123 label): the folder `dist/<app>/<cluster>/`. */
  readonly name: string;
  /** Environments on this cluster (DNS-1123 labels), e.g. `['debug', 'dev', 'staging', 'prod']`. */
  readonly envs: string[];
  /** Where the cluster runs. */
  readonly provider: ClusterProvider;
  /** Settings of UDP LoadBalancer Services on this cluster. @default - the provider's preset */
  readonly loadBalancer?: LoadBalancerPreset;
  /** The ingress controller that renders routes on this cluster. @default IngressController.nginx() */
  readonly ingress?: IngressController;
}

/** A target of a {@link Fleet} with the settings of its cluster. */
export interface FleetTarget extends Target {
  /** Where the cluster runs. */
  readonly provider: ClusterProvider;
  /** The cluster's LoadBalancer preset. */
  readonly loadBalancer: LoadBalancerPreset;
  /** The cluster's ingress controller. */
  readonly ingress: IngressController;
}

/** Properties of {@link Fleet}. */
export interface FleetProps {
  /** The clusters, in the order their folders are written. */
  readonly clusters: FleetCluster[];
}

/** An {@link AppSpec} whose targets come from a {@link Fleet}. */
export interface FleetAppSpec extends Omit<AppSpec, 'targets' | 'define' | 'namespace' | 'extraFiles'> {
  /** Default namespace of the objects. @default - none (every construct must set one) */
  readonly namespace?: string | ((target: FleetTarget) => string);
  /** Defines the constructs of one target, with its cluster's settings. */
  readonly define: (chart: Chart, target: FleetTarget) => void;
  /** Extra files for one target's folder. @default - none */
  readonly extraFiles?: (chart: Chart, target: FleetTarget) => ExtraFile[];
  /** Deploy to these environments only (e.g. `['prod']`). @default - every environment of every cluster */
  readonly envs?: string[];
}

/** The shape of {@link FleetProps}. @internal */
export const FLEET_PROPS = S.obj('FleetProps', {
  clusters: S.req(S.arr(S.obj('FleetCluster', {
    name: S.req(S.str(), '"us-central"'),
    envs: S.req(S.arr(S.str(), '["prod"]'), '["prod"]'),
    provider: S.req(S.inst(() => ClusterProvider, 'a ClusterProvider', 'use ClusterProvider.aks(), .eks(), .gke(), .metalLb() or .other("name")'), 'ClusterProvider.aks()'),
    loadBalancer: S.inst(() => LoadBalancerPreset, 'a LoadBalancerPreset', 'use LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb() or .none()'),
    ingress: S.inst(() => IngressController, 'an IngressController', 'use IngressController.nginx(), .traefik(), .gatewayApi({ gateway }) or .awsAlb({ idleTimeout, scheme })'),
  })), '[{ name: "us-central", envs: ["prod"], provider: ClusterProvider.aks() }]'),
});

/** The fields of {@link FleetAppSpec} that Fleet reads (the rest is an AppSpec, checked by the synthesizer). @internal */
export const FLEET_APP_SPEC = S.open('FleetAppSpec', {
  name: S.req(S.str(), '"my-app"'),
  source: S.req(S.str(), '"apps/my-app.ts"'),
  namespace: S.or('a namespace name or a function of the target', S.str(), S.fn()),
  define: S.req(S.fn(), '(chart, target) => { ... }'),
  extraFiles: S.fn(),
  envs: S.arr(S.str(), '["prod"]'),
});

/**
 * Clusters x environments, declared once and shared by apps: `targets` feeds
 * `AppSpec.targets` (one `dist/<app>/<cluster>/<env>/` folder each), and {@link Fleet.of} gives
 * a target's cluster-level settings (LoadBalancer preset, ingress controller), so an app picks
 * the renderer per cluster instead of branching on names.
 *
 * ```ts
 * const fleet = new Fleet({ clusters: [
 *   { name: 'us-central', envs: ['debug', 'dev', 'staging', 'prod'], provider: ClusterProvider.aks() },
 *   { name: 'france', envs: ['prod'], provider: ClusterProvider.aks() },
 * ] });
 * export const app = fleet.app({ name: 'my-app', source: 'main.ts', define: (chart, t) => ... t.loadBalancer ... });
 * ```
 */
export class Fleet {
  /** Every cluster x environment, cluster by cluster in declaration order. */
  public readonly targets: FleetTarget[];
  /** The clusters, as declared. */
  public readonly clusters: readonly FleetCluster[];

  constructor(props: FleetProps) {
    validateProps('Fleet', 'Fleet', props, FLEET_PROPS);
    const at = (prop: string, value: unknown, allowed: string, fix: string): never => fail('Fleet', 'Fleet', prop, value, allowed, fix);
    if (props.clusters.length === 0) at('clusters', props.clusters, 'list at least one cluster', 'add { name, envs, provider }');
    const names = new Set<string>();
    this.targets = props.clusters.flatMap((c, i) => {
      if (!isDns1123Label(c.name)) at(`clusters[${i}].name`, c.name, 'be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters): it names a dist/ folder and Argo CD Applications', 'rename the cluster, e.g. "us-central"');
      if (names.has(c.name)) at(`clusters[${i}].name`, c.name, 'be unique in the fleet', 'merge the two entries\' envs, or rename one');
      names.add(c.name);
      if (c.envs.length === 0) at(`clusters[${i}].envs`, c.envs, 'list at least one environment', 'add e.g. "prod"');
      return c.envs.map((env, j) => {
        if (!isDns1123Label(env)) at(`clusters[${i}].envs[${j}]`, env, 'be a DNS-1123 label', 'rename the environment, e.g. "prod"');
        if (c.envs.indexOf(env) < j) at(`clusters[${i}].envs[${j}]`, env, `be unique on cluster ${c.name}`, 'remove the duplicate');
        return { cluster: c.name, env, provider: c.provider, loadBalancer: c.loadBalancer ?? c.provider._defaultPreset(), ingress: c.ingress ?? IngressController.nginx() };
      });
    });
    this.clusters = [...props.clusters];
  }

  /** The fleet's target for a cluster and environment, with its cluster's settings. */
  public of(target: Target): FleetTarget {
    validateArgs('Fleet.of', 'Fleet', { target }, { target: S.req(S.obj('Target', { cluster: S.req(S.str(), '"us-central"'), env: S.req(S.str(), '"prod"') }), '{ cluster: "us-central", env: "prod" }') });
    const hit = this.targets.find((t) => t.cluster === target.cluster && t.env === target.env);
    if (!hit) {
      return fail('Fleet', 'Fleet', 'target', `${target.cluster}/${target.env}`, `be one of the fleet's targets (${this.targets.map((t) => `${t.cluster}/${t.env}`).join(', ')})`, 'add the environment to the cluster in the Fleet');
    }
    return hit;
  }

  /** An AppSpec deployed to the fleet's targets (optionally only some environments). */
  public app(spec: FleetAppSpec): AppSpec {
    validateProps(typeof spec?.name === 'string' ? spec.name : 'Fleet', 'Fleet', spec, FLEET_APP_SPEC);
    const targets = spec.envs ? this.targets.filter((t) => spec.envs!.includes(t.env)) : this.targets;
    for (const env of spec.envs ?? []) {
      if (!this.targets.some((t) => t.env === env)) fail(spec.name, 'Fleet', 'envs', env, `be an environment of the fleet (${[...new Set(this.targets.map((t) => t.env))].join(', ')})`, 'fix the name or add the environment to a cluster');
    }
    const { envs: _envs, define, namespace, extraFiles, ...rest } = spec;
    return {
      ...rest,
      targets: targets.map((t) => ({ cluster: t.cluster, env: t.env })),
      ...(namespace !== undefined ? { namespace: typeof namespace === 'function' ? (t?: Target) => namespace(this.of(t!)) : namespace } : {}),
      define: (chart, t) => define(chart, this.of(t!)),
      ...(extraFiles ? { extraFiles: (chart: Chart, t?: Target) => extraFiles(chart, this.of(t!)) } : {}),
    };
  }
}
