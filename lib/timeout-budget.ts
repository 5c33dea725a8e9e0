import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Checker } from './private/checks';
import { Route, RouteProtocol } from './route';
import { S, routeFix, validateArgs, validateProps } from './private/validate';

/** Longest idle timeout a hop may declare: one year (a sanity bound, not a recommendation). */
const MAX_IDLE_SECONDS = 31_536_000;

/** Options of {@link Hop.traefik}. */
export interface TraefikHopOptions {
  /**
   * The entryPoint's `transport.respondingTimeouts.readTimeout`. `Duration.seconds(0)` disables it.
   * @default Duration.seconds(60) (the Traefik v3 default)
   */
  readonly readTimeout?: Duration;
  /**
   * The entryPoint's `transport.respondingTimeouts.idleTimeout`. `Duration.seconds(0)` disables it.
   * @default Duration.seconds(180)
   */
  readonly idleTimeout?: Duration;
}

/** One idle timer of a hop, with the range the product accepts. */
interface HopTimer {
  /** Field name in messages, e.g. `idleTimeout`. */
  readonly field: string;
  readonly value: Duration;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** Granularity in seconds (60 for products configured in whole minutes). */
  readonly stepSeconds: number;
  /** `0` switches the timer off. */
  readonly zeroDisables: boolean;
}

/**
 * A network hop that a realtime route crosses between the client and the ingress proxy (a CDN,
 * a cloud load balancer, an L4 proxy), with the idle timeout after which it closes a quiet
 * connection (an enum-like class).
 *
 * A route's own proxy timeout (nginx `proxy-read-timeout`) is only one of the timers on the path:
 * every hop in front of it closes connections that stay quiet longer than its own idle timeout,
 * usually without telling either end (the WebSocket dies with code 1006). Declare the hops in
 * `routes.hops` of a {@link RealtimeService} or `hops` of a {@link ManagedIngressOverlay}, and
 * {@link checkTimeoutBudget} refuses any hop that would close a connection the route promises to
 * keep.
 *
 * @see https://developers.cloudflare.com/network/websockets/ (Cloudflare's 100 s idle timeout)
 * @see https://learn.microsoft.com/en-us/azure/load-balancer/load-balancer-tcp-idle-timeout (Azure Load Balancer, 4 min by default)
 */
export class Hop {
  /**
   * Cloudflare's proxy (orange cloud): WebSockets and other connections that stay idle for
   * 100 seconds are closed, as users observe on the Free, Pro and Business plans. The value cannot
   * be changed below the Enterprise plan; for an Enterprise zone with a raised limit use
   * {@link Hop.custom}.
   * @see https://developers.cloudflare.com/network/websockets/
   * @see https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-524/
   */
  public static cloudflare(): Hop {
    return new Hop('cloudflare', [{ field: 'idleTimeout', value: Duration.seconds(100), minSeconds: 100, maxSeconds: 100, stepSeconds: 1, zeroDisables: false }],
      'Cloudflare\'s 100 s cannot be raised below the Enterprise plan');
  }

  /**
   * An Azure Load Balancer rule (for example the one AKS creates for the ingress controller's
   * `type: LoadBalancer` Service). Azure drops flows idle for longer than the rule's idle timeout,
   * silently unless TCP reset is enabled.
   * @param idleTimeout whole minutes from 4 to 100
   * @default idleTimeout Duration.minutes(4)
   * @see https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout
   */
  public static azureLoadBalancer(idleTimeout: Duration = Duration.minutes(4)): Hop {
    validateArgs('Hop.azureLoadBalancer', 'Hop', { idleTimeout }, { idleTimeout: S.dur() });
    return new Hop('azure-load-balancer', [{ field: 'idleTimeout', value: idleTimeout, minSeconds: 240, maxSeconds: 6000, stepSeconds: 60, zeroDisables: false }],
      'set service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout (minutes, 4 to 100) on the ingress controller\'s Service');
  }

