// `npm test`: the type-check (tsc, incremental) and jest at the same time, so the single-threaded
// tsc overlaps jest's workers instead of running before them (about 2 s less on 2 cores; see
// bench/README.md). jest's output streams; tsc's is printed after it, and the run fails if either
// fails. Extra arguments go to jest (`npm test -- test/cli.test.ts`).
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const tsc = spawn(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/cdk8s-realtime-tsc/tsbuildinfo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let tscOut = '';
tsc.stdout.on('data', (d) => { tscOut += d; });
tsc.stderr.on('data', (d) => { tscOut += d; });
const tscDone = new Promise((resolve) => tsc.on('close', (code) => resolve(code)));
const jest = spawn(process.execPath, [bin('jest', 'bin/jest.js'), '--ci', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const jestDone = new Promise((resolve) => jest.on('close', (code) => resolve(code)));

Promise.all([tscDone, jestDone]).then(([tscCode, jestCode]) => {
  if (tscCode !== 0) {
    process.stdout.write(`\ntype-check (tsc -p tsconfig.json --noEmit) FAILED:\n${tscOut}`);
  }
  process.exitCode = tscCode !== 0 ? tscCode || 1 : jestCode ?? 1;
});
