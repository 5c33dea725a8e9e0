import fc from 'fast-check';
import { ApiObject } from 'cdk8s';
import { parse } from 'yaml';
import { AppSpec, synthesize } from '../lib';
import { canonicalize, toYaml } from '../lib/synth/yaml';
import { propertyRuns } from './util';

// toYaml() writes every scalar so that go-yaml v2 (kubectl's parser) reads back the same value;
// `npm run test:yaml-go` proves that against the real Go decoder (all of dist/ and 50,000 fuzzed
// strings). These tests need no Go: the exact forms of each class, and a round trip through the
// `yaml` package's YAML 1.1 and 1.2 parsers.

/** 300 in CI (CDK8SRT_PROPERTY_RUNS=full), 20 in a plain `npm test` (see propertyRuns). */
const RUNS = propertyRuns(300);

describe('toYaml', () => {
  test.each([
    // YAML 1.1 booleans and nulls, go-yaml's resolve table
    ['y', '"y"'], ['N', '"N"'], ['on', '"on"'], ['Off', '"Off"'], ['yes', '"yes"'], ['NULL', '"NULL"'], ['~', '"~"'], ['', '""'],
    // number forms go-yaml reads as numbers: base prefixes in any case, underscores, exponents
    ['0o17', '"0o17"'], ['0X1F', '"0X1F"'], ['0B101', '"0B101"'], ['1e_3', '"1e_3"'], ['1_000', '"1_000"'], ['1e3', '"1e3"'], ['017', '"017"'],
    // sexagesimal, special floats, timestamps, the merge key
    ['1:20', '"1:20"'], ['.inf', '".inf"'], ['-.Inf', '"-.Inf"'], ['.NaN', '".NaN"'], ['2001-12-14', '"2001-12-14"'], ['<<', '"<<"'],
    // strings that stay plain
    ['1Gi', '1Gi'], ['50%', '50%'], ['10.0.0.0/16', '10.0.0.0/16'], ['e3x', 'e3x'],
    // a string to go-yaml, a float (NaN) to YAML 1.1 readers with an optional mantissa: quoted
    ['e3', '"e3"'], ['E9', '"E9"'], ['e-3', '"e-3"'], ['Host(`a`) && PathPrefix(`/`)', 'Host(`a`) && PathPrefix(`/`)'],
    // characters YAML forbids raw or reads as line breaks: escaped
    ['a\u0085b', '"a\\Nb"'], ['a\u2028b', '"a\\Lb"'], ['a\u2029b', '"a\\Pb"'], ['\u0080\u009f', '"\\x80\\x9F"'], ['x\ufeffy', '"x\\uFEFFy"'],
    ['\ufffe\uffff', '"\\uFFFE\\uFFFF"'], ['a\tb', '"a\\tb"'], ['\u0000\u001b\u007f', '"\\0\\e\\x7F"'], ['\ud83d\ude00', '"\ud83d\ude00"'],
    // block scalars whose first line would be lost or misplaced: double quotes
    ['  \nx', '"  \\nx"'], ['\tx\ny', '"\\tx\\ny"'], ['\nx', '"\\nx"'], [' x\ny', '" x\\ny"'],
    // block scalars that are safe
    ['a\nb', '|-\n  a\n  b'], ['a\nb\n', '|\n  a\n  b'], ['a\n\n', '|+\n  a\n'],
  ])('writes %j as %s', (value, written) => {
    expect(toYaml({ k: value })).toBe(`k: ${written}\n`);
  });

  test('quotes a key by the same rules, and writes `<<` quoted so it is no merge key', () => {
    expect(toYaml({ '<<': { a: 1 }, on: 'x', '0o17': 'y' })).toBe('"0o17": "y"\n"<<":\n  a: 1\n"on": x\n');
  });

  test('writes a key longer than 1,000 characters with the explicit `? ` syntax (YAML limits implicit keys to 1,024)', () => {
    const long = 'k'.repeat(1100);
    expect(toYaml({ [long]: { a: 1 }, list: [{ [long]: 'v' }] })).toBe(`? "${long}"\n:\n  a: 1\nlist:\n  - ? "${long}"\n    : v\n`);
  });

  test('lays out lists in lists', () => {
    expect(toYaml({ a: [[1, [2, 3]], [], { b: [[]] }] })).toBe('a:\n  - - 1\n    - - 2\n      - 3\n  - []\n  - b:\n      - []\n');
  });

  test('fails when a string holds an unpaired surrogate, naming the object and the field', () => {
    const app: AppSpec = {
      name: 'demo', source: 'test/yaml.test.ts', namespace: 'demo',
      define: (chart) => { new ApiObject(chart, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { bad: 'a\ud800b' } } as never); },
    };
    expect(() => synthesize([app])).toThrow(
      '[demo/Config] ConfigMap x \'data.bad\' is "\\"a\\\\ud800b\\"": must be valid Unicode: an unpaired UTF-16 surrogate cannot be encoded in UTF-8 or YAML. Fix: remove the stray surrogate or pair it (e.g. build the string from whole characters)');
  });

  // Characters that YAML treats specially somewhere, plus ordinary ones.
  const unit = fc.constantFrom(...'aZz09 :#-_./\'"\n\t\r@%*&!|>{}[],?yYnNoOeExXbB~=+()`<\\'.split(''), 'ü', '€', '\u0085', '\u2028', '\ufeff', '\u00a0', '\u0001', '\ud83d\ude00');
  const text = fc.oneof(
    fc.string({ unit, maxLength: 12 }),
    fc.constantFrom('on', 'Off', 'yes', 'NO', 'y', 'null', '~', '3600', '1e3', '0x1F', '0o17', '1_000', '1:30', '2024-01-01', '.5', '.inf', '-', '- x', 'a: b', 'x #y', '<<', ''),
  );
  const doc = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
    list: fc.array(tie('value'), { maxLength: 3 }),
    map: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  }));
  const topMap = fc.dictionary(text, doc.value, { minKeys: 1, maxKeys: 5 });

  test.each(['1.1', '1.2'] as const)('round-trips random documents through the yaml package\'s YAML %s parser', (version) => {
    fc.assert(fc.property(topMap, (m) => {
      expect(parse(toYaml(m), { version, merge: false, uniqueKeys: false })).toEqual(canonicalize(m));
    }), { numRuns: RUNS });
  });
});
