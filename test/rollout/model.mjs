// What test/rollout derives from dist/ and from the reference apps' seeds: the targets (one
// simulated cluster per dist/ directory that holds objects), their workloads, the fake nodes each
// target gets, and the promises each workload makes (pure functions, checked by self-test.mjs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

/** Every directory under dist/ (except argocd/) with YAML files directly in it. */
export function findTargets(dist) {
  const out = [];
  const walk = (dir) => {
    const entries = readdirSync(dir).sort();
    const files = entries.filter((f) => f.endsWith('.yaml') && statSync(path.join(dir, f)).isFile());
    if (files.length) {
      const docs = files.flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8'), { version: '1.1' })
        .map((d) => d.toJS()).filter(Boolean).map((o) => ({ ...o, __file: path.join(dir, f) })));
      const rel = path.relative(dist, dir);
      out.push({ name: rel, app: rel.split(path.sep)[0], dir, docs, workloads: docs.filter((d) => WORKLOAD_KINDS.has(d.kind)) });
    }
    for (const e of entries) if (statSync(path.join(dir, e)).isDirectory()) walk(path.join(dir, e));
  };
  for (const e of readdirSync(dist).sort()) if (e !== 'argocd' && statSync(path.join(dist, e)).isDirectory()) walk(path.join(dist, e));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fake nodes per reference app, modelled on its seed (../shared/seeds/). Scaled down, same shape.
// Pools for dedicated workloads (a nodeSelector plus tolerations) are derived from dist/ instead,
// so a new dedicated workload gets its nodes without new code.

const ZONES3 = (prefix) => [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];

/** @type {Record<string, {seed: string, region: string | null, zones: string[], pools: Array<{name: string, count: number, cpu: string, memory: string, labels?: Record<string,string>}>}>} */
export const CLUSTER_SHAPES = {
  // Seed 000: us-central has 43 nodes in 5 AKS pools across 3 zones (31x 4 CPU/8 GB general,
  // 2x 2/8 memory-optimized, 5x 8/16 heavy where the cloud pods run, 3x 2/4 system, 2x 2/4 small).
  'mentra-cloud': { seed: '000', region: 'centralus', zones: ZONES3('centralus'), pools: [
    { name: 'general', count: 6, cpu: '4', memory: '8Gi' },
    { name: 'memopt', count: 2, cpu: '2', memory: '8Gi' },
    { name: 'heavy', count: 3, cpu: '8', memory: '16Gi' },
    { name: 'system', count: 3, cpu: '2', memory: '4Gi' },
    { name: 'small', count: 2, cpu: '2', memory: '4Gi' },
  ] },
  // Seed 004: EKS node group suna-api-nodes, c7i.2xlarge (8 vCPU, 16 GB), min 2 / max 8 / desired 3.
  'kortix-api': { seed: '004', region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], pools: [
    { name: 'suna-api-nodes', count: 3, cpu: '8', memory: '16Gi', labels: { 'node.kubernetes.io/instance-type': 'c7i.2xlarge', 'eks.amazonaws.com/nodegroup': 'suna-api-nodes' } },
  ] },
  // Seed 003: AKS, a general pool for agent-node, landing-page and monitor-node; LiveKit on
  // dedicated nodes (derived from the MediaServer DaemonSet's nodeSelector and toleration).
  'voice-agents': { seed: '003', region: 'eastus', zones: ZONES3('eastus'), pools: [
    { name: 'general', count: 6, cpu: '8', memory: '16Gi', labels: { agentpool: 'general' } },
  ] },
  // Seed 002: three small clusters on Proxmox VMs behind a global nginx; no zones.
  'homelab-traefik': { seed: '002', region: null, zones: [], pools: [
    { name: 'proxmox', count: 3, cpu: '4', memory: '8Gi' },
  ] },
};
/** Any other app: 3 zones x 2 nodes of 4 CPU / 8 GiB. */
export const DEFAULT_SHAPE = { seed: null, region: 'region', zones: ZONES3('zone'), pools: [{ name: 'general', count: 6, cpu: '4', memory: '8Gi' }] };

