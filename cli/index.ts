/**
 * `npx cdk8s-realtime <command>`: the consumer's command line, a thin layer over the library's
 * public API (`synthesize`, `writeDist`, `diffDist`). The package's `bin/cdk8s-realtime.js` calls
 * {@link main}; this repository's `npm run synth` (apps/main.ts) calls {@link runCommand} with its
 * own apps.
 *
 *   init [dir]     scaffold a consumer project (see ./init.ts)
 *   synth          run the entry, write dist/, print the summary line
 *   check          exit 1 and list the differences when dist/ is not what a synth would write
 *   diff           what a synth would change in dist/, file by file and as a unified diff
 *
 * Errors the library reports (RealtimeConfigError) print as the library formats them, without a
 * stack trace, and exit 1; usage errors exit 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AppSpec, RealtimeConfigError, SynthSummary, diffDist, synthesize, synthesizeToDist } from '../lib';
import { initProject } from './init';
import { unifiedDiff } from './unified-diff';

/** Where the command reads and writes; tests pass their own. */
export interface CliIo {
  /** Working directory: the consumer project. */
  readonly cwd: string;
  /** Environment (only `CDK8S_OUTDIR` is read: set by `cdk8s synth`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** One line of regular output. */
  readonly out: (line: string) => void;
  /** One line of diagnostics. */
  readonly err: (line: string) => void;
}

/** The apps to synthesize when the caller already has them (this repository's apps/main.ts). */
export interface KnownApps {
  readonly apps: AppSpec[];
  /** The command named in generated headers, e.g. `npm run synth`. */
  readonly regenerate: string;
  /** Output folder when `--outdir` is not given (absolute). */
  readonly outdir: string;
}

export const USAGE = `usage: cdk8s-realtime <command> [options]

commands:
  init [dir] [--name <name>] [--package <spec>]   scaffold a project in dir (default: .)
  synth [--entry <file>] [--app <name>]... [--outdir <dir>] [--delete-app <name>]...
                                                  synthesize the entry's apps into dist/
                                                  (--delete-app: an app dropped from the entry
                                                  whose folder is to be deleted)
  check [--entry <file>] [--app <name>]... [--outdir <dir>]
                                                  exit 1 and list the differences if dist/ is stale
  diff  [--entry <file>] [--app <name>]... [--outdir <dir>]
                                                  show what a synth would change in dist/
  help                                            this text

The entry (default: the first of main.ts, main.js, src/main.ts, src/main.js) exports
\`apps\`: an array of AppSpec (e.g. \`fleet.app({...})\`). TypeScript entries run through SWC
without type-checking (run \`tsc --noEmit\` for that; \`npm test\` in an init'ed project does).`;

const ENTRY_CANDIDATES = ['main.ts', 'main.js', 'src/main.ts', 'src/main.js'];

class UsageError extends Error {}

interface Parsed {
  readonly command: string;
  readonly positional: string[];
  readonly flags: Map<string, string[]>;
}

const FLAGS: Record<string, string[]> = {
  init: ['--name', '--package'],
  synth: ['--entry', '--app', '--outdir', '--delete-app'],
  check: ['--entry', '--app', '--outdir'],
  diff: ['--entry', '--app', '--outdir'],
};

