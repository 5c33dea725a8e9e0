import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ManagedDependency } from './managed-dependency';
import { MediaServer } from './media-server';
import { PRIVATE_RANGES } from './network-policy';
import { CONTROLLER_IDS, ControllerId, RouteIntent } from './controllers/capabilities';
import { RenderedRouteGroup, RouteProtocol } from './route';
import { AppSpec, ExtraFile, Target } from './synth/synthesizer';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** One chart of an app, as the synthesizer hands it to `AppSpec.appFiles`. */
export interface TopologyChart {
  readonly chart: Chart;
  readonly target?: Target;
}

/** Options of {@link topologyMarkdown} and {@link topologyFiles}. */
export interface TopologyOptions {
  /** Title of the document. @default - the id of the first chart (the app name without targets) */
  readonly title?: string;
  /** File name. @default 'TOPOLOGY.md' */
  readonly fileName?: string;
  /** Direction of the flowchart. @default 'LR' */
  readonly direction?: 'LR' | 'TB';
}

type Shape = 'client' | 'ingress' | 'service' | 'lb' | 'workload' | 'peer' | 'store' | 'secret' | 'note';
/** `traffic`: solid; `allow`: a NetworkPolicy allow, dotted; `alias`: an ExternalName DNS alias, dotted. */
type EdgeStyle = 'traffic' | 'allow' | 'alias';
interface Node { readonly id: string; readonly label: string[]; readonly shape: Shape; readonly external: boolean }
interface Edge { readonly from: string; readonly to: string; readonly label: string; readonly style: EdgeStyle }
interface Group { readonly title?: string; readonly id?: string; readonly nodes: Node[] }

const OPEN: Record<Shape, [string, string]> = {
  client: ['((', '))'], ingress: ['[', ']'], service: ['(', ')'], lb: ['([', '])'], workload: ['[[', ']]'], peer: ['{{', '}}'],
  store: ['[(', ')]'], secret: ['[/', '/]'], note: ['>', ']'],
};

/** Pod template annotation of the UDP port range a hostNetwork workload binds on its node (MediaServer). */
const UDP_RANGE_ANNOTATION = 'cdk8s-realtime.io/udp-port-range';
/** Workload kinds, with the prefix of their node ids. */
const WORKLOAD_KINDS: Record<string, string> = { Deployment: 'deploy', DaemonSet: 'ds', StatefulSet: 'sts' };
/** Route objects the renderers emit (Ingress, Traefik IngressRoute, Gateway API routes). */
const ROUTE_KINDS = ['Ingress', 'IngressRoute', 'HTTPRoute', 'UDPRoute', 'TCPRoute'];

/**
 * A mermaid flowchart of the charts of one app, one subgraph per cluster and env. It reads the
 * objects each chart emits (`ApiObject.toJson()`), so every construct of the library (and any
 * hand-written object of the same kinds) is drawn the same way:
 *
 * - Workloads (Deployment, DaemonSet, StatefulSet: RealtimeService, WebService, WorkerPool,
 *   MediaServer) with their replicas, "HPA min-max on <metric>" or "KEDA ScaledObject min-max".
 * - Routes (Ingress, IngressRoute, HTTPRoute, UDPRoute): clients → route (hosts on the edge; paths,
 *   timeouts and controller in the box) → Service → the workloads its selector picks; a backend
 *   Service the app does not declare is drawn dashed (owned elsewhere, e.g. behind a
 *   ManagedIngressOverlay).
 * - LoadBalancer Services (UdpLoadBalancer): clients → LoadBalancer → the workloads it selects, or
 *   a dashed "pods" box when no workload of the chart matches.
 * - Host ports (MediaServer): clients → "nodes of <workload>" with the host ports and the UDP range
 *   no Service carries → the hostNetwork workload.
 * - ExternalName Services (ManagedDependency): the Service → its external host (dashed, with the
 *   egress CIDRs); a workload whose egress allows those CIDRs uses it (solid edge to the Service).
 * - Secret sources: the store (ClusterSecretStore, Azure Key Vault; dashed) → ExternalSecret or
 *   SecretProviderClass → the workloads that load its Secret ("env from Secret x", CSI volume).
 * - NetworkPolicies: allows as dotted edges from (ingress) and to (egress) their peers; a peer that
 *   selects a workload of the chart, a dependency's CIDR or a media server's node subnet points at
 *   that node. A namespace's default-deny policy (NamespaceIsolation) is a note.
 *
 * Deterministic: nodes and edges follow the construct tree's order, node ids derive from names,
 * repeated edges are drawn once.
 */
