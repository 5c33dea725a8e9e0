// Doc comments (/** ... */) of lib/ are published in the package's .d.ts files, where a consumer
// reads them in an editor: they may point only to files the package ships or to public URLs, never
// to this repository's notes, tests or sources (../shared/notes/..., lib/..., test/...).
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');
const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
/** Repository paths a consumer does not have (dist/ is the consumer's own output folder). */
const UNSHIPPED = /\.\.\/shared|shared\/notes|\bnotes\/|(?<![\w./-])(?:lib|test|apps|tools|bench|cli|imports)\/[\w.-]+|ARCHITECTURE\.md/g;

function unshippedReferences(source: string): string[] {
  const found: string[] = [];
  for (const block of source.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    for (const m of block.matchAll(UNSHIPPED)) found.push(m[0]);
  }
  return found;
}

test('the check finds a reference to the notes, to a repository file, and ignores URLs and dist/', () => {
  expect(unshippedReferences('/** @see ../shared/notes/reliability.md section 2 */')).toEqual(['../shared', 'notes/']);
  expect(unshippedReferences('/**\n * as in lib/topology.ts and test/cli.test.ts\n */')).toEqual(['lib/topology.ts', 'test/cli.test.ts']);
  expect(unshippedReferences('/** @see https://github.com/kubernetes/kubernetes/tree/master/pkg/apis writes dist/<app>/ */ // lib/x.ts')).toEqual([]);
});

test('no published doc comment in lib/ points to a file the package does not ship', () => {
  const offenders = walk(LIB).flatMap((f) => unshippedReferences(fs.readFileSync(f, 'utf8')).map((r) => `${path.relative(LIB, f)}: ${r}`));
  expect(offenders).toEqual([]);
});
