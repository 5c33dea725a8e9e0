#!/usr/bin/env node
// Prints the jobs test/rollout runs, one per line: "<part> <target>", each job one simulated cluster.
// A target with HPAs is two jobs, "main" and "hpa" (see scenarios.mjs, ROLLOUT_PART), any other one
// job, "all".
//   node targets.mjs              every dist/ directory with objects; one without a workload is
//                                 still listed: it says so and counts nothing
//   node targets.mjs TARGET...    those targets (named as under dist/), as given
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTargets } from './model.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.CDK8SRT_DIST || path.join(HERE, '../../dist'));
const all = findTargets(dist);
const picked = [];
const named = process.argv.slice(2);
if (named.length) {
  for (const n of named) picked.push(all.find((t) => t.name === n) ?? { name: n, docs: [], workloads: [] });
} else {
  // A target whose objects equal an earlier one's (parsed, so the generated header comments that name
  // the construct path do not count) would repeat that run exactly: it is named, not run again.
  const seen = new Map();
  for (const t of all) {
    if (!t.workloads.length) { console.error(`rollout: ${t.name}: no Deployment, DaemonSet or StatefulSet in dist/, nothing to run`); continue; }
    const sig = JSON.stringify(t.docs.map(({ __file, ...o }) => o).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));
    if (seen.has(sig)) { console.error(`rollout: ${t.name}: the same objects as ${seen.get(sig)}, covered by that run`); continue; }
    seen.set(sig, t.name);
    picked.push(t);
  }
}
// Longest first, so that with ROLLOUT_STARTS clusters starting at a time the long ones start first:
// targets with more workloads first; of a target with HPAs the hpa part (it waits out the HPA's
// first scale-up's policy period, then the windows), then its main part.
const hasHpa = (t) => t.workloads.length > 0 && t.docs.some((d) => d.kind === 'HorizontalPodAutoscaler');
const jobs = picked.flatMap((t) => (hasHpa(t) ? [['hpa', t], ['main', t]] : [['all', t]]));
const rank = { hpa: 0, main: 1, all: 1 };
jobs.sort(([pa, a], [pb, b]) => b.workloads.length - a.workloads.length || (hasHpa(b) - hasHpa(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || rank[pa] - rank[pb]);
for (const [part, t] of jobs) console.log(`${part} ${t.name}`);
