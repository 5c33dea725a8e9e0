import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { synthesize } from '../lib';
import { canonicalize, toYaml, toYamlReference } from '../lib/synth/yaml';
import { APPS } from '../apps';

// toYaml() writes the document structure itself for speed; these tests hold it to the bytes the
// `yaml` package writes with the same options, and to a lossless round trip.

const RUNS = 500;

describe('toYaml', () => {
  test('is byte-identical to the yaml package on every object of the reference apps', () => {
    const objects = [...synthesize(APPS).files.entries()].filter(([f]) => f.endsWith('.yaml')).map(([, text]) => parseAllDocuments(text)[0].toJSON());
    expect(objects.length).toBeGreaterThan(100);
    const differ = objects.filter((o) => toYaml(o) !== toYamlReference(o)).map((o) => `${o.kind} ${o.metadata?.name}`);
    expect(differ).toEqual([]);
  });

  // Characters that YAML treats specially somewhere, plus ordinary ones.
  const unit = fc.constantFrom(...'aZz09 :#-_./\'"\n\t@%*&!|>{}[],?yYnNoO~=+()'.split(''), 'ü', '€');
  // Lines ending in blanks are left out: `yaml` itself drops those blanks from block scalars (a
  // quirk of the library, not of the fast path, which hands such strings to it unchanged).
  const text = fc.oneof(
    fc.string({ unit, maxLength: 12 }).filter((s) => !/[ \t]\n/.test(s)),
    fc.constantFrom('on', 'Off', 'yes', 'NO', 'y', 'null', '~', '3600', '1e3', '0x1F', '1:30', '2024-01-01', '.5', '-', '- x', 'a: b', 'x #y', ''),
  );
  const doc = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
    list: fc.array(tie('value'), { maxLength: 3 }),
    map: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  }));
  const topMap = fc.dictionary(text, doc.value, { minKeys: 1, maxKeys: 5 });

  test('is byte-identical to the yaml package on random documents', () => {
    fc.assert(fc.property(topMap, (m) => toYaml(m) === toYamlReference(m)), { numRuns: RUNS });
  });

  test('round-trips random documents without loss', () => {
    fc.assert(fc.property(topMap, (m) => {
      expect(parse(toYaml(m), { version: '1.1' })).toEqual(canonicalize(m));
    }), { numRuns: RUNS });
  });
});
