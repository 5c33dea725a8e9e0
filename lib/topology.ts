import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ManagedIngressOverlay } from './managed-ingress-overlay';
import { Peer, PRIVATE_RANGES, PolicyPort, WorkloadNetworkPolicy } from './network-policy';
import { RealtimeService } from './realtime-service';
import { RenderedRouteGroup, RouteProtocol } from './routing';
import { AppSpec, ExtraFile, Target } from './synth/synthesizer';
import { UdpLoadBalancer } from './udp-load-balancer';

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

type Shape = 'client' | 'ingress' | 'service' | 'lb' | 'workload' | 'peer';
interface Node { readonly id: string; readonly label: string[]; readonly shape: Shape; readonly external: boolean }
interface Edge { readonly from: string; readonly to: string; readonly label: string; readonly allow: boolean }
interface Group { readonly title?: string; readonly id?: string; readonly nodes: Node[] }

const OPEN: Record<Shape, [string, string]> = {
  client: ['((', '))'], ingress: ['[', ']'], service: ['(', ')'], lb: ['([', '])'], workload: ['[[', ']]'], peer: ['{{', '}}'],
};

/**
 * A mermaid flowchart of the charts of one app, walked from the construct tree (not from the
 * YAML): one subgraph per cluster and env.
 *
 * - {@link RealtimeService}: clients → Ingress (hosts on the edge; paths and timeouts in the box) →
 *   Service → Deployment; clients → UDP LoadBalancer → Deployment; NetworkPolicy allows as dotted
 *   edges from (ingress) and to (egress) their peers.
 * - {@link ManagedIngressOverlay}: clients → overlay Ingress → the owner's Service, drawn dashed
 *   (owned elsewhere, never emitted).
 * - {@link UdpLoadBalancer}: clients → LoadBalancer → the workload of the chart its selector picks,
 *   or a dashed "pods" box when no workload of the chart matches (the pods are someone else's).
 *
 * Deterministic: the order is the construct tree's, node ids derive from names.
 */
