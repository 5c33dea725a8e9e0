import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type * as TraefikCrds from '../../imports/traefik.io';
import { RouteIntent } from '../controllers/capabilities';
import { fail } from '../errors';
import { Checker } from '../private/checks';
import { S, enumNames, validateArgs } from '../private/validate';
import type { RenderedRouteGroup, Route, RouteProps, RouteTable } from '../route';
import { RouteProtocol } from '../route';
import { durationString, enforcedFor, groupId, groupRoutes, isPrefix, routeProp } from './common';
// The CRD bindings load on first use (see gateway-api.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const traefikCrds = (): typeof TraefikCrds => require('../../imports/traefik.io');

/**
 * The `transport.respondingTimeouts` of the Traefik entryPoints the routes use. They are Traefik
 * static configuration (Helm values, CLI flags or `traefik.toml`), not fields of any CRD, so the
 * renderer cannot set them: declare here the values your Traefik runs with (checked for range, and
 * written by {@link traefikStaticConfig}).
 *
 * Measured through a real Traefik v3.7 (`npm run test:traffic`): neither timer closes an upgraded
 * WebSocket, quiet or not, and `readTimeout` cuts a slow request body (an upload). So they bound
 * uploads and keep-alive connections, not WebSocket idle time, and WebSocket routes are not checked
 * against them.
 */
export interface TraefikEntryPointTimeouts {
  /**
   * `respondingTimeouts.readTimeout`. `Duration.seconds(0)` disables it.
   * @default Duration.seconds(60) (the Traefik v3 default)
   * @see https://doc.traefik.io/traefik/routing/entrypoints/#respondingtimeouts
   */
  readonly readTimeout?: Duration;
  /**
   * `respondingTimeouts.idleTimeout`. `Duration.seconds(0)` disables it.
   * @default Duration.seconds(180) (the Traefik default)
   */
  readonly idleTimeout?: Duration;
}

/** Properties of {@link IngressController.traefik}. */
export interface TraefikControllerProps {
  /**
   * The entryPoints the IngressRoutes listen on.
   * @default ['websecure']
   */
  readonly entryPoints?: string[];
  /**
   * The entryPoints' responding timeouts as configured in Traefik's static configuration.
   * @default - Traefik's defaults: readTimeout 60 s, idleTimeout 180 s
   */
  readonly entryPointTimeouts?: TraefikEntryPointTimeouts;
  /**
   * Namespace Traefik's pods run in; NetworkPolicies allow traffic from it.
   * @default 'traefik'
   */
  readonly namespace?: string;
  /**
   * Route intents you accept that Traefik does not enforce, so they are not refused: only
   * `RouteIntent.WS_IDLE_TIMEOUT` (nothing in Traefik closes a quiet WebSocket, so a half-open one
   * stays open until a hop or the client drops it). TOPOLOGY.md then draws the WebSocket idle
   * timeout as not enforced. Prefer declaring the hop that enforces it (`routes.hops`).
   * @default - none: a WebSocket route is refused unless a declared hop enforces its idle timeout
   */
  readonly acknowledgeUnenforced?: RouteIntent[];
}

const ENTRY_POINT_TIMEOUTS = S.obj('TraefikEntryPointTimeouts', { readTimeout: S.dur(), idleTimeout: S.dur() });
/** The shape of {@link TraefikControllerProps}. @internal */
export const TRAEFIK_CONTROLLER_PROPS = S.obj('TraefikControllerProps', {
  entryPoints: S.arr(S.str(), '["websecure"]'), entryPointTimeouts: ENTRY_POINT_TIMEOUTS, namespace: S.str('dns-label', 'traefik'),
  acknowledgeUnenforced: S.arr(S.enumOf(enumNames('RouteIntent', RouteIntent)), '[RouteIntent.WS_IDLE_TIMEOUT]'),
});
/** The shape of {@link TraefikStaticConfigProps}. @internal */
export const TRAEFIK_STATIC_CONFIG_PROPS = S.obj('TraefikStaticConfigProps', {
  entryPointTimeouts: ENTRY_POINT_TIMEOUTS,
  pingEntryPoint: S.enumOf({ '"web"': 'web', '"websecure"': 'websecure' }),
});

const ENTRYPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Renders routes as Traefik `IngressRoute`s (traefik.io/v1alpha1) plus one `ServersTransport`
 * per timeout profile. Reached through {@link IngressController.traefik}.
 * @internal
 */
export class TraefikRenderer {
  public readonly kind = 'traefik';
  public readonly capabilities = 'traefik' as const;
  public readonly namespace: string;
  public readonly acknowledged: readonly RouteIntent[];
  private readonly entryPoints: string[];
  private readonly timeouts: Required<TraefikEntryPointTimeouts>;

