// The ingress controllers (an enum-like class) above the route model and the renderers: the
// factories live here because they need both (route.ts <- renderers <- this file).
// It also owns the check that every route intent is enforced by the controller or a declared hop,
// read from the capability table (controllers/capabilities.ts).
import { Construct } from 'constructs';
import { ControllerId, EnforcedIntent, RouteIntent, capabilityOf, enforcersOf, CONTROLLER_CAPABILITIES } from './controllers/capabilities';
import { Peer } from './network-policy';
import { Checker } from './private/checks';
import { RenderedRouteGroup, Route, RouteProps, RouteTable } from './route';
import { S, validateArgs } from './private/validate';
import { nginxAnnotationValueProblem } from './private/annotation-values';
import { AWS_ALB_CONTROLLER_PROPS, AwsAlbControllerProps, AwsAlbRenderer } from './renderers/aws-alb';
import { GATEWAY_API_CONTROLLER_PROPS, GatewayApiControllerProps, GatewayApiRenderer } from './renderers/gateway-api';
import { IngressNginxRenderer, NginxIngressControllerProps } from './renderers/ingress-nginx';
import { TRAEFIK_CONTROLLER_PROPS, TraefikControllerProps, TraefikRenderer } from './renderers/traefik';
import { Hop } from './timeout-budget';

export * from './route';
export type { NginxIngressControllerProps } from './renderers/ingress-nginx';

/** Public routes of a service. */
export interface RoutesOptions {
  /** The ingress controller that renders the routes. @default IngressController.nginx() */
  readonly controller?: IngressController;
  /** Public host names. */
  readonly hosts: string[];
  /** The routes. */
  readonly routes: Route[];
  /** Secret holding the certificate for all hosts. @default - no TLS section */
  readonly tlsSecretName?: string;
  /** Extra annotations (ingress-nginx keys are checked against an allowlist). @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * The hops between the clients and the ingress controller (CDN, cloud load balancer, L4 proxy),
   * in order. Each hop's idle timeout must hold the routes' connections: at least twice a route's
   * `heartbeatInterval`, or the route's own idle timeout when it declares no heartbeat (see
   * {@link checkTimeoutBudget}). Nothing is rendered for them; a hop whose idle cut the capability
   * table records as enforced (the global nginx stream proxy, `Hop.nginxStream`) and that equals a
   * WebSocket route's idle timeout is that route's idle-timeout enforcer when the controller has none
   * (Traefik).
   * @default - no hops declared; only the ingress controller's own timeouts are checked
   */
  readonly hops?: Hop[];
}

