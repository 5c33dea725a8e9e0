// Entry point of `npm run synth` (and `npx cdk8s synth`): synthesizes every reference app into
// dist/ through the same code as `npx cdk8s-realtime synth` (cli/index.ts), with this
// repository's apps and `npm run synth` named in the generated headers.
// Options: --check (exit 1 when the committed dist/ differs), --diff (what a synth would change),
// --outdir <dir>, --app <name> (repeatable; other apps' folders are left alone),
// --delete-app <name> (repeatable: an app dropped from apps/index.ts whose folder is to be deleted).
import * as path from 'path';
import { runCommand } from '../cli';
import { APPS, REGENERATE } from './index';

const argv = process.argv.slice(2);
const command = argv.includes('--check') ? 'check' : argv.includes('--diff') ? 'diff' : 'synth';
const rest = argv.filter((a) => a !== '--check' && a !== '--diff');
process.exitCode = runCommand([command, ...rest], {
  cwd: process.cwd(),
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}, { apps: APPS, regenerate: REGENERATE, outdir: path.join(__dirname, '..', 'dist') });
