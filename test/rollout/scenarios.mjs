#!/usr/bin/env node
// The scenarios of test/rollout for one dist/ target on its own simulated cluster (target.sh starts
// it). Everything is generated from the target's objects: every Deployment and DaemonSet, PDB and
// HPA in the directory gets the scenarios that apply to it, so a new app needs no new code.
//
//   ROLLOUT_TARGET=<dir under dist/> SIM_API=https://127.0.0.1:N SIM_PKI=<dir> METRICS_VALUES=<file> node scenarios.mjs
//
// ROLLOUT_PART: "all" (default) runs every scenario in turn. A target with HPAs is run by run.sh as
// two parts, each on its own cluster, at the same time: "main" (everything but the HPA scenarios)
// and "hpa" (the same objects applied and settled, then only the HPA scenarios). Every check is in
// exactly one part, so the two parts together are "all", without the HPAs' declared windows
// (scale-up stabilization, the time-scaled scale-down) waiting behind the rollouts and drains.
//
// Prints one line per check ("ok   ..." / "FAIL ...") and ends with
// "<label>: N checks passed, M failed" (label: the target, "<target> (hpa)" / "<target> (main)"
// for a part). Exit 1 if any failed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kube, pathOf, sleep, until } from './k8s.mjs';
import { admits, diffPaths, findTargets, hostPortsOf, nodeObject, nodesFor, pdbMinHealthy, rolloutPromise,
  scaleDownLimit, scaleUpLimit, skew, timeScaledHpa } from './model.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const DIST = path.resolve(env.CDK8SRT_DIST || path.join(HERE, '../../dist'));
const target = findTargets(DIST).find((t) => t.name === env.ROLLOUT_TARGET);
if (!target) { console.error(`no target ${env.ROLLOUT_TARGET} under ${DIST}`); process.exit(2); }
const kube = new Kube(env.SIM_API, env.SIM_PKI);
const HPA_SYNC = Number(String(env.ROLLOUT_HPA_SYNC || '5s').replace(/s$/, ''));
const HPA_TIME_SCALE = Number(env.ROLLOUT_HPA_TIME_SCALE || 20);
const GRACE_WAIT_MAX = Number(env.ROLLOUT_GRACE_WAIT_MAX || 30);
const MANAGER = 'cdk8s-realtime';
const PART = env.ROLLOUT_PART || 'all';
if (!['all', 'main', 'hpa'].includes(PART)) { console.error(`ROLLOUT_PART ${PART}: all, main or hpa`); process.exit(2); }
const LABEL = PART === 'all' ? target.name : `${target.name} (${PART})`;
const T0 = Date.now();
const secs = (t = Date.now()) => ((t - T0) / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------
// checks

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${target.name} ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}
const note = (s) => console.log(`     ${target.name} ${s}`);

// ---------------------------------------------------------------------------------------------
// cluster state, kept current by watches

const pods = new Map(); // uid -> {pod, readyAt}
const workloadsLive = new Map(); // "Kind/ns/name" -> object
const nodesLive = new Map();
const listeners = new Set();
const notify = () => { for (const l of listeners) l(); };

