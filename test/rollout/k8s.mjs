// A small Kubernetes API client for the rollout harness: JSON over HTTPS with the harness's admin
// client certificate, and watches as async streams of events (no polling, so no transition between
// two reads is missed). Plain JavaScript, node built-ins only.
import https from 'node:https';
import { readFileSync } from 'node:fs';

export class Kube {
  /** @param {string} server https://127.0.0.1:PORT  @param {string} pki dir with ca.crt, admin.crt, admin.key */
  constructor(server, pki) {
    const u = new URL(server);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.tls = { ca: readFileSync(`${pki}/ca.crt`), cert: readFileSync(`${pki}/admin.crt`), key: readFileSync(`${pki}/admin.key`) };
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...this.tls });
    this.watches = new Set();
  }

  /** Resolves {status, body}; never rejects on an HTTP status, only on a transport error. */
  request(method, path, body, contentType = 'application/json') {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request({ host: this.host, port: this.port, method, path, agent: this.agent,
        headers: { Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}) } }, (res) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (s += d));
        res.on('end', () => {
          let parsed = s;
          try { parsed = s ? JSON.parse(s) : {}; } catch { /* keep the text */ }
          resolve({ status: res.statusCode, body: parsed });
        });
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  async ok(method, path, body, contentType) {
    const r = await this.request(method, path, body, contentType);
    if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body?.message ?? JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  get(path) { return this.ok('GET', path); }
  list(path, selector) { return this.ok('GET', selector ? `${path}?labelSelector=${encodeURIComponent(selector)}` : path).then((l) => l.items); }
  create(path, obj) { return this.ok('POST', path, obj); }
  mergePatch(path, patch) { return this.ok('PATCH', path, patch, 'application/merge-patch+json'); }
  /** Server-side apply of one object as `manager` (force: the harness owns its variants). */
  apply(path, obj, manager = 'cdk8s-realtime-rollout') {
    return this.ok('PATCH', `${path}?fieldManager=${manager}&force=true`, obj, 'application/apply-patch+yaml');
  }
  delete(path) { return this.request('DELETE', path); }

  /**
   * watch(path, selector, onEvent): list, then watch from the list's resourceVersion; calls
   * onEvent({type, object}) for every item of the list (as ADDED) and every change. Returns a
   * handle with stop(). Reconnects when the server ends the stream.
   */
  watch(path, selector, onEvent) {
    const handle = { stopped: false, req: null, stop: () => { handle.stopped = true; handle.req?.destroy(); this.watches.delete(handle); } };
    this.watches.add(handle);
    const q = (extra) => `${path}?${selector ? `labelSelector=${encodeURIComponent(selector)}&` : ''}${extra}`;
    const start = async () => {
      const list = await this.ok('GET', q('limit=500'));
      for (const object of list.items) onEvent({ type: 'ADDED', object });
      let rv = list.metadata.resourceVersion;
      const loop = () => {
        if (handle.stopped) return;
        handle.req = https.get({ host: this.host, port: this.port, path: q(`watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`), ...this.tls }, (res) => {
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            buf += d;
            let i;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (!line.trim()) continue;
              const ev = JSON.parse(line);
              if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
              if (ev.type === 'BOOKMARK') continue;
              if (ev.type === 'ERROR') { handle.expired = true; continue; }
              onEvent(ev);
            }
          });
          res.on('end', () => { if (!handle.stopped && !handle.expired) setTimeout(loop, 50); });
        });
        handle.req.on('error', () => { if (!handle.stopped) setTimeout(loop, 200); });
      };
      loop();
    };
    handle.ready = start();
    return handle;
  }

  close() { for (const w of [...this.watches]) w.stop(); this.agent.destroy(); }
}

/** API path of an object or of its collection. */
export function pathOf(obj, { collection = false } = {}) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const plural = PLURALS[obj.kind] ?? `${obj.kind.toLowerCase()}s`;
  const ns = obj.metadata?.namespace && !CLUSTER_SCOPED.has(obj.kind) ? `/namespaces/${obj.metadata.namespace}` : '';
  return `${base}${ns}/${plural}${collection ? '' : `/${obj.metadata.name}`}`;
}

const PLURALS = { Ingress: 'ingresses', NetworkPolicy: 'networkpolicies', PodDisruptionBudget: 'poddisruptionbudgets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers', EndpointSlice: 'endpointslices', IngressClass: 'ingressclasses' };
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'IngressClass', 'ClusterRole', 'ClusterRoleBinding', 'APIService', 'PriorityClass']);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; resolves it, or null after `seconds`. */
export async function until(seconds, fn, everyMs = 250) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(everyMs);
  }
}
