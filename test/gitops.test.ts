// A Fleet's clusters and environments (the targets each app is written for) and the Argo CD
// Applications that sync each target's folder of dist/.
import { ApiObject, App, Chart } from 'cdk8s';
import { parseDocument } from 'yaml';
import {
  AppSpec, ArgoCdApplication, ArgoCdApplicationProps, ArgoCdCluster, ClusterProvider, Fleet, IngressController,
  LoadBalancerPreset, SYNC_WAVE_ANNOTATION, applySyncWaves, argoCdApps, checkObject, setSyncWave, synthesize,
} from '../lib';
import { APPS, WORKLOAD_APPS } from '../apps';
import { exactly } from './util';

const gitops = APPS.find((a) => a.name === 'argocd')!;

/* eslint-disable @typescript-eslint/no-explicit-any */
const chart = () => new Chart(new App(), 'test', { namespace: 'argocd' });
const cm = (c: Chart, id: string, kind = 'ConfigMap', namespace: string | undefined = 'demo') =>
  new ApiObject(c, id, { apiVersion: kind === 'ConfigMap' ? 'v1' : 'x/v1', kind, metadata: { name: id.toLowerCase(), ...(namespace ? { namespace } : {}) } });
const base: ArgoCdApplicationProps = {
  name: 'demo-c1-prod',
  repoURL: 'https://git.example.com/platform/realtime.git',
  targetRevision: 'main',
  path: 'dist/demo/c1/prod',
  destination: ArgoCdCluster.named('c1'),
};
const demo: AppSpec = { name: 'demo', source: 'test', namespace: 'demo', targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c2', env: 'prod' }], define: () => undefined };
const single: AppSpec = { name: 'solo', source: 'test', namespace: 'solo', define: () => undefined };

describe('ArgoCdApplication', () => {
  test('syncs one dist/ folder with automated prune and self-heal, server-side apply and retries', () => {
    // GIVEN / WHEN
    const app = new ArgoCdApplication(chart(), 'App', base);
    // THEN
    expect(app.resource.toJson()).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'demo-c1-prod', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/platform/realtime.git', targetRevision: 'main', path: 'dist/demo/c1/prod', directory: { recurse: false, include: '*.yaml' } },
        destination: { name: 'c1' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
      },
    });
  });

  test('all props: server destination, namespace, project, sync wave, labels, no prune', () => {
    const all: Required<ArgoCdApplicationProps> = {
      ...base, namespace: 'gitops', project: 'realtime', destination: ArgoCdCluster.inCluster(), destinationNamespace: 'demo',
      prune: false, selfHeal: false, syncWave: -1, labels: { team: 'rt' },
    };
    const json = new ArgoCdApplication(chart(), 'App', all).resource.toJson();
    expect(json.metadata).toEqual({ name: 'demo-c1-prod', namespace: 'gitops', labels: { team: 'rt' }, annotations: { [SYNC_WAVE_ANNOTATION]: '-1' } });
    expect(json.spec.project).toBe('realtime');
    expect(json.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'demo' });
    expect(json.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
  });

  test('passes the synthesizer\'s core rules (no schema for custom resources)', () => {
    const app = new ArgoCdApplication(chart(), 'App', base);
    expect(checkObject({ path: app.node.path, json: app.resource.toJson() })).toEqual([]);
  });

  test('fails when the name is not a DNS-1123 label', () => {
    expect(() => new ArgoCdApplication(chart(), 'App', { ...base, name: `${'a'.repeat(60)}-prod` })).toThrow(
      `[test/App] ArgoCdApplication 'name' is "${'a'.repeat(60)}-prod": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters): Argo CD uses the Application name as a label value. Fix: shorten the app, cluster or env name`);
  });

  test('fails when the repoURL is not a Git URL', () => {
    expect(() => new ArgoCdApplication(chart(), 'App', { ...base, repoURL: 'git.example.com/x.git' })).toThrow(
      '[test/App] ArgoCdApplication \'repoURL\' is "git.example.com/x.git": must be an https://, ssh:// or git@ Git URL without spaces. Fix: use e.g. "https://git.example.com/platform/realtime.git"');
  });

  test('fails when the path leaves the repository', () => {
    expect(() => new ArgoCdApplication(chart(), 'App', { ...base, path: 'dist/../secrets' })).toThrow(
      '[test/App] ArgoCdApplication \'path\' is "dist/../secrets": must be a relative folder of the repository without "." or ".." segments. Fix: use e.g. "dist/mentra-cloud/us-central/prod"');
  });

  test('fails when the targetRevision has a space', () => {
    expect(() => new ArgoCdApplication(chart(), 'App', { ...base, targetRevision: 'my branch' })).toThrow(/'targetRevision' is "my branch": must be a branch, tag or commit/);
  });
});