function readyOf(p) { return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'; }
function watchAll() {
  const ws = [];
  ws.push(kube.watch('/api/v1/pods', '', ({ type, object }) => {
    const uid = object.metadata.uid;
    if (type === 'DELETED') pods.delete(uid);
    else {
      // Available = Ready for minReadySeconds, timed from the Ready condition's lastTransitionTime,
      // as the Deployment and DaemonSet controllers count it (k8s.io/kubectl podutils.IsPodAvailable).
      const c = object.status?.conditions?.find((x) => x.type === 'Ready');
      const ready = readyOf(object) && !object.metadata.deletionTimestamp;
      pods.set(uid, { pod: object, readyAt: ready ? Date.parse(c.lastTransitionTime) : null });
    }
    notify();
  }));
  for (const [p, kind] of [['/apis/apps/v1/deployments', 'Deployment'], ['/apis/apps/v1/daemonsets', 'DaemonSet']]) {
    ws.push(kube.watch(p, '', ({ type, object }) => {
      const k = `${kind}/${object.metadata.namespace}/${object.metadata.name}`;
      if (type === 'DELETED') workloadsLive.delete(k); else workloadsLive.set(k, object);
      notify();
    }));
  }
  ws.push(kube.watch('/api/v1/nodes', '', ({ type, object }) => {
    if (type === 'DELETED') nodesLive.delete(object.metadata.name); else nodesLive.set(object.metadata.name, object);
    notify();
  }));
  return Promise.all(ws.map((w) => w.ready));
}

const keyOf = (w) => `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`;
const short = (w) => `${w.kind === 'Deployment' ? 'deploy' : w.kind === 'DaemonSet' ? 'ds' : w.kind}/${w.metadata.namespace}/${w.metadata.name}`;
const live = (w) => workloadsLive.get(keyOf(w));
const matches = (sel, labels = {}) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
/** Pods of a workload (by its selector), terminating ones included. */
const podsOf = (w) => [...pods.values()].filter(({ pod }) => pod.metadata.namespace === w.metadata.namespace
  && matches(w.spec.selector.matchLabels, pod.metadata.labels));
const liveReady = (w) => podsOf(w).filter(({ pod }) => !pod.metadata.deletionTimestamp && readyOf(pod));

function desiredOf(w) {
  const o = live(w);
  if (!o) return 0;
  return w.kind === 'DaemonSet' ? o.status?.desiredNumberScheduled ?? 0 : o.spec.replicas ?? 1;
}
const minGeneration = new Map(); // the generation of our last change to each workload
function settled(w) {
  const o = live(w);
  if (!o?.status || (o.status.observedGeneration ?? 0) < o.metadata.generation) return false;
  if (o.metadata.generation < (minGeneration.get(keyOf(w)) ?? 0)) return false; // the watch has not caught up
  const all = podsOf(w);
  const n = desiredOf(w);
  if (all.some(({ pod }) => pod.metadata.deletionTimestamp)) return false;
  // The pods as watched, not only the controller's status (which may not have seen the last change).
  if (liveReady(w).length !== n) return false;
  if (w.kind === 'DaemonSet') {
    const s = o.status;
    return n > 0 && s.updatedNumberScheduled === n && s.numberAvailable === n && s.numberReady === n && all.length === n;
  }
  const s = o.status;
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && s.readyReplicas === n && all.length === n;
}
async function waitSettled(ws, seconds) {
  return until(seconds, () => ws.every(settled), 250);
}

// ---------------------------------------------------------------------------------------------
// a recorder: min Ready / available, max pods, host ports per node, while something happens

function recorder(w) {
  const mrs = (w.spec.minReadySeconds ?? 0) * 1000;
  const ports = hostPortsOf(w.spec.template.spec);
  const st = { minReady: Infinity, minAvailable: Infinity, minStatusAvailable: Infinity, maxLive: 0, maxPodsPerNode: 0,
    portClash: null, events: 0, lastChange: Date.now() };
  let last = '';
  const sample = () => {
    const now = Date.now();
    const all = podsOf(w);
    const liveP = all.filter(({ pod }) => !pod.metadata.deletionTimestamp);
    const ready = liveP.filter(({ pod }) => readyOf(pod));
    const available = ready.filter((p) => p.readyAt !== null && now - p.readyAt >= mrs);
    const o = live(w);
    const statusAvail = w.kind === 'DaemonSet' ? o?.status?.numberAvailable ?? 0 : o?.status?.availableReplicas ?? 0;
    st.minReady = Math.min(st.minReady, ready.length);
    st.minAvailable = Math.min(st.minAvailable, available.length);
    st.minStatusAvailable = Math.min(st.minStatusAvailable, statusAvail);
    st.maxLive = Math.max(st.maxLive, liveP.length);
    const perNode = new Map();
    for (const { pod } of all) if (pod.spec.nodeName) perNode.set(pod.spec.nodeName, (perNode.get(pod.spec.nodeName) ?? 0) + 1);
    st.maxPodsPerNode = Math.max(st.maxPodsPerNode, ...perNode.values(), 0);
    // A pod holds its host ports from binding until it is gone (a terminating one too).
    if (ports.length) for (const [node, count] of perNode) if (count > 1 && !st.portClash) st.portClash = `${count} pods with ${ports.join(',')} on ${node}`;
    const sig = `${all.length}/${liveP.length}/${ready.length}/${available.length}/${statusAvail}/${all.map(({ pod }) => pod.spec.nodeName ?? '-').join()}`;
    if (sig !== last) { last = sig; st.lastChange = now; st.events++; }
  };
  listeners.add(sample);
  const timer = setInterval(sample, 200);
  sample();
  return { st, stop: () => { listeners.delete(sample); clearInterval(timer); sample(); } };
}

// ---------------------------------------------------------------------------------------------
// actions

const podPath = (pod) => `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
async function evict(pod) {
  const r = await kube.request('POST', `${podPath(pod)}/eviction`,
    { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } });
  return r.status;
}
const setUnschedulable = (names, v) => Promise.all(names.map((n) => kube.mergePatch(`/api/v1/nodes/${n}`, { spec: { unschedulable: v } })));
async function setImage(w, tag) {
  const containers = w.spec.template.spec.containers.map((c) => ({ name: c.name, image: `${c.image.replace(/[:@].*$/, '')}:${tag}` }));
  return changed(w, await kube.ok('PATCH', pathOf(w), { spec: { template: { spec: { containers } } } }, 'application/strategic-merge-patch+json'));
}
function changed(w, o) { minGeneration.set(keyOf(w), o.metadata.generation); return o; }
const strategyField = (w) => (w.kind === 'DaemonSet' ? 'updateStrategy' : 'strategy');
const setStrategy = async (w, ru) => changed(w, await kube.mergePatch(pathOf(w), { spec: { [strategyField(w)]: { rollingUpdate: ru } } }));
const ownerIsDaemonSet = (pod) => (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet');

function writeMetrics(values) { writeFileSync(env.METRICS_VALUES, JSON.stringify(values, null, 1)); }
/** When fake-metrics.mjs last read each key's values for an answer (ms since the epoch). */
function servedAt() { try { return JSON.parse(readFileSync(`${env.METRICS_VALUES}.served`, 'utf8')); } catch { return {}; } }

/** Watches one rollout until complete (true), stalled (no change for stallSeconds) or timeout. */
async function watchRollout(w, rec, { stallSeconds = 15, timeout = 150 } = {}) {
  const start = Date.now();
  await sleep(300);
  for (;;) {
    if (settled(w)) return { verdict: 'complete', seconds: (Date.now() - start) / 1000 };
    if (Date.now() - rec.st.lastChange > stallSeconds * 1000) return { verdict: 'stalled', seconds: (Date.now() - start) / 1000 };
    if (Date.now() - start > timeout * 1000) return { verdict: 'timeout', seconds: timeout };
    await sleep(200);
  }
}

async function eventsOf(ns, name) {
  const list = await kube.list(`/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  return list.map((e) => `${e.reason}: ${e.message}`);
}

// ---------------------------------------------------------------------------------------------
// scenarios

