import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type * as EnvoyGatewayCrds from '../../imports/gateway.envoyproxy.io';
import type * as KgatewayCrds from '../../imports/gateway.kgateway.dev';
import type * as NginxGatewayCrds from '../../imports/gateway.nginx.org';
import type * as GatewayApiCrds from '../../imports/gateway.networking.k8s.io';
import type * as GkeCrds from '../../imports/networking.gke.io';
import { CONTROLLER_CAPABILITIES, ControllerId, EnforcedIntent, RouteIntent, capabilityOf } from '../controllers/capabilities';
import { Peer } from '../network-policy';
import { Checker } from '../private/checks';
import type { RenderedRouteGroup, RouteProps, RouteTable } from '../route';
import { RouteProtocol } from '../route';
import { RouteGroup, durationString, enforcedFor, groupId, groupRoutes, isPrefix, routeProp } from './common';
import { S, enumNames, validateArgs, validateProps } from '../private/validate';
// The CRD bindings (imports/, ~1.4 MB of generated classes) load on first use: an app uses one or
// two controllers, and every process (a synth, a jest test file) would otherwise compile them all.
/* eslint-disable @typescript-eslint/no-require-imports */
const envoyGatewayCrds = (): typeof EnvoyGatewayCrds => require('../../imports/gateway.envoyproxy.io');
const kgatewayCrds = (): typeof KgatewayCrds => require('../../imports/gateway.kgateway.dev');
const nginxGatewayCrds = (): typeof NginxGatewayCrds => require('../../imports/gateway.nginx.org');
const gatewayApiCrds = (): typeof GatewayApiCrds => require('../../imports/gateway.networking.k8s.io');
const gkeCrds = (): typeof GkeCrds => require('../../imports/networking.gke.io');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The Gateway (listener) that routes attach to. */
export interface GatewayRef {
  /** Name of the Gateway. */
  readonly name: string;
  /**
   * Namespace of the Gateway; its listener must allow routes from the route's namespace
   * (`allowedRoutes.namespaces`).
   * @default - the route's own namespace
   */
  readonly namespace?: string;
  /**
   * Name of the listener to attach to (`parentRefs[].sectionName`).
   * @default - every listener of the Gateway that accepts the route
   */
  readonly sectionName?: string;
}

/** Options every {@link GatewayImplementation} takes. */
export interface GatewayImplementationOptions {
  /**
   * Route intents you accept that this implementation does not enforce, so they are not refused
   * (TOPOLOGY.md draws them as not enforced). Only intents whose capability fact is `not-enforced`
   * (see the README's "What each controller enforces") may be listed.
   * @default - none: an intent nothing enforces is refused
   */
  readonly acknowledgeUnenforced?: RouteIntent[];
}

/** Options of {@link GatewayImplementation.cilium}. */
export interface CiliumGatewayOptions extends GatewayImplementationOptions {
  /**
   * The cluster's Cilium operator flag `--proxy-stream-idle-timeout-seconds`: the only setting of a
   * Gateway listener's stream idle timeout (no CRD field), 300 s by default. It must be at least
   * every WebSocket route's idle timeout, or quiet WebSockets drop at the flag's value; declaring it
   * is the acknowledgement that the cluster's value covers the routes.
   * @default - not declared: WebSocket routes are refused (the 300 s default would cut them)
   * @see https://github.com/cilium/cilium/blob/v1.20.2/operator/pkg/ciliumenvoyconfig/cell.go
   */
  readonly streamIdleTimeout?: Duration;
}

/** Options of {@link GatewayImplementation.gkeGateway}. */
export interface GkeGatewayOptions extends GatewayImplementationOptions {
  /**
   * How long a WebSocket may live, idle or not: GKE's backend service timeout (GCPBackendPolicy
   * `default.timeoutSec`, 30 s when unset) caps a WebSocket connection's whole lifetime, so the app
   * must reconnect before it. Required when there are WebSocket routes; at least their idle timeout
   * and at most 24 h (Google recommends no more, its front ends restart periodically).
   * @default - not declared: WebSocket routes are refused
   * @see https://github.com/kubernetes/ingress-gce/blob/master/examples/websocket/README.md
   */
  readonly webSocketLifetime?: Duration;
  /**
   * The proxy-only subnet of the region, for the regional and internal GatewayClasses
   * (`gke-l7-regional-external-managed`, `gke-l7-rilb`): their Envoy proxies reach the pods from it.
   * @default - a global external GatewayClass: Google's front ends reach the pods from 35.191.0.0/16 and 130.211.0.0/22
   * @see https://cloud.google.com/load-balancing/docs/firewall-rules
   */
  readonly proxyOnlySubnet?: string;
}

