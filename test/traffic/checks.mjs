// The behaviour checks of npm run test:traffic, run by in-netns.sh once everything is up.
//   node checks.mjs STATE_DIR       (KUBECTL, KUBECONFIG from the environment)
// Three phases: the negative controls (each must observe a cut or a refusal; if one does not,
// the harness cannot see failures and nothing else runs), the behaviour checks (all in parallel),
// and the rollout checks (they change EndpointSlices, so they run alone). Every check is named
// `<controller>/<intent>`; its measured outcome goes to STATE_DIR/results.json (and to
// $CDK8SRT_TRAFFIC_RESULTS when set). Last line: `N traffic checks passed, M failed`.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { httpProbe, wsIdleProbe, wsOpen } from './probes.mjs';
import { DEAD_ADDRESSES, PODS, endpointSlice } from './harness-objects.mjs';

const S = process.argv[2];
const { scaled, cases } = JSON.parse(fs.readFileSync(path.join(S, 'variants', 'budget.json'), 'utf8'));
const REST = scaled.restSeconds, CONNECT = scaled.connectSeconds, IDLE = scaled.wsIdleSeconds, HB = scaled.heartbeatSeconds;
const SLOW = REST + 3;          // a response slower than the REST timeout
const QUIET = REST + 2;         // quiet longer than the REST timeout, shorter than the idle timeout
const LONG = IDLE + 3;          // quiet longer than the idle timeout
const T_START = performance.now();

