import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { OWNERSHIP_LABELS } from './managed-ingress-overlay';
import { Checker } from './private/checks';
import { S, enumNames, routeFix, validateProps } from './private/validate';
import { IngressController, PathMatch, RenderedRouteGroup, Route, RouteProtocol, checkHost } from './routing';
import { Hop, checkTimeoutBudget } from './timeout-budget';

/** One path rule of the owner's HTTPRoute. */
export interface OwnerRoutePath {
  /** The path value, e.g. `/`. */
  readonly path: string;
  /**
   * Its match type.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
}

/**
 * The Gateway listener, main HTTPRoute and Service that belong to someone else (a platform team,
 * a Helm release). The overlay refers to them by name and never emits them.
 */
export interface HttpRouteOwner {
  /** Name of the owner's HTTPRoute. The overlay's HTTPRoutes must be named otherwise. */
  readonly routeName: string;
  /** Name of the owner's Service that the overlay's paths route to. */
  readonly serviceName: string;
  /** Port number of the owner's Service (Gateway API backendRefs take numbers). */
  readonly servicePort: number;
  /**
   * The path rules of the owner's HTTPRoute on the same hosts: the overlay's paths must outrank
   * every one of them under Gateway API precedence (an Exact match beats every Prefix match; a
   * longer Prefix beats a shorter one), and a tie is refused (ties go to the oldest route, usually
   * the owner's).
   * @default [{ path: '/', match: PathMatch.PREFIX }]
   */
  readonly paths?: OwnerRoutePath[];
}

/** Properties of {@link ManagedRouteOverlay}. */
export interface ManagedRouteOverlayProps {
  /**
   * Name of the overlay's HTTPRoute (and policies); with several timeout profiles `<name>-http` and
   * `<name>-ws` (plus `-<idle seconds>s`). Every name must differ from the owner's HTTPRoute.
   */
  readonly name: string;
  /** Namespace (the owner's). @default - the Chart's namespace */
  readonly namespace?: string;
  /** The objects someone else owns. */
  readonly owner: HttpRouteOwner;
  /** Hosts of the owner's HTTPRoute that get the extra paths. */
  readonly hosts: string[];
  /** The extra paths, each with its own timeouts. */
  readonly routes: Route[];
  /**
   * The owner's Gateway and its implementation: `IngressController.gatewayApi({ gateway, implementation })`,
   * with `gateway.sectionName` naming the owner's listener.
   */
  readonly controller: IngressController;
  /**
   * Extra labels. Ownership labels (`app.kubernetes.io/managed-by`, `app.kubernetes.io/instance`,
   * `helm.sh/chart`) are refused: the owner would adopt or prune the overlay.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The hops between the clients and the Gateway, checked like {@link ManagedIngressOverlay}'s.
   * @default - none declared
   */
  readonly hops?: Hop[];
}

/** The shape of {@link ManagedRouteOverlayProps}, checked before anything reads the props. @internal */
export const MANAGED_ROUTE_OVERLAY_PROPS = S.obj('ManagedRouteOverlayProps', {
  name: S.req(S.str(), '"cloud-ws"'),
  namespace: S.str(),
  owner: S.req(S.obj('HttpRouteOwner', {
    routeName: S.req(S.str(), '"cloud"'),
    serviceName: S.req(S.str(), '"cloud"'),
    servicePort: S.req(S.int(), '80'),
    paths: S.arr(S.obj('OwnerRoutePath', { path: S.req(S.str(), '"/"'), match: S.enumOf(enumNames('PathMatch', PathMatch)) }), '[{ path: "/" }]'),
  }), '{ routeName: "cloud", serviceName: "cloud", servicePort: 80 }'),
  hosts: S.req(S.arr(S.str(), '["api.example.com"]'), '["api.example.com"]'),
  routes: S.req(S.arr(S.inst(() => Route, 'a Route made by Route.http(...) or Route.websocket(...)', routeFix)), '[Route.websocket("/ws")]'),
  controller: S.req(S.inst(() => IngressController, 'an IngressController', 'use IngressController.gatewayApi({ gateway, implementation })'), 'IngressController.gatewayApi({ gateway, implementation })'),
  labels: S.rec(S.str()),
  hops: S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom(name, idleTimeout)')),
});

const isExact = (m: PathMatch | undefined) => m === PathMatch.EXACT;
const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/**
 * Why an owner's rule wins or ties for the overlay path's own requests under Gateway API precedence
 * (HTTPRoute spec, "Rule precedence"): an Exact match outranks any Prefix match; among Prefix
 * matches the longest wins; a tie goes to the oldest route. `undefined` when the overlay wins.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
function precedenceProblem(path: string, match: PathMatch, owner: OwnerRoutePath): string | undefined {
  const o = norm(owner.path);
  const p = norm(path);
  if (isExact(match)) {
    return isExact(owner.match) && o === p ? `ties with the owner's Exact ${owner.path} (a tie goes to the oldest HTTPRoute, usually the owner's)` : undefined;
  }
  if (isExact(owner.match)) {
    return o === p || o.startsWith(`${p}/`) ? `loses ${owner.path} to the owner's Exact match (an Exact match outranks every Prefix match)` : undefined;
  }
  return o === p ? `ties with the owner's Prefix ${owner.path} (same length: a tie goes to the oldest HTTPRoute, usually the owner's)` : undefined;
}

/**
 * Extra paths with their own timeouts beside an HTTPRoute someone else owns: the Gateway API
 * counterpart of {@link ManagedIngressOverlay}. Its HTTPRoutes attach to the owner's Gateway
 * listener (the controller's `gateway`), carry only the extra paths, never ownership metadata, and
 * the implementation's policies for their timeouts (e.g. Envoy Gateway's BackendTrafficPolicy with
 * `streamIdleTimeout` for WebSocket paths) target only the overlay's own HTTPRoutes, so the owner's
 * paths keep the owner's timeouts. Gateway API precedence is checked: every overlay path must
 * outrank the owner's rules for its own requests; ties are refused.
 */
export class ManagedRouteOverlay extends Construct {
  /** The overlay's HTTPRoutes. */
  public readonly routes: ApiObject[];
  /** Rendered groups with their routes, timeouts and what is enforced. */
  public readonly groups: RenderedRouteGroup[];

