// S1: Mentra cloud (../shared/seeds/000_a6bfa3f9b0753a1b.txt).
// Porter owns each environment's Deployment, Service `cloud-<env>-cloud` (NodePort 80) and Ingress
// `cloud-<env>-cloud` on `/` with 60 s timeouts. We own what Porter cannot do, which used to be
// applied by hand and lost on a cluster rebuild:
//   - the WebSocket overlay `cloud-<env>-cloud-ws` for /glasses-ws and /app-ws (3600 s read/send);
//   - the UDP audio LoadBalancer `cloud-<env>-udp` on 8000/UDP.
import { Duration } from 'cdk8s';
import { AppSpec, IngressController, LoadBalancerPreset, ManagedIngressOverlay, OwnerTls, Route, UdpLoadBalancer } from '../lib';

/** Hosts of Porter's `cloud-<env>-cloud` Ingress per environment (seed, "Our Ingress resources"). */
const HOSTS: Record<string, string[]> = {
  debug: ['debug.augmentos.cloud', 'debugapi.mentra.glass'],
  dev: ['dev.augmentos.cloud', 'devapi.mentra.glass'],
  staging: ['stagingapi.mentraglass.com'],
  // The prod deploy workflow pushes the same porter.yaml to all three clusters.
  prod: ['api.mentra.glass', 'global.augmentos.cloud'],
};

export const mentraCloud: AppSpec = {
  name: 'mentra-cloud',
  source: 'apps/mentra-cloud.ts',
  namespace: 'default', // Porter deploys into `default`.
  targets: [
    { cluster: 'us-central', env: 'debug' },
    { cluster: 'us-central', env: 'dev' },
    { cluster: 'us-central', env: 'staging' },
    { cluster: 'us-central', env: 'prod' },
    { cluster: 'east-asia', env: 'prod' },
    { cluster: 'france', env: 'prod' },
  ],
  define: (chart, target) => {
    const env = target!.env;
    const porter = `cloud-${env}-cloud`; // Porter's Ingress and Service names
    new ManagedIngressOverlay(chart, 'WebSocketOverlay', {
      name: `${porter}-ws`,
      controller: IngressController.nginx({ className: 'nginx' }),
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
      })),
    });
    new UdpLoadBalancer(chart, 'UdpAudio', {
      name: `cloud-${env}-udp`,
      // Porter's pods carry the Helm release label `app.kubernetes.io/instance: cloud-<env>`;
      // a selector is not ownership metadata (the Service itself carries no Helm labels).
      selector: { 'app.kubernetes.io/instance': `cloud-${env}` },
      ports: [{ name: 'audio', port: 8000, targetPort: 8000 }],
      preset: LoadBalancerPreset.aks(),
      labels: { 'app.kubernetes.io/name': 'cloud', 'app.kubernetes.io/part-of': 'mentra-cloud' },
    });
  },
};
