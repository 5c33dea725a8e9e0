// Every ```ts block of README.md is a file in test/readme-examples/ (tools/readme-examples.js
// writes them), which `npm run typecheck` type-checks against lib/; here: the files are what the
// README says, each example runs (constructors validate at run time what types cannot), and the
// first is exactly the main.ts that `npx cdk8s-realtime init` writes.
import * as fs from 'fs';
import * as path from 'path';
import { MAIN_TS } from '../cli/init';
import { AppSpec, synthesize } from '../lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extract, DIR, HEADER } = require('../tools/readme-examples.js') as { extract: () => Array<{ file: string; content: string }>; DIR: string; HEADER: string };
const examples = extract();

test('test/readme-examples/ holds exactly the README\'s TypeScript blocks (run `node tools/readme-examples.js` after editing the README)', () => {
  expect(examples.length).toBeGreaterThanOrEqual(7);
  expect(fs.readdirSync(DIR).sort()).toEqual(examples.map((e) => e.file));
  for (const e of examples) expect({ file: e.file, content: fs.readFileSync(path.join(DIR, e.file), 'utf8') }).toEqual(e);
});

test('the first example is the main.ts that `init` writes', () => {
  expect(examples[0].content).toBe(HEADER + MAIN_TS);
});

test.each(examples.map((e) => e.file))('%s is complete: imports the package by name and makes its own chart or exports apps, and runs', (file) => {
  const code = fs.readFileSync(path.join(DIR, file), 'utf8');
  expect(code).toMatch(/from 'cdk8s-realtime';/);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(DIR, file));
  if (mod.apps) {
    const result = synthesize(mod.apps as AppSpec[]);
    expect(result.objects).toBeGreaterThan(0);
  } else {
    // Its constructors ran (and validated their props) when it was required.
    expect(code).toMatch(/new Chart\(new App\(\), /);
  }
});