function parse(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv;
  if (['help', '--help', '-h'].includes(command)) return { command: 'help', positional: [], flags: new Map() };
  if (!(command in FLAGS)) throw new UsageError(`unknown command "${command}"`);
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { command: 'help', positional: [], flags: new Map() };
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!FLAGS[command].includes(name)) throw new UsageError(`unknown option "${name}" for ${command} (allowed: ${FLAGS[command].join(', ')})`);
    const value = inline ?? rest[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`option ${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const maxPositional = command === 'init' ? 1 : 0;
  if (positional.length > maxPositional) throw new UsageError(`unexpected argument "${positional[maxPositional]}" for ${command}`);
  for (const [name, values] of flags) {
    if (name !== '--app' && name !== '--delete-app' && values.length > 1) throw new UsageError(`option ${name} given ${values.length} times`);
  }
  return { command, positional, flags };
}

/** The process entry of `npx cdk8s-realtime`: parses argv, runs the command, returns the exit code. */
export function main(argv: string[], io: CliIo = processIo()): number {
  return runCommand(argv, io);
}

/** Runs one command; `known` supplies the apps instead of loading an entry file. */
export function runCommand(argv: string[], io: CliIo, known?: KnownApps): number {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
    if (known && parsed.flags.has('--entry')) throw new UsageError('--entry is not available here: this entry point synthesizes its own apps');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`cdk8s-realtime: ${e.message}`);
    io.err(USAGE);
    return 2;
  }
  if (parsed.command === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    if (parsed.command === 'init') {
      const dir = path.resolve(io.cwd, parsed.positional[0] ?? '.');
      const report = initProject(dir, { name: parsed.flags.get('--name')?.[0], packageSpec: parsed.flags.get('--package')?.[0] });
      const rel = path.relative(io.cwd, dir) || '.';
      io.out(`created ${report.files.length} files in ${rel}: ${report.files.join(', ')}`);
      io.out('next:');
      if (rel !== '.') io.out(`  cd ${rel}`);
      io.out('  npm install                  # then commit package-lock.json');
      io.out('  npx cdk8s-realtime synth     # writes dist/; commit it');
      io.out('  npm test                     # type-check, snapshot test');
      return 0;
    }
    const started = process.hrtime.bigint();
    const { apps, regenerate, outdir, entry } = known
      ? { ...known, outdir: parsed.flags.has('--outdir') ? path.resolve(io.cwd, parsed.flags.get('--outdir')![0]) : known.outdir, entry: undefined }
      : loadEntry(parsed, io);
    const only = parsed.flags.get('--app') ?? [];
    const unknown = only.filter((n) => !apps.some((a) => a.name === n));
    if (unknown.length > 0) {
      throw new RealtimeConfigError([{ path: entry ?? '(apps)', subject: 'cdk8s-realtime', prop: '--app', value: unknown.join(', '), allowed: `name apps of the entry (${apps.map((a) => a.name).join(', ')})`, fix: 'use one of those names, or leave --app out to synthesize every app' }]);
    }
    const selected = only.length > 0 ? apps.filter((a) => only.includes(a.name)) : apps;
    const shown = displayPath(io.cwd, outdir);
    const opts: Options = { regenerate, only: only.length > 0 ? only : undefined, deleteApps: parsed.flags.get('--delete-app') ?? [] };
    switch (parsed.command) {
      case 'synth': return synth(io, outdir, selected, opts, shown, started);
      case 'check': return check(io, outdir, selected, opts, shown, started);
      default: return diff(io, outdir, selected, opts, shown);
    }
  } catch (e) {
    if (isConfigError(e)) {
      io.err(`cdk8s-realtime: failed with ${e.problems.length} problem(s):\n${e.message}`);
      return 1;
    }
    throw e;
  }
}

interface Options {
  readonly regenerate: string;
  /** `--app`: only these apps; the other apps' folders are left alone. */
  readonly only?: string[];
  readonly deleteApps: string[];
}

function msSince(started: bigint): string {
  return (Number(process.hrtime.bigint() - started) / 1e6).toFixed(0);
}

function summaryOf(s: SynthSummary): string {
  return `${s.apps} apps, ${s.clusters} clusters, ${s.envs} envs, ${s.charts} charts, ${s.objects} objects, ${s.files} files`;
}

/** Stale files outside the selected apps' folders are not this run's business (`--app`). */
function inScope(opts: Options): (file: string) => boolean {
  return (file) => !opts.only || opts.only.includes(file.split('/')[0]);
}

function synth(io: CliIo, outdir: string, apps: AppSpec[], opts: Options, shown: string, started: bigint): number {
  // Chart by chart: each chart's files go to disk as it is validated (memory does not grow with
  // the fleet); any problem undoes every write.
  const { summary, report } = synthesizeToDist(outdir, apps, { regenerate: opts.regenerate, deleteApps: opts.deleteApps, keepOtherApps: opts.only !== undefined });
  // Under `cdk8s synth` the CLI swallows the app's stdout (it prints its own listing) but passes
  // stderr through: say it there. It lists, and validation plugins read, its own throwaway output
  // folder, so the synthesized apps' folders are mirrored there too; dist/ stays the folder to
  // commit.
  const cliOut = io.env.CDK8S_OUTDIR;
  const say = cliOut ? io.err : io.out;
  say(`synthesized ${summaryOf(summary)} into ${shown} in ${msSince(started)} ms: ${report!.written.length} written, ${report!.unchanged} unchanged, ${report!.deleted.length} stale deleted`);
  for (const f of report!.deleted) say(`  - ${f}`);
  if (cliOut) {
    const target = path.resolve(io.cwd, cliOut);
    fs.rmSync(target, { recursive: true, force: true });
    for (const app of summary.appNames) fs.cpSync(path.join(outdir, app), path.join(target, app), { recursive: true });
    say(`cdk8s synth: dist/ is ${shown} (commit it); ${displayPath(io.cwd, target)} holds a copy for cdk8s-cli, listed below`);
  }
  return 0;
}

function check(io: CliIo, outdir: string, apps: AppSpec[], opts: Options, shown: string, started: bigint): number {
  const { summary, diff: d } = synthesizeToDist(outdir, apps, { regenerate: opts.regenerate, check: true });
  const lines = [
    ...d!.missing.map((f) => `  + ${f} (not committed)`),
    ...d!.changed.map((c) => `  ~ ${c.file} (${c.firstDifference})`),
    ...d!.stale.filter(inScope(opts)).map((f) => `  - ${f} (no longer generated)`),
  ];
  if (lines.length > 0) {
    io.err(`${shown} is stale: ${lines.length} difference(s). Run \`${opts.regenerate}\` and commit ${shown}.`);
    for (const l of lines) io.err(l);
    return 1;
  }
  io.out(`${shown} is up to date: ${summaryOf(summary)}; checked in ${msSince(started)} ms`);
  return 0;
}

