// lib/ has no import cycles, type-only imports included: lower layers never import upper ones
// (the route model never imports its renderers; private helpers never import constructs).
import { readFileSync, readdirSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/** Relative imports of every .ts file under `root` (import/export ... from './x', type-only too). */
function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, src] of Object.entries(files)) {
    const deps: string[] = [];
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const base = resolve(dirname(file), m[1]);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => f in files);
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
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, tsFiles(p));
    else if (p.endsWith('.ts')) out[p] = readFileSync(p, 'utf8');
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
    const root = join(__dirname, '..', 'lib');
    const files = tsFiles(root);
    expect(Object.keys(files).length).toBeGreaterThan(20);
    const graph = importGraph(files);
    // The graph is really read: routing.ts imports the route model and the renderers.
    expect(graph.get(join(root, 'routing.ts'))).toEqual(expect.arrayContaining([join(root, 'route.ts'), join(root, 'renderers', 'traefik.ts')]));
    expect(cycles(graph).map((c) => c.map((f) => relative(root, f)).join(' -> '))).toEqual([]);
  });
});
