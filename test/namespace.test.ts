// Namespaces: an app emits the Namespace objects it owns (Pod Security labels, first sync wave),
// declares the ones someone else creates, and the synthesizer refuses a folder that uses a
// namespace it neither owns nor declares, so every dist/ folder applies to a cluster on its own.
import { ApiObject, Chart } from 'cdk8s';
import {
  AppSpec, MediaServer, OwnedNamespace, PodSecurityLevel, synthesize,
} from '../lib';
import { chart, committedDist, exactly, find } from './util';

const cm = (chart: Chart, id: string, namespace: string) => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase(), namespace }, data: { a: 'b' } });
const app = (define: AppSpec['define'], extra: Partial<AppSpec> = {}): AppSpec => ({ name: 'demo', source: 'test/namespace.test.ts', namespace: 'demo', define, ...extra });
const psa = (level: string) => Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((m) => [[`pod-security.kubernetes.io/${m}`, level], [`pod-security.kubernetes.io/${m}-version`, 'latest']]));

describe('OwnedNamespace', () => {
  test('emits the Chart\'s namespace, cluster-scoped, "restricted" in all three modes, in sync wave -2', () => {
    const c = chart();
    const ns = new OwnedNamespace(c, 'Namespace');
    expect(ns.name).toBe('demo');
    expect(find(c, 'Namespace', 'demo')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', labels: psa('restricted'), annotations: { 'argocd.argoproj.io/sync-wave': '-2' } },
    });
  });

  test('a level other than restricted carries its reason', () => {
    const c = chart();
    new OwnedNamespace(c, 'Namespace', { name: 'media', podSecurity: PodSecurityLevel.baseline('hostPath for the GPU driver socket'), labels: { team: 'media' } });
    expect(find(c, 'Namespace', 'media').metadata).toEqual({
      name: 'media',
      labels: { team: 'media', ...psa('baseline') },
      annotations: { 'argocd.argoproj.io/sync-wave': '-2', 'cdk8s-realtime.io/pod-security-reason': 'hostPath for the GPU driver socket' },
    });
  });

  test('fails when the namespace is default or kube-*', () => {
    expect(() => new OwnedNamespace(chart(), 'Namespace', { name: 'default' })).toThrow(exactly(
      '[test/Namespace] OwnedNamespace \'name\' is "default": must not be "default" or start with "kube-": those namespaces belong to the cluster, and an app that emits one takes it over (its labels) and prunes it with the app. '
      + 'Fix: declare it in the AppSpec instead (externalNamespaces: [{ name: "default", owner: "the cluster" }]) and emit no Namespace object for it'));
    expect(() => new OwnedNamespace(chart(), 'Namespace', { name: 'kube-system' })).toThrow(/OwnedNamespace 'name' is "kube-system": must not be "default"/);
  });

  test('fails when a relaxed level has no reason (also from plain JavaScript)', () => {
    expect(() => new OwnedNamespace(chart(), 'Namespace', { podSecurity: PodSecurityLevel.privileged(' ') })).toThrow(exactly(
      '[test/Namespace] OwnedNamespace \'podSecurity.reason\' is " ": must be a sentence saying why the namespace is "privileged" and not "restricted". '
      + 'Fix: pass it: PodSecurityLevel.privileged("<which pod needs what, e.g. hostNetwork for a UDP port range>")'));
    expect(() => new OwnedNamespace(chart(), 'Namespace', { podSecurity: 'privileged' as never })).toThrow(exactly(
      '[test/Namespace] OwnedNamespace \'podSecurity\' is "privileged": must be a PodSecurityLevel. Fix: use PodSecurityLevel.restricted(), .baseline(reason) or .privileged(reason)'));
  });

  test('fails when a Pod Security label is passed as an extra label', () => {
    expect(() => new OwnedNamespace(chart(), 'Namespace', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } })).toThrow(exactly(
      '[test/Namespace] OwnedNamespace \'labels["pod-security.kubernetes.io/enforce"]\' is "pod-security.kubernetes.io/enforce": must not be a Pod Security label (set podSecurity instead). Fix: remove the "pod-security.kubernetes.io/enforce" key'));
  });

  test('MediaServer fails when it would emit a privileged Namespace for default', () => {
    expect(() => new MediaServer(chart(), 'Media', { name: 'livekit', namespace: 'default', image: 'livekit/livekit-server:v1.9.1', nodes: { nodeSelector: { pool: 'media' }, subnet: '10.0.0.0/16' } })).toThrow(exactly(
      '[test/Media] MediaServer \'namespace\' is "default": must be a namespace of its own, not "default" or "kube-*": hostNetwork needs Pod Security "privileged", and this construct would emit that Namespace object, taking over a namespace the cluster owns. '
      + 'Fix: use a dedicated namespace such as "livekit" (put nothing else in it), or set namespaceObject: false if "default" is already labelled privileged by its owner'));
  });
});