/**
 * The ingress controller that routes render for (an enum-like class).
 *
 * Each controller renders every route intent in its own field, as the capability table
 * ({@link CONTROLLER_CAPABILITIES}) records it, or refuses the intent: a REST timeout or WebSocket
 * idle timeout that the controller cannot enforce is refused unless a declared hop enforces it or
 * the controller's props acknowledge it (`acknowledgeUnenforced`); it is never rendered as a
 * silent no-op.
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
    return new RendererController(new IngressNginxRenderer(props));
  }

  /**
   * Traefik v3 (`IngressRoute`, traefik.io/v1alpha1): one IngressRoute per timeout profile, with
   * ``Host(`a`) && PathPrefix(`/x`)`` rules on the `websecure` entryPoint, each pointing at a
   * `ServersTransport` that carries what Traefik enforces (measured by `npm run test:traffic`):
   * `dialTimeout` from `connectTimeout`, and for HTTP routes `responseHeaderTimeout` from the
   * route's `timeout` (a slow response is cut until its headers arrive; a streaming response is
   * never cut).
   *
   * Nothing in Traefik closes a quiet upgraded connection (ServersTransport `idleConnTimeout`
   * governs pooled keep-alive connections only), so a WebSocket route's `idleTimeout` is refused
   * unless a declared hop enforces it (`routes.hops: [Hop.nginxStream(idle)]`, the global L4 proxy
   * whose `proxy_timeout` cuts quiet connections) or `acknowledgeUnenforced` lists
   * `RouteIntent.WS_IDLE_TIMEOUT`.
   *
   * The entryPoint `respondingTimeouts` are static configuration, not a CRD: declare the values
   * Traefik runs with in `entryPointTimeouts`. {@link traefikStaticConfig} writes a matching
   * static configuration.
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/serverstransport/
   */
  public static traefik(props: TraefikControllerProps = {}): IngressController {
    validateArgs('IngressController.traefik', 'IngressController', { props }, { props: TRAEFIK_CONTROLLER_PROPS });
    return new RendererController(new TraefikRenderer(props));
  }

  /**
   * Gateway API (`HTTPRoute`, gateway.networking.k8s.io/v1), attached to a Gateway, for the
   * implementation named in `implementation`: each route intent goes into that implementation's own
   * field (HTTPRoute `timeouts`, or its policy CRD), or is refused naming the implementation, the
   * intent and the alternatives. See {@link GatewayImplementation}.
   * @see https://gateway-api.sigs.k8s.io/guides/http-timeouts/
   */
  public static gatewayApi(props: GatewayApiControllerProps): IngressController {
    validateArgs('IngressController.gatewayApi', 'IngressController', { props }, { props: S.req(GATEWAY_API_CONTROLLER_PROPS, '{ gateway: { name: "edge", namespace: "gateway" }, implementation: GatewayImplementation.envoyGateway() }') });
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
   * plane); the VPC ranges of the load balancer for an AWS ALB with IP targets; Google's proxy
   * ranges for GKE's managed Gateway. An empty list means the sources are unknown, and constructs
   * that write a NetworkPolicy refuse it.
   */
  public get sources(): Peer[] {
    return [Peer.namespace(this.namespace)];
  }
  /** Short name of the controller, e.g. `nginx`. */
  public abstract readonly kind: string;
  /** The row of the capability table that says what this controller enforces. */
  public abstract readonly capabilities: ControllerId;

  /**
   * Renders the routes as objects under `scope`, and refuses every intent nothing enforces.
   * @internal
   */
  public abstract _render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable, hops?: readonly Hop[]): RenderedRouteGroup[];
}

/**
 * A controller-specific renderer behind an {@link IngressController} factory.
 * @internal
 */
export interface RouteRenderer {
  readonly kind: string;
  readonly namespace: string;
  readonly capabilities: ControllerId;
  /** Intents the user accepts as unenforced (`acknowledgeUnenforced`). */
  readonly acknowledged?: readonly RouteIntent[];
  /** Traffic sources, when they are not the controller's namespace. */
  readonly sources?: Peer[];
  render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[];
}

class RendererController extends IngressController {
  public readonly kind: string;
  public readonly namespace: string;
  public readonly capabilities: ControllerId;
  constructor(private readonly renderer: RouteRenderer) {
    super();
    this.kind = renderer.kind;
    this.namespace = renderer.namespace;
    this.capabilities = renderer.capabilities;
  }

  public override get sources(): Peer[] {
    return this.renderer.sources ?? super.sources;
  }

  public _render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable, hops: readonly Hop[] = []): RenderedRouteGroup[] {
    const groups = this.renderer.render(scope, check, props, table);
    return refuseUnenforced(check, props, table, this.capabilities, this.renderer.acknowledged ?? [], groups, hops);
  }
}

/** `RouteIntent.WS_IDLE_TIMEOUT`, for messages. */
function intentRef(intent: RouteIntent): string {
  const key = (Object.keys(RouteIntent) as Array<keyof typeof RouteIntent>).find((k) => RouteIntent[k] === intent);
  return `RouteIntent.${key}`;
}

/** `GatewayImplementation.traefik({ acknowledgeUnenforced: [RouteIntent.X] })`, from the table's factory text. */
function acknowledgeFix(controller: ControllerId, intent: RouteIntent): string {
  const factory = CONTROLLER_CAPABILITIES[controller].factory;
  return factory.replace(/\(\)$/, `({ acknowledgeUnenforced: [${intentRef(intent)}] })`);
}

const HOP_CAPABILITY: Readonly<Record<string, ControllerId>> = { 'nginx-stream': 'nginx-stream' };

/**
 * Checks that every REST timeout, WebSocket idle timeout and declared connect timeout of the
 * groups is enforced by the controller (its capability fact is `enforced` or `how`), by a declared
 * hop (WebSocket idle only: a hop whose idle cut is recorded as enforced and equals the route's
 * idle timeout), or acknowledged; refuses the first one that is none of these. Returns the groups
 * with what is really enforced (`enforced`), as TOPOLOGY.md draws it.
 */
