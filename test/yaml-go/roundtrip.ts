// `npm run test:yaml-go`: the YAML writer against kubectl's own reading path.
//
// Builds (once, cached) test/yaml-go's decoder: k8s.io/apimachinery util/yaml -> sigs.k8s.io/yaml ->
// go.yaml.in/yaml/v2 at the versions Kubernetes 1.36.3 pins. Then:
//   1. negative controls that must fail: strings written plain by a naive writer and by the `yaml`
//      package are read back as other values (so a decoder or a comparison that cannot fail fails);
//   2. every object file that the reference apps synthesize (the committed dist/, which
//      `npm run synth:check` holds equal to a fresh synthesis) decodes to exactly the object's JSON;
//   3. a seeded fuzz of adversarial strings (default 50,000 written; --count N), each placed at every
//      position of a document (top-level and nested keys and values, list items, lists in lists),
//      decodes to exactly the input; strings with an unpaired surrogate must be refused instead.
// Exits 1 on any mismatch, listing the first ones.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { stringify } from 'yaml';
import { APPS } from '../../apps';
import { synthesize } from '../../lib';
import { YamlValueError, canonicalize, toYaml } from '../../lib/synth/yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const COUNT = argv.includes('--count') ? Number(argv[argv.indexOf('--count') + 1]) : 50_000;
const SEED = argv.includes('--seed') ? Number(argv[argv.indexOf('--seed') + 1]) : 20261201;

interface Decoded { docs: unknown[]; error?: string; file?: string }

