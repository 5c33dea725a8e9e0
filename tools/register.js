// Require hook that runs the repo's TypeScript (apps/, lib/, bench/) without type-checking:
// `npm run typecheck` and `npm test` check types. Each file is transpiled by SWC to CommonJS and
// cached by content hash under node_modules/.cache/cdk8s-realtime-swc, so a warm run compiles
// nothing and never loads the TypeScript compiler (ts-node's register costs ~0.3 s and ~80 MB
// even in transpile-only mode; see bench/README.md).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdk8s-realtime-swc');
const OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const salt = `${require('@swc/core/package.json').version}:${JSON.stringify(OPTIONS)}`;
let swc; // loaded only on a cache miss

function compile(source, filename) {
  const key = crypto.createHash('sha1').update(salt).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc || require('@swc/core');
    const { code } = swc.transformSync(source, { ...OPTIONS, filename });
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
    return code;
  }
}

Module._extensions['.ts'] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
