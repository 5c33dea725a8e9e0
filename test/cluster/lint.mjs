#!/usr/bin/env node
// Static linters over dist/, independent of the API server: kubeconform (strict JSON-schema check
// against local schemas, never downloads) and kube-score (reliability/security advice).
// Every finding is printed; a finding not in lint-allowlist.yaml fails the run.
// Started by lint.sh, which builds the tools and sets KUBECONFORM, KUBE_SCORE, CDK8SRT_CACHE, ...
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { ensureSchemas } from './kubeconform-schemas.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const env = process.env;
const DIST = path.resolve(env.CDK8SRT_DIST || path.join(REPO, 'dist'));
const CRDS = path.resolve(env.CDK8SRT_CRDS || path.join(REPO, '../shared/crds'));
const SCHEMAS = path.resolve(env.CDK8SRT_SCHEMAS || path.join(REPO, '../shared/schemas/k8s'));
const KUBE_VERSION = env.CDK8SRT_SCHEMA_K8S_VERSION || '1.36.0'; // the newest shared schema set
const ALLOWLIST = path.resolve(env.CDK8SRT_LINT_ALLOWLIST || path.join(HERE, 'lint-allowlist.yaml'));
const CACHE = env.CDK8SRT_CACHE;

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

/** "Kind namespace/name" (or "Kind name"), the form allowlist patterns match against. */
function refOf(obj) {
  const md = obj?.metadata ?? {};
  return `${obj?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return r;
}

// ---------------------------------------------------------------------------------------------

function kubeconform(files, refs) {
  const { locations, generated, kinds, crds } = ensureSchemas({
    cacheDir: path.join(CACHE, 'schemas'),
    definitionsFile: path.join(SCHEMAS, `v${KUBE_VERSION}`, '_definitions.json'),
    kubeVersion: KUBE_VERSION,
    crdDir: CRDS,
  });
  if (generated) console.log(`generated kubeconform schemas: ${kinds} Kubernetes ${KUBE_VERSION} kinds, ${crds} CRD versions`);
  const argv = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBE_VERSION];
  for (const l of locations) argv.push('-schema-location', l);
  const r = run(env.KUBECONFORM, [...argv, ...files]);
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`kubeconform printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const findings = [];
  for (const res of out.resources ?? []) {
    if (res.status === 'statusValid' || res.status === 'statusEmpty') continue;
    const ref = refs.get(path.resolve(res.filename)) ?? `${res.kind} ${res.name}`;
    const check = { statusInvalid: 'schema', statusError: 'schema-error', statusSkipped: 'schema-skipped' }[res.status] ?? res.status;
    // validationErrors only holds the outermost "validation failed"; msg lists the real causes.
    const causes = String(res.msg ?? '').split(/\s+- at /).slice(1).map((c) => c.trim()).filter((c) => !/: validation failed$/.test(c));
    findings.push({ tool: 'kubeconform', check, ref, file: res.filename, message: causes.length ? causes.join('\n') : res.msg });
  }
  const s = out.summary ?? {};
  console.log(`kubeconform ${KUBE_VERSION} strict: ${s.valid ?? '?'} valid, ${s.invalid ?? '?'} invalid, ${s.errors ?? '?'} errors, ${s.skipped ?? '?'} skipped`);
  return findings;
}

/**
 * kube-score, once per directory of dist/: several checks look across objects (an Ingress's
 * Service, a Service's Pods, a PDB or NetworkPolicy per Deployment), and dist/ may hold one
 * directory per target cluster with the same objects in each; mixing them would match across
 * clusters. One finding per comment, so the allowlist can name exactly which one it accepts.
 */