function decoder(): string {
  const r = spawnSync('bash', [path.join(__dirname, 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('building the YAML decoder failed (see above)');
  return r.stdout.trim();
}

function decodeTexts(bin: string, texts: string[]): Decoded[] {
  const input = texts.map((t) => JSON.stringify(t)).join('\n') + '\n';
  const r = spawnSync(bin, ['stream'], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`yaml-decoder stream failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== texts.length) throw new Error(`yaml-decoder returned ${lines.length} results for ${texts.length} documents`);
  return lines.map((l) => JSON.parse(l));
}

/** The value as JSON carries it (what the API server receives), for comparison. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(canonicalize(v)));

// ---- a seeded generator (no Math.random: a failure reproduces with its seed) ----
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words every resolver treats specially (go-yaml v2 resolve.go's table and forms, YAML 1.1 and 1.2).
const TOKENS = [
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '', '.nan', '.NaN', '.NAN', '.inf', '.Inf',
  '.INF', '+.inf', '-.inf', '-.Inf', '<<', '=', '0o17', '0O17', '0x1F', '0X1F', '0x_1F', '0b101', '0B101', '-0b101',
  '+0b1', '1e3', '1E3', '1e+3', '1e-3', '1e_3', '1_000', '0_1', '017', '08', '09', '1.', '.5', '-.5', '+1', '-1',
  '1:20', '190:20:30', '1:20.5', '-1:20', '1.2.3', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10', '2001-1-2', '0x1p-2', 'inf', 'Infinity', 'NaN', '-', '--', '---', '...', '? x', '- x',
  'a: b', 'a:b', 'a #b', '#c', '&a', '*a', '!tag', '!!str', '%YAML', '@x', '`x', '|', '|-', '>', '>+', "'", '"',
  ' ', '  ', '\t', '\n', '\n\n', '\r', '\r\n', ' \nx', 'x\n ', '\tx\ny', 'x\n\ty', ':', 'x:', 'x: ', '[a]', '{a: 1}',
  ',', '\\', '\\n', 'é', '中文', '\u00a0', '\u0085', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\u0000',
  '\u0007', '\u001b', '\u007f', '\u0080', '\u009f', '\ud83d\ude00', '1Gi', '500m', '50%', '10.0.0.0/8', 'a b',
];
const CHARS = [...'azAZyYnNoOeExXbB019_:.,+-<~#\'"\\ \t\n\r/=@&*!|>%`?[]{}', '\u00a0', '\u0085', '\u2028', '\u2029', '\ufeff',
  '\ufffe', '\uffff', '\u0000', '\u0001', '\u001f', '\u007f', '\u0080', '\u009f', 'é', '中', '\ud83d\ude00'];
const LONE = ['\ud800', '\udfff', '\udbff'];

function fuzzString(rnd: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  if (r < 0.15) return pick(TOKENS);
  let s = '';
  const parts = 1 + Math.floor(rnd() * 5);
  for (let i = 0; i < parts; i++) {
    const q = rnd();
    if (q < 0.4) s += pick(TOKENS);
    else if (q < 0.99) s += pick(CHARS);
    else s += pick(LONE);
  }
  // Long strings (over the 1,024-character implicit key limit, and across the 4 KiB buffer of
  // kubectl's reader) with the special characters at changing offsets.
  if (r > 0.97) s = 'x'.repeat(Math.floor(rnd() * 5000)) + s + 'y'.repeat(Math.floor(rnd() * 100));
  return s;
}

/** One document holding `s` at every position. */
function place(s: string): Record<string, unknown> {
  return {
    [s]: 'value', k: s, list: [s, [s, [s]], { [s]: s, x: [s] }], nested: { deeper: { [s]: [s], v: s } }, num: 1,
  };
}

function main(): void {
  const failures: string[] = [];
  const bin = decoder();
  console.log(`decoder: ${path.relative(process.env.HOME ?? '/', bin)}`);

  // ---- 1. negative controls: each must show a difference ----
  const naive = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
  const controls: Array<[string, string, unknown]> = [
    ['a naive writer: 0o17 unquoted', naive({ a: '0o17' }), { a: '0o17' }],
    ['a naive writer: on unquoted', naive({ a: 'on' }), { a: 'on' }],
    ['a naive writer: << as a plain key', '<<: {b: c}\n', { '<<': { b: 'c' } }],
    ['a naive writer: raw NEL in a value', `a: "x\u0085y"\n`, { a: 'x\u0085y' }],
    ['the yaml package: 0X1F plain', stringify({ a: '0X1F' }, { version: '1.1' }), { a: '0X1F' }],
    ['the yaml package: 1e_3 plain', stringify({ a: '1e_3' }, { version: '1.1' }), { a: '1e_3' }],
  ];
  const cres = decodeTexts(bin, controls.map(([, text]) => text));
  controls.forEach(([name, , want], i) => {
    const got = cres[i];
    const same = !got.error && got.docs.length === 1 && isDeepStrictEqual(got.docs[0], asJson(want));
    if (same) failures.push(`negative control did not fail: ${name} (${JSON.stringify(got)})`);
    else console.log(`negative control fails as it must: ${name}: ${got.error ?? JSON.stringify(got.docs)}`);
  });

  // ---- 2. every object file of the reference apps ----
  const objects = new Map<string, Record<string, unknown>>();
  synthesize(APPS, { onObject: (file, json) => objects.set(file, json) });
  const dist = path.join(ROOT, 'dist');
  const files = [...objects.keys()];
  const r = spawnSync(bin, ['files', ...files.map((f) => path.join(dist, f))], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`yaml-decoder files failed: ${r.stderr}`);
  const decoded: Decoded[] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  decoded.forEach((d, i) => {
    const want = asJson(objects.get(files[i]));
    if (d.error || d.docs.length !== 1 || !isDeepStrictEqual(d.docs[0], want)) {
      failures.push(`dist/${files[i]}: ${d.error ?? `decoded ${JSON.stringify(d.docs).slice(0, 300)}`}`);
    }
  });
  const onDisk = walk(dist).filter((f) => f.endsWith('.yaml')).length;
  if (onDisk !== files.length) failures.push(`dist/ holds ${onDisk} .yaml files, the reference apps synthesize ${files.length}`);
  console.log(`dist/: ${files.length} object files decoded by kubectl's reader, ${decoded.filter((d, i) => !d.error && isDeepStrictEqual(d.docs[0], asJson(objects.get(files[i])))).length} identical to the synthesized JSON`);

  // ---- 3. the fuzz ----
  const rnd = prng(SEED);
  const texts: string[] = [];
  const inputs: unknown[] = [];
  const strings: string[] = [];
  let refused = 0;
  const styles = { plain: 0, literalBlock: 0, doubleQuoted: 0, escaped: 0, singleQuoted: 0, explicitKey: 0 };
  while (texts.length < COUNT) {
    const s = fuzzString(rnd);
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
    const doc = place(s);
    let text: string;
    try {
      text = toYaml(doc);
    } catch (e) {
      if (!(e instanceof YamlValueError)) throw e;
      if (!lone) failures.push(`toYaml refused a valid string ${JSON.stringify(s)}: ${e.message}`);
      refused++;
      continue;
    }
    if (lone) failures.push(`toYaml wrote a string with an unpaired surrogate: ${JSON.stringify(s)}`);
    const v = text.match(/^k: (.*)$/m)?.[1] ?? '';
    if (v.startsWith('|')) styles.literalBlock++;
    else if (v.startsWith('"')) styles[/\\/.test(v) ? 'escaped' : 'doubleQuoted']++;
    else if (v.startsWith("'")) styles.singleQuoted++;
    else styles.plain++;
    if (/^\? /m.test(text)) styles.explicitKey++;
    texts.push(text);
    inputs.push(doc);
    strings.push(s);
  }
  const results = decodeTexts(bin, texts);
  let same = 0;
  results.forEach((d, i) => {
    if (!d.error && d.docs.length === 1 && isDeepStrictEqual(d.docs[0], asJson(inputs[i]))) same++;
    else if (failures.length < 40) failures.push(`fuzz ${JSON.stringify(strings[i])}: ${d.error ?? JSON.stringify(d.docs).slice(0, 300)}\n${texts[i].slice(0, 600)}`);
    else failures.push('');
  });
  console.log(`fuzz (seed ${SEED}): ${COUNT} strings, each at 11 positions of one document (keys, values, list items, lists in lists, nested maps); ${same} documents read back identical by kubectl's reader, ${results.length - same} differ; ${refused} more strings with an unpaired surrogate refused as they must be`);
  console.log(`fuzz coverage, by how the value was written: ${JSON.stringify(styles)}`);
  // The fuzz must reach every way the writer writes a string, or it proves less than it says.
  for (const [style, n] of Object.entries(styles)) if (n === 0) failures.push(`the fuzz wrote no string as ${style}`);

  const shown = failures.filter((f) => f);
  if (failures.length > 0) {
    console.error(`\n${failures.length} failure(s):\n${shown.slice(0, 40).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`yaml-go: ${controls.length} negative controls failed as they must; ${files.length} dist files and ${same} fuzzed documents round-tripped exactly`);
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

main();
