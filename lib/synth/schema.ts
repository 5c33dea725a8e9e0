import { Problem } from '../errors';
import { SynthObject } from './rules';

type Model = { prototype: { validate(this: unknown): void } };
const models = new Map<string, Model | null>();

/**
 * The model class of kubernetes-models for an apiVersion and kind (core groups only), or null
 * for kinds it does not ship (custom resources: their typed bindings in imports/ and the real API
 * server check them).
 */
function modelFor(apiVersion: string, kind: string): Model | null {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    let model: Model | null = null;
    if (/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind] ?? null;
      } catch {
        model = null;
      }
    }
    models.set(key, model);
  }
  return models.get(key)!;
}

/** Whether the OpenAPI schema of this kind is known (i.e. the object is schema-checked). */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return modelFor(apiVersion, kind) !== null;
}

/**
 * Validates an object against the Kubernetes OpenAPI schema (kubernetes-models, precompiled ajv):
 * types, required fields, enums and formats such as quantities.
 */
export function checkSchema(o: SynthObject): Problem[] {
  const model = modelFor(o.json.apiVersion, o.json.kind);
  if (!model) return [];
  try {
    // The model's validate() runs the precompiled schema on `this`: called on the object itself, it
    // skips the constructor's deep copy (which only drops undefined values: the compiled schema
    // treats those as absent too, and never writes to the data). Half the cost at fleet scale.
    model.prototype.validate.call(o.json);
    return [];
  } catch (e) {
    const errors: Array<{ instancePath: string; message?: string; params?: unknown }> = (e as { errors?: [] }).errors ?? [];
    const subject = `${o.json.kind} ${o.json.metadata?.namespace ? `${o.json.metadata.namespace}/` : ''}${o.json.metadata?.name}`;
    if (errors.length === 0) return [{ path: o.path, subject, prop: '(schema)', value: String(e), allowed: 'match the Kubernetes OpenAPI schema', fix: 'fix the object' }];
    return errors.map((err) => ({
      path: o.path,
      subject,
      prop: err.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)',
      value: valueAt(o.json, err.instancePath),
      allowed: `match the Kubernetes OpenAPI schema (${err.message ?? 'invalid'}${err.params ? ` ${JSON.stringify(err.params)}` : ''})`,
      fix: 'correct the field type or value',
    }));
  }
}

function valueAt(obj: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((cur, k) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined), obj);
}
