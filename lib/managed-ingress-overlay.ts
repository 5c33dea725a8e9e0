import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from './private/checks';
import { ingressPathProblem } from './private/k8s-names';
import { IngressController, Route, RenderedRouteGroup, RouteProtocol, TlsEntry, checkHost, checkNginxAnnotations } from './routing';
import { Hop, checkTimeoutBudget } from './timeout-budget';
import { S, routeFix, validateArgs, validateProps } from './private/validate';

/**
 * The Ingress, Service and TLS secret of the main route, which belong to someone else (a PaaS
 * such as Porter, or a Helm release). The overlay refers to them by name and never emits them.
 */
export interface IngressOwner {
  /** Name of the owner's Ingress, e.g. Porter's `cloud-prod-cloud`. The overlay's name must differ. */
  readonly ingressName: string;
  /** Name of the owner's Service that the overlay's paths route to. */
  readonly serviceName: string;
  /** Port of the owner's Service, by number or name. */
  readonly servicePort: number | string;
  /**
   * Paths the owner's Ingress serves on the same hosts; the overlay refuses to declare any of
   * them (ingress-nginx keeps the oldest Ingress for a host and path, so the overlay would lose
   * silently, or win and break the owner).
   * @default ['/']
   */
  readonly paths?: string[];
  /**
   * The owner's TLS secrets, reused by the overlay. cert-manager sees the secrets exist and does
   * not issue new certificates.
   * @default - no TLS section (the owner's TLS section for the host still applies in ingress-nginx)
   */
  readonly tls?: OwnerTls;
}

/** How the owner names its TLS secrets (an enum-like class). */
export class OwnerTls {
  /**
   * Porter's naming: `<app>-<env>-<service>-<host with "." replaced by "-">`, one secret per host,
   * e.g. app `cloud`, env `debug`, service `cloud`, host `debug.augmentos.cloud` gives
   * `cloud-debug-cloud-debug-augmentos-cloud`.
   */
  public static porter(app: string, env: string, service: string): OwnerTls {
    validateArgs('OwnerTls.porter', 'OwnerTls', { app, env, service }, { app: S.req(S.str('dns-label', 'cloud'), '"cloud"'), env: S.req(S.str('dns-label', 'prod'), '"prod"'), service: S.req(S.str('dns-label', 'cloud'), '"cloud"') });
    return new OwnerTls((host) => OwnerTls.porterSecretName(app, env, service, host), 'porter');
  }

  /** One named secret for all hosts. */
  public static secret(secretName: string): OwnerTls {
    validateArgs('OwnerTls.secret', 'OwnerTls', { secretName }, { secretName: S.req(S.str('dns-subdomain', 'api-example-com-tls'), '"api-example-com-tls"') });
    return new OwnerTls(() => secretName, 'secret');
  }

  /** The secret name Porter gives a host's certificate. */
  public static porterSecretName(app: string, env: string, service: string, host: string): string {
    return `${app}-${env}-${service}-${host.replace(/\./g, '-')}`;
  }

  private constructor(
    /** The secret name for a host. */
    public readonly secretNameFor: (host: string) => string,
    /** How names are derived. */
    public readonly style: string,
  ) {}
}

/** Properties of {@link ManagedIngressOverlay}. */
export interface ManagedIngressOverlayProps {
  /**
   * Name of the overlay's Ingress, e.g. `cloud-prod-cloud-ws`; it must differ from the owner's.
   * When the routes need several Ingresses (ingress-nginx timeouts are per Ingress), they are
   * named `<name>-http` and `<name>-ws` (plus `-<idle seconds>s` for several WebSocket timeout
   * profiles).
   */
  readonly name: string;
  /** Namespace (the owner's). @default - the Chart's namespace */
  readonly namespace?: string;
  /** The objects someone else owns. */
  readonly owner: IngressOwner;
  /** Hosts served by the owner's Ingress that get the extra paths. */
  readonly hosts: string[];
  /** The extra paths, each with its own timeouts. */
  readonly routes: Route[];
  /** The ingress controller. Must be the owner's. @default IngressController.nginx() */
  readonly controller?: IngressController;
  /**
   * Extra annotations, checked against an allowlist. Ownership metadata, snippets, regex and
   * rewrite annotations and cert-manager annotations are refused.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Extra labels. Ownership labels (`app.kubernetes.io/managed-by`, `app.kubernetes.io/instance`,
   * `helm.sh/chart`) are refused: the owner would adopt or prune the overlay.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The hops between the clients and the owner's ingress controller (CDN, cloud load balancer,
   * L4 proxy), in order. Each hop's idle timeout must hold the routes' connections: at least twice
   * a route's `heartbeatInterval`, or the route's own idle timeout when it declares no heartbeat
   * (see {@link checkTimeoutBudget}). Checks only: nothing is rendered.
   * @default - no hops declared; only the ingress controller's own timeouts are checked
   */
  readonly hops?: Hop[];
}