  /**
   * An AWS Application Load Balancer: it closes connections on which no data has been sent or
   * received for its idle timeout (the `idle_timeout.timeout_seconds` attribute).
   * @param idleTimeout from 1 to 4000 seconds
   * @default idleTimeout Duration.seconds(60)
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout
   */
  public static awsAlb(idleTimeout: Duration = Duration.seconds(60)): Hop {
    validateArgs('Hop.awsAlb', 'Hop', { idleTimeout }, { idleTimeout: S.dur() });
    return new Hop('aws-alb', [{ field: 'idleTimeout', value: idleTimeout, minSeconds: 1, maxSeconds: 4000, stepSeconds: 1, zeroDisables: false }],
      'raise the ALB attribute idle_timeout.timeout_seconds (up to 4000), e.g. through alb.ingress.kubernetes.io/load-balancer-attributes');
  }

  /**
   * A global L4 nginx in front of the cluster (`stream { proxy_timeout ...; }`): it closes a
   * connection when nothing is transmitted in either direction for `proxy_timeout`.
   * @default proxyTimeout Duration.minutes(10) (the nginx default)
   * @see https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_timeout
   */
  public static nginxStream(proxyTimeout: Duration = Duration.minutes(10)): Hop {
    validateArgs('Hop.nginxStream', 'Hop', { proxyTimeout }, { proxyTimeout: S.dur() });
    return new Hop('nginx-stream', [{ field: 'proxyTimeout', value: proxyTimeout, minSeconds: 1, maxSeconds: MAX_IDLE_SECONDS, stepSeconds: 1, zeroDisables: false }],
      'raise proxy_timeout in the stream server block');
  }

  /**
   * A Traefik v3 entryPoint (`transport.respondingTimeouts`). Measured through a real Traefik v3.7
   * (`npm run test:traffic`, checks `traefik/ws-idle-timeout` and `traefik/upload-timeout`): neither
   * timer closes an upgraded WebSocket, quiet or not, while `readTimeout` (60 s by default since
   * v3.0) cuts a request whose body is still arriving. So this hop is checked against HTTP routes
   * only (the lower of the two timers that are not 0 must hold the route's timeout), and never
   * against WebSocket routes: it does not enforce, and does not endanger, their idle window.
   * @see https://doc.traefik.io/traefik/routing/entrypoints/#respondingtimeouts
   */
  public static traefik(options: TraefikHopOptions = {}): Hop {
    validateArgs('Hop.traefik', 'Hop', { options }, { options: S.obj('TraefikHopOptions', { readTimeout: S.dur(), idleTimeout: S.dur() }) });
    return new Hop('traefik', [
      { field: 'readTimeout', value: options.readTimeout ?? Duration.seconds(60), minSeconds: 1, maxSeconds: MAX_IDLE_SECONDS, stepSeconds: 1, zeroDisables: true },
      { field: 'idleTimeout', value: options.idleTimeout ?? Duration.seconds(180), minSeconds: 1, maxSeconds: MAX_IDLE_SECONDS, stepSeconds: 1, zeroDisables: true },
    ], 'raise the entryPoint\'s transport.respondingTimeouts (readTimeout and idleTimeout; 0 disables them)', 'traefik', false);
  }

  /**
   * Any other hop: a corporate proxy, a NAT gateway, a service mesh sidecar.
   * @param name a short name for messages: letters, digits, ".", "_", "-" and spaces, at most 63 characters
   * @param idleTimeout how long the hop keeps a quiet connection open (1 s to one year)
   */
  public static custom(name: string, idleTimeout: Duration): Hop {
    validateArgs('Hop.custom', 'Hop', { name, idleTimeout }, { name: S.req(S.str(), '"corporate-proxy"'), idleTimeout: S.req(S.dur(), 'Duration.minutes(10)') });
    return new Hop(name, [{ field: 'idleTimeout', value: idleTimeout, minSeconds: 1, maxSeconds: MAX_IDLE_SECONDS, stepSeconds: 1, zeroDisables: false }],
      'raise the hop\'s idle timeout', 'custom');
  }

  /**
   * An AWS Network Load Balancer's UDP flows: the NLB forgets a UDP flow after 120 seconds without
   * a packet, and the value cannot be changed (only TCP listeners have `tcp.idle_timeout.seconds`).
   * The next packet is balanced afresh and may reach another target.
   * @see https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-nlb-tcp-configurable-idle-timeout/
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html
   */
  public static awsNlbUdp(): Hop {
    return new Hop('aws-nlb-udp', [{ field: 'idleTimeout', value: Duration.seconds(120), minSeconds: 120, maxSeconds: 120, stepSeconds: 1, zeroDisables: false }],
      'it cannot be raised: only TCP listeners have tcp.idle_timeout.seconds');
  }