  constructor(props: TraefikControllerProps) {
    this.namespace = props.namespace ?? 'traefik';
    this.entryPoints = [...(props.entryPoints ?? ['websecure'])];
    this.acknowledged = [...(props.acknowledgeUnenforced ?? [])];
    this.timeouts = {
      readTimeout: props.entryPointTimeouts?.readTimeout ?? Duration.seconds(60),
      idleTimeout: props.entryPointTimeouts?.idleTimeout ?? Duration.seconds(180),
    };
  }

  public render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    if (this.entryPoints.length === 0) check.fail(`${props.controller}.entryPoints`, this.entryPoints, 'list at least one entryPoint', 'use e.g. ["websecure"]');
    this.entryPoints.forEach((e, i) => {
      if (!ENTRYPOINT_NAME.test(e)) check.fail(`${props.controller}.entryPoints[${i}]`, e, 'be a Traefik entryPoint name (letters, digits, "-" and "_", at most 63 characters)', 'use the name from Traefik\'s static configuration, e.g. "websecure"');
    });
    // Checked for range only: the entryPoint timers do not close upgraded connections (see TraefikEntryPointTimeouts).
    for (const [field, value] of [['readTimeout', this.timeouts.readTimeout], ['idleTimeout', this.timeouts.idleTimeout]] as const) {
      if (value.toMilliseconds() !== 0) check.seconds(`${props.controller}.entryPointTimeouts.${field}`, value, 1, 31_536_000, 'use Duration.seconds(1) or more, or Duration.seconds(0) to disable it');
    }
    if (table.tls.length > 1) {
      check.fail(`${props.controller}`, 'traefik', `be used with at most one TLS secret (an IngressRoute has one tls.secretName; ${table.tls.length} were given)`, 'use one certificate for all hosts, or one construct per certificate');
    }
    const groups = groupRoutes(check, props, table);
    const tls = table.tls[0];
    return groups.map((g) => {
      const transportName = g.name;
      const ws = g.protocol === RouteProtocol.WEBSOCKET;
      new (traefikCrds().ServersTransport)(scope, groupId('ServersTransport', g), {
        metadata: { name: transportName, namespace: table.namespace, labels: table.labels },
        spec: {
          forwardingTimeouts: {
            dialTimeout: traefikCrds().ServersTransportSpecForwardingTimeoutsDialTimeout.fromString(durationString(g.timeouts.connectSeconds)),
            // HTTP: the time to the response headers, which is what Traefik enforces of a REST timeout.
            // WebSocket: nothing (idleConnTimeout covers pooled keep-alive connections, not an
            // upgraded one; the idle timeout is enforced by a declared hop or acknowledged).
            ...(ws ? {} : { responseHeaderTimeout: traefikCrds().ServersTransportSpecForwardingTimeoutsResponseHeaderTimeout.fromString(durationString(g.timeouts.readSeconds)) }),
          },
        },
      });
      const resource = new (traefikCrds().IngressRoute)(scope, groupId('IngressRoute', g), {
        metadata: { name: g.name, namespace: table.namespace, labels: table.labels, ...(Object.keys(table.annotations).length ? { annotations: table.annotations } : {}) },
        spec: {
          entryPoints: [...this.entryPoints],
          routes: g.routes.map((route) => {
            const port = table.backend.portOf(route, `${routeProp(props, table, route)}.port`);
            return {
              kind: traefikCrds().IngressRouteSpecRoutesKind.RULE,
              match: traefikMatch(table.hosts, route),
              services: [{
                name: table.backend.serviceName,
                port: port.number !== undefined ? traefikCrds().IngressRouteSpecRoutesServicesPort.fromNumber(port.number) : traefikCrds().IngressRouteSpecRoutesServicesPort.fromString(port.name!),
                serversTransport: transportName,
              }],
            };
          }),
          ...(tls ? { tls: { secretName: tls.secretName } } : {}),
        },
      });
      return { resource, routes: g.routes, timeouts: g.timeouts, enforced: enforcedFor(this.capabilities, g, { timeout: 'responseHeaderTimeout', connect: 'dialTimeout' }) };
    });
  }
}

/**
 * The Traefik rule of a route: ``Host(`a`) && PathPrefix(`/x`)``. A prefix route matches its path
 * element by element, like an Ingress `Prefix` path: Traefik's `PathPrefix` compares strings
 * (`/app` would also match `/apple`), so a prefix route that does not end in `/` becomes
 * ``(Path(`/x`) || PathPrefix(`/x/`))``.
 * @internal
 */
