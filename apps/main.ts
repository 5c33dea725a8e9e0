// Entry point of `npm run synth` (and `npx cdk8s synth`): synthesizes every reference app into
// dist/. With --check it writes nothing and exits 1 when the committed dist/ differs.
// Options: --check, --outdir <dir>, --app <name> (repeatable; other apps' folders are left alone),
// --delete-app <name> (repeatable: an app dropped from apps/index.ts whose folder is to be deleted).
import * as fs from 'fs';
import * as path from 'path';
import { RealtimeConfigError, diffDist, synthesize, writeDist } from '../lib';
import { APPS } from './index';

function main(argv: string[]): number {
  const started = process.hrtime.bigint();
  const check = argv.includes('--check');
  const outIdx = argv.indexOf('--outdir');
  const outdir = path.resolve(outIdx >= 0 ? argv[outIdx + 1] : path.join(__dirname, '..', 'dist'));
  const only = argv.flatMap((a, i) => (a === '--app' ? [argv[i + 1]] : []));
  const deleteApps = argv.flatMap((a, i) => (a === '--delete-app' ? [argv[i + 1]] : []));
  const apps = only.length ? APPS.filter((a) => only.includes(a.name)) : APPS;
  let result;
  try {
    result = synthesize(apps);
  } catch (e) {
    if (e instanceof RealtimeConfigError) {
      console.error(`synth failed with ${e.problems.length} problem(s):\n${e.message}`);
      return 1;
    }
    throw e;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const summary = `${result.apps} apps, ${result.clusters} clusters, ${result.envs} envs, ${result.charts} charts, ${result.objects} objects, ${result.files.size} files`;
  if (check) {
    const diff = diffDist(outdir, result);
    const n = diff.missing.length + diff.changed.length + diff.stale.length;
    if (n > 0) {
      console.error(`dist/ is stale: ${n} difference(s). Run \`npm run synth\` and commit dist/.`);
      for (const f of diff.missing) console.error(`  + ${f} (not committed)`);
      for (const c of diff.changed) console.error(`  ~ ${c.file} (${c.firstDifference})`);
      for (const f of diff.stale) console.error(`  - ${f} (no longer generated)`);
      return 1;
    }
    console.log(`dist/ is up to date: ${summary}; checked in ${ms.toFixed(0)} ms`);
    return 0;
  }
  let report;
  try {
    report = writeDist(outdir, result, { deleteApps, keepOtherApps: only.length > 0 });
  } catch (e) {
    if (e instanceof RealtimeConfigError) {
      console.error(`synth wrote nothing: ${e.message}`);
      return 1;
    }
    throw e;
  }
  // Under `npx cdk8s synth` the CLI lists its own (throwaway, git-ignored) output folder:
  // mirror the synthesis there; dist/ stays the source of truth.
  if (process.env.CDK8S_OUTDIR) {
    const cliOut = path.resolve(process.env.CDK8S_OUTDIR);
    fs.rmSync(cliOut, { recursive: true, force: true });
    for (const [rel, content] of result.files) {
      fs.mkdirSync(path.dirname(path.join(cliOut, rel)), { recursive: true });
      fs.writeFileSync(path.join(cliOut, rel), content);
    }
  }
  console.log(`synthesized ${summary} in ${ms.toFixed(0)} ms: ${report.written.length} written, ${report.unchanged} unchanged, ${report.deleted.length} stale deleted`);
  for (const f of report.deleted) console.log(`  - ${f}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
