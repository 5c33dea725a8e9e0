import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Peer } from './network-policy';
import { Checker } from './private/checks';
import { groupId, groupRoutes } from './renderers/common';
import { ingressPathProblem, isIngressHost } from './private/k8s-names';
import { S, enumNames, validateArgs } from './private/validate';
import { nginxAnnotationValueProblem } from './private/annotation-values';
import { AWS_ALB_CONTROLLER_PROPS, AwsAlbControllerProps, AwsAlbRenderer } from './renderers/aws-alb';
import { GATEWAY_API_CONTROLLER_PROPS, GatewayApiControllerProps, GatewayApiRenderer } from './renderers/gateway-api';
import { TRAEFIK_CONTROLLER_PROPS, TraefikControllerProps, TraefikRenderer } from './renderers/traefik';

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
  /** Their timeouts. */
  readonly timeouts: RouteTimeouts;
}

/** Properties of {@link IngressController.nginx}. */
export interface NginxIngressControllerProps {
  /**
   * `spec.ingressClassName` of the Ingresses.
   * @default 'nginx'
   */
  readonly className?: string;
  /**
   * Namespace the controller's pods run in; NetworkPolicies allow traffic from it through the
   * automatic `kubernetes.io/metadata.name` label.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
}

/**
 * The ingress controller that routes render for (an enum-like class).
 */
export abstract class IngressController {
  /**
   * ingress-nginx. Timeouts are per Ingress (annotations), so routes with different timeouts become
   * separate Ingresses: `<name>` for HTTP and `<name>-ws` for WebSocket routes. Timeouts are written
   * as plain integer strings: ingress-nginx silently turns `"3600s"` into its 60 s default.
   *
   * Note: ingress-nginx is retired upstream (no fixes after March 2026).
   * @see https://kubernetes.github.io/ingress-nginx/user-guide/miscellaneous/#websockets
   */
  public static nginx(props: NginxIngressControllerProps = {}): IngressController {
    validateArgs('IngressController.nginx', 'IngressController', { props }, { props: S.obj('NginxIngressControllerProps', { className: S.str(), namespace: S.str('dns-label', 'ingress-nginx') }) });
    return new NginxIngressController(props.className ?? 'nginx', props.namespace ?? 'ingress-nginx');
  }

  /**
   * Traefik v3 (`IngressRoute`, traefik.io/v1alpha1): one IngressRoute per timeout profile, with
   * ``Host(`a`) && PathPrefix(`/x`)`` rules on the `websecure` entryPoint, each pointing at a
   * `ServersTransport` that carries the profile's `forwardingTimeouts` (`dialTimeout` from
   * `connectTimeout`; `responseHeaderTimeout` from an HTTP route's `timeout`; `idleConnTimeout`
   * from a WebSocket route's `idleTimeout`).
   *
   * Traefik also closes connections at the entryPoint (`respondingTimeouts`: readTimeout 60 s in
   * v3, idleTimeout 180 s), which is static configuration, not a CRD: declare the values Traefik
   * runs with in `entryPointTimeouts`, and WebSocket routes with a longer idle timeout are refused.
   * {@link traefikStaticConfig} writes a matching static configuration.
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/serverstransport/
   */
  public static traefik(props: TraefikControllerProps = {}): IngressController {
    validateArgs('IngressController.traefik', 'IngressController', { props }, { props: TRAEFIK_CONTROLLER_PROPS });
    return new RendererController(new TraefikRenderer(props));
  }

  /**
   * Gateway API (`HTTPRoute`, gateway.networking.k8s.io/v1), attached to a Gateway: one HTTPRoute
   * per timeout profile, one rule per route with `matches` (PathPrefix or Exact) and `timeouts`.
   * HTTP routes get `request` and `backendRequest` from their `timeout`. WebSocket routes get
   * `"0s"` for both (no limit): `timeouts.request` covers the whole request, which for a WebSocket
   * is the connection's lifetime, so any value would cut long-lived connections. The WebSocket idle
   * timeout and `connectTimeout` have no HTTPRoute field: set them in the implementation's own
   * policy (e.g. Envoy Gateway's ClientTrafficPolicy / BackendTrafficPolicy).
   * @see https://gateway-api.sigs.k8s.io/guides/http-timeouts/
   */
  public static gatewayApi(props: GatewayApiControllerProps): IngressController {
    validateArgs('IngressController.gatewayApi', 'IngressController', { props }, { props: S.req(GATEWAY_API_CONTROLLER_PROPS, '{ gateway: { name: "edge", namespace: "gateway" } }') });
    return new RendererController(new GatewayApiRenderer(props));
  }