function refuseUnenforced(check: Checker, props: RouteProps, table: RouteTable, controller: ControllerId, acknowledged: readonly RouteIntent[],
  groups: RenderedRouteGroup[], hops: readonly Hop[]): RenderedRouteGroup[] {
  const row = CONTROLLER_CAPABILITIES[controller];
  acknowledged.forEach((intent, i) => {
    const fact = row.facts[intent];
    if (fact === undefined) {
      check.fail(`${props.controller}.acknowledgeUnenforced[${i}]`, intent, `be a RouteIntent (${Object.values(RouteIntent).join(', ')})`, 'use the RouteIntent enum, e.g. RouteIntent.WS_IDLE_TIMEOUT');
    }
    if (fact.status === 'enforced') {
      check.fail(`${props.controller}.acknowledgeUnenforced[${i}]`, intentRef(intent), `name an intent ${row.name} does not enforce (it enforces this one: ${fact.how})`, `remove ${intentRef(intent)} from acknowledgeUnenforced`);
    }
  });
  const enforcingHops = hops.flatMap((hop, j) => {
    const id = HOP_CAPABILITY[hop.kind];
    if (id === undefined || capabilityOf(id, RouteIntent.WS_IDLE_TIMEOUT).status !== 'enforced') return [];
    const idle = hop._idleSeconds(check, `hops[${j}]`);
    return idle === undefined ? [] : [{ hop, id, idle }];
  });
  return groups.map((g) => {
    const enforced: EnforcedIntent[] = g.enforced.map((e) => {
      if (e.status !== 'not-enforced') return e;
      const route = g.routes[0];
      const prop = `${props.routes}[${table.routes.indexOf(route)}]`;
      const fact = row.facts[e.intent];
      const ws = e.intent === RouteIntent.WS_IDLE_TIMEOUT;
      const declared = e.intent === RouteIntent.CONNECT_TIMEOUT ? g.routes.find((r) => r.connectTimeoutDeclared) : route;
      if (declared === undefined) return e; // a defaulted connect timeout: nothing rendered, drawn as not enforced
      if (ws) {
        const hop = enforcingHops.find((h) => h.idle === g.timeouts.readSeconds);
        if (hop) return { intent: e.intent, status: 'enforced' as const, seconds: hop.idle, by: hop.id, field: 'proxy_timeout' };
      }
      if (acknowledged.includes(e.intent)) return e;
      const seconds = e.intent === RouteIntent.CONNECT_TIMEOUT ? g.timeouts.connectSeconds : g.timeouts.readSeconds;
      const field = e.intent === RouteIntent.CONNECT_TIMEOUT ? 'connectTimeout' : ws ? 'idleTimeout' : 'timeout';
      const what = ws ? 'WebSocket idle timeout' : e.intent === RouteIntent.REST_TIMEOUT ? 'REST timeout' : 'connect timeout';
      const others = [...(fact.alternative ? [fact.alternative] : []), ...enforcersOf(e.intent).map((c) => CONTROLLER_CAPABILITIES[c].factory)];
      const hopFix = ws
        ? (enforcingHops.length
          ? `set the route's idleTimeout to the declared hop's idle cut (Duration.seconds(${enforcingHops[0].idle})), so ${enforcingHops[0].id} enforces it; `
          : `declare the hop that enforces it (routes.hops: [Hop.nginxStream(Duration.seconds(${seconds}))] when a global nginx stream proxy with proxy_timeout ${seconds}s is in front); `)
        : '';
      check.fail(`${prop}.${field}`, `${seconds}s`,
        `be enforced by the controller${ws ? ' or a declared hop' : ''}: ${row.name} does not enforce a ${what} (${fact.how}), so the ${seconds}s declared for ${route.path} would be a silent no-op`,
        `${hopFix}render for a controller that enforces it (${others.join(', ')}); or accept it unenforced with ${acknowledgeFix(controller, e.intent)}`);
    });
    return { ...g, enforced };
  });
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

const NGINX = 'nginx.ingress.kubernetes.io/';

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
