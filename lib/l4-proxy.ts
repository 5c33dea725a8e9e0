import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { isDns1123Label, isDns1123Subdomain } from './private/k8s-names';
import { Checker } from './private/checks';
import { Route, RouteProtocol } from './routing';
import { ExtraFile } from './synth/synthesizer';
import { Hop } from './timeout-budget';
import { S, routeFix, validateProps } from './private/validate';

/** One backend of the global L4 load balancer: a cluster's ingress (e.g. Traefik's LoadBalancer address). */
export interface L4Server {
  /** Name of the cluster, for comments (a DNS-1123 label, e.g. `cluster-a`). */
  readonly name: string;
  /** IPv4 address or DNS name of the cluster's ingress. */
  readonly address: string;
  /**
   * Port on that address.
   * @default 443
   */
  readonly port?: number;
}

/** Properties of {@link NginxStreamLoadBalancer}. */
export interface NginxStreamLoadBalancerProps {
  /** The clusters, one `server` line each. */
  readonly servers: L4Server[];
  /**
   * The routes that reach the clusters through this proxy (every cluster's). `proxyTimeout` is
   * checked against them.
   */
  readonly routes: Route[];
  /**
   * `proxy_timeout`: nginx closes a connection when nothing is transmitted in either direction for
   * this long. It must hold every route's quiet period: at least a WebSocket route's idle timeout,
   * or twice its `heartbeatInterval` when it declares one. There is no safe default (nginx's own is
   * 10 minutes), so it is required.
   */
  readonly proxyTimeout: Duration;
  /**
   * `proxy_connect_timeout`.
   * @default Duration.seconds(5)
   */
  readonly connectTimeout?: Duration;
  /**
   * `max_fails` of every server: failed connection attempts within `failTimeout` before nginx takes
   * the cluster out of rotation for `failTimeout`.
   * @default 3
   */
  readonly maxFails?: number;
  /**
   * `fail_timeout` of every server.
   * @default Duration.seconds(10)
   */
  readonly failTimeout?: Duration;
  /**
   * The port nginx listens on.
   * @default 443
   */
  readonly listenPort?: number;
  /**
   * Name of the `upstream` block.
   * @default 'k8s_clusters'
   */
  readonly upstreamName?: string;
}

const UPSTREAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

/** The shape of {@link NginxStreamLoadBalancerProps}, checked before anything reads the props. @internal */
export const NGINX_STREAM_LOAD_BALANCER_PROPS = S.obj('NginxStreamLoadBalancerProps', {
  servers: S.req(S.arr(S.obj('L4Server', { name: S.req(S.str(), '"cluster-a"'), address: S.req(S.str(), '"10.0.0.10"'), port: S.int() })), '[{ name: "cluster-a", address: "10.0.0.10" }]'),
  routes: S.req(S.arr(S.inst(() => Route, 'a Route made by Route.http(...) or Route.websocket(...)', routeFix)), '[Route.websocket("/ws")]'),
  proxyTimeout: S.req(S.dur(), 'Duration.hours(1)'),
  connectTimeout: S.dur(),
  maxFails: S.int(),
  failTimeout: S.dur(),
  listenPort: S.int(),
  upstreamName: S.str(),
});

/**
 * A global L4 load balancer in front of several clusters: an nginx `stream {}` configuration that
 * passes TCP (TLS included, unterminated) to each cluster's ingress with `least_conn`, passive
 * health checks (`max_fails`, `fail_timeout`) and the proxy timeouts.
 *
 * It emits no Kubernetes object: {@link NginxStreamLoadBalancer.config} is the configuration text
 * and {@link NginxStreamLoadBalancer.toFile} an {@link ExtraFile} for `AppSpec.appFiles`. It refuses
 * a `proxyTimeout` that would cut idle WebSockets (the classic `proxy_timeout 30s` in front of
 * WebSockets that stay quiet for minutes). {@link NginxStreamLoadBalancer.hop} is the same timer as
 * a {@link Hop}, for `routes.hops` of the services behind it.
 * @see https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_timeout
 * @see https://nginx.org/en/docs/stream/ngx_stream_upstream_module.html#server
 */
export class NginxStreamLoadBalancer extends Construct {
  /** The `stream {}` configuration. */
  public readonly config: string;
  /** The proxy as a hop of the routes' timeout budget. */
  public readonly hop: Hop;

