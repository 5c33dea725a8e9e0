import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Hop, ManagedIngressOverlay, ManagedIngressOverlayProps, RealtimeService, Route, checkTimeoutBudget } from '../lib';
import { errorOf } from './util';

const chart = () => new Chart(new App(), 'test', { namespace: 'demo' });
const overlay = (routes: Route[], hops: Hop[] | undefined, c: Chart = chart()) => {
  const props: ManagedIngressOverlayProps = {
    name: 'cloud-ws',
    owner: { ingressName: 'cloud', serviceName: 'cloud', servicePort: 80 },
    hosts: ['api.example.com'],
    routes,
    ...(hops ? { hops } : {}),
  };
  return new ManagedIngressOverlay(c, 'Overlay', props);
};
const ws = (path: string, idle: number, heartbeat?: number) => Route.websocket(path, {
  idleTimeout: Duration.seconds(idle),
  ...(heartbeat !== undefined ? { heartbeatInterval: Duration.seconds(heartbeat) } : {}),
});
const service = (hops: Hop[], routes: Route[]) => new RealtimeService(chart(), 'Runtime', {
  name: 'runtime',
  image: 'ghcr.io/acme/runtime:1.0.0',
  http: { port: 8080 },
  websocket: { port: 8081 },
  routes: { hosts: ['rt.example.com'], routes, hops },
});

describe('timeout budget: routes with a heartbeat', () => {
  test('fails when a hop closes quiet connections before two heartbeats (Cloudflare, 60 s heartbeat)', () => {
    expect(errorOf(() => overlay([ws('/panels', 3600, 60)], [Hop.cloudflare()]))).toBe(
      '[test/Overlay] ManagedIngressOverlay \'hops[0]\' is "cloudflare (idle 100s)": must have an idle timeout of at least twice the heartbeat of route /panels (2 x 60s = 120s), or the hop closes quiet WebSockets. '
      + 'Fix: send heartbeats every 50s or less, or raise the hop\'s idle timeout to 120s or more (Cloudflare\'s 100 s cannot be raised below the Enterprise plan)');
  });

  test('fails on a RealtimeService, naming routes.hops[i] and the hop that is too short', () => {
    expect(errorOf(() => service([Hop.cloudflare(), Hop.awsAlb()], [Route.http('/'), ws('/panels', 3600, 40)]))).toBe(
      '[test/Runtime] RealtimeService \'routes.hops[1]\' is "aws-alb (idle 60s)": must have an idle timeout of at least twice the heartbeat of route /panels (2 x 40s = 80s), or the hop closes quiet WebSockets. '
      + 'Fix: send heartbeats every 30s or less, or raise the hop\'s idle timeout to 80s or more (raise the ALB attribute idle_timeout.timeout_seconds (up to 4000), e.g. through alb.ingress.kubernetes.io/load-balancer-attributes)');
  });

  test('a Traefik entryPoint does not limit WebSocket routes (measured: its timers never cut an upgraded connection)', () => {
    expect(() => overlay([ws('/app-ws', 3600, 45)], [Hop.traefik()])).not.toThrow();
    expect(() => overlay([ws('/app-ws', 3600)], [Hop.traefik()])).not.toThrow();
  });

  test('fails on a Traefik entryPoint whose readTimeout is shorter than an HTTP route\'s timeout', () => {
    expect(errorOf(() => overlay([Route.http('/upload', { timeout: Duration.seconds(120) })], [Hop.traefik()]))).toBe(
      '[test/Overlay] ManagedIngressOverlay \'hops[0]\' is "traefik (idle 60s)": must have an idle timeout of at least the timeout of route /upload (120s): the hop would cut a slow response after 60s, before the proxy gives up. '
      + 'Fix: lower the route\'s timeout to Duration.seconds(60) or less, or raise the hop\'s idle timeout (raise the entryPoint\'s transport.respondingTimeouts (readTimeout and idleTimeout; 0 disables them))');
  });

  test('fails on a custom hop with a very short idle timeout, without suggesting a heartbeat under 1 s', () => {
    expect(errorOf(() => overlay([ws('/app-ws', 3600, 30)], [Hop.custom('corporate-proxy', Duration.seconds(1))]))).toBe(
      '[test/Overlay] ManagedIngressOverlay \'hops[0]\' is "corporate-proxy (idle 1s)": must have an idle timeout of at least twice the heartbeat of route /app-ws (2 x 30s = 60s), or the hop closes quiet WebSockets. '
      + 'Fix: raise the hop\'s idle timeout to 60s or more (raise the hop\'s idle timeout)');
  });

  test('passes when every hop holds two heartbeats: Mentra\'s Cloudflare and Azure LB with a 30 s heartbeat', () => {
    const o = overlay(['/glasses-ws', '/app-ws'].map((p) => ws(p, 3600, 30)), [Hop.cloudflare(), Hop.azureLoadBalancer()]);
    expect(o.ingresses).toHaveLength(1);
  });

  test('passes at exactly twice the heartbeat (50 s behind Cloudflare)', () => {
    expect(() => overlay([ws('/panels', 3600, 50)], [Hop.cloudflare()])).not.toThrow();
  });

  test('a Traefik entryPoint with both timeouts disabled limits nothing', () => {
    expect(() => overlay([ws('/panels', 86400)], [Hop.traefik({ readTimeout: Duration.seconds(0), idleTimeout: Duration.seconds(0) })])).not.toThrow();
  });
});