// Where each proxy listens (addresses of the network namespace, see in-netns.sh).
const WEB = { address: '10.0.0.10', port: 80, tls: false };           // Traefik entryPoint web
const WEBSECURE = { address: '10.0.0.10', port: 443, tls: true };     // Traefik entryPoint websecure
const EDGE = { address: '10.0.1.1', port: 443, tls: true };           // the global L4 nginx
const budgetProxy = (name) => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no budget case ${name} in budget.json`);
  return { c, to: { address: '10.0.1.1', port: c.listenPort, tls: true } };
};
const pod = (p, portName = 'http') => `${p.address}:${p.ports.find((x) => x.name === portName).port}`;

const HOSTS = { nexus: 'nexus-runtime.example.com', homepage: 'home.lab.local', gateway: 'gw.lab.local', gatewayTraefik: 'gw-traefik.lab.local', mentra: 'api.mentra.glass' };

// ---- verdict helpers: each returns [pass, measured text] -------------------------------------
const TOL_EARLY = 0.5, TOL_LATE = 2;
const near = (t, want) => t >= want - TOL_EARLY && t <= want + TOL_LATE;
function wsCutAt(m, want) {
  const txt = m.result === 'closed' ? `closed after ${m.closedAt}s` : m.result === 'survived' ? `survived (echo at ${m.echoAt}s)` : `${m.result}${m.error ? `: ${m.error}` : ''}`;
  return [m.result === 'closed' && near(m.closedAt, want), txt, m.result === 'closed'];
}
function wsSurvives(m) {
  const [, txt] = wsCutAt(m, 0);
  return [m.result === 'survived', txt, m.result === 'closed'];
}
function httpText(m) {
  return m.status ? `HTTP ${m.status} after ${m.seconds}s${m.headersAt !== undefined && m.status === 200 ? ` (headers at ${m.headersAt}s)` : ''}${m.error ? `, ${m.error}` : ''}` : `no response: ${m.error} after ${m.seconds}s`;
}
const cut504At = (m, want) => [m.status === 504 && near(m.seconds, want), httpText(m), m.status === 504];
const completes = (m, minSeconds) => [m.status === 200 && !m.error && m.seconds >= minSeconds - TOL_EARLY, httpText(m), m.status !== 200 || !!m.error];
const fromPod = (m, want) => (m.pod === want ? [] : [`reached ${m.pod ?? 'no pod'} instead of ${want}`]);

// ---- the checks -------------------------------------------------------------------------------
// { id, expect, run: () => measurement, verdict: (m) => [pass, measured, cut?], enforced?: (cut) => bool }
// `cut` is what the proxy did (true: it cut the request or connection); for intent checks it
// becomes `enforced` in results.json, the fact the controller capability table is checked against.
const restCheck = (id, to, host, podAddr, expect) => ({
  id, expect: expect ?? `a request slower than the ${REST}s REST timeout is cut with 504 at ${REST}s`,
  run: () => httpProbe({ to, host, path: `/slow?s=${SLOW}` }), verdict: (m) => cut504At(m, REST), podAddr,
});
const restNotEnforcedCheck = (id, to, host, podAddr) => ({
  id, expect: `measured: the ${REST}s REST timeout is not enforced; a ${SLOW}s request completes with 200`,
  run: () => httpProbe({ to, host, path: `/slow?s=${SLOW}` }), verdict: (m) => completes(m, SLOW), podAddr,
});
const streamingCheck = (id, to, host, podAddr) => ({
  id, expect: `a response that starts at once and sends a line every second for ${SLOW}s is not cut (the REST timeout is ${REST}s)`,
  run: () => httpProbe({ to, host, path: `/drip?s=${SLOW}&every=1` }), verdict: (m) => completes(m, SLOW), podAddr,
});
const wsSurvivesCheck = (id, to, host, wsPath, podAddr, what) => ({
  id, expect: what ?? `an idle WebSocket survives ${QUIET}s, past the ${REST}s REST timeout`,
  run: () => wsIdleProbe({ to, host, path: wsPath, idle: QUIET }), verdict: wsSurvives, podAddr,
});
const wsIdleCutCheck = (id, to, host, wsPath, podAddr, at = IDLE, idle = LONG, what) => ({
  id, expect: what ?? `an idle WebSocket is cut at its ${at}s idle timeout`,
  run: () => wsIdleProbe({ to, host, path: wsPath, idle }), verdict: (m) => wsCutAt(m, at), podAddr,
});
const wsIdleNotEnforcedCheck = (id, to, host, wsPath, podAddr) => ({
  id, expect: `measured: nothing cuts an idle WebSocket; it survives ${LONG}s, past its ${IDLE}s idle timeout`,
  run: () => wsIdleProbe({ to, host, path: wsPath, idle: LONG }), verdict: wsSurvives, podAddr,
});
const wsHeartbeatCheck = (id, to, host, wsPath, podAddr, hb = HB, idle = LONG, what) => ({
  id, expect: what ?? `a WebSocket sending a heartbeat every ${hb}s survives ${idle}s, past its ${IDLE}s idle timeout`,
  run: () => wsIdleProbe({ to, host, path: wsPath, idle, heartbeat: hb }), verdict: wsSurvives, podAddr,
});

const nexus = PODS.nexus, homepage = PODS.homepage, gateway = PODS.gateway, gatewayTraefik = PODS.gatewayTraefik, porter = PODS.porter;

const NEGATIVE = [
  {
    id: 'negative/probe-sees-a-close',
    expect: 'a WebSocket the backend itself closes after 2s (no proxy) is reported closed at 2s',
    run: () => wsIdleProbe({ to: { address: homepage.address, port: 3000, tls: false }, host: 'direct', path: '/ws?close=2', idle: 5 }),
    verdict: (m) => wsCutAt(m, 2),
  },
  {
    id: 'negative/unrouted-host-404',
    expect: 'Traefik answers 404 for a host no route claims (so a 200 elsewhere means a route matched)',
    run: () => httpProbe({ to: WEB, host: 'unrouted.invalid', path: '/' }),
    verdict: (m) => [m.status === 404, httpText(m)],
  },
  { ...restCheck('negative/rest-slow-cut', WEB, HOSTS.nexus, pod(nexus)), expect: `ingress-nginx annotations: a ${SLOW}s request is cut with 504 at the REST Ingress's ${REST}s` },
  {
    ...wsIdleCutCheck('negative/ws-through-rest-route-cut', WEB, HOSTS.nexus, '/', pod(nexus), REST, QUIET),
    expect: `ingress-nginx annotations: a WebSocket sent through the REST Ingress is cut at its ${REST}s`,
  },
  (() => {
    const { c, to } = budgetProxy('refused-idle');
    return {
      ...wsIdleCutCheck('negative/stream-proxy-cuts-idle', to, HOSTS.homepage, '/ws', pod(homepage), c.proxyTimeoutSeconds, c.proxyTimeoutSeconds + 1),
      expect: `nginx stream with proxy_timeout ${c.proxyTimeoutSeconds}s cuts a quiet WebSocket at ${c.proxyTimeoutSeconds}s`,
    };
  })(),
];

