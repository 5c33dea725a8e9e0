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
 * A string that no YAML document can hold: an unpaired UTF-16 surrogate cannot be encoded in
 * UTF-8, and go-yaml refuses the `\uD800`-`\uDFFF` escapes. The synthesizer turns it into a
 * RealtimeConfigError naming the object and the field.
 */
export class YamlValueError extends Error {
  constructor(
    /** Dotted path of the field inside the document, e.g. `data.config`. */
    public readonly field: string,
    /** The string, with the surrogate shown as `\uXXXX`. */
    public readonly value: string,
  ) {
    super(`${field}: ${value}: an unpaired UTF-16 surrogate cannot be written as YAML (UTF-8 cannot encode it)`);
    this.name = 'YamlValueError';
  }
}

/**
 * Serializes one Kubernetes object as a YAML document: sorted keys, block style, no line folding.
 *
 * Every scalar is written so that the parser kubectl and the API server use (go-yaml v2 behind
 * sigs.k8s.io/yaml and k8s.io/apimachinery/pkg/util/yaml) reads back the same value, and so that
 * YAML 1.1 and 1.2 tools read the same string too:
 * - a string is written plain only when it cannot be read as anything else: it starts with a
 *   letter, `_` or `/`, holds only printable characters (no tab), has no `: ` or ` #`, does not
 *   end in `:` or a space, and is none of YAML 1.1's boolean and null words (`y`, `n`, `on`, `off`,
 *   `yes`, `no`, `true`, `false`, `null` in any case); or it starts with a digit, follows the same
 *   rules and is no number or timestamp form (`1Gi`, `50%`, `10.0.0.0/16` stay plain). So every form
 *   go-yaml's resolver reads as a number, bool, null, timestamp or merge key (`0o17`, `0X1F`,
 *   `0B101`, `1e_3`, `1_000`, `.inf`, `.nan`, `~`, `<<`; go.yaml.in/yaml/v2 resolve.go,
 *   https://github.com/yaml/go-yaml/blob/v2.4.3/resolve.go) and YAML 1.1's sexagesimal `1:20` is
 *   quoted;
 * - multi-line strings are literal blocks (`|`, `|-`, `|+`), except when the first line is empty,
 *   whitespace-only or starts with a space or tab (a block scalar would lose or misplace it), or
 *   when a character is not allowed raw: those are double-quoted;
 * - every other string is single-quoted when it is printable ASCII holding `"` and no `'`, else
 *   double-quoted with YAML escapes for every character go-yaml's reader refuses raw or treats as a
 *   line break (C0 and C1 controls, DEL, NEL, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF;
 *   readerc.go and yamlprivateh.go is_printable/is_break);
 * - a key is quoted by the same rules (so `<<`, go-yaml's merge key, is quoted), and a key whose
 *   written form is longer than 1,000 characters uses the explicit `? ` syntax: YAML limits
 *   implicit keys to 1,024 characters;
 * - an unpaired UTF-16 surrogate throws {@link YamlValueError}.
 *
 * The project's CI proves it against a decoder built from the module versions Kubernetes 1.36.3
 * pins (every generated file of its reference apps and a fuzz of adversarial strings).
 */
export function toYaml(obj: unknown): string {
  const out: string[] = [];
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && hasEntries(obj as Record<string, unknown>)) {
    writeMap(obj as Record<string, unknown>, 0, '', out, '');
    return `${out.join('\n')}\n`;
  }
  if (Array.isArray(obj) && obj.length > 0) {
    writeSeq(obj, 0, '', out, '');
    return `${out.join('\n')}\n`;
  }
  const empty = isEmptyCollection(obj);
  return `${empty ?? scalar(obj, 0, '')}\n`;
}

/** The plain `yaml` package rendering of a document, for comparison in benchmarks. @internal */
export function toYamlReference(obj: unknown): string {
  return stringify(canonicalize(obj), OPTIONS);
}

