import { ApiObject } from 'cdk8s';
import { ClusterProvider, Fleet, IngressController, LoadBalancerPreset, synthesize } from '../lib';
import { exactly } from './util';

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
