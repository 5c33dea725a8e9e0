// The boundary validator: one declarative shape per public construct and factory, checked before
// anything reads the props, so TypeScript and plain JavaScript callers get the same
// RealtimeConfigError (construct path, full prop path, value, what is allowed, a fix that fits the
// input) instead of a raw TypeError or silently wrong YAML. Shapes check types, required props,
// unknown or misplaced keys (with "did you mean") and, for strings forwarded into fields or
// annotations, their kind (CIDR, IP, URL, DNS name, label value, quantity, names). Semantic rules
// (ranges that depend on other props, cross-object rules) stay in the constructs.
// Imports only errors.ts and the k8s-names rules, so every lib/ file can use it without a cycle.
import { IConstruct } from 'constructs';
import { Problem, RealtimeConfigError } from '../errors';
import { credentialIn, redact, withoutUserinfo } from './credentials';
import { isDns1123Label, isDns1123Subdomain, isIpAddress, isLabelValue, parseCidr, parseQuantity } from './k8s-names';

/** What kind of string a prop holds; each is checked where the string is forwarded. */
export type StringKind =
  | 'text' // any string without control characters
  | 'name' // a non-empty identifier: no whitespace, no control characters
  | 'cidr' // IPv4 CIDR, prefix 0-32
  | 'ip' // IPv4 or IPv6 address
  | 'url' // absolute URL with a scheme and a host, no spaces
  | 'dns-label' // DNS-1123 label
  | 'dns-subdomain' // DNS-1123 subdomain
  | 'label-value' // Kubernetes label value
  | 'quantity'; // Kubernetes quantity

/** A declarative shape. Build shapes with {@link S}. */
export type Shape =
  | { readonly t: 'string'; readonly kind: StringKind; readonly example?: string }
  | { readonly t: 'number'; readonly int: boolean }
  | { readonly t: 'boolean' }
  | { readonly t: 'duration' }
  | { readonly t: 'array'; readonly of: Shape; readonly example?: string }
  | { readonly t: 'record'; readonly of: Shape }
  | { readonly t: 'object'; readonly name: string; readonly fields: Readonly<Record<string, Field>>; readonly hints?: Readonly<Record<string, string>>; readonly open?: boolean }
  // eslint-disable-next-line @typescript-eslint/ban-types
  | { readonly t: 'instance'; readonly cls: () => Function; readonly what: string; readonly fix: (value: unknown) => string }
  | { readonly t: 'enum'; readonly values: ReadonlyArray<{ readonly value: unknown; readonly name: string }> }
  | { readonly t: 'function' }
  | { readonly t: 'literal'; readonly value: unknown }
  | { readonly t: 'union'; readonly options: readonly Shape[]; readonly what: string }
  | { readonly t: 'any' };

/** A field of an object shape. */
export interface Field {
  readonly shape: Shape;
  readonly required: boolean;
  /** An example value for the "Fix:" of a missing required prop, as code, e.g. `{ port: 8080 }`. */
  readonly example?: string;
}

type FieldInput = Shape | Field;
const isField = (f: FieldInput): f is Field => (f as Field).shape !== undefined && (f as Field).required !== undefined;

/** Shape builders. */
export const S = {
  str: (kind: StringKind = 'text', example?: string): Shape => ({ t: 'string', kind, example }),
  name: (example?: string): Shape => ({ t: 'string', kind: 'name', example }),
  int: (): Shape => ({ t: 'number', int: true }),
  num: (): Shape => ({ t: 'number', int: false }),
  bool: (): Shape => ({ t: 'boolean' }),
  dur: (): Shape => ({ t: 'duration' }),
  arr: (of: Shape, example?: string): Shape => ({ t: 'array', of, example }),
  rec: (of: Shape = { t: 'string', kind: 'text' }): Shape => ({ t: 'record', of }),
  /** An object with known fields; `hints` gives the fix for known wrong keys (`timeout` on a WebSocket route). */
  obj: (name: string, fields: Record<string, FieldInput>, hints?: Record<string, string>): Shape => ({
    t: 'object', name, hints, fields: Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, isField(f) ? f : { shape: f, required: false }])),
  }),
  /** An instance of a class of this library; `cls` is a thunk so shapes can name classes of files that import this one. */
  // eslint-disable-next-line @typescript-eslint/ban-types
  inst: (cls: () => Function, what: string, fix: string | ((value: unknown) => string)): Shape => ({ t: 'instance', cls, what, fix: typeof fix === 'string' ? () => fix : fix }),
  /** An enum: `values` maps the code spelling (`PathMatch.PREFIX`) to the value. */
  enumOf: (values: Record<string, unknown>): Shape => ({ t: 'enum', values: Object.entries(values).map(([name, value]) => ({ name, value })) }),
  /** An object whose other keys belong to a shape checked elsewhere (only the listed fields are checked here). */
  open: (name: string, fields: Record<string, FieldInput>): Shape => ({ ...(S.obj(name, fields) as object), open: true } as Shape),
  fn: (): Shape => ({ t: 'function' }),
  lit: (value: unknown): Shape => ({ t: 'literal', value }),
  or: (what: string, ...options: Shape[]): Shape => ({ t: 'union', options, what }),
  any: (): Shape => ({ t: 'any' }),
  /** A required field. */
  req: (shape: Shape, example?: string): Field => ({ shape, required: true, example }),
};