export function topologyMermaid(charts: readonly TopologyChart[], options: Pick<TopologyOptions, 'direction'> = {}): string {
  const ids = new Set<string>();
  const uniqueId = (raw: string) => {
    const cleaned = raw.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    // Mermaid keywords cannot be node ids.
    const base = /^(end|graph|flowchart|subgraph|direction|style|class|classDef|click|linkStyle|default)$/i.test(cleaned) ? `${cleaned}_` : cleaned;
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
    ids.add(id);
    return id;
  };
  const groups: Group[] = [];
  const edges: Edge[] = [];
  for (const { chart, target } of charts) {
    const prefix = target ? `${target.cluster}_${target.env}` : '';
    const group: Group = target ? { title: `${target.cluster} / ${target.env}`, id: uniqueId(prefix), nodes: [] } : { nodes: [] };
    groups.push(group);
    walkChart(chart, prefix, group, edges, uniqueId);
  }
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const external: string[] = [];
  for (const g of groups) {
    const indent = g.title ? '    ' : '  ';
    if (g.title) lines.push(`  subgraph ${g.id}["${esc(g.title)}"]`, '    direction LR');
    const ordered = [...g.nodes.filter((n) => n.shape === 'client'), ...g.nodes.filter((n) => n.shape !== 'client')];
    for (const n of ordered) {
      const [open, close] = OPEN[n.shape];
      lines.push(`${indent}${n.id}${open}"${n.label.map(esc).join('<br/>')}"${close}`);
      if (n.external) external.push(n.id);
    }
    if (g.title) lines.push('  end');
  }
  for (const e of edges) lines.push(`  ${e.from} ${e.style === 'traffic' ? '-->' : '-.->'}${e.label ? `|"${esc(e.label)}"|` : ''} ${e.to}`);
  const ofShape = (shape: Shape) => groups.flatMap((g) => g.nodes.filter((n) => n.shape === shape).map((n) => n.id));
  const peers = ofShape('peer');
  const notes = ofShape('note');
  lines.push('  classDef external fill:#f4f4f4,stroke:#888,stroke-dasharray:5 5,color:#555');
  lines.push('  classDef allow fill:#eef6ee,stroke:#5a5');
  if (notes.length) lines.push('  classDef deny fill:#fbeeee,stroke:#b55');
  if (external.length) lines.push(`  class ${external.join(',')} external`);
  if (peers.length) lines.push(`  class ${peers.join(',')} allow`);
  if (notes.length) lines.push(`  class ${notes.join(',')} deny`);
  return `${lines.join('\n')}\n`;
}