const budgetChecks = [
  (() => {
    const { c, to } = budgetProxy('refused-idle');
    return {
      id: 'budget/refused-idle-breaks',
      expect: `the budget refuses Hop.nginxStream(${c.proxyTimeoutSeconds}s) for a WebSocket route idle ${c.route.idleSeconds}s without heartbeat, and in traffic a WebSocket quiet for ${c.proxyTimeoutSeconds + 1}s (within the route's promise) is cut at ${c.proxyTimeoutSeconds}s`,
      run: () => wsIdleProbe({ to, host: HOSTS.homepage, path: '/ws', idle: c.proxyTimeoutSeconds + 1 }),
      verdict: (m) => { const [p, t, cut] = wsCutAt(m, c.proxyTimeoutSeconds); return [p && !!c.refusal, `${c.refusal ? 'refused' : 'ACCEPTED'}; ${t}`, cut]; },
      podAddr: pod(homepage),
    };
  })(),
  {
    id: 'budget/accepted-idle-holds',
    expect: `the budget accepts the homelab's Hop.nginxStream(${IDLE}s) for its route idle ${IDLE}s, and a WebSocket quiet for ${IDLE - 1}s survives through it`,
    run: () => wsIdleProbe({ to: EDGE, host: HOSTS.homepage, path: '/ws', idle: IDLE - 1 }),
    verdict: wsSurvives, podAddr: pod(homepage),
  },
  (() => {
    const { c, to } = budgetProxy('refused-heartbeat');
    return {
      id: 'budget/refused-heartbeat-breaks',
      expect: `the budget refuses Hop.nginxStream(${c.proxyTimeoutSeconds}s) for a route with a ${c.route.heartbeatSeconds}s heartbeat, and in traffic that WebSocket is cut at ${c.proxyTimeoutSeconds}s`,
      run: () => wsIdleProbe({ to, host: HOSTS.homepage, path: '/ws', idle: c.route.heartbeatSeconds * 2, heartbeat: c.route.heartbeatSeconds }),
      verdict: (m) => { const [p, t, cut] = wsCutAt(m, c.proxyTimeoutSeconds); return [p && !!c.refusal, `${c.refusal ? 'refused' : 'ACCEPTED'}; ${t}`, cut]; },
      podAddr: pod(homepage),
    };
  })(),
  (() => {
    const { c, to } = budgetProxy('accepted-heartbeat');
    return {
      id: 'budget/accepted-heartbeat-holds',
      expect: `the budget accepts Hop.nginxStream(${c.proxyTimeoutSeconds}s) for a route with a ${c.route.heartbeatSeconds}s heartbeat, and that WebSocket survives ${LONG}s`,
      run: () => wsIdleProbe({ to, host: HOSTS.homepage, path: '/ws', idle: LONG, heartbeat: c.route.heartbeatSeconds }),
      verdict: (m) => { const [p, t, cut] = wsSurvives(m); return [p && !c.refusal, `${c.refusal ? 'REFUSED' : 'accepted'}; ${t}`, cut]; },
      podAddr: pod(homepage),
    };
  })(),
];

