import { stringify } from 'yaml';

/** Recursively sorts object keys so output never depends on insertion order. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalize(v);
    }
    return out;
  }
  return value;
}

/**
 * Serializes one Kubernetes object as a YAML document: sorted keys, no line folding, strings that
 * YAML 1.1 tools would misread (`"on"`, `"3600"`, `"1e3"`) always quoted.
 */
export function toYaml(obj: unknown): string {
  return stringify(canonicalize(obj), { lineWidth: 0, minContentWidth: 0, version: '1.1', aliasDuplicateObjects: false });
}
