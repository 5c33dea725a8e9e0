// `npm test` warm time against its 15 s target: one warm-up run (fills the SWC/jest transform and
// tsc incremental caches), then `runs` measured runs. Part of `npm run bench`; alone:
// `npm run bench:test [-- --runs 3]`. Wall time on a shared machine includes everyone else's
// load, so each run also reports its CPU time (user + sys of the whole process tree) and how busy
// the CPUs were just before it: CPU / cores is what the run costs on an idle machine of this size.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
export const NPM_TEST_LIMIT_S = 15;

export interface NpmTestRun { readonly wallS: number; readonly cpuS: number; readonly busyBefore: number; readonly status: number | null; readonly summary: string }
export interface NpmTestBench { readonly warmup: NpmTestRun; readonly runs: NpmTestRun[]; readonly medianS: number; readonly minS: number; readonly medianCpuS: number; readonly cores: number }

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** Busy fraction of all CPUs over a 500 ms window. */
function busyNow(): number {
  const a = cpuTimes();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

function runNpmTest(): NpmTestRun {
  // The default run counts of `npm test` (CI sets CDK8SRT_PROPERTY_RUNS=full on purpose).
  const env = { ...process.env };
  delete env.CDK8SRT_PROPERTY_RUNS;
  delete env.NODE_OPTIONS;
  const busyBefore = busyNow();
  const timeFile = path.join(os.tmpdir(), `cdk8srt-bench-npm-test-${process.pid}.txt`);
  const [cmd, args] = TIME ? [TIME, ['-f', '%U %S', '-o', timeFile, 'npm', 'test']] : ['npm', ['test']];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpuS = NaN;
  if (TIME && fs.existsSync(timeFile)) {
    const [u, s] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuS = u + s;
    fs.rmSync(timeFile, { force: true });
  }
  const summary = (r.stdout.match(/^\d+ passed, \d+ failed.*$/m) ?? ['(no summary line)'])[0];
  return { wallS, cpuS, busyBefore, status: r.status, summary };
}

export function measureNpmTest(runs = 2, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): NpmTestBench {
  log('[bench] npm test: one warm-up run, then the measured warm runs');
  const warmup = runNpmTest();
  const measured: NpmTestRun[] = [];
  for (let i = 0; i < runs; i++) {
    measured.push(runNpmTest());
    log(`[bench] npm test run ${i + 1}: ${measured[i].wallS.toFixed(2)} s wall, ${measured[i].cpuS.toFixed(2)} s CPU, CPUs ${(measured[i].busyBefore * 100).toFixed(0)}% busy before`);
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => { const s = sorted(xs); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  return { warmup, runs: measured, medianS: median(measured.map((r) => r.wallS)), minS: sorted(measured.map((r) => r.wallS))[0], medianCpuS: median(measured.map((r) => r.cpuS)), cores: os.cpus().length };
}

/** The report lines, ending with the target's PASS/MISS line. */
export function npmTestLines(b: NpmTestBench): string[] {
  const failed = b.runs.filter((r) => r.status !== 0);
  return [
    `npm test (warm, ${b.runs.length} runs after a warm-up of ${b.warmup.wallS.toFixed(2)} s): median ${b.medianS.toFixed(2)} s, min ${b.minS.toFixed(2)} s wall; CPU ${b.medianCpuS.toFixed(2)} s (${(b.medianCpuS / b.cores).toFixed(2)} s per core on ${b.cores} cores); CPUs busy before: ${b.runs.map((r) => `${(r.busyBefore * 100).toFixed(0)}%`).join(', ')}; "${b.runs[b.runs.length - 1].summary}"${failed.length ? `; ${failed.length} run(s) FAILED` : ''}`,
    `${failed.length ? 'FAIL' : b.minS <= NPM_TEST_LIMIT_S ? 'PASS' : 'MISS'}  npm test warm (fastest of the warm runs) <= ${NPM_TEST_LIMIT_S} s: ${b.minS.toFixed(3)} s`,
  ];
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  const b = measureNpmTest(i >= 0 ? Number(process.argv[i + 1]) : 2);
  const lines = npmTestLines(b);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const l of lines) console.log(l);
  process.exitCode = lines[lines.length - 1].startsWith('FAIL') ? 1 : 0;
}
