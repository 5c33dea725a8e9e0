// Test variants for `npm run test:traffic`: the reference apps' constructs with their durations
// scaled down to seconds, so a run takes seconds instead of hours. Nothing else differs from the
// reference apps: test/traffic.test.ts synthesizes each variant and compares it with the
// reference app's committed dist/, allowing differences only in durations. When a reference app
// changes, that test fails until the variant here is changed the same way.
//
// Also here: the configurations of the timeout-budget checks (an nginx stream proxy in front of a
// WebSocket route, refused or accepted by the budget check) and a Gateway API app (no reference
// app renders Gateway API yet).
import { App, Chart, Duration } from 'cdk8s';
import {
  AppSpec, GatewayImplementation, Hop, IngressController, ManagedIngressOverlay, NamespaceIsolation, NginxStreamLoadBalancer, OwnedNamespace, OwnerTls, Peer, PRIVATE_RANGES,
  RealtimeConfigError, RealtimeService, Route, RouteIntent, Spread, UdpLoadBalancer, checkTimeoutBudget, traefikStaticConfig,
} from '../../lib';
import { HOMELAB_CLUSTERS } from '../../apps/homelab-traefik';
import { MENTRA_FLEET } from '../../apps/mentra-cloud';

/**
 * The scaled durations. Reference values: REST timeouts 60 s (ingress-nginx, Traefik) -> 3 s;
 * WebSocket idle timeouts, Traefik's entryPoint idleTimeout and the global nginx's proxy_timeout
 * 3600 s -> 6 s; Mentra's 30 s heartbeat -> 2 s; the REST routes' connect timeout (10 s by
 * default) -> 2 s. Every other duration is the reference value.
 */
export const SCALED = {
  restSeconds: 3,
  connectSeconds: 2,
  wsIdleSeconds: 6,
  heartbeatSeconds: 2,
} as const;

const REST = Duration.seconds(SCALED.restSeconds);
const CONNECT = Duration.seconds(SCALED.connectSeconds);
const WS_IDLE = Duration.seconds(SCALED.wsIdleSeconds);
const HEARTBEAT = Duration.seconds(SCALED.heartbeatSeconds);

/** A variant and the reference app (dist/<reference>/) it must match up to durations. */
export interface Variant {
  readonly reference: string;
  readonly app: AppSpec;
}

// S2: apps/nexus-runtime.ts (ingress-nginx annotations).
const nexusRuntime: AppSpec = {
  name: 'nexus-runtime',
  source: 'test/traffic/variants.ts',
  namespace: 'nexus-runtime',
  define: (chart) => {
    new OwnedNamespace(chart, 'Namespace');
    new NamespaceIsolation(chart, 'Isolation');
    new RealtimeService(chart, 'Runtime', {
      name: 'nexus-runtime',
      image: 'ghcr.io/nexus/runtime:1.8.2',
      http: { port: 3000, servicePort: 80 },
      websocket: { port: 3001, servicePort: 3001 },
      replicas: 2,
      probes: {
        path: '/health',
        liveness: { path: '/health', initialDelay: Duration.seconds(10), period: Duration.seconds(30), timeout: Duration.seconds(5), failureThreshold: 3 },
        readiness: { initialDelay: Duration.seconds(5), period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 },
      },
      routes: {
        controller: IngressController.nginx({ className: 'nginx', namespace: 'ingress-nginx' }),
        hosts: ['nexus-runtime.example.com'],
        routes: [
          Route.http('/', { port: 'http', timeout: REST, connectTimeout: CONNECT }),
          Route.websocket('/panels', { port: 'websocket', idleTimeout: WS_IDLE }),
        ],
      },
      networkPolicy: {
        allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }],
        allowTo: [{ peers: [Peer.cidr('0.0.0.0/0', [...PRIVATE_RANGES])], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }],
      },
    });
  },
};