export function traefikMatch(hosts: string[], route: Route): string {
  const host = hosts.length === 1 ? traefikHost(hosts[0]) : `(${hosts.map(traefikHost).join(' || ')})`;
  const p = route.path;
  const path = !isPrefix(route) ? `Path(\`${p}\`)` : p.endsWith('/') ? `PathPrefix(\`${p}\`)` : `(Path(\`${p}\`) || PathPrefix(\`${p}/\`))`;
  return `${host} && ${path}`;
}

/**
 * The Traefik matcher of one host. Traefik v3 before v3.8 compares `Host()` literally, so
 * ``Host(`*.example.com`)`` matches no request at all; a wildcard host becomes a `HostRegexp` with
 * the Ingress meaning of `*.`: exactly one DNS label (`a.example.com`, not `example.com` or
 * `a.b.example.com`), case-insensitive like `Host()`.
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
 * @internal
 */
export function traefikHost(host: string): string {
  if (!host.startsWith('*.')) return `Host(\`${host}\`)`;
  return `HostRegexp(\`(?i)^[^.]+${host.slice(1).replace(/\./g, '\\.')}$\`)`;
}

/** Properties of {@link traefikStaticConfig}. */
export interface TraefikStaticConfigProps {
  /**
   * The responding timeouts of the `websecure` entryPoint: pass the same value as to
   * {@link IngressController.traefik}, so the routes are checked against what Traefik runs with.
   * @default - Traefik's defaults (readTimeout 60 s, idleTimeout 180 s)
   */
  readonly entryPointTimeouts?: TraefikEntryPointTimeouts;
  /**
   * The entryPoint that serves Traefik's own health endpoint (`GET /ping`), which an external load
   * balancer checks to take a dead cluster out of rotation.
   * @default 'web'
   */
  readonly pingEntryPoint?: 'web' | 'websecure';
}

/**
 * Traefik's static configuration (TOML) for the entryPoints the routes assume: `web` on :80,
 * `websecure` on :443 with TLS and the responding timeouts, `ping` on the chosen entryPoint, and
 * the Kubernetes CRD provider. Static configuration is read at Traefik's start (from a file, CLI
 * flags or Helm values), not from CRDs: write it beside the manifests and install Traefik with it.
 * @see https://doc.traefik.io/traefik/reference/install-configuration/entrypoints/
 * @see https://doc.traefik.io/traefik/reference/install-configuration/observability/healthcheck/
 */
export function traefikStaticConfig(props: TraefikStaticConfigProps = {}): string {
    validateArgs('traefikStaticConfig', 'traefikStaticConfig', { props }, { props: TRAEFIK_STATIC_CONFIG_PROPS });
  // The same rule as IngressController.traefik({ entryPointTimeouts }) (via Hop.traefik): whole
  // seconds, 0 to disable. Rounding here would write a value the routes were not checked against.
  const secs = (field: 'readTimeout' | 'idleTimeout', d: Duration | undefined, dflt: number) => {
    const ms = d?.toMilliseconds() ?? dflt * 1000;
    if (!Number.isInteger(ms / 1000) || ms < 0) {
      fail('traefikStaticConfig', 'traefikStaticConfig', `entryPointTimeouts.${field}`, `${ms}ms`,
        'be a whole number of seconds (0 disables it), as IngressController.traefik({ entryPointTimeouts }) requires: a rounded value would not be the one the routes were checked against',
        ms < 0 ? 'use Duration.seconds(0) to disable it, or a positive number of seconds' : `use Duration.seconds(${Math.ceil(ms / 1000)}) here and in IngressController.traefik({ entryPointTimeouts })`);
    }
    return `${ms / 1000}s`;
  };
  const ping = props.pingEntryPoint ?? 'web';
  return [
    '# Traefik static configuration (read at start: traefik.toml, CLI flags or Helm values).',
    '# The respondingTimeouts must match IngressController.traefik({ entryPointTimeouts }).',
    '[entryPoints.web]',
    '  address = ":80"',
    '',
    '[entryPoints.websecure]',
    '  address = ":443"',
    '  [entryPoints.websecure.http.tls]',
    '  [entryPoints.websecure.transport.respondingTimeouts]',
    `    readTimeout = "${secs('readTimeout', props.entryPointTimeouts?.readTimeout, 60)}"`,
    `    idleTimeout = "${secs('idleTimeout', props.entryPointTimeouts?.idleTimeout, 180)}"`,
    '',
    `# Cluster health for the global load balancer: GET http://<traefik address>:${ping === 'web' ? 80 : 443}/ping`,
    '[ping]',
    `  entryPoint = "${ping}"`,
    '',
    '[providers.kubernetesCRD]',
    '',
  ].join('\n');
}
