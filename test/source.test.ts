// Scans of lib/'s own source, each with a negative control that proves it can fail:
// - doc comments (/** ... */) are published in the package's .d.ts files, where a consumer reads
//   them in an editor: they may point only to files the package ships or to public URLs, never to
//   this repository's notes, tests or sources (../shared/notes/..., lib/..., test/...);
// - lib/ has no import cycles, type-only imports included: lower layers never import upper ones
//   (the route model never imports its renderers; private helpers never import constructs);
// - every public construct constructor and factory checks its input with the boundary validator
//   (lib/private/validate.ts) before reading it, so one added later cannot skip the check;
// - lib/ loads the generated CRD bindings (imports/) only where it uses them, never at import time.
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

describe('published doc comments', () => {
  test('the check finds a reference to the notes, to a repository file, and ignores URLs and dist/', () => {
    expect(unshippedReferences('/** @see ../shared/notes/reliability.md section 2 */')).toEqual(['../shared', 'notes/']);
    expect(unshippedReferences('/**\n * as in lib/topology.ts and test/cli.test.ts\n */')).toEqual(['lib/topology.ts', 'test/cli.test.ts']);
    expect(unshippedReferences('/** @see https://github.com/kubernetes/kubernetes/tree/master/pkg/apis writes dist/<app>/ */ // lib/x.ts')).toEqual([]);
  });

  test('no published doc comment in lib/ points to a file the package does not ship', () => {
    const offenders = walk(LIB).flatMap((f) => unshippedReferences(fs.readFileSync(f, 'utf8')).map((r) => `${path.relative(LIB, f)}: ${r}`));
    expect(offenders).toEqual([]);
  });
});

// lib/ import graph
/** Relative imports of every .ts file under `root` (import/export ... from './x', type-only too). */
function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, src] of Object.entries(files)) {
    const deps: string[] = [];
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => f in files);
      if (target) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle, as a path a -> b -> ... -> a (one per strongly connected component). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return found;
}

function tsFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) Object.assign(out, tsFiles(p));
    else if (p.endsWith('.ts')) out[p] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

describe('lib/ import graph', () => {
  test('the detector finds a cycle, type-only imports included (negative control)', () => {
    const files = {
      '/x/a.ts': "import { B } from './b';\n",
      '/x/b.ts': "import type { C } from './sub/c';\n",
      '/x/sub/c.ts': "export { A } from '../a';\n",
      '/x/d.ts': "import { A } from './a';\n",
    };
    expect(cycles(importGraph(files))).toEqual([['/x/a.ts', '/x/b.ts', '/x/sub/c.ts', '/x/a.ts']]);
  });

  test('has no cycles', () => {
    const root = path.join(__dirname, '..', 'lib');
    const files = tsFiles(root);
    expect(Object.keys(files).length).toBeGreaterThan(20);
    const graph = importGraph(files);
    // The graph is really read: routing.ts imports the route model and the renderers.
    expect(graph.get(path.join(root, 'routing.ts'))).toEqual(expect.arrayContaining([path.join(root, 'route.ts'), path.join(root, 'renderers', 'traefik.ts')]));
    expect(cycles(graph).map((c) => c.map((f) => path.relative(root, f)).join(' -> '))).toEqual([]);
  });
});

// the boundary validator's coverage
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

// the CRD bindings load on first use
describe('imports/ (the generated CRD bindings, ~1.4 MB) load on first use', () => {
  const eager = (source: string) => [...source.matchAll(/^import (?!type\b)[^;]*?from '(?:\.\.\/)+imports\/([^']+)'/gm)].map((m) => m[1]);

  test('the scan finds a value import of a binding and accepts type imports (negative control)', () => {
    expect(eager("import { HttpRoute } from '../../imports/gateway.networking.k8s.io';\nimport type * as K from '../imports/keda.sh';\n")).toEqual(['gateway.networking.k8s.io']);
  });

  test('no file of lib/ imports a binding as a value (require it where it is used)', () => {
    const offenders = walk(LIB).flatMap((f) => eager(fs.readFileSync(f, 'utf8')).map((m) => `${path.relative(LIB, f)}: ${m}`));
    expect(offenders).toEqual([]);
  });
});
