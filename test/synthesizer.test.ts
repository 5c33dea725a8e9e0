import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { App } from 'cdk8s';
import { AppSpec, ClusterProvider, Fleet, GENERATED_MARKER, RealtimeConfigError, diffDist, fileName, synthesize, synthesizeEach, synthesizeToDist, writeDist } from '../lib';
import { APPS, REGENERATE } from '../apps';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8srt-'));
/** One synthesis of every reference app (with this repository's headers), shared by the tests that only read it. */
let shared: ReturnType<typeof synthesize> | undefined;
const allApps = () => (shared ??= synthesize(APPS, { regenerate: REGENERATE }));

function raw(chart: Chart, id: string, json: Record<string, unknown>): ApiObject {
  return new ApiObject(chart, id, json as never);
}

const cm = (name: string, ns = 'demo', data: Record<string, string> = { a: 'b' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

/** The namespaces these tests' objects use, declared external (created by someone else). */
const EXTERNAL = ['demo', 'one', 'two', 'other-ns', 'demo-dev', 'demo-prod', 'elsewhere'].map((name) => ({ name, owner: 'the test' }));

function spec(define: AppSpec['define'], extra: Partial<AppSpec> = {}): AppSpec {
  return { name: 'demo', source: 'test/synthesizer.test.ts', namespace: 'demo', externalNamespaces: EXTERNAL, define, ...extra };
}

describe('synthesize', () => {
  test('writes one file per object named by namespace, kind and name, under dist/<app>/<cluster>/<env>/', () => {
    // GIVEN an app with a cluster x env matrix
    const app = spec((chart, t) => { raw(chart, 'A', cm(`cfg-${t!.env}`)); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c2', env: 'prod' }] });
    // WHEN
    const result = synthesize([app]);
    // THEN
    expect([...result.files.keys()]).toEqual(['demo/c1/dev/PREREQUISITES.md', 'demo/c1/dev/demo.configmap.cfg-dev.yaml', 'demo/c2/prod/PREREQUISITES.md', 'demo/c2/prod/demo.configmap.cfg-prod.yaml']);
    expect(result).toMatchObject({ apps: 1, clusters: 2, envs: 2, charts: 2, objects: 2 });
  });

  test('an app without a matrix writes to dist/<app>/', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'A', cm('x')); })]);
    expect([...result.files.keys()]).toEqual(['demo/PREREQUISITES.md', 'demo/demo.configmap.x.yaml']);
  });

  test('same kind and name in two namespaces do not collide', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'A', cm('same', 'one')); raw(chart, 'B', cm('same', 'two')); })]);
    expect([...result.files.keys()]).toEqual(['demo/PREREQUISITES.md', 'demo/one.configmap.same.yaml', 'demo/two.configmap.same.yaml']);
  });

  test('cluster-scoped objects are prefixed with _cluster', () => {
    expect(fileName({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } })).toBe('_cluster.namespace.demo.yaml');
  });

  test('every file starts with the generated-file header naming the source, construct path and the CLI command', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'Config', cm('x')); })]);
    expect(result.files.get('demo/demo.configmap.x.yaml')).toBe(
      `# ${GENERATED_MARKER} from test/synthesizer.test.ts (demo/Config). Do not edit: run \`npx cdk8s-realtime synth\`.\napiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: demo\n`);
  });

  test('the header names the regenerate command of the project at hand, in object and extra files', () => {
    const app: AppSpec = { ...spec((chart) => { raw(chart, 'Config', cm('x')); }), extraFiles: () => [{ name: 'NOTES.md', content: 'x', commentPrefix: '<!--' }] };
    const result = synthesize([app], { regenerate: 'npm run synth' });
    expect(result.files.get('demo/demo.configmap.x.yaml')!.split('\n')[0]).toBe(`# ${GENERATED_MARKER} from test/synthesizer.test.ts (demo/Config). Do not edit: run \`npm run synth\`.`);
    expect(result.files.get('demo/NOTES.md')!.split('\n')[0]).toBe(`<!-- ${GENERATED_MARKER} from test/synthesizer.test.ts. Do not edit: run \`npm run synth\`. -->`);
  });

  test('fails when the regenerate command would break the header', () => {
    expect(() => synthesize([spec(() => undefined)], { regenerate: 'npm run\nsynth' })).toThrow(
      '[(synthesize)] SynthesizeOptions \'regenerate\' is "npm run\\nsynth": must be a one-line shell command without backquotes (it is quoted in every generated file\'s header). Fix: pass the command that regenerates dist/ in this project, e.g. "npm run synth"');
  });

  test('fails when two objects would write the same file', () => {
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', cm('x')); raw(chart, 'B', cm('x')); })])).toThrow(
      '[demo/B] ConfigMap x \'metadata.name\' is "x": must be unique per kind and namespace in demo (another object already writes demo/demo.configmap.x.yaml). Fix: rename one of the objects');
  });

  test('fails when an object breaks an API-server rule, naming the construct path and field', () => {
    const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Glasses_API', namespace: 'demo' }, spec: { ports: [{ port: 80 }] } };
    expect(() => synthesize([spec((chart) => { raw(chart, 'Svc', bad); })])).toThrow(
      '[demo/Svc] Service demo/Glasses_API \'metadata.name\' is "Glasses_API": must be a DNS-1035 label (at most 63 characters). Fix: rename the object');
  });

  test('fails when an object breaks the OpenAPI schema', () => {
    const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' }, spec: { ports: [{ port: 'eighty' }] } };
    expect(() => synthesize([spec((chart) => { raw(chart, 'Svc', bad); })])).toThrow(
      '[demo/Svc] Service demo/web \'spec.ports.0.port\' is "eighty": must match the Kubernetes OpenAPI schema (must be integer {"type":"integer"}). Fix: correct the field type or value');
  });

  test('reports every problem at once, not only the first', () => {
    const bad = (n: string) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: n, namespace: 'demo' }, spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: { a: 'b' } } } });
    try {
      synthesize([spec((chart) => { raw(chart, 'P1', bad('p1')); raw(chart, 'P2', bad('p2')); })]);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(RealtimeConfigError);
      expect((e as RealtimeConfigError).problems.map((p) => p.path)).toEqual(['demo/P1', 'demo/P2']);
    }
  });

  test('fails when a construct validation (addValidation) fails, naming its path', () => {
    expect(() => synthesize([spec((chart) => { chart.node.addValidation({ validate: () => ['the overlay has no routes'] }); })])).toThrow(
      "[demo] Chart '(validation)' is \"the overlay has no routes\": must pass the construct's own validation. Fix: do what the message asks");
  });

  test('fails when a Secret with data would reach dist/', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'demo' }, stringData: { password: 'hunter2' } };
    expect(() => synthesize([spec((chart) => { raw(chart, 'S', secret); })])).toThrow(
      '[demo/S] Secret demo/db \'data\' is "<redacted>": must not be written to dist/: Secret data would be committed to git in plain text (base64 is not encryption). Fix: use an ExternalSecret or a SecretProviderClass');
  });

  test('fails when an app name or target is not a DNS label', () => {
    expect(() => synthesize([spec(() => undefined, { name: 'My App' })])).toThrow("[My App] AppSpec 'name' is \"My App\": must be a unique DNS-1123 label. Fix: rename the app");
    expect(() => synthesize([spec(() => undefined, { targets: [{ cluster: 'US', env: 'prod' }] })])).toThrow("[demo] AppSpec 'targets.cluster' is \"US\": must be a DNS-1123 label. Fix: rename it");
  });

  test('is deterministic: two syntheses of every reference app are byte-identical', () => {
    const a = allApps();
    const b = synthesize(APPS, { regenerate: REGENERATE });
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
  });

  test('output does not depend on the order keys were written in', () => {
    const one = synthesize([spec((chart) => { raw(chart, 'A', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'demo', name: 'x' }, data: { z: '1', a: '2' } }); })]);
    const two = synthesize([spec((chart) => { raw(chart, 'A', { kind: 'ConfigMap', data: { a: '2', z: '1' }, apiVersion: 'v1', metadata: { name: 'x', namespace: 'demo' } }); })]);
    expect([...one.files.values()]).toEqual([...two.files.values()]);
  });
});

