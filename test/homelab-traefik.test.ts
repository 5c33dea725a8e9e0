// S3 homelab-traefik (seed 002) and the global L4 nginx it sits behind (NginxStreamLoadBalancer).
import { Duration } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { NginxStreamLoadBalancer, Route, synthesize } from '../lib';
import { homelabTraefik, HOMELAB_CLUSTERS } from '../apps/homelab-traefik';
import { chart, exactly } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('NginxStreamLoadBalancer', () => {
  const servers = [{ name: 'cluster-a', address: '10.0.0.10' }, { name: 'cluster-b', address: '10.0.0.11' }];
  const ws = () => Route.websocket('/ws', { idleTimeout: Duration.hours(1) });

  test('renders the seed\'s stream block: least_conn, one server per cluster, connect and proxy timeouts', () => {
    const l4 = new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [Route.http('/'), ws()], proxyTimeout: Duration.hours(1) });
    expect(l4.config).toContain([
      '    upstream k8s_clusters {',
      '        least_conn;',
      '        server 10.0.0.10:443 max_fails=3 fail_timeout=10s;  # cluster-a',
      '        server 10.0.0.11:443 max_fails=3 fail_timeout=10s;  # cluster-b',
      '    }',
    ].join('\n'));
    expect(l4.config).toContain('        listen 443;\n        proxy_connect_timeout 5s;\n');
    expect(l4.config).toContain('        proxy_timeout 3600s;\n        proxy_pass k8s_clusters;\n');
    expect(l4.toFile()).toEqual({ name: 'nginx-stream.conf', content: l4.config });
    expect(l4.hop.name).toBe('nginx-stream');
  });

  test('a declared heartbeat lowers what proxy_timeout must hold to twice the interval', () => {
    const route = Route.websocket('/ws', { idleTimeout: Duration.hours(1), heartbeatInterval: Duration.seconds(20) });
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [route], proxyTimeout: Duration.seconds(40) })).not.toThrow();
  });

  test('fails when proxy_timeout is the seed\'s 30 s in front of WebSockets without a heartbeat', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [Route.http('/'), ws()], proxyTimeout: Duration.seconds(30) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'proxyTimeout\' is "30s": must be at least the idle timeout of route /ws (3600s), which declares no heartbeat: nginx closes a stream connection when nothing is sent either way for proxy_timeout, so every WebSocket quiet for 30s would be cut, long before the ingress\'s own timeout. '
      + 'Fix: set proxyTimeout to Duration.seconds(3600) or more; or make the app send a heartbeat every 15s or less and declare it (Route.websocket(path, { heartbeatInterval }))'));
  });

  test('fails when proxy_timeout is under twice the declared heartbeat', () => {
    const route = Route.websocket('/ws', { idleTimeout: Duration.hours(1), heartbeatInterval: Duration.seconds(25) });
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [route], proxyTimeout: Duration.seconds(30) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'proxyTimeout\' is "30s": must be at least twice the heartbeat interval of route /ws (2 x 25s = 50s): nginx closes a stream connection when nothing is sent either way for proxy_timeout, so one late heartbeat would cut the WebSocket. '
      + 'Fix: set proxyTimeout to Duration.seconds(50) or more, or send heartbeats every 15s or less'));
  });

  test('fails when an HTTP route\'s timeout is longer than proxy_timeout', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [Route.http('/')], proxyTimeout: Duration.seconds(30) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'proxyTimeout\' is "30s": must be at least the timeout of route / (60s): nginx would cut a response that sends nothing for 30s, before the ingress gives up. '
      + 'Fix: set proxyTimeout to Duration.seconds(60) or more, or lower the route\'s timeout'));
  });

  test('fails when no cluster is listed', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers: [], routes: [ws()], proxyTimeout: Duration.hours(1) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'servers\' is []: must list at least one cluster. Fix: add { name, address } for each cluster\'s ingress'));
  });

  test('fails when a server address is neither an IPv4 address nor a DNS name', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers: [{ name: 'cluster-a', address: '10.0.0.300' }], routes: [ws()], proxyTimeout: Duration.hours(1) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'servers[0].address\' is "10.0.0.300": must be an IPv4 address or a DNS name. Fix: use the address of the cluster\'s ingress LoadBalancer, e.g. "10.0.0.10"'));
  });

  test('fails when two servers point at the same address and port', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers: [servers[0], { name: 'cluster-z', address: '10.0.0.10' }], routes: [ws()], proxyTimeout: Duration.hours(1) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'servers[1]\' is "10.0.0.10:443": must be unique (servers[0] already points there). Fix: remove the duplicate'));
  });

  test('fails when no route is given to check proxy_timeout against', () => {
    expect(() => new NginxStreamLoadBalancer(chart(), 'L4', { servers, routes: [], proxyTimeout: Duration.hours(1) })).toThrow(exactly(
      '[test/L4] NginxStreamLoadBalancer \'routes\' is []: must list the routes behind the proxy, so proxyTimeout can be checked against their idle timeouts. Fix: pass the routes of the services in every cluster'));
  });
});