describe('timeout budget: routes without a heartbeat', () => {
  test('fails when a hop would close a quiet WebSocket before the route\'s own idle timeout', () => {
    expect(errorOf(() => overlay([ws('/glasses-ws', 3600)], [Hop.azureLoadBalancer()]))).toBe(
      '[test/Overlay] ManagedIngressOverlay \'hops[0]\' is "azure-load-balancer (idle 240s)": must have an idle timeout of at least the idle timeout of route /glasses-ws (3600s), which declares no heartbeat: the hop would close a quiet WebSocket after 240s, long before the proxy does. '
      + 'Fix: send a heartbeat every 120s or less and declare it (Route.websocket(path, { heartbeatInterval })), lower the route\'s idleTimeout to Duration.seconds(240), or raise the hop\'s idle timeout (set service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout (minutes, 4 to 100) on the ingress controller\'s Service)');
  });

  test('fails when Mentra\'s routes drop their heartbeat (the 035 setup behind Cloudflare)', () => {
    expect(errorOf(() => overlay([ws('/glasses-ws', 3600)], [Hop.cloudflare(), Hop.azureLoadBalancer()]))).toMatch(
      /^\[test\/Overlay\] ManagedIngressOverlay 'hops\[0\]' is "cloudflare \(idle 100s\)": must have an idle timeout of at least the idle timeout of route \/glasses-ws \(3600s\)/);
  });

  test('fails when an HTTP route\'s timeout outlives a hop', () => {
    expect(errorOf(() => service([Hop.cloudflare()], [Route.http('/export', { timeout: Duration.seconds(300) })]))).toBe(
      '[test/Runtime] RealtimeService \'routes.hops[0]\' is "cloudflare (idle 100s)": must have an idle timeout of at least the timeout of route /export (300s): the hop would cut a slow response after 100s, before the proxy gives up. '
      + 'Fix: lower the route\'s timeout to Duration.seconds(100) or less, or raise the hop\'s idle timeout (Cloudflare\'s 100 s cannot be raised below the Enterprise plan)');
  });

  test('passes when the route\'s idle timeout fits inside every hop', () => {
    expect(() => overlay([ws('/glasses-ws', 100)], [Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.nginxStream()])).not.toThrow();
    expect(() => service([Hop.cloudflare(), Hop.awsAlb()], [Route.http('/')])).not.toThrow();
  });
});

describe('hop settings', () => {
  test.each<[string, Hop, string]>([
    ['an Azure LB under 4 minutes', Hop.azureLoadBalancer(Duration.minutes(3)),
      '\'hops[0].idleTimeout\' is "180s": must be from 240 to 6000 seconds. Fix: use a value from Duration.minutes(4) to Duration.minutes(100)'],
    ['an Azure LB not in whole minutes', Hop.azureLoadBalancer(Duration.seconds(270)),
      '\'hops[0].idleTimeout\' is "270s": must be a whole number of minutes. Fix: use Duration.minutes(5)'],
    ['an ALB over 4000 s', Hop.awsAlb(Duration.seconds(4001)),
      '\'hops[0].idleTimeout\' is "4001s": must be from 1 to 4000 seconds. Fix: use a value from Duration.seconds(1) to Duration.seconds(4000)'],
    ['a Traefik timeout in milliseconds', Hop.traefik({ readTimeout: Duration.millis(1500) }),
      '\'hops[0].readTimeout\' is "1500ms": must be a whole number of seconds. Fix: use Duration.seconds(2)'],
    ['an nginx stream proxy_timeout of 0', Hop.nginxStream(Duration.seconds(0)),
      '\'hops[0].proxyTimeout\' is "0s": must be from 1 to 31536000 seconds. Fix: use a value from Duration.seconds(1) to Duration.seconds(31536000)'],
    ['a custom hop with an unprintable name', Hop.custom('proxy"; drop', Duration.seconds(600)),
      '\'hops[0].name\' is "proxy\\"; drop": must be 1 to 63 letters, digits, ".", "_", "-" or spaces, starting with a letter or digit. Fix: use a short name such as "corporate-proxy"'],
  ])('fails on %s', (_what, hop, message) => {
    expect(errorOf(() => overlay([ws('/panels', 60)], [hop]))).toBe(`[test/Overlay] ManagedIngressOverlay ${message}`);
  });

  test('hops are checks only: the rendered objects are identical with and without them', () => {
    const routes = () => [ws('/glasses-ws', 3600, 30)];
    expect(overlay(routes(), [Hop.cloudflare(), Hop.azureLoadBalancer()]).ingresses.map((i) => i.toJson()))
      .toEqual(overlay(routes(), undefined).ingresses.map((i) => i.toJson()));
  });
});

describe('checkTimeoutBudget', () => {
  test('is usable by other constructs, with their own prop names', () => {
    const scope = new Construct(chart(), 'MediaServer');
    expect(errorOf(() => checkTimeoutBudget(scope, 'MediaServer', [ws('/rtc', 600, 120)], [Hop.cloudflare()], { routesProp: 'signalling.routes', hopsProp: 'signalling.hops' }))).toBe(
      '[test/MediaServer] MediaServer \'signalling.hops[0]\' is "cloudflare (idle 100s)": must have an idle timeout of at least twice the heartbeat of route /rtc (2 x 120s = 240s), or the hop closes quiet WebSockets. '
      + 'Fix: send heartbeats every 50s or less, or raise the hop\'s idle timeout to 240s or more (Cloudflare\'s 100 s cannot be raised below the Enterprise plan)');
  });

  test('with no hops, checks nothing', () => {
    expect(() => checkTimeoutBudget(new Construct(chart(), 'X'), 'X', [ws('/rtc', 86400)], [])).not.toThrow();
  });
});
