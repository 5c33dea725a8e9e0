// Require hook that runs TypeScript without type-checking: this repository's apps/, lib/ and
// bench/ (`node -r ./tools/register.js ...`), and a consumer's entry under `npx cdk8s-realtime
// synth`. `tsc` (this repo's `npm run typecheck`, a consumer's `npm test`) checks types.
// Each file is transpiled by SWC to CommonJS and cached by content hash under
// <nearest node_modules>/.cache/cdk8s-realtime-swc, so a warm run compiles nothing and never loads
// a compiler (ts-node's register costs ~0.3 s and ~80 MB even in transpile-only mode; see the
// repository's bench/README.md).
//
// Fallback: when @swc/core cannot load (no prebuilt binary for the platform, or installed with
// --omit=optional), the project's own `typescript` package transpiles instead (ts.transpileModule,
// ~10x slower on a cold cache, the same output semantics for CommonJS); with neither, the first
// .ts file fails with a message saying what to install.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

/** <project>/node_modules/.cache/cdk8s-realtime-swc: the nearest node_modules above this file. */
function cacheDirectory() {
  const parts = __dirname.split(path.sep);
  const i = parts.lastIndexOf('node_modules');
  const nodeModules = i >= 0 ? parts.slice(0, i + 1).join(path.sep) : path.join(__dirname, '..', 'node_modules');
  return path.join(nodeModules, '.cache', 'cdk8s-realtime-swc');
}

const cacheDir = cacheDirectory();
const OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** The transpiler: SWC, else the project's TypeScript, else undefined (with the reason). */
function pickCompiler() {
  let swcError;
  try {
    const version = require('@swc/core/package.json').version;
    return { salt: `swc ${version}:${JSON.stringify(OPTIONS)}`, load: () => require('@swc/core'), run: (swc, source, filename) => swc.transformSync(source, { ...OPTIONS, filename }).code };
  } catch (e) {
    swcError = e;
  }
  try {
    const tsPath = require.resolve('typescript', { paths: [process.cwd(), __dirname] });
    const version = require(path.join(path.dirname(tsPath), '..', 'package.json')).version;
    return {
      salt: `typescript ${version}`,
      load: () => require(tsPath),
      run: (ts, source, filename) => ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true, inlineSources: true },
      }).outputText,
    };
  } catch {
    return { missing: `neither @swc/core (${String(swcError && swcError.message).split('\n')[0]}) nor typescript can be loaded: run \`npm install --save-dev typescript\`, or write the entry in JavaScript` };
  }
}

const compiler = pickCompiler();
let loaded; // the compiler module, loaded only on a cache miss

function compile(source, filename) {
  if (compiler.missing) throw new Error(`cannot run ${filename}: ${compiler.missing}`);
  const key = crypto.createHash('sha1').update(compiler.salt).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    loaded = loaded || compiler.load();
    const code = compiler.run(loaded, source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only node_modules: run uncached
    }
    return code;
  }
}

Module._extensions['.ts'] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