async function setUp() {
  const { shape, nodes } = nodesFor(target);
  for (const n of nodes) await kube.create('/api/v1/nodes', nodeObject(n, shape.region));
  await until(60, () => [...nodesLive.values()].filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === nodes.length);
  const pools = {};
  for (const n of nodes) pools[n.pool] = (pools[n.pool] ?? 0) + 1;
  note(`nodes (seed ${shape.seed ?? '-'}): ${Object.entries(pools).map(([p, c]) => `${p} x${c}`).join(', ')}; zones: ${shape.zones.join(', ') || 'none'}`);

  // Namespaces: dist/'s as written; the others the way test/cluster creates them (restricted).
  const declared = target.docs.filter((d) => d.kind === 'Namespace');
  for (const d of declared) await kube.apply(pathOf(d), strip(d), MANAGER);
  const needed = new Set(target.docs.map((d) => d.metadata?.namespace).filter(Boolean));
  for (const ns of needed) {
    if (declared.some((d) => d.metadata.name === ns) || ns === 'default') continue;
    await kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: {
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } } }, MANAGER);
  }
  // Built-in kinds only: custom resources (ExternalSecret, SecretProviderClass, IngressRoute...)
  // have no controller here, and kwok starts containers without their secrets or volumes.
  const builtin = (d) => /^(v1|apps\/v1|policy\/v1|autoscaling\/v2|networking\.k8s\.io\/v1|batch\/v1|rbac\.authorization\.k8s\.io\/v1)$/.test(d.apiVersion);
  const skipped = [...new Set(target.docs.filter((d) => !builtin(d)).map((d) => d.kind))];
  const rest = target.docs.filter((d) => builtin(d) && d.kind !== 'Namespace');
  writeMetrics(neutralMetrics());
  for (const d of rest) await kube.apply(pathOf(d), strip(d), MANAGER);
  note(`applied ${rest.length + declared.length} objects${skipped.length ? `; not applied (no controller here): ${skipped.join(', ')}` : ''}`);
}
const strip = (d) => { const { __file, ...o } = d; return o; };

const hpas = () => target.docs.filter((d) => d.kind === 'HorizontalPodAutoscaler');
const pdbs = () => target.docs.filter((d) => d.kind === 'PodDisruptionBudget');
const hpaOf = (w) => hpas().find((h) => h.metadata.namespace === w.metadata.namespace && h.spec.scaleTargetRef.kind === w.kind && h.spec.scaleTargetRef.name === w.metadata.name);
const pdbOf = (w) => pdbs().find((p) => p.metadata.namespace === w.metadata.namespace && matches(p.spec.selector.matchLabels, w.spec.template.metadata.labels));
const servicesOf = (w) => target.docs.filter((d) => d.kind === 'Service' && d.metadata.namespace === w.metadata.namespace
  && d.spec.selector && matches(d.spec.selector, w.spec.template.metadata.labels));

/** Per-pod metric values at `factor` x each HPA's target (1: exactly at target, no scaling); one HPA's only if given. */
function metricValues(factor, only) {
  const v = {};
  for (const h of hpas().filter((x) => !only || x === only)) {
    const w = target.workloads.find((x) => x.kind === h.spec.scaleTargetRef.kind && x.metadata.name === h.spec.scaleTargetRef.name && x.metadata.namespace === h.metadata.namespace);
    if (!w) continue;
    const key = `${h.metadata.namespace}/${w.spec.template.metadata.labels['app.kubernetes.io/name']}`;
    v[key] = v[key] ?? {};
    for (const m of h.spec.metrics ?? []) {
      if (m.type === 'Resource') {
        const c = w.spec.template.spec.containers[0];
        const t = m.resource.target;
        if (m.resource.name === 'cpu') {
          const req = Number(String(c.resources.requests.cpu).replace(/m$/, '')) * (String(c.resources.requests.cpu).endsWith('m') ? 1 : 1000);
          const milli = t.type === 'Utilization' ? (req * t.averageUtilization) / 100 : Number(String(t.averageValue).replace(/m$/, ''));
          v[key].cpu = `${Math.round(milli * factor)}m`;
        }
      } else if (m.type === 'Pods') {
        v[key][m.pods.metric.name] = String(Number(m.pods.target.averageValue) * factor);
      } else if (m.type === 'External') {
        v[`external:${h.metadata.namespace}/${m.external.metric.name}`] = String(Number(m.external.target.value ?? m.external.target.averageValue) * factor);
      }
    }
  }
  return v;
}
const neutralMetrics = () => metricValues(1);

function replicasPromised(w) {
  if (w.kind === 'DaemonSet') {
    return [...nodesLive.values()].filter((n) => admits(n, w.spec.template.spec)).length;
  }
  const h = hpaOf(w);
  return h ? Math.max(h.spec.minReplicas ?? 1, w.spec.replicas ?? 1) : w.spec.replicas ?? 1;
}