/** An enum object (`PathMatch`) as the name map {@link S.enumOf} takes. */
export function enumNames(enumName: string, e: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([k]) => Number.isNaN(Number(k))).map(([k, v]) => [`${enumName}.${k}`, v]));
}

// ---- checking ---------------------------------------------------------------------------------

/**
 * Checks `props` against `shape` and throws one {@link RealtimeConfigError} listing every
 * problem, on the construct at `scope`.
 * @internal
 */
export function validateProps(scope: IConstruct | string, subject: string, props: unknown, shape: Shape, prefix = ''): void {
  const problems: Problem[] = [];
  const path = typeof scope === 'string' ? scope : scope.node.path;
  const report = (prop: string, value: unknown, allowed: string, fix: string) => {
    // A value that carries a credential is never repeated in a message (messages end up in CI logs).
    if (typeof value === 'string' && value.length > 0 && credentialIn(value)) {
      const shown = redact(value);
      problems.push({ path, subject, prop: prop || 'props', value: shown, allowed, fix: fix.split(value).join(shown) });
      return;
    }
    problems.push({ path, subject, prop: prop || 'props', value, allowed, fix });
  };
  walk(shape, props, prefix, report, shape);
  if (problems.length > 0) throw new RealtimeConfigError(problems);
}

/**
 * Checks the arguments of a factory (`Route.http(path, options)`), named by the factory
 * (`[Route.http] Route 'options.timeout' ...`), since no construct exists yet.
 * @internal
 */
export function validateArgs(factory: string, subject: string, args: Record<string, unknown>, shapes: Record<string, FieldInput>): void {
  validateProps(factory, subject, args, S.obj(factory, shapes));
}

type Report = (prop: string, value: unknown, allowed: string, fix: string) => void;

/**
 * Refuses credentials in any string of plain objects and arrays a caller passes: every one of
 * them may be rendered into dist/ (a config string, an env value, an annotation).
 */
function scanCredentials(value: unknown, prop: string, report: Report, depth: number): boolean {
  if (depth > 12) return true;
  if (typeof value === 'string') {
    const what = credentialIn(value);
    if (!what) return true;
    const stripped = withoutUserinfo(value);
    report(prop, redact(value), `carry no credential (found ${what}): every string here is committed to dist/ in plain text`,
      stripped !== value && /repoURL$/i.test(prop)
        ? `remove the credentials from the URL (${JSON.stringify(credentialIn(stripped) ? redact(stripped) : stripped)}) and register them with Argo CD as a repository Secret (argocd.argoproj.io/secret-type: repository)`
        : stripped !== value
        ? `remove the credentials from the URL (${JSON.stringify(credentialIn(stripped) ? redact(stripped) : stripped)}) and give the app the password from a Secret through \`secrets\` (ExternalSecretSource.envFrom or SecretMount.envFromSecret)`
        : 'load the value from a Secret through `secrets` (ExternalSecretSource.envFrom, KeyVaultSecretProviderClass or SecretMount.envFromSecret)');
    return false;
  }
  let ok = true;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      ok = scanCredentials(v, `${prop}[${i}]`, report, depth + 1) && ok;
    });
    return ok;
  }
  if (typeof value !== 'object' || value === null || isClassInstance(value)) return true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    ok = scanCredentials(v, /^[A-Za-z_$][\w$]*$/.test(k) ? join(prop, k) : `${prop}["${k}"]`, report, depth + 1) && ok;
  }
  return ok;
}