describe('argoCdApps', () => {
  const props = { source: 'apps/gitops.ts', repoURL: 'https://git.example.com/p.git', targetRevision: 'v1.2.0' };

  test('one Application per app and target, in dist/argocd/, pointing at the synthesizer\'s folders', () => {
    const files = synthesize([argoCdApps({ ...props, apps: [demo, single] })]).files;
    expect([...files.keys()]).toEqual([
      'argocd/PREREQUISITES.md',
      'argocd/argocd.application.demo-c1-dev.yaml',
      'argocd/argocd.application.demo-c2-prod.yaml',
      'argocd/argocd.application.solo.yaml',
    ]);
    // Argo CD's namespace and its Application CRD are the folder's prerequisites, never emitted
    expect(files.get('argocd/PREREQUISITES.md')).toContain('| `argocd` | Argo CD (its installation creates it) |');
    expect(files.get('argocd/PREREQUISITES.md')).toContain('| `Application` | `argoproj.io/v1alpha1` |');
    const spec = (f: string) => parseDocument(files.get(f)!).toJSON().spec;
    expect(spec('argocd/argocd.application.demo-c2-prod.yaml')).toMatchObject({ source: { path: 'dist/demo/c2/prod', targetRevision: 'v1.2.0' }, destination: { name: 'c2' } });
    expect(spec('argocd/argocd.application.solo.yaml')).toMatchObject({ source: { path: 'dist/solo' }, destination: { server: 'https://kubernetes.default.svc' } });
  });

  test('a root Application syncs the Applications\' own folder; folder, namespace, distPath and destination are props', () => {
    const files = synthesize([argoCdApps({
      ...props, apps: [demo], name: 'gitops', namespace: 'cd', distPath: 'deploy/dist/', root: 'root',
      destination: (_app, t) => ArgoCdCluster.server(`https://${t!.cluster}.k8s.example.com`),
    })]).files;
    expect([...files.keys()]).toEqual(['gitops/PREREQUISITES.md', 'gitops/cd.application.demo-c1-dev.yaml', 'gitops/cd.application.demo-c2-prod.yaml', 'gitops/cd.application.root.yaml']);
    const root = parseDocument(files.get('gitops/cd.application.root.yaml')!).toJSON();
    expect(root.spec.source.path).toBe('deploy/dist/gitops');
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
    expect(parseDocument(files.get('gitops/cd.application.demo-c1-dev.yaml')!).toJSON().spec.destination).toEqual({ server: 'https://c1.k8s.example.com' });
  });

  test('fails when an app, cluster and env give a name longer than 63 characters', () => {
    const long: AppSpec = { ...demo, name: 'a'.repeat(40), targets: [{ cluster: 'b'.repeat(20), env: 'prod' }] };
    expect(() => synthesize([argoCdApps({ ...props, apps: [long] })])).toThrow(/ArgoCdApplication 'name' is "a{40}-b{20}-prod": must be a DNS-1123 label/);
  });

  test('the reference gitops app covers every target of every reference app', () => {
    const files = synthesize([gitops]).files;
    const expected = WORKLOAD_APPS.flatMap((a) => (a.targets ? a.targets.map((t) => `${a.name}-${t.cluster}-${t.env}`) : [a.name]));
    expect([...files.keys()].filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/^argocd\/argocd\.application\.|\.yaml$/g, '')).sort()).toEqual([...expected, 'realtime-apps'].sort());
    expect(expected).toEqual(expect.arrayContaining(['mentra-cloud-us-central-prod', 'mentra-cloud-france-prod', 'nexus-runtime', 'kortix-api', 'homelab-traefik-cluster-a-prod']));
    for (const [f, text] of files) if (f.endsWith('.yaml')) expect(text).toContain('repoURL: https://git.example.com/platform/realtime.git');
  });

  test('snapshot of one reference Application', () => {
    expect(synthesize([gitops]).files.get('argocd/argocd.application.mentra-cloud-us-central-prod.yaml')).toMatchSnapshot();
  });
});