// Plain-safe strings (see toYaml): a conservative subset of what YAML allows plain. After the first
// character: printable ASCII and printable non-ASCII, never U+00A0, U+2028/U+2029, U+FEFF, U+FFFE/F
// or a surrogate.
const PLAIN = /^[A-Za-z_/][\x20-\x7e\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const AMBIGUOUS_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
// Strings that start with a digit (`1Gi`, `50%`, `10.0.0.0/16`, a UUID) are plain when they are none
// of the number and timestamp forms of go-yaml v2 (Go's ParseInt with base 0 after removing every
// `_`: `0x`, `0o`, `0b`, leading-zero octal; yamlStyleFloat; a timestamp, tried for every string
// that starts with 4 digits and `-`) or of YAML 1.1 (sexagesimal `1:20`, floats with several dots).
const PLAIN_DIGIT = /^[0-9][\x20-\x7e\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const NUMBER_LIKE = [
  /^[0-9]{4}-/, // a timestamp
  /^0[xXoObB][0-9A-Fa-f_.pP+-]*$/, // base-prefixed integers (and hex floats)
  /^[0-9][0-9_.]*(?:[eE][-+]?[0-9_]*)?$/, // integers, octal, floats, `1e_3`, `1.2.3`
  /^[0-9][0-9_]*(?::[0-9_]*)+(?:\.[0-9_]*)?$/, // YAML 1.1 sexagesimal
];
// `E9`, `e-3`: a string to go-yaml v2, but a float (NaN) to YAML 1.1 readers whose float form makes
// the mantissa optional (the `yaml` package's 1.1 schema): quoted, so every reader gets the string.
const EXPONENT_ONLY = /^[eE][-+]?[0-9]+$/;
// Inside a plain scalar: `: ` starts a value and ` #` a comment; a last `:` or space is lost.
const PLAIN_BREAKERS = /: | #|[: ]$/;

function isPlain(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return PLAIN_DIGIT.test(s) && !PLAIN_BREAKERS.test(s) && !NUMBER_LIKE.some((r) => r.test(s));
  return PLAIN.test(s) && !PLAIN_BREAKERS.test(s) && !AMBIGUOUS_WORDS.has(s.toLowerCase()) && !EXPONENT_ONLY.test(s);
}

// Characters written raw inside quotes and blocks: printable ASCII, and the printable BMP and
// astral ranges of YAML minus U+FEFF (go-yaml's BOM handling), U+2028/U+2029 (line breaks to
// go-yaml) and the surrogates (checked separately, in pairs). Tab is escaped in double quotes.
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff"\\]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// What a literal block may hold: newline, tab and the raw-safe characters.
const BLOCK_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

const ESCAPES: Record<string, string> = {
  '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r', '\x1b': '\\e',
  '"': '\\"', '\\': '\\\\', '\x85': '\\N', '\u2028': '\\L', '\u2029': '\\P',
};

function hex(c: number, width: number): string {
  return c.toString(16).toUpperCase().padStart(width, '0');
}

/** A double-quoted YAML scalar; every character that is not raw-safe is escaped. */
function doubleQuoted(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let r = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    const e = ESCAPES[ch];
    if (e !== undefined) r += e;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) r += `\\x${hex(c, 2)}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      r += ch + s[i + 1]; // a surrogate pair: one astral character, raw
      i++;
    } else if (c === 0xfeff || c === 0xfffe || c === 0xffff) r += `\\u${hex(c, 4)}`;
    else r += ch;
  }
  return `${r}"`;
}

function quoted(s: string): string {
  if (s.includes('"') && !s.includes("'") && PRINTABLE_ASCII.test(s)) return `'${s}'`;
  return doubleQuoted(s);
}

/** A literal block for a multi-line string, or undefined when double quotes are needed. */
function literalBlock(s: string, indent: number): string | undefined {
  const firstBreak = s.indexOf('\n');
  const first = s.slice(0, firstBreak);
  if (first.trim() === '' || first[0] === ' ' || first[0] === '\t' || BLOCK_UNSAFE.test(s)) return undefined;
  let body = s;
  let chomp = '';
  if (!s.endsWith('\n')) chomp = '-';
  else if (s.endsWith('\n\n')) chomp = '+';
  if (chomp !== '-') body = s.slice(0, -1);
  const pad = ' '.repeat(indent + 2);
  // Empty lines stay empty; every other line moves right with its key.
  return `|${chomp}\n${body.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
}

function stringScalar(s: string, indent: number, field: string): string {
  if (isPlain(s)) return s;
  if (LONE_SURROGATE.test(s)) throw new YamlValueError(field, JSON.stringify(s).replace(/[\ud800-\udfff]/g, (c) => `\\u${hex(c.charCodeAt(0), 4).toLowerCase()}`));
  if (s.includes('\n')) {
    const block = literalBlock(s, indent);
    if (block !== undefined) return block;
  }
  return quoted(s);
}

/** A scalar after a key or a dash at column `indent`: block content goes to `indent + 2`. */
function scalar(value: unknown, indent: number, field: string): string {
  if (typeof value === 'string') return stringScalar(value, indent, field);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return String(value);
  return stringScalar(String(value), indent, field);
}

// Keys repeat across objects (`metadata`, `name`, `containerPort`): the ones written plain are
// remembered (a pure function of the key, so the output does not depend on what came before).
const PLAIN_KEYS = new Map<string, { readonly text: string; readonly explicit: boolean }>();

/** A map key, quoted by the scalar rules; a long one (over 1,000 characters written) needs `? `. */
function mapKey(key: string, field: string): { text: string; explicit: boolean } {
  const known = PLAIN_KEYS.get(key);
  if (known) return known;
  if (isPlain(key) && key.length <= 1000) {
    const plain = { text: key, explicit: false };
    if (PLAIN_KEYS.size < 10_000) PLAIN_KEYS.set(key, plain);
    return plain;
  }
  if (LONE_SURROGATE.test(key)) throw new YamlValueError(field, JSON.stringify(key));
  const text = quoted(key);
  return { text, explicit: text.length > 1000 };
}

function hasEntries(map: Record<string, unknown>): boolean {
  for (const k in map) if (Object.prototype.hasOwnProperty.call(map, k) && map[k] !== undefined) return true;
  return false;
}

function isEmptyCollection(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (v !== null && typeof v === 'object') return hasEntries(v as Record<string, unknown>) ? undefined : '{}';
  return undefined;
}

/** Writes a non-empty map; the first line is prefixed with `first` (`- ` for a sequence item). */
function writeMap(map: Record<string, unknown>, indent: number, first: string, out: string[], field: string): void {
  const pad = ' '.repeat(indent);
  let prefix = first ? `${' '.repeat(indent - first.length)}${first}` : pad;
  for (const key of Object.keys(map).sort()) {
    const v = map[key];
    if (v === undefined) continue;
    const f = field ? `${field}.${key}` : key;
    const k = mapKey(key, f);
    // An explicit key: `? key` on its own line, the value after `: ` on the next.
    const head = k.explicit ? `${prefix}? ${k.text}\n${pad}:` : `${prefix}${k.text}:`;
    const empty = isEmptyCollection(v);
    if (empty !== undefined) {
      out.push(`${head} ${empty}`);
    } else if (Array.isArray(v)) {
      out.push(head);
      writeSeq(v, indent + 2, '', out, f);
    } else if (v !== null && typeof v === 'object') {
      out.push(head);
      writeMap(v as Record<string, unknown>, indent + 2, '', out, f);
    } else {
      out.push(`${head} ${scalar(v, indent, f)}`);
    }
    prefix = pad;
  }
}

/** Writes a non-empty sequence at column `indent`; the first line is prefixed with `first` (a sequence in a sequence). */
function writeSeq(seq: unknown[], indent: number, first: string, out: string[], field: string): void {
  const pad = ' '.repeat(indent);
  // `prefix` is exactly `indent` characters: the dashes of enclosing sequence items, or blanks.
  let prefix = first ? `${' '.repeat(indent - first.length)}${first}` : pad;
  for (let i = 0; i < seq.length; i++) {
    const item = seq[i];
    const f = `${field}[${i}]`;
    const empty = isEmptyCollection(item);
    if (empty !== undefined) {
      out.push(`${prefix}- ${empty}`);
    } else if (Array.isArray(item)) {
      writeSeq(item, indent + 2, `${prefix}- `, out, f);
    } else if (item !== null && typeof item === 'object') {
      writeMap(item as Record<string, unknown>, indent + 2, `${prefix}- `, out, f);
    } else {
      out.push(`${prefix}- ${scalar(item, indent, f)}`);
    }
    prefix = pad;
  }
}