const ACK = { acknowledgeUnenforced: S.arr(S.enumOf(enumNames('RouteIntent', RouteIntent)), '[RouteIntent.WS_IDLE_TIMEOUT]') };
const IMPL_OPTIONS = S.obj('GatewayImplementationOptions', ACK);
const CILIUM_OPTIONS = S.obj('CiliumGatewayOptions', { ...ACK, streamIdleTimeout: S.dur() });
const GKE_OPTIONS = S.obj('GkeGatewayOptions', { ...ACK, webSocketLifetime: S.dur(), proxyOnlySubnet: S.str() });

/** Google's front-end and health-check ranges for global external load balancers. */
const GOOGLE_FRONT_END_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
/** GKE: longest recommended backend service timeout (front ends restart periodically). */
const GKE_MAX_TIMEOUT = 86_400;

/**
 * The Gateway API implementation that runs the Gateway (an enum-like class). It decides where each
 * route intent goes: HTTPRoute `timeouts` where the implementation honours them, its own policy CRD
 * where it has one, or a refusal naming the implementation, the intent and the alternatives. What
 * each one enforces is the capability table (README, "What each controller enforces").
 */
export class GatewayImplementation {
  /**
   * Envoy Gateway: HTTPRoute `timeouts.request` / `backendRequest` for HTTP routes (a deadline on
   * the whole exchange); for WebSocket routes `timeouts.request: "0s"` (no deadline on the
   * connection's lifetime) plus a BackendTrafficPolicy targeting the HTTPRoute with
   * `timeout.http.streamIdleTimeout` = the idle timeout (without it `"0s"` also disables the idle
   * timeout and half-open connections are held forever); every group's BackendTrafficPolicy carries
   * `timeout.tcp.connectTimeout`. UDPRoute `v1`.
   * @see https://github.com/envoyproxy/gateway/blob/v1.9.1/api/v1alpha1/timeout_types.go
   * @see https://github.com/envoyproxy/gateway/blob/v1.9.1/internal/xds/translator/route.go
   */
  public static envoyGateway(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.envoyGateway', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-envoy-gateway', 'envoy-gateway', options);
  }

  /**
   * NGINX Gateway Fabric: it ignores HTTPRoute timeouts (the route stays Accepted with reason
   * UnsupportedField), so none are written; a ProxySettingsPolicy per HTTPRoute sets
   * `timeout.read` / `send` (the REST timeout, or the WebSocket idle timeout: without it nginx's
   * 60 s closes quiet WebSockets) and `timeout.connect`. UDPRoute `v1alpha2` (experimental channel).
   * @see https://github.com/nginx/nginx-gateway-fabric/blob/v2.6.7/apis/v1alpha1/proxysettingspolicy_types.go
   */
  public static nginxGatewayFabric(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.nginxGatewayFabric', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-nginx-gateway-fabric', 'nginx-gateway-fabric', options);
  }

  /**
   * Traefik's Gateway provider. It ignores HTTPRoute timeouts (measured: a 3 s `timeouts.request`
   * let a 6 s request through, route Accepted) and nothing cuts a quiet WebSocket, so both are
   * refused unless acknowledged. Refusing is the default because an accepted-and-ignored timeout
   * is exactly the silent no-op this library exists to prevent; the fix points to
   * `IngressController.traefik()`, whose ServersTransport does enforce a REST timeout (until the
   * response headers). No UDPRoute.
   * @see https://github.com/traefik/traefik/issues/11902
   */
  public static traefik(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.traefik', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-traefik', 'traefik', options);
  }

  /**
   * Istio: HTTPRoute `timeouts` for HTTP routes, `"0s"` (no timeout) for WebSocket routes. Istio 1.30
   * has no stream idle timeout and no Gateway API field for one, so a WebSocket idle timeout is
   * refused unless acknowledged. No UDPRoute.
   * @see https://github.com/istio/istio/blob/1.30.3/pilot/pkg/config/kube/gateway/conversion.go
   */
  public static istio(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.istio', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-istio', 'istio', options);
  }

  /**
   * Cilium: HTTPRoute `timeouts` for HTTP routes, `"0s"` for WebSocket routes. The stream idle
   * timeout is the cluster-wide operator flag only (300 s by default): WebSocket routes need
   * `streamIdleTimeout` declared, at least their idle timeout. UDPRoute `v1`.
   * @see https://github.com/cilium/cilium/blob/v1.20.2/operator/pkg/model/ingestion/gateway.go
   */
  public static cilium(options: CiliumGatewayOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.cilium', 'GatewayImplementation', { options }, { options: CILIUM_OPTIONS });
    return new GatewayImplementation('gateway-cilium', 'cilium', options);
  }

  /**
   * kgateway: HTTPRoute `timeouts` for HTTP routes; for WebSocket routes a TrafficPolicy targeting
   * the HTTPRoute with `timeouts.request: "0s"` and `timeouts.streamIdle` = the idle timeout
   * (without it Envoy's 5 min stream idle timeout closes quiet WebSockets). No UDPRoute.
   * @see https://kgateway.dev/docs/main/resiliency/timeouts/idle-stream
   */
  public static kgateway(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.kgateway', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-kgateway', 'kgateway', options);
  }

  /**
   * The GKE Gateway controller: one GCPBackendPolicy per Service with `default.timeoutSec`, GKE's
   * backend service timeout (30 s when unset). It is one value per Service and, for a WebSocket,
   * a cap on the connection's whole lifetime: WebSocket routes need `webSocketLifetime`, and HTTP
   * routes on the same Service must then share that value (or acknowledge the REST timeout).
   * NetworkPolicies allow Google's proxy ranges, not a namespace. No UDPRoute.
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources
   */
  public static gkeGateway(options: GkeGatewayOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.gkeGateway', 'GatewayImplementation', { options }, { options: GKE_OPTIONS });
    return new GatewayImplementation('gateway-gke', 'gke', options);
  }

  /**
   * Any implementation, standard fields only: HTTPRoute `timeouts` for HTTP routes (honoured where
   * the implementation supports them), `"0s"` for WebSocket routes. Gateway API has no idle
   * timeout, so a WebSocket idle timeout is refused unless acknowledged, naming the implementations
   * that enforce one.
   */
  public static generic(options: GatewayImplementationOptions = {}): GatewayImplementation {
    validateArgs('GatewayImplementation.generic', 'GatewayImplementation', { options }, { options: IMPL_OPTIONS });
    return new GatewayImplementation('gateway-generic', 'generic', options);
  }

  private constructor(
    /** The capability table row. */
    public readonly capabilities: ControllerId,
    /** Short name, e.g. `envoy-gateway`. */
    public readonly name: string,
    /** @internal */
    public readonly _options: GatewayImplementationOptions & CiliumGatewayOptions & GkeGatewayOptions,
  ) {}

  /** Display name from the capability table. */
  public get displayName(): string {
    return CONTROLLER_CAPABILITIES[this.capabilities].name;
  }

  /** Whether this implementation routes UDPRoutes, and at which API version. @internal */
  public get _udpVersion(): 'v1' | 'v1alpha2' | undefined {
    const fact = capabilityOf(this.capabilities, RouteIntent.UDP);
    if (fact.status === 'not-enforced') return undefined;
    return this.capabilities === 'gateway-nginx-gateway-fabric' ? 'v1alpha2' : 'v1';
  }
}

