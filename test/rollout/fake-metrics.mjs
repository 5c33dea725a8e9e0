#!/usr/bin/env node
// The fake metrics API of test/rollout: what the HPA controller reads, served from a JSON file that
// each scenario rewrites (re-read on every request):
//   metrics.k8s.io/v1beta1          PodMetrics (what metrics-server serves; HPA "Resource" metrics)
//   custom.metrics.k8s.io/v1beta2   MetricValueList for pods (HPA "Pods" metrics, e.g. livekit_rooms)
//   external.metrics.k8s.io/v1beta1 ExternalMetricValueList (HPA "External" metrics, as KEDA serves)
// Values, per pod, keyed "<namespace>/<app.kubernetes.io/name>"; external ones "external:<ns>/<metric>":
//   { "suna/suna-api": { "cpu": "450m" }, "voice-agents/agent-node": { "livekit_rooms": "3" } }
// The pods are listed from the kube-apiserver, so the label selector the HPA sends is evaluated by
// the real server. Registered by sim.sh through APIService objects (Service ExternalName localhost).
// Borrowed from the measured spike in ../shared/notes/rollout-sim/, generalised to any metric name.
//
//   FAKE_METRICS_PORT=.. FAKE_METRICS_VALUES=values.json APISERVER=https://127.0.0.1:N PKI=dir node fake-metrics.mjs
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';

const env = process.env;
const PKI = env.PKI;
const tls = { key: readFileSync(`${PKI}/apiserver.key`), cert: readFileSync(`${PKI}/apiserver.crt`) };
const client = { ca: readFileSync(`${PKI}/ca.crt`), cert: readFileSync(`${PKI}/admin.crt`), key: readFileSync(`${PKI}/admin.key`) };
const API = new URL(env.APISERVER);
// metrics-server's default resolution; the HPA treats a pod as not yet ready for CPU until its
// Ready transition is older than the sample window.
const WINDOW = env.FAKE_METRICS_WINDOW || '15s';

const values = () => { try { return JSON.parse(readFileSync(env.FAKE_METRICS_VALUES, 'utf8')); } catch { return {}; } };
// When each key's values were last read for an answer (ms since the epoch), in <values file>.served:
// a scenario that times an HPA's stabilization window changes a metric right after the HPA's read,
// so the window (which runs from the HPA's last recommendation at the old value) starts then.
const served = {};
const markServed = (keys) => {
  const now = Date.now();
  for (const k of keys) served[k] = now;
  if (keys.length) writeFileSync(`${env.FAKE_METRICS_VALUES}.served`, JSON.stringify(served));
};

function listPods(ns, labelSelector) {
  const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
  return new Promise((resolve, reject) => {
    https.get({ hostname: API.hostname, port: API.port, path: `/api/v1/namespaces/${ns}/pods${q}`, ...client }, (res) => {
      let s = '';
      res.on('data', (d) => (s += d)).on('end', () => { try { resolve(JSON.parse(s).items ?? []); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

const running = (p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;
const keyOf = (p) => `${p.metadata.namespace}/${p.metadata.labels?.['app.kubernetes.io/name'] ?? ''}`;

function metricNames(v) {
  const pods = new Set();
  const external = new Set();
  for (const [k, m] of Object.entries(v)) {
    if (k.startsWith('external:')) external.add(k.split('/').pop());
    else for (const name of Object.keys(m)) if (name !== 'cpu' && name !== 'memory') pods.add(name);
  }
  return { pods: [...pods], external: [...external] };
}

function discovery(gv) {
  const names = metricNames(values());
  const r = (name, kind, namespaced = true) => ({ name, singularName: '', namespaced, kind, verbs: ['get', 'list'] });
  if (gv === 'metrics.k8s.io/v1beta1') return [r('pods', 'PodMetrics'), r('nodes', 'NodeMetrics', false)];
  if (gv === 'custom.metrics.k8s.io/v1beta2') return names.pods.map((n) => r(`pods/${n}`, 'MetricValueList'));
  return names.external.map((n) => r(n, 'ExternalMetricValueList'));
}
const GROUPS = ['metrics.k8s.io/v1beta1', 'custom.metrics.k8s.io/v1beta2', 'external.metrics.k8s.io/v1beta1'];

let requests = 0;
const send = (res, code, obj) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); };

https.createServer(tls, async (req, res) => {
  requests++;
  const u = new URL(req.url, 'https://x');
  const p = decodeURIComponent(u.pathname).replace(/\/+$/, ''); // the HPA sends pods/%2A/metric
  const sel = u.searchParams.get('labelSelector') ?? '';
  const now = new Date().toISOString();
  try {
    if (p === '/apis') {
      return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map((gv) => {
        const [group, version] = gv.split('/');
        return { name: group, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      }) });
    }
    for (const gv of GROUPS) {
      if (p === `/apis/${gv}`) return send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: discovery(gv) });
    }
    let m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(p);
    if (m) {
      const v = values();
      const pods = (await listPods(m[1], sel)).filter(running).filter((pod) => v[keyOf(pod)]?.cpu);
      markServed([...new Set(pods.map(keyOf))]);
      const items = pods.map((pod) => ({
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, labels: pod.metadata.labels, creationTimestamp: now },
        timestamp: now, window: WINDOW,
        containers: pod.spec.containers.map((c) => ({ name: c.name, usage: { cpu: v[keyOf(pod)].cpu, memory: v[keyOf(pod)].memory ?? '100Mi' } })),
      }));
      return send(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
    }
    m = /^\/apis\/custom\.metrics\.k8s\.io\/v1beta2\/namespaces\/([^/]+)\/pods\/\*\/([^/]+)$/.exec(p);
    if (m) {
      const [, ns, metric] = m;
      const v = values();
      const pods = (await listPods(ns, sel)).filter(running).filter((pod) => v[keyOf(pod)]?.[metric] !== undefined);
      markServed([...new Set(pods.map(keyOf))]);
      const items = pods.map((pod) => ({
        describedObject: { kind: 'Pod', namespace: ns, name: pod.metadata.name, apiVersion: '/v1' },
        metric: { name: metric, selector: null }, timestamp: now, windowSeconds: 15, value: String(v[keyOf(pod)][metric]),
      }));
      return send(res, 200, { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items });
    }
    m = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const [, ns, metric] = m;
      const value = values()[`external:${ns}/${metric}`];
      if (value !== undefined) markServed([`external:${ns}/${metric}`]);
      const items = value === undefined ? [] : [{ metricName: metric, metricLabels: {}, timestamp: now, value: String(value) }];
      return send(res, 200, { kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {}, items });
    }
    if (p.startsWith('/openapi')) return send(res, 404, {});
    console.error(`404 ${req.method} ${req.url}`);
    return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
  } catch (e) {
    console.error(`500 ${req.url}: ${e.message}`);
    return send(res, 500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, message: e.message });
  }
}).listen(Number(env.FAKE_METRICS_PORT), '127.0.0.1', () => console.error(`fake metrics on https://127.0.0.1:${env.FAKE_METRICS_PORT}`));
setInterval(() => { if (requests) { console.error(`${new Date().toISOString()} ${requests} requests`); requests = 0; } }, 30_000).unref();
