// `npm test`: the type-check (tsc in build mode, incremental) and jest at the same time, so the
// single-threaded tsc overlaps jest's workers instead of running before them (see bench/README.md). jest's output streams; tsc's is printed after it, and the run fails if either
// fails. Extra arguments go to jest (`npm test -- test/cli.test.ts`).
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
// Build mode (`-b`) on tsconfig.check.json (tsconfig.json + noEmit + incremental): when no input is
// newer than its build info, tsc stops after a timestamp check (0.4 s) instead of parsing and
// binding all 576 files again (2.5 s wall, 3.7 s CPU, taken from jest's workers). Errors are kept in
// the build info and reported again on every run until fixed.
const tsc = spawn(process.execPath, [bin('typescript', 'bin/tsc'), '-b', 'tsconfig.check.json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let tscOut = '';
tsc.stdout.on('data', (d) => { tscOut += d; });
tsc.stderr.on('data', (d) => { tscOut += d; });
const tscDone = new Promise((resolve) => tsc.on('close', (code) => resolve(code)));
const jest = spawn(process.execPath, [bin('jest', 'bin/jest.js'), '--ci', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const jestDone = new Promise((resolve) => jest.on('close', (code) => resolve(code)));

Promise.all([tscDone, jestDone]).then(([tscCode, jestCode]) => {
  if (tscCode !== 0) {
    process.stdout.write(`\ntype-check (tsc -b tsconfig.check.json) FAILED:\n${tscOut}`);
  }
  process.exitCode = tscCode !== 0 ? tscCode || 1 : jestCode ?? 1;
});