describe('sync waves', () => {
  test('applySyncWaves puts Namespaces and CRDs first and leaves other kinds and explicit waves alone', () => {
    // GIVEN
    const c = chart();
    cm(c, 'Ns', 'Namespace', undefined);
    cm(c, 'Crd', 'CustomResourceDefinition', undefined);
    cm(c, 'Cfg');
    const pinned = cm(c, 'Pinned', 'Namespace', undefined);
    setSyncWave(pinned, 5);
    // WHEN
    const tagged = applySyncWaves(c);
    // THEN
    const wave = (id: string) => (c.node.findChild(id) as ApiObject).toJson().metadata.annotations?.[SYNC_WAVE_ANNOTATION];
    expect(tagged).toBe(2);
    expect([wave('Ns'), wave('Crd'), wave('Cfg'), wave('Pinned')]).toEqual(['-2', '-2', undefined, '5']);
  });

  test('setSyncWave tags every object under a construct', () => {
    const c = chart();
    cm(c, 'A');
    cm(c, 'B');
    setSyncWave(c, 3);
    expect(c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject).map((o) => o.toJson().metadata.annotations)).toEqual([
      { [SYNC_WAVE_ANNOTATION]: '3' }, { [SYNC_WAVE_ANNOTATION]: '3' },
    ]);
  });

  test('fails when a wave is not a whole number', () => {
    const c = chart();
    expect(() => setSyncWave(cm(c, 'A'), 1.5)).toThrow("[test/A] SyncWave 'wave' is 1.5: must be a whole number from -1000 to 1000. Fix: pass e.g. -1 to apply before the default wave 0");
  });
});

const CLUSTERS = [
  { name: 'us-central', envs: ['debug', 'dev', 'staging', 'prod'], provider: ClusterProvider.aks() },
  { name: 'east-asia', envs: ['prod'], provider: ClusterProvider.eks(), ingress: IngressController.traefik({ namespace: 'traefik' }) },
  { name: 'lab', envs: ['prod'], provider: ClusterProvider.metalLb(), loadBalancer: LoadBalancerPreset.metalLb({ addressPool: 'public' }) },
];

