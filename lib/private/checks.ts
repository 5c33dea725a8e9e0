import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../errors';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isIanaPortName, isLabelValue, isPortNumber, isQualifiedName } from './k8s-names';

/** Input checks that throw at the point of input with a full {@link RealtimeConfigError}. */
export class Checker {
  constructor(private readonly scope: IConstruct, private readonly subject: string) {}

  public fail(prop: string, value: unknown, allowed: string, fix: string): never {
    return fail(this.scope, this.subject, prop, value, allowed, fix);
  }

  /** Object names of Services (DNS-1035 label: lowercase, starts with a letter, at most 63 characters). */
  public serviceName(prop: string, value: string): string {
    if (!isDns1035Label(value)) {
      this.fail(prop, value, 'be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters), because it names a Service',
        `use a name such as "${suggestName(value)}"`);
    }
    return value;
  }

  /** Names of Deployments, Ingresses, PDBs, HPAs, NetworkPolicies (DNS-1123 subdomain). */
  public objectName(prop: string, value: string): string {
    if (!isDns1123Subdomain(value)) {
      this.fail(prop, value, 'be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)',
        `use a name such as "${suggestName(value)}"`);
    }
    return value;
  }

  public namespace(prop: string, value: string | undefined): string {
    if (value === undefined) {
      this.fail(prop, value, 'be set on the construct or on its Chart (an implicit namespace is refused)',
        'pass `namespace` in the props or create the Chart with `{ namespace: "..." }`');
    }
    if (!isDns1123Label(value)) {
      this.fail(prop, value, 'be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)', `use "${suggestName(value)}"`);
    }
    return value;
  }

  public portNumber(prop: string, value: number): number {
    if (!isPortNumber(value)) this.fail(prop, value, 'be an integer from 1 to 65535', 'pick a port number in range');
    return value;
  }

  /** Container and Ingress port names (IANA_SVC_NAME, at most 15 characters). */
  public portName(prop: string, value: string): string {
    if (!isIanaPortName(value)) {
      this.fail(prop, value, 'be an IANA service name: 1-15 characters of lowercase letters, digits and "-", with at least one letter, no "--", not starting or ending with "-"',
        `use a short name such as "${suggestName(value).slice(0, 15).replace(/-+$/, '')}"`);
    }
    return value;
  }

  public positiveInt(prop: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      this.fail(prop, value, `be a whole number from 1 to ${max}`, 'pass a positive whole number');
    }
    return value;
  }

  public nonNegativeInt(prop: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      this.fail(prop, value, `be a whole number from 0 to ${max}`, 'pass a whole number in range');
    }
    return value;
  }

  /** A Duration as whole seconds within [min, max]. */
  public seconds(prop: string, value: Duration, min: number, max: number, fix?: string): number {
    const ms = value.toMilliseconds();
    if (ms % 1000 !== 0) {
      this.fail(prop, `${ms}ms`, 'be a whole number of seconds', `use Duration.seconds(${Math.ceil(ms / 1000)})`);
    }
    const s = ms / 1000;
    if (s < min || s > max) {
      this.fail(prop, `${s}s`, `be from ${min} to ${max} seconds`, fix ?? `use a value from Duration.seconds(${min}) to Duration.seconds(${max})`);
    }
    return s;
  }

  public labels(prop: string, labels: Record<string, string> | undefined, forbidden: (key: string) => string | undefined = () => undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels ?? {})) {
      if (!isQualifiedName(k)) {
        this.fail(`${prop}["${k}"]`, k, 'be a qualified name (optional DNS subdomain prefix and "/", then at most 63 characters of letters, digits, "-", "_", ".")', 'rename the key');
      }
      if (typeof v !== 'string' || !isLabelValue(v)) {
        this.fail(`${prop}["${k}"]`, v, 'be a label value: at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit', 'shorten or clean the value');
      }
      const why = forbidden(k);
      if (why) this.fail(`${prop}["${k}"]`, k, why, `remove the "${k}" key`);
      out[k] = v;
    }
    return out;
  }

  public annotationKeys(prop: string, annotations: Record<string, string> | undefined): Record<string, string> {
    for (const [k, v] of Object.entries(annotations ?? {})) {
      if (!isQualifiedName(k)) this.fail(`${prop}["${k}"]`, k, 'be a qualified name', 'rename the key');
      if (typeof v !== 'string') this.fail(`${prop}["${k}"]`, v, 'be a string', 'quote the value');
    }
    return { ...(annotations ?? {}) };
  }
}

/** A best-effort valid name derived from an invalid one, for "Fix:" hints. */
export function suggestName(value: string): string {
  const s = String(value).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[-0-9]+|-+$/g, '');
  return (s || 'my-service').slice(0, 63).replace(/-+$/, '');
}
