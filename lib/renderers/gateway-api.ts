import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType, UdpRouteV1Alpha2 } from '../../imports/gateway.networking.k8s.io';
import { Checker } from '../private/checks';
import type { RenderedRouteGroup, RouteProps, RouteTable } from '../routing';
import { RouteProtocol } from '../routing';
import { durationString, groupId, groupRoutes, isPrefix, routeProp } from './common';
import { S, validateProps } from '../private/validate';

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

/** Properties of {@link IngressController.gatewayApi}. */
export interface GatewayApiControllerProps {
  /** The Gateway the HTTPRoutes attach to. */
  readonly gateway: GatewayRef;
  /**
   * Namespace the Gateway's data-plane pods (the proxies) run in; NetworkPolicies allow traffic
   * from it. Implementations differ (Envoy Gateway runs them in `envoy-gateway-system`).
   * @default - the Gateway's namespace (one of the two is required)
   */
  readonly proxyNamespace?: string;
}

/** The shape of {@link GatewayRef}. @internal */
export const GATEWAY_REF = S.obj('GatewayRef', { name: S.req(S.str(), '"edge"'), namespace: S.str(), sectionName: S.str() });

/** The shape of {@link GatewayApiControllerProps}. @internal */
export const GATEWAY_API_CONTROLLER_PROPS = S.obj('GatewayApiControllerProps', { gateway: S.req(GATEWAY_REF, '{ name: "edge", namespace: "gateway" }'), proxyNamespace: S.str() });

/** The most rules an HTTPRoute accepts (API validation). */
const MAX_RULES = 16;
/** The most hostnames an HTTPRoute accepts. */
const MAX_HOSTNAMES = 16;

function checkGatewayRef(check: Checker, prop: string, ref: GatewayRef): void {
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

/**
 * Renders routes as Gateway API `HTTPRoute`s (gateway.networking.k8s.io/v1), one per timeout
 * profile, one rule per route. Reached through {@link IngressController.gatewayApi}.
 * @internal
 */
export class GatewayApiRenderer {
  public readonly kind = 'gateway-api';
  constructor(private readonly props: GatewayApiControllerProps) {}

  public get namespace(): string {
    return this.props.proxyNamespace ?? this.props.gateway.namespace ?? '';
  }

  public render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    checkGatewayRef(check, `${props.controller}.gateway`, this.props.gateway);
    if (this.props.proxyNamespace !== undefined) check.namespace(`${props.controller}.proxyNamespace`, this.props.proxyNamespace);
    if (this.namespace === '') {
      check.fail(`${props.controller}.proxyNamespace`, undefined, 'be known: NetworkPolicies allow the Gateway\'s proxies by namespace', 'set gateway.namespace, or proxyNamespace when the proxies run elsewhere (e.g. "envoy-gateway-system")');
    }
    if (table.hosts.length > MAX_HOSTNAMES) check.fail(props.hosts, table.hosts, `list at most ${MAX_HOSTNAMES} hosts (HTTPRoute spec.hostnames)`, 'split the hosts over several constructs');
    if (table.tls.length > 0) {
      check.fail(`${props.controller}`, 'gateway-api', 'not be given TLS secrets: with the Gateway API, TLS terminates on the Gateway\'s listener (spec.listeners[].tls.certificateRefs)', 'remove the TLS secret from the routes and reference it on the Gateway\'s HTTPS listener');
    }
    const groups = groupRoutes(check, props, table);
    return groups.map((g) => {
      if (g.routes.length > MAX_RULES) {
        check.fail(props.routes, `${g.routes.length} ${g.protocol} routes`, `hold at most ${MAX_RULES} routes of one timeout profile (HTTPRoute spec.rules)`, 'give some routes their own timeouts, or split them over several constructs');
      }
      const ws = g.protocol === RouteProtocol.WEBSOCKET;
      // A WebSocket is one HTTP request that lasts as long as the connection: `request` would be a
      // hard cap on the connection's lifetime, so both timers are disabled ("0s"). The idle timeout
      // is not part of the HTTPRoute API: set it in the implementation's policy (see the TSDoc).
      const timeouts = ws
        ? { request: '0s', backendRequest: '0s' }
        : { request: durationString(g.timeouts.readSeconds), backendRequest: durationString(g.timeouts.readSeconds) };
      const resource = new HttpRoute(scope, groupId('HTTPRoute', g), {
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
              matches: [{ path: { type: isPrefix(route) ? HttpRouteSpecRulesMatchesPathType.PATH_PREFIX : HttpRouteSpecRulesMatchesPathType.EXACT, value: route.path } }],
              backendRefs: [{ group: '', kind: 'Service', name: table.backend.serviceName, port: number }],
              timeouts,
            };
          }),
        },
      });
      return { resource, routes: g.routes, timeouts: g.timeouts };
    });
  }
}

/** Properties of {@link GatewayUdpRoute}. */
export interface GatewayUdpRouteProps {
  /** Name of the UDPRoute. */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** The Gateway and its UDP listener (set `sectionName` to the UDP listener's name). */
  readonly gateway: GatewayRef;
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
  serviceName: S.req(S.str(), '"game-udp"'),
  port: S.req(S.int(), '7777'),
});

/**
 * A Gateway API `UDPRoute` (gateway.networking.k8s.io/v1alpha2, experimental channel) that sends
 * a Gateway's UDP listener to a Service: the Gateway API alternative to a UDP LoadBalancer
 * Service, for Gateways that support UDP listeners.
 *
 * A UDPRoute matches on the listener's port only (no hostnames), and has no idle timeout (the
 * Gateway API leaves UDP flow timeouts to the implementation). Gateway API v1.6 also serves
 * UDPRoute as `v1`; `v1alpha2` is served by every release that has UDPRoute.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#udproute
 */
export class GatewayUdpRoute extends Construct {
  /** The UDPRoute. */
  public readonly resource: UdpRouteV1Alpha2;

  constructor(scope: Construct, id: string, props: GatewayUdpRouteProps) {
    super(scope, id);
    const check = new Checker(this, 'GatewayUdpRoute');
    validateProps(this, 'GatewayUdpRoute', props, GATEWAY_UDP_ROUTE_PROPS);
    const name = check.objectName('name', props.name);
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    checkGatewayRef(check, 'gateway', props.gateway);
    if (props.gateway.sectionName === undefined) {
      check.fail('gateway.sectionName', undefined, 'name the Gateway\'s UDP listener (a UDPRoute attaches only to UDP listeners; without sectionName an implementation may attach it to none)', 'set gateway.sectionName to the UDP listener\'s name, e.g. "udp"');
    }
    check.serviceName('serviceName', props.serviceName);
    const port = check.portNumber('port', props.port);
    this.resource = new UdpRouteV1Alpha2(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        parentRefs: [parentRef(props.gateway)],
        rules: [{ backendRefs: [{ group: '', kind: 'Service', name: props.serviceName, port }] }],
      },
    });
  }
}