/** Properties of {@link IngressController.gatewayApi}. */
export interface GatewayApiControllerProps {
  /** The Gateway the HTTPRoutes attach to. */
  readonly gateway: GatewayRef;
  /** The implementation that runs the Gateway: it decides which fields and policies enforce each intent. */
  readonly implementation: GatewayImplementation;
  /**
   * Namespace the Gateway's data-plane pods (the proxies) run in; NetworkPolicies allow traffic
   * from it. Implementations differ (Envoy Gateway runs them in `envoy-gateway-system`). Not used
   * for GKE, whose proxies are Google's.
   * @default - the Gateway's namespace (one of the two is required, except for GKE)
   */
  readonly proxyNamespace?: string;
}

/** The shape of {@link GatewayRef}. @internal */
export const GATEWAY_REF = S.obj('GatewayRef', { name: S.req(S.str(), '"edge"'), namespace: S.str(), sectionName: S.str() });

const IMPLEMENTATION = S.inst(() => GatewayImplementation, 'a GatewayImplementation', 'use GatewayImplementation.envoyGateway() (or the implementation your cluster runs)');

/** The shape of {@link GatewayApiControllerProps}. @internal */
export const GATEWAY_API_CONTROLLER_PROPS = S.obj('GatewayApiControllerProps', {
  gateway: S.req(GATEWAY_REF, '{ name: "edge", namespace: "gateway" }'),
  implementation: S.req(IMPLEMENTATION, 'GatewayImplementation.envoyGateway()'),
  proxyNamespace: S.str(),
});

