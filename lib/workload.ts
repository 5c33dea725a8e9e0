import { Duration } from 'cdk8s';
import { Checker } from './private/checks';
import { isPercent, parseQuantity } from './private/k8s-names';
import { S, validateArgs } from './private/validate';

/** Timings of one probe. Every field is emitted explicitly. */
export interface ProbeTiming {
  /**
   * HTTP path probed.
   * @default - `probes.path` for startup and readiness; liveness is a TCP check of the port unless a path is set
   */
  readonly path?: string;
  /** Delay before the first probe. @default Duration.seconds(0) */
  readonly initialDelay?: Duration;
  /** Interval between probes. */
  readonly period?: Duration;
  /** Timeout of one probe (must be shorter than the period). */
  readonly timeout?: Duration;
  /** Consecutive failures before the probe counts as failed. */
  readonly failureThreshold?: number;
}

/**
 * The three probes of a container, on the `http` port. Startup and readiness are HTTP GETs;
 * liveness is a TCP check unless it is given a path of its own.
 */
export interface ProbeOptions {
  /** HTTP path of the startup and readiness probes. @default '/health' */
  readonly path?: string;
  /**
   * Startup probe: liveness and readiness start only once it succeeds. Its budget
   * (`initialDelay + period x failureThreshold`) must cover the slowest boot.
   * @default - period 5 s, timeout 2 s, failureThreshold 24 (a 120 s budget)
   */
  readonly startup?: ProbeTiming;
  /** Readiness: failing removes the pod from the Service. @default - period 5 s, timeout 2 s, failureThreshold 2 */
  readonly readiness?: ProbeTiming;
  /**
   * Liveness: failing restarts the container. By default a TCP check of the port ("the process is
   * alive and accepts connections"): a liveness probe that shares readiness' HTTP endpoint restarts
   * pods that are merely busy or whose dependencies are down (kube-score pod-probes-identical).
   * Give it a `path` for an HTTP check (e.g. a cheap "/livez"); it must then differ from readiness.
   * @default - TCP on the port, period 10 s, timeout 3 s, failureThreshold 6
   */
  readonly liveness?: ProbeTiming;
}