const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

function walk(shape: Shape, value: unknown, prop: string, report: Report, root: Shape, required = true, inArray = false, example?: string): boolean {
  if (value === null && shape.t !== 'any' && shape.t !== 'literal') {
    report(prop, null, `be ${describe(shape)}`,
      inArray ? 'remove the null entry' : required ? `pass a value, e.g. ${example ?? exampleOf(shape)}` : `omit the prop (leave it undefined) to get the default, or pass e.g. ${example ?? exampleOf(shape)}`);
    return false;
  }
  switch (shape.t) {
    case 'any':
      scanCredentials(value, prop, report, 0);
      return true;
    case 'string':
      if (typeof value !== 'string') {
        report(prop, value, `be ${describe(shape)}`, stringFix(value, shape, example));
        return false;
      }
      if (!scanCredentials(value, prop, report, 0)) return false;
      return checkKind(shape.kind, value, prop, report, shape.example);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (shape.int && !Number.isInteger(value))) {
        report(prop, value, `be ${describe(shape)}`, numberFix(value, shape.int));
        return false;
      }
      return true;
    case 'boolean':
      if (typeof value !== 'boolean') {
        report(prop, value, 'be true or false', value === 'true' || value === 'false' ? `pass ${value} without quotes` : 'pass true or false');
        return false;
      }
      return true;
    case 'duration':
      if (!isDuration(value)) {
        report(prop, value, 'be a Duration (from cdk8s)', durationFix(value));
        return false;
      }
      return true;
    case 'function':
      if (typeof value !== 'function') {
        report(prop, value, 'be a function', 'pass a function');
        return false;
      }
      return true;
    case 'literal':
      if (value !== shape.value) {
        report(prop, value, `be ${JSON.stringify(shape.value)}`, `pass ${JSON.stringify(shape.value)}`);
        return false;
      }
      return true;
    case 'enum': {
      if (shape.values.some((v) => v.value === value)) return true;
      const close = shape.values.find((v) => typeof v.value === 'string' && typeof value === 'string' && v.value.toLowerCase() === value.toLowerCase());
      report(prop, value, `be one of ${shape.values.map((v) => v.name).join(', ')}`,
        close ? `use ${close.name} (${JSON.stringify(close.value)}; values are case-sensitive)` : `use one of ${shape.values.map((v) => v.name).join(', ')}`);
      return false;
    }
    case 'instance':
      if (!(value instanceof shape.cls())) {
        report(prop, value, `be ${shape.what}`, shape.fix(value));
        return false;
      }
      return true;
    case 'array': {
      if (!Array.isArray(value)) {
        report(prop, value, `be ${describe(shape)}`, arrayFix(value, shape));
        return false;
      }
      let ok = true;
      value.forEach((item, i) => {
        ok = walk(shape.of, item, `${prop}[${i}]`, report, root, true, true) && ok;
      });
      return ok;
    }
    case 'record': {
      if (typeof value !== 'object' || Array.isArray(value) || isClassInstance(value)) {
        report(prop, value, 'be an object of string keys and values, e.g. { "key": "value" }', Array.isArray(value) ? 'pass an object such as { "key": "value" } instead of an array' : 'pass an object such as { "key": "value" }');
        return false;
      }
      let ok = true;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) ok = walk(shape.of, v, `${prop}["${k}"]`, report, root) && ok;
      return ok;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value) || isClassInstance(value)) {
        report(prop, value, `be ${describe(shape)}`, objectFix(value, shape));
        return false;
      }
      const o = value as Record<string, unknown>;
      let ok = true;
      for (const [k, f] of Object.entries(shape.fields)) {
        const v = o[k];
        if (v === undefined) {
          if (f.required) {
            // A misspelt required key is reported once, as the unknown key ("did you mean").
            if (!findMisplaced(o, k, Object.keys(shape.fields))) report(join(prop, k), undefined, `be set (${shape.name} requires it)`, `add ${k}: ${f.example ?? exampleOf(f.shape)}`);
            ok = false;
          }
          continue;
        }
        ok = walk(f.shape, v, join(prop, k), report, root, f.required, false, f.example) && ok;
      }
      const known = Object.keys(shape.fields);
      if (shape.open) return ok;
      for (const k of Object.keys(o)) {
        if (known.includes(k) || o[k] === undefined) continue;
        report(join(prop, k), o[k], `be one of the props of ${shape.name} (${known.join(', ')}): an unknown prop would be ignored silently`, shape.hints?.[k] ?? unknownFix(k, known, prop, root));
        ok = false;
      }
      return ok;
    }
    case 'union': {
      for (const opt of shape.options) if (matchesType(opt, value)) return walk(opt, value, prop, report, root);
      report(prop, value, `be ${shape.what}`, unionFix(value, shape));
      return false;
    }
  }
}

