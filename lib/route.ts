// The route model: what a route promises (paths, protocols, timeouts) and the shapes every
// renderer shares. Controller-neutral, and below the renderers: it imports no controller code.
import { ApiObject, Duration } from 'cdk8s';
import { EnforcedIntent } from './controllers/capabilities';
import { Checker } from './private/checks';
import { ingressPathProblem, isIngressHost } from './private/k8s-names';
import { S, enumNames, validateArgs } from './private/validate';

/** How a route's path is matched. @see https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types */
export enum PathMatch {
  /** Matches the path and everything below it, element by element (`/app-ws` matches `/app-ws/x`, not `/app-wsx`). */
  PREFIX = 'Prefix',
  /** Matches the path exactly. */
  EXACT = 'Exact',
}

/** What kind of traffic a route carries; it decides the default timeouts. */
export enum RouteProtocol {
  /** Request/response HTTP: short timeouts. */
  HTTP = 'http',
  /** Long-lived WebSocket connections: long idle timeouts. */
  WEBSOCKET = 'websocket',
}

/** Options common to every route. */
export interface RouteOptions {
  /**
   * How the path is matched.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
  /**
   * The backend port, by name: an endpoint of the service (`http`, `websocket`) or a port name of
   * the Service the route points at.
   * @default - `http` for HTTP routes; `websocket` for WebSocket routes when the service declares a
   * WebSocket endpoint, else `http`
   */
  readonly port?: string;
  /**
   * How long the proxy waits to open a connection to a pod. nginx documents that this "usually
   * cannot exceed 75 seconds".
   * @default Duration.seconds(10)
   */
  readonly connectTimeout?: Duration;
}

/** Options of an HTTP route. */
export interface HttpRouteOptions extends RouteOptions {
  /**
   * How long the proxy waits between two reads or two writes on the connection (nginx
   * `proxy-read-timeout` and `proxy-send-timeout`; Gateway API `timeouts.backendRequest`).
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

/** Options of a WebSocket route. */
export interface WebSocketRouteOptions extends RouteOptions {
  /**
   * How long a WebSocket may stay idle (no frame either way) before the proxy closes it (nginx
   * `proxy-read-timeout` and `proxy-send-timeout`). ingress-nginx's own default is 60 s, which is
   * what drops quiet WebSockets.
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
  /**
   * How often the client or server sends a heartbeat (ping) on this WebSocket. When set, every hop's
   * idle timeout must be at least twice this interval.
   * @default - no heartbeat declared; no budget check
   */
  readonly heartbeatInterval?: Duration;
}

/** Timeouts of a route, in whole seconds, as every renderer needs them. */
export interface RouteTimeouts {
  readonly connectSeconds: number;
  readonly readSeconds: number;
  readonly sendSeconds: number;
}

const ROUTE_FIELDS = { match: S.enumOf(enumNames('PathMatch', PathMatch)), port: S.str(), connectTimeout: S.dur() };
const PATH = S.req(S.str(), '"/api"');
/** The shapes of the arguments of {@link Route.http} and {@link Route.websocket}. @internal */
export const ROUTE_ARGS = {
  http: { path: PATH, options: S.obj('HttpRouteOptions', { ...ROUTE_FIELDS, timeout: S.dur() }, {
    idleTimeout: 'use Route.websocket(path, { idleTimeout }) for a WebSocket, or \'timeout\' for an HTTP route',
    heartbeatInterval: 'heartbeats belong to WebSocket routes: use Route.websocket(path, { heartbeatInterval })',
  }) },
  websocket: { path: PATH, options: S.obj('WebSocketRouteOptions', { ...ROUTE_FIELDS, idleTimeout: S.dur(), heartbeatInterval: S.dur() }, {
    timeout: 'did you mean \'options.idleTimeout\'? A WebSocket route has an idle timeout (timeout is the option of Route.http)',
  }) },
};

/**
 * One path of a realtime service, with the intent that every ingress controller must honour.
 *
 * The model is controller-neutral: an {@link IngressController} turns a set of routes into
 * ingress-nginx Ingresses, Traefik IngressRoutes, Gateway API HTTPRoutes or an AWS ALB Ingress.
 */
export class Route {
  /** A request/response route with short timeouts. */
  public static http(path: string, options: HttpRouteOptions = {}): Route {
    validateArgs('Route.http', 'Route', { path, options }, ROUTE_ARGS.http);
    const t = options.timeout ?? Duration.seconds(60);
    return new Route(path, RouteProtocol.HTTP, options, t, t, undefined);
  }

  /** A WebSocket route with a long idle timeout. */
  public static websocket(path: string, options: WebSocketRouteOptions = {}): Route {
    validateArgs('Route.websocket', 'Route', { path, options }, ROUTE_ARGS.websocket);
    const t = options.idleTimeout ?? Duration.hours(1);
    return new Route(path, RouteProtocol.WEBSOCKET, options, t, t, options.heartbeatInterval);
  }

  private constructor(
    /** The URL path. */
    public readonly path: string,
    /** HTTP or WebSocket. */
    public readonly protocol: RouteProtocol,
    private readonly options: RouteOptions,
    private readonly read: Duration,
    private readonly send: Duration,
    /** The declared heartbeat interval, if any. */
    public readonly heartbeatInterval: Duration | undefined,
  ) {}

  /** The path match, resolved. */
  public get match(): PathMatch {
    return this.options.match ?? PathMatch.PREFIX;
  }