const podSpec = (w) => w.spec.template.spec;

/** Taints that a workload's tolerations admit (the taints its dedicated nodes get). */
function taintsFor(tolerations = []) {
  return tolerations.filter((t) => t.key && (t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
    .map((t) => ({ key: t.key, ...(t.operator === 'Exists' ? {} : { value: t.value }), effect: t.effect }));
}

/** Node objects for a target: its app's shape plus one 2-node pool per dedicated workload. */
export function nodesFor(target) {
  const shape = CLUSTER_SHAPES[target.app] ?? DEFAULT_SHAPE;
  const nodes = [];
  const zoneOf = (i) => (shape.zones.length ? shape.zones[i % shape.zones.length] : null);
  const add = (name, zone, pool, labels, taints, cpu, memory) => nodes.push({ name, zone, pool, labels, taints, cpu, memory });
  for (const p of shape.pools) {
    for (let i = 0; i < p.count; i++) add(`${p.name}-${i + 1}`, zoneOf(i), p.name, p.labels ?? {}, [], p.cpu, p.memory);
  }
  const seen = new Set();
  for (const w of target.workloads) {
    const sel = podSpec(w).nodeSelector;
    if (!sel || !Object.keys(sel).length) continue;
    const key = JSON.stringify(sel);
    if (seen.has(key)) continue;
    seen.add(key);
    const poolName = `dedicated-${Object.values(sel).join('-')}`;
    // Big enough for the workload plus a surge pod, so only host ports can block a surge.
    const cpu = String(Math.max(8, 2 * Math.ceil(cpuOf(w))));
    for (let i = 0; i < 2; i++) add(`${poolName}-${i + 1}`, zoneOf(i), poolName, sel, taintsFor(podSpec(w).tolerations), cpu, '16Gi');
  }
  return { shape, nodes };
}

export function nodeObject(n, region) {
  const labels = { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok',
    'rollout.cdk8s-realtime.test/pool': n.pool, ...n.labels };
  if (n.zone) { labels['topology.kubernetes.io/zone'] = n.zone; labels['topology.kubernetes.io/region'] = region; }
  // Every pod in dist/ requests ephemeral-storage: without it on the node, all stay Pending.
  const res = { cpu: n.cpu, memory: n.memory, pods: '110', 'ephemeral-storage': '100Gi' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels },
    spec: n.taints.length ? { taints: n.taints } : {}, status: { allocatable: res, capacity: res } };
}

// ---------------------------------------------------------------------------------------------
// Quantities and promises

export function cpuQuantity(q) {
  if (q === undefined || q === null) return 0;
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}
export const cpuOf = (w) => podSpec(w).containers.reduce((a, c) => a + cpuQuantity(c.resources?.requests?.cpu), 0);

/** An int-or-percent of `total`, rounded as the controllers do (up for surge, down for unavailable). */
export function scaled(v, total, roundUp) {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The rollout promise of a Deployment or DaemonSet with `n` replicas (or scheduled nodes). */
export function rolloutPromise(w, n) {
  const ru = (w.kind === 'DaemonSet' ? w.spec.updateStrategy : w.spec.strategy)?.rollingUpdate ?? {};
  // Kubernetes defaults: Deployment 25%/25%, DaemonSet maxSurge 0 / maxUnavailable 1.
  const surge = scaled(ru.maxSurge ?? (w.kind === 'DaemonSet' ? 0 : '25%'), n, true);
  let unavailable = scaled(ru.maxUnavailable ?? (w.kind === 'DaemonSet' ? 1 : '25%'), n, false);
  if (surge === 0 && unavailable === 0) unavailable = 1; // the API refuses both 0; as the controller does
  return { surge, unavailable, minReady: n - unavailable, maxPods: n + surge, minReadySeconds: w.spec.minReadySeconds ?? 0 };
}

/** Host ports a pod template claims (hostNetwork: every container port is a host port). */
export function hostPortsOf(spec) {
  const out = [];
  for (const c of spec.containers ?? []) for (const p of c.ports ?? []) {
    const hp = p.hostPort ?? (spec.hostNetwork ? p.containerPort : undefined);
    if (hp) out.push(`${p.protocol ?? 'TCP'}/${hp}`);
  }
  return out;
}

/** The PDB's promised minimum of healthy pods out of `n` (policy/v1 rounding: minAvailable up, maxUnavailable up). */
export function pdbMinHealthy(pdb, n) {
  if (pdb.spec.minAvailable !== undefined) return scaled(pdb.spec.minAvailable, n, true);
  return n - scaled(pdb.spec.maxUnavailable, n, true);
}

/** Skew per topology key over `domains` (every domain the pod may use counts, empty ones as 0). */
export function skew(podDomains, domains) {
  const counts = new Map(domains.map((d) => [d, 0]));
  for (const d of podDomains) counts.set(d, (counts.get(d) ?? 0) + 1);
  const v = [...counts.values()];
  return { skew: v.length ? Math.max(...v) - Math.min(...v) : 0, counts: Object.fromEntries(counts) };
}

/** Does a node admit a pod spec (nodeSelector + NoSchedule/NoExecute taints tolerated)? */
export function admits(node, spec) {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  for (const t of node.spec?.taints ?? []) {
    if (t.effect === 'PreferNoSchedule') continue;
    const ok = (spec.tolerations ?? []).some((tol) => (tol.effect === undefined || tol.effect === t.effect)
      && (tol.operator === 'Exists' ? (tol.key === undefined || tol.key === t.key) : tol.key === t.key && (tol.value ?? '') === (t.value ?? '')));
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// HPA arithmetic (k8s.io/kubernetes pkg/controller/podautoscaler, behaviour policies)

/** The largest replica count a scale-up may reach from `cur` in one period (selectPolicy Max/Min). */
export function scaleUpLimit(behavior, cur) {
  const up = behavior?.scaleUp ?? { policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' };
  const limits = (up.policies ?? []).map((p) => (p.type === 'Pods' ? cur + p.value : Math.ceil(cur * (1 + p.value / 100))));
  return up.selectPolicy === 'Min' ? Math.min(...limits) : Math.max(...limits);
}
/** The smallest replica count a scale-down may reach from `cur` in one period. */
export function scaleDownLimit(behavior, cur) {
  const down = behavior?.scaleDown ?? { policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' };
  const limits = (down.policies ?? []).map((p) => (p.type === 'Pods' ? cur - p.value : Math.trunc(cur * (1 - p.value / 100))));
  return down.selectPolicy === 'Min' ? Math.max(...limits) : Math.min(...limits);
}

/** A copy of an HPA with every duration of its behaviour divided by `factor` (at least 1 s). */
export function timeScaledHpa(hpa, factor) {
  const c = structuredClone(hpa);
  for (const dir of ['scaleUp', 'scaleDown']) {
    const b = c.spec.behavior?.[dir];
    if (!b) continue;
    if (b.stabilizationWindowSeconds) b.stabilizationWindowSeconds = Math.max(1, Math.round(b.stabilizationWindowSeconds / factor));
    for (const p of b.policies ?? []) p.periodSeconds = Math.max(1, Math.round(p.periodSeconds / factor));
  }
  return c;
}

/** Paths (a.b.c) where two JSON values differ. */
export function diffPaths(a, b, at = '') {
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return a === b ? [] : [at || '.'];
  if (Array.isArray(a) !== Array.isArray(b)) return [at || '.'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => diffPaths(a[k], b[k], at ? `${at}.${k}` : k));
}