export function topologyMermaid(charts: readonly TopologyChart[], options: Pick<TopologyOptions, 'direction'> = {}): string {
  const ids = new Set<string>();
  const uniqueId = (raw: string) => {
    const base = raw.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
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
  for (const e of edges) lines.push(`  ${e.from} ${e.allow ? '-.->' : '-->'}${e.label ? `|"${esc(e.label)}"|` : ''} ${e.to}`);
  lines.push('  classDef external fill:#f4f4f4,stroke:#888,stroke-dasharray:5 5,color:#555');
  lines.push('  classDef allow fill:#eef6ee,stroke:#5a5');
  if (external.length) lines.push(`  class ${external.join(',')} external`);
  const peers = groups.flatMap((g) => g.nodes.filter((n) => n.shape === 'peer').map((n) => n.id));
  if (peers.length) lines.push(`  class ${peers.join(',')} allow`);
  return `${lines.join('\n')}\n`;
}

/** A Markdown document with the app's diagram (see {@link topologyMermaid}) and a legend. */
export function topologyMarkdown(charts: readonly TopologyChart[], options: TopologyOptions = {}): string {
  const title = options.title ?? charts[0]?.chart.node.id ?? 'app';
  return [
    `# Topology of ${title}`,
    '',
    'Drawn from the construct tree by `topologyFiles` (lib/topology.ts), one subgraph per cluster and env.',
    'Solid arrows carry traffic; dotted arrows are NetworkPolicy allows (from a peer into the pods, or',
    'from the pods out to a peer); dashed boxes are owned outside this app (another team\'s Service, or',
    'pods selected by label that no workload of the app declares).',
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
  const edge = (from: Node, to: Node, label: string, allow = false) => edges.push({ from: from.id, to: to.id, label, allow });
  const clients = () => node('clients', 'client', ['clients']);
  const services = new Map<string, Node>(); // namespace/name -> Service node
  const workloads: Array<{ labels: Obj; namespace: string; node: Node }> = [];
  const all = chart.node.findAll();
  const ownedBy = (c: IConstruct, cls: abstract new (...args: never[]) => unknown) => c.node.scopes.slice(0, -1).some((s) => s instanceof cls);

  // Workloads and their Services first, so routes and load balancers can point at them.
  for (const c of all) {
    if (!(c instanceof RealtimeService)) continue;
    const dep = c.deployment.toJson();
    const hpa = c.autoscaler?.toJson();
    const replicas = hpa ? `${hpa.spec.minReplicas}-${hpa.spec.maxReplicas} replicas (HPA)` : `${dep.spec.replicas} replica${dep.spec.replicas === 1 ? '' : 's'}`;
    const w = node(`deployment/${c.namespace}/${c.name}`, 'workload', [`Deployment ${c.name}`, replicas], false, `deploy_${c.name}`);
    workloads.push({ labels: dep.spec.template.metadata.labels, namespace: c.namespace, node: w });
    const svcJson = c.service.toJson();
    const svc = node(`service/${c.namespace}/${c.name}`, 'service', [`Service ${c.name}`, ports(svcJson.spec.ports)], false, `svc_${c.name}`);
    services.set(`${c.namespace}/${c.name}`, svc);
    edge(svc, w, '');
  }
  for (const c of all) {
    if (c instanceof RealtimeService) {
      const w = workloads.find((x) => x.namespace === c.namespace && x.labels['app.kubernetes.io/name'] === c.name)!.node;
      routes(c.routeGroups);
      if (c.udpLoadBalancer) loadBalancer(c.udpLoadBalancer, w);
      if (c.networkPolicy) policy(c.networkPolicy, w);
    } else if (c instanceof ManagedIngressOverlay && !ownedBy(c, RealtimeService)) {
      routes(c.groups);
    } else if (c instanceof UdpLoadBalancer && !ownedBy(c, RealtimeService)) {
      const json = c.resource.toJson();
      const selector: Obj = json.spec.selector ?? {};
      const match = workloads.find((x) => x.namespace === json.metadata.namespace && Object.entries(selector).every(([k, v]) => x.labels[k] === v));
      loadBalancer(c, match?.node ?? node(`pods/${json.metadata.namespace}/${labelText(selector)}`, 'workload', ['pods', labelText(selector), 'not declared in this app'], true, `pods_${Object.values(selector).join('_')}`));
    }
  }

  function routes(groups: RenderedRouteGroup[]): void {
    for (const g of groups) {
      const json = g.resource.toJson();
      const ns = json.metadata.namespace;
      const timeout = g.routes[0]?.protocol === RouteProtocol.WEBSOCKET ? `WebSocket, idle ${g.timeouts.readSeconds} s` : `HTTP, timeout ${g.timeouts.readSeconds} s`;
      const r = routeObject(json);
      const ing = node(`route/${json.kind}/${ns}/${json.metadata.name}`, 'ingress', [`${json.kind} ${json.metadata.name}`, ...g.routes.map((x) => x.path), timeout], false, `ing_${json.metadata.name}`);
      edge(clients(), ing, r.hosts.join(', '));
      const byService = new Map<string, Set<string>>();
      for (const b of r.backends) byService.set(b.name, (byService.get(b.name) ?? new Set()).add(b.port));
      for (const [name, portsUsed] of byService) {
        const svc = services.get(`${ns}/${name}`) ?? node(`service/${ns}/${name}`, 'service', [`Service ${name}`, 'owned elsewhere'], true, `svc_${name}`);
        edge(ing, svc, [...portsUsed].join(', '));
      }
    }
  }

  function loadBalancer(lb: UdpLoadBalancer, to: Node): void {
    const json = lb.resource.toJson();
    const affinity = json.spec.sessionAffinity === 'ClientIP' ? ['ClientIP affinity'] : [];
    const n = node(`lb/${json.metadata.namespace}/${lb.name}`, 'lb', [`LoadBalancer ${lb.name}`, ...affinity], false, `lb_${lb.name}`);
    edge(clients(), n, json.spec.ports.map((p: Obj) => `UDP ${p.port}`).join(', '));
    edge(n, to, json.spec.ports.map((p: Obj) => String(p.targetPort)).join(', '));
  }

  function policy(np: WorkloadNetworkPolicy, w: Node): void {
    for (const [rules, inbound] of [[np.ingressRules, true], [np.egressRules, false]] as const) {
      for (const r of rules) {
        const label = `allow ${r.ports.map(portText).join(', ') || 'all ports'}`;
        for (const p of r.peers) {
          const text = peerText(p);
          const peer = node(`peer/${text}`, 'peer', [text], false, `peer_${text}`);
          if (inbound) edge(peer, w, label, true);
          else edge(w, peer, label, true);
        }
      }
    }
  }
}

/**
 * Hosts and backends of a route object, whatever the controller rendered: an Ingress, a Traefik
 * IngressRoute or a Gateway API HTTPRoute (other kinds give none).
 */
function routeObject(json: Obj): { hosts: string[]; backends: Array<{ name: string; port: string }> } {
  const hosts = new Set<string>();
  const backends: Array<{ name: string; port: string }> = [];
  const port = (p: unknown) => (p && typeof p === 'object' ? String((p as Obj).name ?? (p as Obj).number) : String(p));
  if (json.kind === 'Ingress') {
    for (const rule of json.spec?.rules ?? []) {
      if (rule.host) hosts.add(rule.host);
      for (const p of rule.http?.paths ?? []) backends.push({ name: p.backend.service.name, port: port(p.backend.service.port) });
    }
  } else if (json.kind === 'IngressRoute') {
    for (const route of json.spec?.routes ?? []) {
      for (const m of String(route.match ?? '').matchAll(/Host\(`([^`]+)`\)/g)) hosts.add(m[1]);
      for (const svc of route.services ?? []) backends.push({ name: svc.name, port: port(svc.port) });
    }
  } else if (json.kind === 'HTTPRoute') {
    for (const h of json.spec?.hostnames ?? []) hosts.add(h);
    for (const rule of json.spec?.rules ?? []) {
      for (const b of rule.backendRefs ?? []) if ((b.kind ?? 'Service') === 'Service') backends.push({ name: b.name, port: port(b.port) });
    }
  }
  return { hosts: [...hosts], backends };
}

function ports(list: Obj[]): string {
  return list.map((p) => `${p.name ?? p.protocol}:${p.port}`).join(', ');
}

function portText(p: PolicyPort): string {
  return `${p.protocol} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
}

function labelText(labels: Obj): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

function peerText(p: Peer): string {
  const { namespace, labels, cidr, except } = p._info;
  if (cidr !== undefined) {
    if (cidr === '0.0.0.0/0' && !except?.length) return 'anywhere';
    if (cidr === '0.0.0.0/0' && except?.length === PRIVATE_RANGES.length && except.every((e) => PRIVATE_RANGES.includes(e))) return 'internet (no private ranges)';
    return `${cidr}${except?.length ? ` except ${except.join(', ')}` : ''}`;
  }
  if (labels) return `pods ${labelText(labels)}${namespace ? ` in ${namespace}` : ''}`;
  return `namespace ${namespace}`;
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
