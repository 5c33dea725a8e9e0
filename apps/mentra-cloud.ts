// S1: Mentra cloud (../shared/seeds/000_a6bfa3f9b0753a1b.txt).
// Porter owns each environment's Deployment, Service `cloud-<env>-cloud` (NodePort 80) and Ingress
// `cloud-<env>-cloud` on `/` with 60 s timeouts. We own what Porter cannot do, which used to be
// applied by hand and lost on a cluster rebuild:
//   - the WebSocket overlay `cloud-<env>-cloud-ws` for /glasses-ws and /app-ws (3600 s read/send);
//   - the UDP audio LoadBalancer `cloud-<env>-udp` on 8000/UDP.
//
// No NamespaceIsolation (default-deny NetworkPolicy) here, on purpose: the namespace is `default`,
// which Porter owns and deploys every app's pods into. A policy selecting all pods of `default`
// would also isolate Porter's own pods (cloud-<env>-cloud and whatever else Porter runs there),
// cutting them off from ingress-nginx, the UDP clients and each other. test/security.test.ts lists
// this namespace as a documented exception to its default-deny rule.
import { Duration } from 'cdk8s';
import { AppSpec, ClusterProvider, Fleet, Hop, ManagedIngressOverlay, OwnerTls, Route, UdpLoadBalancer } from '../lib';

/** Hosts of Porter's `cloud-<env>-cloud` Ingress per environment (seed, "Our Ingress resources"). */
const HOSTS: Record<string, string[]> = {
  debug: ['debug.augmentos.cloud', 'debugapi.mentra.glass'],
  dev: ['dev.augmentos.cloud', 'devapi.mentra.glass'],
  staging: ['stagingapi.mentraglass.com'],
  // The prod deploy workflow pushes the same porter.yaml to all three clusters.
  prod: ['api.mentra.glass', 'global.augmentos.cloud'],
};

/** Mentra's AKS clusters and the environments each one runs (seed, "Clusters"). */
export const MENTRA_FLEET = new Fleet({
  clusters: [
    { name: 'us-central', envs: ['debug', 'dev', 'staging', 'prod'], provider: ClusterProvider.aks() },
    { name: 'east-asia', envs: ['prod'], provider: ClusterProvider.aks() },
    { name: 'france', envs: ['prod'], provider: ClusterProvider.aks() },
  ],
});

export const mentraCloud: AppSpec = MENTRA_FLEET.app({
  name: 'mentra-cloud',
  source: 'apps/mentra-cloud.ts',
  namespace: 'default', // Porter deploys into `default`.
  // Porter's namespace: our objects live in it, we never emit (or prune) its Namespace object.
  externalNamespaces: [{ name: 'default', owner: 'Porter (it deploys every app of the cluster into default)' }],
  define: (chart, target) => {
    const env = target.env;
    const porter = `cloud-${env}-cloud`; // Porter's Ingress and Service names
    new ManagedIngressOverlay(chart, 'WebSocketOverlay', {
      name: `${porter}-ws`,
      controller: target.ingress, // ingress-nginx, class `nginx`, on every Mentra cluster
      owner: {
        ingressName: porter,
        serviceName: porter,
        servicePort: 80,
        paths: ['/'],
        tls: OwnerTls.porter('cloud', env, 'cloud'),
      },
      hosts: HOSTS[env],
      routes: ['/glasses-ws', '/app-ws'].map((path) => Route.websocket(path, {
        idleTimeout: Duration.seconds(3600),
        connectTimeout: Duration.seconds(60),
        // The seed never mentions an application ping: it says the glasses WebSocket goes quiet
        // ("no client -> server data after audio moved to UDP", "The 035 Fix Explained"). A 3600 s
        // nginx timeout alone does not keep a quiet socket alive behind the hops below, so the app
        // must send a heartbeat: every 30 s, as ../shared/notes/reliability.md section 6b
        // recommends (it keeps both Cloudflare and Azure LB flows alive). This is a requirement
        // on the Mentra clients/servers, declared here so the budget is checked; it renders nothing.
        heartbeatInterval: Duration.seconds(30),
      })),
      // The hops a WebSocket crosses before ingress-nginx (seed, "How It All Connects": "Cloudflare
      // Edge ... Cloudflare maintains two TCP connections: Phone <-> Cloudflare edge, Cloudflare edge
      // <-> our cluster"), then the Azure Load Balancer of the AKS ingress-nginx Service (4 min
      // idle by default). Each must stay open for at least two heartbeats.
      hops: [Hop.cloudflare(), Hop.azureLoadBalancer(Duration.minutes(4))],
    });
    new UdpLoadBalancer(chart, 'UdpAudio', {
      name: `cloud-${env}-udp`,
      // Porter's pods carry the Helm release label `app.kubernetes.io/instance: cloud-<env>`;
      // a selector is not ownership metadata (the Service itself carries no Helm labels).
      selector: { 'app.kubernetes.io/instance': `cloud-${env}` },
      ports: [{ name: 'audio', port: 8000, targetPort: 8000 }],
      preset: target.loadBalancer, // LoadBalancerPreset.aks() on every Mentra cluster
      labels: { 'app.kubernetes.io/name': 'cloud', 'app.kubernetes.io/part-of': 'mentra-cloud' },
    });
  },
});