  constructor(scope: Construct, id: string, props: ManagedRouteOverlayProps) {
    super(scope, id);
    validateProps(this, 'ManagedRouteOverlay', props, MANAGED_ROUTE_OVERLAY_PROPS);
    const check = new Checker(this, 'ManagedRouteOverlay');
    const name = check.objectName('name', props.name);
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    const owner = props.owner;
    check.objectName('owner.routeName', owner.routeName);
    check.serviceName('owner.serviceName', owner.serviceName);
    check.portNumber('owner.servicePort', owner.servicePort);
    if (!(props.controller instanceof IngressController) || props.controller.kind !== 'gateway-api') {
      check.fail('controller', (props.controller as IngressController | undefined)?.kind, 'be IngressController.gatewayApi({ gateway, implementation }): the overlay attaches HTTPRoutes to the owner\'s Gateway',
        'pass the owner\'s Gateway and its implementation; for an Ingress someone else owns, use ManagedIngressOverlay');
    }
    props.hosts.forEach((h, i) => checkHost(check, `hosts[${i}]`, h));
    const ownerPaths = owner.paths ?? [{ path: '/', match: PathMatch.PREFIX }];
    props.routes.forEach((route, i) => {
      for (const o of ownerPaths) {
        const problem = precedenceProblem(route.path, route.match, o);
        if (problem) {
          check.fail(`routes[${i}].path`, route.path, `outrank the owner's HTTPRoute "${owner.routeName}" under Gateway API precedence: ${route.match} ${route.path} ${problem}`,
            `declare a path the owner does not serve (e.g. "${norm(route.path)}-ws"), or remove it from owner.paths if the owner no longer serves it`);
        }
      }
    });
    const labels = check.labels('labels', props.labels, (k) => OWNERSHIP_LABELS.includes(k) || k.startsWith('helm.sh/')
      ? 'not be an ownership label: Helm or Argo CD label tracking would adopt the overlay and delete it on the next deploy'
      : undefined);
    this.groups = props.controller._render(this, check, { routes: 'routes', hosts: 'hosts', controller: 'controller', name: 'name' }, {
      name,
      namespace,
      labels,
      hosts: props.hosts,
      tls: [],
      routes: props.routes,
      annotations: {},
      groupName: (protocol, t, sameProtocol, total) => {
        if (total === 1) return name;
        const base = `${name}-${protocol === RouteProtocol.WEBSOCKET ? 'ws' : 'http'}`;
        return sameProtocol > 1 ? `${base}-${t.readSeconds}s` : base;
      },
      backend: { serviceName: owner.serviceName, portOf: () => ({ number: owner.servicePort }) },
    }, props.hops ?? []);
    this.routes = this.groups.map((g) => g.resource);
    for (const r of this.routes) {
      if (r.name === owner.routeName) {
        check.fail('name', name, `not render an HTTPRoute named like the owner's ("${owner.routeName}"): applying it would overwrite the owner's route`, 'pick a name whose derived names cannot equal the owner\'s');
      }
    }
    if (props.hops) checkTimeoutBudget(this, 'ManagedRouteOverlay', props.routes, props.hops);
  }
}
