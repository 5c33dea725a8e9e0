// `npm run bench`: times child processes (1 warm-up, then N measured runs; median, min, max) and
// prints ratios against a plain cdk8s + cdk8s-plus-28 baseline, a scaling run, and the targets as
// PASS/MISS lines. Writes bench/results/bench.json (git-ignored). A benchmark, not a test: it never
// fails on a MISS (exit code 0), only when a command itself fails.
//
// Usage: node -r ./tools/register.js bench/run.ts [--runs 5] [--plain-1200-runs 2] [--runs-12000 3]
//          [--quick] [--no-jest] [--no-profile] [--keep]
// --no-jest skips the `npm test` timing (bench/npm-test.ts; alone: npm run bench:test).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as swc from '@swc/core';
import { ApiObject, App, Chart } from 'cdk8s';
import { NPM_TEST_LIMIT_S, measureNpmTest, npmTestLines } from './npm-test';
// apps/ and lib/ are loaded lazily (see loadOurs): other sessions edit them while the bench runs.
type Apps = typeof import('../apps');
type Lib = typeof import('../lib');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const BASELINE = path.join(ROOT, 'bench', 'baseline');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// ---------------------------------------------------------------------------------------------
// options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const num = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const QUICK = flag('--quick');
const RUNS = num('--runs', QUICK ? 2 : 5);
const PLAIN_1200_RUNS = num('--plain-1200-runs', QUICK ? 1 : 2);
const RUNS_12000 = num('--runs-12000', QUICK ? 1 : 3);
const DO_JEST = !flag('--no-jest');
const DO_PROFILE = !flag('--no-profile');
const KEEP = flag('--keep');
/** Before each run, wait up to this many seconds for the machine to be mostly idle (other sessions share it). */
const MAX_WAIT_S = flag('--no-wait') ? 0 : num('--max-wait', 5);

// ---------------------------------------------------------------------------------------------
// measuring

interface Stats { median: number; min: number; max: number; values: number[] }
interface Measurement {
  key: string;
  label: string;
  command: string;
  warmup: number;
  runs: number;
  wallS: Stats;
  /** user + sys CPU seconds of the child and its waited-for descendants (less sensitive to other load than wall time). */
  cpuS: Stats;
  rssMB: Stats;
  /** Output folder of the last run. */
  lastOut?: string;
  /** Set when the command failed (after retries): its numbers are missing. */
  error?: string;
  /** Busy fraction of the CPUs (other processes) just before each run. */
  busyBefore?: Stats;
  /** The last stdout line of each measured run, when it is JSON (the scaling children print one). */
  child: Array<Record<string, number>>;
  objects?: number;
  note?: string;
}

function stats(values: number[]): Stats {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, values };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], values };
}