function kubeScore(files, refs) {
  const byDir = new Map();
  for (const f of files) byDir.set(path.dirname(f), [...(byDir.get(path.dirname(f)) ?? []), f]);
  const kubeVersion = `v${KUBE_VERSION.split('.').slice(0, 2).join('.')}`;
  const findings = [];
  let objects = 0;
  for (const [dir, group] of byDir) {
    const r = run(env.KUBE_SCORE, ['score', '--output-format', 'json', '--kubernetes-version', kubeVersion, ...group]);
    let out;
    try {
      out = JSON.parse(r.stdout);
    } catch {
      // It refuses a whole set when one file does not decode into the typed API structs.
      const message = `kube-score could not score ${dir} (exit ${r.status}): ${`${r.stdout}\n${r.stderr}`.trim()}`;
      findings.push({ tool: 'kube-score', check: 'parse-error', ref: `(files in ${path.relative(path.dirname(DIST), dir)})`, message });
      continue;
    }
    for (const obj of out ?? []) {
      objects++;
      const file = obj.file_name ? path.resolve(obj.file_name) : undefined;
      const md = obj.object_meta ?? {};
      const ref = refs.get(file) ?? `${obj.type_meta?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
      // Grades: 1 critical, 5 warning, 7 almost ok, 10 ok.
      for (const c of obj.checks ?? []) {
        if (c.skipped || c.grade >= 10) continue;
        const grade = { 1: 'CRITICAL', 5: 'WARNING', 7: 'ALMOST OK' }[c.grade] ?? `grade ${c.grade}`;
        const comments = [...new Set((c.comments ?? []).map((m) => `${m.path ? `${m.path}: ` : ''}${m.summary}${m.description ? ` (${m.description})` : ''}`))];
        for (const comment of comments.length ? comments : [c.check.name]) {
          findings.push({ tool: 'kube-score', check: c.check.id, ref, file: obj.file_name, message: `${grade}: ${comment}` });
        }
      }
    }
  }
  console.log(`kube-score: ${objects} objects in ${byDir.size} directories, ${findings.length} findings`);
  return findings;
}

// ---------------------------------------------------------------------------------------------

const glob = (pattern) => new RegExp(`^${String(pattern).split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);

function loadAllowlist() {
  if (!existsSync(ALLOWLIST)) return [];
  const entries = parse(readFileSync(ALLOWLIST, 'utf8')) ?? [];
  if (!Array.isArray(entries)) throw new Error(`${ALLOWLIST}: expected a list of entries`);
  return entries.map((e, i) => {
    for (const k of ['tool', 'check', 'object', 'reason']) {
      if (!e?.[k] || typeof e[k] !== 'string') throw new Error(`${ALLOWLIST}: entry ${i + 1} needs a string '${k}'`);
    }
    return { ...e, re: glob(e.object), messageRe: e.message ? new RegExp(e.message) : undefined, used: 0 };
  });
}

function main() {
  const files = listYaml(DIST);
  if (files.length === 0) {
    console.log(`no *.yaml files under ${DIST}: run the synthesizer first (or set CDK8SRT_DIST)`);
    return 1;
  }
  const refs = new Map();
  for (const f of files) {
    const docs = parseAllDocuments(readFileSync(f, 'utf8'), { version: '1.1' }).filter((d) => d.contents !== null);
    if (docs.length === 1) refs.set(f, refOf(docs[0].toJS()));
  }
  console.log(`linting ${files.length} files under ${DIST}`);
  const allow = loadAllowlist();
  const findings = [...kubeconform(files, refs), ...kubeScore(files, refs)];

  const open = [];
  const allowed = [];
  for (const f of findings) {
    const hit = allow.find((a) => a.tool === f.tool && a.check === f.check && a.re.test(f.ref) && (!a.messageRe || a.messageRe.test(f.message)));
    if (hit) {
      hit.used++;
      allowed.push(f);
    } else open.push(f);
  }
  const show = (f) => {
    console.log(`- ${f.tool} ${f.check}: ${f.ref}${f.file ? `  (${path.relative(path.dirname(DIST), path.resolve(f.file))})` : ''}`);
    for (const l of String(f.message ?? '').split('\n').filter(Boolean)) console.log(`    ${l}`);
  };
  if (allowed.length) {
    console.log(`\nallowlisted (${path.relative(REPO, ALLOWLIST)}):`);
    for (const a of allow.filter((x) => x.used)) {
      console.log(`  ${a.used} x ${a.tool} ${a.check} on "${a.object}"${a.message ? ` /${a.message}/` : ''}: ${a.reason.split(/(?<=\.)\s/)[0]}`);
    }
  }
  for (const a of allow.filter((x) => x.used === 0)) {
    console.log(`note: allowlist entry ${a.tool} ${a.check} "${a.object}" matched nothing; remove it if it is stale`);
  }
  if (open.length) {
    console.log('\nfindings NOT in the allowlist (fix dist/ via lib/, or allowlist them with a reason):');
    open.forEach(show);
  }
  console.log(`\nlint: ${findings.length} findings, ${allowed.length} allowlisted, ${open.length} not allowlisted`);
  return open.length ? 1 : 0;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}
