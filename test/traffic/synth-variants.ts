// Synthesizes the traffic variants (test/traffic/variants.ts) into a folder for the harness:
//   node -r ./tools/register.js test/traffic/synth-variants.ts OUTDIR
// OUTDIR/dist/...           every variant's files, laid out like dist/ (plus traffic-gateway/)
// OUTDIR/applied.json       { app: folder under OUTDIR/dist } of the target the harness applies
// OUTDIR/budget/NAME.conf   the nginx stream configuration of each budget case
// OUTDIR/budget.json        the budget cases (route, proxy_timeout, port, the budget check's verdict)
import * as fs from 'fs';
import * as path from 'path';
import { RealtimeConfigError, synthesize } from '../../lib';
import { APPLIED_TARGETS, SCALED, VARIANTS, budgetCases, gatewayApp } from './variants';

function main(outdir: string): number {
  let result;
  try {
    result = synthesize([...VARIANTS.map((v) => v.app), gatewayApp]);
  } catch (e) {
    if (e instanceof RealtimeConfigError) {
      console.error(`traffic variants failed to synthesize:\n${e.message}`);
      return 1;
    }
    throw e;
  }
  for (const [rel, content] of result.files) {
    const f = path.join(outdir, 'dist', rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
  fs.writeFileSync(path.join(outdir, 'applied.json'), `${JSON.stringify(APPLIED_TARGETS, null, 2)}\n`);
  const cases = budgetCases();
  fs.mkdirSync(path.join(outdir, 'budget'), { recursive: true });
  for (const c of cases) fs.writeFileSync(path.join(outdir, 'budget', `${c.name}.conf`), c.config);
  fs.writeFileSync(path.join(outdir, 'budget.json'), `${JSON.stringify({ scaled: SCALED, cases }, null, 2)}\n`);
  console.log(`traffic variants: ${result.files.size} files, ${cases.length} budget cases in ${outdir}`);
  return 0;
}

process.exitCode = main(path.resolve(process.argv[2] ?? 'traffic-variants'));