/** Resolved probe, as emitted. @internal */
export interface ResolvedProbe {
  readonly httpGet?: { path: string; port: string; scheme: 'HTTP' };
  readonly tcpSocket?: { port: string };
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

const PROBE_DEFAULTS = {
  startup: { period: 5, timeout: 2, failureThreshold: 24 },
  readiness: { period: 5, timeout: 2, failureThreshold: 2 },
  liveness: { period: 10, timeout: 3, failureThreshold: 6 },
};

/** @internal */
export function resolveProbes(check: Checker, probes: ProbeOptions = {}, port: string): { startup: ResolvedProbe; readiness: ResolvedProbe; liveness: ResolvedProbe } {
  const base = probes.path ?? '/health';
  const one = (kind: keyof typeof PROBE_DEFAULTS, t: ProbeTiming = {}): ResolvedProbe => {
    const d = PROBE_DEFAULTS[kind];
    const prop = `probes.${kind}`;
    const tcp = kind === 'liveness' && t.path === undefined;
    const path = t.path ?? base;
    if (!tcp && (!path.startsWith('/') || /\s/.test(path))) check.fail(`${prop}.path`, path, 'be an absolute URL path without spaces', 'use e.g. "/health"');
    const periodSeconds = check.seconds(`${prop}.period`, t.period ?? Duration.seconds(d.period), 1, 3600);
    const timeoutSeconds = check.seconds(`${prop}.timeout`, t.timeout ?? Duration.seconds(d.timeout), 1, 3600);
    if (timeoutSeconds >= periodSeconds) {
      check.fail(`${prop}.timeout`, `${timeoutSeconds}s`, `be shorter than the period (${periodSeconds}s), or probes overlap`, `use a timeout below ${periodSeconds}s or a longer period`);
    }
    return {
      ...(tcp ? { tcpSocket: { port } } : { httpGet: { path, port, scheme: 'HTTP' as const } }),
      initialDelaySeconds: check.seconds(`${prop}.initialDelay`, t.initialDelay ?? Duration.seconds(0), 0, 3600),
      periodSeconds,
      timeoutSeconds,
      failureThreshold: check.positiveInt(`${prop}.failureThreshold`, t.failureThreshold ?? d.failureThreshold, 1000),
      successThreshold: 1,
    };
  };
  const startup = one('startup', probes.startup);
  const readiness = one('readiness', probes.readiness);
  const liveness = one('liveness', probes.liveness);
  if (JSON.stringify(readiness) === JSON.stringify(liveness)) {
    const l = liveness;
    check.fail('probes.liveness', `GET ${l.httpGet?.path}, initialDelay ${l.initialDelaySeconds}s, period ${l.periodSeconds}s, timeout ${l.timeoutSeconds}s, failureThreshold ${l.failureThreshold}`, 'differ from the readiness probe (an identical liveness probe restarts pods that are merely busy, kube-score pod-probes-identical)',
      'give liveness a longer period or higher failureThreshold, or a different path such as "/livez"');
  }
  return { startup, readiness, liveness };
}

/** Compute and memory of the container. Quantities use Kubernetes notation (`500m`, `2Gi`). */
export interface ResourceOptions {
  /** CPU request. @default '250m' */
  readonly cpuRequest?: string;
  /** CPU limit. Unset by default: CPU limits throttle latency-sensitive realtime work. @default - no CPU limit */
  readonly cpuLimit?: string;
  /** Memory request. @default '256Mi' */
  readonly memoryRequest?: string;
  /** Memory limit. @default - equal to the memory request */
  readonly memoryLimit?: string;
  /** Ephemeral storage request (the writable /tmp lives here). @default '64Mi' */
  readonly ephemeralStorageRequest?: string;
  /** Ephemeral storage limit. @default '1Gi' */
  readonly ephemeralStorageLimit?: string;
}

/** @internal */
export function resolveResources(check: Checker, r: ResourceOptions = {}): { requests: Record<string, string>; limits: Record<string, string> } {
  const q = (prop: string, v: string): string => {
    const n = parseQuantity(v);
    if (typeof v !== 'string' || n === undefined || n <= 0) check.fail(`resources.${prop}`, v, 'be a positive Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi"', 'write the unit without a space, e.g. "1Gi" (not "1 GB")');
    return v;
  };
  const requests: Record<string, string> = {
    'cpu': q('cpuRequest', r.cpuRequest ?? '250m'),
    'memory': q('memoryRequest', r.memoryRequest ?? '256Mi'),
    'ephemeral-storage': q('ephemeralStorageRequest', r.ephemeralStorageRequest ?? '64Mi'),
  };
  const limits: Record<string, string> = {
    ...(r.cpuLimit !== undefined ? { cpu: q('cpuLimit', r.cpuLimit) } : {}),
    'memory': q('memoryLimit', r.memoryLimit ?? requests.memory),
    'ephemeral-storage': q('ephemeralStorageLimit', r.ephemeralStorageLimit ?? '1Gi'),
  };
  const pairs: Array<[string, string, string]> = [['cpu', 'cpuRequest', 'cpuLimit'], ['memory', 'memoryRequest', 'memoryLimit'], ['ephemeral-storage', 'ephemeralStorageRequest', 'ephemeralStorageLimit']];
  for (const [res, reqProp, limProp] of pairs) {
    if (limits[res] !== undefined && parseQuantity(requests[res])! > parseQuantity(limits[res])!) {
      check.fail(`resources.${reqProp}`, requests[res], `not exceed ${limProp} (${limits[res]})`, `lower ${reqProp} or raise ${limProp}`);
    }
  }
  return { requests, limits };
}

/** What the container does when the pod is asked to stop (an enum-like class). */
export class PreStopHook {
  /**
   * The kubelet sleeps before sending SIGTERM (`lifecycle.preStop.sleep`, Kubernetes 1.30+; GA in
   * 1.34). Needs no binary in the image. During the sleep the pod is already out of the Service
   * endpoints, so load balancers and kube-proxy stop sending new connections before the app drains.
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  public static sleep(delay: Duration): PreStopHook {
    validateArgs('PreStopHook.sleep', 'PreStopHook', { delay }, { delay: S.req(S.dur(), 'Duration.seconds(15)') });
    return new PreStopHook('sleep', delay, undefined);
  }

  /** Runs a command (e.g. `["/bin/sleep", "15"]`) for clusters older than 1.30; the image must contain it. */
  public static exec(command: string[], expectedDuration: Duration): PreStopHook {
    validateArgs('PreStopHook.exec', 'PreStopHook', { command, expectedDuration }, { command: S.req(S.arr(S.str(), '["/bin/sleep", "15"]'), '["/bin/sleep", "15"]'), expectedDuration: S.req(S.dur(), 'Duration.seconds(15)') });
    return new PreStopHook('exec', expectedDuration, [...command]);
  }

