// The capability table (lib/controllers/capabilities.ts): well-formed evidence, the README section
// printed from it, TOPOLOGY.md checked against it, and the Traefik truth: no WebSocket idle timeout
// is presented as enforced unless something enforces it.
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { Chart, Duration } from 'cdk8s';
import {
  CONTROLLER_CAPABILITIES, CONTROLLER_IDS, ControllerId, Hop, IngressController, RealtimeService, Route, RouteIntent, ROUTE_INTENTS, capabilityTableMarkdown, topologyMermaid, trafficEvidence,
} from '../lib';
import { chart, errorOf, find } from './util';

const ROOT = join(__dirname, '..');
const TRAFFIC_ID = /^(ingress-nginx|traefik|gateway-traefik|nginx-stream|overlay)\/(rest-timeout|ws-idle-timeout|ws-heartbeat|ws-on-rest-route-cut|streaming-response|connect-timeout|upload-timeout)$/;

function service(c: Chart, controller: IngressController, routes: Route[], hops?: Hop[]): RealtimeService {
  return new RealtimeService(c, 'Svc', {
    name: 'rt',
    image: 'ghcr.io/example/rt:1.0.0',
    http: { port: 3000, servicePort: 80 },
    websocket: { port: 3001 },
    routes: { controller, hosts: ['rt.example.com'], routes, hops },
  });
}

describe('the capability table', () => {
  test('every controller has a fact for every intent, each with evidence', () => {
    for (const id of CONTROLLER_IDS) {
      for (const intent of ROUTE_INTENTS) {
        const fact = CONTROLLER_CAPABILITIES[id].facts[intent];
        expect([id, intent, ['enforced', 'not-enforced', 'how'].includes(fact.status)]).toEqual([id, intent, true]);
        expect([id, intent, fact.how.length > 10, fact.evidence.length > 0]).toEqual([id, intent, true, true]);
      }
    }
  });

  test('traffic evidence follows <controller>/<intent>; sources are public https URLs', () => {
    const traffic = trafficEvidence();
    expect(traffic.length).toBeGreaterThanOrEqual(8);
    for (const t of traffic) expect(t.check).toMatch(TRAFFIC_ID);
    const sources = CONTROLLER_IDS.flatMap((id) => ROUTE_INTENTS.flatMap((i) => CONTROLLER_CAPABILITIES[id].facts[i].evidence.flatMap((e) => ('source' in e ? [e.source] : []))));
    for (const s of sources) expect(s).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//);
  });

  test('the measured Traefik facts: nothing cuts an idle WebSocket; responseHeaderTimeout stops at the headers; the Gateway provider ignores HTTPRoute timeouts', () => {
    const fact = (id: ControllerId, i: RouteIntent) => CONTROLLER_CAPABILITIES[id].facts[i];
    expect(fact('traefik', RouteIntent.WS_IDLE_TIMEOUT)).toMatchObject({ status: 'not-enforced', evidence: [{ traffic: 'traefik/ws-idle-timeout' }] });
    expect(fact('traefik', RouteIntent.REST_TIMEOUT)).toMatchObject({ status: 'how', evidence: expect.arrayContaining([{ traffic: 'traefik/rest-timeout' }]) });
    expect(fact('traefik', RouteIntent.STREAMING_RESPONSE).status).toBe('enforced');
    expect(fact('gateway-traefik', RouteIntent.REST_TIMEOUT).status).toBe('not-enforced');
    expect(fact('nginx-stream', RouteIntent.WS_IDLE_TIMEOUT)).toMatchObject({ status: 'enforced', evidence: expect.arrayContaining([{ traffic: 'nginx-stream/ws-idle-timeout' }]) });
  });

  test('the README section "What each controller enforces" is the table, cell for cell', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## What each controller enforces\n');
    expect(start).toBeGreaterThan(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const table = section.split('\n').filter((l) => l.startsWith('|')).join('\n');
    expect(table).toBe(capabilityTableMarkdown());
    expect(table.split('\n')).toHaveLength(CONTROLLER_IDS.length + 2);
  });
});

