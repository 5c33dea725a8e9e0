import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './private/checks';
import { S, validateProps } from './private/validate';

/** Namespaces whose pods the cluster itself depends on (DNS, controllers, leases). */
const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Properties of {@link NamespaceIsolation}. */
export interface NamespaceIsolationProps {
  /**
   * The namespace to isolate.
   * @default - the Chart's namespace (one of the two is required)
   */
  readonly namespace?: string;
  /**
   * Name of the NetworkPolicy.
   * @default 'default-deny'
   */
  readonly name?: string;
  /**
   * Labels on the NetworkPolicy.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** The shape of {@link NamespaceIsolationProps}. @internal */
export const NAMESPACE_ISOLATION_PROPS = S.obj('NamespaceIsolationProps', { namespace: S.str(), name: S.str(), labels: S.rec(S.str()) });

/**
 * A default-deny NetworkPolicy for a whole namespace: it selects every pod (`podSelector: {}`),
 * lists both `policyTypes` and no rules, so every pod of the namespace is isolated in both
 * directions until another NetworkPolicy allows something. NetworkPolicies are additive: each
 * workload's own policy (such as the one {@link RealtimeService} emits) is the explicit allow.
 *
 * Without it, a pod that no other policy selects (a debugging pod, a forgotten job, a workload
 * deployed by hand) accepts traffic from anywhere and reaches anything, including cloud metadata
 * endpoints. Put one in every namespace you own. Do not put one in a namespace someone else also
 * deploys to (a PaaS such as Porter deploying into `default`): it cuts their pods off too.
 *
 * Kubernetes system namespaces are refused: default-deny there stops the cluster DNS.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-and-all-egress-traffic
 */
export class NamespaceIsolation extends Construct {
  /** The NetworkPolicy object (escape hatch). */
  public readonly resource: ApiObject;
  /** The isolated namespace. */
  public readonly namespace: string;
  /** The NetworkPolicy name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NamespaceIsolationProps = {}) {
    super(scope, id);
    const check: Checker = new Checker(this, 'NamespaceIsolation');
    validateProps(this, 'NamespaceIsolation', props, NAMESPACE_ISOLATION_PROPS);
    const namespace = (this.namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace));
    if (SYSTEM_NAMESPACES.includes(namespace)) {
      check.fail('namespace', namespace, `not be a Kubernetes system namespace (${SYSTEM_NAMESPACES.join(', ')}): a default-deny policy there cuts the cluster DNS and controllers off`,
        'isolate only the namespaces your workloads run in');
    }
    const name = (this.name = check.objectName('name', props.name ?? 'default-deny'));
    const labels = props.labels ? check.labels('labels', props.labels) : undefined;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace, ...(labels ? { labels } : {}) },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      },
    });
  }
}