  /** No hook: SIGTERM is sent at once. */
  public static none(): PreStopHook {
    return new PreStopHook('none', Duration.seconds(0), undefined);
  }

  private constructor(
    /** Kind of hook. */
    public readonly kind: 'sleep' | 'exec' | 'none',
    /** How long the hook takes. */
    public readonly duration: Duration,
    /** Command of an exec hook. */
    public readonly command: string[] | undefined,
  ) {}
}

/** Graceful shutdown of long-lived connections. */
export interface ShutdownOptions {
  /** The preStop hook. @default PreStopHook.sleep(Duration.seconds(15)) */
  readonly preStop?: PreStopHook;
  /**
   * Time the app needs after SIGTERM to close its WebSockets (ideally spread over this window with
   * jitter, so clients do not reconnect all at once) and exit.
   * @default Duration.seconds(105)
   */
  readonly drainTimeout?: Duration;
  /**
   * `terminationGracePeriodSeconds`: must cover the preStop hook plus the drain.
   * @default - preStop duration + drainTimeout (120 s with the defaults)
   */
  readonly terminationGracePeriod?: Duration;
}

/** @internal */
export function resolveShutdown(check: Checker, s: ShutdownOptions = {}): { lifecycle?: Record<string, unknown>; graceSeconds: number; preStopSeconds: number; drainSeconds: number } {
  const hook = s.preStop ?? PreStopHook.sleep(Duration.seconds(15));
  const preStopSeconds = check.seconds('shutdown.preStop', hook.duration, hook.kind === 'none' ? 0 : 1, 3600);
  const drainSeconds = check.seconds('shutdown.drainTimeout', s.drainTimeout ?? Duration.seconds(105), 0, 86400);
  const graceSeconds = s.terminationGracePeriod
    ? check.seconds('shutdown.terminationGracePeriod', s.terminationGracePeriod, 1, 86400)
    : preStopSeconds + drainSeconds;
  if (graceSeconds < preStopSeconds + drainSeconds) {
    check.fail('shutdown.terminationGracePeriod', `${graceSeconds}s`, `cover the preStop hook plus the drain (${preStopSeconds}s + ${drainSeconds}s = ${preStopSeconds + drainSeconds}s); the kubelet kills the container when it runs out`,
      `raise it to Duration.seconds(${preStopSeconds + drainSeconds}) or shorten drainTimeout`);
  }
  if (hook.kind === 'exec' && (!hook.command || hook.command.length === 0)) check.fail('shutdown.preStop', hook.command, 'have a command', 'pass e.g. ["/bin/sleep", "15"]');
  const lifecycle = hook.kind === 'sleep' ? { preStop: { sleep: { seconds: preStopSeconds } } }
    : hook.kind === 'exec' ? { preStop: { exec: { command: hook.command } } } : undefined;
  return { lifecycle, graceSeconds, preStopSeconds, drainSeconds };
}

/** How many pods a voluntary disruption (node drain, cluster upgrade) may take down (an enum-like class). */
export class DisruptionBudget {
  /** At most this many (or this percentage of) pods down at once. */
  public static maxUnavailable(value: number | string): DisruptionBudget {
    validateArgs('DisruptionBudget.maxUnavailable', 'DisruptionBudget', { value }, { value: S.req(S.or('a whole number or a percentage such as "50%"', S.int(), S.str()), '1') });
    return new DisruptionBudget('maxUnavailable', value);
  }
  /** At least this many (or this percentage of) pods up at all times. */
  public static minAvailable(value: number | string): DisruptionBudget {
    validateArgs('DisruptionBudget.minAvailable', 'DisruptionBudget', { value }, { value: S.req(S.or('a whole number or a percentage such as "50%"', S.int(), S.str()), '1') });
    return new DisruptionBudget('minAvailable', value);
  }
  /** No PodDisruptionBudget. */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0);
  }
  private constructor(
    /** Which field. */
    public readonly kind: 'maxUnavailable' | 'minAvailable' | 'none',
    /** Count or percentage. */
    public readonly value: number | string,
  ) {}

  /**
   * How many pods may be evicted at once when `replicas` pods run (Kubernetes rounds percentages up).
   * @internal
   */
  public _allowedDisruptions(replicas: number): number {
    const count = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((replicas * Number(v.slice(0, -1))) / 100));
    if (this.kind === 'maxUnavailable') return Math.min(replicas, count(this.value));
    if (this.kind === 'minAvailable') return Math.max(0, replicas - count(this.value));
    return replicas;
  }

  /** @internal */
  public _check(check: Checker, prop: string): void {
    const v = this.value;
    if (this.kind === 'none') return;
    if (typeof v === 'number') check.nonNegativeInt(`${prop}.${this.kind}`, v);
    else if (!isPercent(v) || Number(v.slice(0, -1)) > 100) check.fail(`${prop}.${this.kind}`, v, 'be a whole number or a percentage from "0%" to "100%"', 'use e.g. 1 or "50%"');
  }
}

