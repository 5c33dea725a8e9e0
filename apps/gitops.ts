// Argo CD Applications for every reference app: one per app, cluster and env, each syncing the
// folder the synthesizer writes for it (dist/<app>/<cluster>/<env>, or dist/<app>), plus a root
// "app of apps" that syncs dist/argocd/ itself so removed targets are pruned too.
// Literal example values: point repoURL at the repository that holds this dist/.
import { AppSpec, argoCdApps } from '../lib';

/** The Argo CD app for the given workload apps (apps/index.ts passes every one of them). */
export function gitopsFor(apps: AppSpec[]): AppSpec {
  return argoCdApps({
    name: 'argocd',
    source: 'apps/gitops.ts',
    apps,
    repoURL: 'https://git.example.com/platform/realtime.git',
    targetRevision: 'main',
    root: 'realtime-apps',
  });
}
