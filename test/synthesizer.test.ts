import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { AppSpec, GENERATED_MARKER, RealtimeConfigError, diffDist, fileName, synthesize, writeDist } from '../lib';
import { APPS } from '../apps';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8srt-'));

function raw(chart: Chart, id: string, json: Record<string, unknown>): ApiObject {
  return new ApiObject(chart, id, json as never);
}

const cm = (name: string, ns = 'demo') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: 'b' } });

function spec(define: AppSpec['define'], extra: Partial<AppSpec> = {}): AppSpec {
  return { name: 'demo', source: 'test/synthesizer.test.ts', namespace: 'demo', define, ...extra };
}

describe('synthesize', () => {
  test('writes one file per object named by namespace, kind and name, under dist/<app>/<cluster>/<env>/', () => {
    // GIVEN an app with a cluster x env matrix
    const app = spec((chart, t) => { raw(chart, 'A', cm(`cfg-${t!.env}`)); }, { targets: [{ cluster: 'c1', env: 'dev' }, { cluster: 'c2', env: 'prod' }] });
    // WHEN
    const result = synthesize([app]);
    // THEN
    expect([...result.files.keys()]).toEqual(['demo/c1/dev/demo.configmap.cfg-dev.yaml', 'demo/c2/prod/demo.configmap.cfg-prod.yaml']);
    expect(result).toMatchObject({ apps: 1, clusters: 2, envs: 2, charts: 2, objects: 2 });
  });

  test('an app without a matrix writes to dist/<app>/', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'A', cm('x')); })]);
    expect([...result.files.keys()]).toEqual(['demo/demo.configmap.x.yaml']);
  });

  test('same kind and name in two namespaces do not collide', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'A', cm('same', 'one')); raw(chart, 'B', cm('same', 'two')); })]);
    expect([...result.files.keys()]).toEqual(['demo/one.configmap.same.yaml', 'demo/two.configmap.same.yaml']);
  });

  test('cluster-scoped objects are prefixed with _cluster', () => {
    expect(fileName({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } })).toBe('_cluster.namespace.demo.yaml');
  });

  test('every file starts with the generated-file header naming the source and construct path', () => {
    const result = synthesize([spec((chart) => { raw(chart, 'Config', cm('x')); })]);
    expect(result.files.get('demo/demo.configmap.x.yaml')).toBe(
      `# ${GENERATED_MARKER} from test/synthesizer.test.ts (demo/Config). Do not edit: run \`npm run synth\`.\napiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: demo\n`);
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
    const a = synthesize(APPS);
    const b = synthesize(APPS);
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
  });

  test('output does not depend on the order keys were written in', () => {
    const one = synthesize([spec((chart) => { raw(chart, 'A', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'demo', name: 'x' }, data: { z: '1', a: '2' } }); })]);
    const two = synthesize([spec((chart) => { raw(chart, 'A', { kind: 'ConfigMap', data: { a: '2', z: '1' }, apiVersion: 'v1', metadata: { name: 'x', namespace: 'demo' } }); })]);
    expect([...one.files.values()]).toEqual([...two.files.values()]);
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
    // WHEN the app no longer defines B
    const report = writeDist(dir, synthesize([spec((chart) => { raw(chart, 'A', cm('keep')); })]));
    // THEN
    expect(report.deleted).toEqual(['demo/demo.configmap.gone.yaml', 'other/deep/x.yaml']);
    expect(report.unchanged).toBe(1);
    expect(fs.existsSync(path.join(dir, 'demo', 'notes.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'other'))).toBe(false);
  });

  test('re-writing an unchanged synthesis writes nothing', () => {
    const dir = tmp();
    const result = synthesize(APPS);
    writeDist(dir, result);
    const again = writeDist(dir, synthesize(APPS));
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
    const result = synthesize(APPS);
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