function diff(io: CliIo, outdir: string, apps: AppSpec[], opts: Options, shown: string): number {
  const result = synthesize(apps, { regenerate: opts.regenerate });
  const d = diffDist(outdir, result);
  const read = (f: string) => fs.readFileSync(path.join(outdir, f), 'utf8');
  const entries = [
    ...d.missing.map((f) => ({ mark: '+', file: f, before: '', after: result.files.get(f)! })),
    ...d.changed.map((c) => ({ mark: '~', file: c.file, before: read(c.file), after: result.files.get(c.file)! })),
    ...d.stale.filter(inScope(opts)).map((f) => ({ mark: '-', file: f, before: read(f), after: '' })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (entries.length === 0) {
    io.out(`no changes: \`${opts.regenerate}\` would leave ${shown} as it is`);
    return 0;
  }
  const counts = ['+', '~', '-'].map((m) => entries.filter((e) => e.mark === m).length);
  io.out(`\`${opts.regenerate}\` would change ${entries.length} file(s) in ${shown}: ${counts[0]} new, ${counts[1]} changed, ${counts[2]} deleted`);
  for (const e of entries) io.out(`  ${e.mark} ${e.file}`);
  for (const e of entries) {
    const rel = `${shown.replace(/\/$/, '')}/${e.file}`;
    io.out(unifiedDiff(e.mark === '+' ? '/dev/null' : `a/${rel}`, e.mark === '-' ? '/dev/null' : `b/${rel}`, e.before, e.after).replace(/\n$/, ''));
  }
  return 0;
}

/** Loads the consumer's entry and its `apps`. */
function loadEntry(parsed: Parsed, io: CliIo): { apps: AppSpec[]; regenerate: string; outdir: string; entry: string } {
  const given = parsed.flags.get('--entry')?.[0];
  const entryRel = given ?? ENTRY_CANDIDATES.find((c) => fs.existsSync(path.join(io.cwd, c)));
  const outRel = parsed.flags.get('--outdir')?.[0];
  const regenerate = ['npx cdk8s-realtime synth', ...(given ? [`--entry ${given}`] : []), ...(outRel ? [`--outdir ${outRel}`] : [])].join(' ');
  const fail = (value: unknown, allowed: string, fix: string): never => {
    throw new RealtimeConfigError([{ path: entryRel ?? io.cwd, subject: 'cdk8s-realtime', prop: 'entry', value, allowed, fix }]);
  };
  if (!entryRel) return fail('(none)', `be one of ${ENTRY_CANDIDATES.join(', ')} in ${io.cwd}, or given with --entry`, 'run `npx cdk8s-realtime init` to scaffold a project, or pass --entry <file>');
  const entry = path.resolve(io.cwd, entryRel);
  if (!fs.existsSync(entry)) fail(entryRel, 'be an existing file', 'check the path given to --entry');
  if (entry.endsWith('.ts')) require(registerHook());
  // A fresh load each run, so a long-lived caller (a test, a watcher) sees the edited entry.
  delete require.cache[entry];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(entry);
  const apps: unknown = mod.apps ?? mod.default;
  const isSpec = (a: unknown): a is AppSpec => typeof a === 'object' && a !== null && typeof (a as AppSpec).name === 'string' && typeof (a as AppSpec).define === 'function';
  if (!Array.isArray(apps) || apps.length === 0 || !apps.every(isSpec)) {
    const got = apps === undefined ? `exports ${JSON.stringify(Object.keys(mod))}` : Array.isArray(apps) ? `apps with ${apps.filter((a) => !isSpec(a)).length} of ${apps.length} not an AppSpec` : typeof apps;
    fail(got, 'export `apps`: a non-empty array of AppSpec ({ name, source, define }, e.g. from `fleet.app({...})`)', 'add `export const apps = [fleet.app({ name: \'my-app\', source: \'main.ts\', define: (chart, target) => { ... } })];`');
  }
  return { apps: apps as AppSpec[], regenerate, outdir: path.resolve(io.cwd, outRel ?? 'dist'), entry: entryRel };
}

/** bin/register.js: beside build/ in the package, beside cli/ in this repository. */
function registerHook(): string {
  const candidates = [path.join(__dirname, '..', 'bin', 'register.js'), path.join(__dirname, '..', '..', 'bin', 'register.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

function isConfigError(e: unknown): e is RealtimeConfigError {
  // Also an error from another copy of the library (a global npx beside a local install).
  return e instanceof RealtimeConfigError || (e instanceof Error && e.name === 'RealtimeConfigError' && Array.isArray((e as RealtimeConfigError).problems));
}

function displayPath(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir);
  return `${rel === '' ? '.' : rel.startsWith('..') ? dir : rel}/`;
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