const ing = (name: string, host: string, p: string, ns = 'demo') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: ns }, spec: { ingressClassName: 'nginx', rules: [{ host, http: { paths: [{ path: p, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
const on = (cluster: string, env: string) => ({ targets: [{ cluster, env }] });

describe('refusals that protect dist/ and the live objects', () => {
  test('fails when the app list is empty', () => {
    expect(() => synthesize([])).toThrow(
      "[(synthesis)] synthesize 'apps' is []: must list at least one app: a synthesis of nothing writes no file, and writing it would delete every generated file of the output folder. Fix: pass the apps to synthesize (an --app filter that matches no app gives an empty list: check its spelling)");
  });

  test('fails when an app\'s target list is empty, also through Fleet.app({ envs: [] })', () => {
    const message = "[demo] AppSpec 'targets' is []: must list at least one { cluster, env }: with no target the app writes no file, and writing would delete every generated file of dist/demo/. Fix: add a target, or leave targets unset for one chart in dist/demo/ (with Fleet.app, give envs at least one environment of the fleet or leave envs unset); to delete the app on purpose, drop it from the synthesis and pass deleteApps: ['demo'] to writeDist";
    expect(() => synthesize([spec(() => undefined, { targets: [] })])).toThrow(message);
    const fleet = new Fleet({ clusters: [{ name: 'c1', envs: ['dev'], provider: ClusterProvider.aks() }] });
    expect(() => synthesize([fleet.app({ name: 'demo', source: 's', envs: [], define: () => undefined })])).toThrow(message);
  });

  test('fails when a write would delete every generated file of an app that produced nothing, and writes nothing', () => {
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('x')); })]));
    const before = fs.readFileSync(path.join(dir, 'demo', 'demo.configmap.x.yaml'), 'utf8');
    expect(() => writeDist(dir, synthesize([spec((chart) => { raw(chart, 'B', cm('y', 'other-ns')); }, { name: 'second' }), spec(() => undefined)]))).toThrow(
      "[demo] writeDist 'deleteApps' is []: must name every app whose whole folder a write deletes: app demo produced no file in this synthesis, so the write would delete all 2 generated file(s) of demo/ in the output folder (and Argo CD, pruning, the app's live objects). Fix: check that the app still defines its objects; to delete it on purpose, pass deleteApps: ['demo'] (npm run synth -- --delete-app demo)");
    expect(fs.readFileSync(path.join(dir, 'demo', 'demo.configmap.x.yaml'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'second'))).toBe(false);
  });

  test('fails when a write would delete an app dropped from the synthesis; deleteApps deletes it, keepOtherApps keeps it', () => {
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('x')); })]));
    const other = () => synthesize([spec((chart) => { raw(chart, 'A', cm('x')); }, { name: 'other' })]);
    expect(() => writeDist(dir, other())).toThrow(
      "[demo] writeDist 'deleteApps' is []: must name every app whose whole folder a write deletes: app demo is not part of this synthesis, so the write would delete all 2 generated file(s) of demo/ in the output folder (and Argo CD, pruning, the app's live objects). Fix: add the app back to the synthesis, pass keepOtherApps: true to synthesize only some apps (--app), or delete it on purpose with deleteApps: ['demo'] (npm run synth -- --delete-app demo)");
    expect(fs.existsSync(path.join(dir, 'other'))).toBe(false);
    expect(writeDist(dir, other(), { keepOtherApps: true }).deleted).toEqual([]);
    expect(writeDist(dir, other(), { deleteApps: ['demo'] }).deleted).toEqual(['demo/PREREQUISITES.md', 'demo/demo.configmap.x.yaml']);
    expect(fs.existsSync(path.join(dir, 'demo'))).toBe(false);
  });

  test('fails when deleteApps names an app the synthesis still produces', () => {
    const dir = tmp();
    expect(() => writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('x')); })]), { deleteApps: ['demo'] })).toThrow(
      "[demo] writeDist 'deleteApps' is [\"demo\"]: must name only apps that this synthesis no longer produces. Fix: drop demo from the synthesis to delete it, or remove it from deleteApps");
  });
});