async function scenarioSchedule() {
  const ok = await waitSettled(target.workloads, 150);
  if (!ok) for (const w of target.workloads) if (!settled(w)) note(`not settled: ${short(w)} ${JSON.stringify(live(w)?.status ?? {})}`);
  note(`all workloads settled after ${secs()}s`);
  for (const w of target.workloads) {
    const want = replicasPromised(w);
    const ps = podsOf(w);
    const unbound = ps.filter(({ pod }) => !pod.spec.nodeName).map(({ pod }) => pod.metadata.name);
    check(`${short(w)} schedules`, settled(w) && ps.length === want && unbound.length === 0,
      `${liveReady(w).length} of ${want} pods bound and Ready${unbound.length ? `; Pending: ${unbound.join(', ')}` : ''}`);
  }
  // Dedicated nodes: a workload with a nodeSelector only on nodes matching it; nothing else there.
  const dedicated = target.workloads.filter((w) => Object.keys(w.spec.template.spec.nodeSelector ?? {}).length);
  for (const w of dedicated) {
    const sel = w.spec.template.spec.nodeSelector;
    const on = podsOf(w).map(({ pod }) => pod.spec.nodeName);
    const wrong = on.filter((n) => !matches(sel, nodesLive.get(n)?.metadata.labels));
    check(`${short(w)} only on its dedicated nodes (${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')})`, on.length > 0 && wrong.length === 0,
      `on ${[...new Set(on)].sort().join(', ')}${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}`);
    const poolNodes = [...nodesLive.values()].filter((n) => matches(sel, n.metadata.labels)).map((n) => n.metadata.name);
    const intruders = [...pods.values()].filter(({ pod }) => poolNodes.includes(pod.spec.nodeName)
      && !(pod.metadata.namespace === w.metadata.namespace && matches(w.spec.selector.matchLabels, pod.metadata.labels)));
    check(`nothing but ${short(w)} on its dedicated nodes`, intruders.length === 0,
      intruders.length ? intruders.map(({ pod }) => `${pod.metadata.namespace}/${pod.metadata.name}@${pod.spec.nodeName}`).join(', ') : `${poolNodes.length} nodes, no other pod`);
  }
  for (const w of target.workloads) await spreadCheck(w, 'after scheduling');
}

/**
 * Max skew per topology key over the nodes the pod may use, against each constraint's maxSkew.
 * `strict` false (after a drain or zone loss, for ScheduleAnyway): the scheduler only prefers the
 * spread and nothing rebalances later, so the skew is measured and printed, not promised.
 */
async function spreadCheck(w, when, strict = true) {
  const nodeList = await kube.list('/api/v1/nodes');
  for (const c of w.spec.template.spec.topologySpreadConstraints ?? []) {
    const eligible = nodeList.filter((n) => admits(n, w.spec.template.spec) && !n.spec.unschedulable);
    const domains = [...new Set(eligible.map((n) => n.metadata.labels?.[c.topologyKey]).filter(Boolean))];
    if (domains.length < 2) { note(`${short(w)} spread over ${c.topologyKey}: ${domains.length} domain(s) here, nothing to spread`); continue; }
    const byName = new Map(nodeList.map((n) => [n.metadata.name, n]));
    const placed = liveReady(w).map(({ pod }) => byName.get(pod.spec.nodeName)?.metadata.labels?.[c.topologyKey]).filter(Boolean);
    const s = skew(placed, domains);
    if (!strict && c.whenUnsatisfiable === 'ScheduleAnyway') {
      note(`${short(w)} spread ${c.topologyKey} ${when} (ScheduleAnyway, not rebalanced): skew ${s.skew}: ${Object.entries(s.counts).map(([d, n]) => `${d}=${n}`).join(' ')}`);
      continue;
    }
    check(`${short(w)} spread ${c.topologyKey} ${when}: skew <= ${c.maxSkew} (${c.whenUnsatisfiable})`, s.skew <= c.maxSkew,
      `skew ${s.skew}: ${Object.entries(s.counts).map(([d, n]) => `${d}=${n}`).join(' ')}`);
  }
}

/**
 * The negative control of the rollout check: a copy of a Deployment (same template, its own
 * namespace) rolled out with maxSurge 0 / maxUnavailable 1 must be seen dropping Ready and
 * available below its replicas. Stops at the first drop, so it costs seconds, not a rollout.
 */