describe('namespace ownership in the synthesizer', () => {
  test('fails when an object uses a namespace the folder neither owns nor declares external (one problem per namespace)', () => {
    expect(() => synthesize([app((c) => { cm(c, 'A', 'demo'); cm(c, 'B', 'demo'); }, { targets: [{ cluster: 'c1', env: 'prod' }] })])).toThrow(exactly(
      '[demo-c1-prod/A] ConfigMap demo/a \'metadata.namespace\' is "demo": must be a namespace that dist/demo/c1/prod/ owns (a Namespace object in the same folder) or that the app declares external, so the folder applies to a cluster on its own. '
      + 'Fix: if the app owns "demo", add new OwnedNamespace(chart, \'Namespace\', { name: "demo" }); if someone else creates it, add { name: "demo", owner: "<who>" } to the AppSpec\'s externalNamespaces'));
  });

  test('a namespace owned in one folder does not count for another', () => {
    // GIVEN two targets, and only the first emits the Namespace
    const spec = app((c, t) => { if (t!.env === 'dev') new OwnedNamespace(c, 'Namespace'); cm(c, 'A', 'demo'); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c1', env: 'prod' }] });
    // THEN the second folder is refused
    expect(() => synthesize([spec])).toThrow(/^\[demo-c1-prod\/A\] ConfigMap demo\/a 'metadata.namespace' is "demo": must be a namespace that dist\/demo\/c1\/prod\/ owns/);
  });

  test('fails when a folder emits a Namespace object for default or kube-*, however it is made', () => {
    const raw = (name: string) => (c: Chart) => { new ApiObject(c, 'Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }); };
    expect(() => synthesize([app(raw('default'), { namespace: undefined })])).toThrow(exactly(
      '[demo/Ns] Namespace default \'metadata.name\' is "default": must not be "default" or "kube-*": those namespaces belong to the cluster, and emitting one takes it over (its labels) and prunes it with the app. '
      + 'Fix: remove the Namespace object and declare the namespace in the AppSpec: externalNamespaces: [{ name: "default", owner: "the cluster" }]'));
    expect(() => synthesize([app(raw('kube-public'), { namespace: undefined })])).toThrow(/Namespace kube-public 'metadata.name' is "kube-public": must not be "default" or "kube-\*"/);
  });

  test('fails when a folder emits a namespace the app declares external', () => {
    expect(() => synthesize([app((c) => { new OwnedNamespace(c, 'Namespace'); }, { externalNamespaces: [{ name: 'demo', owner: 'Porter' }] })])).toThrow(exactly(
      '[demo/Namespace/Resource] Namespace demo \'metadata.name\' is "demo": must not be a namespace the app declares external (created by Porter). Fix: remove the Namespace object, or remove the namespace from externalNamespaces if the app owns it'));
  });

  test('fails on a malformed externalNamespaces entry (also from plain JavaScript)', () => {
    const ext = (externalNamespaces: unknown) => () => synthesize([app(() => undefined, { externalNamespaces: externalNamespaces as never })]);
    expect(ext([{ name: 'Porter NS', owner: 'Porter' }])).toThrow(exactly(
      '[demo] AppSpec \'externalNamespaces[0].name\' is "Porter NS": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use the namespace\'s real name, e.g. "default"'));
    expect(ext([{ name: 'default' }])).toThrow(exactly(
      '[demo] AppSpec \'externalNamespaces[0].owner\' is not set: must say who creates the namespace, in one line without "|" or backticks (it goes into PREREQUISITES.md). Fix: e.g. owner: "Porter (it deploys every app into default)"'));
    expect(ext([{ name: 'default', owner: 'a' }, { name: 'default', owner: 'b' }])).toThrow(exactly(
      '[demo] AppSpec \'externalNamespaces[1].name\' is "default": must be listed once. Fix: remove the duplicate'));
  });

  test('PREREQUISITES.md lists the external namespaces a folder uses and the custom resource kinds it needs', () => {
    const files = synthesize([app((c) => {
      new OwnedNamespace(c, 'Namespace');
      cm(c, 'A', 'demo');
      cm(c, 'B', 'shared');
      new ApiObject(c, 'Es', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'env', namespace: 'demo' }, spec: {} });
    }, { externalNamespaces: [{ name: 'shared', owner: 'the platform team' }, { name: 'unused', owner: 'nobody here' }] })]).files;
    expect(files.get('demo/PREREQUISITES.md')).toBe([
      '<!-- Generated by cdk8s-realtime from test/namespace.test.ts. Do not edit: run `npx cdk8s-realtime synth`. -->',
      '# Prerequisites of this folder',
      '',
      'What the cluster must already have before this folder is applied (`kubectl apply --server-side -f .`, or',
      'its Argo CD Application). Nothing in the folder creates them. Every other namespace its objects use',
      'is a Namespace object in the folder.',
      '',
      '## Namespaces created by someone else',
      '',
      '| namespace | created by |',
      '| --- | --- |',
      '| `shared` | the platform team |',
      '',
      '## Custom resource definitions (and the controllers that serve them)',
      '',
      '| kind | apiVersion |',
      '| --- | --- |',
      '| `ExternalSecret` | `external-secrets.io/v1` |',
      '',
    ].join('\n'));
  });

  test('every reference app: each folder owns or declares every namespace it uses, and none emits default or kube-*', () => {
    const files = committedDist(); // what the reference apps synthesize (test/synthesizer.test.ts)
    const folders = new Map<string, { owned: string[]; used: Set<string>; external: string[] }>();
    for (const [f, text] of files) {
      const dir = f.slice(0, f.lastIndexOf('/'));
      const entry = folders.get(dir) ?? { owned: [], used: new Set<string>(), external: [] };
      folders.set(dir, entry);
      if (f.endsWith('/PREREQUISITES.md')) entry.external.push(...[...text.matchAll(/^\| `([a-z0-9-]+)` \| (?!`)/gm)].map((m) => m[1]));
      if (!f.endsWith('.yaml')) continue;
      const kind = /^kind: (\S+)$/m.exec(text)![1];
      const name = /^ {2}name: (\S+)$/m.exec(text)![1];
      const ns = /^ {2}namespace: (\S+)$/m.exec(text)?.[1];
      if (kind === 'Namespace') entry.owned.push(name);
      if (ns) entry.used.add(ns);
    }
    const summary = Object.fromEntries([...folders].filter(([, e]) => e.used.size).map(([dir, e]) => [dir, { owned: e.owned.sort(), external: e.external.sort() }]));
    expect(summary).toEqual({
      'argocd': { owned: [], external: ['argocd'] },
      'homelab-traefik/cluster-a/prod': { owned: ['homepage'], external: [] },
      'homelab-traefik/cluster-b/prod': { owned: ['homepage'], external: [] },
      'homelab-traefik/cluster-c/prod': { owned: ['homepage'], external: [] },
      'kortix-api': { owned: ['suna'], external: [] },
      'mentra-cloud/east-asia/prod': { owned: [], external: ['default'] },
      'mentra-cloud/france/prod': { owned: [], external: ['default'] },
      'mentra-cloud/us-central/debug': { owned: [], external: ['default'] },
      'mentra-cloud/us-central/dev': { owned: [], external: ['default'] },
      'mentra-cloud/us-central/prod': { owned: [], external: ['default'] },
      'mentra-cloud/us-central/staging': { owned: [], external: ['default'] },
      'nexus-runtime': { owned: ['nexus-runtime'], external: [] },
      'nexus-runtime-gateway': { owned: ['nexus-runtime'], external: [] },
      'voice-agents/aks-eastus-staging/staging': { owned: ['livekit', 'voice-agents'], external: [] },
      'voice-agents/aks-eastus/prod': { owned: ['livekit', 'voice-agents'], external: [] },
    });
    for (const [dir, e] of folders) for (const ns of e.used) expect(`${dir}: ${ns} ${[...e.owned, ...e.external].includes(ns)}`).toBe(`${dir}: ${ns} true`);
  });
});