  /**
   * The AWS Load Balancer Controller: one Ingress (`ingressClassName: alb`) with
   * `alb.ingress.kubernetes.io/*` annotations for all routes. An ALB has one idle timeout for the
   * whole load balancer (`idle_timeout.timeout_seconds`, at most 4000 s) and no per-route timeout:
   * it must be at least the longest route timeout, so HTTP routes share it.
   *
   * With `AlbTargetType.IP` the ALB connects to the pods from its VPC addresses, not from a
   * namespace: a NetworkPolicy must allow the VPC's CIDR (e.g. `networkPolicy.allowFrom` with
   * `Peer.cidr(...)`).
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
   */
  public static awsAlb(props: AwsAlbControllerProps): IngressController {
    validateArgs('IngressController.awsAlb', 'IngressController', { props }, { props: S.req(AWS_ALB_CONTROLLER_PROPS, '{ idleTimeout: Duration.seconds(3600), scheme: AlbScheme.INTERNET_FACING }') });
    return new RendererController(new AwsAlbRenderer(props));
  }

  /** Namespace of the controller's pods (for NetworkPolicy allows). */
  public abstract readonly namespace: string;

  /**
   * Where the controller's traffic to the pods comes from, for NetworkPolicy allows: the
   * controller's namespace for in-cluster proxies (ingress-nginx, Traefik, a Gateway's data
   * plane); the VPC ranges of the load balancer for an AWS ALB with IP targets. An empty list
   * means the sources are unknown, and constructs that write a NetworkPolicy refuse it.
   */
  public get sources(): Peer[] {
    return [Peer.namespace(this.namespace)];
  }
  /** Short name of the controller, e.g. `nginx`. */
  public abstract readonly kind: string;

  /**
   * Renders the routes as objects under `scope`.
   * @internal
   */
  public abstract _render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[];
}

/**
 * A controller-specific renderer behind an {@link IngressController} factory.
 * @internal
 */
export interface RouteRenderer {
  readonly kind: string;
  readonly namespace: string;
  /** Traffic sources, when they are not the controller's namespace. */
  readonly sources?: Peer[];
  render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[];
}

class RendererController extends IngressController {
  public readonly kind: string;
  public readonly namespace: string;
  constructor(private readonly renderer: RouteRenderer) {
    super();
    this.kind = renderer.kind;
    this.namespace = renderer.namespace;
  }

  public override get sources(): Peer[] {
    return this.renderer.sources ?? super.sources;
  }

  public _render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    return this.renderer.render(scope, check, props, table);
  }
}

const NGINX = 'nginx.ingress.kubernetes.io/';

class NginxIngressController extends IngressController {
  public readonly kind = 'nginx';
  constructor(public readonly className: string, public readonly namespace: string) {
    super();
  }

  public _render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    check.objectName(`${props.controller}.className`, this.className);
    // One Ingress per group of routes that share a protocol and timeouts.
    const out: RenderedRouteGroup[] = [];
    for (const g of groupRoutes(check, props, table, '; with two Ingresses for one host and path, ingress-nginx silently keeps the oldest')) {
      const name = g.name;
      const id = groupId('Ingress', g);
      const paths = g.routes.map((route) => ({
        path: route.path,
        pathType: route.match,
        backend: { service: { name: table.backend.serviceName, port: table.backend.portOf(route, `${props.routes}[${table.routes.indexOf(route)}].port`) } },
      }));
      const resource = new ApiObject(scope, id, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name,
          namespace: table.namespace,
          labels: table.labels,
          annotations: {
            ...table.annotations,
            [`${NGINX}proxy-connect-timeout`]: String(g.timeouts.connectSeconds),
            [`${NGINX}proxy-read-timeout`]: String(g.timeouts.readSeconds),
            [`${NGINX}proxy-send-timeout`]: String(g.timeouts.sendSeconds),
          },
        },
        spec: {
          ingressClassName: this.className,
          ...(table.tls.length > 0 ? { tls: table.tls.map((t) => ({ hosts: t.hosts, secretName: t.secretName })) } : {}),
          rules: table.hosts.map((host) => ({ host, http: { paths } })),
        },
      });
      out.push({ resource, routes: g.routes, timeouts: g.timeouts });
    }
    return out;
  }
}

/**
 * The NetworkPolicy peers a controller's traffic comes from; refuses a controller that cannot say.
 * @internal
 */
export function controllerSources(check: Checker, prop: string, controller: IngressController): Peer[] {
  const sources = controller.sources;
  if (sources.length === 0) {
    check.fail(prop, controller.kind, 'say where its traffic comes from, so the NetworkPolicy can allow it (an AWS ALB reaches pods from VPC addresses, not from a namespace)',
      'pass sourceCidrs (the VPC or subnet ranges) to IngressController.awsAlb(...), or set networkPolicy: false');
  }
  sources.forEach((peer, i) => peer._check(check, `${prop}.sources[${i}]`));
  return sources;
}