/** The most rules an HTTPRoute accepts (API validation). */
const MAX_RULES = 16;
/** The most hostnames an HTTPRoute accepts. */
const MAX_HOSTNAMES = 16;

function checkGatewayRef(check: Checker, prop: string, ref: GatewayRef): void {
  if (ref === undefined || ref === null || typeof ref !== 'object') {
    check.fail(prop, ref, 'be the Gateway the routes attach to: { name, namespace?, sectionName? }', 'pass gateway: { name: "public", namespace: "gateways" }');
  }
  check.objectName(`${prop}.name`, ref.name);
  if (ref.namespace !== undefined) check.namespace(`${prop}.namespace`, ref.namespace);
  if (ref.sectionName !== undefined) check.objectName(`${prop}.sectionName`, ref.sectionName);
}

function parentRef(ref: GatewayRef) {
  return {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: ref.name,
    ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
  };
}

const IMPLEMENTATIONS = 'GatewayImplementation.envoyGateway(), nginxGatewayFabric(), traefik(), istio(), cilium(), kgateway(), gkeGateway() or generic()';

/** Checks the implementation prop (also for plain JavaScript callers). @internal */
export function checkImplementation(check: Checker, prop: string, implementation: unknown): GatewayImplementation {
  if (!(implementation instanceof GatewayImplementation)) {
    check.fail(prop, implementation, `be the Gateway API implementation that runs the Gateway (${IMPLEMENTATIONS}): implementations enforce timeouts in different fields, and some ignore HTTPRoute timeouts`,
      'pass implementation: GatewayImplementation.envoyGateway() (or the one your cluster runs); GatewayImplementation.generic() writes standard fields only');
  }
  return implementation;
}

/** The Gateway API field an implementation enforces a group's timeout intent with, for TOPOLOGY.md. */
const TIMEOUT_FIELD: Readonly<Record<string, { rest: string; ws: string; connect: string }>> = {
  'gateway-envoy-gateway': { rest: 'timeouts.request', ws: 'BackendTrafficPolicy streamIdleTimeout', connect: 'BackendTrafficPolicy connectTimeout' },
  'gateway-nginx-gateway-fabric': { rest: 'ProxySettingsPolicy timeout.read', ws: 'ProxySettingsPolicy timeout.read', connect: 'ProxySettingsPolicy timeout.connect' },
  'gateway-traefik': { rest: '', ws: '', connect: '' },
  'gateway-istio': { rest: 'timeouts.request', ws: '', connect: '' },
  'gateway-cilium': { rest: 'timeouts.request', ws: 'cilium --proxy-stream-idle-timeout-seconds', connect: '' },
  'gateway-kgateway': { rest: 'timeouts.request', ws: 'TrafficPolicy timeouts.streamIdle', connect: '' },
  'gateway-gke': { rest: 'GCPBackendPolicy timeoutSec', ws: 'GCPBackendPolicy timeoutSec, lifetime cap', connect: '' },
  'gateway-generic': { rest: 'timeouts.request', ws: '', connect: '' },
};

