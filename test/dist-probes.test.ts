// Probe and grace timing of every workload in the committed dist/, checked statically: kwok (the
// fake kubelet of `npm run test:rollout`) runs no probes and no processes, so these promises cannot
// be shown on the simulated cluster (see test/cluster/README.md, "What kwok cannot show").
import { parse } from 'yaml';
import { committedDist } from './util';

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

interface Probe { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number }
const window = (p: Probe) => (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
const budget = (p: Probe) => (p.initialDelaySeconds ?? 0) + window(p);

/** What is wrong with one container's probe and grace timing (empty: nothing). */
export function timingProblems(c: any, podSpec: any): string[] {
  const out: string[] = [];
  for (const k of ['startupProbe', 'readinessProbe', 'livenessProbe']) if (!c[k]) out.push(`no ${k}`);
  if (c.readinessProbe && c.livenessProbe && !(window(c.readinessProbe) < window(c.livenessProbe))) {
    out.push(`readiness fails after ${window(c.readinessProbe)}s, not before liveness restarts it (${window(c.livenessProbe)}s): traffic would reach a container about to be killed`);
  }
  if (c.startupProbe && c.livenessProbe && budget(c.startupProbe) < window(c.livenessProbe)) {
    out.push(`startup budget ${budget(c.startupProbe)}s is shorter than the liveness window ${window(c.livenessProbe)}s`);
  }
  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const grace = podSpec.terminationGracePeriodSeconds ?? 30;
  if (!(preStop < grace)) out.push(`preStop sleep ${preStop}s does not fit in terminationGracePeriodSeconds ${grace}s`);
  return out;
}

const workloads = [...committedDist()].filter(([f]) => f.endsWith('.yaml')).map(([f, text]) => ({ f, o: parse(text) }))
  .filter(({ o }) => o && WORKLOADS.has(o.kind));

describe('probe and grace timing of every workload in dist/ (static: kwok runs no probes)', () => {
  test('dist/ has workloads to check', () => {
    expect(workloads.length).toBeGreaterThan(0);
  });
  test.each(workloads.map(({ f, o }) => [f, o]))('%s', (_f, o: any) => {
    const spec = o.spec.template.spec;
    expect(spec.containers.map((c: any) => [c.name, timingProblems(c, spec)])).toEqual(spec.containers.map((c: any) => [c.name, []]));
  });
});

describe('the timing check itself', () => {
  const good = {
    startupProbe: { periodSeconds: 5, failureThreshold: 24 },
    readinessProbe: { periodSeconds: 5, failureThreshold: 2 },
    livenessProbe: { periodSeconds: 10, failureThreshold: 6 },
    lifecycle: { preStop: { sleep: { seconds: 15 } } },
  };
  test('accepts a container whose readiness fails first and whose grace covers the preStop', () => {
    expect(timingProblems(good, { terminationGracePeriodSeconds: 120 })).toEqual([]);
  });
  test('fails when liveness would restart the container before readiness takes it out of the Service', () => {
    expect(timingProblems({ ...good, readinessProbe: { periodSeconds: 30, failureThreshold: 3 } }, { terminationGracePeriodSeconds: 120 })).toEqual([
      'readiness fails after 90s, not before liveness restarts it (60s): traffic would reach a container about to be killed',
    ]);
  });
  test('fails when the preStop sleep outlasts the grace period', () => {
    expect(timingProblems(good, { terminationGracePeriodSeconds: 15 })).toEqual(['preStop sleep 15s does not fit in terminationGracePeriodSeconds 15s']);
  });
  test('fails when a probe is missing or the startup budget is shorter than the liveness window', () => {
    expect(timingProblems({ ...good, startupProbe: { periodSeconds: 1, failureThreshold: 1 }, readinessProbe: undefined }, { terminationGracePeriodSeconds: 120 })).toEqual([
      'no readinessProbe', 'startup budget 1s is shorter than the liveness window 60s',
    ]);
  });
});