const NEG_NS = 'rollout-negative-control';
async function negativeControlDeployment(w) {
  const n = desiredOf(w);
  await kube.apply(`/api/v1/namespaces/${NEG_NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NEG_NS, labels: {
    'pod-security.kubernetes.io/enforce': 'restricted' } } }, MANAGER);
  const copy = strip(w);
  copy.metadata = { ...copy.metadata, namespace: NEG_NS };
  copy.spec = { ...copy.spec, replicas: n };
  await kube.apply(pathOf(copy), copy, MANAGER);
  const up = await waitSettled([copy], 90);
  await setStrategy(copy, { maxSurge: 0, maxUnavailable: 1 });
  const rec = recorder(copy);
  await setImage(copy, 'negative-control');
  await until(20, () => rec.st.minReady < n && rec.st.minAvailable < n, 100);
  rec.stop();
  check(`${short(w)} negative control: a copy with maxUnavailable 1 is seen dropping below ${n} Ready and available`,
    !!up && rec.st.minReady < n && rec.st.minAvailable < n, `min Ready ${rec.st.minReady}, available ${rec.st.minAvailable} of ${n}`);
  await kube.delete(`/api/v1/namespaces/${NEG_NS}`);
}

/** The image rollout as shipped: complete, Ready and available never below the promise, surge within it. */
async function rolloutAsShipped(w, tag = 'rollout-test') {
  const n = desiredOf(w);
  const p = rolloutPromise(w, n);
  const rec = recorder(w);
  await setImage(w, tag);
  const r = await watchRollout(w, rec, { timeout: 30 + n * (p.minReadySeconds + 5) * 2 });
  rec.stop();
  const s = rec.st;
  const what = `${short(w)} image rollout (maxSurge ${p.surge}, maxUnavailable ${p.unavailable}, ${n} ${w.kind === 'DaemonSet' ? 'nodes' : 'replicas'})`;
  check(`${what} completes`, r.verdict === 'complete', `${r.verdict} in ${r.seconds.toFixed(1)}s`);
  check(`${what}: Ready never below ${p.minReady}`, s.minReady >= p.minReady, `min ${s.minReady}`);
  check(`${what}: available (minReadySeconds ${p.minReadySeconds}) never below ${p.minReady}`, s.minAvailable >= p.minReady && s.minStatusAvailable >= p.minReady,
    `min ${s.minAvailable} counted here, ${s.minStatusAvailable} in .status`);
  check(`${what}: never more than ${p.maxPods} pods`, s.maxLive <= p.maxPods, `max ${s.maxLive} not terminating`);
  // Each new pod must be available before the next old one goes: the rollout takes at least
  // minReadySeconds per step (steps = n / max(1, surge + unavailable)).
  const steps = Math.ceil(n / Math.max(1, p.surge + p.unavailable));
  if (p.minReadySeconds > 0 && r.verdict === 'complete') {
    check(`${what}: minReadySeconds counted (>= ${steps} x ${p.minReadySeconds}s)`, r.seconds >= steps * p.minReadySeconds - 1, `${r.seconds.toFixed(1)}s`);
  }
  if (hostPortsOf(w.spec.template.spec).length) check(`${what}: host ports never double-booked on a node`, !s.portClash, s.portClash ?? `at most ${s.maxPodsPerNode} pod per node`);
  return r;
}

/** MediaServer shape (host ports): maxSurge 1 must stall (negative control), then maxSurge 0 completes. */
async function hostPortSurgeControl(w) {
  const ports = hostPortsOf(w.spec.template.spec);
  await setStrategy(w, { maxSurge: 1, maxUnavailable: 0 });
  const rec = recorder(w);
  await setImage(w, 'surge-1');
  const r = await watchRollout(w, rec, { stallSeconds: 10, timeout: 60 });
  const pending = podsOf(w).filter(({ pod }) => !pod.spec.nodeName).map(({ pod }) => pod.metadata.name);
  const evs = pending.length ? await eventsOf(w.metadata.namespace, pending[0]) : [];
  const why = evs.filter((e) => e.startsWith('FailedScheduling')).at(-1) ?? '';
  check(`${short(w)} negative control: maxSurge 1 with host ports ${ports.join(',')} stalls`, r.verdict === 'stalled' && pending.length === 1 && /free ports/.test(why),
    `${r.verdict} after ${r.seconds.toFixed(1)}s, Pending: ${pending.join(',') || 'none'}; ${why.slice(0, 160)}`);
  const ru = w.spec.updateStrategy?.rollingUpdate ?? {};
  await setStrategy(w, { maxSurge: ru.maxSurge ?? 0, maxUnavailable: ru.maxUnavailable ?? 1 });
  const r2 = await watchRollout(w, rec, { timeout: 90 });
  rec.stop();
  check(`${short(w)} then maxSurge ${ru.maxSurge ?? 0} (as shipped) completes the stalled rollout`, r2.verdict === 'complete', `${r2.verdict} in ${r2.seconds.toFixed(1)}s`);
  check(`${short(w)} host ports never double-booked on a node (stall and recovery)`, !rec.st.portClash, rec.st.portClash ?? `at most ${rec.st.maxPodsPerNode} pod per node`);
}

/** Evictions against every PDB with no spare capacity: exactly the budget, then 429 until capacity returns. */
async function scenarioPdbBlockedDrain() {
  const ws = target.workloads.filter((w) => w.kind === 'Deployment' && pdbOf(w));
  if (!ws.length) return;
  const all = [...nodesLive.keys()];
  await setUnschedulable(all, true);
  const refused = [];
  await Promise.all(ws.map(async (w) => {
    const n = desiredOf(w);
    const pdb = pdbOf(w);
    const budget = n - pdbMinHealthy(pdb, n);
    const live = await kube.get(pathOf(pdb));
    check(`${short(w)} PDB ${pdb.metadata.name} allows ${budget} of ${n} (${pdb.spec.minAvailable !== undefined ? `minAvailable ${pdb.spec.minAvailable}` : `maxUnavailable ${pdb.spec.maxUnavailable}`})`,
      live.status?.disruptionsAllowed === budget, `status.disruptionsAllowed ${live.status?.disruptionsAllowed}, expected pods ${live.status?.expectedPods}`);
    const codes = [];
    const evicted = new Set();
    for (let i = 0; i <= budget; i++) {
      const pod = liveReady(w).map((p) => p.pod).find((p) => !evicted.has(p.metadata.name));
      if (!pod) break;
      evicted.add(pod.metadata.name);
      codes.push(await evict(pod));
      // The eviction API updates the PDB's status itself; wait for its answer to be visible.
      await sleep(200);
    }
    const expect = [...Array(budget).fill(201), 429];
    check(`${short(w)} drain with no spare capacity: ${budget} eviction(s) allowed, the next refused (429)`, JSON.stringify(codes) === JSON.stringify(expect), `answers ${codes.join(', ')}`);
    // Negative control: the 429 is the PDB's doing. With the budget opened (a copy of the PDB with
    // maxUnavailable 100%), the same eviction, with the same missing capacity, is allowed.
    if (w === ws[0]) {
      await kube.mergePatch(pathOf(pdb), { spec: { minAvailable: null, maxUnavailable: '100%' } });
      const pod = liveReady(w).map((p) => p.pod).find((p) => p.metadata.name === [...evicted].at(-1)); // the refused one
      const code = pod ? await until(10, async () => { const c = await evict(pod); return c === 429 ? null : c; }, 300) : null;
      check(`${short(w)} negative control: with the PDB opened to maxUnavailable 100%, the next eviction is allowed (201)`, code === 201, `answer ${code}`);
      await kube.mergePatch(pathOf(pdb), { spec: { minAvailable: pdb.spec.minAvailable ?? null, maxUnavailable: pdb.spec.maxUnavailable ?? null } });
    }
    refused.push(w);
  }));
  const t = Date.now();
  await setUnschedulable(all, false);
  await Promise.all(refused.map(async (w) => {
    let n429 = 0;
    const done = await until(60, async () => {
      const pod = liveReady(w).find(({ pod: p }) => p.spec.nodeName)?.pod;
      if (!pod) return false;
      const code = await evict(pod);
      if (code === 429) n429++;
      return code === 201;
    }, 500);
    check(`${short(w)} ... and the refused eviction succeeds once capacity returns`, !!done, `${done ? 'allowed' : 'still refused'} ${((Date.now() - t) / 1000).toFixed(1)}s after uncordon (${n429} more 429s)`);
  }));
  const ok = await waitSettled(target.workloads, 90);
  check('all workloads back to full availability after the PDB-blocked drain', !!ok);
}

/** Drain of one zone (cordon every node in it, evict with retries as kubectl drain does). */
async function scenarioZoneLoss() {
  const zones = [...new Set([...nodesLive.values()].map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']).filter(Boolean))].sort();
  if (zones.length < 2) { note('zone loss: this cluster has no zones (nodes carry no topology.kubernetes.io/zone)'); return; }
  const ws = target.workloads.filter((w) => w.kind === 'Deployment');
  // The zone holding the most replicas: the worst zone to lose.
  const nodesIn = (z) => [...nodesLive.values()].filter((n) => n.metadata.labels['topology.kubernetes.io/zone'] === z).map((n) => n.metadata.name);
  const load = (z) => ws.reduce((a, w) => a + liveReady(w).filter(({ pod }) => nodesIn(z).includes(pod.spec.nodeName)).length, 0);
  const zone = [...zones].sort((a, b) => load(b) - load(a) || (a < b ? -1 : 1))[0];
  const zoneNodes = nodesIn(zone);
  const before = new Map(ws.map((w) => [keyOf(w), { n: desiredOf(w), out: liveReady(w).filter(({ pod }) => !zoneNodes.includes(pod.spec.nodeName)).length }]));
  for (const w of ws) {
    // What zone spread promises: with skew <= maxSkew over Z zones, one zone holds at most ceil(n/Z) + maxSkew - 1.
    const c = (w.spec.template.spec.topologySpreadConstraints ?? []).find((x) => x.topologyKey === 'topology.kubernetes.io/zone');
    if (!c) continue;
    const { n, out } = before.get(keyOf(w));
    const promised = n - (Math.ceil(n / zones.length) + c.maxSkew - 1);
    check(`${short(w)} zone ${zone} lost: at least ${promised} of ${n} replicas outside it (zone spread)`, out >= promised, `${out} outside`);
  }
  const recs = new Map(ws.map((w) => [keyOf(w), recorder(w)]));
  await setUnschedulable(zoneNodes, true);
  const t = Date.now();
  const victims = [...pods.values()].map((p) => p.pod).filter((p) => zoneNodes.includes(p.spec.nodeName) && !ownerIsDaemonSet(p) && !p.metadata.deletionTimestamp);
  let n429 = 0;
  const results = await Promise.all(victims.map((pod) => until(120, async () => {
    const code = await evict(pod);
    if (code === 429) n429++;
    return code === 201 || code === 404;
  }, 1000)));
  const drained = results.every(Boolean);
  await until(30, () => victims.every((v) => !pods.has(v.metadata.uid)));
  check(`drain of zone ${zone} (${zoneNodes.length} nodes, ${victims.length} pods) completes`, drained, `${((Date.now() - t) / 1000).toFixed(1)}s, ${n429} evictions refused (429) on the way`);
  const ok = await waitSettled(ws, 90);
  for (const w of ws) {
    const r = recs.get(keyOf(w));
    r.stop();
    const pdb = pdbOf(w);
    const { n } = before.get(keyOf(w));
    const floor = pdb ? pdbMinHealthy(pdb, n) : 0;
    if (pdb) check(`${short(w)} during the zone ${zone} drain: Ready never below the PDB's ${floor}`, r.st.minReady >= floor, `min ${r.st.minReady} of ${n}`);
    const inZone = liveReady(w).filter(({ pod }) => zoneNodes.includes(pod.spec.nodeName)).length;
    check(`${short(w)} after the zone ${zone} drain: ${n} Ready in the other zones`, !!ok && settled(w) && inZone === 0, `${liveReady(w).length - inZone} Ready outside ${zone}`);
    await spreadCheck(w, `after losing ${zone}`, false);
  }
  await setUnschedulable(zoneNodes, false);
}

