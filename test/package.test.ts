// The published package, as a consumer gets it: `npm pack` (which runs `prepack`, the build into
// build/), the tarball's file list, then an install of the tarball into a fresh project outside
// the repository, a consumer app that synthesizes a RealtimeService, and a type-check of a
// TypeScript consumer against the shipped declarations. Needs the npm registry (cdk8s,
// constructs and the package's dependencies are installed from it); takes ~20-60 s.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..');
const TIMEOUT = 180_000;
// Every step shells out synchronously (npm, node, tsc); the type-check alone takes ~8 s.
jest.setTimeout(TIMEOUT);
const temps: string[] = [];
const tmp = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

interface Packed { readonly tarball: string; readonly size: number; readonly entries: string[] }
let packed: Packed;

beforeAll(() => {
  const out = tmp('cdk8srt-pack-');
  // `--json` prints the pack report on stdout; lifecycle banners precede it.
  const stdout = run('npm', ['pack', '--json', '--pack-destination', out], REPO);
  const report = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1 || stdout.indexOf('[')))[0];
  const tarball = path.join(out, report.filename);
  const entries = run('tar', ['-tzf', tarball], out).split('\n').filter(Boolean).map((e) => e.replace(/^package\//, '')).sort();
  packed = { tarball, size: fs.statSync(tarball).size, entries };
}, TIMEOUT);

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('ships the compiled library and CLI, their declarations, the bin scripts, README and CHANGELOG, and nothing else', () => {
    expect(packed.entries).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/synth/synthesizer.js', 'build/cli/index.js', 'bin/cdk8s-realtime.js', 'bin/register.js']));
    const forbidden = packed.entries.filter((e) => /^(apps|dist|bench|test|tools|imports|lib|cli|docs|node_modules)\//.test(e) || (e.endsWith('.ts') && !e.endsWith('.d.ts')));
    expect(forbidden).toEqual([]);
    // build/imports/ holds the compiled CRD bindings (imports/), which lib/ may use at runtime.
    expect(packed.entries.filter((e) => !['package.json', 'README.md', 'CHANGELOG.md', 'bin/cdk8s-realtime.js', 'bin/register.js'].includes(e) && !/^build\/(lib|imports|cli)\/.*\.(js|d\.ts)$/.test(e))).toEqual([]);
  });

  test('every module has its declarations', () => {
    const js = packed.entries.filter((e) => e.startsWith('build/') && e.endsWith('.js'));
    expect(js.length).toBeGreaterThan(10);
    expect(js.filter((e) => !packed.entries.includes(e.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  test('package.json points main, types and exports at build/', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('build/lib/index.js');
    expect(pkg.types).toBe('build/lib/index.d.ts');
    expect(pkg.exports['.']).toEqual({ types: './build/lib/index.d.ts', require: './build/lib/index.js', default: './build/lib/index.js' });
  });
});

describe('a consumer project outside the repository', () => {
  let consumer: string;

  beforeAll(() => {
    consumer = tmp('cdk8srt-consumer-');
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
    run('npm', ['install', packed.tarball, 'cdk8s@2.70.106', 'constructs@10.8.1', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
  }, TIMEOUT);

  test('requires the package, synthesizes a RealtimeService and writes dist/ with writeDist', () => {
    // GIVEN a plain JavaScript app that knows the package only by name
    fs.writeFileSync(path.join(consumer, 'synth.js'), `
const path = require('path');
const { Duration } = require('cdk8s');
const { IngressController, OwnedNamespace, RealtimeService, Route, synthesize, writeDist } = require('cdk8s-realtime');

const result = synthesize([{
  name: 'hello',
  source: 'synth.js',
  namespace: 'hello',
  define: (chart) => {
    new OwnedNamespace(chart, 'Namespace');
    new RealtimeService(chart, 'Hello', {
      name: 'hello',
      image: 'ghcr.io/acme/hello:1.0.0',
      http: { port: 8080 },
      routes: {
        controller: IngressController.nginx(),
        hosts: ['hello.example.com'],
        routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: Duration.minutes(30) })],
      },
    });
  },
}]);
const report = writeDist(path.join(__dirname, 'dist'), result);
console.log(JSON.stringify({ objects: result.objects, written: report.written }));
`);
    // WHEN
    const out = JSON.parse(run('node', ['synth.js'], consumer));
    // THEN
    expect(out.written).toEqual([
      'hello/PREREQUISITES.md',
      'hello/_cluster.namespace.hello.yaml',
      'hello/hello.deployment.hello.yaml',
      'hello/hello.ingress.hello-ws.yaml',
      'hello/hello.ingress.hello.yaml',
      'hello/hello.networkpolicy.hello.yaml',
      'hello/hello.poddisruptionbudget.hello.yaml',
      'hello/hello.service.hello.yaml',
    ]);
    const read = (f: string) => fs.readFileSync(path.join(consumer, 'dist', 'hello', f), 'utf8');
    expect(read('hello.deployment.hello.yaml')).toMatch(/^# Generated by cdk8s-realtime from synth.js \(hello\/Hello\/Deployment\)/);
    expect(read('hello.deployment.hello.yaml')).toContain('image: ghcr.io/acme/hello:1.0.0');
    expect(read('hello.ingress.hello-ws.yaml')).toContain('nginx.ingress.kubernetes.io/proxy-read-timeout: "1800"');
    expect(read('hello.service.hello.yaml')).toContain('kind: Service');
  });

  test('every shipped module loads: all its relative requires resolve inside the package', () => {
    fs.writeFileSync(path.join(consumer, 'load-all.js'), `
const fs = require('fs');
const path = require('path');
const root = path.dirname(require.resolve('cdk8s-realtime/package.json'));
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
const failed = [];
let loaded = 0;
for (const f of walk(path.join(root, 'build')).filter((f) => f.endsWith('.js')).sort()) {
  try { require(f); loaded++; } catch (e) { failed.push(path.relative(root, f) + ': ' + e.message.split('\\n')[0]); }
}
console.log(JSON.stringify({ loaded, failed }));
`);
    const out = JSON.parse(run('node', ['load-all.js'], consumer));
    expect(out.failed).toEqual([]);
    expect(out.loaded).toBe(packed.entries.filter((e) => e.startsWith('build/') && e.endsWith('.js')).length);
  });

  test('reports bad input with a RealtimeConfigError, and only the entry point is importable', () => {
    fs.writeFileSync(path.join(consumer, 'errors.js'), `
const { App, Chart } = require('cdk8s');
const { RealtimeConfigError, RealtimeService } = require('cdk8s-realtime');
let message;
try {
  new RealtimeService(new Chart(new App(), 'c', { namespace: 'x' }), 'Bad', { name: 'bad', image: 'nginx:latest', http: { port: 80 } });
} catch (e) {
  message = (e instanceof RealtimeConfigError ? 'RealtimeConfigError: ' : 'other: ') + e.message;
}
let deep;
try { require('cdk8s-realtime/build/lib/private/checks'); deep = 'importable'; } catch (e) { deep = e.code; }
console.log(JSON.stringify({ message, deep }));
`);
    const out = JSON.parse(run('node', ['errors.js'], consumer));
    expect(out.message).toMatch(/^RealtimeConfigError: \[c\/Bad\] RealtimeService 'image' is "nginx:latest"/);
    expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('a TypeScript consumer type-checks against the shipped declarations', () => {
    fs.writeFileSync(path.join(consumer, 'app.ts'), `
import { App, Chart } from 'cdk8s';
import { AppSpec, RealtimeService, RealtimeServiceProps, SynthResult, synthesize, topologyMermaid } from 'cdk8s-realtime';
const props: RealtimeServiceProps = { name: 'hello', image: 'ghcr.io/acme/hello:1.0.0', http: { port: 8080 } };
const spec: AppSpec = { name: 'hello', source: 'app.ts', namespace: 'hello', define: (chart: Chart) => { new RealtimeService(chart, 'Hello', props); } };
const result: SynthResult = synthesize([spec]);
const files: number = result.files.size;
const chart = new Chart(new App(), 'x', { namespace: 'x' });
const diagram: string = topologyMermaid([{ chart }]);
// @ts-expect-error 'port' must be a number
const bad: RealtimeServiceProps = { name: 'x', image: 'x:1', http: { port: '80' } };
export { files, diagram, bad };
`);
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', 'app.ts'];
    expect(() => run('node', [tsc, ...args], consumer)).not.toThrow();
  });
});

describe('a project made by `npx cdk8s-realtime init`, with the packed tarball', () => {
  let project: string;
  let installWarnings: string[] = [];
  // cdk8s-cli checks the registry for a newer version of itself before every command; the
  // project's CI example turns that off the same way.
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CI: 'true' };
  const exec = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: project, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

  beforeAll(() => {
    const parent = tmp('cdk8srt-init-');
    // The CLI from the tarball, as `npx cdk8s-realtime init` runs it before any project exists.
    const cliHome = tmp('cdk8srt-cli-');
    run('npm', ['install', packed.tarball, '--no-audit', '--no-fund', '--loglevel=error', '--no-save'], cliHome);
    const out = run('node', [path.join(cliHome, 'node_modules', '.bin', 'cdk8s-realtime'), 'init', 'game', '--package', `file:${packed.tarball}`], parent);
    expect(out.split('\n')[0]).toBe('created 8 files in game: package.json, tsconfig.json, cdk8s.yaml, main.ts, test/main.test.ts, .gitignore, .github/workflows/kubernetes.yml, README.md');
    project = path.join(parent, 'game');
    // The default log level, so npm's warnings show: the scaffold's allowScripts covers every
    // install script of the tree (npm 11 warns about the others).
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, env, encoding: 'utf8' });
    expect(install.status).toBe(0);
    installWarnings = install.stderr.split('\n').filter((l) => l.startsWith('npm warn'));
  }, TIMEOUT);

  test('installs without an install-scripts warning (the scaffold reviews them in allowScripts)', () => {
    expect(installWarnings.filter((l) => /install-scripts/.test(l))).toEqual([]);
  });

  test('`npx cdk8s-realtime synth` writes dist/ and prints the summary line', () => {
    const out = exec('npx', ['cdk8s-realtime', 'synth']);
    expect(out).toMatch(/^synthesized 1 apps, 2 clusters, 2 envs, 3 charts, \d+ objects, \d+ files into dist\/ in \d+ ms: \d+ written, 0 unchanged, 0 stale deleted\n$/);
    const ws = fs.readFileSync(path.join(project, 'dist/game/eu-west/prod/game-prod.ingress.game-server-ws.yaml'), 'utf8');
    expect(ws.split('\n')[0]).toBe('# Generated by cdk8s-realtime from main.ts (game-eu-west-prod/Server/Routes/Ingress-ws). Do not edit: run `npx cdk8s-realtime synth`.');
    expect(exec('npx', ['cdk8s-realtime', 'check'])).toMatch(/^dist\/ is up to date: /);
  });

  test('the project\'s own `npm test` passes: tsc against the shipped declarations, then its snapshot test', () => {
    // The first run writes the snapshot (as a user's first `npm test` does); the second, with
    // --ci, must match it.
    execFileSync('npm', ['test', '--', '--ci=false'], { cwd: project, env: { ...env, CI: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(fs.existsSync(path.join(project, 'test/__snapshots__/main.test.ts.snap'))).toBe(true);
    const second = execFileSync('npm', ['test', '--', '--ci'], { cwd: project, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(second).toBeDefined();
  });

  test('`npx cdk8s synth` writes the same dist/, says where, and prints no upgrade-check stack trace', () => {
    fs.rmSync(path.join(project, 'dist'), { recursive: true, force: true });
    const r = spawnSync('npx', ['cdk8s', 'synth'], { cwd: project, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    // cdk8s-cli swallows the app's stdout and lists its output folder; the summary comes on stderr.
    expect(r.stderr).toMatch(/^synthesized 1 apps, .* into dist\/ in \d+ ms: \d+ written, 0 unchanged, 0 stale deleted\ncdk8s synth: dist\/ is dist\/ \(commit it\); \.cdk8s\.out\/ holds a copy for cdk8s-cli, listed below\n$/);
    expect(r.stdout).toContain('  - .cdk8s.out/game/eu-west/prod/game-prod.ingress.game-server-ws.yaml\n');
    expect(r.stderr).not.toMatch(/\n\s+at |Redirected request failed|A new version/);
    expect(exec('npx', ['cdk8s-realtime', 'check'])).toMatch(/^dist\/ is up to date: /);
  });

  test('`npx cdk8s-realtime diff` shows a code change as a unified diff before it is synthesized', () => {
    exec('npx', ['cdk8s-realtime', 'synth']);
    const main = path.join(project, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('game-server:1.0.0', 'game-server:1.0.1'));
    const out = exec('npx', ['cdk8s-realtime', 'diff']);
    expect(out.split('\n')[0]).toBe('`npx cdk8s-realtime synth` would change 3 file(s) in dist/: 0 new, 3 changed, 0 deleted');
    expect(out).toContain('-        - image: ghcr.io/example/game-server:1.0.0\n+        - image: ghcr.io/example/game-server:1.0.1\n');
    const check = spawnSync('npx', ['cdk8s-realtime', 'check'], { cwd: project, env, encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stderr.split('\n')[0]).toBe('dist/ is stale: 3 difference(s). Run `npx cdk8s-realtime synth` and commit dist/.');
  });

  test('a refused prop prints the library\'s message, without a stack trace, and exits 1', () => {
    const main = path.join(project, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace(/game-server:1\.0\.\d/, 'game-server:latest'));
    const r = spawnSync('npx', ['cdk8s-realtime', 'synth'], { cwd: project, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cdk8s-realtime: failed with 1 problem\(s\):\n\[game-eu-west-staging\/Server\] RealtimeService 'image' is "ghcr.io\/example\/game-server:latest": must /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('bin/register.js, the TypeScript hook of `npx cdk8s-realtime synth`', () => {
  // A copy outside any node_modules that holds @swc/core: the fallbacks a platform without SWC's
  // prebuilt binary gets. Here rather than in test/cli.test.ts: loading typescript takes ~1.5 s.
  const REGISTER = path.join(REPO, 'bin', 'register.js');
  const isolated = () => {
    const dir = tmp('cdk8srt-hook-');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(REGISTER, path.join(dir, 'bin', 'register.js'));
    fs.writeFileSync(path.join(dir, 'entry.ts'), 'const n: number = 6 * 7;\nconsole.log(`answer ${n}`);\n');
    return dir;
  };
  const runHook = (dir: string, cwd: string) => spawnSync(process.execPath, ['-r', path.join(dir, 'bin', 'register.js'), path.join(dir, 'entry.ts')], { cwd, encoding: 'utf8' });

  test('without @swc/core it transpiles with the project\'s typescript', () => {
    const dir = isolated();
    const r = runHook(dir, REPO); // typescript resolves from the working directory
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'answer 42\n', '']);
    expect(fs.readdirSync(path.join(dir, 'node_modules', '.cache', 'cdk8s-realtime-swc'))).toHaveLength(1);
  });

  test('with neither, the first .ts file fails saying what to install', () => {
    const dir = isolated();
    const r = runHook(dir, dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Error: cannot run .*entry\.ts: neither @swc\/core \(Cannot find module '@swc\/core\/package\.json'\) nor typescript can be loaded: run `npm install --save-dev typescript`, or write the entry in JavaScript/);
  });
});

test('the tarball stays small: under 1 MiB and 150 files (a guard against shipping a folder by accident; the file list is checked above)', () => {
  // 0.1.x: ~460 kB packed, ~110 files (build/lib, build/cli, build/imports with the Gateway API
  // policy bindings, bin/, README, CHANGELOG, package.json).
  expect(packed.size).toBeLessThan(1024 * 1024);
  expect(packed.entries.length).toBeLessThan(150);
});