describe('uniqueness across charts and apps', () => {
  test.each([
    ['with other content', (env: string) => ({ env })],
    ['even with the same content (two Argo CD Applications would track it)', () => ({ a: 'b' })],
  ])('fails when two environments of one cluster write the same object into one namespace, %s', (_, data) => {
    expect(() => synthesize([spec((chart, t) => { raw(chart, 'A', cm('x', 'demo', data(t!.env))); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c1', env: 'prod' }] })])).toThrow(
      "[demo-c1-prod/A] ConfigMap demo/x 'metadata.name' is \"x\": must be unique per kind and namespace on cluster c1: demo-c1-dev/A already writes ConfigMap demo/x (demo/c1/dev/demo.configmap.x.yaml); the two would overwrite each other, and Argo CD refuses an object two Applications track (FailOnSharedResource). Fix: give each environment its own namespace (AppSpec.namespace as a function of the target) or an object name that includes the environment");
  });

  test('the same names on two clusters or in two namespaces are fine', () => {
    expect(synthesize([spec((chart, t) => { raw(chart, 'A', cm('x', 'demo', { env: t!.env })); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c2', env: 'dev' }] })]).objects).toBe(2);
    expect(synthesize([spec((chart, t) => { raw(chart, 'A', cm('x', `demo-${t!.env}`, { env: t!.env })); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c1', env: 'prod' }] })]).objects).toBe(2);
  });

  test('fails when two apps on one cluster route the same host and path with the same controller class, in one namespace or in two', () => {
    expect(() => synthesize([
      spec((chart) => { raw(chart, 'I', ing('web', 'a.example.com', '/ws')); }, on('c1', 'a')),
      spec((chart) => { raw(chart, 'J', ing('other', 'a.example.com', '/ws')); }, { name: 'two', ...on('c1', 'b') }),
    ])).toThrow(
      "[two-c1-b/J] Ingress demo/other 'spec.rules[0].http.paths[0]' is \"a.example.com/ws (Prefix)\": must route a host and path that no other route of controller class ingress nginx on cluster c1 routes, in any namespace (the controller merges every namespace's routes into one configuration): Ingress demo/web (demo-c1-a/I) 'spec.rules[0].http.paths[0]' already does, and the controller picks one of them. Fix: give one of them another host or path, or drop one of the routes");
  });

  test('fails when two constructs of one chart claim the same host and path, for HTTPRoutes and Traefik IngressRoutes too', () => {
    const route = (name: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'demo' }, spec: { parentRefs: [{ name: 'gw', namespace: 'gateways' }], hostnames: ['a.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/ws' } }], backendRefs: [{ name: 'web', port: 80 }] }] } });
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', route('one')); raw(chart, 'B', route('two')); })])).toThrow(
      "[demo/B] HTTPRoute demo/two 'spec.rules[0].matches[0]' is \"a.example.com/ws (PathPrefix)\": must route a host and path that no other route of controller class gateway gateways/gw on app demo routes, in any namespace (the controller merges every namespace's routes into one configuration): HTTPRoute demo/one (demo/A) 'spec.rules[0].matches[0]' already does, and the controller picks one of them. Fix: give one of them another host or path, or drop one of the routes");
    const ir = (name: string) => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name, namespace: 'demo' }, spec: { entryPoints: ['websecure'], routes: [{ kind: 'Rule', match: 'Host(`a.example.com`) && PathPrefix(`/`)', services: [{ name: 'web', port: 80 }] }] } });
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', ir('one')); raw(chart, 'B', ir('two')); })])).toThrow(
      "[demo/B] IngressRoute demo/two 'spec.routes[0].match' is \"Host(`a.example.com`) && PathPrefix(`/`)\": must route a host and path that no other route of controller class traefik (default class) entryPoints websecure on app demo routes, in any namespace (the controller merges every namespace's routes into one configuration): IngressRoute demo/one (demo/A) 'spec.routes[0].match' already does, and the controller picks one of them. Fix: give one of them another host or path, or drop one of the routes");
  });

  test('fails when the two routes are in different namespaces (ingress-nginx keeps the oldest; its webhook refuses the second)', () => {
    expect(() => synthesize([
      spec((chart) => { raw(chart, 'I', ing('web', 'a.example.com', '/ws')); }, { ...on('c1', 'a'), externalNamespaces: [{ name: 'demo', owner: 'test' }] }),
      spec((chart) => { raw(chart, 'J', ing('web', 'a.example.com', '/ws', 'elsewhere')); }, { name: 'two', namespace: 'elsewhere', ...on('c1', 'b'), externalNamespaces: [{ name: 'elsewhere', owner: 'test' }] }),
    ])).toThrow("[two-c1-b/J] Ingress elsewhere/web 'spec.rules[0].http.paths[0]' is \"a.example.com/ws (Prefix)\": must route a host and path that no other route of controller class ingress nginx on cluster c1 routes, in any namespace");
  });

  test('fails when two Ingresses of one ALB group on a cluster disagree on an Exclusive annotation or the class, in any namespace', () => {
    const alb = (name: string, ns: string, host: string, annotations: Record<string, string>, cls = 'alb') => {
      const i = ing(name, host, '/', ns);
      return { ...i, metadata: { ...i.metadata, annotations: { 'alb.ingress.kubernetes.io/group.name': 'shared', ...annotations } }, spec: { ...i.spec, ingressClassName: cls } };
    };
    const apps = (second: Record<string, string>, cls?: string, cluster = 'c1') => [
      spec((chart) => { raw(chart, 'I', alb('web', 'demo', 'a.example.com', { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', 'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=3600' })); }, { ...on('c1', 'a'), externalNamespaces: [{ name: 'demo', owner: 'test' }] }),
      spec((chart) => { raw(chart, 'J', alb('api', 'api', 'b.example.com', second, cls)); }, { name: 'two', namespace: 'api', ...on(cluster, 'b'), externalNamespaces: [{ name: 'api', owner: 'test' }] }),
    ];
    expect(() => synthesize(apps({ 'alb.ingress.kubernetes.io/scheme': 'internal' }))).toThrow(
      "[two-c1-b/J] Ingress api/api 'metadata.annotations[\"alb.ingress.kubernetes.io/scheme\"]' is \"internal\": must be the same on every Ingress of ALB group \"shared\" on cluster c1, in any namespace: Ingress demo/web (demo-c1-a/I) has \"internet-facing\"; the Ingresses of a group share one load balancer, and the controller refuses a group whose Exclusive annotation differs. Fix: set \"internet-facing\" here too (or the other value there), or put one of the Ingresses in another group");
    expect(() => synthesize(apps({ 'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=60' }))).toThrow(
      "'metadata.annotations[\"alb.ingress.kubernetes.io/load-balancer-attributes\"]' is \"idle_timeout.timeout_seconds=60\": must be the same on every Ingress of ALB group \"shared\"");
    expect(() => synthesize(apps({}, 'alb-internal'))).toThrow("'spec.ingressClassName' is \"alb-internal\": must be the same on every Ingress of ALB group \"shared\"");
    // An annotation set on one Ingress of the group only, the same values, or another cluster: fine.
    expect(synthesize(apps({})).objects).toBe(2);
    expect(synthesize(apps({ 'alb.ingress.kubernetes.io/scheme': 'internet-facing' })).objects).toBe(2);
    expect(synthesize(apps({ 'alb.ingress.kubernetes.io/scheme': 'internal' }, 'alb', 'c2')).objects).toBe(2);
    // The first Ingress that sets an annotation is the reference, also when an earlier one left it unset.
    expect(() => synthesize([spec((chart) => {
      raw(chart, 'A', alb('a', 'demo', 'a.example.com', {}));
      raw(chart, 'B', alb('b', 'demo', 'b.example.com', { 'alb.ingress.kubernetes.io/ip-address-type': 'ipv4' }));
      raw(chart, 'C', alb('c', 'demo', 'c.example.com', { 'alb.ingress.kubernetes.io/ip-address-type': 'dualstack' }));
    })])).toThrow("[demo/C] Ingress demo/c 'metadata.annotations[\"alb.ingress.kubernetes.io/ip-address-type\"]' is \"dualstack\": must be the same on every Ingress of ALB group \"shared\" on app demo, in any namespace: Ingress demo/b (demo/B) has \"ipv4\"");
  });

  test('fails when two LoadBalancer Services of a cluster request one address that MetalLB cannot share', () => {
    const lb = (name: string, ports: Array<[string, number]>, annotations: Record<string, string>, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'demo', annotations: { 'metallb.universe.tf/loadBalancerIPs': '192.168.1.10', ...annotations } },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: ports.map(([protocol, port]) => ({ name: `p${port}`, protocol, port, targetPort: port })), ...extra },
    });
    const two = (b: Record<string, unknown>, cluster = 'c1') => [
      spec((chart) => { raw(chart, 'A', lb('a', [['UDP', 7000]], { 'metallb.universe.tf/allow-shared-ip': 'k' })); }, { ...on('c1', 'a'), externalNamespaces: [{ name: 'demo', owner: 'test' }] }),
      spec((chart) => { raw(chart, 'B', b); }, { name: 'two', ...on(cluster, 'b'), externalNamespaces: [{ name: 'demo', owner: 'test' }] }),
    ];
    expect(() => synthesize(two(lb('b', [['UDP', 7001]], {})))).toThrow(
      "[two-c1-b/B] Service demo/b 'spec (load-balancer address)' is \"192.168.1.10\": must be requested by one Service only, unless both carry the same MetalLB sharing key: Service demo/a (demo-c1-a/A) already requests 192.168.1.10 on cluster c1 with sharing key \"k\", and MetalLB leaves the second Service <pending>. Fix: set the same sharing key on both (LoadBalancerPreset.metalLb({ sharingKey: \"k\" })), or give each Service its own address");
    expect(() => synthesize(two(lb('b', [['UDP', 7000]], { 'metallb.universe.tf/allow-shared-ip': 'k' })))).toThrow(
      "must be requested with ports no other Service of the address uses: Service demo/a (demo-c1-a/A) already requests 192.168.1.10 on cluster c1 with UDP/7000; one address and port carry one Service. Fix: give the Services different ports, or each its own address");
    expect(() => synthesize(two(lb('b', [['UDP', 7001]], { 'metallb.universe.tf/allow-shared-ip': 'k' }, { externalTrafficPolicy: 'Local' })))).toThrow(
      'must share its address only with a Service that selects the same pods while either uses externalTrafficPolicy Local');
    // Without MetalLB (spec.loadBalancerIP only), two Services on one address and port conflict too.
    const plain = (name: string, port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'demo' }, spec: { type: 'LoadBalancer', loadBalancerIP: '20.1.2.3', selector: { app: name }, ports: [{ name: 'p', protocol: 'UDP', port, targetPort: port }] } });
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', plain('a', 7000)); raw(chart, 'B', plain('b', 7000)); })])).toThrow('must be requested with ports no other Service of the address uses');
    // Shareable: the same key, other ports, Cluster policy; or the same pods; or another cluster.
    expect(synthesize(two(lb('b', [['UDP', 7001]], { 'metallb.universe.tf/allow-shared-ip': 'k' }))).objects).toBe(2);
    expect(synthesize(two({ ...lb('b', [['UDP', 7001]], { 'metallb.universe.tf/allow-shared-ip': 'k' }, { externalTrafficPolicy: 'Local' }), spec: { ...lb('b', [['UDP', 7001]], {}).spec, selector: { app: 'a' }, externalTrafficPolicy: 'Local' } })).objects).toBe(2);
    expect(synthesize(two(lb('b', [['UDP', 7000]], {}), 'c2')).objects).toBe(2);
    expect(synthesize([spec((chart) => { raw(chart, 'A', plain('a', 7000)); raw(chart, 'B', plain('b', 7001)); })]).objects).toBe(2);
  });

  test('the same host and path with another controller class or on another cluster is fine', () => {
    const other = { ...ing('web', 'a.example.com', '/ws'), spec: { ...ing('web', 'a.example.com', '/ws').spec, ingressClassName: 'internal' } };
    expect(synthesize([spec((chart) => { raw(chart, 'I', ing('web', 'a.example.com', '/ws')); raw(chart, 'J', { ...other, metadata: { name: 'web2', namespace: 'demo' } }); })]).objects).toBe(2);
    expect(synthesize([spec((chart) => { raw(chart, 'I', ing('web', 'a.example.com', '/ws')); }, { targets: [{ cluster: 'c1', env: 'a' }, { cluster: 'c2', env: 'a' }] })]).objects).toBe(2);
  });

  test('fails when two targets join to the same chart id (names that collide only after joining), or repeat', () => {
    expect(() => synthesize([spec(() => undefined, { targets: [{ cluster: 'b-c', env: 'd' }, { cluster: 'b', env: 'c-d' }] })])).toThrow(
      "[demo] AppSpec 'targets[1]' is {\"cluster\":\"b\",\"env\":\"c-d\"}: must give a unique chart id: the id joins app, cluster and env with \"-\" and names the objects, and targets[0] {\"cluster\":\"b-c\",\"env\":\"d\"} already makes \"demo-b-c-d\". Fix: rename the cluster or the environment so that the joined names differ (e.g. no \"-\" in one of them)");
    expect(() => synthesize([spec(() => undefined, { targets: [{ cluster: 'b', env: 'd' }, { cluster: 'b', env: 'd' }] })])).toThrow(
      "[demo] AppSpec 'targets[1]' is {\"cluster\":\"b\",\"env\":\"d\"}: must be unique: targets[0] is the same cluster and environment. Fix: remove the duplicate target b/d");
  });

  test('fails when an app file has the name of a chart file of an app without targets (one folder)', () => {
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', cm('x')); }, { extraFiles: () => [{ name: 'NOTES.md', content: 'a' }], appFiles: () => [{ name: 'NOTES.md', content: 'b' }] })])).toThrow(
      "[demo/NOTES.md] ExtraFile 'name' is \"NOTES.md\": must be unique in its folder. Fix: rename the file");
  });

  test('fails when an app file has the name of a target folder', () => {
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', cm('x')); }, { targets: [{ cluster: 'us', env: 'd' }], appFiles: () => [{ name: 'us', content: 'x' }] })])).toThrow(
      "[demo/us] ExtraFile 'name' is \"us\": must not be the name of a target folder: dist/demo/us/ holds cluster us's environments. Fix: give the file an extension, e.g. \"us.md\"");
  });
});

describe('size limits', () => {
  test('fails when an object is larger than etcd\'s 1.5 MiB request limit', () => {
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', cm('x', 'demo', { big: 'x'.repeat(1_600_000) })); })])).toThrow(
      "[demo/A] ConfigMap demo/x '(object size)' is \"1600099 bytes as JSON\": must be at most 1572864 bytes (1.5 MiB, etcd's request limit: the API server refuses it with \"etcdserver: request is too large\"). Fix: split the data over several objects, or keep large data out of the object (a volume, an image, an external store)");
  });

  test('fails when annotations total more than 256 KiB, counted in UTF-8 bytes', () => {
    expect(() => synthesize([spec((chart) => { raw(chart, 'A', { ...cm('x'), metadata: { name: 'x', namespace: 'demo', annotations: { 'example.com/a': 'é'.repeat(140_000) } } }); })])).toThrow(
      "[demo/A] ConfigMap demo/x 'metadata.annotations' is \"280013 bytes\": must total at most 262144 bytes (256 KiB, keys plus values as UTF-8: the API server's TotalAnnotationSizeLimitB). Fix: move the data out of annotations, e.g. into a ConfigMap");
  });
});

