#!/usr/bin/env node
// Static linters over dist/, independent of the API server: kubeconform (strict JSON-schema check
// against local schemas, never downloads), kube-score (reliability/security advice) and Checkov
// (~150 Kubernetes security checks; run offline with --skip-download).
// Every finding is printed; a finding not in lint-allowlist.yaml fails the run. First, a negative
// control: a deliberately bad Deployment that each linter must flag, so a linter that runs but
// checks nothing (a wrong flag, an empty scan) fails the run.
// Started by lint.sh, which builds the tools and sets KUBECONFORM, KUBE_SCORE, CHECKOV_PYTHON, ...
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
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

/**
 * Checkov over one folder (its start-up costs ~10 s, so dist/ and the negative control share a
 * run: the caller puts both in `root`). Offline: --skip-download keeps it from fetching policies
 * or guidelines from the Bridgecrew/Prisma API. `fileOf` maps a finding's path back to a file.
 */
function checkov(root, refs, fileOf) {
  const argv = ['-m', 'checkov.main', '--framework', 'kubernetes', '--skip-download', '--quiet', '--compact', '-o', 'json', '-d', '.'];
  const r = run(env.CHECKOV_PYTHON, argv, { cwd: root, env: { ...env, BC_SKIP_MAPPING: 'TRUE' } });
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`checkov printed no JSON (exit ${r.status}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
  }
  const reports = (Array.isArray(out) ? out : [out]).filter((x) => x.check_type === 'kubernetes');
  if (reports.length !== 1) throw new Error(`checkov: expected one kubernetes report, got ${reports.length} (exit ${r.status}): ${r.stdout.slice(0, 500)}`);
  const findings = [];
  for (const f of reports[0].results?.failed_checks ?? []) {
    const file = fileOf(path.join(root, f.file_path));
    const [kind, ns, ...name] = String(f.resource).split('.');
    const ref = refs.get(file) ?? `${kind} ${ns && name.length ? `${ns}/` : ''}${name.length ? name.join('.') : ns}`;
    findings.push({ tool: 'checkov', check: f.check_id, ref, file, message: f.check_name });
  }
  const s = reports[0].summary ?? {};
  console.log(`checkov ${s.checkov_version}: ${s.resource_count} resources, ${s.passed} checks passed, ${s.failed} failed, ${s.parsing_errors} parsing errors`);
  if (s.checkov_version !== env.CHECKOV_VERSION) throw new Error(`checkov reports version ${s.checkov_version}, lib.sh pins ${env.CHECKOV_VERSION}`);
  if (s.parsing_errors) findings.push({ tool: 'checkov', check: 'parsing-error', ref: '(dist/)', message: `${s.parsing_errors} file(s) Checkov could not parse: ${JSON.stringify(reports[0].results?.parsing_errors ?? [])}` });
  return findings;
}

/**
 * The negative control: one Deployment with a misspelled field, no resources and a privileged
 * container. kubeconform must refuse the field, kube-score must flag the missing resources and
 * Checkov must flag the privileged container; any of them staying silent fails the run.
 */
const CONTROL = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: lint-negative-control
  namespace: control
spec:
  replica: 2
  selector:
    matchLabels: { app: control }
  template:
    metadata:
      labels: { app: control }
    spec:
      containers:
        - name: app
          image: registry.example.com/control:1.0.0
          securityContext:
            privileged: true
`;
const EXPECTED_CONTROL = [
  { tool: 'kubeconform', check: 'schema', message: /replica/ },
  { tool: 'kube-score', check: 'container-resources' },
  { tool: 'checkov', check: 'CKV_K8S_16' },
];

function checkControl(findings) {
  const missing = EXPECTED_CONTROL.filter((e) => !findings.some((f) => f.tool === e.tool && f.check === e.check && (!e.message || e.message.test(f.message))));
  for (const e of EXPECTED_CONTROL) {
    console.log(`negative control: ${e.tool} ${e.check} ${missing.includes(e) ? 'NOT REPORTED (the linter checks nothing?)' : 'reported, as it must be'}`);
  }
  return missing.length;
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
  // One Checkov run over a copy of dist/ and the control, side by side in a temp folder.
  const work = mkdtempSync(path.join(os.tmpdir(), 'cdk8srt-lint-'));
  const controlFile = path.join(work, 'control', 'control.deployment.lint-negative-control.yaml');
  let findings;
  let controlMissing;
  try {
    cpSync(DIST, path.join(work, 'dist'), { recursive: true });
    mkdirSync(path.dirname(controlFile));
    writeFileSync(controlFile, CONTROL);
    const controlRefs = new Map([[controlFile, 'Deployment control/lint-negative-control']]);
    const copyPrefix = path.join(work, 'dist') + path.sep;
    const fileOf = (f) => (f.startsWith(copyPrefix) ? path.join(DIST, f.slice(copyPrefix.length)) : f);
    const fromCheckov = checkov(work, new Map([...refs, ...controlRefs]), fileOf);
    const inControl = (f) => f.file === controlFile;
    controlMissing = checkControl([...kubeconform([controlFile], controlRefs), ...kubeScore([controlFile], controlRefs), ...fromCheckov.filter(inControl)]);
    findings = [...kubeconform(files, refs), ...kubeScore(files, refs), ...fromCheckov.filter((f) => !inControl(f))];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  const byTool = ['kubeconform', 'kube-score', 'checkov'].map((t) => `${t} ${open.filter((f) => f.tool === t).length}`).join(', ');
  console.log(`\nlint: ${findings.length} findings, ${allowed.length} allowlisted, ${open.length} not allowlisted (${byTool}); negative control: ${EXPECTED_CONTROL.length - controlMissing} of ${EXPECTED_CONTROL.length} linters flagged it`);
  return open.length || controlMissing ? 1 : 0;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}