  /**
   * A Google Cloud external passthrough Network Load Balancer's connection tracking (GKE's
   * LoadBalancer Services): entries expire after 60 seconds without matching traffic; the setting
   * (`connectionTrackingPolicy.idleTimeoutSec`) is not available publicly.
   * @see https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.BackendServiceConnectionTrackingPolicy
   */
  public static gcpPassthroughUdp(): Hop {
    return new Hop('gcp-passthrough-nlb', [{ field: 'idleTimeout', value: Duration.seconds(60), minSeconds: 60, maxSeconds: 60, stepSeconds: 1, zeroDisables: false }],
      'it cannot be raised: connectionTrackingPolicy.idleTimeoutSec is not available publicly for external passthrough Network Load Balancers');
  }

  /**
   * An Azure Load Balancer rule's UDP flows. Azure documents no idle timeout for them: the rule's
   * `idleTimeoutInMinutes` (4 to 100, default 4) "is only used when the protocol is set to TCP".
   * A keepalive cannot be checked against it: measure it and declare it as
   * `Hop.custom('azure-load-balancer-udp', ...)`, which replaces this one.
   * @see https://learn.microsoft.com/python/api/azure-mgmt-network/azure.mgmt.network.models.loadbalancingrulepropertiesformat
   */
  public static azureLoadBalancerUdp(): Hop {
    return new Hop('azure-load-balancer-udp', [], 'declare the value you measured', 'azure-load-balancer-udp', true, 'Azure documents no idle timeout for UDP flows (a rule\'s idleTimeoutInMinutes is used only for TCP)');
  }

  /**
   * Linux connection tracking on the node, where kube-proxy DNATs a flow to a pod: a UDP entry
   * expires after `nf_conntrack_udp_timeout` (30 s) while only one direction has been seen, and
   * `nf_conntrack_udp_timeout_stream` (120 s) once both have; kube-proxy can set both
   * (`conntrack.udpTimeout`, `udpStreamTimeout`). After expiry the next packet is balanced afresh:
   * to the same pod only with client-IP affinity or a single local pod.
   * @param udpTimeout the entry's lifetime without a reply
   * @default udpTimeout Duration.seconds(30) (the kernel default)
   * @see https://docs.kernel.org/networking/nf_conntrack-sysctl.html
   */
  public static linuxConntrackUdp(udpTimeout: Duration = Duration.seconds(30)): Hop {
    validateArgs('Hop.linuxConntrackUdp', 'Hop', { udpTimeout }, { udpTimeout: S.dur() });
    return new Hop('linux-conntrack-udp', [{ field: 'udpTimeout', value: udpTimeout, minSeconds: 1, maxSeconds: MAX_IDLE_SECONDS, stepSeconds: 1, zeroDisables: false }],
      'raise net.netfilter.nf_conntrack_udp_timeout on the nodes (kube-proxy conntrack.udpTimeout)');
  }

  private constructor(
    /** Name of the hop, for messages (`cloudflare`, `azure-load-balancer`, ...). */
    public readonly name: string,
    private readonly timers: readonly HopTimer[],
    /** How to raise this hop's idle timeout, for "Fix:" hints. */
    public readonly howToRaise: string,
    /**
     * Which product the hop is (`nginx-stream`, `cloudflare`, ..., or `custom`), whatever its name:
     * the capability table's row for it, when it has one.
     */
    public readonly kind: string = name,
    /** Whether the hop closes quiet WebSockets (Traefik's entryPoint timers do not: measured). */
    public readonly cutsWebSockets: boolean = true,
    /** Why this hop's idle timeout is not known (then it cannot be checked). */
    private readonly unknown?: string,
  ) {}

