// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { Chart } from 'cdk8s';
import { AppSpec, ClusterProvider, Fleet, OwnedNamespace, RealtimeService, argoCdApps } from 'cdk8s-realtime';

const fleet = new Fleet({ clusters: [{ name: 'eu-west', envs: ['prod'], provider: ClusterProvider.aks() }] });
const game: AppSpec = fleet.app({
  name: 'game',
  source: 'main.ts',
  namespace: 'game',
  define: (chart: Chart) => {
    new OwnedNamespace(chart, 'Namespace');
    new RealtimeService(chart, 'Server', { name: 'game-server', image: 'ghcr.io/example/game-server:1.0.0', http: { port: 8080 } });
  },
});

export const apps: AppSpec[] = [
  game,
  argoCdApps({
    source: 'main.ts',
    apps: [game],
    repoURL: 'https://git.example.com/platform/realtime.git',
    targetRevision: 'main',
    root: 'realtime-apps',          // an "app of apps" that syncs dist/argocd/ itself
  }),
];