describe('TOPOLOGY.md draws what is enforced', () => {
  /** The controllers a route object of a kind can come from, to look its fact up. */
  const CANDIDATES: Record<string, ControllerId[]> = {
    Ingress: ['ingress-nginx', 'aws-alb'],
    IngressRoute: ['traefik'],
    HTTPRoute: CONTROLLER_IDS.filter((id) => id.startsWith('gateway-')),
  };
  const LABEL = /^\s*\S+\["(Ingress|IngressRoute|HTTPRoute) [^"]*<br\/>(WebSocket, idle|HTTP, timeout) ([^"]+)"\]$/;

  /** Problems of one TOPOLOGY.md: a route label whose timeout no fact backs. */
  function problems(text: string): string[] {
    const out: string[] = [];
    for (const line of text.split('\n')) {
      const m = LABEL.exec(line);
      if (!m) continue;
      const [, kind, what, rest] = m;
      if (rest === 'not enforced') continue;
      const v = /^(\d+) s \((.+)\)$/.exec(rest);
      if (!v) { out.push(`${line.trim()}: no enforcer named`); continue; }
      const intent = what.startsWith('WebSocket') ? RouteIntent.WS_IDLE_TIMEOUT : RouteIntent.REST_TIMEOUT;
      const by = v[2];
      const hop = /^nginx-stream (.+)$/.exec(by);
      const ids: ControllerId[] = hop ? ['nginx-stream'] : CANDIDATES[kind];
      const field = hop ? hop[1] : by;
      const ok = ids.some((id) => {
        const fact = CONTROLLER_CAPABILITIES[id].facts[intent];
        return fact.status !== 'not-enforced' && field.split(/[ ,]+/).every((w) => fact.how.includes(w) || ['lifetime', 'cap', 'cilium'].includes(w));
      });
      if (!ok) out.push(`${line.trim()}: ${field} enforces no ${intent} of ${ids.join('/')}`);
    }
    return out;
  }

  test('the check catches a Traefik WebSocket drawn as idle-enforced by idleConnTimeout, and a bare value (negative control)', () => {
    expect(problems('    ing_x["IngressRoute x-ws<br/>entryPoints websecure<br/>/ws<br/>WebSocket, idle 3600 s (idleConnTimeout)"]')).toEqual([
      'ing_x["IngressRoute x-ws<br/>entryPoints websecure<br/>/ws<br/>WebSocket, idle 3600 s (idleConnTimeout)"]: idleConnTimeout enforces no ws-idle-timeout of traefik',
    ]);
    expect(problems('    ing_x["IngressRoute x-ws<br/>/ws<br/>WebSocket, idle 3600 s"]')).toHaveLength(1);
    expect(problems('    ing_x["Ingress x-ws<br/>/ws<br/>WebSocket, idle 3600 s (proxy-read-timeout)"]')).toEqual([]);
  });

  test('every TOPOLOGY.md in dist/ names, for each route timeout, a field whose fact enforces it', () => {
    const dist = join(ROOT, 'dist');
    const files = readdirSync(dist).map((app) => join(dist, app, 'TOPOLOGY.md')).filter((f) => { try { readFileSync(f); return true; } catch { return false; } });
    expect(files.length).toBeGreaterThanOrEqual(5);
    let labels = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      labels += text.split('\n').filter((l) => LABEL.test(l)).length;
      expect([f, problems(text)]).toEqual([f, []]);
    }
    expect(labels).toBeGreaterThan(10);
  });
});