/** Label keys that make a Helm release, Porter or Argo CD (label tracking) adopt an object. */
export const OWNERSHIP_LABELS: readonly string[] = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/instance', 'helm.sh/chart'];
/** Annotation key prefixes that make Helm adopt an object. */
export const OWNERSHIP_ANNOTATION_PREFIXES: readonly string[] = ['meta.helm.sh/', 'helm.sh/'];

/** The shape of {@link ManagedIngressOverlayProps}, checked before anything reads the props. @internal */
export const MANAGED_INGRESS_OVERLAY_PROPS = S.obj('ManagedIngressOverlayProps', {
  name: S.req(S.str(), '"cloud-prod-ws"'),
  namespace: S.str(),
  owner: S.req(S.obj('IngressOwner', {
    ingressName: S.req(S.str(), '"cloud-prod-cloud"'),
    serviceName: S.req(S.str(), '"cloud-prod-cloud"'),
    servicePort: S.req(S.or('a port number or a port name', S.int(), S.str()), '80'),
    paths: S.arr(S.str(), '["/"]'),
    tls: S.inst(() => OwnerTls, 'an OwnerTls', 'use OwnerTls.porter(app, env, service) or OwnerTls.secret("name")'),
  }), '{ ingressName: "cloud-prod-cloud", serviceName: "cloud-prod-cloud", servicePort: 80 }'),
  hosts: S.req(S.arr(S.str(), '["api.example.com"]'), '["api.example.com"]'),
  routes: S.req(S.arr(S.inst(() => Route, 'a Route made by Route.http(...) or Route.websocket(...)', routeFix)), '[Route.websocket("/ws")]'),
  controller: S.inst(() => IngressController, 'an IngressController', 'use IngressController.nginx(), .traefik(), .gatewayApi({ gateway }) or .awsAlb({ idleTimeout, scheme })'),
  annotations: S.rec(S.str()),
  labels: S.rec(S.str()),
  hops: S.arr(S.inst(() => Hop, 'a Hop', 'use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom(name, idleTimeout)')),
});

/**
 * Extra paths with their own timeouts beside an Ingress that someone else owns (Porter, Helm).
 *
 * The classic case: a PaaS owns the main Ingress of a host with 60 s proxy timeouts, which drop
 * idle WebSockets. A second Ingress for the same hosts, carrying only the WebSocket paths with
 * long timeouts, fixes it, as long as it never carries the owner's metadata (or the owner adopts
 * and deletes it), never claims the owner's paths, and reuses the owner's TLS secrets.
 */
export class ManagedIngressOverlay extends Construct {
  /** The rendered objects (one Ingress per timeout profile with ingress-nginx). */
  public readonly ingresses: ApiObject[];
  /** Rendered groups with their routes and timeouts. */
  public readonly groups: RenderedRouteGroup[];

  constructor(scope: Construct, id: string, props: ManagedIngressOverlayProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'ManagedIngressOverlay');
    validateProps(this, 'ManagedIngressOverlay', props, MANAGED_INGRESS_OVERLAY_PROPS);
    const name = check.objectName('name', props.name);
    if (name === props.owner.ingressName) {
      check.fail('name', name, `differ from the owner's Ingress name ("${props.owner.ingressName}"): applying the overlay would overwrite the owner's Ingress`,
        `use a name of its own, e.g. "${props.owner.ingressName}-ws"`);
    }
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    const owner = props.owner;
    check.objectName('owner.ingressName', owner.ingressName);
    check.serviceName('owner.serviceName', owner.serviceName);
    if (typeof owner.servicePort === 'number') check.portNumber('owner.servicePort', owner.servicePort);
    else check.portName('owner.servicePort', owner.servicePort);
    const ownerPaths = owner.paths ?? ['/'];
    ownerPaths.forEach((p, i) => {
      const problem = ingressPathProblem(p);
      if (problem) check.fail(`owner.paths[${i}]`, p, problem, 'copy the paths from the owner\'s Ingress, e.g. "/"');
    });
    props.hosts.forEach((h, i) => checkHost(check, `hosts[${i}]`, h));
    if (props.hosts.length === 0) check.fail('hosts', props.hosts, 'list at least one host of the owner\'s Ingress', 'add the hosts, e.g. ["api.example.com"]');
    if (new Set(props.hosts).size !== props.hosts.length) check.fail('hosts', props.hosts, 'not repeat a host', 'remove the duplicate');