/**
 * Renders routes as Gateway API `HTTPRoute`s (gateway.networking.k8s.io/v1), one per timeout
 * profile, one rule per route, plus the implementation's policy objects. Reached through
 * {@link IngressController.gatewayApi}.
 * @internal
 */
export class GatewayApiRenderer {
  public readonly kind = 'gateway-api';
  constructor(private readonly props: GatewayApiControllerProps) {}

  public get capabilities(): ControllerId {
    return this.props.implementation instanceof GatewayImplementation ? this.props.implementation.capabilities : 'gateway-generic';
  }

  public get acknowledged(): readonly RouteIntent[] {
    return this.props.implementation instanceof GatewayImplementation ? [...(this.props.implementation._options.acknowledgeUnenforced ?? [])] : [];
  }

  public get namespace(): string {
    return this.props.proxyNamespace ?? this.props.gateway?.namespace ?? '';
  }

  /** GKE's managed proxies reach the pods from Google's ranges (or the proxy-only subnet), not from a namespace. */
  public get sources(): Peer[] | undefined {
    const impl = this.props.implementation;
    if (!(impl instanceof GatewayImplementation) || impl.capabilities !== 'gateway-gke') return undefined;
    const subnet = impl._options.proxyOnlySubnet;
    return subnet !== undefined ? [Peer.cidr(subnet)] : GOOGLE_FRONT_END_RANGES.map((c) => Peer.cidr(c));
  }

  public render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    const c = props.controller;
    checkGatewayRef(check, `${c}.gateway`, this.props.gateway);
    const impl = checkImplementation(check, `${c}.implementation`, this.props.implementation);
    const id = impl.capabilities;
    if (this.props.proxyNamespace !== undefined) check.namespace(`${c}.proxyNamespace`, this.props.proxyNamespace);
    if (this.namespace === '' && id !== 'gateway-gke') {
      check.fail(`${c}.proxyNamespace`, undefined, 'be known: NetworkPolicies allow the Gateway\'s proxies by namespace', 'set gateway.namespace, or proxyNamespace when the proxies run elsewhere (e.g. "envoy-gateway-system")');
    }
    if (table.hosts.length > MAX_HOSTNAMES) check.fail(props.hosts, table.hosts, `list at most ${MAX_HOSTNAMES} hosts (HTTPRoute spec.hostnames)`, 'split the hosts over several constructs');
    if (table.tls.length > 0) {
      check.fail(`${c}`, 'gateway-api', 'not be given TLS secrets: with the Gateway API, TLS terminates on the Gateway\'s listener (spec.listeners[].tls.certificateRefs)', 'remove the TLS secret from the routes and reference it on the Gateway\'s HTTPS listener');
    }
    const groups = groupRoutes(check, props, table);
    const opts = impl._options;
    const wsGroups = groups.filter((g) => g.protocol === RouteProtocol.WEBSOCKET);
    const longestWs = wsGroups.reduce<RouteGroup | undefined>((a, g) => (a === undefined || g.timeouts.readSeconds > a.timeouts.readSeconds ? g : a), undefined);
    const wsProp = (g: RouteGroup) => `${routeProp(props, table, g.routes[0])}.idleTimeout`;

    // Cilium: the stream idle timeout is the cluster's operator flag; it must be declared and hold every WebSocket route.
    let ciliumIdle: number | undefined;
    if (id === 'gateway-cilium' && longestWs) {
      if (opts.streamIdleTimeout === undefined) {
        check.fail(wsProp(longestWs), `${longestWs.timeouts.readSeconds}s`,
          `be covered by the cluster's Cilium stream idle timeout, which only the operator flag --proxy-stream-idle-timeout-seconds sets (300 s by default, so a quiet WebSocket on ${longestWs.routes[0].path} would drop at 5 min)`,
          `set the flag to ${longestWs.timeouts.readSeconds} or more and declare it: GatewayImplementation.cilium({ streamIdleTimeout: Duration.seconds(${longestWs.timeouts.readSeconds}) })`);
      }
      ciliumIdle = check.seconds(`${c}.implementation.streamIdleTimeout`, opts.streamIdleTimeout, 1, 31_536_000);
      if (ciliumIdle < longestWs.timeouts.readSeconds) {
        check.fail(`${c}.implementation.streamIdleTimeout`, `${ciliumIdle}s`,
          `be at least the idle timeout of route ${longestWs.routes[0].path} (${longestWs.timeouts.readSeconds}s): Cilium would close a quiet WebSocket after ${ciliumIdle}s`,
          `raise --proxy-stream-idle-timeout-seconds to ${longestWs.timeouts.readSeconds} and declare it, or lower the route's idleTimeout to Duration.seconds(${ciliumIdle})`);
      }
    }