describe('S3 homelab-traefik', () => {
  const files = synthesize([homelabTraefik]).files;
  const objs = [...files.entries()].filter(([f]) => f.endsWith('.yaml')).map(([file, text]) => ({ file, obj: parseAllDocuments(text)[0].toJSON() as any }));
  const clusters = HOMELAB_CLUSTERS.map((c) => c.cluster);

  test('one folder per cluster (A, B, C) with the same objects', () => {
    expect(clusters).toEqual(['cluster-a', 'cluster-b', 'cluster-c']);
    for (const cluster of clusters) {
      expect(objs.filter(({ file }) => file.startsWith(`homelab-traefik/${cluster}/prod/`)).map(({ obj }) => `${obj.kind}/${obj.metadata.name}`).sort()).toEqual([
        'Deployment/homepage', 'IngressRoute/homepage', 'IngressRoute/homepage-ws', 'Namespace/homepage', 'NetworkPolicy/default-deny', 'NetworkPolicy/homepage', 'PodDisruptionBudget/homepage',
        'ServersTransport/homepage', 'ServersTransport/homepage-ws', 'Service/homepage',
      ]);
    }
  });

  test('IngressRoutes: entryPoint websecure, Host match, backend port 3000 through the Service', () => {
    const ir = objs.find(({ file }) => file === 'homelab-traefik/cluster-a/prod/homepage.ingressroute.homepage.yaml')!.obj;
    expect(ir.spec).toEqual({
      entryPoints: ['websecure'],
      routes: [{ kind: 'Rule', match: 'Host(`home.lab.local`) && PathPrefix(`/`)', services: [{ name: 'homepage', port: 'http', serversTransport: 'homepage' }] }],
    });
    const svc = objs.find(({ file }) => file === 'homelab-traefik/cluster-a/prod/homepage.service.homepage.yaml')!.obj;
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 3000, protocol: 'TCP', targetPort: 'http' }]);
    const st = objs.find(({ file }) => file === 'homelab-traefik/cluster-a/prod/homepage.serverstransport.homepage-ws.yaml')!.obj;
    // No idleConnTimeout: it governs pooled keep-alive connections, not an upgraded WebSocket (the global nginx's proxy_timeout enforces the idle window).
    expect(st.spec.forwardingTimeouts).toEqual({ dialTimeout: '10s' });
  });

  test('Deployment: RollingUpdate maxSurge 1 / maxUnavailable 0, readiness GET /health on port 3000 after 5 s every 10 s', () => {
    const d = objs.find(({ file }) => file === 'homelab-traefik/cluster-b/prod/homepage.deployment.homepage.yaml')!.obj;
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const c = d.spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 });
  });

  test('Traefik static configuration per cluster: entryPoint timeouts that hold the WebSocket, ping on web', () => {
    for (const cluster of clusters) {
      const toml = files.get(`homelab-traefik/${cluster}/prod/traefik-static.toml`)!;
      expect(toml).toContain('[ping]\n  entryPoint = "web"');
      expect(toml).toContain('readTimeout = "0s"\n    idleTimeout = "3600s"');
    }
  });

  test('global L4 nginx: one upstream server per cluster on 443, proxy_timeout that holds idle WebSockets', () => {
    expect(files.get('homelab-traefik/nginx-stream.conf')).toMatchSnapshot();
  });
});
