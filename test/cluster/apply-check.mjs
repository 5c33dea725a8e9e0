#!/usr/bin/env node
// Applies every object in dist/ to a real kube-apiserver the way a user would
// (kubectl apply --server-side --validate=strict) and checks the answer. Started by run.sh, which
// owns the cluster and sets KUBECTL and KUBECONFIG. Plain JavaScript: node built-ins + `yaml`.
//
//   node apply-check.mjs [--self-test-only | --no-self-test]
//
// Per object, any of these makes it "rejected": a parse problem, an error or a "Warning:" line from
// the server-side dry-run or the real apply, a field from the file that reads back different, or a
// second identical apply that changes the stored object. Each folder of dist/ (one target) is
// applied on its own, to a cluster holding only the CRDs and the namespaces the folder declares
// external in its PREREQUISITES.md, and removed again before the next. Last line:
// "N objects applied, M rejected".
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { crdRank } from './crd-sources.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const env = process.env;
const KUBECTL = env.KUBECTL || 'kubectl';
const DIST = path.resolve(env.CDK8SRT_DIST || path.join(REPO, 'dist'));
const CRDS = path.resolve(env.CDK8SRT_CRDS || path.join(REPO, '../shared/crds'));
const FIXTURES = path.join(HERE, 'fixtures');
const FOLDER_FIXTURES = path.join(HERE, 'folder-fixtures');
const FIELD_MANAGER = 'cdk8s-realtime';
const HARNESS_MANAGER = 'cdk8s-realtime-test-harness'; // for what the harness itself creates
const SELF_TEST_NS = 'cdk8srt-selftest';
const CONCURRENCY = Number(env.CDK8SRT_CONCURRENCY || 4);
// Namespaces the harness creates (the self-test's, and those a folder declares external) are
// labelled like this, so Pod templates that would not pass the "restricted" Pod Security Standard
// come back with a Warning (enforce only checks Pods, warn also checks workload templates). A
// Namespace object in dist/ is applied as written instead.
const PSA_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

const args = new Set(process.argv.slice(2));
const SELF_TEST = !args.has('--no-self-test');
const ONLY_SELF_TEST = args.has('--self-test-only');

// ---------------------------------------------------------------------------------------------
// kubectl