/** HPA as shipped: the first scale-up step is what the policies allow, after the stabilization window. */
async function scenarioHpa(h) {
  const w = target.workloads.find((x) => x.kind === h.spec.scaleTargetRef.kind && x.metadata.name === h.spec.scaleTargetRef.name && x.metadata.namespace === h.metadata.namespace);
  if (!w) return;
  const name = `hpa/${h.metadata.namespace}/${h.metadata.name}`;
  const active = await until(40, async () => (await kube.get(pathOf(h))).status?.conditions?.find((c) => c.type === 'ScalingActive')?.status === 'True');
  check(`${name} reads its metrics from the fake metrics API (ScalingActive)`, !!active);
  const up = h.spec.behavior?.scaleUp;
  const wUp = up?.stabilizationWindowSeconds ?? 0;
  // The scale-up policies count the HPA's own scale-ups of their last periodSeconds; its first one
  // (to minReplicas, right after the objects are applied) must be out of the longest period by the
  // time the step can come (the window, less one sync), or the step is not the one from `cur`. In
  // a cluster that ran the other scenarios first this has long passed; on the hpa part's fresh one
  // it is waited for. lastScaleTime has whole seconds: +1 s; +1 s margin.
  const liveH = await kube.get(pathOf(h));
  const upPeriod = Math.max(0, ...(liveH.spec.behavior?.scaleUp?.policies ?? []).map((p) => p.periodSeconds));
  if (liveH.status?.lastScaleTime) {
    const quietAt = Date.parse(liveH.status.lastScaleTime) + (1 + upPeriod + 1 - Math.max(0, wUp - HPA_SYNC)) * 1000;
    if (quietAt > Date.now()) {
      note(`${name} last scaled at ${liveH.status.lastScaleTime} (to ${liveH.status.currentReplicas}); waiting ${((quietAt - Date.now()) / 1000).toFixed(1)}s for that to leave its ${upPeriod}s scale-up policy period`);
      await sleep(quietAt - Date.now());
    }
  }
  const cur = desiredOf(w);
  const desired = Math.min(h.spec.maxReplicas, cur * 4);
  const expect = Math.min(h.spec.maxReplicas, scaleUpLimit(h.spec.behavior, cur), desired);
  const high = metricValues(4, h);
  if (wUp > 0) {
    // The window runs from the HPA's last recommendation at the old value, made at its last metrics
    // read before the change, up to one sync before it: the metric changes right after a read, so
    // that the window starts at t0 and the step is timed from there.
    const since = Date.now();
    const read = await until(3 * HPA_SYNC, () => Object.keys(high).some((k) => (servedAt()[k] ?? 0) > since), 50);
    if (!read) note(`${name}: no metrics read by the HPA seen in ${3 * HPA_SYNC}s; the window is timed from now`);
  }
  const t0 = Date.now();
  currentMetrics = { ...currentMetrics, ...high };
  writeMetrics(currentMetrics);
  const first = await until(wUp + 3 * HPA_SYNC + 25, () => (desiredOf(w) !== cur ? { n: desiredOf(w), t: (Date.now() - t0) / 1000 } : null), 100);
  check(`${name} scale-up at 4x target: ${cur} -> ${expect} in one step (policies ${(up?.policies ?? []).map((p) => `${p.value}${p.type === 'Percent' ? '%' : ' pods'}/${p.periodSeconds}s`).join(', ')}, select ${up?.selectPolicy ?? 'Max'})`,
    first?.n === expect, first ? `${first.n} after ${first.t.toFixed(1)}s` : 'no scale-up');
  if (first) {
    check(`${name} scale-up waits its ${wUp}s stabilization window, no longer than ${wUp}s + 2 syncs`, first.t >= wUp - 1 && first.t <= wUp + 2 * HPA_SYNC + 5, `${first.t.toFixed(1)}s (sync ${HPA_SYNC}s)`);
    if (expect < desired) {
      const lim = await until(3 * HPA_SYNC, async () => (await kube.get(pathOf(h))).status?.conditions?.find((c) => c.type === 'ScalingLimited' && c.status === 'True'));
      check(`${name} the step is capped by the scale-up policy, not the metric (ScalingLimited ScaleUpLimit)`,
        lim?.reason === 'ScaleUpLimit' && desiredOf(w) === expect, `${lim?.reason ?? 'no ScalingLimited'}: ${lim?.message ?? ''}; now ${desiredOf(w)}`);
    }
  }
  // Scale-down: as shipped the HPA holds (ScaleDownStabilized) ...
  const top = desiredOf(w);
  const low = metricValues(0.1, h);
  const tDrop = Date.now();
  currentMetrics = { ...currentMetrics, ...low };
  writeMetrics(currentMetrics);
  const down = h.spec.behavior?.scaleDown;
  const wDown = down?.stabilizationWindowSeconds ?? 300;
  const stab = await until(3 * HPA_SYNC + 5, async () => (await kube.get(pathOf(h))).status?.conditions?.find((c) => c.type === 'AbleToScale' && c.reason === 'ScaleDownStabilized'));
  check(`${name} metric at 0.1x target: holds ${top} replicas (ScaleDownStabilized, window ${wDown}s as shipped)`, !!stab && desiredOf(w) === top, `now ${desiredOf(w)}`);
  // ... and a copy with every behaviour duration divided by HPA_TIME_SCALE shows the window and step.
  const variant = timeScaledHpa(strip(h), HPA_TIME_SCALE);
  const diffs = diffPaths(strip(h), variant);
  const onlyDurations = diffs.every((d) => /^spec\.behavior\.scale(Up|Down)\.(stabilizationWindowSeconds|policies\.\d+\.periodSeconds)$/.test(d));
  check(`${name} time-scaled copy (1/${HPA_TIME_SCALE}) differs from dist/ only in behaviour durations`, onlyDurations && diffs.length > 0, diffs.join(', '));
  await kube.apply(pathOf(h), variant, MANAGER);
  const wD = variant.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300;
  const lim = Math.max(h.spec.minReplicas ?? 1, scaleDownLimit(variant.spec.behavior, top));
  const dn = await until(wD + 3 * HPA_SYNC + 20, () => (desiredOf(w) !== top ? { n: desiredOf(w), t: (Date.now() - tDrop) / 1000 } : null), 100);
  check(`${name} (1/${HPA_TIME_SCALE} time) scale-down after its ${wD}s window, then at most to ${lim} in one step`,
    !!dn && dn.t >= wD - HPA_SYNC - 1 && dn.t <= wD + 2 * HPA_SYNC + 5 && dn.n >= lim && dn.n < top, dn ? `${top} -> ${dn.n} after ${dn.t.toFixed(1)}s` : 'no scale-down');
  await kube.apply(pathOf(h), strip(h), MANAGER);
}
let currentMetrics = {};

