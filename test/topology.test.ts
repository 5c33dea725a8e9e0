import { App, Chart } from 'cdk8s';
import {
  AppSpec, GENERATED_MARKER, IngressController, ManagedIngressOverlay, Peer, RealtimeService, Route, UdpLoadBalancer, UdpRouting,
  synthesize, topologyFiles, topologyMarkdown, topologyMermaid, withTopology,
} from '../lib';
import { mentraCloud } from '../apps/mentra-cloud';
import { nexusRuntime } from '../apps/nexus-runtime';

const chart = (id = 'test') => new Chart(new App(), id, { namespace: 'demo' });

function game(c: Chart): void {
  new RealtimeService(c, 'Game', {
    name: 'game',
    image: 'ghcr.io/acme/game:1.0.0',
    http: { port: 8080 },
    websocket: { port: 8081 },
    udp: { port: 7777, routing: UdpRouting.clientIpAffinity() },
    routes: { controller: IngressController.nginx(), hosts: ['game.example.com'], routes: [Route.http('/'), Route.websocket('/ws')] },
    networkPolicy: { allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }] },
  });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe('topologyMermaid', () => {
  test('a RealtimeService: clients -> Ingress -> Service -> Deployment, clients -> UDP LoadBalancer -> Deployment, allows as dotted edges', () => {
    // GIVEN
    const c = chart();
    game(c);
    // WHEN
    const m = lines(topologyMermaid([{ chart: c }]));
    // THEN
    expect(m[0]).toBe('flowchart LR');
    expect(m).toEqual(expect.arrayContaining([
      'clients(("clients"))',
      'deploy_game[["Deployment game<br/>2 replicas"]]',
      'svc_game("Service game<br/>http:80, websocket:8081")',
      'ing_game["Ingress game<br/>/<br/>HTTP, timeout 60 s"]',
      'ing_game_ws["Ingress game-ws<br/>/ws<br/>WebSocket, idle 3600 s"]',
      'lb_game_udp(["LoadBalancer game-udp<br/>ClientIP affinity"])',
      'svc_game --> deploy_game',
      'clients -->|"game.example.com"| ing_game',
      'ing_game -->|"http"| svc_game',
      'ing_game_ws -->|"websocket"| svc_game',
      'clients -->|"UDP 7777"| lb_game_udp',
      'lb_game_udp -->|"udp"| deploy_game',
      'peer_namespace_ingress_nginx -.->|"allow TCP 8080, TCP 8081"| deploy_game',
      'peer_anywhere -.->|"allow UDP 7777"| deploy_game',
      'peer_namespace_monitoring -.->|"allow TCP 8080"| deploy_game',
      'deploy_game -.->|"allow UDP 53, TCP 53"| peer_pods_k8s_app_kube_dns_in_kube_system',
    ]));
    expect(m.some((l) => l.startsWith('class ') && l.endsWith(' external'))).toBe(false);
  });

  test('an overlay points at the owner\'s Service, drawn external; a UDP LoadBalancer without a workload in the chart selects external pods', () => {
    const c = chart();
    new ManagedIngressOverlay(c, 'Overlay', {
      name: 'web-ws',
      owner: { ingressName: 'web', serviceName: 'web', servicePort: 80 },
      hosts: ['a.example.com', 'b.example.com'],
      routes: [Route.websocket('/ws')],
    });
    new UdpLoadBalancer(c, 'Udp', { name: 'voice', selector: { 'app.kubernetes.io/instance': 'web' }, ports: [{ port: 9000 }] });
    const m = lines(topologyMermaid([{ chart: c }]));
    expect(m).toEqual(expect.arrayContaining([
      'svc_web("Service web<br/>owned elsewhere")',
      'clients -->|"a.example.com, b.example.com"| ing_web_ws',
      'ing_web_ws -->|"80"| svc_web',
      'pods_web[["pods<br/>app.kubernetes.io/instance=web<br/>not declared in this app"]]',
      'lb_voice -->|"9000"| pods_web',
      'class svc_web,pods_web external',
    ]));
  });

  test('a standalone UDP LoadBalancer whose selector matches a workload of the chart points at it', () => {
    const c = chart();
    game(c);
    new UdpLoadBalancer(c, 'Extra', { name: 'extra', selector: { 'app.kubernetes.io/name': 'game' }, ports: [{ port: 9999, targetPort: 'udp' }] });
    expect(lines(topologyMermaid([{ chart: c }]))).toEqual(expect.arrayContaining(['lb_extra -->|"udp"| deploy_game']));
  });

  test('one subgraph per cluster and env, with ids that never collide', () => {
    const charts = [{ cluster: 'eu', env: 'prod' }, { cluster: 'us', env: 'prod' }].map((target) => {
      const c = chart(`x-${target.cluster}`);
      game(c);
      return { chart: c, target };
    });
    const m = topologyMermaid(charts, { direction: 'TB' });
    expect(lines(m)).toEqual(expect.arrayContaining(['flowchart TB', 'subgraph eu_prod["eu / prod"]', 'subgraph us_prod["us / prod"]', 'eu_prod_svc_game --> eu_prod_deploy_game', 'us_prod_svc_game --> us_prod_deploy_game']));
    const ids = m.split('\n').map((l) => /^\s+([A-Za-z0-9_]+)[[({]/.exec(l)?.[1]).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every node is one quoted label (names are validated, so no quote can end a label early)', () => {
    const c = chart();
    game(c);
    const nodeLines = topologyMermaid([{ chart: c }]).split('\n').filter((l) => /^ {2}\w+[[({]/.test(l));
    expect(nodeLines.length).toBeGreaterThan(5);
    for (const l of nodeLines) expect(l).toMatch(/^ {2}\w+(\(\(|\[\[|\(\[|\{\{|\[|\()"[^"]+"(\)\)|\]\]|\]\)|\}\}|\]|\))$/);
  });

  test('is deterministic', () => {
    const render = () => {
      const c = chart();
      game(c);
      return topologyMermaid([{ chart: c }]);
    };
    expect(render()).toBe(render());
  });
});

describe('TOPOLOGY.md', () => {
  test('topologyFiles writes one Markdown file whose generated-file header is an HTML comment', () => {
    const app: AppSpec = { name: 'demo', source: 'test/topology.test.ts', namespace: 'demo', define: game, appFiles: topologyFiles({ title: 'demo' }) };
    const text = synthesize([app]).files.get('demo/TOPOLOGY.md')!;
    expect(text.split('\n').slice(0, 2)).toEqual([`<!-- ${GENERATED_MARKER} from test/topology.test.ts. Do not edit: run \`npm run synth\`. -->`, '# Topology of demo']);
    expect(text).toContain('```mermaid\nflowchart LR\n');
  });

  test('withTopology keeps an app\'s own appFiles hook', () => {
    const app: AppSpec = { name: 'demo', source: 'test', namespace: 'demo', define: game, appFiles: () => [{ name: 'NOTES.md', content: 'x' }] };
    expect([...synthesize([withTopology(app)]).files.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual(['demo/NOTES.md', 'demo/TOPOLOGY.md']);
  });

  test('the reference apps: one subgraph per mentra-cloud target, Porter\'s Service external', () => {
    const files = synthesize([withTopology(mentraCloud), withTopology(nexusRuntime)]).files;
    const s1 = files.get('mentra-cloud/TOPOLOGY.md')!;
    expect(s1.match(/^ {2}subgraph /gm)).toHaveLength(6);
    expect(lines(s1)).toEqual(expect.arrayContaining(['france_prod_ing_cloud_prod_cloud_ws -->|"80"| france_prod_svc_cloud_prod_cloud']));
    expect(s1).toMatch(/class .*france_prod_svc_cloud_prod_cloud.* external/);
    expect(topologyMarkdown([], { title: 'x' })).toContain('# Topology of x');
  });

  test('snapshot of a RealtimeService with HTTP, WebSocket and UDP in two clusters', () => {
    const app: AppSpec = { name: 'game', source: 'test/topology.test.ts', namespace: 'demo', targets: [{ cluster: 'eu', env: 'prod' }, { cluster: 'us', env: 'prod' }], define: game };
    expect(synthesize([withTopology(app)]).files.get('game/TOPOLOGY.md')).toMatchSnapshot();
  });
});