const IMAGE_REF = /^(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+(?=\/))?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Checks a container image reference: pinned by tag or digest, never `latest`. @internal */
export function checkImage(check: Checker, prop: string, image: string): string {
  const m = IMAGE_REF.exec(image);
  if (!m) check.fail(prop, image, 'be an image reference such as "registry.example.com/team/app:1.4.2" or "...@sha256:<64 hex>"', 'fix the reference (lowercase repository, optional :tag and @sha256 digest)');
  const { tag, digest } = m.groups ?? {};
  if (!tag && !digest) check.fail(prop, image, 'be pinned by a tag or a digest (an untagged image means "latest")', `add a version tag, e.g. "${image}:1.0.0", or a digest`);
  if (tag === 'latest' && !digest) check.fail(prop, image, 'not use the "latest" tag: rollouts would not be reproducible and a restart may pull another build', 'pin a version tag or an @sha256 digest');
  return image;
}

const SECRETISH = /(secret|password|passwd|token|api[-_]?key|private[-_]?key|credential)/i;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Checks literal environment variables: valid names, and no secret-looking literals. @internal */
export function checkEnv(check: Checker, env: Record<string, string> = {}): Array<{ name: string; value: string }> {
  return Object.keys(env).sort().map((name) => {
    if (!ENV_NAME.test(name)) check.fail(`env["${name}"]`, name, 'be a valid environment variable name (letters, digits, "_", "-", "."; not starting with a digit)', 'rename the variable');
    if (SECRETISH.test(name)) {
      check.fail(`env["${name}"]`, name, 'not carry a secret-looking value as a literal: it would be committed to dist/ in plain text', 'load it from a Secret (envFrom with an ExternalSecret or the Secrets Store CSI driver)');
    }
    if (typeof env[name] !== 'string') check.fail(`env["${name}"]`, env[name], 'be a string', `quote the value: "${String(env[name])}"`);
    return { name, value: env[name] };
  });
}