/** Whether the value has the basic type of the shape (for picking a union member). */
function matchesType(shape: Shape, value: unknown): boolean {
  switch (shape.t) {
    case 'any': return true;
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'duration': return isDuration(value);
    case 'function': return typeof value === 'function';
    case 'literal': return value === shape.value;
    case 'enum': return shape.values.some((v) => v.value === value);
    case 'instance': return value instanceof shape.cls();
    case 'array': return Array.isArray(value);
    case 'record': case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value) && !isClassInstance(value);
    case 'union': return shape.options.some((o) => matchesType(o, value));
  }
}

/** A cdk8s Duration, also from another copy of cdk8s (the consumer's peer dependency). */
export function isDuration(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function'
    && typeof (value as { toSeconds?: unknown }).toSeconds === 'function';
}

function isClassInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto !== null && proto !== Object.prototype;
}

function describe(shape: Shape): string {
  switch (shape.t) {
    case 'any': return 'any value';
    case 'string': return KIND_TEXT[shape.kind];
    case 'number': return shape.int ? 'a whole number' : 'a number';
    case 'boolean': return 'true or false';
    case 'duration': return 'a Duration (from cdk8s)';
    case 'function': return 'a function';
    case 'literal': return JSON.stringify(shape.value);
    case 'enum': return `one of ${shape.values.map((v) => v.name).join(', ')}`;
    case 'instance': return shape.what;
    case 'array': return `an array of ${plural(shape.of)}`;
    case 'record': return 'an object of string keys and values';
    case 'object': return `an object (${shape.name})`;
    case 'union': return shape.what;
  }
}

function plural(shape: Shape): string {
  switch (shape.t) {
    case 'string': return shape.kind === 'text' || shape.kind === 'name' ? 'strings' : `strings (each ${KIND_TEXT[shape.kind]})`;
    case 'number': return shape.int ? 'whole numbers' : 'numbers';
    case 'instance': return `${shape.what.replace(/^an? /, '')} objects`;
    case 'object': return `objects (${shape.name})`;
    default: return `values (each ${describe(shape)})`;
  }
}

function exampleOf(shape: Shape): string {
  switch (shape.t) {
    case 'string': return JSON.stringify(shape.example ?? KIND_EXAMPLE[shape.kind]);
    case 'number': return '1';
    case 'boolean': return 'true';
    case 'duration': return 'Duration.seconds(30)';
    case 'array': return shape.example ?? `[${exampleOf(shape.of)}]`;
    case 'record': return '{ "key": "value" }';
    case 'object': {
      const req = Object.entries(shape.fields).filter(([, f]) => f.required);
      return req.length ? `{ ${req.map(([k, f]) => `${k}: ${f.example ?? exampleOf(f.shape)}`).join(', ')} }` : '{}';
    }
    case 'instance': return shape.fix(undefined).replace(/^(use|build it with) /, '');
    case 'enum': return shape.values[0]?.name ?? '';
    case 'union': return exampleOf(shape.options[0]);
    case 'literal': return JSON.stringify(shape.value);
    default: return '...';
  }
}