// S3: apps/homelab-traefik.ts (Traefik IngressRoutes + the global L4 nginx stream config).
const ENTRYPOINT_TIMEOUTS = { readTimeout: Duration.seconds(0), idleTimeout: WS_IDLE };
const L4_PROXY_TIMEOUT = WS_IDLE;
const homelabTraefik: AppSpec = {
  name: 'homelab-traefik',
  source: 'test/traffic/variants.ts',
  namespace: 'homepage',
  targets: HOMELAB_CLUSTERS.map(({ cluster }) => ({ cluster, env: 'prod' })),
  define: (chart) => {
    new OwnedNamespace(chart, 'Namespace');
    new NamespaceIsolation(chart, 'Isolation');
    new RealtimeService(chart, 'Homepage', {
      name: 'homepage',
      image: 'registry.lab.local/homepage:1.0.0',
      http: { port: 3000, servicePort: 3000 },
      replicas: 2,
      spread: Spread.nodes(),
      probes: {
        path: '/health',
        readiness: { initialDelay: Duration.seconds(5), period: Duration.seconds(10) },
      },
      routes: {
        controller: IngressController.traefik({ entryPoints: ['websecure'], entryPointTimeouts: ENTRYPOINT_TIMEOUTS, namespace: 'traefik' }),
        hosts: ['home.lab.local'],
        routes: [Route.http('/', { timeout: REST, connectTimeout: CONNECT }), Route.websocket('/ws', { idleTimeout: WS_IDLE })],
        hops: [Hop.nginxStream(L4_PROXY_TIMEOUT)],
      },
    });
  },
  extraFiles: () => [{ name: 'traefik-static.toml', content: traefikStaticConfig({ entryPointTimeouts: ENTRYPOINT_TIMEOUTS, pingEntryPoint: 'web' }) }],
  appFiles: (charts) => {
    const routes = charts.flatMap(({ chart }) => chart.node.findAll()
      .filter((c): c is RealtimeService => c instanceof RealtimeService)
      .flatMap((s) => s.routeGroups.flatMap((g) => g.routes)));
    const app = charts[0].chart.node.scope as App;
    const l4 = new NginxStreamLoadBalancer(new Chart(app, 'global-l4'), 'GlobalL4', {
      servers: HOMELAB_CLUSTERS.map(({ cluster, address }) => ({ name: cluster, address, port: 443 })),
      routes,
      connectTimeout: Duration.seconds(5),
      proxyTimeout: L4_PROXY_TIMEOUT,
      maxFails: 3,
      failTimeout: Duration.seconds(10),
      listenPort: 443,
    });
    return [l4.toFile('nginx-stream.conf')];
  },
};

// S1: apps/mentra-cloud.ts (ManagedIngressOverlay beside Porter's Ingress). The owner's Ingress is
// not ours: the harness writes it the way Porter does (test/traffic/harness-objects.mjs).
const MENTRA_HOSTS: Record<string, string[]> = {
  debug: ['debug.augmentos.cloud', 'debugapi.mentra.glass'],
  dev: ['dev.augmentos.cloud', 'devapi.mentra.glass'],
  staging: ['stagingapi.mentraglass.com'],
  prod: ['api.mentra.glass', 'global.augmentos.cloud'],
};
const mentraCloud: AppSpec = MENTRA_FLEET.app({
  name: 'mentra-cloud',
  source: 'test/traffic/variants.ts',
  namespace: 'default',
  externalNamespaces: [{ name: 'default', owner: 'Porter (it deploys every app of the cluster into default)' }],
  define: (chart, target) => {
    const env = target.env;
    const porter = `cloud-${env}-cloud`;
    new ManagedIngressOverlay(chart, 'WebSocketOverlay', {
      name: `${porter}-ws`,
      controller: target.ingress,
      owner: { ingressName: porter, serviceName: porter, servicePort: 80, paths: ['/'], tls: OwnerTls.porter('cloud', env, 'cloud') },
      hosts: MENTRA_HOSTS[env],
      routes: ['/glasses-ws', '/app-ws'].map((path) => Route.websocket(path, {
        idleTimeout: WS_IDLE,
        connectTimeout: Duration.seconds(60),
        heartbeatInterval: HEARTBEAT,
      })),
      hops: [Hop.cloudflare(), Hop.azureLoadBalancer(Duration.minutes(4))],
    });
    new UdpLoadBalancer(chart, 'UdpAudio', {
      name: `cloud-${env}-udp`,
      selector: { 'app.kubernetes.io/instance': `cloud-${env}` },
      ports: [{ name: 'audio', port: 8000, targetPort: 8000 }],
      preset: target.loadBalancer,
      labels: { 'app.kubernetes.io/name': 'cloud', 'app.kubernetes.io/part-of': 'mentra-cloud' },
    });
  },
});

/** Variants of reference apps, each compared with dist/<reference>/ by test/traffic.test.ts. */
export const VARIANTS: Variant[] = [
  { reference: 'nexus-runtime', app: nexusRuntime },
  { reference: 'homelab-traefik', app: homelabTraefik },
  { reference: 'mentra-cloud', app: mentraCloud },
];

/** The folder of each variant's output that the harness applies (one target per app). */
export const APPLIED_TARGETS: Record<string, string> = {
  'nexus-runtime': 'nexus-runtime',
  'homelab-traefik': 'homelab-traefik/cluster-a/prod',
  'mentra-cloud': 'mentra-cloud/us-central/prod',
  'traffic-gateway': 'traffic-gateway',
};

/**
 * Gateway API through Traefik's Gateway provider. No reference app renders Gateway API for
 * Traefik, so this app has no dist/ counterpart: the homelab's RealtimeService shape twice, on
 * HTTPRoutes attached to the harness's Gateway `gw/edge` (listener port 80 = Traefik's entryPoint
 * `web`):
 * - `realtime` (gw.lab.local) with GatewayImplementation.generic(): standard fields, so the REST
 *   route carries `timeouts.request` and the checks show whether Traefik honours it;
 * - `realtime-traefik` (gw-traefik.lab.local) with GatewayImplementation.traefik(), which renders
 *   no timeout it knows Traefik ignores: the two intents are acknowledged as not enforced, and the
 *   checks show that nothing enforces them indeed.
 */