const MAIN = [
  // ingress-nginx annotations (S2 nexus-runtime), through Traefik's kubernetesIngressNGINX provider.
  { ...restCheck('ingress-nginx/rest-timeout', WEB, HOSTS.nexus, pod(nexus)), expect: `proxy-read-timeout ${REST}s: a ${SLOW}s request is cut with 504 at ${REST}s` },
  { ...streamingCheck('ingress-nginx/streaming-response', WEB, HOSTS.nexus, pod(nexus)), expect: `proxy-read-timeout is between two reads: a response sending a line every second for ${SLOW}s completes` },
  wsSurvivesCheck('ingress-nginx/ws-survives-rest-timeout', WEB, HOSTS.nexus, '/panels', pod(nexus, 'websocket')),
  wsIdleCutCheck('ingress-nginx/ws-idle-timeout', WEB, HOSTS.nexus, '/panels', pod(nexus, 'websocket')),
  wsHeartbeatCheck('ingress-nginx/ws-heartbeat', WEB, HOSTS.nexus, '/panels', pod(nexus, 'websocket')),
  { ...wsIdleCutCheck('ingress-nginx/ws-on-rest-route-cut', WEB, HOSTS.nexus, '/', pod(nexus), REST, QUIET), expect: `a WebSocket through the REST Ingress is cut at its ${REST}s: the separate WebSocket Ingress is needed` },
  // Traefik IngressRoute + ServersTransport (S3 homelab-traefik cluster-a), entryPoint websecure.
  { ...restCheck('traefik/rest-timeout', WEBSECURE, HOSTS.homepage, pod(homepage)), expect: `ServersTransport responseHeaderTimeout ${REST}s: a ${SLOW}s request is cut with 504 at ${REST}s` },
  { ...streamingCheck('traefik/streaming-response', WEBSECURE, HOSTS.homepage, pod(homepage)), expect: `measured: responseHeaderTimeout ends with the headers; a response that starts at once and streams for ${SLOW}s is never cut` },
  wsSurvivesCheck('traefik/ws-survives-rest-timeout', WEBSECURE, HOSTS.homepage, '/ws', pod(homepage)),
  wsIdleNotEnforcedCheck('traefik/ws-idle-timeout', WEBSECURE, HOSTS.homepage, '/ws', pod(homepage)),
  wsHeartbeatCheck('traefik/ws-heartbeat', WEBSECURE, HOSTS.homepage, '/ws', pod(homepage)),
  { ...wsSurvivesCheck('traefik/ws-on-rest-route-cut', WEBSECURE, HOSTS.homepage, '/', pod(homepage)), expect: `measured: a WebSocket through the REST IngressRoute is NOT cut at its ${REST}s responseHeaderTimeout (survives ${QUIET}s)` },
  {
    id: 'traefik/upload-timeout',
    expect: 'entryPoint readTimeout 0s (as the homelab configures it): a slow upload (12 KiB at 2 KiB/s) completes',
    run: () => httpProbe({ to: WEBSECURE, host: HOSTS.homepage, path: '/upload', method: 'POST', upload: { bytes: 12288, chunk: 2048, everySeconds: 1 } }),
    verdict: (m) => completes(m, 5), podAddr: pod(homepage),
  },
  // Gateway API HTTPRoutes through Traefik's kubernetesGateway provider, entryPoint web.
  restNotEnforcedCheck('gateway-traefik/rest-timeout', WEB, HOSTS.gateway, pod(gateway)),
  wsSurvivesCheck('gateway-traefik/ws-survives-rest-timeout', WEB, HOSTS.gateway, '/ws', pod(gateway)),
  wsIdleNotEnforcedCheck('gateway-traefik/ws-idle-timeout', WEB, HOSTS.gateway, '/ws', pod(gateway)),
  { ...wsSurvivesCheck('gateway-traefik/ws-on-rest-route-cut', WEB, HOSTS.gateway, '/', pod(gateway)), expect: `measured: a WebSocket through the REST HTTPRoute (request ${REST}s) is NOT cut (survives ${QUIET}s)` },
  // The same routes rendered by GatewayImplementation.traefik() (no timeout fields; both intents acknowledged).
  { ...restNotEnforcedCheck('gateway-traefik/implementation-renders-no-rest-timeout', WEB, HOSTS.gatewayTraefik, pod(gatewayTraefik)), expect: `GatewayImplementation.traefik() renders no timeout (acknowledged): a ${SLOW}s request completes with 200` },
  { ...wsIdleNotEnforcedCheck('gateway-traefik/implementation-ws-idle-not-enforced', WEB, HOSTS.gatewayTraefik, '/ws', pod(gatewayTraefik)), expect: `GatewayImplementation.traefik() (acknowledged): an idle WebSocket survives ${LONG}s, past its ${IDLE}s idle timeout` },
  {
    id: 'gateway-traefik/route-accepted',
    expect: 'every HTTPRoute reports Accepted=True and ResolvedRefs=True (the ignored timeouts raise no condition)',
    run: async () => {
      const out = {};
      for (const name of ['realtime', 'realtime-ws', 'realtime-traefik', 'realtime-traefik-ws']) {
        const r = JSON.parse(execFileSync(process.env.KUBECTL, ['get', 'httproute', '-n', 'gw', name, '-o', 'json'], { encoding: 'utf8' }));
        const conds = (r.status?.parents ?? []).flatMap((p) => p.conditions ?? []);
        out[name] = Object.fromEntries(conds.map((c) => [c.type, c.status]));
      }
      return out;
    },
    verdict: (m) => [Object.values(m).every((c) => c.Accepted === 'True' && c.ResolvedRefs === 'True'), JSON.stringify(m)],
  },
  // The global L4 nginx (S3's nginx-stream.conf) in front of Traefik websecure.
  { ...restCheck('nginx-stream/rest-timeout-passes-through', EDGE, HOSTS.homepage, pod(homepage)), expect: `through the L4 proxy, Traefik still cuts a ${SLOW}s request with 504 at ${REST}s` },
  wsSurvivesCheck('nginx-stream/ws-survives-rest-timeout', EDGE, HOSTS.homepage, '/ws', pod(homepage)),
  { ...wsIdleCutCheck('nginx-stream/ws-idle-timeout', EDGE, HOSTS.homepage, '/ws', pod(homepage)), expect: `proxy_timeout ${IDLE}s: an idle WebSocket is cut at ${IDLE}s` },
  wsHeartbeatCheck('nginx-stream/ws-heartbeat', EDGE, HOSTS.homepage, '/ws', pod(homepage)),
  // S1: ManagedIngressOverlay beside Porter's Ingress (owner `/` with the REST timeout), ingress-nginx provider.
  { ...wsSurvivesCheck('overlay/ws-survives-owner-timeout', WEBSECURE, HOSTS.mentra, '/glasses-ws', pod(porter)), expect: `the overlay's /glasses-ws: an idle WebSocket survives ${QUIET}s, past the owner's ${REST}s` },
  { ...wsIdleCutCheck('overlay/ws-idle-timeout', WEBSECURE, HOSTS.mentra, '/app-ws', pod(porter)), expect: `the overlay's /app-ws: an idle WebSocket is cut at the overlay's ${IDLE}s` },
  { ...wsHeartbeatCheck('overlay/ws-heartbeat', WEBSECURE, HOSTS.mentra, '/glasses-ws', pod(porter)), expect: `the overlay's /glasses-ws with the declared ${HB}s heartbeat survives ${LONG}s` },
  { ...restCheck('overlay/owner-rest-timeout', WEBSECURE, HOSTS.mentra, pod(porter)), expect: `every other path keeps the owner's timeouts: a ${SLOW}s request on /api is cut with 504 at ${REST}s`, run: () => httpProbe({ to: WEBSECURE, host: HOSTS.mentra, path: `/api/slow?s=${SLOW}` }) },
  { ...wsIdleCutCheck('overlay/ws-on-owner-path-cut', WEBSECURE, 'global.augmentos.cloud', '/other-ws', pod(porter), REST, QUIET), expect: `a WebSocket on an owner path (/other-ws, second host) gets the owner's ${REST}s` },
  ...budgetChecks,
];

