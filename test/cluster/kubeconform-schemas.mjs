// Generates the JSON schemas kubeconform reads, from local files only (it never downloads):
//  - Kubernetes kinds from the swagger "definitions" that `cdk8s import k8s` uses
//    (../shared/schemas/k8s/vX.Y.Z/_definitions.json), one file per group/version/kind, laid out as
//    kubeconform's default "<version>-standalone-strict/<kind>-<group>-<version>.json";
//  - custom resources from the openAPIV3Schema of each CRD (../shared/crds), laid out as
//    "crds/<group>/<kind>_<version>.json".
// "strict": every object schema with properties gets additionalProperties: false, like
// openapi2jsonschema --strict, so an unknown or misspelt field is an error.
// The output directory is keyed by a hash of the inputs, so it is regenerated only when they change.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdRank } from './crd-sources.mjs';

const SCRIPT = new URL(import.meta.url).pathname;

/** CRD files in the order their schemas are written: least preferred first, so the preferred one's schema is the one left. */
function listCrdFiles(dir) {
  if (!existsSync(dir)) return [];
  const all = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) all.push(p);
    }
  };
  walk(dir);
  return all
    .map((f) => ({ f, r: crdRank(path.relative(dir, f)) }))
    .filter((x) => x.r !== undefined)
    .sort((a, b) => b.r - a.r || (a.f < b.f ? -1 : 1))
    .map((x) => x.f);
}

const JUNCTORS = new Set(['anyOf', 'allOf', 'oneOf', 'not']);

/**
 * Adds additionalProperties: false wherever an object lists its properties and says nothing else.
 * Not on the branches of anyOf/allOf/oneOf/not themselves: a branch lists only the fields it
 * constrains (Gateway's spec.addresses: `oneOf: [{properties: {type, value}}, {properties: {type}}]`),
 * and closing it would reject the fields the outer schema allows.
 */
function strictify(schema, branch = false) {
  if (Array.isArray(schema)) return schema.map((s) => strictify(s, branch));
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    // Inside "properties" the keys are field names, not keywords: recurse into each value only.
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, strictify(s)]));
    else out[k] = strictify(v, JUNCTORS.has(k));
  }
  if (!branch && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

/** CRD structural-schema extensions that plain JSON Schema does not understand. */
function crdToJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(crdToJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([n, s]) => [n, crdToJsonSchema(s)])) : crdToJsonSchema(v);
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.oneOf = [{ type: 'string' }, { type: 'integer' }];
  }
  return out;
}

/** The definitions reachable from `root` through "#/definitions/..." references. */
function reachable(defs, root) {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
      const name = ref.slice('#/definitions/'.length);
      if (!seen.has(name) && defs[name]) {
        seen.add(name);
        visit(defs[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(root);
  return seen;
}

// kubeconform's file name: lower-case kind, then "-<first label of the group>" unless core, then "-<version>".
const kindFile = ({ group, version, kind }) =>
  `${kind.toLowerCase()}${group ? `-${group.split('.')[0].toLowerCase()}` : ''}-${version.toLowerCase()}.json`;

/**
 * Makes sure the schemas exist under `cacheDir`; returns the two -schema-location templates.
 * `kubeVersion` is like "1.36.0".
 */
export function ensureSchemas({ cacheDir, definitionsFile, kubeVersion, crdDir }) {
  const crdFiles = listCrdFiles(crdDir);
  const h = createHash('sha256');
  for (const f of [SCRIPT, definitionsFile, ...crdFiles]) h.update(f).update(readFileSync(f));
  const dir = path.join(cacheDir, `kubeconform-${kubeVersion}-${h.digest('hex').slice(0, 16)}`);
  const locations = [
    `${dir}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    `${dir}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
  ];
  if (existsSync(path.join(dir, 'done'))) return { dir, locations, generated: false };

  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const k8sDir = path.join(tmp, `v${kubeVersion}-standalone-strict`);
  mkdirSync(k8sDir, { recursive: true });
  const defs = JSON.parse(readFileSync(definitionsFile, 'utf8')).definitions;
  let kinds = 0;
  for (const [name, def] of Object.entries(defs)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const schema = { $schema: 'http://json-schema.org/schema#', ...def, definitions: {} };
      for (const dep of reachable(defs, def)) schema.definitions[dep] = defs[dep];
      schema.description = `${name} (${gvk.group || 'core'}/${gvk.version} ${gvk.kind})`;
      writeFileSync(path.join(k8sDir, kindFile(gvk)), JSON.stringify(strictify(schema)));
      kinds++;
    }
  }
  let crds = 0;
  for (const file of crdFiles) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        const s = v.schema?.openAPIV3Schema;
        if (!s) continue;
        const out = path.join(tmp, 'crds', crd.spec.group, `${crd.spec.names.kind.toLowerCase()}_${v.name}.json`);
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, JSON.stringify(strictify(crdToJsonSchema(s))));
        crds++;
      }
    }
  }
  writeFileSync(path.join(tmp, 'done'), `${kinds} Kubernetes kinds, ${crds} CRD versions\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  // Schemas from older inputs are dead weight (about 20 MB each).
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith('kubeconform-') && path.join(cacheDir, old) !== dir && !old.includes('.tmp-')) {
      rmSync(path.join(cacheDir, old), { recursive: true, force: true });
    }
  }
  return { dir, locations, generated: true, kinds, crds };
}
