/**
 * Where the replicas of a workload are spread: one `topologySpreadConstraint` per topology key,
 * `maxSkew: 1`, `whenUnsatisfiable: ScheduleAnyway` (a preference, never blocks scheduling) and
 * `matchLabelKeys: [pod-template-hash]` (each rollout's ReplicaSet is spread on its own).
 *
 * Pick the topology the cluster's nodes really carry. kube-scheduler ignores every constraint of a
 * pod with explicit spread constraints, for scoring, on nodes that lack any of its topology keys
 * (`initPreScoreState` in
 * https://github.com/kubernetes/kubernetes/blob/v1.36.3/pkg/scheduler/framework/plugins/podtopologyspread/scoring.go):
 * a zone constraint on a cluster whose nodes have no `topology.kubernetes.io/zone` label (bare
 * metal, a homelab) switches the node spread off too. `npm run test:rollout` showed it: on three
 * zone-less nodes both replicas of a rolled-out Deployment landed on one node.
 */
export class Spread {
  /** Across zones (`topology.kubernetes.io/zone`) and nodes (`kubernetes.io/hostname`): clusters whose nodes carry zone labels (AKS, EKS, GKE). */
  public static zonesAndNodes(): Spread {
    return new Spread(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  }

  /** Across nodes only: clusters without zone labels on their nodes. */
  public static nodes(): Spread {
    return new Spread(['kubernetes.io/hostname']);
  }

  /** No spread constraints (the scheduler's cluster defaults, if any, apply). */
  public static none(): Spread {
    return new Spread([]);
  }

  private constructor(
    /** The topology keys, one constraint each. */
    public readonly topologyKeys: readonly string[],
  ) {}
}