describe('chart by chart (synthesizeEach, synthesizeToDist)', () => {
  test('releases each chart\'s tree after writing it, unless appFiles needs the charts', () => {
    const apps: App[] = [];
    const define: AppSpec['define'] = (chart, t) => { apps.push(chart.node.scope as App); raw(chart, 'A', cm(`x-${t!.env}`)); };
    const targets = [{ cluster: 'c1', env: 'a' }, { cluster: 'c1', env: 'b' }];
    synthesizeEach([spec(define, { targets })], () => undefined);
    expect(apps[0].node.children).toHaveLength(0);
    synthesizeEach([spec(define, { targets, appFiles: (charts) => [{ name: 'N.md', content: String(charts.length) }] })], () => undefined);
    expect(apps[2].node.children).toHaveLength(2);
  });

  test('writes the same bytes as writeDist(synthesize()), and check mode compares', () => {
    const a = tmp();
    const b = tmp();
    writeDist(a, allApps());
    const { summary, report } = synthesizeToDist(b, APPS, { regenerate: REGENERATE });
    expect(report!.written).toHaveLength(summary.files);
    expect(diffDist(b, allApps())).toEqual({ missing: [], changed: [], stale: [] });
    expect(synthesizeToDist(a, APPS, { regenerate: REGENERATE, check: true }).diff).toEqual({ missing: [], changed: [], stale: [] });
  });

  test('fails when a later chart has a problem, and undoes every write of the earlier charts', () => {
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart, t) => { raw(chart, 'A', cm('x', 'demo', { v: '1' })); void t; }, { targets: [{ cluster: 'c1', env: 'a' }] })]));
    const old = fs.readFileSync(path.join(dir, 'demo/c1/a/demo.configmap.x.yaml'), 'utf8');
    const bad = spec((chart, t) => {
      raw(chart, 'A', cm('x', 'demo', { v: '2' }));
      if (t!.env === 'c') raw(chart, 'B', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad_Name', namespace: 'demo' }, spec: { ports: [{ port: 80 }] } });
    }, { targets: [{ cluster: 'c1', env: 'a' }, { cluster: 'c2', env: 'b' }, { cluster: 'c3', env: 'c' }] });
    expect(() => synthesizeToDist(dir, [bad])).toThrow("[demo-c3-c/B] Service demo/Bad_Name 'metadata.name' is \"Bad_Name\"");
    expect(fs.readFileSync(path.join(dir, 'demo/c1/a/demo.configmap.x.yaml'), 'utf8')).toBe(old);
    expect(fs.existsSync(path.join(dir, 'demo/c2'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'demo/c1/a'))).toEqual(['PREREQUISITES.md', 'demo.configmap.x.yaml']);
  });
});