/** A Markdown document with the app's diagram (see {@link topologyMermaid}) and a legend. */
export function topologyMarkdown(charts: readonly TopologyChart[], options: TopologyOptions = {}): string {
  const title = options.title ?? charts[0]?.chart.node.id ?? 'app';
  return [
    `# Topology of ${title}`,
    '',
    'Drawn from the objects of the construct tree by `topologyFiles` (cdk8s-realtime), one subgraph',
    'per cluster and env. Solid arrows carry traffic: clients to routes, load balancers and node host',
    'ports; Services to their pods; workloads to the Services and managed dependencies they use;',
    'secret stores to ExternalSecrets and SecretProviderClasses, and those to the workloads that load',
    'them. Dotted arrows are NetworkPolicy allows ("allow ...", from a peer into the pods, or from the',
    'pods out to a peer) and ExternalName DNS aliases. Dashed boxes are owned outside this app',
    '(another team\'s Service, pods selected by label that no workload of the app declares, managed',
    'databases and caches, secret stores).',
    '',
    '```mermaid',
    topologyMermaid(charts, options).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/**
 * An `AppSpec.appFiles` hook that writes `dist/<app>/TOPOLOGY.md` (header as an HTML comment,
 * so the file stays valid Markdown; kubectl and Argo CD read `*.yaml` only).
 */
export function topologyFiles(options: TopologyOptions = {}): (charts: Array<{ chart: Chart; target?: Target }>) => ExtraFile[] {
  return (charts) => [{ name: options.fileName ?? 'TOPOLOGY.md', content: topologyMarkdown(charts, options), commentPrefix: '<!--' }];
}

interface Emitted { readonly obj: ApiObject; readonly json: Obj }
interface Workload { readonly obj: ApiObject; readonly json: Obj; readonly name: string; readonly namespace: string; readonly labels: Obj; readonly pod: Obj; readonly node: Node }
interface Dependency { readonly svc: Node; readonly cidrs: string[]; readonly ports: number[] }

function walkChart(chart: Chart, prefix: string, group: Group, edges: Edge[], uniqueId: (raw: string) => string): void {
  const nodes = new Map<string, Node>();
  // `key` identifies a node within the chart (namespace included); `short` names its mermaid id.
  const node = (key: string, shape: Shape, label: string[], external = false, short = key): Node => {
    let n = nodes.get(key);
    if (!n) {
      n = { id: uniqueId(prefix ? `${prefix}_${short}` : short), label, shape, external };
      nodes.set(key, n);
      group.nodes.push(n);
    }
    return n;
  };
  const drawn = new Set<string>();
  const edge = (from: Node, to: Node, label: string, style: EdgeStyle = 'traffic') => {
    const key = `${from.id} ${to.id} ${style} ${label}`;
    if (drawn.has(key)) return;
    drawn.add(key);
    edges.push({ from: from.id, to: to.id, label, style });
  };
  const clients = () => node('clients', 'client', ['clients']);

  const objects: Emitted[] = chart.node.findAll()
    .filter((c: IConstruct): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((obj) => ({ obj, json: obj.toJson() as Obj }));
  const ofKind = (...kinds: string[]) => objects.filter((o) => kinds.includes(o.json.kind));
  const nsOf = (json: Obj): string => json.metadata?.namespace ?? chart.namespace ?? 'default';

  // ---- workloads ----
  const workloads: Workload[] = [];
  for (const { obj, json } of ofKind(...Object.keys(WORKLOAD_KINDS))) {
    const name: string = json.metadata.name;
    const namespace = nsOf(json);
    const pod: Obj = json.spec?.template?.spec ?? {};
    const label = [`${json.kind} ${name}`, scaling(objects, json, namespace, nsOf), ...(pod.hostNetwork ? ['hostNetwork'] : [])];
    const n = node(`workload/${json.kind}/${namespace}/${name}`, 'workload', label, false, `${WORKLOAD_KINDS[json.kind]}_${name}`);
    workloads.push({ obj, json, name, namespace, labels: json.spec?.template?.metadata?.labels ?? {}, pod, node: n });
  }
  const selected = (namespace: string, selector: Obj | undefined) => workloads.filter((w) => w.namespace === namespace && selects(selector, w.labels));
  /** The workloads a selector picks, or a dashed box for pods no workload of the chart declares. */
  const podsOf = (namespace: string, selector: Obj | undefined): Node[] => {
    if (!selector || Object.keys(selector).length === 0) return [];
    const match = selected(namespace, selector);
    if (match.length) return match.map((w) => w.node);
    const text = labelText(selector);
    return [node(`pods/${namespace}/${text}`, 'workload', ['pods', text, 'not declared in this app'], true, `pods_${Object.values(selector).join('_')}`)];
  };

  // ---- Services (LoadBalancers are drawn after the routes) ----
  const services = new Map<string, Node>(); // namespace/name -> Service node
  const dependencies: Dependency[] = [];
  const byCidr = new Map<string, Node>(); // an egress CIDR -> the node it reaches
  for (const { obj, json } of ofKind('Service')) {
    const spec: Obj = json.spec ?? {};
    const namespace = nsOf(json);
    const name: string = json.metadata.name;
    if (spec.type === 'LoadBalancer') continue;
    if (spec.type === 'ExternalName') {
      const owner = obj.node.scope;
      const cidrs = owner instanceof ManagedDependency ? owner.cidrs : [];
      const svc = node(`service/${namespace}/${name}`, 'service', [`Service ${name}`, `ExternalName, ${ports(spec.ports ?? [])}`], false, `svc_${name}`);
      services.set(`${namespace}/${name}`, svc);
      const host = node(`host/${spec.externalName}`, 'store', [spec.externalName, ...(cidrs.length ? [cidrs.join(', ')] : [])], true, `host_${spec.externalName}`);
      edge(svc, host, 'ExternalName (DNS alias)', 'alias');
      for (const c of cidrs) if (!byCidr.has(c)) byCidr.set(c, host);
      dependencies.push({ svc, cidrs, ports: (spec.ports ?? []).map((p: Obj) => p.port) });
      continue;
    }
    const svc = node(`service/${namespace}/${name}`, 'service', [`Service ${name}`, ports(spec.ports ?? [])], false, `svc_${name}`);
    services.set(`${namespace}/${name}`, svc);
    for (const to of podsOf(namespace, spec.selector)) edge(svc, to, '');
  }

  // ---- routes ----
  const groups = routeGroups(chart);
  for (const { obj, json } of ofKind(...ROUTE_KINDS)) {
    const g = groups.get(obj);
    const namespace = nsOf(json);
    const r = routeObject(json);
    const detail = g ? [...g.routes.map((x) => x.path), timeoutText(g)] : r.paths;
    const ing = node(`route/${json.kind}/${namespace}/${json.metadata.name}`, 'ingress', [`${json.kind} ${json.metadata.name}`, ...routeVia(json), ...detail], false, `ing_${json.metadata.name}`);
    edge(clients(), ing, r.hosts.join(', ') || (json.kind === 'UDPRoute' ? 'UDP' : json.kind === 'TCPRoute' ? 'TCP' : ''));
    const byService = new Map<string, string[]>();
    for (const b of r.backends) {
      const list = byService.get(b.name) ?? [];
      if (!list.includes(b.port)) list.push(b.port);
      byService.set(b.name, list);
    }
    for (const [name, portsUsed] of byService) {
      const svc = services.get(`${namespace}/${name}`) ?? node(`service/${namespace}/${name}`, 'service', [`Service ${name}`, 'owned elsewhere'], true, `svc_${name}`);
      edge(ing, svc, portsUsed.join(', '));
    }
  }

  // ---- LoadBalancer Services ----
  for (const { json } of ofKind('Service')) {
    const spec: Obj = json.spec ?? {};
    if (spec.type !== 'LoadBalancer') continue;
    const namespace = nsOf(json);
    const name: string = json.metadata.name;
    const affinity = spec.sessionAffinity === 'ClientIP' ? ['ClientIP affinity'] : [];
    const lb = node(`lb/${namespace}/${name}`, 'lb', [`LoadBalancer ${name}`, ...affinity], false, `lb_${name}`);
    services.set(`${namespace}/${name}`, lb);
    const list: Obj[] = spec.ports ?? [];
    edge(clients(), lb, list.map((p) => `${p.protocol ?? 'TCP'} ${p.port}`).join(', '));
    for (const to of podsOf(namespace, spec.selector)) edge(lb, to, list.map((p) => String(p.targetPort ?? p.port)).join(', '));
  }

  // ---- host ports (hostNetwork workloads: the media server's UDP range and ICE-TCP) ----
  for (const w of workloads) {
    const served = new Set<string>();
    for (const { json } of ofKind('Service')) {
      if (nsOf(json) === w.namespace && json.spec?.type !== 'ExternalName' && selects(json.spec?.selector, w.labels)) {
        for (const p of json.spec?.ports ?? []) served.add(String(p.targetPort ?? p.port));
      }
    }
    const direct = (w.pod.containers ?? []).flatMap((c: Obj) => c.ports ?? [])
      .filter((p: Obj) => p.hostPort !== undefined && !served.has(String(p.name)) && !served.has(String(p.containerPort)))
      .map((p: Obj) => `${p.protocol ?? 'TCP'} ${p.hostPort}`);
    const range = w.json.spec?.template?.metadata?.annotations?.[UDP_RANGE_ANNOTATION];
    if (range) direct.push(`UDP ${range}`);
    if (!direct.length) continue;
    const owner = w.obj.node.scope;
    const subnets = owner instanceof MediaServer ? owner.clientEgress().peers.map((p) => p._info.cidr).filter((c): c is string => c !== undefined) : [];
    const pool = w.pod.nodeSelector ? [labelText(w.pod.nodeSelector)] : [];
    const nodesOf = node(`nodes/${w.namespace}/${w.name}`, 'lb', [`nodes of ${w.name}`, ...pool, ...subnets], false, `nodes_${w.name}`);
    for (const c of subnets) if (!byCidr.has(c)) byCidr.set(c, nodesOf);
    edge(clients(), nodesOf, `host ports ${direct.join(', ')}`);
    edge(nodesOf, w.node, w.pod.hostNetwork ? 'hostNetwork' : 'hostPort');
  }

  // ---- Services a workload names in its environment (e.g. ws://livekit.livekit.svc.cluster.local:7880) ----
  for (const w of workloads) {
    for (const e of (w.pod.containers ?? []).flatMap((c: Obj) => c.env ?? [])) {
      if (typeof e.value !== 'string') continue;
      for (const [key, svc] of services) {
        const [namespace, name] = key.split('/');
        if (svc === w.node || !new RegExp(`(^|[^a-z0-9.-])${name}\\.${namespace}\\.svc([.:/]|$)`).test(e.value)) continue;
        edge(w.node, svc, `env ${e.name}`);
      }
    }
  }

  // ---- secret sources ----
  const secretSources = new Map<string, Node>(); // namespace/Secret name -> the object that writes it
  const providerClasses = new Map<string, Node>(); // namespace/SecretProviderClass name -> node
  for (const { json } of ofKind('ExternalSecret')) {
    const spec: Obj = json.spec ?? {};
    const namespace = nsOf(json);
    const name: string = json.metadata.name;
    const ref: Obj = spec.secretStoreRef ?? {};
    const kind: string = ref.kind ?? 'SecretStore';
    const store = node(`store/${kind}/${kind === 'SecretStore' ? `${namespace}/` : ''}${ref.name}`, 'store', [`${kind} ${ref.name}`], true, `store_${ref.name}`);
    const es = node(`externalsecret/${namespace}/${name}`, 'secret', [`ExternalSecret ${name}`, ...(spec.refreshInterval ? [`refresh ${spec.refreshInterval}`] : [])], false, `es_${name}`);
    const remote = unique([
      ...(spec.dataFrom ?? []).map((d: Obj) => d.extract?.key ?? (d.find ? 'find' : undefined)),
      ...(spec.data ?? []).map((d: Obj) => d.remoteRef?.key),
    ].filter((k): k is string => typeof k === 'string'));
    edge(store, es, remote.join(', '));
    secretSources.set(`${namespace}/${spec.target?.name ?? name}`, es);
  }
  for (const { json } of ofKind('SecretProviderClass')) {
    const spec: Obj = json.spec ?? {};
    const params: Obj = spec.parameters ?? {};
    const namespace = nsOf(json);
    const name: string = json.metadata.name;
    const vault = spec.provider === 'azure' && params.keyvaultName
      ? node(`vault/azure/${params.keyvaultName}`, 'store', [`Azure Key Vault ${params.keyvaultName}`], true, `kv_${params.keyvaultName}`)
      : node(`vault/${spec.provider}`, 'store', [`${spec.provider} secrets store`], true, `vault_${spec.provider}`);
    const synced: string[] = (spec.secretObjects ?? []).map((s: Obj) => s.secretName);
    const identity = params.clientID && params.usePodIdentity === 'false' ? ['workload identity'] : [];
    const spc = node(`spc/${namespace}/${name}`, 'secret', [`SecretProviderClass ${name}`, ...identity, ...synced.map((s) => `syncs Secret ${s}`)], false, `spc_${name}`);
    edge(vault, spc, [...String(params.objects ?? '').matchAll(/objectName:\s*(\S+)/g)].map((m) => m[1]).join(', '));
    providerClasses.set(`${namespace}/${name}`, spc);
    for (const s of synced) secretSources.set(`${namespace}/${s}`, spc);
  }
  for (const w of workloads) {
    const secretOf = (name: string) => secretSources.get(`${w.namespace}/${name}`)
      ?? node(`secret/${w.namespace}/${name}`, 'secret', [`Secret ${name}`, 'owned elsewhere'], true, `secret_${name}`);
    const uses: Array<{ from: Node; parts: string[] }> = [];
    const use = (from: Node, part: string) => {
      const u = uses.find((x) => x.from === from) ?? uses[uses.push({ from, parts: [] }) - 1];
      if (!u.parts.includes(part)) u.parts.push(part);
    };
    const containers: Obj[] = w.pod.containers ?? [];
    for (const c of containers) {
      for (const e of c.envFrom ?? []) if (e.secretRef?.name) use(secretOf(e.secretRef.name), `env from Secret ${e.secretRef.name}`);
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name) use(secretOf(e.valueFrom.secretKeyRef.name), `env ${e.name} from Secret ${e.valueFrom.secretKeyRef.name}`);
    }
    const mountOf = (volume: string) => containers.flatMap((c) => c.volumeMounts ?? []).find((m: Obj) => m.name === volume)?.mountPath;
    for (const v of w.pod.volumes ?? []) {
      const spcName = v.csi?.volumeAttributes?.secretProviderClass;
      const at = mountOf(v.name) ? ` at ${mountOf(v.name)}` : '';
      if (spcName) {
        const spc = providerClasses.get(`${w.namespace}/${spcName}`)
          ?? node(`spc/${w.namespace}/${spcName}`, 'secret', [`SecretProviderClass ${spcName}`, 'owned elsewhere'], true, `spc_${spcName}`);
        use(spc, `CSI volume${at}`);
      }
      if (v.secret?.secretName) use(secretOf(v.secret.secretName), `volume from Secret ${v.secret.secretName}${at}`);
    }
    for (const u of uses) edge(u.from, w.node, u.parts.join(', '));
  }

  // ---- NetworkPolicies ----
  const peersOf = (p: Obj, policyNamespace: string): Node[] => {
    if (p.ipBlock && !p.ipBlock.except?.length && byCidr.has(p.ipBlock.cidr)) return [byCidr.get(p.ipBlock.cidr)!];
    const labels: Obj = p.podSelector?.matchLabels ?? {};
    if (Object.keys(labels).length) {
      const ns = p.namespaceSelector ? p.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] : policyNamespace;
      const match = ns ? selected(ns, labels) : [];
      if (match.length) return match.map((w) => w.node);
    }
    const text = peerText(p);
    return [node(`peer/${text}`, 'peer', [text], false, `peer_${text}`)];
  };
  for (const { json } of ofKind('NetworkPolicy')) {
    const spec: Obj = json.spec ?? {};
    const namespace = nsOf(json);
    const selector: Obj = spec.podSelector?.matchLabels ?? {};
    const all = Object.keys(selector).length === 0 && !spec.podSelector?.matchExpressions?.length;
    const ingress: Obj[] = spec.ingress ?? [];
    const egress: Obj[] = spec.egress ?? [];
    if (all && !ingress.length && !egress.length) {
      const types: string[] = spec.policyTypes ?? ['Ingress'];
      node(`deny/${namespace}/${json.metadata.name}`, 'note', [`NetworkPolicy ${json.metadata.name}`, `namespace ${namespace}: deny all ${types.map((t) => (t === 'Ingress' ? 'in' : 'out')).join(' and ')}`, 'unless allowed'], false, `deny_${namespace}`);
      continue;
    }
    const targets = all ? workloads.filter((w) => w.namespace === namespace).map((w) => w.node) : podsOf(namespace, selector);
    for (const rule of ingress) {
      const label = allowText(rule.ports);
      const from = rule.from?.length ? rule.from.flatMap((p: Obj) => peersOf(p, namespace)) : [node('peer/any source', 'peer', ['any source'], false, 'peer_any_source')];
      for (const f of from) for (const t of targets) if (f !== t) edge(f, t, label, 'allow');
    }
    for (const rule of egress) {
      const label = allowText(rule.ports);
      const to: Obj[] = rule.to ?? [];
      const dests = to.length ? to.flatMap((p) => peersOf(p, namespace)) : [node('peer/any destination', 'peer', ['any destination'], false, 'peer_any_destination')];
      for (const t of targets) for (const d of dests) if (d !== t) edge(t, d, label, 'allow');
      // A workload allowed out to a managed dependency's addresses and port uses it.
      for (const dep of dependencies) {
        if (!to.some((p) => p.ipBlock && dep.cidrs.includes(p.ipBlock.cidr))) continue;
        const used = rule.ports?.length ? (rule.ports as Obj[]).filter((p) => dep.ports.includes(p.port)).map((p) => p.port) : dep.ports;
        if (used.length) for (const t of targets) edge(t, dep.svc, used.map((p) => `TCP ${p}`).join(', '));
      }
    }
  }
}

/** "N replicas", "HPA a-b on <metric>", "KEDA ScaledObject a-b on <trigger>" or "one pod per node (<selector>)". */
function scaling(objects: Emitted[], workload: Obj, namespace: string, nsOf: (json: Obj) => string): string {
  const targets = (o: Obj) => nsOf(o) === namespace && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === workload.kind && o.spec?.scaleTargetRef?.name === workload.metadata.name;
  const hpa = objects.find((o) => o.json.kind === 'HorizontalPodAutoscaler' && targets(o.json))?.json;
  if (hpa) return `HPA ${hpa.spec.minReplicas ?? 1}-${hpa.spec.maxReplicas} on ${(hpa.spec.metrics ?? []).map(metricText).join(', ') || 'cpu 80%'}`;
  const keda = objects.find((o) => o.json.kind === 'ScaledObject' && targets(o.json))?.json;
  if (keda) return `KEDA ScaledObject ${keda.spec.minReplicaCount ?? 0}-${keda.spec.maxReplicaCount ?? 100} on ${(keda.spec.triggers ?? []).map((t: Obj) => t.name ?? t.type).join(', ')}`;
  if (workload.kind === 'DaemonSet') {
    const sel = workload.spec?.template?.spec?.nodeSelector;
    return `one pod per node${sel ? ` (${labelText(sel)})` : ''}`;
  }
  const replicas = workload.spec?.replicas ?? 1;
  return `${replicas} replica${replicas === 1 ? '' : 's'}`;
}

/** One HPA metric: "cpu 70%", "livekit_rooms 1/pod", "queue_depth 20". */
function metricText(m: Obj): string {
  const spec: Obj = m[String(m.type ?? '').charAt(0).toLowerCase() + String(m.type ?? '').slice(1)] ?? {};
  const name = spec.name ?? spec.metric?.name ?? m.type;
  const t: Obj = spec.target ?? {};
  if (t.type === 'Utilization') return `${name} ${t.averageUtilization}%`;
  if (t.type === 'AverageValue') return `${name} ${t.averageValue}/pod`;
  if (t.type === 'Value') return `${name} ${t.value}`;
  return String(name);
}

/** The RenderedRouteGroup of every route object, from the constructs that expose them (`routeGroups`, `groups`). */
function routeGroups(chart: Chart): Map<ApiObject, RenderedRouteGroup> {
  const out = new Map<ApiObject, RenderedRouteGroup>();
  for (const c of chart.node.findAll()) {
    for (const field of ['routeGroups', 'groups']) {
      const list: unknown = (c as Obj)[field];
      if (!Array.isArray(list)) continue;
      for (const g of list) if (g && g.resource instanceof ApiObject && Array.isArray(g.routes) && g.timeouts) out.set(g.resource, g as RenderedRouteGroup);
    }
  }
  return out;
}

/**
 * The group's timeout as it is enforced (not as the route asked for it): the value and the field
 * that enforces it, the hop when a hop does, or "not enforced" (from the capability table, through
 * `RenderedRouteGroup.enforced`).
 */
function timeoutText(g: RenderedRouteGroup): string {
  const ws = g.routes[0]?.protocol === RouteProtocol.WEBSOCKET;
  const intent = ws ? RouteIntent.WS_IDLE_TIMEOUT : RouteIntent.REST_TIMEOUT;
  const e = g.enforced.find((x) => x.intent === intent);
  const what = ws ? 'WebSocket, idle' : 'HTTP, timeout';
  if (!e || e.status === 'not-enforced' || e.seconds === undefined) return `${what} not enforced`;
  const by = CONTROLLER_IDS.includes(e.by as ControllerId) && e.by !== 'nginx-stream' ? e.field : `${e.by} ${e.field}`;
  return `${what} ${e.seconds} s (${by})`;
}

/** What a route object goes through besides its kind: a non-default Ingress class (and an ALB's scheme), entry points, the Gateway. */
function routeVia(json: Obj): string[] {
  const spec: Obj = json.spec ?? {};
  if (json.kind === 'Ingress') {
    const cls = spec.ingressClassName;
    const scheme = json.metadata?.annotations?.['alb.ingress.kubernetes.io/scheme'];
    if (cls === 'alb' || scheme) return [`AWS ALB${scheme ? `, ${scheme}` : ''}`];
    return cls && cls !== 'nginx' ? [`class ${cls}`] : [];
  }
  if (json.kind === 'IngressRoute') return spec.entryPoints?.length ? [`entryPoints ${spec.entryPoints.join(', ')}`] : [];
  return (spec.parentRefs ?? []).map((p: Obj) => `Gateway ${p.namespace ? `${p.namespace}/` : ''}${p.name}${p.sectionName ? ` (${p.sectionName})` : ''}`);
}

/**
 * Hosts, paths and backends of a route object, whatever the controller rendered: an Ingress, a
 * Traefik IngressRoute, or a Gateway API HTTPRoute, UDPRoute or TCPRoute (other kinds give none).
 */
function routeObject(json: Obj): { hosts: string[]; paths: string[]; backends: Array<{ name: string; port: string }> } {
  const hosts: string[] = [];
  const paths: string[] = [];
  const backends: Array<{ name: string; port: string }> = [];
  const add = (list: string[], v: unknown) => { if (typeof v === 'string' && !list.includes(v)) list.push(v); };
  const port = (p: unknown) => (p && typeof p === 'object' ? String((p as Obj).name ?? (p as Obj).number) : String(p));
  if (json.kind === 'Ingress') {
    for (const rule of json.spec?.rules ?? []) {
      add(hosts, rule.host);
      for (const p of rule.http?.paths ?? []) {
        add(paths, p.path);
        backends.push({ name: p.backend.service.name, port: port(p.backend.service.port) });
      }
    }
  } else if (json.kind === 'IngressRoute') {
    for (const route of json.spec?.routes ?? []) {
      for (const m of String(route.match ?? '').matchAll(/Host\(`([^`]+)`\)/g)) add(hosts, m[1]);
      for (const m of String(route.match ?? '').matchAll(/PathPrefix\(`([^`]+)`\)/g)) add(paths, m[1]);
      for (const svc of route.services ?? []) backends.push({ name: svc.name, port: port(svc.port) });
    }
  } else if (['HTTPRoute', 'UDPRoute', 'TCPRoute'].includes(json.kind)) {
    for (const h of json.spec?.hostnames ?? []) add(hosts, h);
    for (const rule of json.spec?.rules ?? []) {
      for (const m of rule.matches ?? []) add(paths, m.path?.value);
      for (const b of rule.backendRefs ?? []) if ((b.kind ?? 'Service') === 'Service') backends.push({ name: b.name, port: port(b.port) });
    }
  }
  return { hosts, paths, backends };
}

function selects(selector: Obj | undefined, labels: Obj): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function unique(list: string[]): string[] {
  return list.filter((v, i) => list.indexOf(v) === i);
}

function ports(list: Obj[]): string {
  return list.map((p) => `${p.name ?? p.protocol}:${p.port}`).join(', ');
}

function allowText(list: Obj[] | undefined): string {
  const text = (list ?? []).map((p) => `${p.protocol ?? 'TCP'} ${p.port ?? 'all'}${p.endPort !== undefined ? `-${p.endPort}` : ''}`).join(', ');
  return `allow ${text || 'all ports'}`;
}

function labelText(labels: Obj): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** A NetworkPolicy peer as emitted (`ipBlock`, `namespaceSelector`, `podSelector`). */
function peerText(p: Obj): string {
  if (p.ipBlock) {
    const { cidr, except } = p.ipBlock as { cidr: string; except?: string[] };
    if (cidr === '0.0.0.0/0' && !except?.length) return 'anywhere';
    if (cidr === '0.0.0.0/0' && except?.length === PRIVATE_RANGES.length && except.every((e) => PRIVATE_RANGES.includes(e))) return 'internet (no private ranges)';
    return `${cidr}${except?.length ? ` except ${except.join(', ')}` : ''}`;
  }
  const nsLabels: Obj | undefined = p.namespaceSelector?.matchLabels;
  const ns = nsLabels?.['kubernetes.io/metadata.name'];
  const nsText = ns ?? (nsLabels && Object.keys(nsLabels).length ? `namespaces ${labelText(nsLabels)}` : p.namespaceSelector ? 'any namespace' : undefined);
  if (p.podSelector) {
    const labels = labelText(p.podSelector.matchLabels ?? {});
    return `${labels ? `pods ${labels}` : 'all pods'}${nsText ? ` in ${nsText}` : ''}`;
  }
  return ns ? `namespace ${ns}` : nsText ?? 'any source';
}

/** Escapes text for a quoted mermaid label. */
function esc(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/**
 * The same app with a `TOPOLOGY.md` in `dist/<app>/` (see {@link topologyFiles}); an `appFiles`
 * hook the app already has is kept and runs first.
 */
export function withTopology(spec: AppSpec, options: TopologyOptions = {}): AppSpec {
  const topology = topologyFiles({ title: spec.name, ...options });
  return { ...spec, appFiles: (charts) => [...(spec.appFiles?.(charts) ?? []), ...topology(charts)] };
}