const KIND_TEXT: Record<StringKind, string> = {
  'text': 'a string',
  'name': 'a non-empty name without spaces or control characters',
  'cidr': 'an IPv4 CIDR such as "10.0.0.0/16" (prefix 0 to 32)',
  'ip': 'an IPv4 or IPv6 address such as "203.0.113.10"',
  'url': 'an absolute URL with a scheme and a host, such as "https://example.com/path", without spaces',
  'dns-label': 'a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)',
  'dns-subdomain': 'a DNS name (lowercase letters, digits, "-" and ".", at most 253 characters)',
  'label-value': 'a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)',
  'quantity': 'a Kubernetes quantity such as "500m", "2" or "1Gi"',
};
const KIND_EXAMPLE: Record<StringKind, string> = {
  'text': 'value', 'name': 'my-name', 'cidr': '10.0.0.0/16', 'ip': '203.0.113.10', 'url': 'https://example.com',
  'dns-label': 'my-name', 'dns-subdomain': 'api.example.com', 'label-value': 'my-value', 'quantity': '1Gi',
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function checkKind(kind: StringKind, s: string, prop: string, report: Report, example?: string): boolean {
  const bad = (fix: string) => {
    report(prop, s, `be ${KIND_TEXT[kind]}`, fix);
    return false;
  };
  if (kind === 'text') return CONTROL.test(s.replace(/[\n\t]/g, '')) ? bad('remove the control characters') : true;
  if (s.length === 0) return bad(`pass a value such as ${JSON.stringify(example ?? KIND_EXAMPLE[kind])}`);
  if (CONTROL.test(s)) return bad(`remove the control characters: ${JSON.stringify(s.replace(new RegExp(CONTROL.source, 'g'), ''))}`);
  switch (kind) {
    case 'name':
      return /\s/.test(s) ? bad(`remove the spaces, e.g. ${JSON.stringify(s.trim().replace(/\s+/g, '-'))}`) : true;
    case 'cidr': {
      if (parseCidr(s)) return true;
      const [ip, len] = s.split('/');
      if (len === undefined && isIpAddress(s)) return bad(`add a prefix length, e.g. "${s}/32" for the single address`);
      if (len !== undefined && /^\d+$/.test(len) && Number(len) > 32) return bad(`use a prefix length from 0 to 32, e.g. "${ip}/32"`);
      return bad(`fix the address (four numbers from 0 to 255) and the prefix length, e.g. "${example ?? '10.0.0.0/16'}"`);
    }
    case 'ip':
      return isIpAddress(s) ? true : bad(`use a valid address (four numbers from 0 to 255), e.g. "${example ?? '203.0.113.10'}"`);
    case 'url':
      return isUrl(s) ? true : bad(/\s/.test(s) ? 'remove the spaces (percent-encode them as %20 inside a path)' : /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? 'give the URL a host' : `add the scheme, e.g. "https://${s}"`);
    case 'dns-label':
      return isDns1123Label(s) ? true : bad(`use e.g. ${JSON.stringify(dnsify(s, false))}`);
    case 'dns-subdomain':
      return isDns1123Subdomain(s) ? true : bad(`use e.g. ${JSON.stringify(dnsify(s, true))}`);
    case 'label-value':
      return isLabelValue(s) ? true : bad(`use e.g. ${JSON.stringify(s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 63) || 'value')}`);
    case 'quantity':
      return parseQuantity(s) !== undefined ? true : bad(/\s/.test(s) ? `write the unit without a space, e.g. ${JSON.stringify(s.replace(/\s+/g, '').replace(/GB$/i, 'G').replace(/MB$/i, 'M'))}` : 'use e.g. "500m", "2" or "1Gi"');
  }
  return true;
}

function isUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(s);
  if (!m) return false;
  const host = m[2].replace(/^.*@/, '').replace(/:\d*$/, '');
  return host.length > 0 && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(host);
}

function dnsify(s: string, dots: boolean): string {
  const out = s.toLowerCase().replace(dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return (out || 'my-name').slice(0, dots ? 253 : 63).replace(/[-.]+$/, '');
}

// ---- fixes that fit the input ------------------------------------------------------------------

function stringFix(value: unknown, shape: Extract<Shape, { t: 'string' }>, example?: string): string {
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return `pass it as a string: "${String(value)}"`;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return `pass the string itself, not an array: ${JSON.stringify(value[0])}`;
  return `pass a string such as ${example ?? JSON.stringify(shape.example ?? KIND_EXAMPLE[shape.kind])}`;
}

function numberFix(value: unknown, int: boolean): string {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    const n = Number(value);
    return int && !Number.isInteger(n) ? `pass a whole number such as ${Math.round(n)}, without quotes` : `pass the number ${n} without quotes`;
  }
  if (typeof value === 'number' && int && Number.isFinite(value)) return `pass a whole number such as ${Math.round(value)}`;
  return 'pass a number';
}

const DURATION_TEXT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|sec|secs|seconds?|min|mins|minutes?|hours?|days?)$/i;

