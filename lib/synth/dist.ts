import * as fs from 'fs';
import * as path from 'path';
import { Problem, RealtimeConfigError } from '../errors';
import { AppSpec, GENERATED_MARKER, SynthResult, SynthSummary, SynthesizeOptions, synthesizeEach } from './synthesizer';

/** What a write changed. */
export interface WriteReport {
  readonly written: string[];
  readonly unchanged: number;
  readonly deleted: string[];
}

/** Differences between a synthesis and a folder on disk. */
export interface DistDiff {
  readonly missing: string[];
  readonly changed: Array<{ file: string; firstDifference: string }>;
  readonly stale: string[];
}

/** Options of {@link writeDist} and {@link synthesizeToDist}. */
export interface WriteOptions {
  /**
   * Apps whose every generated file may be deleted: an app dropped from the synthesis, or one that
   * no longer produces any file. Without it such a write is refused, because Argo CD (with
   * pruning) would then delete the app's live objects. @default - none
   */
  readonly deleteApps?: string[];
  /**
   * Leave the folders of apps that are not part of this synthesis alone, e.g. when only some apps
   * are synthesized (`--app`). @default false
   */
  readonly keepOtherApps?: boolean;
}

/** A file's text, or undefined when it does not exist (one system call instead of two). */
function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** True when a file on disk was written by the synthesizer (its header carries the marker). */
export function isGenerated(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(512);
    const n = fs.readSync(fd, buf, 0, 512, 0);
    const head = buf.subarray(0, n).toString('utf8').split('\n', 2).join('\n');
    return head.includes(GENERATED_MARKER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function walk(dir: string, rel: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(path.join(dir, e.name), r, out);
    else if (e.isFile()) out.push(r);
  }
}

/** Suffix of a changed file's new content until the write is committed. */
const PENDING = '.cdk8s-realtime-pending';
/** Suffix of a stale generated file that stands where this write needs a folder, until commit. */
const DISPLACED = '.cdk8s-realtime-displaced';

/**
 * Writes (or, with `check`, compares) files one at a time, keeping only their names, and commits
 * at the end: a new file is written in place, a changed one beside its old version and renamed
 * over it on commit; stale generated files are deleted on commit (see {@link WriteOptions}).
 * {@link DistWriter.abort} undoes every write. `synthesizeToDist` is `synthesizeEach` into one.
 */
export class DistWriter {
  public readonly written: string[] = [];
  public unchanged = 0;
  public readonly missing: string[] = [];
  public readonly changed: Array<{ file: string; firstDifference: string }> = [];
  private readonly files = new Set<string>();
  private readonly created: string[] = [];
  private readonly pending: string[] = [];
  /** Folders this write created: they held nothing before, so nothing in them needs reading. */
  private readonly newDirs = new Set<string>();
  private readonly knownDirs = new Set<string>();
  /** Stale generated files moved aside because a folder of this write takes their path. */
  private readonly displaced: string[] = [];

  constructor(private readonly outdir: string, private readonly check = false) {}

  /** Writes (or compares) one file, a path relative to the output folder. */
  public add(rel: string, content: string): void {
    this.files.add(rel);
    const file = path.join(this.outdir, rel);
    const dir = path.dirname(file);
    const onDisk = this.newDirs.has(dir) ? undefined : readIfExists(file);
    if (onDisk === content) {
      this.unchanged++;
      return;
    }
    if (this.check) {
      if (onDisk === undefined) this.missing.push(rel);
      else this.changed.push({ file: rel, firstDifference: firstDifference(onDisk, content) });
      return;
    }
    if (!this.knownDirs.has(dir)) {
      const first = this.mkdir(dir);
      this.knownDirs.add(dir);
      if (first !== undefined) {
        // Every folder from `first` down to `dir` is new.
        for (let d = dir; d.length >= first.length; d = path.dirname(d)) this.newDirs.add(d);
      }
    }
    if (onDisk === undefined) {
      fs.writeFileSync(file, content);
      this.created.push(rel);
    } else {
      fs.writeFileSync(file + PENDING, content);
      this.pending.push(rel);
    }
    this.written.push(rel);
  }

  /**
   * `mkdir -p`; a file of an older synthesis that stands where a folder is needed (an app file
   * named like a cluster that came later) is moved aside and deleted on commit. A file without the
   * generated-file marker in the way is refused.
   */
  private mkdir(dir: string): string | undefined {
    for (;;) {
      try {
        return fs.mkdirSync(dir, { recursive: true });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTDIR' && code !== 'EEXIST') throw e;
        let blocking = dir;
        while (path.dirname(blocking) !== blocking && !(fs.existsSync(blocking) && !fs.statSync(blocking).isDirectory())) blocking = path.dirname(blocking);
        const rel = path.relative(this.outdir, blocking).split(path.sep).join('/');
        if (path.dirname(blocking) === blocking || rel.startsWith('..')) throw e;
        if (!isGenerated(blocking)) {
          throw new RealtimeConfigError([{
            path: rel, subject: 'writeDist', prop: '(output folder)', value: rel,
            allowed: `be free: this synthesis writes the folder ${path.relative(this.outdir, dir).split(path.sep).join('/')}/ there, and the file in the way has no generated-file header (it is not ours to delete)`,
            fix: `move or rename the hand-written file ${blocking}`,
          }]);
        }
        fs.renameSync(blocking, blocking + DISPLACED);
        this.displaced.push(rel);
      }
    }
  }

  /** Generated files on disk that this synthesis did not produce (leftover pending files included). */
  public stale(): string[] {
    const all: string[] = [];
    walk(this.outdir, '', all);
    const pending = new Set([...this.pending.map((p) => p + PENDING), ...this.displaced.map((p) => p + DISPLACED)]);
    return all.filter((f) => !this.files.has(f) && !pending.has(f) && isGenerated(path.join(this.outdir, f)));
  }

  /**
   * The stale files to delete; refuses to delete every generated file of an app unless the app is
   * in `deleteApps`, and keeps other apps' folders with `keepOtherApps`.
   */
  public prunable(appNames: readonly string[], options: WriteOptions): string[] {
    const apps = new Set(appNames);
    const remove = new Set(options.deleteApps ?? []);
    const producing = new Set<string>();
    for (const f of this.files) producing.add(f.split('/')[0]);
    const stale = this.stale().filter((f) => f.endsWith(PENDING) || !options.keepOtherApps || !f.includes('/') || apps.has(f.split('/')[0]));
    const problems: Problem[] = [];
    const refused = new Map<string, number>();
    for (const f of stale) {
      if (!f.includes('/') || f.endsWith(PENDING)) continue;
      const app = f.split('/')[0];
      if (!producing.has(app) && !remove.has(app)) refused.set(app, (refused.get(app) ?? 0) + 1);
    }
    for (const [app, n] of refused) {
      const why = apps.has(app) ? `app ${app} produced no file in this synthesis` : `app ${app} is not part of this synthesis`;
      problems.push({
        path: app, subject: 'writeDist', prop: 'deleteApps', value: options.deleteApps ?? [],
        allowed: `name every app whose whole folder a write deletes: ${why}, so the write would delete all ${n} generated file(s) of ${app}/ in the output folder (and Argo CD, pruning, the app's live objects)`,
        fix: apps.has(app)
          ? `check that the app still defines its objects; to delete it on purpose, pass deleteApps: ['${app}'] (npm run synth -- --delete-app ${app})`
          : `add the app back to the synthesis, pass keepOtherApps: true to synthesize only some apps (--app), or delete it on purpose with deleteApps: ['${app}'] (npm run synth -- --delete-app ${app})`,
      });
    }
    for (const app of remove) {
      if (producing.has(app)) {
        problems.push({ path: app, subject: 'writeDist', prop: 'deleteApps', value: options.deleteApps, allowed: 'name only apps that this synthesis no longer produces', fix: `drop ${app} from the synthesis to delete it, or remove it from deleteApps` });
      }
    }
    if (problems.length > 0) throw new RealtimeConfigError(problems);
    return stale;
  }

  /** Renames the changed files into place and deletes the stale ones; on a refusal, aborts and throws. */
  public commit(appNames: readonly string[], options: WriteOptions = {}): WriteReport {
    let deleted: string[];
    try {
      deleted = this.prunable(appNames, options);
    } catch (e) {
      this.abort();
      throw e;
    }
    for (const rel of this.pending) {
      const file = path.join(this.outdir, rel);
      fs.renameSync(file + PENDING, file);
    }
    for (const rel of this.displaced) fs.unlinkSync(path.join(this.outdir, rel + DISPLACED));
    for (const rel of deleted) {
      fs.unlinkSync(path.join(this.outdir, rel));
      let dir = path.dirname(path.join(this.outdir, rel));
      while (path.resolve(dir) !== path.resolve(this.outdir) && fs.readdirSync(dir).length === 0) {
        fs.rmdirSync(dir);
        dir = path.dirname(dir);
      }
    }
    return { written: this.written, unchanged: this.unchanged, deleted: [...this.displaced, ...deleted.filter((f) => !f.endsWith(PENDING))].sort() };
  }

  /** Undoes every write: new files removed (with the folders they leave empty), pending ones dropped. */
  public abort(): void {
    for (const rel of this.pending) fs.rmSync(path.join(this.outdir, rel + PENDING), { force: true });
    for (const rel of this.created) {
      fs.rmSync(path.join(this.outdir, rel), { force: true });
      let dir = path.dirname(path.join(this.outdir, rel));
      while (path.resolve(dir) !== path.resolve(this.outdir) && fs.existsSync(dir) && fs.readdirSync(dir).length === 0) {
        fs.rmdirSync(dir);
        dir = path.dirname(dir);
      }
    }
    for (const rel of this.displaced) fs.renameSync(path.join(this.outdir, rel + DISPLACED), path.join(this.outdir, rel));
    this.pending.length = 0;
    this.created.length = 0;
    this.displaced.length = 0;
  }
}

function firstDifference(onDisk: string, content: string): string {
  const a = onDisk.split('\n');
  const b = content.split('\n');
  const i = b.findIndex((line, k) => line !== a[k]);
  const at = i === -1 ? b.length : i;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end of file>')}, synthesized ${JSON.stringify(b[at] ?? '<end of file>')}`;
}

function appNamesOf(result: SynthResult): readonly string[] {
  return result.appNames ?? [...new Set([...result.files.keys()].map((f) => f.split('/')[0]))];
}

/**
 * Writes a synthesis: files whose bytes differ are rewritten, generated files no longer produced
 * are deleted (with folders they leave empty), and nothing without the generated-file marker is
 * ever touched. A write that would delete every generated file of an app is refused unless the
 * app is named in `deleteApps` (and then nothing is written).
 */
export function writeDist(outdir: string, result: SynthResult, options: WriteOptions = {}): WriteReport {
  const w = new DistWriter(outdir, false);
  try {
    for (const [rel, content] of result.files) w.add(rel, content);
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.commit(appNamesOf(result), options);
}

/** Compares a synthesis with the folder on disk, without writing. */
export function diffDist(outdir: string, result: SynthResult): DistDiff {
  const w = new DistWriter(outdir, true);
  for (const [rel, content] of result.files) w.add(rel, content);
  return { missing: w.missing, changed: w.changed, stale: w.stale() };
}

/** What {@link synthesizeToDist} did. */
export interface DistSynthesis {
  readonly summary: SynthSummary;
  /** Set when writing. */
  readonly report?: WriteReport;
  /** Set with `check`. */
  readonly diff?: DistDiff;
}

/**
 * Synthesizes and writes (or, with `check`, compares) chart by chart, so memory does not grow with
 * the fleet: each chart's files go to disk as soon as the chart is validated and its tree is
 * released (see `synthesizeEach`). The result on disk is the same as `writeDist(outdir,
 * synthesize(specs))`. If any chart has a problem, every write is undone and the problems are
 * thrown together; stale files are deleted only after every chart succeeded.
 */
export function synthesizeToDist(outdir: string, specs: AppSpec[], options: SynthesizeOptions & WriteOptions & { readonly check?: boolean } = {}): DistSynthesis {
  const w = new DistWriter(outdir, options.check === true);
  let summary: SynthSummary;
  try {
    summary = synthesizeEach(specs, (rel, content) => w.add(rel, content), options);
  } catch (e) {
    w.abort();
    throw e;
  }
  if (options.check) return { summary, diff: { missing: w.missing, changed: w.changed, stale: w.stale() } };
  return { summary, report: w.commit(summary.appNames, options) };
}