    props.routes.forEach((route, i) => {
      if (route.path === '/') {
        check.fail(`routes[${i}].path`, route.path, 'not be "/": the owner\'s Ingress serves it, and ingress-nginx keeps the oldest Ingress for a host and path', 'declare only the extra paths, e.g. "/app-ws"');
      }
      if (ownerPaths.includes(route.path)) {
        check.fail(`routes[${i}].path`, route.path, `not be a path the owner serves (${ownerPaths.join(', ')})`, 'declare only paths the owner does not serve, or remove the path from owner.paths if the owner no longer serves it');
      }
    });

    const labels = check.labels('labels', props.labels, (k) => OWNERSHIP_LABELS.includes(k) || k.startsWith('helm.sh/')
      ? 'not be an ownership label: Helm, Porter or Argo CD label tracking would adopt the overlay and delete it on the next deploy'
      : undefined);
    const annotations = check.annotationKeys('annotations', props.annotations);
    for (const key of Object.keys(annotations)) {
      if (OWNERSHIP_ANNOTATION_PREFIXES.some((pre) => key.startsWith(pre))) {
        check.fail(`annotations["${key}"]`, key, 'not be Helm ownership metadata: the owner\'s release would adopt the overlay', `remove "${key}"`);
      }
      if (key.startsWith('cert-manager.io/') || key.startsWith('acme.cert-manager.io/')) {
        check.fail(`annotations["${key}"]`, key, 'not ask cert-manager for a certificate: the overlay reuses the owner\'s TLS secret, and a second Certificate for the same secret fights the owner\'s', `remove "${key}"`);
      }
      if (key === 'kubernetes.io/ingress.class') {
        check.fail(`annotations["${key}"]`, key, 'not be set: the class comes from `controller` as spec.ingressClassName', 'remove it and pass controller: IngressController.nginx({ className })');
      }
    }
    checkNginxAnnotations(check, 'annotations', annotations, true);

    const tls: TlsEntry[] = [];
    if (owner.tls) {
      const bySecret = new Map<string, string[]>();
      for (const host of props.hosts) {
        const secretName = owner.tls.secretNameFor(host);
        check.objectName('owner.tls', secretName);
        bySecret.set(secretName, [...(bySecret.get(secretName) ?? []), host]);
      }
      for (const [secretName, hosts] of bySecret) tls.push({ hosts, secretName });
    }

    const controller = props.controller ?? IngressController.nginx();
    this.groups = controller._render(this, check, { routes: 'routes', hosts: 'hosts', controller: 'controller', name: 'name' }, {
      name,
      namespace,
      labels,
      hosts: props.hosts,
      tls,
      routes: props.routes,
      annotations,
      groupName: (protocol, t, sameProtocol, total) => {
        if (total === 1) return name;
        const base = `${name}-${protocol === RouteProtocol.WEBSOCKET ? 'ws' : 'http'}`;
        return sameProtocol > 1 ? `${base}-${t.readSeconds}s` : base;
      },
      backend: {
        serviceName: owner.serviceName,
        portOf: (route, prop) => {
          if (route.port !== undefined) return { name: check.portName(prop, route.port) };
          return typeof owner.servicePort === 'number' ? { number: owner.servicePort } : { name: owner.servicePort };
        },
      },
    }, props.hops ?? []);
    this.ingresses = this.groups.map((g) => g.resource);
    for (const ing of this.ingresses) {
      if (ing.name === owner.ingressName) {
        check.fail('name', name, `not render an Ingress named like the owner's ("${owner.ingressName}"): with several timeout profiles the overlay renders ${this.ingresses.map((i) => `"${i.name}"`).join(', ')}, and applying it would overwrite the owner's Ingress`,
          'pick a name whose derived names cannot equal the owner\'s');
      }
    }
    if (props.hops) checkTimeoutBudget(this, 'ManagedIngressOverlay', props.routes, props.hops);
  }
}