  /**
   * Checks the hop's own settings and returns its idle timeout in seconds, or `undefined` when
   * every timer is disabled.
   * @internal
   */
  public _idleSeconds(check: Checker, prop: string): number | undefined {
    if (typeof this.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/.test(this.name)) {
      check.fail(`${prop}.name`, this.name, 'be 1 to 63 letters, digits, ".", "_", "-" or spaces, starting with a letter or digit', 'use a short name such as "corporate-proxy"');
    }
    if (this.unknown !== undefined) {
      check.fail(prop, this.name, `be a hop whose idle timeout is known: ${this.unknown}`,
        `measure it and declare it: hops: [Hop.custom("${this.name}", Duration.seconds(<measured>))] replaces this one`);
    }
    let idle: number | undefined;
    for (const t of this.timers) {
      const p = `${prop}.${t.field}`;
      const ms = t.value.toMilliseconds();
      if (t.zeroDisables && ms === 0) continue;
      if (t.stepSeconds === 60 && ms % 60_000 !== 0) {
        check.fail(p, `${ms / 1000}s`, 'be a whole number of minutes', `use Duration.minutes(${Math.max(1, Math.ceil(ms / 60_000))})`);
      }
      const s = check.seconds(p, t.value, t.minSeconds, t.maxSeconds,
        `use a value from ${fmt(t.minSeconds, t.stepSeconds)} to ${fmt(t.maxSeconds, t.stepSeconds)}${t.zeroDisables ? ', or Duration.seconds(0) to disable it' : ''}`);
      idle = idle === undefined ? s : Math.min(idle, s);
    }
    return idle;
  }

  /** `cloudflare (idle 100s)`, for messages. @internal */
  public _describe(idle: number | undefined): string {
    return `${this.name} (idle ${idle === undefined ? 'unlimited' : `${idle}s`})`;
  }
}

function fmt(seconds: number, stepSeconds: number): string {
  return stepSeconds === 60 ? `Duration.minutes(${seconds / 60})` : `Duration.seconds(${seconds})`;
}

/** Properties of {@link checkTimeoutBudget}. */
export interface TimeoutBudgetOptions {
  /**
   * Name of the routes prop in messages.
   * @default 'routes'
   */
  readonly routesProp?: string;
  /**
   * Name of the hops prop in messages.
   * @default 'hops'
   */
  readonly hopsProp?: string;
}

/**
 * Refuses any hop whose idle timeout would close a connection that a route promises to keep.
 *
 * - A route that declares a `heartbeatInterval` needs every hop's idle timeout to be at least
 *   twice the interval, so a single lost or late heartbeat does not drop the connection (the same
 *   rule the ingress proxy's own idle timeout follows).
 * - A route that declares no heartbeat needs every hop's idle timeout to be at least the route's
 *   own idle timeout (its `timeout` for HTTP routes). Otherwise the hop closes quiet connections
 *   before the proxy would, and the route's declared timeout is a promise nobody keeps: the
 *   classic "WebSockets die after 100 s behind Cloudflare although nginx says 3600". This is
 *   deliberately strict: hops are declared on purpose, and the fix is cheap (declare the heartbeat
 *   the app sends, or lower the route's timeout to what the path can really hold).
 *
 * Called by {@link RealtimeService} (`routes.hops`) and {@link ManagedIngressOverlay} (`hops`);
 * usable by any construct that renders routes. It throws a {@link RealtimeConfigError} naming
 * the hop, the route and the numbers.
 *
 * @param scope the construct the error is reported on
 * @param subject the construct class for messages, e.g. `RealtimeService`
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/miscellaneous/#websockets
 */