  constructor(scope: Construct, id: string, props: NginxStreamLoadBalancerProps) {
    super(scope, id);
    const check = new Checker(this, 'NginxStreamLoadBalancer');
    validateProps(this, 'NginxStreamLoadBalancer', props, NGINX_STREAM_LOAD_BALANCER_PROPS);
    if (props.servers.length === 0) check.fail('servers', props.servers, 'list at least one cluster', 'add { name, address } for each cluster\'s ingress');
    const seen = new Map<string, number>();
    const servers = props.servers.map((s, i) => {
      if (!isDns1123Label(s.name)) check.fail(`servers[${i}].name`, s.name, 'be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)', 'use a name such as "cluster-a"');
      if (!IPV4.test(s.address) && (!isDns1123Subdomain(s.address) || /^[0-9.]+$/.test(s.address))) {
        check.fail(`servers[${i}].address`, s.address, 'be an IPv4 address or a DNS name', 'use the address of the cluster\'s ingress LoadBalancer, e.g. "10.0.0.10"');
      }
      const port = check.portNumber(`servers[${i}].port`, s.port ?? 443);
      const key = `${s.address}:${port}`;
      if (seen.has(key)) check.fail(`servers[${i}]`, key, `be unique (servers[${seen.get(key)}] already points there)`, 'remove the duplicate');
      seen.set(key, i);
      return { name: s.name, address: key };
    });
    const upstream = props.upstreamName ?? 'k8s_clusters';
    if (!UPSTREAM_NAME.test(upstream)) check.fail('upstreamName', upstream, 'be letters, digits and "_", starting with a letter or "_"', 'use e.g. "k8s_clusters"');
    const listenPort = check.portNumber('listenPort', props.listenPort ?? 443);
    const maxFails = check.positiveInt('maxFails', props.maxFails ?? 3, 100);
    const failTimeout = check.seconds('failTimeout', props.failTimeout ?? Duration.seconds(10), 1, 3600);
    const connectTimeout = check.seconds('connectTimeout', props.connectTimeout ?? Duration.seconds(5), 1, 600);
    const proxyTimeout = check.seconds('proxyTimeout', props.proxyTimeout, 1, 31_536_000);
    this.hop = Hop.nginxStream(props.proxyTimeout);

    if (props.routes.length === 0) {
      check.fail('routes', props.routes, 'list the routes behind the proxy, so proxyTimeout can be checked against their idle timeouts', 'pass the routes of the services in every cluster');
    }
    const routes = [...new Set(props.routes)];
    const needs = routes.map((route) => {
      const t = route._resolve(check, `routes[${props.routes.indexOf(route)}]`);
      const hb = route.heartbeatInterval?.toSeconds();
      return { route, need: hb !== undefined ? 2 * hb : t.readSeconds, hb, idle: t.readSeconds };
    });
    const worst = needs.reduce((a, b) => (b.need > a.need ? b : a));
    if (proxyTimeout < worst.need) {
      const ws = worst.route.protocol === RouteProtocol.WEBSOCKET;
      const every = Math.floor(proxyTimeout / 2);
      if (worst.hb !== undefined) {
        check.fail('proxyTimeout', `${proxyTimeout}s`,
          `be at least twice the heartbeat interval of route ${worst.route.path} (2 x ${worst.hb}s = ${worst.need}s): nginx closes a stream connection when nothing is sent either way for proxy_timeout, so one late heartbeat would cut the WebSocket`,
          `set proxyTimeout to Duration.seconds(${worst.need}) or more${every >= 1 ? `, or send heartbeats every ${every}s or less` : ''}`);
      }
      check.fail('proxyTimeout', `${proxyTimeout}s`,
        ws
          ? `be at least the idle timeout of route ${worst.route.path} (${worst.need}s), which declares no heartbeat: nginx closes a stream connection when nothing is sent either way for proxy_timeout, so every WebSocket quiet for ${proxyTimeout}s would be cut, long before the ingress's own timeout`
          : `be at least the timeout of route ${worst.route.path} (${worst.need}s): nginx would cut a response that sends nothing for ${proxyTimeout}s, before the ingress gives up`,
        ws
          ? `set proxyTimeout to Duration.seconds(${worst.need}) or more; or make the app send a heartbeat every ${Math.max(1, every)}s or less and declare it (Route.websocket(path, { heartbeatInterval }))`
          : `set proxyTimeout to Duration.seconds(${worst.need}) or more, or lower the route's timeout`);
    }
    const longestWs = needs.filter((n) => n.route.protocol === RouteProtocol.WEBSOCKET).reduce((a, n) => Math.max(a, n.need), 0);

    const pad = Math.max(...servers.map((s) => s.address.length));
    this.config = [
      '# Global L4 load balancer: TCP passthrough (TLS terminates at each cluster\'s ingress).',
      '# Health: nginx open source checks upstreams passively (max_fails / fail_timeout): a cluster whose',
      '# ingress refuses connections leaves the rotation for fail_timeout.',
      'stream {',
      `    upstream ${upstream} {`,
      '        least_conn;',
      ...servers.map((s) => `        server ${s.address} max_fails=${maxFails} fail_timeout=${failTimeout}s;${' '.repeat(pad - s.address.length)}  # ${s.name}`),
      '    }',
      '',
      '    server {',
      `        listen ${listenPort};`,
      `        proxy_connect_timeout ${connectTimeout}s;`,
      longestWs > 0
        ? `        # Closes connections quiet for this long: at least every WebSocket's idle time (${longestWs}s).`
        : '        # Closes connections quiet for this long: at least every route\'s timeout.',
      `        proxy_timeout ${proxyTimeout}s;`,
      `        proxy_pass ${upstream};`,
      '    }',
      '}',
      '',
    ].join('\n');
  }

  /**
   * The configuration as a generated file for `AppSpec.appFiles` or `AppSpec.extraFiles`.
   * @param name file name
   * @default name 'nginx-stream.conf'
   */
  public toFile(name = 'nginx-stream.conf'): ExtraFile {
    return { name, content: this.config };
  }
}
