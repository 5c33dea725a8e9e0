import { stringify } from 'yaml';

// sortMapEntries: a plain object lists integer-like keys ("0", "8080") first whatever its insertion
// order, so key order is imposed at serialization.
const OPTIONS = { lineWidth: 0, minContentWidth: 0, version: '1.1', aliasDuplicateObjects: false, sortMapEntries: true } as const;

/** Recursively sorts object keys (and drops undefined values). */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalize(v);
    }
    return out;
  }
  return value;
}

/**
 * Serializes one Kubernetes object as a YAML document: sorted keys, no line folding, strings that
 * YAML 1.1 tools would misread (`"on"`, `"3600"`, `"1e3"`) always quoted.
 *
 * The output is byte-identical to the `yaml` package's `stringify` with these options (a test
 * compares both on every object of the reference apps and on random documents), but about five
 * times faster: the structure is written here, strings that are plainly safe are written as they
 * are, and every other scalar is rendered once by `yaml` and memoized.
 */
export function toYaml(obj: unknown): string {
  const out: string[] = [];
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.keys(obj).some((k) => (obj as Record<string, unknown>)[k] !== undefined)) {
    try {
      writeMap(obj as Record<string, unknown>, 0, '', out);
      return `${out.join('\n')}\n`;
    } catch (e) {
      if (e !== COMPLEX_KEY) throw e;
    }
  }
  return toYamlReference(obj);
}

/** The plain `yaml` rendering, kept for comparison in tests and benchmarks. @internal */
export function toYamlReference(obj: unknown): string {
  return stringify(canonicalize(obj), OPTIONS);
}

/** Thrown inside the writer for a key that needs YAML's explicit-key syntax; the document then falls back to `yaml`. */
const COMPLEX_KEY = Symbol('complex key');

// Plain-safe strings: start with a letter, `_` or `/`; then letters, digits and `_./=@+,-`, and `:`
// when it is neither followed by a space nor last. None of them can be read as a number,
// timestamp, or YAML 1.1 boolean/null, except the words below.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./=@+,:-]*$/;
const AMBIGUOUS_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
const rendered = new Map<string, string>();

function isPlain(s: string): boolean {
  return PLAIN.test(s) && !s.endsWith(':') && !AMBIGUOUS_WORDS.has(s.toLowerCase());
}

/**
 * A scalar as `yaml` renders it as the value of a root-level key (so block content is indented by
 * 2), without the key and the final newline; memoized.
 */
function render(value: unknown): string {
  const key = typeof value === 'string' ? `s${value}` : `${typeof value}${String(value)}`;
  let r = rendered.get(key);
  if (r === undefined) {
    r = stringify({ k: value }, OPTIONS).replace(/\n$/, '').slice('k: '.length);
    if (rendered.size > 100_000) rendered.clear();
    rendered.set(key, r);
  }
  return r;
}

/** A scalar after a key or a dash at column `indent`: block content goes to `indent + 2`. */
function scalar(value: unknown, indent: number): string {
  if (typeof value === 'string') {
    if (isPlain(value)) return value;
    const r = render(value);
    // Block content moves right with its key; empty lines stay empty, as `yaml` writes them.
    return indent === 0 || !r.includes('\n') ? r : r.replace(/\n(?!\n|$)/g, `\n${' '.repeat(indent)}`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  return render(value);
}

/**
 * A map key: plain, or quoted as `yaml` quotes a key at the start of a line (which differs from a
 * value: `...` and `---` are document markers there); keys that need `? ` syntax abort the fast path.
 */
function mapKey(key: string, indent: number): string {
  if (isPlain(key)) return key;
  const memo = `${indent === 0 ? 'k' : 'K'}${key}`;
  let r = rendered.get(memo);
  if (r === undefined) {
    // Rendered at the same kind of position: the start of the document, or indented under a key.
    const text = indent === 0 ? stringify({ [key]: 0 }, OPTIONS) : stringify({ a: { [key]: 0 } }, OPTIONS).slice('a:\n  '.length);
    if (!text.endsWith(': 0\n') || text.indexOf('\n') !== text.length - 1) throw COMPLEX_KEY;
    r = text.slice(0, -': 0\n'.length);
    rendered.set(memo, r);
  }
  return r;
}

function isEmptyCollection(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (v !== null && typeof v === 'object') return Object.keys(v).some((k) => (v as Record<string, unknown>)[k] !== undefined) ? undefined : '{}';
  return undefined;
}

/** Writes a non-empty map; the first line is prefixed with `first` (`- ` for a sequence item). */
function writeMap(map: Record<string, unknown>, indent: number, first: string, out: string[]): void {
  const pad = ' '.repeat(indent);
  let prefix = first ? `${' '.repeat(indent - first.length)}${first}` : pad;
  for (const key of Object.keys(map).sort()) {
    const v = map[key];
    if (v === undefined) continue;
    const k = mapKey(key, indent);
    const empty = isEmptyCollection(v);
    if (empty !== undefined) {
      out.push(`${prefix}${k}: ${empty}`);
    } else if (Array.isArray(v)) {
      out.push(`${prefix}${k}:`);
      writeSeq(v, indent + 2, out);
    } else if (v !== null && typeof v === 'object') {
      out.push(`${prefix}${k}:`);
      writeMap(v as Record<string, unknown>, indent + 2, '', out);
    } else {
      out.push(`${prefix}${k}: ${scalar(v, indent)}`);
    }
    prefix = pad;
  }
}

function writeSeq(seq: unknown[], indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of seq) {
    const empty = isEmptyCollection(item);
    if (empty !== undefined) {
      out.push(`${pad}- ${empty}`);
    } else if (Array.isArray(item)) {
      // A sequence directly inside a sequence: rare in Kubernetes objects; let `yaml` lay it out.
      const block = stringify([canonicalize(item)], OPTIONS).replace(/\n$/, '').split('\n').map((l) => (l ? `${pad}${l}` : l));
      out.push(...block);
    } else if (item !== null && typeof item === 'object') {
      writeMap(item as Record<string, unknown>, indent + 2, '- ', out);
    } else {
      out.push(`${pad}- ${scalar(item, indent)}`);
    }
  }
}