export const gatewayApp: AppSpec = {
  name: 'traffic-gateway',
  source: 'test/traffic/variants.ts',
  namespace: 'gw',
  define: (chart) => {
    new OwnedNamespace(chart, 'Namespace', { name: 'gw' });
    const implementations = [
      { name: 'realtime', host: 'gw.lab.local', implementation: GatewayImplementation.generic({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }) },
      { name: 'realtime-traefik', host: 'gw-traefik.lab.local', implementation: GatewayImplementation.traefik({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT, RouteIntent.WS_IDLE_TIMEOUT] }) },
    ];
    for (const { name, host, implementation } of implementations) {
      new RealtimeService(chart, name, {
        name,
        image: 'registry.lab.local/realtime:1.0.0',
        http: { port: 3000, servicePort: 3000 },
        replicas: 2,
        probes: { path: '/health' },
        routes: {
          controller: IngressController.gatewayApi({ gateway: { name: 'edge', namespace: 'gw' }, implementation }),
          hosts: [host],
          routes: [Route.http('/', { timeout: REST }), Route.websocket('/ws', { idleTimeout: WS_IDLE })],
        },
      });
    }
  },
};

/** One nginx stream configuration of the timeout-budget checks. */
export interface BudgetCase {
  /** Check id suffix, e.g. `refused-idle`. */
  readonly name: string;
  /** The route the WebSocket client uses (its promise: idle timeout, heartbeat). */
  readonly route: { idleSeconds: number; heartbeatSeconds?: number };
  /** The nginx stream proxy's proxy_timeout. */
  readonly proxyTimeoutSeconds: number;
  /** Port the proxy listens on (the homelab variant's proxy has 443). */
  readonly listenPort: number;
  /** What checkTimeoutBudget said: undefined when it accepted the combination. */
  readonly refusal?: string;
  /** The configuration the proxy runs (NginxStreamLoadBalancer's output). */
  readonly config: string;
}

function wsRoute(r: BudgetCase['route']): Route {
  return Route.websocket('/ws', {
    idleTimeout: Duration.seconds(r.idleSeconds),
    ...(r.heartbeatSeconds !== undefined ? { heartbeatInterval: Duration.seconds(r.heartbeatSeconds) } : {}),
  });
}

/**
 * The budget cases: for each, checkTimeoutBudget's verdict on (route, Hop.nginxStream(proxy_timeout))
 * and the nginx configuration NginxStreamLoadBalancer renders for that proxy_timeout. For a refused
 * combination NginxStreamLoadBalancer refuses the route too, so the configuration is rendered for
 * the route that proxy_timeout does accept (same proxy, same timer): it is what runs when someone
 * declares the route's real promise nowhere, the case the budget check exists for.
 */
export function budgetCases(): BudgetCase[] {
  const specs: Array<Omit<BudgetCase, 'refusal' | 'config'>> = [
    // No heartbeat: the route promises 8 s of quiet; the proxy closes after 4 s.
    { name: 'refused-idle', route: { idleSeconds: SCALED.wsIdleSeconds }, proxyTimeoutSeconds: 4, listenPort: 8441 },
    // Heartbeat every 2 s: a 5 s proxy_timeout is at least twice that.
    { name: 'accepted-heartbeat', route: { idleSeconds: SCALED.wsIdleSeconds, heartbeatSeconds: 2 }, proxyTimeoutSeconds: 5, listenPort: 8442 },
    // Heartbeat every 6 s: a 5 s proxy_timeout is less than twice that (and less than once).
    { name: 'refused-heartbeat', route: { idleSeconds: 12, heartbeatSeconds: 6 }, proxyTimeoutSeconds: 5, listenPort: 8443 },
  ];
  return specs.map((s) => {
    const app = new App();
    const chart = new Chart(app, s.name);
    const route = wsRoute(s.route);
    let refusal: string | undefined;
    try {
      checkTimeoutBudget(chart, 'RealtimeService', [route], [Hop.nginxStream(Duration.seconds(s.proxyTimeoutSeconds))]);
    } catch (e) {
      if (!(e instanceof RealtimeConfigError)) throw e;
      refusal = e.message;
    }
    const rendered = refusal === undefined ? route : wsRoute({ idleSeconds: s.proxyTimeoutSeconds });
    const l4 = new NginxStreamLoadBalancer(chart, 'L4', {
      servers: [{ name: HOMELAB_CLUSTERS[0].cluster, address: HOMELAB_CLUSTERS[0].address, port: 443 }],
      routes: [rendered],
      proxyTimeout: Duration.seconds(s.proxyTimeoutSeconds),
      listenPort: s.listenPort,
    });
    return { ...s, refusal, config: l4.config };
  });
}
