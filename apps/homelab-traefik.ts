// S3: a homelab of three clusters behind one global L4 nginx (../shared/seeds/002_d6253ebfc5075492.txt).
//
// Each cluster runs Traefik (TLS, certificates, routing) and the `homepage` service behind an
// IngressRoute on entryPoint `websecure` with a Host match and backend port 3000; the Deployment
// rolls with maxSurge 1 / maxUnavailable 0 (the seed's "new pod starts, old pod stays", the
// RealtimeService default) and is ready on GET /health:3000 (initial delay 5 s, period 10 s).
// A global nginx outside the clusters passes TCP 443 through to each cluster's Traefik
// (`dist/homelab-traefik/nginx-stream.conf`), and each cluster folder gets the Traefik static
// configuration the routes assume (`traefik-static.toml`: entryPoints, their respondingTimeouts,
// and `ping` on entryPoint `web`, the cluster health at http://<cluster ip>:80/ping).
//
// Corrected seed bugs:
// - The seed's `proxy_timeout 30s` closes every connection that is quiet for 30 s, so idle
//   WebSockets die behind the global nginx whatever Traefik allows. NginxStreamLoadBalancer
//   refuses a proxy_timeout below the routes' idle timeout; it is 3600 s here, the WebSocket idle
//   timeout.
// - The WebSocket idle window (1 h) is enforced by the global nginx, not by Traefik: nothing in
//   Traefik closes a quiet upgraded connection (measured through a real Traefik v3.7 by
//   `npm run test:traffic`; ServersTransport idleConnTimeout only governs pooled keep-alive
//   connections, and the entryPoint respondingTimeouts do not cut a WebSocket). So the route's
//   idleTimeout equals the global nginx's proxy_timeout, which cuts a connection quiet for that
//   long (traffic check nginx-stream/ws-idle-timeout), and `routes.hops` declares that hop: the
//   library accepts the WebSocket route only because this hop enforces its idle timeout, and
//   TOPOLOGY.md draws "idle 3600 s (nginx-stream proxy_timeout)". This is the right enforcer for
//   this app because every client connection crosses the global nginx (the only way in); an app
//   reached around it would need `acknowledgeUnenforced` instead, and would hold half-open
//   WebSockets open.
// - The generated traefik-static.toml keeps readTimeout 0 (a slow upload is not cut) and
//   idleTimeout 1 h for keep-alive connections; IngressController.traefik() is told the same values.
//
// Assumptions (not in the seed): cluster C's address 10.0.0.12 (the seed lists A and B only); the
// host `home.lab.local`; the image name; the WebSocket path `/ws` on the same port 3000 (the
// realtime part this library is for; drop it if the homepage serves plain HTTP only).
import { App, Chart, Duration } from 'cdk8s';
import { AppSpec, Hop, IngressController, NamespaceIsolation, NginxStreamLoadBalancer, OwnedNamespace, RealtimeService, Route, Spread, traefikStaticConfig } from '../lib';

/** The clusters and the address of each one's Traefik LoadBalancer Service (port 443). */
export const HOMELAB_CLUSTERS = [
  { cluster: 'cluster-a', address: '10.0.0.10' },
  { cluster: 'cluster-b', address: '10.0.0.11' },
  { cluster: 'cluster-c', address: '10.0.0.12' },
];

/** WebSockets stay open while quiet for up to an hour: every hop must allow it. */
const WS_IDLE = Duration.hours(1);
/** Traefik's entryPoint timeouts, as written to traefik-static.toml (0 disables readTimeout). */
const ENTRYPOINT_TIMEOUTS = { readTimeout: Duration.seconds(0), idleTimeout: WS_IDLE };
/** The global nginx's proxy_timeout: the seed's 30 s would cut idle WebSockets. */
const L4_PROXY_TIMEOUT = WS_IDLE;

export const homelabTraefik: AppSpec = {
  name: 'homelab-traefik',
  source: 'apps/homelab-traefik.ts',
  namespace: 'homepage',
  targets: HOMELAB_CLUSTERS.map(({ cluster }) => ({ cluster, env: 'prod' })),
  define: (chart) => {
    // The namespace belongs to the homepage alone: its Namespace object (Pod Security "restricted"),
    // and deny everything by default; the service's own
    // NetworkPolicy (from Traefik's namespace, DNS out) is the explicit allow.
    new OwnedNamespace(chart, 'Namespace');
    new NamespaceIsolation(chart, 'Isolation');
    new RealtimeService(chart, 'Homepage', {
      name: 'homepage',
      image: 'registry.lab.local/homepage:1.0.0',
      http: { port: 3000, servicePort: 3000 },
      replicas: 2,
      // Proxmox VMs carry no zone labels: a zone constraint would switch the node spread off too.
      spread: Spread.nodes(),
      probes: {
        path: '/health',
        readiness: { initialDelay: Duration.seconds(5), period: Duration.seconds(10) },
      },
      routes: {
        controller: IngressController.traefik({ entryPoints: ['websecure'], entryPointTimeouts: ENTRYPOINT_TIMEOUTS, namespace: 'traefik' }),
        hosts: ['home.lab.local'],
        routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: WS_IDLE })],
        // The global nginx in front of Traefik.
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