/** The environment of every child: no ts-node settings leak from this (transpile-only) process. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('TS_NODE_') || k === 'CDK8S_OUTDIR' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

interface Run { ms: number; rssKB: number; cpuS: number; stdout: string; stderr: string; status: number | null }

let tmp = '';
let appNames: string[] = [];

function runOnce(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean } = {}): Run {
  const rssFile = path.join(tmp, 'rss.txt');
  fs.rmSync(rssFile, { force: true });
  const [c, a] = TIME ? [TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd: opts.cwd ?? ROOT, env: opts.env ?? childEnv(), encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`command failed (exit ${r.status}): ${cmd} ${args.join(' ')}\n${(r.stderr || '').slice(-4000)}\n${(r.stdout || '').slice(-2000)}`);
  }
  let rssKB = NaN;
  let cpuS = NaN;
  if (TIME && fs.existsSync(rssFile)) {
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    const [m, u, sy] = lines[lines.length - 1].split(' ').map(Number);
    rssKB = m;
    cpuS = u + sy;
  }
  const last = lastJson(r.stdout);
  if (Number.isNaN(rssKB) && last?.maxRssKB) rssKB = last.maxRssKB;
  return { ms, rssKB, cpuS, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function lastJson(stdout: string): Record<string, number> | undefined {
  const lines = (stdout || '').trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (!last.startsWith('{')) return undefined;
  try {
    return JSON.parse(last);
  } catch {
    return undefined;
  }
}

/** apps/main.ts ends with `synthesized ... in N ms: ...` (the time of synthesize(), before writing). */
function synthLine(stdout: string): Record<string, number> | undefined {
  const m = (stdout || '').match(/^synthesized .* in (\d+) ms/m);
  return m ? { synthMs: Number(m[1]) } : undefined;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// machine load: this VM is shared, so each run waits briefly for a quiet moment and records how busy it was

function cpuTimes(): { busy: number; total: number } {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - (f[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Busy fraction of all CPUs over a 300 ms window. */
function busyNow(): number {
  const a = cpuTimes();
  sleepMs(300);
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** Waits (at most MAX_WAIT_S) until the CPUs are less than 35% busy; returns the last busy fraction. */
function waitQuiet(): number {
  const deadline = Date.now() + MAX_WAIT_S * 1000;
  let busy = busyNow();
  while (busy > 0.35 && Date.now() < deadline) busy = busyNow();
  return busy;
}

/**
 * The synthesizer as issue #15 found it (synthesize() of every chart, then writeDist(); the last
 * commit before chart-by-chart synthesis): its own bench/scale/ours.ts runs paired with ours at
 * 1,200 services, for "no slower than before" under the same machine load.
 */
const BEFORE_COMMIT = 'e1e12f7';

/** A detached worktree of BEFORE_COMMIT outside the repository, using this checkout's node_modules; undefined (with the reason logged) without git history. */
function checkoutBefore(dir: string): string | undefined {
  const r = spawnSync('git', ['-C', ROOT, 'worktree', 'add', '--force', '--detach', dir, BEFORE_COMMIT], { encoding: 'utf8' });
  if (r.status !== 0) {
    log(`[bench] no "before" row: git worktree add ${BEFORE_COMMIT} failed (a shallow clone?): ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
    return undefined;
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function removeBefore(dir: string | undefined): void {
  if (dir) spawnSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir], { encoding: 'utf8' });
}

/** Placeholder in Spec.args for the run's own output folder. */
const OUT = '<out>';
let outCounter = 0;

interface Spec {
  key: string;
  label: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Output folder base: every run gets its own new folder `<out>.<n>` (passed where args hold OUT,
   * and in the env variable outEnv), so every run writes every file. Folders are never reused:
   * deleting ~10k files and writing them again at the same path makes the next writes several
   * times slower on this machine (sys time), which would be charged to the synthesizer.
   */
  out?: string;
  outEnv?: string;
  note?: string;
}

/**
 * Runs the commands round-robin (warm-up rounds first, then measured rounds), so that a change of
 * the machine's load during the benchmark hits every command of the group alike.
 */
function measureGroup(specs: Spec[], o: { runs?: number; warmup?: number } = {}): Measurement[] {
  const warmup = o.warmup ?? 1;
  const runs = o.runs ?? RUNS;
  const acc = specs.map((sp) => ({ sp, walls: [] as number[], cpus: [] as number[], rss: [] as number[], busy: [] as number[], child: [] as Array<Record<string, number>>, error: undefined as string | undefined, lastOut: undefined as string | undefined }));
  for (const { sp } of acc) {
    const cwd = sp.cwd ?? ROOT;
    log(`[bench] ${sp.key}: ${path.relative(ROOT, cwd) || '.'}$ ${[sp.cmd, ...sp.args].map((x) => (x.startsWith(ROOT) ? path.relative(cwd, x) || '.' : x)).join(' ')}`);
  }
  log(`[bench] ${warmup} warm-up + ${runs} measured round(s), round-robin`);
  for (let i = 0; i < warmup + runs; i++) {
    for (const a of acc) {
      if (a.error) continue;
      let busy = 0;
      let r: Run | undefined;
      // The working tree is shared with other sessions: a run can fail while a file is half-edited.
      for (let attempt = 1; !r; attempt++) {
        const out = a.sp.out ? `${a.sp.out}.${++outCounter}` : undefined;
        const args = a.sp.args.map((x) => (x === OUT ? out! : x));
        const env = a.sp.outEnv ? { ...(a.sp.env ?? childEnv()), [a.sp.outEnv]: out! } : a.sp.env;
        a.lastOut = out;
        busy = i < warmup ? 0 : waitQuiet();
        try {
          r = runOnce(a.sp.cmd, args, { cwd: a.sp.cwd, env });
        } catch (e) {
          const msg = (e as Error).message.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).slice(0, 6).join(' | ');
          log(`[bench]   ${a.sp.key}: attempt ${attempt} failed: ${msg}`);
          if (attempt >= 3) {
            a.error = msg;
            break;
          }
          sleepMs(15000);
        }
      }
      if (!r) continue;
      if (i < warmup) continue;
      a.busy.push(busy);
      a.walls.push(r.ms / 1000);
      a.cpus.push(r.cpuS);
      a.rss.push(r.rssKB / 1024);
      const j = lastJson(r.stdout) ?? synthLine(r.stdout);
      if (j) a.child.push(j);
      log(`[bench]   ${a.sp.key} run ${i - warmup + 1}/${runs}: ${(r.ms / 1000).toFixed(3)} s wall, ${r.cpuS.toFixed(2)} s cpu, ${(r.rssKB / 1024).toFixed(0)} MB (machine ${(busy * 100).toFixed(0)}% busy before)`);
    }
  }
  return acc.map((a) => ({
    key: a.sp.key, label: a.sp.label, command: [a.sp.cmd, ...a.sp.args].join(' '), warmup, runs,
    wallS: stats(a.walls), cpuS: stats(a.cpus), rssMB: stats(a.rss), busyBefore: stats(a.busy), child: a.child, note: a.error ? `FAILED: ${a.error}` : a.sp.note, error: a.error, lastOut: a.lastOut,
  }));
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Our synthesizer writes one object per .yaml file (TOPOLOGY.md and other extra files are not objects). */
function yamlFiles(dir: string): number {
  return walk(dir).filter((f) => f.endsWith('.yaml')).length;
}

/** Kubernetes objects in a folder: counts `kind:` at the top level of every YAML document. */
function countObjects(dir: string): number {
  let n = 0;
  for (const f of walk(dir)) if (f.endsWith('.yaml')) n += (fs.readFileSync(f, 'utf8').match(/^kind: /gm) ?? []).length;
  return n;
}

// ---------------------------------------------------------------------------------------------
// (a-js): our apps precompiled with swc (what tools/register.js does on every run, done once)

function compileOurs(outRoot: string): number {
  let n = 0;
  for (const dir of ['apps', 'cli', 'lib', 'imports', 'bench/scale']) {
    for (const file of walk(path.join(ROOT, dir))) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const { code } = swc.transformFileSync(file, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: false, swcrc: false, configFile: false });
      const out = path.join(outRoot, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, code);
      n++;
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// (d) the objects of the reference fleet, as our synthesizer builds them (no validation)

interface DumpedObject { file: string; header: string; json: Record<string, unknown> }

function loadOurs(): { APPS: Apps['APPS']; lib: Lib } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { APPS: (require('../apps') as Apps).APPS, lib: require('../lib') as Lib };
}

function fleetObjects(): DumpedObject[] {
  const { APPS, lib: { GENERATED_MARKER, fileName } } = loadOurs();
  const out: DumpedObject[] = [];
  for (const spec of APPS) {
    const app = new App({ outdir: path.join(tmp, 'unused') });
    for (const target of spec.targets ?? [undefined]) {
      const dir = target ? `${spec.name}/${target.cluster}/${target.env}` : spec.name;
      const id = target ? `${spec.name}-${target.cluster}-${target.env}` : spec.name;
      const namespace = typeof spec.namespace === 'function' ? spec.namespace(target) : spec.namespace;
      const chart = new Chart(app, id, namespace ? { namespace } : {});
      spec.define(chart, target);
      for (const c of chart.node.findAll()) {
        if (c instanceof ApiObject && Chart.of(c) === chart) {
          const json = c.toJson();
          out.push({ file: `${dir}/${fileName(json)}`, header: `# ${GENERATED_MARKER} from ${spec.source} (${c.node.path}). Do not edit: run \`npm run synth\`.\n`, json });
        }
      }
    }
  }
  return out;
}

/** A child that only loads `yaml` (the copy lib/synth/yaml.ts uses) and serializes pre-dumped JSON the same way, writing the files. */
function yamlFloorScript(): string {
  const yamlPath = require.resolve('yaml', { paths: [path.join(ROOT, 'lib', 'synth')] });
  return `'use strict';
const fs = require('fs'); const path = require('path');
const { stringify } = require(${JSON.stringify(yamlPath)});
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') { const o = {}; for (const k of Object.keys(v).sort()) if (v[k] !== undefined) o[k] = canon(v[k]); return o; }
  return v;
}
const [dump, out] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(dump, 'utf8'));
for (const it of items) {
  const f = path.join(out, it.file);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, it.header + stringify(canon(it.json), { lineWidth: 0, minContentWidth: 0, version: '1.1', aliasDuplicateObjects: false }));
}
`;
}

// ---------------------------------------------------------------------------------------------
// CPU profile: top self-time functions

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function summarizeProfile(file: string, top = 10): { functions: Array<{ fn: string; where: string; selfMs: number; pct: number }>; modules: Array<{ module: string; selfMs: number; pct: number }>; totalMs: number } {
  const prof: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  const mods = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    total += us;
    const url = cf.url.replace(/^file:\/\//, '');
    const rel = url.startsWith(ROOT) ? path.relative(ROOT, url) : url;
    const where = rel ? `${rel}:${cf.lineNumber + 1}` : '(native)';
    const key = `${cf.functionName}@${where}`;
    const e = fns.get(key) ?? { fn: cf.functionName || '(anonymous)', where, us: 0 };
    e.us += us;
    fns.set(key, e);
    const m = rel.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const mod = m ? m[1] : rel.startsWith('node:') ? 'node core' : rel ? rel.split('/').slice(0, 2).join('/') : cf.functionName.startsWith('(') ? cf.functionName : '(native/vm)';
    mods.set(mod, (mods.get(mod) ?? 0) + us);
  }
  const functions = [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, pct: (100 * e.us) / total }));
  const modules = [...mods.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, us]) => ({ module, selfMs: us / 1000, pct: (100 * us) / total }));
  return { functions, modules, totalMs: total / 1000 };
}

