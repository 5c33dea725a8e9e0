// Every public construct constructor and factory checks its input with the boundary validator
// (lib/private/validate.ts) before reading it. This test reads lib/ and fails when a new one does
// not, so a construct or factory added later cannot skip the check.
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'private' || e.name === 'synth' ? [] : files(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line name` of every public constructor or static factory with parameters whose body does not start with a validate call. */
function unchecked(): string[] {
  const out: string[] = [];
  for (const f of files(LIB)) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const factory = /^\s+public static ([a-zA-Z]\w*)\((\w.*)\)[^(]*\{$/.exec(line);
      // Renderers are built by the IngressController factories, which validate their props.
      const ctor = /^\s+constructor\(scope: Construct, id: string, props\b/.test(line) || (!f.includes(`${path.sep}renderers${path.sep}`) && /^\s+constructor\(props\b/.test(line));
      if (!factory && !ctor) return;
      // Helpers that only join strings for messages are not inputs of an object.
      if (factory && /^(porterSecretName)$/.test(factory[1])) return;
      const body = lines.slice(i + 1, i + 5).join('\n');
      if (!/validate(Args|Props)\(/.test(body)) out.push(`${path.relative(LIB, f)}:${i + 1} ${factory ? factory[1] : 'constructor'}`);
    });
  }
  return out;
}

describe('the boundary validator covers every input', () => {
  test('every public constructor and static factory with parameters validates its input first', () => {
    expect(unchecked()).toEqual([]);
  });

  test('the scan finds constructors and factories at all (it cannot pass by matching nothing)', () => {
    const all = files(LIB).flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => /^\s+public static [a-zA-Z]\w*\(\w/.test(l) || /^\s+constructor\(scope: Construct/.test(l)));
    expect(all.length).toBeGreaterThan(50);
  });
});