/** Grace period: a deleted pod is not-ready at once, and stays until terminationGracePeriodSeconds. */
async function scenarioGrace(w) {
  const grace = w.spec.template.spec.terminationGracePeriodSeconds ?? 30;
  const victim = liveReady(w)[0]?.pod;
  if (!victim) return;
  await kube.mergePatch(podPath(victim), { metadata: { annotations: { 'rollout.cdk8s-realtime.test/honour-grace': 'true' } } });
  const t0 = Date.now();
  await kube.delete(podPath(victim));
  const got = await kube.get(podPath(victim)).catch(() => null);
  const dgs = got?.metadata?.deletionGracePeriodSeconds;
  const deadline = got ? (Date.parse(got.metadata.deletionTimestamp) - t0) / 1000 : NaN;
  check(`${short(w)} delete: the API server grants terminationGracePeriodSeconds ${grace}`, dgs === grace && Math.abs(deadline - grace) <= 2,
    `deletionGracePeriodSeconds ${dgs}, deletionTimestamp +${deadline.toFixed(1)}s`);
  if (servicesOf(w).length) {
    const ep = await until(10, async () => {
      const slices = await kube.list(`/apis/discovery.k8s.io/v1/namespaces/${w.metadata.namespace}/endpointslices`);
      const e = slices.flatMap((s) => s.endpoints ?? []).find((x) => x.targetRef?.name === victim.metadata.name);
      return e && e.conditions?.ready === false && e.conditions?.terminating === true ? e : null;
    }, 250);
    check(`${short(w)} the terminating pod's endpoint is not ready (ready=false, terminating=true) at once`, !!ep, ep ? `after ${((Date.now() - t0) / 1000).toFixed(1)}s` : 'not seen in 10 s');
  }
  const hold = Math.min(grace - 2, 5);
  await sleep(Math.max(0, t0 + hold * 1000 - Date.now()));
  const still = await kube.request('GET', podPath(victim));
  check(`${short(w)} the terminating pod is still there ${hold}s later (grace ${grace}s)`, still.status === 200, `HTTP ${still.status}`);
  if (grace <= GRACE_WAIT_MAX) {
    const gone = await until(grace + 5, async () => (await kube.request('GET', podPath(victim))).status === 404, 200);
    const at = (Date.now() - t0) / 1000;
    check(`${short(w)} ... and removed at its grace deadline`, !!gone && at >= grace - 1 && at <= grace + 3, `${at.toFixed(1)}s`);
  } else {
    await kube.request('DELETE', `${podPath(victim)}?gracePeriodSeconds=0`);
  }
}

