#!/usr/bin/env node
// Prints the dist/ targets test/rollout runs, one per line (every directory with objects; one
// without a workload is still run: it says so and counts nothing).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTargets } from './model.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.CDK8SRT_DIST || path.join(HERE, '../../dist'));
// A target whose objects equal an earlier one's (parsed, so the generated header comments that name
// the construct path do not count) would repeat that run exactly: it is named, not run again.
const seen = new Map();
for (const t of findTargets(dist)) {
  if (!t.workloads.length) { console.error(`rollout: ${t.name}: no Deployment, DaemonSet or StatefulSet in dist/, nothing to run`); continue; }
  const sig = JSON.stringify(t.docs.map(({ __file, ...o }) => o).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));
  if (seen.has(sig)) { console.error(`rollout: ${t.name}: the same objects as ${seen.get(sig)}, covered by that run`); continue; }
  seen.set(sig, t.name);
  console.log(t.name);
}