describe('Traefik: what it enforces, and nothing else', () => {
  const WS = () => [Route.http('/api', { timeout: Duration.seconds(30) }), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })];

  test('fails when a WebSocket idle timeout has nothing to enforce it', () => {
    expect(errorOf(() => service(chart(), IngressController.traefik(), WS()))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[1].idleTimeout\' is "3600s": must be enforced by the controller or a declared hop: Traefik v3 (IngressRoute) does not enforce a WebSocket idle timeout '
      + '(nothing in Traefik closes a quiet upgraded connection (ServersTransport idleConnTimeout covers pooled keep-alive connections; entryPoint idleTimeout and readTimeout do not cut a WebSocket)), so the 3600s declared for /ws would be a silent no-op. '
      + 'Fix: declare the hop that enforces it (routes.hops: [Hop.nginxStream(Duration.seconds(3600))] when a global nginx stream proxy with proxy_timeout 3600s is in front); '
      + 'render for a controller that enforces it (IngressController.nginx(), GatewayImplementation.envoyGateway(), GatewayImplementation.nginxGatewayFabric(), GatewayImplementation.kgateway()); '
      + 'or accept it unenforced with IngressController.traefik({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })');
  });

  test('a global nginx stream proxy whose proxy_timeout equals the idle timeout enforces it, and TOPOLOGY.md says so', () => {
    const c = chart();
    const svc = service(c, IngressController.traefik(), WS(), [Hop.nginxStream(Duration.hours(1))]);
    expect(find(c, 'ServersTransport', 'rt-ws').spec.forwardingTimeouts).toEqual({ dialTimeout: '10s' });
    expect(find(c, 'ServersTransport', 'rt').spec.forwardingTimeouts).toEqual({ dialTimeout: '10s', responseHeaderTimeout: '30s' });
    expect(svc.routeGroups.map((g) => g.enforced[0])).toEqual([
      { intent: 'rest-timeout', status: 'how', seconds: 30, by: 'traefik', field: 'responseHeaderTimeout' },
      { intent: 'ws-idle-timeout', status: 'enforced', seconds: 3600, by: 'nginx-stream', field: 'proxy_timeout' },
    ]);
    const m = topologyMermaid([{ chart: c }]);
    expect(m).toContain('IngressRoute rt-ws<br/>entryPoints websecure<br/>/ws<br/>WebSocket, idle 3600 s (nginx-stream proxy_timeout)');
    expect(m).toContain('IngressRoute rt<br/>entryPoints websecure<br/>/api<br/>HTTP, timeout 30 s (responseHeaderTimeout)');
  });

  test('fails when the declared nginx stream proxy cuts at another value than the route\'s idle timeout', () => {
    expect(errorOf(() => service(chart(), IngressController.traefik(), [Route.websocket('/ws', { idleTimeout: Duration.minutes(30) })], [Hop.nginxStream(Duration.hours(1))]))).toBe(
      '[test/Svc] RealtimeService \'routes.routes[0].idleTimeout\' is "1800s": must be enforced by the controller or a declared hop: Traefik v3 (IngressRoute) does not enforce a WebSocket idle timeout '
      + '(nothing in Traefik closes a quiet upgraded connection (ServersTransport idleConnTimeout covers pooled keep-alive connections; entryPoint idleTimeout and readTimeout do not cut a WebSocket)), so the 1800s declared for /ws would be a silent no-op. '
      + 'Fix: set the route\'s idleTimeout to the declared hop\'s idle cut (Duration.seconds(3600)), so nginx-stream enforces it; '
      + 'render for a controller that enforces it (IngressController.nginx(), GatewayImplementation.envoyGateway(), GatewayImplementation.nginxGatewayFabric(), GatewayImplementation.kgateway()); '
      + 'or accept it unenforced with IngressController.traefik({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] })');
  });

  test('a custom hop named like the nginx proxy is not an enforcer (only Hop.nginxStream is)', () => {
    expect(errorOf(() => service(chart(), IngressController.traefik(), WS(), [Hop.custom('nginx-stream', Duration.hours(1))]))).toMatch(/^\[test\/Svc\] RealtimeService 'routes\.routes\[1\]\.idleTimeout' is "3600s": must be enforced/);
  });

  test('an acknowledged WebSocket idle timeout renders nothing for it and is drawn as not enforced', () => {
    const c = chart();
    const svc = service(c, IngressController.traefik({ acknowledgeUnenforced: [RouteIntent.WS_IDLE_TIMEOUT] }), WS());
    expect(svc.routeGroups[1].enforced).toEqual([
      { intent: 'ws-idle-timeout', status: 'not-enforced', by: 'traefik', field: '' },
      { intent: 'connect-timeout', status: 'enforced', seconds: 10, by: 'traefik', field: 'dialTimeout' },
    ]);
    expect(topologyMermaid([{ chart: c }])).toContain('/ws<br/>WebSocket, idle not enforced"]');
  });

  test('fails when acknowledging an intent Traefik enforces', () => {
    expect(errorOf(() => service(chart(), IngressController.traefik({ acknowledgeUnenforced: [RouteIntent.CONNECT_TIMEOUT] }), [Route.http('/')]))).toBe(
      '[test/Svc] RealtimeService \'routes.controller.acknowledgeUnenforced[0]\' is "RouteIntent.CONNECT_TIMEOUT": must name an intent Traefik v3 (IngressRoute) does not enforce (it enforces this one: ServersTransport forwardingTimeouts.dialTimeout). '
      + 'Fix: remove RouteIntent.CONNECT_TIMEOUT from acknowledgeUnenforced');
  });
});