// ---------------------------------------------------------------------------------------------

/** Runs one phase and notes how long it took (the per-target log shows where a run's time goes). */
async function phase(name, fn) {
  const t = Date.now();
  const r = await fn();
  note(`[${secs()}s] ${name}: ${((Date.now() - t) / 1000).toFixed(1)}s`);
  return r;
}

async function main() {
  if (!target.workloads.length) {
    note('no Deployment, DaemonSet or StatefulSet here: nothing to schedule or roll out');
    return;
  }
  await phase('watches', () => watchAll());
  await phase('nodes and objects', () => setUp());
  currentMetrics = neutralMetrics();
  if (PART === 'hpa') {
    // The scheduling checks are the main part's; here the HPAs start from the same settled state.
    const ok = await phase('settle', () => waitSettled(target.workloads, 150));
    if (!ok) check('hpa part: every workload settled before the HPA scenarios', false, target.workloads.filter((w) => !settled(w)).map(short).join(', '));
    else note(`hpa part: every workload settled; the other scenarios run on the main part's cluster`);
  } else {
    await mainScenarios();
    if (PART === 'main' && hpas().length) note(`main part: the ${hpas().length} HPA scenario(s) run on the hpa part's cluster`);
  }
  if (PART !== 'main') await phase('HPAs', () => Promise.all(hpas().map((h) => phase(`hpa/${h.metadata.namespace}/${h.metadata.name}`, () => scenarioHpa(h)))));
  note(`done in ${secs()}s`);
}

async function mainScenarios() {
  await phase('schedule', () => scenarioSchedule());
  // Rollouts, each workload on its own (they do not share nodes' capacity in a way that matters).
  const firstMulti = target.workloads.find((w) => w.kind === 'Deployment' && desiredOf(w) >= 2);
  await phase('rollouts, grace periods', () => Promise.all([firstMulti ? phase('negative control (rollout)', () => negativeControlDeployment(firstMulti)) : null, ...target.workloads.map(async (w) => {
    if (w.kind === 'StatefulSet') { note(`${short(w)}: StatefulSet rollouts are not simulated yet`); return; }
    await phase(`${short(w)} rollout`, () => rolloutAsShipped(w));
    if (w.kind === 'DaemonSet' && hostPortsOf(w.spec.template.spec).length) { await waitSettled([w], 60); await phase(`${short(w)} host-port surge control`, () => hostPortSurgeControl(w)); }
    await waitSettled([w], 60);
    await spreadCheck(w, 'after the rollout');
    if (w.kind === 'Deployment') { await phase(`${short(w)} grace`, () => scenarioGrace(w)); await phase(`${short(w)} settle after grace`, () => waitSettled([w], 60)); }
  })]));
  await phase('settle', () => waitSettled(target.workloads, 60));
  // Zone loss first, while the placement is fresh from the rollouts; then the PDB-blocked drain.
  await phase('zone loss', () => scenarioZoneLoss());
  await phase('settle', () => waitSettled(target.workloads, 60));
  await phase('PDB-blocked drain', () => scenarioPdbBlockedDrain());
  await phase('settle', () => waitSettled(target.workloads, 60));
}

main().catch((e) => { check('harness error', false, e.stack); }).finally(() => {
  kube.close();
  console.log(`${LABEL}: ${passed} checks passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