describe('writeDist and diffDist', () => {
  test('deletes stale generated files, and nothing else', () => {
    // GIVEN a dist/ with a generated file that is no longer produced, and a hand-written file
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('keep')); raw(chart, 'B', cm('gone')); })]));
    fs.writeFileSync(path.join(dir, 'demo', 'notes.yaml'), 'hand: written\n');
    fs.mkdirSync(path.join(dir, 'other', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'other', 'deep', 'x.yaml'), `# ${GENERATED_MARKER} from old\nkind: ConfigMap\n`);
    // WHEN the app no longer defines B (and the app `other` is deleted on purpose)
    const report = writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('keep')); })]), { deleteApps: ['other'] });
    // THEN
    expect(report.deleted).toEqual(['demo/demo.configmap.gone.yaml', 'other/deep/x.yaml']);
    expect(report.unchanged).toBe(2); // demo.configmap.keep.yaml and PREREQUISITES.md
    expect(fs.existsSync(path.join(dir, 'demo', 'notes.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'other'))).toBe(false);
  });

  test('a generated file where a new target folder goes is replaced by the folder (it was a raw ENOTDIR)', () => {
    const dir = tmp();
    const app = (targets: AppSpec['targets'], files: string[]) => spec((chart, t) => { raw(chart, 'A', cm(`x-${t!.cluster}`)); }, { targets, appFiles: () => files.map((name) => ({ name, content: 'x' })) });
    writeDist(dir, synthesize([app([{ cluster: 'a', env: 'e' }], ['us'])]));
    const report = writeDist(dir, synthesize([app([{ cluster: 'a', env: 'e' }, { cluster: 'us', env: 'e' }], [])]));
    expect(report.deleted).toEqual(['demo/us']);
    expect(fs.readdirSync(path.join(dir, 'demo', 'us', 'e')).filter((f) => f.endsWith('.yaml'))).toEqual(['demo.configmap.x-us.yaml']);
  });

  test('fails when a hand-written file stands where a target folder goes, and writes nothing', () => {
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('x')); }, { targets: [{ cluster: 'a', env: 'e' }] })]));
    fs.writeFileSync(path.join(dir, 'demo', 'us'), 'notes\n');
    expect(() => writeDist(dir, synthesize([spec((chart, t) => { raw(chart, 'A', cm(`x-${t!.cluster}`)); }, { targets: [{ cluster: 'a', env: 'e' }, { cluster: 'us', env: 'e' }] })]))).toThrow(
      `[demo/us] writeDist '(output folder)' is "demo/us": must be free: this synthesis writes the folder demo/us/e/ there, and the file in the way has no generated-file header (it is not ours to delete). Fix: move or rename the hand-written file ${path.join(dir, 'demo', 'us')}`);
    expect(fs.readdirSync(path.join(dir, 'demo', 'a', 'e')).filter((f) => f.endsWith('.yaml'))).toEqual(['demo.configmap.x.yaml']);
    expect(fs.readFileSync(path.join(dir, 'demo', 'us'), 'utf8')).toBe('notes\n');
  });

  test('re-writing an unchanged synthesis writes nothing', () => {
    const dir = tmp();
    const result = allApps();
    writeDist(dir, result);
    const again = writeDist(dir, allApps());
    expect(again).toEqual({ written: [], unchanged: result.files.size, deleted: [] });
  });

  test('check mode lists missing, changed and stale files', () => {
    const dir = tmp();
    writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('a')); raw(chart, 'B', cm('b')); })]));
    fs.writeFileSync(path.join(dir, 'demo', 'demo.configmap.a.yaml'), fs.readFileSync(path.join(dir, 'demo', 'demo.configmap.a.yaml'), 'utf8').replace('a: b', 'a: c'));
    const diff = diffDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('a')); raw(chart, 'C', cm('c')); })]));
    expect(diff).toEqual({
      missing: ['demo/demo.configmap.c.yaml'],
      changed: [{ file: 'demo/demo.configmap.a.yaml', firstDifference: 'line 4: committed "  a: c", synthesized "  a: b"' }],
      stale: ['demo/demo.configmap.b.yaml'],
    });
  });

  test('the committed dist/ is exactly what the reference apps synthesize (golden directory)', () => {
    const dir = tmp();
    const result = allApps();
    writeDist(dir, result);
    const committed = path.join(__dirname, '..', 'dist');
    const diff = diffDist(committed, result);
    expect(diff).toEqual({ missing: [], changed: [], stale: [] });
    // and a fresh write into a temp dir has the same bytes as committed dist/
    for (const rel of result.files.keys()) {
      expect(fs.readFileSync(path.join(dir, rel), 'utf8')).toBe(fs.readFileSync(path.join(committed, rel), 'utf8'));
    }
  });
});