  /** Whether `connectTimeout` was given (a defaulted one is not refused where nothing enforces it). */
  public get connectTimeoutDeclared(): boolean {
    return this.options.connectTimeout !== undefined;
  }

  /** The backend port name given, if any. */
  public get port(): string | undefined {
    return this.options.port;
  }

  /**
   * Checks the route and returns its timeouts in seconds.
   * @internal
   */
  public _resolve(check: Checker, prop: string): RouteTimeouts {
    const problem = ingressPathProblem(this.path);
    if (problem) {
      check.fail(`${prop}.path`, this.path, problem, 'use a plain path such as "/app-ws"; regular expressions and rewrites are not supported');
    }
    if (!Object.values(PathMatch).includes(this.match)) {
      check.fail(`${prop}.match`, this.match, 'be PathMatch.PREFIX or PathMatch.EXACT', 'use the PathMatch enum');
    }
    const what = this.protocol === RouteProtocol.WEBSOCKET ? 'idleTimeout' : 'timeout';
    const connectSeconds = check.seconds(`${prop}.connectTimeout`, this.options.connectTimeout ?? Duration.seconds(10), 1, 75,
      'nginx caps proxy_connect_timeout at about 75 s; use Duration.seconds(10) to Duration.seconds(75)');
    const readSeconds = check.seconds(`${prop}.${what}`, this.read, 1, 86400);
    const sendSeconds = check.seconds(`${prop}.${what}`, this.send, 1, 86400);
    if (this.heartbeatInterval) {
      const hb = check.seconds(`${prop}.heartbeatInterval`, this.heartbeatInterval, 1, 3600);
      if (readSeconds < 2 * hb) {
        check.fail(`${prop}.idleTimeout`, `${readSeconds}s`, `be at least twice the heartbeat interval (2 x ${hb}s = ${2 * hb}s) so one lost ping does not drop the connection`,
          `raise idleTimeout to Duration.seconds(${2 * hb}) or more, or send heartbeats more often`);
      }
    }
    return { connectSeconds, readSeconds, sendSeconds };
  }
}

/** A backend the routes point at: a Service and how a route's port name maps to its ports. */
export interface RouteBackend {
  /** Service name. */
  readonly serviceName: string;
  /** The Service port for a route (by name or number). */
  readonly portOf: (route: Route, prop: string) => { readonly name?: string; readonly number?: number };
  /**
   * The Service's port numbers by port name, for controllers whose backend references take numbers
   * only (Gateway API `backendRefs`).
   * @default - port names cannot be resolved to numbers
   */
  readonly servicePorts?: Readonly<Record<string, number>>;
  /**
   * The Service's `type`, when the construct owns the Service (an AWS ALB with instance targets
   * needs `NodePort`), and the prop that sets it, if any.
   * @default - not known (e.g. the owner's Service of an overlay)
   */
  readonly serviceType?: { readonly type: string; readonly prop?: string };
}

/** A TLS block: hosts and the Secret holding their certificate. */
export interface TlsEntry {
  readonly hosts: string[];
  readonly secretName: string;
}

/**
 * Everything a controller needs to render routes.
 * @internal
 */
export interface RouteTable {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly hosts: string[];
  readonly tls: TlsEntry[];
  readonly backend: RouteBackend;
  readonly routes: Route[];
  readonly annotations: Record<string, string>;
  /** Names one rendered group, given how many groups there are in all and of its protocol. */
  readonly groupName: (protocol: RouteProtocol, timeouts: RouteTimeouts, sameProtocolGroups: number, totalGroups: number) => string;
}

/**
 * Group naming of a service's own routes: `<name>` for HTTP, `<name>-ws` for WebSocket, plus
 * `-<idle seconds>s` when one protocol has several timeout profiles.
 * @internal
 */
export function serviceGroupName(name: string) {
  return (protocol: RouteProtocol, t: RouteTimeouts, sameProtocol: number): string => {
    const base = protocol === RouteProtocol.WEBSOCKET ? `${name}-ws` : name;
    return sameProtocol > 1 ? `${base}-${t.readSeconds}s` : base;
  };
}

/**
 * The prop names a renderer reports errors under (they differ between constructs).
 * @internal
 */
export interface RouteProps {
  /** The list of routes, e.g. `routes.routes` (RealtimeService) or `routes` (overlay). */
  readonly routes: string;
  /** The list of hosts. */
  readonly hosts: string;
  /** The controller. */
  readonly controller: string;
  /** The base name. */
  readonly name: string;
}

/** One rendered route group (one Ingress for ingress-nginx). */
export interface RenderedRouteGroup {
  /** The object rendered. */
  readonly resource: ApiObject;
  /** The routes it carries. */
  readonly routes: Route[];
  /** Their timeouts, as the routes declare them. */
  readonly timeouts: RouteTimeouts;
  /**
   * What is really enforced for them, per intent (the group's REST or WebSocket idle timeout and
   * its connect timeout), from the capability table: what TOPOLOGY.md draws.
   */
  readonly enforced: readonly EnforcedIntent[];
}


/** Checks an Ingress host name. @internal */
export function checkHost(check: Checker, prop: string, host: string): void {
  if (!isIngressHost(host)) {
    check.fail(prop, host, 'be a DNS name (a DNS-1123 subdomain, or "*." followed by one), not an IP address', 'use the public host name, e.g. "api.example.com"');
  }
}
