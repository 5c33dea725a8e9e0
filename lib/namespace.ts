import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_SYNC_WAVES, SYNC_WAVE_ANNOTATION } from './gitops';
import { Checker } from './private/checks';
import { S, validateArgs, validateProps } from './private/validate';

/** Label prefix of Pod Security Admission (`pod-security.kubernetes.io/<mode>[-version]`). */
const PSA_PREFIX = 'pod-security.kubernetes.io';

/** Annotation on a Namespace that says why it is not "restricted". */
export const POD_SECURITY_REASON_ANNOTATION = 'cdk8s-realtime.io/pod-security-reason';

/**
 * Namespaces this library never emits a Namespace object for: `default` and `kube-*` exist in
 * every cluster (the API server creates `default`, `kube-system`, `kube-public` and
 * `kube-node-lease` itself) and belong to the cluster, so an app that writes one (with its own Pod
 * Security labels, pruned with the app) takes over something it does not own. Declare them in
 * `AppSpec.externalNamespaces` instead.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces
 */
export function isClusterNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

/**
 * The Pod Security Standard a namespace enforces (an enum-like class). Anything but
 * "restricted" needs a written reason, which goes into the `cdk8s-realtime.io/pod-security-reason`
 * annotation of the Namespace.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PodSecurityLevel {
  /** The hardened level every workload of this library meets by default. */
  public static restricted(): PodSecurityLevel {
    return new PodSecurityLevel('restricted', undefined);
  }
  /** Minimally restrictive: no hostNetwork, host ports, privileged containers. */
  public static baseline(reason: string): PodSecurityLevel {
    validateArgs('PodSecurityLevel.baseline', 'PodSecurityLevel', { reason }, { reason: S.req(S.str(), '"<which pod needs what>"') });
    return new PodSecurityLevel('baseline', reason);
  }
  /** Unrestricted (e.g. hostNetwork for a media server's UDP port range). Put nothing else in the namespace. */
  public static privileged(reason: string): PodSecurityLevel {
    validateArgs('PodSecurityLevel.privileged', 'PodSecurityLevel', { reason }, { reason: S.req(S.str(), '"hostNetwork for a UDP port range"') });
    return new PodSecurityLevel('privileged', reason);
  }
  private constructor(
    /** The level, as Pod Security Admission spells it. */
    public readonly level: 'restricted' | 'baseline' | 'privileged',
    /** Why the namespace is not "restricted". */
    public readonly reason: string | undefined,
  ) {}
}

/** Properties of {@link OwnedNamespace}. */
export interface OwnedNamespaceProps {
  /** The namespace name (a DNS-1123 label; not `default` or `kube-*`). @default - the Chart's namespace */
  readonly name?: string;
  /** Pod Security level, enforced, warned and audited. @default PodSecurityLevel.restricted() */
  readonly podSecurity?: PodSecurityLevel;
  /** Extra labels. @default - none */
  readonly labels?: Record<string, string>;
}

/** The shape of {@link OwnedNamespaceProps}. @internal */
export const OWNED_NAMESPACE_PROPS = S.obj('OwnedNamespaceProps', {
  name: S.str(),
  podSecurity: S.inst(() => PodSecurityLevel, 'a PodSecurityLevel', 'use PodSecurityLevel.restricted(), .baseline(reason) or .privileged(reason)'),
  labels: S.rec(S.str()),
});

/**
 * A namespace the app owns: its Namespace object, with Pod Security Admission labels for all three
 * modes (`enforce`, `warn`, `audit`, each pinned to `latest`), in Argo CD sync wave -2 so it is
 * created before anything that lives in it.
 *
 * Emit one for every namespace your objects use that nobody else creates, so that each
 * `dist/<app>/<cluster>/<env>/` folder applies to a cluster on its own (the synthesizer refuses a
 * folder whose objects use a namespace that is neither owned there nor declared in
 * `AppSpec.externalNamespaces`). With Argo CD's prune, deleting the app deletes the namespace
 * and everything in it: that is what owning it means. Namespaces someone else creates (Porter's
 * `default`, a platform team's) are declared external and never emitted.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export class OwnedNamespace extends Construct {
  /** The Namespace object (escape hatch). */
  public readonly resource: ApiObject;
  /** The namespace name. */
  public readonly name: string;
  /** The Pod Security level. */
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: OwnedNamespaceProps = {}) {
    super(scope, id);
    const check = new Checker(this, 'OwnedNamespace');
    validateProps(this, 'OwnedNamespace', props, OWNED_NAMESPACE_PROPS);
    const name = (this.name = check.namespace('name', props.name ?? Chart.of(this).namespace));
    if (isClusterNamespace(name)) {
      check.fail('name', name, 'not be "default" or start with "kube-": those namespaces belong to the cluster, and an app that emits one takes it over (its labels) and prunes it with the app',
        `declare it in the AppSpec instead (externalNamespaces: [{ name: "${name}", owner: "the cluster" }]) and emit no Namespace object for it`);
    }
    const ps = (this.podSecurity = props.podSecurity ?? PodSecurityLevel.restricted());
    if (!(ps instanceof PodSecurityLevel)) check.fail('podSecurity', ps, 'be a PodSecurityLevel', 'use PodSecurityLevel.restricted(), .baseline(reason) or .privileged(reason)');
    if (ps.level !== 'restricted' && (typeof ps.reason !== 'string' || ps.reason.trim() === '')) {
      check.fail('podSecurity.reason', ps.reason, `be a sentence saying why the namespace is "${ps.level}" and not "restricted"`, `pass it: PodSecurityLevel.${ps.level}("<which pod needs what, e.g. hostNetwork for a UDP port range>")`);
    }
    const extra = check.labels('labels', props.labels, (k) => (k.startsWith(`${PSA_PREFIX}/`) ? 'not be a Pod Security label (set podSecurity instead)' : undefined));
    const labels: Record<string, string> = { ...extra };
    for (const mode of ['enforce', 'warn', 'audit']) {
      labels[`${PSA_PREFIX}/${mode}`] = ps.level;
      labels[`${PSA_PREFIX}/${mode}-version`] = 'latest';
    }
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels,
        annotations: {
          [SYNC_WAVE_ANNOTATION]: String(DEFAULT_SYNC_WAVES.Namespace),
          ...(ps.reason !== undefined ? { [POD_SECURITY_REASON_ANNOTATION]: ps.reason } : {}),
        },
      },
    });
    // Namespaces are cluster-scoped: drop the namespace a Chart gives every object.
    if (Chart.of(this).namespace) this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
