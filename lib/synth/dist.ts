import * as fs from 'fs';
import * as path from 'path';
import { GENERATED_MARKER, SynthResult } from './synthesizer';

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

function walk(dir: string, rel = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Generated files under `outdir` that this synthesis no longer produces. Hand-written files are never listed. */
function staleFiles(outdir: string, result: SynthResult): string[] {
  return walk(outdir).filter((f) => !result.files.has(f) && isGenerated(path.join(outdir, f)));
}

/**
 * Writes a synthesis: files whose bytes differ are rewritten, generated files no longer produced
 * are deleted (with folders they leave empty), and nothing without the generated-file marker is
 * ever touched.
 */
export function writeDist(outdir: string, result: SynthResult): WriteReport {
  const written: string[] = [];
  let unchanged = 0;
  const madeDirs = new Set<string>();
  for (const [rel, content] of result.files) {
    const file = path.join(outdir, rel);
    if (readIfExists(file) === content) {
      unchanged++;
      continue;
    }
    const dir = path.dirname(file);
    if (!madeDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    fs.writeFileSync(file, content);
    written.push(rel);
  }
  const deleted = staleFiles(outdir, result);
  for (const rel of deleted) {
    fs.unlinkSync(path.join(outdir, rel));
    let dir = path.dirname(path.join(outdir, rel));
    while (path.resolve(dir) !== path.resolve(outdir) && fs.readdirSync(dir).length === 0) {
      fs.rmdirSync(dir);
      dir = path.dirname(dir);
    }
  }
  return { written, unchanged, deleted };
}

/** Compares a synthesis with the folder on disk, without writing. */
export function diffDist(outdir: string, result: SynthResult): DistDiff {
  const missing: string[] = [];
  const changed: Array<{ file: string; firstDifference: string }> = [];
  for (const [rel, content] of result.files) {
    const onDisk = readIfExists(path.join(outdir, rel));
    if (onDisk === undefined) {
      missing.push(rel);
      continue;
    }
    if (onDisk !== content) {
      const a = onDisk.split('\n');
      const b = content.split('\n');
      const i = b.findIndex((line, k) => line !== a[k]);
      const at = i === -1 ? b.length : i;
      changed.push({ file: rel, firstDifference: `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end of file>')}, synthesized ${JSON.stringify(b[at] ?? '<end of file>')}` });
    }
  }
  return { missing, changed, stale: staleFiles(outdir, result) };
}