function durationFix(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return `pass Duration.seconds(${value}) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit`;
  if (typeof value === 'string') {
    const m = DURATION_TEXT.exec(value.trim());
    if (m) {
      const n = Number(m[1]);
      const u = m[2].toLowerCase();
      const f = u === 'ms' ? 'millis' : u.startsWith('s') ? 'seconds' : u === 'm' || u.startsWith('min') ? 'minutes' : u.startsWith('h') ? 'hours' : 'days';
      return `pass Duration.${f}(${n}) (import { Duration } from 'cdk8s')`;
    }
  }
  return 'pass a Duration, e.g. Duration.seconds(30) (import { Duration } from \'cdk8s\')';
}

function arrayFix(value: unknown, shape: Extract<Shape, { t: 'array' }>): string {
  if (typeof value === 'string' && shape.of.t === 'string') {
    const parts = value.trim().split(/\s+/).filter((p) => p !== '');
    if (parts.length > 1) return `pass one string per item: ${JSON.stringify(parts)} (a string would be read one character at a time)`;
    return `wrap it in an array: ${JSON.stringify([value])} (a string would be read one character at a time)`;
  }
  if (value !== undefined && value !== null && matchesType(shape.of, value)) {
    return typeof value === 'object' ? 'wrap it in an array: [ ... ]' : `wrap it in an array: [${JSON.stringify(value)}]`;
  }
  if (shape.of.t === 'instance') return `pass an array of ${shape.of.what.replace(/^an? /, '')} objects: ${shape.of.fix(value)}`;
  return `pass an array, e.g. ${shape.example ?? `[${exampleOf(shape.of)}]`}`;
}

function objectFix(value: unknown, shape: Extract<Shape, { t: 'object' }>): string {
  const req = Object.entries(shape.fields).filter(([, f]) => f.required);
  if ((typeof value === 'number' || typeof value === 'string') && req.length === 1 && matchesType(req[0][1].shape, value)) return `pass { ${req[0][0]}: ${JSON.stringify(value)} }`;
  return `pass an object, e.g. ${exampleOf(shape)}`;
}

function unionFix(value: unknown, shape: Extract<Shape, { t: 'union' }>): string {
  for (const opt of shape.options) {
    if (opt.t === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return `pass the number ${Number(value)} without quotes`;
    if (opt.t === 'boolean' && (value === 'true' || value === 'false')) return `pass ${value} without quotes`;
  }
  return `pass ${shape.what}`;
}

// ---- unknown and misplaced keys ---------------------------------------------------------------

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The closest known key, when it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  return bestD <= limit ? best : undefined;
}

/** Every prop path of the schema where `key` is a field (for misplaced props). */
function pathsOf(shape: Shape, key: string, prefix: string, depth: number, out: string[]): void {
  if (depth > 4) return;
  if (shape.t === 'array') return pathsOf(shape.of, key, `${prefix}[]`, depth + 1, out);
  if (shape.t === 'union') return shape.options.forEach((o) => pathsOf(o, key, prefix, depth + 1, out));
  if (shape.t !== 'object') return;
  for (const [k, f] of Object.entries(shape.fields)) {
    const p = join(prefix, k);
    if (k === key) out.push(p);
    pathsOf(f.shape, key, p, depth + 1, out);
  }
}

function unknownFix(key: string, known: string[], prop: string, root: Shape): string {
  const typo = closest(key, known);
  if (typo) return `did you mean '${join(prop, typo)}'?`;
  const elsewhere: string[] = [];
  pathsOf(root, key, '', 0, elsewhere);
  const here = join(prop, key);
  const other = elsewhere.filter((p) => p !== here);
  if (other.length) return `move it: '${key}' belongs in ${other.map((p) => `'${p}'`).join(' or ')}`;
  return `remove '${key}' (known props: ${known.join(', ')})`;
}

/** A required key given under another spelling in the same object. */
function findMisplaced(o: Record<string, unknown>, key: string, known: readonly string[]): string | undefined {
  return closest(key, Object.keys(o).filter((k) => !known.includes(k) && o[k] !== undefined));
}

/** The fix for a value that should be a Route: build it with the factory that fits. */
export function routeFix(v: unknown): string {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const path = typeof o.path === 'string' ? o.path : typeof v === 'string' ? v : '/path';
  const ws = o.protocol === 'websocket' || o.idleTimeout !== undefined || o.heartbeatInterval !== undefined || /(^|[/-])(ws|websockets?|socket)([/-]|$)/i.test(path);
  return `build it with ${ws ? `Route.websocket(${JSON.stringify(path)})` : `Route.http(${JSON.stringify(path)})`}: a plain object is not a Route`;
}
