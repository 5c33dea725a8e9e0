// Extracts every ```ts block of README.md into test/readme-examples/NN.ts, where `npm run
// typecheck` (and so `npm test`) type-checks it against lib/ ('cdk8s-realtime' maps to lib/ in
// tsconfig.json). test/readme.test.ts fails when the files and the README differ.
//   node tools/readme-examples.js          rewrite test/readme-examples/
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, 'test', 'readme-examples');
const HEADER = '// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.\n';

/** The README's ```ts blocks as { file, content }, numbered in order. */
function extract(readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')) {
  const blocks = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = re.exec(readme)) !== null) blocks.push(m[1]);
  return blocks.map((code, i) => ({ file: `example-${String(i + 1).padStart(2, '0')}.ts`, content: HEADER + code }));
}

function write() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const examples = extract();
  for (const e of examples) fs.writeFileSync(path.join(DIR, e.file), e.content);
  return examples;
}

module.exports = { extract, DIR, HEADER };
if (require.main === module) console.log(`wrote ${write().length} examples to ${path.relative(ROOT, DIR)}/`);