function kubectl(argv, input) {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, ['--request-timeout=60s', ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${stderr}cannot run ${KUBECTL}: ${e.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** kubectl apply --server-side as a user would; splits stderr into warnings and errors. */
async function apply(file, { dryRun }) {
  const argv = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-f', file];
  if (dryRun) argv.push('--dry-run=server');
  const r = await kubectl(argv);
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  const warnings = lines.filter((l) => /^Warning:/.test(l));
  const errors = lines.filter((l) => !/^Warning:/.test(l));
  if (r.code !== 0 && errors.length === 0) errors.push(`kubectl exited with ${r.code}`);
  return { ok: r.code === 0, warnings, errors, stdout: r.stdout.trim() };
}

async function getJson(file) {
  const r = await kubectl(['get', '-f', file, '-o', 'json']);
  if (r.code !== 0) return { error: r.stderr.trim() || `kubectl get exited with ${r.code}` };
  return { obj: JSON.parse(r.stdout) };
}

async function applyInline(obj) {
  const r = await kubectl(['apply', '--server-side', `--field-manager=${HARNESS_MANAGER}`, '-f', '-'], JSON.stringify(obj));
  if (r.code !== 0) throw new Error(`could not apply ${obj.kind} ${obj.metadata.name}: ${r.stderr.trim()}`);
}

/**
 * Polls until each CRD is Established. Not `kubectl wait --for=condition=Established`: right
 * after creation a CRD has no status.conditions yet and kubectl wait fails at once
 * (".status.conditions accessor error: <nil>") instead of waiting.
 */
async function waitEstablished(names, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let pending = [...names];
  while (pending.length) {
    // One name gives the object itself, several give a List.
    const r = await kubectl(['get', 'crd', ...pending, '-o', 'json']);
    let crds = [];
    try {
      const out = JSON.parse(r.stdout);
      crds = out.kind === 'List' ? out.items : [out];
    } catch {}
    const established = (c) => (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True');
    const ready = new Set(crds.filter(established).map((c) => c.metadata.name));
    pending = pending.filter((n) => !ready.has(n));
    if (!pending.length) return '';
    if (Date.now() > deadline) return `not Established after ${timeoutMs / 1000}s: ${pending.join(', ')} ${r.stderr.trim()}`;
    await new Promise((res) => setTimeout(res, 250));
  }
  return '';
}

async function pool(items, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading YAML the way kubectl does: YAML 1.1 (`yes` and `on` are booleans, 0755 is octal), but
// without the sexagesimal and timestamp types that Go's YAML library does not apply.

function parseYaml(text) {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) => tags.filter((t) => t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const errors = [];
  const objects = [];
  for (const doc of docs) {
    errors.push(...doc.errors.map((e) => e.message));
    if (doc.errors.length === 0 && doc.contents !== null) objects.push(doc.toJS());
  }
  return { objects, errors };
}

function listYaml(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const groupOf = (apiVersion) => (String(apiVersion).includes('/') ? String(apiVersion).split('/')[0] : '');

/** One item per file (dist/ holds one object per file; anything else is reported). */
function loadItems(dir, displayBase) {
  return listYaml(dir).map((file) => {
    const rel = path.relative(displayBase, file);
    const item = { file, rel, problems: [], warnings: [], ref: rel, stage: 'parse' };
    let parsed;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      parsed = { objects: [], errors: [e.message] };
    }
    item.problems.push(...parsed.errors.map((e) => `YAML: ${String(e).split('\n')[0]}`));
    if (parsed.errors.length === 0 && parsed.objects.length !== 1) {
      item.problems.push(`expected exactly one object in the file, found ${parsed.objects.length}`);
    }
    const obj = parsed.objects[0];
    if (obj && typeof obj === 'object') {
      item.obj = obj;
      const md = obj.metadata ?? {};
      item.kind = obj.kind;
      item.group = groupOf(obj.apiVersion);
      item.namespace = md.namespace;
      item.name = md.name;
      item.ref = `${obj.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
      if (!obj.apiVersion || !obj.kind || !md.name) item.problems.push('missing apiVersion, kind or metadata.name');
    }
    return item;
  });
}

// ---------------------------------------------------------------------------------------------
// Comparing what we sent with what the server stored.

const QUANTITY_SUFFIX = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** A Kubernetes quantity ("500m", "1Gi", "0.5", 2, "1e3") as a number, or undefined. */
function quantity(v) {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * (m[3] !== undefined ? 10 ** Number(m[3]) : QUANTITY_SUFFIX[m[2] ?? '']);
}

/**
 * Equal, or equal after the normalisations the API server applies to what we send:
 * quantities are canonicalised (0.5 -> "500m", 1024Mi -> "1Gi"), and int-or-string / quantity
 * fields may turn a number into its string form. Plain string fields are never rewritten, so this
 * cannot hide a real difference there.
 */
function scalarEqual(want, got) {
  if (want === got) return true;
  if (want instanceof Date) return typeof got === 'string' && Date.parse(got) === want.getTime();
  if (typeof want === 'number' && typeof got === 'string' && String(want) === got) return true;
  const a = quantity(want);
  const b = quantity(got);
  if (a === undefined || b === undefined) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-9);
}

const isEmpty = (v) => (Array.isArray(v) ? v.length === 0 : v && typeof v === 'object' && Object.keys(v).length === 0);
const fmt = (v) => (v === undefined ? 'absent' : JSON.stringify(v)?.slice(0, 120));
const keyPath = (p, k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${p}.${k}` : `${p}[${JSON.stringify(k)}]`);

/**
 * Every leaf of `want` (the file) must be in `got` (the server) with the same value. An empty list
 * or map, 0, false or "" in the file may be absent on the server: Kubernetes omits empty optional
 * fields, which means the same thing.
 */
function compareLeaves(want, got, p, diffs) {
  if (want === null || want === undefined) {
    if (got !== undefined && got !== null) diffs.push(`${p}: null in the file, ${fmt(got)} on the server`);
  } else if (isEmpty(want)) {
    if (got !== undefined && !isEmpty(got)) diffs.push(`${p}: empty in the file, ${fmt(got)} on the server`);
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got)) return void diffs.push(`${p}: list in the file, ${fmt(got)} on the server`);
    if (got.length !== want.length) diffs.push(`${p}: ${want.length} items in the file, ${got.length} on the server`);
    want.forEach((w, i) => compareLeaves(w, got[i], `${p}[${i}]`, diffs));
  } else if (typeof want === 'object' && !(want instanceof Date)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      return void diffs.push(`${p}: map in the file, ${fmt(got)} on the server`);
    }
    for (const [k, w] of Object.entries(want)) compareLeaves(w, got[k], keyPath(p, k), diffs);
  } else if (got === undefined) {
    // Go omits zero values of non-pointer optional fields (initialDelaySeconds: 0, hostNetwork:
    // false): absent means the same. Pointer fields keep an explicit zero, so a real loss shows.
    if (want !== 0 && want !== false && want !== '') diffs.push(`${p}: ${fmt(want)} in the file, absent on the server`);
  } else if (!scalarEqual(want, got)) {
    diffs.push(`${p}: ${fmt(want)} in the file, ${fmt(got)} on the server`);
  }
}

/** Paths whose values differ between two server objects (for "what did the second apply change"). */
function deepDiff(a, b, p, out) {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) deepDiff(a[k], b[k], keyPath(p, k), out);
  } else {
    out.push(`${p}: ${fmt(a)} -> ${fmt(b)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Phases

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (s) => console.log(s);

function fail(item, stage, lines) {
  item.failedAt ??= stage;
  for (const l of [].concat(lines)) item.problems.push(`${stage}: ${l}`);
}

/** Dry-run, then (if clean) the real apply. Marks item.applied. */
async function dryRunThenApply(item) {
  if (item.problems.length) return;
  const dry = await apply(item.file, { dryRun: true });
  if (!dry.ok) {
    if (dry.errors.some((e) => /no matches for kind/.test(e))) {
      dry.errors.push(`no CustomResourceDefinition for ${item.group}/${item.kind} in dist/ or in ${CRDS}`);
    }
    return fail(item, 'rejected by server-side dry-run', dry.errors);
  }
  if (dry.warnings.length) return fail(item, 'warning on server-side dry-run', dry.warnings);
  const real = await apply(item.file, { dryRun: false });
  if (!real.ok) return fail(item, 'rejected by apply', real.errors);
  if (real.warnings.length) fail(item, 'warning on apply', real.warnings);
  item.applied = true;
}

/** What the server should hold for `obj`: write-only fields mapped to where they end up. */
function expectedState(obj) {
  if (obj.apiVersion === 'v1' && obj.kind === 'Secret' && obj.stringData) {
    const { stringData, ...rest } = obj; // the server merges stringData into data, base64-encoded
    const encoded = Object.entries(stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]);
    return { ...rest, data: { ...rest.data, ...Object.fromEntries(encoded) } };
  }
  return obj;
}

/**
 * After a clean apply: read the object back (every field we set must be there with our value),
 * then apply the same file again. A no-op server-side apply is not written to etcd, so
 * resourceVersion and generation must not move; if they do, part of our output does not
 * round-trip (the server rewrites it on every apply) and the diff of the two reads says what.
 */
async function verify(item) {
  const first = await getJson(item.file);
  if (first.error) return fail(item, 'read back', first.error);
  const diffs = [];
  for (const [k, v] of Object.entries(expectedState(item.obj))) if (k !== 'status') compareLeaves(v, first.obj[k], k, diffs);
  if (diffs.length) fail(item, 'read back differs', diffs);

  const again = await apply(item.file, { dryRun: false });
  if (!again.ok) return fail(item, 'second apply rejected', again.errors);
  if (again.warnings.length) fail(item, 'warning on second apply', again.warnings);
  const second = await getJson(item.file);
  if (second.error) return fail(item, 'read back after second apply', second.error);
  const [before, after] = [first.obj.metadata, second.obj.metadata];
  if (before.resourceVersion !== after.resourceVersion || before.generation !== after.generation) {
    const changes = deepDiff(first.obj, second.obj, '', []).filter((l) => !/^\.metadata\.resourceVersion:/.test(l));
    fail(item, 'second identical apply changed the object', [
      `resourceVersion ${before.resourceVersion} -> ${after.resourceVersion}, generation ${before.generation} -> ${after.generation}`,
      ...changes,
    ]);
  }
}

/**
 * Each fixture goes through exactly the checks a dist/ object goes through, and must fail them
 * with the problem named in its first line: "# expect: REGEX".
 */
async function selfTest() {
  const fixtures = loadItems(FIXTURES, REPO);
  await applyInline({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SELF_TEST_NS, labels: PSA_LABELS } });
  const results = await pool(fixtures, async (fx) => {
    const m = /^#\s*expect:\s*(.+)$/.exec(readFileSync(fx.file, 'utf8').split('\n')[0]);
    if (!m) return { ok: false, line: `FAIL ${fx.rel}: its first line must be "# expect: REGEX"` };
    const re = new RegExp(m[1]);
    await dryRunThenApply(fx);
    if (fx.applied) await verify(fx);
    const hit = fx.problems.find((p) => re.test(p));
    if (hit) return { ok: true, line: `ok   ${fx.rel}: ${hit.length > 160 ? `${hit.slice(0, 160)}...` : hit}` };
    const got = fx.problems.length ? fx.problems.join('\n         ') : 'it PASSED every check';
    return { ok: false, line: `FAIL ${fx.rel}: expected a problem matching /${m[1]}/, got:\n         ${got}` };
  });
  for (const r of results) say(`  ${r.line}`);
  const passed = results.filter((r) => r.ok).length;
  const ok = fixtures.length > 0 && passed === fixtures.length;
  say(`self-test: ${passed} of ${fixtures.length} broken fixtures caught${ok ? '' : ' -- THE HARNESS CANNOT BE TRUSTED'} (${elapsed()})`);
  return ok;
}

/** CRDs from the shared folder whose group/kind some dist object uses; installed and Established. */
async function installCrds(items) {
  const wanted = new Set(items.filter((i) => i.obj).map((i) => `${i.group}/${i.kind}`));
  const inDist = new Set(
    items.filter((i) => i.kind === 'CustomResourceDefinition').map((i) => `${i.obj.spec?.group}/${i.obj.spec?.names?.kind}`),
  );
  // A kind can be in several folders (the old top-level files and the versioned ones): take it from
  // the first folder of CRD_SOURCES (crd-sources.mjs) that has it, so the API server serves the versions lib/ renders.
  const chosen = new Map(); // group/kind -> { file, name, rank }
  for (const file of listYaml(CRDS)) {
    const rank = crdRank(path.relative(CRDS, file));
    if (rank === undefined) continue;
    for (const crd of parseYaml(readFileSync(file, 'utf8')).objects) {
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const key = `${crd.spec.group}/${crd.spec.names.kind}`;
      if (!wanted.has(key) || inDist.has(key)) continue;
      const prev = chosen.get(key);
      if (!prev || rank < prev.rank) chosen.set(key, { file, name: crd.metadata.name, rank });
    }
  }
  const files = new Map(); // file -> CRD names
  for (const { file, name } of chosen.values()) files.set(file, [...(files.get(file) ?? []), name]);
  if (files.size === 0) return new Set();
  const names = [...files.values()].flat();
  const r = await kubectl(['apply', '--server-side', `--field-manager=${HARNESS_MANAGER}`, ...[...files.keys()].flatMap((f) => ['-f', f])]);
  if (r.code !== 0) throw new Error(`installing CRDs failed:\n${r.stderr}`);
  const notReady = await waitEstablished(names);
  if (notReady) throw new Error(`CRDs from ${CRDS} ${notReady}`);
  say(`installed ${names.length} CRDs used by dist/ from ${CRDS}: ${names.join(', ')} (${elapsed()})`);
  return new Set([...files.values()].flat());
}

const isNamespace = (i) => i.obj && i.group === '' && i.kind === 'Namespace';
const isCrd = (i) => i.obj && i.group === 'apiextensions.k8s.io' && i.kind === 'CustomResourceDefinition';
const hasPsaLabel = (obj) => Object.keys(obj.metadata?.labels ?? {}).some((l) => l.startsWith('pod-security.kubernetes.io/'));

/**
 * dist/ holds one folder per target (dist/<app>/ or dist/<app>/<cluster>/<env>/), each synced on
 * its own by one Argo CD Application, so each is applied on its own: to a cluster holding only the
 * CRDs (cluster prerequisites) and the namespaces the folder declares external in its
 * PREREQUISITES.md, and removed again (namespaces included) before the next folder. Any namespace a
 * folder uses and neither owns nor declares is missing, and its objects are rejected.
 */
function byFolder(items) {
  const folders = new Map();
  for (const it of items) {
    const dir = path.dirname(it.file);
    if (!folders.has(dir)) folders.set(dir, []);
    folders.get(dir).push(it);
  }
  for (const folderItems of folders.values()) {
    const seen = new Map();
    for (const it of folderItems.filter((i) => i.obj)) {
      it.id = `${it.group}/${it.kind}/${it.namespace ?? ''}/${it.name}`;
      if (seen.has(it.id)) fail(it, 'duplicate', `same object as ${seen.get(it.id).rel}, in the same directory`);
      else seen.set(it.id, it);
    }
  }
  return folders;
}

/** PREREQUISITES.md's heading of the external-namespace table (lib/synth/synthesizer.ts writes it). */
const EXTERNAL_NAMESPACES_HEADING = '## Namespaces created by someone else';

/** The namespaces a folder declares external (rows "| `name` | owner |" under the heading); none without the file. */
function externalNamespaces(dir) {
  const file = path.join(dir, 'PREREQUISITES.md');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.indexOf(EXTERNAL_NAMESPACES_HEADING);
  if (at < 0) throw new Error(`${path.relative(REPO, file)} has no "${EXTERNAL_NAMESPACES_HEADING}" section`);
  const out = [];
  for (const line of lines.slice(at + 1)) {
    if (line.startsWith('## ')) break;
    const m = /^\| `([a-z0-9]([-a-z0-9]*[a-z0-9])?)` \|/.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}

async function namespaceNames() {
  const r = await kubectl(['get', 'namespaces', '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get namespaces failed: ${r.stderr}`);
  return JSON.parse(r.stdout).items.map((n) => n.metadata.name).sort();
}

/** Deletes what a folder applied, finalizers and all (no controller would remove them). */
async function remove(item) {
  await kubectl(['delete', '-f', item.file, '--wait=false', '--ignore-not-found']);
  await kubectl(['patch', '-f', item.file, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  const w = await kubectl(['wait', '--for=delete', '--timeout=30s', '-f', item.file]);
  if (w.code !== 0 && !/not found/i.test(w.stderr)) throw new Error(`could not delete ${item.ref} (${item.rel}) after its folder: ${w.stderr}`);
}

/**
 * Deletes a namespace. No kube-controller-manager runs here, so nobody empties it and removes its
 * `kubernetes` finalizer: its objects are deleted first (remove()), then the finalizer is cleared
 * through the namespace's finalize subresource, as the namespace controller does.
 */
async function removeNamespace(name) {
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
  const got = await kubectl(['get', 'namespace', name, '-o', 'json']);
  if (got.code === 0) {
    const ns = JSON.parse(got.stdout);
    ns.spec = { ...ns.spec, finalizers: [] };
    const r = await kubectl(['replace', '--raw', `/api/v1/namespaces/${name}/finalize`, '-f', '-'], JSON.stringify(ns));
    if (r.code !== 0 && !/not found/i.test(r.stderr)) throw new Error(`could not finalize namespace ${name}: ${r.stderr}`);
  }
  const w = await kubectl(['wait', '--for=delete', '--timeout=30s', `namespace/${name}`]);
  if (w.code !== 0 && !/not found/i.test(w.stderr)) throw new Error(`could not delete namespace ${name}: ${w.stderr}`);
}

async function checkObjects(items) {
  // Namespaces as written, first, so their labels hold for what goes into them. One that sets no
  // Pod Security label fails (every Namespace we emit states its level); it is labelled
  // "restricted" here so what goes into it is still checked.
  const nsItems = items.filter(isNamespace);
  await pool(nsItems, dryRunThenApply);
  for (const it of nsItems.filter((i) => i.applied && !hasPsaLabel(i.obj))) {
    fail(it, 'Pod Security', 'the Namespace sets no pod-security.kubernetes.io/ label: state its level (OwnedNamespace does)');
    const r = await kubectl(['label', '--overwrite', 'namespace', it.name, ...Object.entries(PSA_LABELS).map(([k, v]) => `${k}=${v}`)]);
    if (r.code !== 0) throw new Error(`labelling namespace ${it.name} failed: ${r.stderr}`);
  }
  // CRDs shipped in the folder itself, before the custom resources that need them.
  const crdItems = items.filter(isCrd);
  await pool(crdItems, dryRunThenApply);
  for (const it of crdItems.filter((i) => i.applied)) {
    const notReady = await waitEstablished([it.name]);
    if (notReady) fail(it, 'CRD', notReady);
  }
  await pool(items.filter((i) => !nsItems.includes(i) && !crdItems.includes(i)), dryRunThenApply);
  // Read back and apply a second time (see verify()); nothing else writes to this cluster.
  await pool(items.filter((i) => i.applied), verify);
}

/**
 * One folder on its own: create the namespaces it declares external (labelled "restricted";
 * `default` already exists and is only labelled), apply and verify every object, then remove
 * everything again and check the cluster is back to `baseline` (its namespaces before the folder).
 */
async function checkFolder(dir, items, baseline) {
  const external = externalNamespaces(dir);
  const existing = new Set(await namespaceNames());
  const created = external.filter((n) => !existing.has(n));
  for (const name of external) await applyInline({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: PSA_LABELS } });
  await checkObjects(items);
  // Clean up: the objects, then the namespaces the folder emitted and those made for it.
  await pool(items.filter((i) => i.applied && !isNamespace(i)), remove);
  for (const name of [...items.filter((i) => i.applied && isNamespace(i)).map((i) => i.name), ...created]) await removeNamespace(name);
  for (const name of external.filter((n) => existing.has(n))) {
    const r = await kubectl(['label', 'namespace', name, ...Object.keys(PSA_LABELS).map((k) => `${k}-`)]);
    if (r.code !== 0) throw new Error(`unlabelling namespace ${name} failed: ${r.stderr}`);
  }
  const after = await namespaceNames();
  if (after.join(' ') !== baseline.join(' ')) throw new Error(`after ${path.relative(REPO, dir)} the cluster's namespaces are [${after.join(', ')}], not [${baseline.join(', ')}]`);
  return { external, created };
}

/**
 * Negative controls for the folder isolation (test/cluster/folder-fixtures/, in name order):
 * each folder goes through checkFolder() exactly as a dist/ folder, and each file's first line
 * says what must happen to it: "# expect: pass" or "# expect: REGEX" (a problem that must be
 * reported). A folder that uses a namespace an earlier folder owned, or one made for an earlier
 * folder's declaration, must be refused: the proof that nothing leaks from one folder to the next.
 */
async function folderSelfTest(baseline) {
  const items = loadItems(FOLDER_FIXTURES, REPO);
  const results = [];
  for (const [dir, folderItems] of byFolder(items)) {
    await checkFolder(dir, folderItems, baseline);
    for (const fx of folderItems) {
      const m = /^#\s*expect:\s*(.+)$/.exec(readFileSync(fx.file, 'utf8').split('\n')[0]);
      if (!m) results.push({ ok: false, line: `FAIL ${fx.rel}: its first line must be "# expect: pass" or "# expect: REGEX"` });
      else if (m[1].trim() === 'pass') {
        results.push(fx.problems.length ? { ok: false, line: `FAIL ${fx.rel}: expected to pass, got:\n         ${fx.problems.join('\n         ')}` } : { ok: true, line: `ok   ${fx.rel}: passed, as expected` });
      } else {
        const hit = fx.problems.find((p) => new RegExp(m[1]).test(p));
        results.push(hit ? { ok: true, line: `ok   ${fx.rel}: ${hit.length > 160 ? `${hit.slice(0, 160)}...` : hit}` }
          : { ok: false, line: `FAIL ${fx.rel}: expected a problem matching /${m[1]}/, got:\n         ${fx.problems.length ? fx.problems.join('\n         ') : 'it PASSED every check'}` });
      }
    }
  }
  for (const r of results) say(`  ${r.line}`);
  const passed = results.filter((r) => r.ok).length;
  const ok = results.length > 0 && passed === results.length;
  say(`folder self-test: ${passed} of ${results.length} expectations met${ok ? '' : ' -- THE HARNESS CANNOT BE TRUSTED'} (${elapsed()})`);
  return ok;
}

async function main() {
  say(`kubectl: ${KUBECTL}`);
  let selfTestOk = true;
  if (SELF_TEST || ONLY_SELF_TEST) selfTestOk = await selfTest();
  const baseline = await namespaceNames();
  if (SELF_TEST || ONLY_SELF_TEST) selfTestOk = (await folderSelfTest(baseline)) && selfTestOk;
  if (ONLY_SELF_TEST) return selfTestOk ? 0 : 1;

  const items = loadItems(DIST, path.dirname(DIST));
  if (items.length === 0) {
    say(`no *.yaml files under ${DIST}: run the synthesizer first (or set CDK8SRT_DIST)`);
    say('0 objects applied, 0 rejected');
    return 1;
  }
  const folders = byFolder(items);
  say(`dist: ${items.length} files in ${folders.size} folders under ${DIST}`);

  // CRDs are cluster prerequisites (PREREQUISITES.md lists them per folder): installed once.
  await installCrds(items);
  say(`namespaces before each folder: ${baseline.join(', ')}`);
  for (const [dir, folderItems] of folders) {
    const { external, created } = await checkFolder(dir, folderItems, baseline);
    const bad = folderItems.filter((i) => i.problems.length).length;
    say(`folder ${path.relative(path.dirname(DIST), dir)}: ${folderItems.length} objects, ${bad} rejected; external namespaces ${external.length ? `${external.join(', ')} (created for it: ${created.join(', ') || 'none'})` : 'none'}; removed again (${elapsed()})`);
  }
  const applied = items.filter((i) => i.applied);
  say(`applied ${applied.length} of ${items.length} (server-side dry-run, apply, read back, apply again) (${elapsed()})`);

  // Report.
  const bad = items.filter((i) => i.problems.length);
  say('');
  for (const it of items) say(`${it.problems.length ? 'FAIL' : 'ok  '} ${it.ref}${it.ref === it.rel ? '' : `  (${it.rel})`}`);
  if (bad.length) {
    say('\nfailures:');
    for (const it of bad) {
      say(`- ${it.rel}: ${it.ref}`);
      for (const p of it.problems.slice(0, 30)) say(`    ${p}`);
      if (it.problems.length > 30) say(`    ... ${it.problems.length - 30} more`);
    }
  }
  if (!selfTestOk) say('\nthe self-test failed (see above): a clean result would not be trustworthy');
  say(`\n${items.length - bad.length} objects applied, ${bad.length} rejected`);
  return bad.length === 0 && selfTestOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // The harness itself broke (not a finding): say why, show the server's log, and still end
    // with the summary line, counting every dist/ file as not accepted.
    console.log(`\nerror: the harness stopped before the end: ${err.stack ?? err.message}`);
    const log = env.CDK8SRT_APISERVER_LOG;
    if (log && existsSync(log)) {
      console.log(`--- last lines of ${log} ---`);
      console.log(readFileSync(log, 'utf8').trimEnd().split('\n').slice(-30).join('\n'));
    }
    let files = 0;
    try {
      files = listYaml(DIST).length;
    } catch {}
    console.log(`0 objects applied, ${files} rejected`);
    process.exit(2);
  },
);