    // GKE: one backend service timeout per Service; for a WebSocket a lifetime cap.
    let gkeTimeout: number | undefined;
    if (id === 'gateway-gke') {
      if (opts.proxyOnlySubnet !== undefined) Peer.cidr(opts.proxyOnlySubnet)._check(check, `${c}.implementation.proxyOnlySubnet`);
      if (longestWs) {
        if (opts.webSocketLifetime === undefined) {
          check.fail(`${c}.implementation.webSocketLifetime`, undefined,
            `be set when there are WebSocket routes: GKE's backend service timeout (GCPBackendPolicy timeoutSec, 30 s by default) caps a WebSocket's whole lifetime, idle or not, so the WebSocket on ${longestWs.routes[0].path} would be cut after 30 s`,
            `set GatewayImplementation.gkeGateway({ webSocketLifetime: Duration.seconds(${longestWs.timeouts.readSeconds}) }) or longer (at most 24 h), and make the app reconnect before it`);
        }
        const life = check.seconds(`${c}.implementation.webSocketLifetime`, opts.webSocketLifetime, 1, GKE_MAX_TIMEOUT, 'use Duration.seconds(1) to Duration.hours(24) (Google recommends no backend timeout above 24 h)');
        if (life < longestWs.timeouts.readSeconds) {
          check.fail(`${c}.implementation.webSocketLifetime`, `${life}s`, `be at least the idle timeout of route ${longestWs.routes[0].path} (${longestWs.timeouts.readSeconds}s): every WebSocket would be cut after ${life}s, before its idle window`,
            `set webSocketLifetime to Duration.seconds(${longestWs.timeouts.readSeconds}) or more, or lower the route's idleTimeout`);
        }
        gkeTimeout = life;
      } else {
        gkeTimeout = Math.max(...groups.map((g) => g.timeouts.readSeconds));
      }
      const ack = (opts.acknowledgeUnenforced ?? []).includes(RouteIntent.REST_TIMEOUT);
      for (const g of groups) {
        if (g.protocol === RouteProtocol.WEBSOCKET || g.timeouts.readSeconds === gkeTimeout || ack) continue;
        const route = g.routes[0];
        check.fail(`${routeProp(props, table, route)}.timeout`, `${g.timeouts.readSeconds}s`,
          `be the Service's one backend service timeout (${gkeTimeout}s): GKE sets one GCPBackendPolicy timeoutSec per Service${longestWs ? ', and the WebSocket routes on it need their lifetime' : ', and the routes on it differ'}, so ${route.path} would be cut at ${gkeTimeout}s, not ${g.timeouts.readSeconds}s`,
          `serve the ${longestWs ? 'WebSockets' : 'routes'} from separate Services, give the routes one timeout, or accept it with GatewayImplementation.gkeGateway({ acknowledgeUnenforced: [RouteIntent.REST_TIMEOUT] })`);
      }
    }

