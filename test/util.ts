// Shared helpers of the construct tests: a fresh Chart, objects picked by kind and name, the
// chart as YAML text (as dist/ reads) and whole-message matchers for RealtimeConfigError.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { RealtimeConfigError, toYaml } from '../lib';

/** A fresh Chart with id `test` in namespace `demo`, so construct paths read `test/<id>`. */
export function chart(): Chart {
  return new Chart(new App(), 'test', { namespace: 'demo' });
}

/** `toJson()` of every object under the chart (at any depth), optionally of one kind only, in construct order. */
export function objects(c: Chart, kind?: string): any[] {
  return c.node.findAll()
    .filter((o): o is ApiObject => ApiObject.isApiObject(o) && (kind === undefined || o.kind === kind))
    .map((o) => o.toJson());
}

/** Names of the chart's objects of one kind, sorted. */
export function names(c: Chart, kind: string): string[] {
  return objects(c, kind).map((o) => o.metadata.name as string).sort();
}

/** `toJson()` of the one object with this kind and name; throws, listing what there is, when there is not exactly one. */
export function find(c: Chart, kind: string, name: string): any {
  const hits = objects(c, kind).filter((o) => o.metadata?.name === name);
  if (hits.length !== 1) {
    const have = objects(c).map((o) => `${o.kind}/${o.metadata?.name}`).join(', ');
    throw new Error(`expected exactly one ${kind} named "${name}", found ${hits.length} (objects: ${have || 'none'})`);
  }
  return hits[0];
}

/** The chart's objects as YAML documents, ordered like dist/ file names (namespace, kind, name). */
export function yaml(c: Chart): string {
  const key = (o: any) => `${o.metadata?.namespace ?? ''}.${String(o.kind).toLowerCase()}.${o.metadata?.name}`;
  return objects(c)
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((o) => toYaml(o))
    .join('---\n');
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Matches an error message exactly (the whole message, not a substring as `toThrow(string)` does). */
export function exactly(message: string): RegExp {
  return new RegExp(`^${escapeRegExp(message)}$`);
}

/** The paths an Ingress (as JSON) declares for one host; throws when the host has no rule. */
export function ingressPaths(ingress: any, host: string): any[] {
  const rule = (ingress.spec.rules ?? []).find((r: any) => r.host === host);
  if (!rule) throw new Error(`Ingress ${ingress.metadata.name} has no rule for host "${host}"`);
  return rule.http.paths;
}

/** One path of an Ingress (as JSON) for one host, by its path string. */
export function ingressPath(ingress: any, host: string, path: string): any {
  const hit = ingressPaths(ingress, host).find((p: any) => p.path === path);
  if (!hit) throw new Error(`Ingress ${ingress.metadata.name} has no path "${path}" for host "${host}"`);
  return hit;
}

/** Runs `fn` and returns the RealtimeConfigError message it throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof RealtimeConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a RealtimeConfigError');
}

/**
 * Runs per fast-check property. `npm test` runs a twentieth of `full` (at least 20) to stay under its
 * 15 s budget; CI sets CDK8SRT_PROPERTY_RUNS=full (.ci/run) for the full count, and a number sets
 * the count outright (e.g. 5000 for a long local hunt).
 */
export function propertyRuns(full: number): number {
  const env = process.env.CDK8SRT_PROPERTY_RUNS;
  if (env === undefined || env === '') return Math.max(20, Math.ceil(full / 20));
  if (env === 'full') return full;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`CDK8SRT_PROPERTY_RUNS is "${env}": must be "full" or a positive integer`);
  return n;
}

let committed: ReadonlyMap<string, string> | undefined;

/**
 * Every file of the committed dist/ (path relative to dist/ -> text), read once per test file.
 * Tests of what the reference apps emit read these files rather than synthesizing all apps again
 * (about 0.5 s each in a fresh jest context): test/synthesizer.test.ts proves they are exactly what
 * `synthesize(APPS)` writes, and `npm run synth:check` that they are current.
 */
export function committedDist(): ReadonlyMap<string, string> {
  if (committed) return committed;
  const root = path.join(__dirname, '..', 'dist');
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  walk('');
  return (committed = files);
}

/** The committed files of one reference app (dist/<app>/...), in path order. */
export function committedApp(app: string): ReadonlyMap<string, string> {
  return new Map([...committedDist()].filter(([f]) => f.startsWith(`${app}/`)));
}