// ---------------------------------------------------------------------------------------------
// formatting

const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '-');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function table(headers: string[], rows: string[][], right: boolean[]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (right[i] ? lpad(c, w[i]) : pad(c, w[i]))).join(' | ')} |`;
  return [line(headers), `|${w.map((x, i) => (right[i] ? `${'-'.repeat(x + 1)}:` : '-'.repeat(x + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  // Inside the repo (bench/results/ is git-ignored) so that compiled JS resolves ../node_modules.
  tmp = fs.mkdtempSync(path.join(RESULTS, 'tmp-'));
  const node = process.execPath;
  const register = './tools/register.js';
  const started = Date.now();
  const env = { loadAvgAtStart: os.loadavg().map((x) => Number(x.toFixed(2))), node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), rss: TIME ? '/usr/bin/time -f %M (largest process of the tree)' : 'process.resourceUsage().maxRSS of the child' };
  log(`[bench] ${RUNS} measured runs after 1 warm-up; tmp ${path.relative(ROOT, tmp)}; RSS via ${env.rss}`);

  let beforeDir: string | undefined;
  try {
    beforeDir = checkoutBefore(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8srt-bench-before-')));
    // ---- compile the baseline once (for (c)) ----
    const build = path.join(tmp, 'build');
    const tsc = runOnce(node, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(BASELINE, 'tsconfig.json'), '--outDir', build]);
    log(`[bench] compiled bench/baseline with tsc in ${(tsc.ms / 1000).toFixed(2)} s (not part of (c))`);

    // ---- our apps precompiled once with swc (for the diagnostic row (a-js)) ----
    const oursJs = path.join(tmp, 'ours-js');
    const t0 = Date.now();
    const compiled = compileOurs(oursJs);
    log(`[bench] compiled ${compiled} files of apps/, lib/, imports/ with swc in ${((Date.now() - t0) / 1000).toFixed(2)} s (not part of (a-js))`);

    // ---- the reference fleet: (a), (a1), (b), (c), (d), interleaved ----
    const aOut = path.join(tmp, 'a');
    const a1Out = path.join(tmp, 'a1');
    const bOut = path.join(tmp, 'b');
    const cOut = path.join(tmp, 'c');
    const dOut = path.join(tmp, 'd');
    const ajsOut = path.join(tmp, 'a-js');
    // (d) serializes the objects of the fleet as our synthesizer builds them (dumped once, here).
    let objects: DumpedObject[] = [];
    let ours: ReturnType<typeof loadOurs> | undefined;
    for (let attempt = 1; attempt <= 3 && !ours; attempt++) {
      try {
        objects = fleetObjects();
        ours = loadOurs();
      } catch (e) {
        log(`[bench] loading apps/ in-process failed (attempt ${attempt}): ${(e as Error).message.split('\n')[0]}`);
        if (attempt < 3) sleepMs(15000);
      }
    }
    appNames = ours ? ours.APPS.map((x) => x.name) : ['(apps/ failed to load)'];
    const dump = path.join(tmp, 'objects.json');
    fs.writeFileSync(dump, JSON.stringify(objects));
    const script = path.join(tmp, 'yaml-floor.js');
    fs.writeFileSync(script, yamlFloorScript());
    const fleetSpecs: Spec[] = [
      { key: 'node0', label: 'floor: `node -e 0`', cmd: node, args: ['-e', '0'] },
      { key: 'a', label: '(a) ours, all apps: node -r ./tools/register.js apps/main.ts', cmd: node, args: ['-r', register, 'apps/main.ts', '--outdir', OUT], out: aOut },
      { key: 'reg0', label: 'runner floor: `node -r ./tools/register.js -e 0` (the cached SWC require hook)', cmd: node, args: ['-r', register, '-e', '0'] },
      { key: 'ajs', label: '(a-js) diagnostic: (a) precompiled with swc: node <tmp>/apps/main.js', cmd: node, args: [path.join(oursJs, 'apps', 'main.js'), '--outdir', OUT], out: ajsOut },
      { key: 'a1js', label: '(a1-js) diagnostic: (a1) precompiled with swc', cmd: node, args: [path.join(oursJs, 'apps', 'main.js'), '--outdir', OUT, '--app', 'mentra-cloud'], out: path.join(tmp, 'a1-js') },
      { key: 'a1', label: '(a1) ours, S1 only (--app mentra-cloud)', cmd: node, args: ['-r', register, 'apps/main.ts', '--outdir', OUT, '--app', 'mentra-cloud'], out: a1Out },
      { key: 'b', label: '(b) plain cdk8s-plus-28 S1: npx cdk8s synth (app: npx ts-node main.ts, type-checking)', cmd: 'npx', args: ['cdk8s', 'synth', '--output', OUT], cwd: BASELINE, out: bOut },
      { key: 'c', label: '(c) same baseline precompiled with tsc: node build/main.js', cmd: node, args: [path.join(build, 'main.js')], cwd: BASELINE, out: cOut, outEnv: 'CDK8S_OUTDIR' },
    ];
    if (ours) fleetSpecs.push({ key: 'd', label: '(d) YAML floor, process: node (load yaml, serialize pre-dumped JSON, write files)', cmd: node, args: [script, dump, OUT], out: dOut });
    const fleet = measureGroup(fleetSpecs);
    for (const m of fleet) if (m.lastOut) m.objects = ['b', 'c'].includes(m.key) ? countObjects(m.lastOut) : yamlFiles(m.lastOut);
    // (d') in-process: only toYaml() over the already-built objects; each run is the mean of 50 passes.
    const passes = 50;
    const toYaml = ours?.lib.toYaml;
    const pass = () => {
      let bytes = 0;
      for (const o of objects) bytes += toYaml!(o.json).length;
      return bytes;
    };
    if (toYaml) for (let i = 0; i < 20; i++) pass();
    const inproc: number[] = [];
    for (let r = 0; toYaml && r < RUNS; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < passes; i++) pass();
      inproc.push(Number(process.hrtime.bigint() - t0) / 1e9 / passes);
    }
    fleet.push({ key: 'd-inproc', label: `(d') YAML floor, in-process: toYaml() over the ${objects.length} objects (JIT warm, mean of ${passes} passes per run)`, command: 'in-process', warmup: 20, runs: RUNS, wallS: stats(inproc), cpuS: stats([NaN]), rssMB: stats([NaN]), child: [], objects: objects.length });

    // ---- scaling ----
    const scaleSpec = (who: 'ours' | 'plain', n: number, suffix = ''): Spec => {
      const out = path.join(tmp, `${who}-${n}${suffix}`);
      return {
        key: `${who}-${n}${suffix}`,
        label: who === 'ours' ? `ours ${n} services${suffix === '-paired' ? ' (paired with plain 1200)' : suffix ? ` (${suffix.replace(/^-paired-/, 'paired with ')})` : ''}` : `plain cdk8s single App ${n} services`,
        cmd: node, args: ['-r', register, `bench/scale/${who}.ts`, String(n), OUT], out,
      };
    };
    const scaling = [
      ...measureGroup([scaleSpec('ours', 12), scaleSpec('ours', 120), scaleSpec('plain', 120)]),
      ...measureGroup([scaleSpec('ours', 1200), {
        key: 'ours-1200-js', label: 'ours 1200 services, precompiled with swc (diagnostic: no require hook in the process)',
        cmd: node, args: [path.join(oursJs, 'bench', 'scale', 'ours.js'), '1200', OUT], out: path.join(tmp, 'ours-1200-js'),
      }]),
      // plain at 1,200 is quadratic (~30-100 s a run): few runs, no warm-up, each paired with a run of ours.
      ...measureGroup([scaleSpec('ours', 1200, '-paired'), { ...scaleSpec('plain', 1200), note: `${PLAIN_1200_RUNS} run(s), no warm-up (quadratic)` }], { runs: PLAIN_1200_RUNS, warmup: 0 }),
      // The synthesizer before chart-by-chart writing, paired with ours at 1,200.
      ...(beforeDir ? measureGroup([{ ...scaleSpec('ours', 1200, '-paired-before'), note: `paired with ${BEFORE_COMMIT}` }, {
        key: 'before-1200', label: `before: ${BEFORE_COMMIT} (synthesize() then writeDist()) 1200 services`, cmd: node, args: ['-r', register, 'bench/scale/ours.ts', '1200', OUT],
        cwd: beforeDir, out: path.join(tmp, 'before-1200'), note: 'git worktree, this checkout\'s node_modules',
      }]) : []),
      // Fleet scale: 12,000 services (96,000 objects, ~107 MB of YAML), each run paired with a run at
      // 1,200 so that t(12,000)/t(1,200) compares runs under the same machine load.
      ...measureGroup([{ ...scaleSpec('ours', 1200, '-paired-12000'), note: 'paired with 12,000' }, { ...scaleSpec('ours', 12000), note: `${RUNS_12000} run(s), no warm-up` }], { runs: RUNS_12000, warmup: 0 }),
    ];
    for (const m of scaling) m.objects = m.child[0]?.objects;

    // ---- npm test (bench/npm-test.ts) ----
    const npmTest = DO_JEST ? measureNpmTest(2, log) : undefined;

    // ---- CPU profiles: (a) and ours at 1,200 ----
    const profiles: Array<{ key: string; title: string; file: string; summary: ReturnType<typeof summarizeProfile> }> = [];
    if (DO_PROFILE) {
      const profDir = path.join(RESULTS, 'profile');
      fs.rmSync(profDir, { recursive: true, force: true });
      const jobs: Array<[string, string, string[]]> = [
        ['a', '(a) ours, all apps', ['apps/main.ts', '--outdir', path.join(tmp, 'a-prof')]],
        ['ours-1200', 'ours at 1,200 services', ['bench/scale/ours.ts', '1200', path.join(tmp, 'ours-prof')]],
        ['ours-12000', 'ours at 12,000 services', ['bench/scale/ours.ts', '12000', path.join(tmp, 'ours-prof-12000')]],
      ];
      for (const [key, title, args] of jobs) {
        log(`[bench] node --cpu-prof: ${title} (once)`);
        try {
          runOnce(node, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${key}.cpuprofile`, '-r', register, ...args]);
          const file = path.join(profDir, `${key}.cpuprofile`);
          profiles.push({ key, title, file: path.relative(ROOT, file), summary: summarizeProfile(file) });
        } catch (e) {
          log(`[bench] profile of ${title} failed: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
        }
      }
    }

    // ---- report ----
    const get = (k: string): Measurement | undefined => [...fleet, ...scaling].find((m) => m.key === k);
    const med = (k: string) => get(k)?.wallS.median ?? NaN;
    const cpu = (k: string) => get(k)?.cpuS.median ?? NaN;
    const lines: string[] = [];
    lines.push(`\nnode ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), ${env.memGB} GiB; load average at start ${env.loadAvgAtStart.join(' ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; peak RSS: ${env.rss}.`);
    lines.push(`\n## Reference fleet (median, min, max of ${RUNS} runs after 1 warm-up; wall of the child process)\n`);
    lines.push(table(['row', 'objects', 'median s', 'min s', 'max s', 'cpu s (median)', 'peak RSS MB', 'synthesize() s (in child)', 'busy before %'], fleet.map((m) => [m.label, String(m.objects ?? '-'), f3(m.wallS.median), f3(m.wallS.min), f3(m.wallS.max), f3(m.cpuS.median), f0(m.rssMB.max), m.child.length ? f3(stats(m.child.map((c) => c.synthMs / 1000)).median) : '-', m.busyBefore ? f0(m.busyBefore.median * 100) : '-']), [false, true, true, true, true, true, true, true, true]));
    lines.push(`\n(b) and (c) emit the S1 fleet only (6 charts x 2 objects, as mentra-cloud); (a) synthesizes and validates every app (${appNames.join(', ')}); (a1) is (a) restricted to S1. busy before = how busy the shared CPUs were just before the runs (waited up to ${MAX_WAIT_S} s for < 35%).`);
    lines.push(`tsc compile of the baseline (before timing (c), not included): ${(tsc.ms / 1000).toFixed(2)} s.`);

    const ratios: Array<[string, number]> = [
      ['(a)/(b)', med('a') / med('b')],
      ['(a1)/(b)', med('a1') / med('b')],
      ['(a)/(c)', med('a') / med('c')],
      ['(a1)/(c)', med('a1') / med('c')],
      ['(a-js)/(c) (our framework vs plain, both precompiled)', med('ajs') / med('c')],
      ['(a1-js)/(c) (S1 only, both precompiled)', med('a1js') / med('c')],
      ['(a) - (a-js): runtime TypeScript compilation, s', med('a') - med('ajs')],
      ['(c)/(b)', med('c') / med('b')],
      ['(a)/(d) process floor', med('a') / med('d')],
      ['(a) - (d) process floor, s', med('a') - med('d')],
      ['ours(1200) paired / plain(1200)', med('ours-1200-paired') / med('plain-1200')],
      ['cpu: (a)/(b)', cpu('a') / cpu('b')],
      ['cpu: (a)/(c)', cpu('a') / cpu('c')],
      ['cpu: ours(1200)/plain(1200), paired', cpu('ours-1200-paired') / cpu('plain-1200')],
      ['cpu: ours t(1200)/t(120)', cpu('ours-1200') / cpu('ours-120')],
    ];
    lines.push('\n## Ratios (of medians; wall time unless marked cpu = user + sys of the child tree)\n');
    lines.push(table(['ratio', 'value'], ratios.map(([k, v]) => [k, v.toFixed(3)]), [false, true]));

    lines.push(`\n## Scaling (one Chart per service, 8 objects per service; wall of the child process)\n`);
    lines.push(table(['row', 'objects', 'runs', 'median s', 'min s', 'max s', 'cpu s (median)', 'peak RSS MB (max)', 'objects/s', 'synth phase s (in child)', 'write share %', 'busy before %', 'note'], scaling.map((m) => {
      const synth = stats(m.child.map((c) => (c.synthMs + (c.writeMs ?? 0)) / 1000));
      const share = stats(m.child.filter((c) => c.writeShare !== undefined).map((c) => c.writeShare * 100));
      return [m.label, String(m.objects ?? '-'), String(m.runs), f3(m.wallS.median), f3(m.wallS.min), f3(m.wallS.max), f3(m.cpuS.median), f0(m.rssMB.max), f0((m.objects ?? NaN) / m.wallS.median), f3(synth.median), f0(share.median), m.busyBefore ? f0(m.busyBefore.median * 100) : '-', m.note ?? ''];
    }), [false, true, true, true, true, true, true, true, true, true, true, true, false]));
    lines.push('ours: synthesizeEach() into a DistWriter, chart by chart (synth phase = synthesize + write; write share = time in the writer / synth phase); plain: new App(); charts; app.synth() (synth phase = app.synth()).');

    if (npmTest) {
      lines.push('');
      lines.push(npmTestLines(npmTest)[0]);
    }

    for (const p of profiles) {
      lines.push(`\n## CPU profile: ${p.title} (${p.file}, ${p.summary.totalMs.toFixed(0)} ms sampled, self time)\n`);
      lines.push(table(['top self-time function', 'where', 'self ms', '%'], p.summary.functions.map((f) => [f.fn, f.where, f0(f.selfMs), f.pct.toFixed(1)]), [false, false, true, true]));
      lines.push('');
      lines.push(table(['self time by module', 'self ms', '%'], p.summary.modules.map((m) => [m.module, f0(m.selfMs), m.pct.toFixed(1)]), [false, true, true]));
    }

    const targets: Array<{ name: string; value: number; limit: number; unit: string }> = [
      { name: '(a)/(b) <= 0.25', value: med('a') / med('b'), limit: 0.25, unit: '' },
      { name: '(a)/(c) <= 1.5', value: med('a') / med('c'), limit: 1.5, unit: '' },
      { name: '(info) (a1)/(b) <= 0.25, S1 only: the same 12 objects on both sides', value: med('a1') / med('b'), limit: 0.25, unit: '' },
      { name: '(info) (a1)/(c) <= 1.5, S1 only', value: med('a1') / med('c'), limit: 1.5, unit: '' },
      { name: 'ours(1,200) / plain single-App(1,200) <= 0.1', value: med('ours-1200') / med('plain-1200'), limit: 0.1, unit: '' },
      { name: 'ours t(1,200)/t(120) <= 11', value: med('ours-1200') / med('ours-120'), limit: 11, unit: '' },
      { name: 'ours peak RSS at 1,200 <= 250 MB', value: get('ours-1200')?.rssMB.max ?? NaN, limit: 250, unit: ' MB' },
      { name: 'ours t(12,000)/t(1,200) <= 11 (paired runs)', value: med('ours-12000') / med('ours-1200-paired-12000'), limit: 11, unit: '' },
      { name: 'ours peak RSS at 12,000 <= 300 MB', value: get('ours-12000')?.rssMB.max ?? NaN, limit: 300, unit: ' MB' },
      { name: '(info) ours cpu t(12,000)/t(1,200) <= 11 (paired runs, user + sys)', value: cpu('ours-12000') / cpu('ours-1200-paired-12000'), limit: 11, unit: '' },
      { name: `ours t(1,200) / before t(1,200) <= 1.0 (paired runs of ${BEFORE_COMMIT}: no slower than before chart-by-chart synthesis)`, value: med('ours-1200-paired-before') / med('before-1200'), limit: 1, unit: '' },
      { name: `(info) ours cpu t(1,200) / before cpu t(1,200) <= 1.0 (paired runs, user + sys)`, value: cpu('ours-1200-paired-before') / cpu('before-1200'), limit: 1, unit: '' },
      // What issue #15 measured before chart-by-chart synthesis: 3.1-3.6 s wall at 1,200 services.
      { name: '(info) ours t(1,200) <= 3.6 s (the issue\'s figure for the synthesizer before; machine-dependent)', value: med('ours-1200'), limit: 3.6, unit: ' s' },
    ];
    targets.push({ name: '(info) ours peak RSS at 1,200 precompiled (no require hook loaded) <= 250 MB', value: get('ours-1200-js')?.rssMB.max ?? NaN, limit: 250, unit: ' MB' });
    if (npmTest) targets.push({ name: `npm test warm (fastest of ${npmTest.runs.length} warm runs; CPU ${npmTest.medianCpuS.toFixed(1)} s on ${npmTest.cores} cores) <= ${NPM_TEST_LIMIT_S} s`, value: npmTest.minS, limit: NPM_TEST_LIMIT_S, unit: ' s' });
    lines.push('\n## Targets\n');
    for (const t of targets) lines.push(`${Number.isNaN(t.value) ? 'N/A ' : t.value <= t.limit ? 'PASS' : 'MISS'}  ${t.name}: ${t.value.toFixed(3)}${t.unit}`);
    const failed = [...fleet, ...scaling].filter((m) => m.error);
    for (const m of failed) lines.push(`FAILED  ${m.key}: ${m.error}`);
    process.stdout.write(`${lines.join('\n')}\n`);

    const json = {
      generatedAt: new Date().toISOString(), durationS: (Date.now() - started) / 1000, environment: env, runs: RUNS,
      baselineTscS: tsc.ms / 1000, fleet, ratios: Object.fromEntries(ratios), scaling, npmTest, profiles,
      targets: targets.map((t) => ({ ...t, pass: t.value <= t.limit })),
    };
    const file = path.join(RESULTS, 'bench.json');
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`[bench] wrote ${path.relative(ROOT, file)} in ${((Date.now() - started) / 1000).toFixed(0)} s total`);
  } finally {
    removeBefore(beforeDir);
    if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
