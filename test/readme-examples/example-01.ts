// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
// What `npx cdk8s-realtime synth` writes to dist/: every AppSpec in `apps` becomes
// dist/<app>/<cluster>/<env>/, one YAML file per object. Review a change with
// `npx cdk8s-realtime diff` before committing; CI runs `npx cdk8s-realtime check`.
import { Duration } from 'cdk8s';
import { ClusterProvider, Fleet, NamespaceIsolation, OwnedNamespace, RealtimeService, Route, UdpRouting } from 'cdk8s-realtime';

/** The clusters and their environments; each cluster's provider picks its UDP LoadBalancer preset. */
export const fleet = new Fleet({
  clusters: [
    { name: 'eu-west', envs: ['staging', 'prod'], provider: ClusterProvider.aks() },
    { name: 'us-east', envs: ['prod'], provider: ClusterProvider.gke() },
  ],
});

export const apps = [
  fleet.app({
    name: 'game',
    source: 'main.ts',
    // One namespace per environment: two environments on one cluster must not share objects.
    namespace: (target) => `game-${target.env}`,
    define: (chart, target) => {
      // The app owns its namespace: the Namespace object (Pod Security "restricted") is in each folder,
      // so the folder applies to an empty cluster on its own.
      new OwnedNamespace(chart, 'Namespace');
      // Deny all traffic in the namespace except what each workload's own policy allows.
      new NamespaceIsolation(chart, 'Isolation');
      new RealtimeService(chart, 'Server', {
        name: 'game-server',
        image: 'ghcr.io/example/game-server:1.0.0',
        http: { port: 8080 },
        websocket: { port: 8081 },
        udp: { port: 7777, preset: target.loadBalancer, routing: UdpRouting.clientIpAffinity() },
        replicas: target.env === 'prod' ? 3 : 2,
        routes: {
          controller: target.ingress,
          hosts: [`game-${target.env}.${target.cluster}.example.com`],
          routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })],
        },
      });
    },
  }),
];