    const fields = TIMEOUT_FIELD[id];
    const out = groups.map((g) => {
      if (g.routes.length > MAX_RULES) {
        check.fail(props.routes, `${g.routes.length} ${g.protocol} routes`, `hold at most ${MAX_RULES} routes of one timeout profile (HTTPRoute spec.rules)`, 'give some routes their own timeouts, or split them over several constructs');
      }
      const ws = g.protocol === RouteProtocol.WEBSOCKET;
      const timeouts = ruleTimeouts(id, ws, g.timeouts.readSeconds);
      const resource = new (gatewayApiCrds().HttpRoute)(scope, groupId('HTTPRoute', g), {
        metadata: { name: g.name, namespace: table.namespace, labels: table.labels, ...(Object.keys(table.annotations).length ? { annotations: table.annotations } : {}) },
        spec: {
          parentRefs: [parentRef(this.props.gateway)],
          hostnames: [...table.hosts],
          rules: g.routes.map((route) => {
            const prop = `${routeProp(props, table, route)}.port`;
            const port = table.backend.portOf(route, prop);
            const number = port.number ?? (port.name !== undefined ? table.backend.servicePorts?.[port.name] : undefined);
            if (number === undefined) {
              check.fail(prop, port.name, 'resolve to a Service port number: Gateway API backendRefs take port numbers, not names', 'give the Service port by number');
            }
            return {
              matches: [{ path: { type: isPrefix(route) ? gatewayApiCrds().HttpRouteSpecRulesMatchesPathType.PATH_PREFIX : gatewayApiCrds().HttpRouteSpecRulesMatchesPathType.EXACT, value: route.path } }],
              backendRefs: [{ group: '', kind: 'Service', name: table.backend.serviceName, port: number }],
              ...(timeouts ? { timeouts } : {}),
            };
          }),
        },
      });
      const meta = { name: g.name, namespace: table.namespace, labels: table.labels };
      const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: g.name }];
      const secs = durationString;
      if (id === 'gateway-envoy-gateway') {
        new (envoyGatewayCrds().BackendTrafficPolicy)(scope, groupId('BackendTrafficPolicy', g), {
          metadata: meta,
          spec: {
            targetRefs,
            timeout: {
              tcp: { connectTimeout: secs(g.timeouts.connectSeconds) },
              ...(ws ? { http: { streamIdleTimeout: secs(g.timeouts.readSeconds) } } : {}),
            },
          },
        });
      } else if (id === 'gateway-nginx-gateway-fabric') {
        new (nginxGatewayCrds().ProxySettingsPolicy)(scope, groupId('ProxySettingsPolicy', g), {
          metadata: meta,
          spec: { targetRefs, timeout: { connect: secs(g.timeouts.connectSeconds), read: secs(g.timeouts.readSeconds), send: secs(g.timeouts.sendSeconds) } },
        });
      } else if (id === 'gateway-kgateway' && ws) {
        new (kgatewayCrds().TrafficPolicy)(scope, groupId('TrafficPolicy', g), {
          metadata: meta,
          spec: { targetRefs, timeouts: { request: '0s', streamIdle: secs(g.timeouts.readSeconds) } },
        });
      }
      const seconds = ws && id === 'gateway-cilium' ? ciliumIdle : id === 'gateway-gke' ? gkeTimeout : g.timeouts.readSeconds;
      const enforced: EnforcedIntent[] = enforcedFor(id, g, { timeout: ws ? fields.ws : fields.rest, connect: fields.connect }, seconds);
      return { resource, routes: g.routes, timeouts: g.timeouts, enforced };
    });
    if (id === 'gateway-gke') {
      new (gkeCrds().GcpBackendPolicy)(scope, 'GCPBackendPolicy', {
        metadata: { name: table.backend.serviceName, namespace: table.namespace, labels: table.labels },
        spec: { targetRef: { group: '', kind: 'Service', name: table.backend.serviceName }, default: { timeoutSec: gkeTimeout } },
      });
    }
    return out;
  }
}

/**
 * The HTTPRoute rule `timeouts` an implementation gets: none where they are ignored (NGINX Gateway
 * Fabric, Traefik) or set elsewhere (GKE, and kgateway's WebSocket rules, whose TrafficPolicy sets
 * them); for WebSocket rules `"0s"` (no deadline on the connection's lifetime); for HTTP rules the
 * route's timeout in `request` and `backendRequest`.
 */
function ruleTimeouts(id: ControllerId, ws: boolean, seconds: number): { request: string; backendRequest: string } | undefined {
  if (id === 'gateway-nginx-gateway-fabric' || id === 'gateway-traefik' || id === 'gateway-gke') return undefined;
  if (ws) return id === 'gateway-kgateway' ? undefined : { request: '0s', backendRequest: '0s' };
  return { request: durationString(seconds), backendRequest: durationString(seconds) };
}

