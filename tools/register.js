// Runs TypeScript entry points without type-checking (types are checked by `npm run typecheck`
// and in CI). ts-node with the SWC transpiler starts in ~0.5 s instead of ~2.5 s; see
// ../shared/notes/perf.md section 4.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_SWC = 'true';
require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });
