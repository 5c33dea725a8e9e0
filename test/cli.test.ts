// `cdk8s-realtime <command>` in-process, on temp project folders (fast). The packed CLI in a
// fresh project, with npm install, npm test and `npx cdk8s synth`, is test/package.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { CliIo, USAGE, runCommand } from '../cli';
import { initProject } from '../cli/init';
import { unifiedDiff } from '../cli/unified-diff';
import { GENERATED_MARKER } from '../lib';

const LIB = path.join(__dirname, '..', 'lib');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
// Inside the repository (git-ignored .cache/), so an entry's require('cdk8s') resolves.
const TMP = path.join(__dirname, '..', '.cache');
function project(files: Record<string, string> = {}): string {
  fs.mkdirSync(TMP, { recursive: true });
  const dir = fs.mkdtempSync(path.join(TMP, 'cli-test-'));
  temps.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

interface Run { code: number; out: string; err: string }
function cli(cwd: string, argv: string[], env: Record<string, string> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, env, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = runCommand(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * A plain JavaScript entry with two apps. Its variant (image, an extra object, apps dropped) is
 * read from variant.json whenever `apps` is read: Node (and Jest) cache a required module, so
 * tests edit that file rather than the entry.
 */
const ENTRY = `
const fs = require('fs');
const path = require('path');
const { ApiObject } = require('cdk8s');
const { RealtimeService } = require(${JSON.stringify(LIB)});
const variant = () => JSON.parse(fs.readFileSync(path.join(__dirname, 'variant.json'), 'utf8'));
const cm = (chart, id, name) => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });
Object.defineProperty(exports, 'apps', { enumerable: true, get: () => {
  const v = variant();
  return [
    { name: 'web', source: 'main.js', namespace: 'web', externalNamespaces: [{ name: 'web', owner: 'the test' }], define: (chart) => {
      new RealtimeService(chart, 'Web', { name: 'web', image: v.image, http: { port: 8080 } });
      if (v.extra) cm(chart, 'Extra', 'extra');
    } },
    { name: 'other', source: 'main.js', namespace: 'other', externalNamespaces: [{ name: 'other', owner: 'the test' }], define: (chart) => { cm(chart, 'Config', 'settings'); } },
  ].filter((a) => !v.drop.includes(a.name));
} });
`;
function variant(opts: { image?: string; extra?: boolean; drop?: string[] } = {}): string {
  return JSON.stringify({ image: opts.image ?? 'ghcr.io/acme/web:1.0.0', extra: opts.extra ?? false, drop: opts.drop ?? [] });
}
function entry(opts: { image?: string; extra?: boolean } = {}, file = 'main.js'): Record<string, string> {
  return { [file]: ENTRY, [path.join(path.dirname(file), 'variant.json')]: variant(opts) };
}

describe('synth', () => {
  test('runs the entry, writes dist/ with the CLI named in every header, and prints the summary line', () => {
    const dir = project(entry());
    const r = cli(dir, ['synth']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^synthesized 2 apps, 0 clusters, 0 envs, 2 charts, 5 objects, 7 files into dist\/ in \d+ ms: 7 written, 0 unchanged, 0 stale deleted$/);
    const deployment = fs.readFileSync(path.join(dir, 'dist/web/web.deployment.web.yaml'), 'utf8');
    expect(deployment.split('\n')[0]).toBe(`# ${GENERATED_MARKER} from main.js (web/Web/Deployment). Do not edit: run \`npx cdk8s-realtime synth\`.`);
    expect(cli(dir, ['synth']).out).toMatch(/: 0 written, 7 unchanged, 0 stale deleted$/);
  });

  test('--outdir and --entry are named in the header, so the command regenerates the same folder', () => {
    const dir = project(entry({}, 'k8s/app.js'));
    expect(cli(dir, ['synth', '--entry', 'k8s/app.js', '--outdir', 'out']).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out/other/other.configmap.settings.yaml'), 'utf8').split('\n')[0])
      .toBe(`# ${GENERATED_MARKER} from main.js (other/Config). Do not edit: run \`npx cdk8s-realtime synth --entry k8s/app.js --outdir out\`.`);
  });

  test('deletes the generated files a synth no longer produces, and lists them', () => {
    const dir = project(entry({ extra: true }));
    cli(dir, ['synth']);
    fs.writeFileSync(path.join(dir, 'variant.json'), variant());
    const r = cli(dir, ['synth']);
    expect(r.out.split('\n').slice(1)).toEqual(['  - web/web.configmap.extra.yaml']);
    expect(fs.existsSync(path.join(dir, 'dist/web/web.configmap.extra.yaml'))).toBe(false);
  });

  test('--app writes only that app\'s folder and leaves the other apps\' files alone', () => {
    const dir = project(entry());
    cli(dir, ['synth']);
    const r = cli(dir, ['synth', '--app', 'other']);
    expect(r.out).toMatch(/^synthesized 1 apps, .* 2 files into dist\/ in \d+ ms: 0 written, 2 unchanged, 0 stale deleted$/);
    expect(fs.existsSync(path.join(dir, 'dist/web/web.deployment.web.yaml'))).toBe(true);
  });

  test('refuses to delete a dropped app\'s folder unless --delete-app names it', () => {
    const dir = project(entry());
    cli(dir, ['synth']);
    fs.writeFileSync(path.join(dir, 'variant.json'), variant({ drop: ['other'] }));
    const refused = cli(dir, ['synth']);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n')[1]).toMatch(/^\[other\] writeDist 'deleteApps' is \[\]: must name every app whose whole folder a write deletes: app other is not part of this synthesis/);
    expect(fs.existsSync(path.join(dir, 'dist/other/other.configmap.settings.yaml'))).toBe(true);
    const r = cli(dir, ['synth', '--delete-app', 'other']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(1)).toEqual(['  - other/PREREQUISITES.md', '  - other/other.configmap.settings.yaml']);
    expect(fs.existsSync(path.join(dir, 'dist/other'))).toBe(false);
  });

  test('a TypeScript entry runs through the SWC hook (bin/register.js)', () => {
    // Jest transforms .ts itself; the hook is what `npx cdk8s-realtime` uses (test/package.test.ts).
    const dir = project({ 'main.ts': `import { ApiObject } from 'cdk8s';\nimport type { AppSpec } from ${JSON.stringify(LIB)};\nconst n: string = 'typed';\nexport const apps: AppSpec[] = [{ name: 'ts', source: 'main.ts', namespace: 'ts', externalNamespaces: [{ name: 'ts', owner: 'the test' }], define: (chart) => { new ApiObject(chart, 'C', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } }); } }];\n` });
    expect(cli(dir, ['synth']).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dist/ts/ts.configmap.typed.yaml'))).toBe(true);
  });

  test('under `cdk8s synth` (CDK8S_OUTDIR set) it also mirrors the files into cdk8s-cli\'s folder and says on stderr where dist/ is', () => {
    const dir = project(entry());
    const r = cli(dir, ['synth'], { CDK8S_OUTDIR: '.cdk8s.out' });
    // cdk8s-cli swallows the app's stdout and passes stderr through.
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toMatch(/^synthesized 2 apps, .* into dist\/ in \d+ ms: 7 written/);
    expect(r.err.split('\n')[1]).toBe('cdk8s synth: dist/ is dist/ (commit it); .cdk8s.out/ holds a copy for cdk8s-cli, listed below');
    expect(fs.readFileSync(path.join(dir, '.cdk8s.out/web/web.service.web.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'dist/web/web.service.web.yaml'), 'utf8'));
  });

  test('fails with the library\'s message, no stack trace and exit 1 when a construct refuses its props', () => {
    const dir = project(entry({ image: 'nginx:latest' }));
    const r = cli(dir, ['synth']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe('cdk8s-realtime: failed with 1 problem(s):');
    expect(r.err.split('\n')[1]).toMatch(/^\[web\/Web\] RealtimeService 'image' is "nginx:latest": must /);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  test('fails when there is no entry, naming the files it looked for', () => {
    const r = cli(project(), ['synth']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/'entry' is "\(none\)": must be one of main\.ts, main\.js, src\/main\.ts, src\/main\.js in .*, or given with --entry\. Fix: run `npx cdk8s-realtime init` to scaffold a project, or pass --entry <file>$/);
  });

  test('fails when the entry does not export apps', () => {
    const r = cli(project({ 'main.js': 'exports.app = {};' }), ['synth']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[1]).toBe('[main.js] cdk8s-realtime \'entry\' is "exports [\\"app\\"]": must export `apps`: a non-empty array of AppSpec ({ name, source, define }, e.g. from `fleet.app({...})`). Fix: add `export const apps = [fleet.app({ name: \'my-app\', source: \'main.ts\', define: (chart, target) => { ... } })];`');
  });

  test('fails when --app names no app of the entry', () => {
    const r = cli(project(entry()), ['synth', '--app', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[1]).toBe('[main.js] cdk8s-realtime \'--app\' is "nope": must name apps of the entry (web, other). Fix: use one of those names, or leave --app out to synthesize every app');
  });

  test.each([
    [['synth', '--out', 'x'], 'cdk8s-realtime: unknown option "--out" for synth (allowed: --entry, --app, --outdir, --delete-app)'],
    [['synth', '--outdir'], 'cdk8s-realtime: option --outdir needs a value'],
    [['sinth'], 'cdk8s-realtime: unknown command "sinth"'],
    [['check', 'extra'], 'cdk8s-realtime: unexpected argument "extra" for check'],
  ])('usage errors exit 2 with the usage: %j', (argv, first) => {
    const r = cli(project(), argv);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${first}\n${USAGE}`);
  });
});

describe('check', () => {
  test('exit 0 when dist/ is what a synth writes; exit 1 listing every difference otherwise', () => {
    const dir = project(entry());
    cli(dir, ['synth']);
    expect(cli(dir, ['check'])).toMatchObject({ code: 0, err: '' });
    expect(cli(dir, ['check']).out).toMatch(/^dist\/ is up to date: 2 apps, .*; checked in \d+ ms$/);
    fs.writeFileSync(path.join(dir, 'variant.json'), variant({ image: 'ghcr.io/acme/web:1.1.0', extra: true }));
    fs.writeFileSync(path.join(dir, 'dist/other/other.configmap.gone.yaml'), `# ${GENERATED_MARKER} from main.js\n`);
    const r = cli(dir, ['check']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'dist/ is stale: 3 difference(s). Run `npx cdk8s-realtime synth` and commit dist/.',
      '  + web/web.configmap.extra.yaml (not committed)',
      '  ~ web/web.deployment.web.yaml (line 31: committed "        - image: ghcr.io/acme/web:1.0.0", synthesized "        - image: ghcr.io/acme/web:1.1.0")',
      '  - other/other.configmap.gone.yaml (no longer generated)',
    ]);
  });
});

describe('diff', () => {
  test('lists what a synth would change and prints each change as a unified diff; writes nothing', () => {
    const dir = project(entry());
    cli(dir, ['synth']);
    expect(cli(dir, ['diff']).out).toBe('no changes: `npx cdk8s-realtime synth` would leave dist/ as it is');
    fs.writeFileSync(path.join(dir, 'variant.json'), variant({ image: 'ghcr.io/acme/web:1.1.0', extra: true }));
    const before = fs.readFileSync(path.join(dir, 'dist/web/web.deployment.web.yaml'), 'utf8');
    const r = cli(dir, ['diff']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '`npx cdk8s-realtime synth` would change 2 file(s) in dist/: 1 new, 1 changed, 0 deleted',
      '  + web/web.configmap.extra.yaml',
      '  ~ web/web.deployment.web.yaml',
    ]);
    expect(r.out).toContain('--- /dev/null\n+++ b/dist/web/web.configmap.extra.yaml\n@@ -0,0 +1,8 @@\n+# Generated by cdk8s-realtime');
    expect(r.out).toContain('--- a/dist/web/web.deployment.web.yaml\n+++ b/dist/web/web.deployment.web.yaml\n@@ -28,7 +28,7 @@\n     spec:\n       automountServiceAccountToken: false\n       containers:\n-        - image: ghcr.io/acme/web:1.0.0\n+        - image: ghcr.io/acme/web:1.1.0\n           imagePullPolicy: IfNotPresent\n');
    expect(fs.readFileSync(path.join(dir, 'dist/web/web.deployment.web.yaml'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'dist/web/web.configmap.extra.yaml'))).toBe(false);
  });
});

describe('unifiedDiff', () => {
  test('the format of diff -u: hunks with 3 lines of context, merged when they touch', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    const b = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n';
    expect(unifiedDiff('a/x', 'b/x', a, b)).toBe([
      '--- a/x', '+++ b/x',
      '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e',
      '@@ -11,3 +11,4 @@', ' k', ' l', ' m', '+n', '',
    ].join('\n'));
    expect(unifiedDiff('a/x', 'b/x', 'x\ny\n', 'x\nz\ny\n')).toBe('--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n x\n+z\n y\n');
    expect(unifiedDiff('a/x', '/dev/null', 'x\n', '')).toBe('--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n');
    expect(unifiedDiff('a/x', 'b/x', 'same\n', 'same\n')).toBe('');
  });
});

describe('init', () => {
  test('scaffolds the project files, versions pinned to the ones this package is tested with', () => {
    const dir = path.join(project(), 'My Game');
    const r = cli(path.dirname(dir), ['init', 'My Game', '--package', 'file:../cdk8s-realtime.tgz']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('created 8 files in My Game: package.json, tsconfig.json, cdk8s.yaml, main.ts, test/main.test.ts, .gitignore, .github/workflows/kubernetes.yml, README.md');
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-game');
    expect(pkg.dependencies).toEqual({ 'cdk8s': `^${own.devDependencies.cdk8s}`, 'cdk8s-realtime': 'file:../cdk8s-realtime.tgz', 'constructs': `^${own.devDependencies.constructs}` });
    expect(pkg.devDependencies.typescript).toBe(own.devDependencies.typescript);
    expect(pkg.devDependencies['cdk8s-cli']).toBe(own.devDependencies['cdk8s-cli']);
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toMatch(/^app: npx cdk8s-realtime synth$/m);
    expect(pkg.allowScripts).toEqual(own.allowScripts);
    expect(Object.keys(pkg.allowScripts)).toEqual(['@swc/core', '@parcel/watcher']);
  });

  test('the scaffolded main.ts synthesizes: a Fleet of two clusters, a RealtimeService with HTTP, WebSocket and UDP', () => {
    const dir = project();
    initProject(dir, { name: 'game' });
    // Knows the library by name: point it at this repository's lib/ for the in-process run.
    fs.writeFileSync(path.join(dir, 'main.ts'), fs.readFileSync(path.join(dir, 'main.ts'), 'utf8').replace("from 'cdk8s-realtime'", `from ${JSON.stringify(LIB)}`));
    const r = cli(dir, ['synth']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^synthesized 1 apps, 2 clusters, 2 envs, 3 charts, \d+ objects, \d+ files into dist\/ /);
    const ws = fs.readFileSync(path.join(dir, 'dist/game/eu-west/prod/game-prod.ingress.game-server-ws.yaml'), 'utf8');
    expect(ws).toContain('nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"');
    expect(fs.readdirSync(path.join(dir, 'dist/game/us-east/prod')).filter((f) => f.includes('.service.'))).toEqual(['game-prod.service.game-server-udp.yaml', 'game-prod.service.game-server.yaml']);
  });

  test('refuses to overwrite a file that exists, and writes nothing', () => {
    const dir = project({ 'main.ts': '// mine\n' });
    const r = cli(dir, ['init']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[1]).toBe(`[${dir}] cdk8s-realtime init 'dir' is "${dir}": must not hold any of the files init writes (found main.ts). Fix: init into a new or empty folder: \`npx cdk8s-realtime init my-app\``);
    expect(fs.readdirSync(dir)).toEqual(['main.ts']);
  });
});

