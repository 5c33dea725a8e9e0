import { IConstruct } from 'constructs';
import { credentialIn, redact } from './private/credentials';

/**
 * One problem found in user input or in a synthesized object.
 */
export interface Problem {
  /** Construct path of the construct (or object) at fault, e.g. `mentra-cloud/us-central-debug/Overlay`. */
  readonly path: string;
  /** What is being checked: a construct class (`RealtimeService`) or an object (`Ingress default/cloud-debug-cloud-ws`). */
  readonly subject: string;
  /** The prop or field at fault, e.g. `udp.port` or `spec.rules[0].host`. */
  readonly prop: string;
  /** The value given. */
  readonly value: unknown;
  /** What is allowed, phrased to follow "must": `be an integer from 1 to 65535`. */
  readonly allowed: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The single error type thrown by cdk8s-realtime for bad input and invalid output.
 *
 * Every message names the construct path, the prop, the value given, what is allowed and the fix:
 *
 * ```
 * [nexus/Runtime] RealtimeService 'udp.port' is 70000: must be an integer from 1 to 65535. Fix: pick a port in range.
 * ```
 */
export class RealtimeConfigError extends Error {
  /** Every problem found; the message lists them all. */
  public readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'RealtimeConfigError';
    this.problems = problems;
  }

  /** Construct path of the first problem. */
  public get path(): string {
    return this.problems[0]?.path ?? '';
  }
}

/** Renders one problem as a single line. */
export function formatProblem(p: Problem): string {
  return `[${p.path}] ${p.subject} '${p.prop}' is ${formatValue(p.value)}: must ${p.allowed}. Fix: ${p.fix}`;
}

/** Formats a user value for an error message: strings quoted, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'not set';
  if (typeof value === 'string') return JSON.stringify(credentialIn(value) ? redact(value) : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value, (_k, v) => describeInstance(v));
  } catch {
    return String(value);
  }
}

/** A Duration as `Duration.hours(1)`, an instance of a class as `Route("/ws")`; plain values unchanged. */
function describeInstance(v: unknown): unknown {
  if (typeof v === 'string' && credentialIn(v)) return redact(v);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto === null || proto === Object.prototype) return v;
  const o = v as Record<string, unknown> & { unit?: { label?: unknown }; toMilliseconds?: unknown };
  if (typeof o.toMilliseconds === 'function' && typeof o.amount === 'number' && typeof o.unit?.label === 'string') return `Duration.${o.unit.label}(${o.amount})`;
  const label = ['path', 'name', 'description', 'strategy', 'kind'].map((k) => o[k]).find((x) => typeof x === 'string');
  return `${proto.constructor?.name ?? 'object'}(${label !== undefined ? JSON.stringify(label) : ''})`;
}

/**
 * Throws a {@link RealtimeConfigError} for one problem, at the point of input.
 * @internal
 */
export function fail(scope: IConstruct | string, subject: string, prop: string, value: unknown, allowed: string, fix: string): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new RealtimeConfigError([{ path, subject, prop, value, allowed, fix }]);
}