describe('Fleet', () => {
  const fleet = new Fleet({ clusters: CLUSTERS });

  test('targets are every cluster x env, cluster by cluster in declaration order', () => {
    expect(fleet.targets.map((t) => `${t.cluster}/${t.env}`)).toEqual(['us-central/debug', 'us-central/dev', 'us-central/staging', 'us-central/prod', 'east-asia/prod', 'lab/prod']);
  });

  test('of() gives the cluster settings: the provider\'s preset unless overridden, nginx unless another controller is set', () => {
    expect(fleet.of({ cluster: 'us-central', env: 'dev' }).loadBalancer.name).toBe('aks');
    expect(fleet.of({ cluster: 'us-central', env: 'dev' }).ingress.kind).toBe('nginx');
    expect(fleet.of({ cluster: 'east-asia', env: 'prod' }).loadBalancer.name).toBe('eks-nlb');
    expect(fleet.of({ cluster: 'east-asia', env: 'prod' }).ingress.kind).toBe('traefik');
    expect(fleet.of({ cluster: 'lab', env: 'prod' }).loadBalancer.annotations).toEqual({ 'metallb.universe.tf/address-pool': 'public' });
    expect(new Fleet({ clusters: [{ name: 'x', envs: ['prod'], provider: ClusterProvider.gke() }] }).targets[0].loadBalancer.name).toBe('gke');
    expect(new Fleet({ clusters: [{ name: 'x', envs: ['prod'], provider: ClusterProvider.other('kind') }] }).targets[0].loadBalancer.name).toBe('none');
  });

  test('app() writes dist/<app>/<cluster>/<env>/ through the synthesizer, handing define the cluster settings', () => {
    const seen: string[] = [];
    const spec = fleet.app({
      name: 'demo',
      source: 'test/fleet.test.ts',
      namespace: (t) => `demo-${t.env}`,
      externalNamespaces: [{ name: 'demo-prod', owner: 'the platform team' }],
      envs: ['prod'],
      define: (chart, t) => {
        seen.push(`${t.cluster}/${t.env}:${t.loadBalancer.name}:${t.ingress.kind}`);
        new ApiObject(chart, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { preset: t.loadBalancer.name } });
      },
      extraFiles: (_chart, t) => [{ name: 'NOTES.txt', content: `${t.provider.name}\n` }],
    });
    expect(spec.targets).toEqual([{ cluster: 'us-central', env: 'prod' }, { cluster: 'east-asia', env: 'prod' }, { cluster: 'lab', env: 'prod' }]);
    const files = synthesize([spec]).files;
    expect([...files.keys()]).toEqual([
      'demo/east-asia/prod/NOTES.txt', 'demo/east-asia/prod/PREREQUISITES.md', 'demo/east-asia/prod/demo-prod.configmap.settings.yaml',
      'demo/lab/prod/NOTES.txt', 'demo/lab/prod/PREREQUISITES.md', 'demo/lab/prod/demo-prod.configmap.settings.yaml',
      'demo/us-central/prod/NOTES.txt', 'demo/us-central/prod/PREREQUISITES.md', 'demo/us-central/prod/demo-prod.configmap.settings.yaml',
    ]);
    // externalNamespaces passes through Fleet.app() into each folder's prerequisites
    expect(files.get('demo/lab/prod/PREREQUISITES.md')).toContain('| `demo-prod` | the platform team |');
    expect(files.get('demo/east-asia/prod/demo-prod.configmap.settings.yaml')).toContain('preset: eks-nlb');
    expect(seen).toEqual(['us-central/prod:aks:nginx', 'east-asia/prod:eks-nlb:traefik', 'lab/prod:metallb:nginx']);
  });

  describe('fails when', () => {
    test('fails when a cluster name repeats', () => {
      expect(() => new Fleet({ clusters: [CLUSTERS[0], { ...CLUSTERS[1], name: 'us-central' }] })).toThrow(exactly(
        '[Fleet] Fleet \'clusters[1].name\' is "us-central": must be unique in the fleet. Fix: merge the two entries\' envs, or rename one'));
    });

    test('fails when an environment is not a DNS-1123 label', () => {
      expect(() => new Fleet({ clusters: [{ name: 'us', envs: ['Prod'], provider: ClusterProvider.aks() }] })).toThrow(exactly(
        '[Fleet] Fleet \'clusters[0].envs[0]\' is "Prod": must be a DNS-1123 label. Fix: rename the environment, e.g. "prod"'));
    });

    test('fails when a cluster has no environment', () => {
      expect(() => new Fleet({ clusters: [{ name: 'us', envs: [], provider: ClusterProvider.aks() }] })).toThrow(exactly(
        '[Fleet] Fleet \'clusters[0].envs\' is []: must list at least one environment. Fix: add e.g. "prod"'));
    });

    test('fails when an environment repeats on a cluster', () => {
      expect(() => new Fleet({ clusters: [{ name: 'us', envs: ['prod', 'prod'], provider: ClusterProvider.aks() }] })).toThrow(exactly(
        '[Fleet] Fleet \'clusters[0].envs[1]\' is "prod": must be unique on cluster us. Fix: remove the duplicate'));
    });

    test('fails when a target is not in the fleet', () => {
      expect(() => fleet.of({ cluster: 'france', env: 'prod' })).toThrow(exactly(
        '[Fleet] Fleet \'target\' is "france/prod": must be one of the fleet\'s targets (us-central/debug, us-central/dev, us-central/staging, us-central/prod, east-asia/prod, lab/prod). Fix: add the environment to the cluster in the Fleet'));
    });

    test('fails when an app asks for an environment the fleet lacks', () => {
      expect(() => fleet.app({ name: 'demo', source: 'x', envs: ['qa'], define: () => undefined })).toThrow(exactly(
        '[demo] Fleet \'envs\' is "qa": must be an environment of the fleet (debug, dev, staging, prod). Fix: fix the name or add the environment to a cluster'));
    });
  });
});