export function checkTimeoutBudget(scope: IConstruct, subject: string, routes: readonly Route[], hops: readonly Hop[], options: TimeoutBudgetOptions = {}): void {
  const who = typeof subject === 'string' ? subject : 'checkTimeoutBudget';
  validateProps(scope, who, { options }, S.obj('checkTimeoutBudget', { options: S.obj('TimeoutBudgetOptions', { routesProp: S.str(), hopsProp: S.str() }) }));
  const [rp, hp] = [options?.routesProp ?? 'routes', options?.hopsProp ?? 'hops'];
  validateProps(scope, who, { [rp]: routes, [hp]: hops }, S.obj('checkTimeoutBudget', {
    [rp]: S.req(S.arr(S.inst(() => Route, 'a Route made by Route.http(...) or Route.websocket(...)', routeFix)), '[Route.websocket("/ws")]'),
    [hp]: S.req(S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom(name, idleTimeout)')), '[Hop.cloudflare()]'),
  }));
  const check = new Checker(scope, subject);
  const routesProp = options.routesProp ?? 'routes';
  const hopsProp = options.hopsProp ?? 'hops';
  if (hops.length === 0) return;
  const resolved = routes.map((route, i) => ({
    route,
    timeouts: route._resolve(check, `${routesProp}[${i}]`),
    heartbeat: route.heartbeatInterval ? route.heartbeatInterval.toSeconds() : undefined,
  }));
  hops.forEach((hop, j) => {
    const prop = `${hopsProp}[${j}]`;
    if (!(hop instanceof Hop)) check.fail(prop, hop, 'be a Hop', 'use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom()');
    const idle = hop._idleSeconds(check, prop);
    if (idle === undefined) return;
    for (const { route, timeouts, heartbeat } of resolved) {
      if (route.protocol === RouteProtocol.WEBSOCKET && !hop.cutsWebSockets) continue;
      if (heartbeat !== undefined) {
        if (idle < 2 * heartbeat) {
          const every = Math.floor(idle / 2);
          check.fail(prop, hop._describe(idle),
            `have an idle timeout of at least twice the heartbeat of route ${route.path} (2 x ${heartbeat}s = ${2 * heartbeat}s), or the hop closes quiet WebSockets`,
            `${every >= 1 ? `send heartbeats every ${every}s or less, or ` : ''}raise the hop's idle timeout to ${2 * heartbeat}s or more (${hop.howToRaise})`);
        }
      } else if (idle < timeouts.readSeconds) {
        const ws = route.protocol === RouteProtocol.WEBSOCKET;
        const every = Math.floor(idle / 2);
        check.fail(prop, hop._describe(idle),
          ws
            ? `have an idle timeout of at least the idle timeout of route ${route.path} (${timeouts.readSeconds}s), which declares no heartbeat: the hop would close a quiet WebSocket after ${idle}s, long before the proxy does`
            : `have an idle timeout of at least the timeout of route ${route.path} (${timeouts.readSeconds}s): the hop would cut a slow response after ${idle}s, before the proxy gives up`,
          ws
            ? `${every >= 1 ? `send a heartbeat every ${every}s or less and declare it (Route.websocket(path, { heartbeatInterval })), ` : ''}lower the route's idleTimeout to Duration.seconds(${idle}), or raise the hop's idle timeout (${hop.howToRaise})`
            : `lower the route's timeout to Duration.seconds(${idle}) or less, or raise the hop's idle timeout (${hop.howToRaise})`);
      }
    }
  });
}

/**
 * Refuses a UDP keepalive interval that a hop of the flow would not hold: each hop (the UDP load
 * balancer, kube-proxy's conntrack, any declared in front) must keep a quiet flow for at least twice
 * the interval, so one lost keepalive does not let the flow be balanced afresh to another pod, the
 * same rule as WebSocket heartbeats ({@link checkTimeoutBudget}). Called by UdpLoadBalancer
 * (`keepaliveInterval`).
 * @param hops each hop with the prop its error is reported on
 */
export function checkUdpKeepalive(scope: IConstruct, subject: string, keepaliveInterval: Duration, hops: ReadonlyArray<{ readonly hop: Hop; readonly prop: string }>): void {
  const check = new Checker(scope, subject);
  const every = check.seconds('keepaliveInterval', keepaliveInterval, 1, MAX_IDLE_SECONDS);
  for (const { hop, prop } of hops) {
    if (!(hop instanceof Hop)) check.fail(prop, hop, 'be a Hop', 'use Hop.custom(name, idleTimeout) or another Hop factory');
    const idle = hop._idleSeconds(check, prop);
    if (idle === undefined || idle >= 2 * every) continue;
    const fix = Math.floor(idle / 2);
    check.fail(prop, prop === 'keepaliveInterval' ? `${every}s` : hop._describe(idle),
      `${prop === 'keepaliveInterval' ? `be at most half the idle timeout of every hop of the UDP flow, but ${hop._describe(idle)} forgets` : 'have an idle timeout of at least twice the UDP keepalive interval, or it forgets'} a quiet flow after ${idle}s (2 x ${every}s = ${2 * every}s needed), and the next packet may be balanced to another pod`,
      `${fix >= 1 ? `send keepalives every ${fix}s or less (keepaliveInterval: Duration.seconds(${fix})), or ` : ''}raise the hop's idle timeout (${hop.howToRaise})`);
  }
}