// ---- rollout and connect timeouts: the checks that change an EndpointSlice -------------------
function applySlice(obj) {
  execFileSync(process.env.KUBECTL, ['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: JSON.stringify(obj), stdio: ['pipe', 'ignore', 'pipe'] });
}
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
async function waitStatus(probe, want, seconds) {
  const end = performance.now() + seconds * 1000;
  let m;
  do { m = await probe(); if (want(m.status)) return m; await sleep(0.2); } while (performance.now() < end);
  return m;
}
// Until Traefik's dynamic configuration (its API on 127.0.0.1:9000) holds `text` (or, with
// `present` false, no longer holds it).
async function traefikHas(text, present = true, seconds = 10) {
  const end = performance.now() + seconds * 1000;
  do {
    const r = await httpProbe({ to: { address: '127.0.0.1', port: 9000, tls: false }, host: '127.0.0.1', path: '/api/rawdata', deadlineSeconds: 3, fullBody: true });
    if (r.status === 200 && r.body.includes(text) === present) return true;
    await sleep(0.2);
  } while (performance.now() < end);
  return false;
}
// A request the proxy does not pass to any pod: 503 (no server) or 404 (no router).
const refused = (s) => s === 503 || s === 404;
// `refusedWith`: what new requests get meanwhile, as measured: 503 where the router stays without
// servers; 404 for Traefik's kubernetesCRD provider, which drops a router whose Service has no
// ready endpoint (its allowEmptyServices option is off by default).
const rolloutCheck = (controller, to, host, wsPath, p, portName, refusedWith, restPath = '/') => ({
  id: `rollout-endpoint/${controller}`,
  expect: `measured: an open WebSocket stays open (and echoes) after its endpoint turns not-ready and after it is removed from the EndpointSlice, while new requests get ${refusedWith}`,
  run: async () => {
    const ws = await wsOpen({ to, host, path: wsPath });
    if (ws.failed) return { error: ws.failed };
    const probe = () => httpProbe({ to, host, path: restPath, deadlineSeconds: 5 });
    const out = { pod: ws.pod };
    try {
      applySlice(endpointSlice(p, false));
      out.newRequestNotReady = (await waitStatus(probe, refused, 8)).status;
      out.notReady = (await ws.expectEcho('after-not-ready', 3)) ? 'open' : 'cut';
      applySlice(endpointSlice(p, 'removed'));
      await sleep(1);
      out.newRequestRemoved = (await probe()).status;
      out.removed = (await ws.expectEcho('after-removed', 3)) ? 'open' : 'cut';
    } finally {
      applySlice(endpointSlice(p, true));
      out.restored = (await waitStatus(probe, (s) => s === 200, 8)).status;
      ws.close();
    }
    return out;
  },
  verdict: (m) => [m.pod === pod(p, portName) && m.notReady === 'open' && m.removed === 'open' && m.newRequestNotReady === refusedWith && m.newRequestRemoved === refusedWith && m.restored === 200,
    m.error ?? `pod ${m.pod}; not-ready: WebSocket ${m.notReady}, new request ${m.newRequestNotReady}; removed: WebSocket ${m.removed}, new request ${m.newRequestRemoved}; restored: ${m.restored}`,
    m.notReady === 'cut' || m.removed === 'cut'],
});
// ingress-nginx retries a failed connection (proxy-next-upstream "error timeout", 3 tries by
// default), each try with the connect timeout; Traefik's provider does the same.
const INGRESS_NGINX_TRIES = 3;
const connectCheck = (controller, to, host, p, dead, tries = 1) => ({
  id: `${controller}/connect-timeout`,
  expect: `with the only endpoint unreachable (SYNs dropped), a request fails with 504 after ${tries > 1 ? `${tries} tries x ` : ''}the ${CONNECT}s connect timeout`,
  run: async () => {
    try {
      applySlice(endpointSlice({ ...p, address: dead }));
      if (!(await traefikHas(`${dead}:`))) return { error: `Traefik never routed to ${dead}` };
      return await httpProbe({ to, host, path: '/', deadlineSeconds: 20 });
    } finally {
      applySlice(endpointSlice(p, true));
      await traefikHas(`${dead}:`, false);
    }
  },
  verdict: (m) => [m.status === 504 && near(m.seconds, tries * CONNECT), m.error && !m.status ? m.error : httpText(m), m.status === 504 || m.status === 502],
});
// Each chain changes one Service's EndpointSlice; the chains run in parallel.
const ENDPOINT_CHAINS = [
  [connectCheck('traefik', WEBSECURE, HOSTS.homepage, homepage, DEAD_ADDRESSES[0]), rolloutCheck('traefik', WEBSECURE, HOSTS.homepage, '/ws', homepage, 'http', 404)],
  [connectCheck('ingress-nginx', WEB, HOSTS.nexus, nexus, DEAD_ADDRESSES[1], INGRESS_NGINX_TRIES)],
  [rolloutCheck('ingress-nginx', WEBSECURE, HOSTS.mentra, '/glasses-ws', porter, 'http', 503, '/api')],
  [rolloutCheck('gateway-traefik', WEB, HOSTS.gateway, '/ws', gateway, 'http', 503)],
];

// ---- runner -------------------------------------------------------------------------------
const results = [];
async function runAll(checks) {
  return Promise.all(checks.map(async (c) => {
    const t0 = performance.now();
    let m, pass, measured, cut;
    try {
      m = await c.run();
      [pass, measured, cut] = c.verdict(m);
      const wrong = c.podAddr && !c.id.startsWith('rollout-endpoint/') ? fromPod(m, c.podAddr) : [];
      if (wrong.length && (m.status === 200 || m.result === 'survived' || m.result === 'closed')) { pass = false; measured += `; ${wrong.join('; ')}`; }
    } catch (e) {
      pass = false; measured = `error: ${e.message}`;
    }
    const r = { id: c.id, pass: !!pass, expect: c.expect, measured, cut: cut === undefined ? null : !!cut, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), data: m ?? null };
    results.push(r);
    console.log(`${r.pass ? 'ok  ' : 'FAIL'} ${r.id.padEnd(42)} ${r.measured}${r.pass ? '' : `\n       expected: ${r.expect}`}`);
    return r;
  }));
}

// The capability table (lib/) against these results: one check per controller it covers
// (test/traffic/facts.ts), run with the library through the repo's TypeScript hook.
function factChecks(file) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (!fs.existsSync(path.join(here, 'facts.ts'))) return [];
  let lines;
  try {
    lines = execFileSync(process.execPath, ['-r', path.join(here, '..', '..', 'tools', 'register.js'), path.join(here, 'facts.ts'), file], { encoding: 'utf8' });
  } catch (e) {
    return [{ id: 'capability-facts/readable', pass: false, expect: 'facts.ts compares the capability table with the results', measured: `facts.ts failed: ${e.stderr || e.message}`, cut: null, seconds: 0, data: null }];
  }
  return lines.trim().split('\n').filter(Boolean).map((l) => {
    const r = JSON.parse(l);
    return { ...r, expect: 'every fact of the capability table that a traffic check measures agrees with the measurement', cut: null, seconds: 0, data: null };
  });
}