/** Checks an Ingress host name. @internal */
export function checkHost(check: Checker, prop: string, host: string): void {
  if (!isIngressHost(host)) {
    check.fail(prop, host, 'be a DNS name (a DNS-1123 subdomain, or "*." followed by one), not an IP address', 'use the public host name, e.g. "api.example.com"');
  }
}

// ---- ingress-nginx annotation policy -------------------------------------------------------

/**
 * ingress-nginx annotations that user code may set. Everything else under
 * `nginx.ingress.kubernetes.io/` is refused: unknown keys are silently ignored by the controller
 * (e.g. `websocket-services`, which belongs to a different controller), and the rest are
 * Critical/High risk or server-scoped.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations-risk/
 */
export const NGINX_ANNOTATION_ALLOWLIST: readonly string[] = [
  'proxy-body-size', 'proxy-buffering', 'proxy-request-buffering', 'proxy-buffer-size', 'proxy-http-version',
  'proxy-next-upstream', 'proxy-next-upstream-tries', 'proxy-next-upstream-timeout',
  'ssl-redirect', 'force-ssl-redirect', 'backend-protocol',
  'limit-rps', 'limit-rpm', 'limit-connections', 'limit-burst-multiplier',
  'enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-allow-credentials', 'cors-max-age', 'cors-expose-headers',
  'affinity', 'affinity-mode', 'session-cookie-name', 'session-cookie-max-age', 'session-cookie-expires', 'session-cookie-path', 'session-cookie-samesite', 'session-cookie-secure',
  'whitelist-source-range', 'allowlist-source-range', 'denylist-source-range',
  'load-balance', 'service-upstream', 'client-body-buffer-size',
];

/** Annotation keys the route timeouts own; set them through Route options instead. */
const TIMEOUT_KEYS = ['proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout'];
/** Characters ingress-nginx and nginx treat as syntax; never allowed in an annotation value. */
const UNSAFE_VALUE = /[\r\n;{}'"`$#\\]/;
/** Words of the upstream-recommended `annotation-value-word-blocklist`. */
const BLOCKED_WORDS = ['load_module', 'lua_package', '_by_lua', 'location', 'root', 'proxy_pass', 'serviceaccount'];

/**
 * Checks user annotations for an ingress-nginx Ingress.
 * @internal
 */
export function checkNginxAnnotations(check: Checker, prop: string, annotations: Record<string, string>, sharedHost: boolean): void {
  for (const [key, value] of Object.entries(annotations)) {
    const p = `${prop}["${key}"]`;
    if (key.endsWith('-snippet') || key.includes('snippet')) {
      check.fail(p, key, 'not be a snippet annotation: a broken snippet stops the shared controller from reloading, and snippets have carried several CVEs', 'remove it; express the behaviour with typed props');
    }
    if (key.startsWith(NGINX)) {
      const short = key.slice(NGINX.length);
      if (TIMEOUT_KEYS.includes(short)) {
        check.fail(p, key, 'not be set directly: route timeouts own it (and ingress-nginx silently replaces a malformed value with 60 s)', 'use Route.websocket(path, { idleTimeout }) or Route.http(path, { timeout, connectTimeout })');
      }
      if (sharedHost && (short === 'use-regex' || short === 'rewrite-target')) {
        check.fail(p, key, 'not be set on a host shared with another Ingress: it turns every path on the host, including the owner\'s, into a case-insensitive regex', 'remove it and use plain Prefix or Exact paths');
      }
      const kindProblem = nginxAnnotationValueProblem(short, value);
      if (kindProblem) check.fail(p, value, `${kindProblem.allowed}: ingress-nginx ignores a value it cannot parse and keeps its default`, kindProblem.fix);
      if (!NGINX_ANNOTATION_ALLOWLIST.includes(short)) {
        check.fail(p, key, `be one of the allowed ingress-nginx annotations (${NGINX_ANNOTATION_ALLOWLIST.join(', ')}); unknown keys are ignored silently by the controller and risky ones can take over the shared controller`,
          short === 'websocket-services' ? 'remove it: ingress-nginx supports WebSockets out of the box and this key belongs to the NGINX Inc controller' : 'remove it, or open an issue to have it reviewed for the allowlist');
      }
    }
    if (UNSAFE_VALUE.test(value)) {
      check.fail(p, value, 'contain no newline, quote, backslash or any of ; { } ` $ #', 'remove the characters; annotation values reach the nginx configuration');
    }
    const lower = value.toLowerCase();
    const word = BLOCKED_WORDS.find((w) => lower.includes(w));
    if (word) check.fail(p, value, `not contain "${word}" (ingress-nginx annotation-value-word-blocklist)`, 'remove the word from the value');
  }
}
