import { App, Chart } from 'cdk8s';
import {
  LoadBalancerPreset,
  AppSpec, GENERATED_MARKER, GatewayImplementation, GatewayUdpRoute, IngressController, ManagedIngressOverlay, Peer, RealtimeService, Route, SecretMount, UdpLoadBalancer, UdpRouting,
  WebService, WorkerPool, WorkerScaling, synthesize, topologyFiles, topologyMarkdown, topologyMermaid, withTopology,
} from '../lib';
import { committedDist } from './util';

// The reference apps' TOPOLOGY.md files are read from the committed dist/: test/synthesizer.test.ts
// proves it is what they synthesize, twice over with the same bytes.

/** The tests' namespace, created by someone else (no Namespace node in the diagrams). */
const DEMO_NS = [{ name: 'demo', owner: 'the test' }];
const chart = (id = 'test') => new Chart(new App(), id, { namespace: 'demo' });

function game(c: Chart): void {
  new RealtimeService(c, 'Game', {
    name: 'game',
    image: 'ghcr.io/acme/game:1.0.0',
    http: { port: 8080 },
    websocket: { port: 8081 },
    udp: { port: 7777, routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() },
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
      'ing_game["Ingress game<br/>/<br/>HTTP, timeout 60 s (proxy-read-timeout)"]',
      'ing_game_ws["Ingress game-ws<br/>/ws<br/>WebSocket, idle 3600 s (proxy-read-timeout)"]',
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

  test('Gateway API: an HTTPRoute names its Gateway; a GatewayUdpRoute goes clients -> UDPRoute -> Service -> Deployment', () => {
    const c = chart();
    new RealtimeService(c, 'Voice', {
      name: 'voice', image: 'ghcr.io/acme/voice:1.0.0', http: { port: 8080 },
      routes: { controller: IngressController.gatewayApi({ gateway: { name: 'public', namespace: 'gateways' }, implementation: GatewayImplementation.envoyGateway() }), hosts: ['voice.example.com'], routes: [Route.http('/')] },
    });
    new GatewayUdpRoute(c, 'Udp', { name: 'voice-udp', gateway: { name: 'public', namespace: 'gateways', sectionName: 'udp' }, implementation: GatewayImplementation.envoyGateway(), serviceName: 'voice', port: 80 });
    const m = lines(topologyMermaid([{ chart: c }]));
    expect(m).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ing_voice\["HTTPRoute voice<br\/>Gateway gateways\/public<br\/>\/<br\/>HTTP, timeout \d+ s \(timeouts\.request\)"\]$/),
      'ing_voice_udp["UDPRoute voice-udp<br/>Gateway gateways/public (udp)"]',
      'clients -->|"UDP"| ing_voice_udp',
      'ing_voice_udp -->|"80"| svc_voice',
      'svc_voice --> deploy_voice',
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

  test('every node is one quoted label with an id of [A-Za-z0-9_] (names are validated, so no quote can end a label early)', () => {
    const c = chart();
    game(c);
    const voice = committedDist().get('voice-agents/TOPOLOGY.md')!;
    for (const text of [topologyMermaid([{ chart: c }]), voice]) {
      const nodeLines = text.split('\n').filter((l) => /^ +\w+[[({>]/.test(l));
      expect(nodeLines.length).toBeGreaterThan(5);
      expect(text.split('\n').filter((x) => /^ {2}\w+ [-.]/.test(x)).length).toBeGreaterThan(5);
      for (const l of nodeLines) expect(l).toMatch(/^ +[A-Za-z0-9_]+(\(\(|\[\[|\(\[|\{\{|\[\(|\[\/|\[|\(|>)"[^"]+"(\)\)|\]\]|\]\)|\}\}|\)\]|\/\]|\]|\))$/);
      for (const l of text.split('\n').filter((x) => /^ {2}\w+ [-.]/.test(x))) expect(l).toMatch(/^ {2}[A-Za-z0-9_]+ (-->|-\.->)(\|"[^"]+"\|)? [A-Za-z0-9_]+$/);
    }
  });

  test('a WebService, a KEDA WorkerPool and an existing Secret: routes, "KEDA ScaledObject", "env from Secret", peers that select a workload', () => {
    const c = chart();
    new WebService(c, 'Web', {
      name: 'web', image: 'ghcr.io/acme/web:1.0.0', http: { port: 3000 },
      autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 60 },
      routes: { controller: IngressController.traefik({ entryPoints: ['websecure'] }), hosts: ['www.example.com'], routes: [Route.http('/')] },
      networkPolicy: { allowFrom: [{ peer: Peer.pods({ 'app.kubernetes.io/name': 'jobs' }), endpoints: ['http'] }] },
    });
    new WorkerPool(c, 'Jobs', {
      name: 'jobs', image: 'ghcr.io/acme/jobs:1.0.0', http: { port: 8081 },
      secrets: [SecretMount.envFromSecret('jobs-env')],
      scaling: WorkerScaling.keda({ minReplicas: 1, maxReplicas: 10, triggers: [{ type: 'prometheus', metadata: { serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(jobs)', threshold: '5' } }] }),
    });
    const m = lines(topologyMermaid([{ chart: c }]));
    expect(m).toEqual(expect.arrayContaining([
      'deploy_web[["Deployment web<br/>HPA 2-4 on cpu 60%"]]',
      'deploy_jobs[["Deployment jobs<br/>KEDA ScaledObject 1-10 on prometheus"]]',
      'ing_web["IngressRoute web<br/>entryPoints websecure<br/>/<br/>HTTP, timeout 60 s (responseHeaderTimeout)"]',
      'clients -->|"www.example.com"| ing_web',
      'ing_web -->|"http"| svc_web',
      'svc_web --> deploy_web',
      'secret_jobs_env[/"Secret jobs-env<br/>owned elsewhere"/]',
      'secret_jobs_env -->|"env from Secret jobs-env"| deploy_jobs',
      'deploy_jobs -.->|"allow TCP 3000"| deploy_web',
      'deploy_jobs -.->|"allow UDP 53, TCP 53"| peer_pods_k8s_app_kube_dns_in_kube_system',
    ]));
    expect(m).toEqual(expect.arrayContaining([expect.stringMatching(/^class .*secret_jobs_env.* external$/)]));
  });

  test('is deterministic', () => {
    const render = () => {
      const c = chart();
      game(c);
      return topologyMermaid([{ chart: c }]);
    };
    expect(render()).toBe(render());
    // The reference apps' TOPOLOGY.md files: test/synthesizer.test.ts synthesizes every reference app
    // twice (with their topology files) and compares the bytes.
  });
});

describe('TOPOLOGY.md', () => {
  test('topologyFiles writes one Markdown file whose generated-file header is an HTML comment', () => {
    const app: AppSpec = { name: 'demo', source: 'test/topology.test.ts', namespace: 'demo', externalNamespaces: DEMO_NS, define: game, appFiles: topologyFiles({ title: 'demo' }) };
    const text = synthesize([app]).files.get('demo/TOPOLOGY.md')!;
    expect(text.split('\n').slice(0, 2)).toEqual([`<!-- ${GENERATED_MARKER} from test/topology.test.ts. Do not edit: run \`npx cdk8s-realtime synth\`. -->`, '# Topology of demo']);
    expect(text).toContain('```mermaid\nflowchart LR\n');
  });

  test('withTopology keeps an app\'s own appFiles hook', () => {
    const app: AppSpec = { name: 'demo', source: 'test', namespace: 'demo', externalNamespaces: DEMO_NS, define: game, appFiles: () => [{ name: 'NOTES.md', content: 'x' }] };
    expect([...synthesize([withTopology(app)]).files.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual(['demo/NOTES.md', 'demo/PREREQUISITES.md', 'demo/TOPOLOGY.md']);
  });

  test('the reference apps: one subgraph per mentra-cloud target, Porter\'s Service external', () => {
    const s1 = committedDist().get('mentra-cloud/TOPOLOGY.md')!;
    expect(s1.match(/^ {2}subgraph /gm)).toHaveLength(6);
    expect(lines(s1)).toEqual(expect.arrayContaining(['france_prod_ing_cloud_prod_cloud_ws -->|"80"| france_prod_svc_cloud_prod_cloud']));
    expect(s1).toMatch(/class .*france_prod_svc_cloud_prod_cloud.* external/);
    expect(topologyMarkdown([], { title: 'x' })).toContain('# Topology of x');
  });

  describe('voice-agents (prod)', () => {
    const text = committedDist().get('voice-agents/TOPOLOGY.md')!;
    const m = lines(text.replace(/aks_eastus_prod_/g, ''));

    test('all four workloads, with their scaling', () => {
      expect(m).toEqual(expect.arrayContaining([
        'ds_livekit[["DaemonSet livekit<br/>one pod per node (agentpool=media)<br/>hostNetwork"]]',
        'deploy_agent_node[["Deployment agent-node<br/>HPA 2-50 on livekit_rooms 1/pod"]]',
        'deploy_landing_page[["Deployment landing-page<br/>HPA 2-3 on cpu 70%"]]',
        'deploy_monitor_node[["Deployment monitor-node<br/>2 replicas"]]',
      ]));
    });

    test('routes -> Service -> workload for landing-page, monitor-node and LiveKit signalling', () => {
      expect(m).toEqual(expect.arrayContaining([
        'clients -->|"voice.example.com"| ing_landing_page',
        'ing_landing_page -->|"http"| svc_landing_page',
        'svc_landing_page --> deploy_landing_page',
        'ing_monitor_node_ws["Ingress monitor-node-ws<br/>/ws<br/>WebSocket, idle 3600 s (proxy-read-timeout)"]',
        'svc_monitor_node --> deploy_monitor_node',
        'clients -->|"livekit.voice.example.com"| ing_livekit_ws',
        'ing_livekit_ws -->|"http"| svc_livekit',
        'svc_livekit --> ds_livekit',
      ]));
    });

    test('LiveKit: clients reach the host ports on the media nodes; the agents reach the node subnet and the signalling Service', () => {
      expect(m).toEqual(expect.arrayContaining([
        'nodes_livekit(["nodes of livekit<br/>agentpool=media<br/>10.224.0.0/16"])',
        'clients -->|"host ports TCP 7881, UDP 50000-60000"| nodes_livekit',
        'nodes_livekit -->|"hostNetwork"| ds_livekit',
        'deploy_agent_node -->|"env LIVEKIT_URL"| svc_livekit',
        'deploy_agent_node -.->|"allow TCP 7880, TCP 7881, UDP 50000-60000"| nodes_livekit',
        'deploy_agent_node -.->|"allow TCP 7880"| ds_livekit',
        'peer_anywhere -.->|"allow TCP 7881, UDP 50000-60000"| ds_livekit',
      ]));
    });

    test('postgres and redis: workload -> ExternalName Service -> external host (dashed), with the egress allows', () => {
      expect(m).toEqual(expect.arrayContaining([
        'svc_postgres("Service postgres<br/>ExternalName, postgres:5432")',
        'host_voice_agents_prod_postgres_database_azure_com[("voice-agents-prod.postgres.database.azure.com<br/>10.225.1.4/32")]',
        'svc_postgres -.->|"ExternalName (DNS alias)"| host_voice_agents_prod_postgres_database_azure_com',
        'deploy_agent_node -->|"TCP 5432"| svc_postgres',
        'deploy_agent_node -.->|"allow TCP 5432"| host_voice_agents_prod_postgres_database_azure_com',
        'svc_redis -.->|"ExternalName (DNS alias)"| host_voice_agents_prod_redis_cache_windows_net',
        'deploy_agent_node -->|"TCP 6380"| svc_redis',
        'deploy_monitor_node -->|"TCP 6380"| svc_redis',
        'ds_livekit -->|"TCP 6380"| svc_redis',
      ]));
      expect(m.find((l) => l.startsWith('class ') && l.endsWith(' external'))!.split(' ')[1].split(',')).toEqual(expect.arrayContaining([
        'host_voice_agents_prod_postgres_database_azure_com', 'host_voice_agents_prod_redis_cache_windows_net', 'kv_voice_agents_prod',
      ]));
    });

    test('Key Vault -> SecretProviderClass -> workload, and each namespace\'s default-deny', () => {
      expect(m).toEqual(expect.arrayContaining([
        'kv_voice_agents_prod[("Azure Key Vault voice-agents-prod")]',
        'kv_voice_agents_prod -->|"livekit-api-key, livekit-api-secret, azure-openai-api-key, database-url, redis-url"| spc_agent_node',
        'spc_agent_node -->|"env from Secret agent-node-env, CSI volume at /mnt/secrets/agent-node"| deploy_agent_node',
        'spc_livekit -->|"env from Secret livekit-env, CSI volume at /mnt/secrets/livekit"| ds_livekit',
        'deny_voice_agents>"NetworkPolicy default-deny<br/>namespace voice-agents: deny all in and out<br/>unless allowed"]',
        'deny_livekit>"NetworkPolicy default-deny<br/>namespace livekit: deny all in and out<br/>unless allowed"]',
      ]));
    });

    test('every workload has its NetworkPolicy allows, in and out', () => {
      for (const w of ['ds_livekit', 'deploy_agent_node', 'deploy_landing_page', 'deploy_monitor_node']) {
        expect(m.some((l) => l.endsWith(` ${w}`) && l.includes(' -.->|"allow '))).toBe(true);
        expect(m.some((l) => l.startsWith(`${w} -.->|"allow UDP 53, TCP 53"|`))).toBe(true);
      }
    });
  });

  test('kortix-api: clients -> ALB Ingress -> Service -> Deployment (HPA); ClusterSecretStore -> ExternalSecret suna-env -> Deployment', () => {
    const m = lines(committedDist().get('kortix-api/TOPOLOGY.md')!);
    expect(m).toEqual(expect.arrayContaining([
      'deploy_suna_api[["Deployment suna-api<br/>HPA 4-15 on cpu 70%"]]',
      'ing_suna_api["Ingress suna-api<br/>AWS ALB, internet-facing<br/>/<br/>HTTP, timeout 3600 s (idle_timeout.timeout_seconds)"]',
      'clients -->|"api-eks.kortix.com"| ing_suna_api',
      'ing_suna_api -->|"http"| svc_suna_api',
      'svc_suna_api --> deploy_suna_api',
      'store_aws_secrets_manager[("ClusterSecretStore aws-secrets-manager")]',
      'es_suna_env[/"ExternalSecret suna-env<br/>refresh 1h0m0s"/]',
      'store_aws_secrets_manager -->|"suna-env-prod"| es_suna_env',
      'es_suna_env -->|"env from Secret suna-env"| deploy_suna_api',
      'peer_10_0_0_0_16 -.->|"allow TCP 8000"| deploy_suna_api',
      'class store_aws_secrets_manager external',
    ]));
  });

  test('snapshot of a RealtimeService with HTTP, WebSocket and UDP in two clusters', () => {
    const app: AppSpec = { name: 'game', source: 'test/topology.test.ts', namespace: 'demo', externalNamespaces: DEMO_NS, targets: [{ cluster: 'eu', env: 'prod' }, { cluster: 'us', env: 'prod' }], define: game };
    expect(synthesize([withTopology(app)]).files.get('game/TOPOLOGY.md')).toMatchSnapshot();
  });
});