function finish() {
  const out = { scaled, checks: results.sort((a, b) => a.id.localeCompare(b.id)) };
  fs.writeFileSync(path.join(S, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  if (results.every((r) => r.measured !== 'not run (a negative control failed)')) {
    console.log('== the capability table (lib/) against these measurements');
    for (const r of factChecks(path.join(S, 'results.json'))) {
      results.push(r);
      console.log(`${r.pass ? 'ok  ' : 'FAIL'} ${r.id.padEnd(42)} ${r.measured}${r.pass ? '' : `\n       expected: ${r.expect}`}`);
    }
    out.checks = results.sort((a, b) => a.id.localeCompare(b.id));
    fs.writeFileSync(path.join(S, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  }
  if (process.env.CDK8SRT_TRAFFIC_RESULTS) fs.writeFileSync(process.env.CDK8SRT_TRAFFIC_RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  const passed = results.filter((r) => r.pass).length;
  console.log(`checks took ${((performance.now() - T_START) / 1000).toFixed(1)}s; results in ${process.env.CDK8SRT_TRAFFIC_RESULTS || path.join(S, 'results.json')}`);
  console.log(`${passed} traffic checks passed, ${results.length - passed} failed`);
  process.exitCode = passed === results.length ? 0 : 1;
}

console.log(`== negative controls (each must see a cut): REST ${REST}s, WebSocket idle ${IDLE}s, heartbeat ${HB}s`);
const neg = await runAll(NEGATIVE);
if (neg.some((r) => !r.pass)) {
  console.log('== a negative control did not see what it must: the harness cannot tell a cut from a pass; the other checks are not run');
  for (const c of [...MAIN, ...ENDPOINT_CHAINS.flat()]) results.push({ id: c.id, pass: false, expect: c.expect, measured: 'not run (a negative control failed)', cut: null, seconds: 0, data: null });
  finish();
} else {
  console.log(`== behaviour checks (${MAIN.length}, in parallel)`);
  await runAll(MAIN);
  console.log(`== EndpointSlice changes (${ENDPOINT_CHAINS.flat().length}): unreachable endpoint; endpoint not-ready, then removed, under an open WebSocket`);
  await Promise.all(ENDPOINT_CHAINS.map(async (chain) => { for (const c of chain) await runAll([c]); }));
  finish();
}