/** Properties of {@link GatewayUdpRoute}. */
export interface GatewayUdpRouteProps {
  /** Name of the UDPRoute. */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** The Gateway and its UDP listener (set `sectionName` to the UDP listener's name). */
  readonly gateway: GatewayRef;
  /**
   * The implementation that runs the Gateway: it decides the UDPRoute's API version (`v1` for Envoy
   * Gateway and Cilium, `v1alpha2` for NGINX Gateway Fabric), and implementations without UDPRoute
   * support are refused.
   */
  readonly implementation: GatewayImplementation;
  /** The Service that receives the datagrams. */
  readonly serviceName: string;
  /** Its UDP port number. */
  readonly port: number;
}

/** The shape of {@link GatewayUdpRouteProps}, checked before anything reads the props. @internal */
export const GATEWAY_UDP_ROUTE_PROPS = S.obj('GatewayUdpRouteProps', {
  name: S.req(S.str(), '"game-udp"'),
  namespace: S.str(),
  gateway: S.req(GATEWAY_REF, '{ name: "edge", sectionName: "udp" }'),
  implementation: S.req(IMPLEMENTATION, 'GatewayImplementation.envoyGateway()'),
  serviceName: S.req(S.str(), '"game-udp"'),
  port: S.req(S.int(), '7777'),
});

/**
 * A Gateway API `UDPRoute` that sends a Gateway's UDP listener to a Service: the Gateway API
 * alternative to a UDP LoadBalancer Service, for implementations that route UDP (the capability
 * table's `udp` column): Envoy Gateway and Cilium read `gateway.networking.k8s.io/v1` (standard
 * channel since Gateway API v1.6), NGINX Gateway Fabric 2.6 only `v1alpha2` (the experimental CRD,
 * with `--gateway-api-experimental-features`). Istio, kgateway, Traefik's Gateway provider and GKE
 * are refused, pointing to a UDP LoadBalancer Service (`udp` of a RealtimeService, or
 * {@link UdpLoadBalancer}).
 *
 * A UDPRoute matches on the listener's port only (no hostnames), and has no idle timeout (the
 * Gateway API leaves UDP flow timeouts to the implementation).
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#udproute
 */
export class GatewayUdpRoute extends Construct {
  /** The UDPRoute. */
  public readonly resource: GatewayApiCrds.UdpRoute | GatewayApiCrds.UdpRouteV1Alpha2;

  constructor(scope: Construct, id: string, props: GatewayUdpRouteProps) {
    super(scope, id);
    const check = new Checker(this, 'GatewayUdpRoute');
    validateProps(this, 'GatewayUdpRoute', props, GATEWAY_UDP_ROUTE_PROPS);
    const name = check.objectName('name', props.name);
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    checkGatewayRef(check, 'gateway', props.gateway);
    const impl = checkImplementation(check, 'implementation', props.implementation);
    const version = impl._udpVersion;
    if (version === undefined) {
      const fact = capabilityOf(impl.capabilities, RouteIntent.UDP);
      check.fail('implementation', impl.name, `route UDP: ${impl.displayName} does not (${fact.how})`,
        'send UDP through a UDP LoadBalancer Service (the `udp` endpoint of a RealtimeService, or UdpLoadBalancer), or run a Gateway whose implementation routes UDPRoutes: GatewayImplementation.envoyGateway(), cilium() or nginxGatewayFabric()');
    }
    if (props.gateway.sectionName === undefined) {
      check.fail('gateway.sectionName', undefined, 'name the Gateway\'s UDP listener (a UDPRoute attaches only to UDP listeners; without sectionName an implementation may attach it to none)', 'set gateway.sectionName to the UDP listener\'s name, e.g. "udp"');
    }
    check.serviceName('serviceName', props.serviceName);
    const port = check.portNumber('port', props.port);
    const spec = {
      parentRefs: [parentRef(props.gateway)],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: props.serviceName, port }] }],
    };
    this.resource = version === 'v1alpha2'
      ? new (gatewayApiCrds().UdpRouteV1Alpha2)(this, 'Resource', { metadata: { name, namespace }, spec })
      : new (gatewayApiCrds().UdpRoute)(this, 'Resource', { metadata: { name, namespace }, spec });
  }
}
