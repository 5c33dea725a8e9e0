// What each controller (and each Gateway API implementation) really enforces, as data: one fact per
// controller x route intent, each backed by a named traffic check (`npm run test:traffic`) or, where
// no proxy of that kind runs here, a public source. The renderers, TOPOLOGY.md and the README's
// "What each controller enforces" table all read this table; a renderer never emits a field "for"
// an intent unless its fact here says that field enforces it.
//
// This module imports nothing from the rest of lib/: it is the bottom layer of the routing model.

/** A route intent: something a route declares that a proxy must enforce. */
export enum RouteIntent {
  /** An HTTP route's `timeout`: a slow response is cut. */
  REST_TIMEOUT = 'rest-timeout',
  /** A WebSocket route's `idleTimeout`: a quiet WebSocket is closed after it, and kept open until then. */
  WS_IDLE_TIMEOUT = 'ws-idle-timeout',
  /** A route's `connectTimeout`: how long the proxy waits to open a connection to a pod. */
  CONNECT_TIMEOUT = 'connect-timeout',
  /**
   * A response that keeps sending data (server-sent events, a chunked download) is not cut by the
   * REST timeout while it flows.
   */
  STREAMING_RESPONSE = 'streaming-response',
  /** UDP datagrams routed to the service through this controller. */
  UDP = 'udp',
}

/** Every intent, in table order. */
export const ROUTE_INTENTS: readonly RouteIntent[] = [
  RouteIntent.REST_TIMEOUT, RouteIntent.WS_IDLE_TIMEOUT, RouteIntent.CONNECT_TIMEOUT, RouteIntent.STREAMING_RESPONSE, RouteIntent.UDP,
];

/**
 * - `enforced`: the controller enforces the intent with the field named in `how`;
 * - `not-enforced`: nothing the renderer can emit enforces it (`how` says what happens instead);
 * - `how`: enforced with a caveat that changes its meaning (a cluster-wide flag, a lifetime cap
 *   instead of an idle timeout, time-to-headers only), spelled out in `how`.
 */
export type EnforcementStatus = 'enforced' | 'not-enforced' | 'how';

/**
 * What a fact rests on: a named behaviour check of `npm run test:traffic` (`<controller>/<intent>`,
 * run by the repository's traffic harness), or a public source (code at a tag, the product's documentation).
 */
export type Evidence = { readonly traffic: string } | { readonly source: string };

/** One controller x intent cell. */
export interface CapabilityFact {
  readonly status: EnforcementStatus;
  /** The field that enforces the intent, or what happens instead; one sentence, no trailing period. */
  readonly how: string;
  /** At least one traffic check or source. */
  readonly evidence: readonly Evidence[];
  /** For a `not-enforced` fact: what to use instead, when it is not simply another controller. */
  readonly alternative?: string;
}

/** The controllers and implementations the table covers. */
export type ControllerId =
  | 'ingress-nginx' | 'traefik' | 'aws-alb' | 'nginx-stream'
  | 'gateway-envoy-gateway' | 'gateway-nginx-gateway-fabric' | 'gateway-traefik' | 'gateway-istio'
  | 'gateway-cilium' | 'gateway-kgateway' | 'gateway-gke' | 'gateway-generic';

/** One row of the table. */
export interface ControllerCapabilities {
  /** Display name, e.g. `Envoy Gateway 1.9 (Gateway API)`. */
  readonly name: string;
  /** The factory that renders for it, e.g. `IngressController.traefik()`. */
  readonly factory: string;
  readonly facts: Readonly<Record<RouteIntent, CapabilityFact>>;
}

const NGINX_PROXY = 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html';
const INGRESS_NGINX_TIMEOUTS = 'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-timeouts';
const TRAEFIK_ST = 'https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/serverstransport/';
const TRAEFIK_GATEWAY_FEATURES = 'https://github.com/traefik/traefik/blob/v3.7.13/pkg/provider/kubernetes/gateway/features.go';
const TRAEFIK_GATEWAY_KINDS = 'https://github.com/traefik/traefik/blob/v3.7.13/pkg/provider/kubernetes/gateway/kubernetes.go';
const TRAEFIK_UDP = 'https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/udp/ingressrouteudp/';
const ALB_IDLE = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout';
const ALB_ANNOTATIONS = 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/';
const STREAM_PROXY = 'https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html';
const HTTPROUTE_TIMEOUTS = 'https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts';
const ENVOY_TIMEOUTS_FAQ = 'https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/timeouts';
const EG_ROUTE = 'https://github.com/envoyproxy/gateway/blob/v1.9.1/internal/xds/translator/route.go';
const EG_TIMEOUT_TYPES = 'https://github.com/envoyproxy/gateway/blob/v1.9.1/api/v1alpha1/timeout_types.go';
const EG_UDP = 'https://github.com/envoyproxy/gateway/blob/v1.9.1/internal/provider/kubernetes/controller.go';
const NGF_HTTPROUTE = 'https://github.com/nginx/nginx-gateway-fabric/blob/v2.6.7/internal/controller/state/graph/httproute.go';
const NGF_PROXY_SETTINGS = 'https://github.com/nginx/nginx-gateway-fabric/blob/v2.6.7/apis/v1alpha1/proxysettingspolicy_types.go';
const NGF_MANAGER = 'https://github.com/nginx/nginx-gateway-fabric/blob/v2.6.7/internal/controller/manager.go';
const ISTIO_CONVERSION = 'https://github.com/istio/istio/blob/1.30.3/pilot/pkg/config/kube/gateway/conversion.go';
const ISTIO_LISTENER = 'https://github.com/istio/istio/blob/1.30.3/pilot/pkg/networking/core/listener_builder.go';
const CILIUM_INGESTION = 'https://github.com/cilium/cilium/blob/v1.20.2/operator/pkg/model/ingestion/gateway.go';
const CILIUM_FLAGS = 'https://github.com/cilium/cilium/blob/v1.20.2/operator/pkg/ciliumenvoyconfig/cell.go';
const CILIUM_UDP = 'https://github.com/cilium/cilium/blob/v1.20.2/operator/pkg/gateway-api/cell.go';
const KG_STREAM_IDLE = 'https://kgateway.dev/docs/main/resiliency/timeouts/idle-stream';
const KG_CONFORMANCE = 'https://github.com/kubernetes-sigs/gateway-api/tree/v1.7.0/conformance/reports/v1.6/kgateway';
const KG_UDP = 'https://github.com/kgateway-dev/kgateway/issues/10076';
const GKE_RESOURCES = 'https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources';
const GCE_WEBSOCKET = 'https://github.com/kubernetes/ingress-gce/blob/master/examples/websocket/README.md';
const GKE_GATEWAY_CAPABILITIES = 'https://cloud.google.com/kubernetes-engine/docs/how-to/gatewayclass-capabilities';

const src = (source: string): Evidence => ({ source });
const traffic = (id: string): Evidence => ({ traffic: id });

/**
 * The capability table: every controller x intent, with its evidence. Read it through
 * {@link capabilityOf}; tests enumerate it to check the README, TOPOLOGY.md and the traffic checks.
 */
export const CONTROLLER_CAPABILITIES: Readonly<Record<ControllerId, ControllerCapabilities>> = {
  'ingress-nginx': {
    name: 'ingress-nginx',
    factory: 'IngressController.nginx()',
    facts: {
      'rest-timeout': { status: 'enforced', how: 'proxy-read-timeout / proxy-send-timeout annotations (between two reads or writes)', evidence: [traffic('ingress-nginx/rest-timeout'), src(INGRESS_NGINX_TIMEOUTS)] },
      'ws-idle-timeout': { status: 'enforced', how: 'proxy-read-timeout / proxy-send-timeout of the WebSocket Ingress (a quiet WebSocket is closed after it)', evidence: [traffic('ingress-nginx/ws-idle-timeout'), src(INGRESS_NGINX_TIMEOUTS)] },
      'connect-timeout': { status: 'enforced', how: 'proxy-connect-timeout annotation (nginx caps it at about 75 s)', evidence: [traffic('ingress-nginx/connect-timeout'), src(`${NGINX_PROXY}#proxy_connect_timeout`)] },
      'streaming-response': { status: 'enforced', how: 'the read timeout runs between two reads: a response that sends data at least once per timeout is never cut', evidence: [traffic('ingress-nginx/streaming-response'), src(`${NGINX_PROXY}#proxy_read_timeout`)] },
      udp: { status: 'not-enforced', how: 'an Ingress carries HTTP only: UDP goes through its own LoadBalancer Service', evidence: [src('https://kubernetes.io/docs/concepts/services-networking/ingress/')] },
    },
  },
  traefik: {
    name: 'Traefik v3 (IngressRoute)',
    factory: 'IngressController.traefik()',
    facts: {
      'rest-timeout': { status: 'how', how: 'ServersTransport forwardingTimeouts.responseHeaderTimeout: a slow response is cut until its headers arrive, never after', evidence: [traffic('traefik/rest-timeout'), src(TRAEFIK_ST)] },
      'ws-idle-timeout': { status: 'not-enforced', how: 'nothing in Traefik closes a quiet upgraded connection (ServersTransport idleConnTimeout covers pooled keep-alive connections; entryPoint idleTimeout and readTimeout do not cut a WebSocket)', evidence: [traffic('traefik/ws-idle-timeout')] },
      'connect-timeout': { status: 'enforced', how: 'ServersTransport forwardingTimeouts.dialTimeout', evidence: [traffic('traefik/connect-timeout'), src(TRAEFIK_ST)] },
      'streaming-response': { status: 'enforced', how: 'responseHeaderTimeout stops at the response headers: a streaming response is never cut', evidence: [traffic('traefik/streaming-response'), src(TRAEFIK_ST)] },
      udp: { status: 'not-enforced', how: 'not rendered (Traefik has IngressRouteUDP; use a UDP LoadBalancer Service)', evidence: [src(TRAEFIK_UDP)] },
    },
  },
  'aws-alb': {
    name: 'AWS Load Balancer Controller (ALB)',
    factory: 'IngressController.awsAlb()',
    facts: {
      'rest-timeout': { status: 'how', how: 'one idle_timeout.timeout_seconds for the whole load balancer: every route gets the longest route\'s value', evidence: [src(ALB_IDLE), src(ALB_ANNOTATIONS)] },
      'ws-idle-timeout': { status: 'how', how: 'one idle_timeout.timeout_seconds for the whole load balancer (1 to 4000 s), shared with the HTTP routes', evidence: [src(ALB_IDLE)] },
      'connect-timeout': { status: 'not-enforced', how: 'an ALB has no setting for the connection to its targets', evidence: [src(ALB_ANNOTATIONS)] },
      'streaming-response': { status: 'enforced', how: 'the idle timeout counts quiet time: data flowing keeps the connection', evidence: [src(ALB_IDLE)] },
      udp: { status: 'not-enforced', how: 'an ALB carries HTTP only: UDP goes through an NLB (a UDP LoadBalancer Service)', evidence: [src(ALB_ANNOTATIONS)] },
    },
  },
  'nginx-stream': {
    name: 'global nginx stream (L4) proxy',
    factory: 'Hop.nginxStream() / NginxStreamLoadBalancer',
    facts: {
      'rest-timeout': { status: 'not-enforced', how: 'TCP passthrough: proxy_timeout cuts a connection quiet for its value, the ingress behind it cuts slow responses', evidence: [src(`${STREAM_PROXY}#proxy_timeout`)] },
      'ws-idle-timeout': { status: 'enforced', how: 'proxy_timeout: a connection quiet in both directions for its value is closed; heartbeats keep it open', evidence: [traffic('nginx-stream/ws-idle-timeout'), traffic('nginx-stream/ws-heartbeat'), src(`${STREAM_PROXY}#proxy_timeout`)] },
      'connect-timeout': { status: 'enforced', how: 'proxy_connect_timeout (to the cluster\'s ingress, not to the pods)', evidence: [src(`${STREAM_PROXY}#proxy_connect_timeout`)] },
      'streaming-response': { status: 'enforced', how: 'proxy_timeout counts quiet time only: data flowing keeps the connection', evidence: [src(`${STREAM_PROXY}#proxy_timeout`)] },
      udp: { status: 'not-enforced', how: 'the generated stream server listens on TCP only', evidence: [src(`${STREAM_PROXY}`)] },
    },
  },
  'gateway-envoy-gateway': {
    name: 'Envoy Gateway 1.9 (Gateway API)',
    factory: 'GatewayImplementation.envoyGateway()',
    facts: {
      'rest-timeout': { status: 'how', how: 'HTTPRoute timeouts.request / backendRequest: a deadline on the whole exchange, counted from the request', evidence: [src(HTTPROUTE_TIMEOUTS), src('https://github.com/envoyproxy/gateway/blob/v1.9.1/internal/gatewayapi/route.go')] },
      'ws-idle-timeout': { status: 'enforced', how: 'BackendTrafficPolicy timeout.http.streamIdleTimeout targeting the WebSocket HTTPRoute (the route\'s idle_timeout), with timeouts.request "0s"', evidence: [src(EG_TIMEOUT_TYPES), src(EG_ROUTE)] },
      'connect-timeout': { status: 'enforced', how: 'BackendTrafficPolicy timeout.tcp.connectTimeout', evidence: [src(EG_TIMEOUT_TYPES)] },
      'streaming-response': { status: 'not-enforced', how: 'timeouts.request is a deadline on the whole response (Envoy\'s route timeout "is not compatible with streaming responses"): a response still streaming at the timeout is cut', evidence: [src(ENVOY_TIMEOUTS_FAQ)] },
      udp: { status: 'enforced', how: 'UDPRoute gateway.networking.k8s.io/v1', evidence: [src(EG_UDP)] },
    },
  },
  'gateway-nginx-gateway-fabric': {
    name: 'NGINX Gateway Fabric 2.6 (Gateway API)',
    factory: 'GatewayImplementation.nginxGatewayFabric()',
    facts: {
      'rest-timeout': { status: 'enforced', how: 'ProxySettingsPolicy timeout.read / timeout.send targeting the HTTPRoute (nginx proxy_read_timeout; HTTPRoute timeouts are ignored with reason UnsupportedField)', evidence: [src(NGF_PROXY_SETTINGS), src(NGF_HTTPROUTE)] },
      'ws-idle-timeout': { status: 'enforced', how: 'ProxySettingsPolicy timeout.read / timeout.send targeting the WebSocket HTTPRoute (without it nginx\'s 60 s proxy_read_timeout closes a quiet WebSocket)', evidence: [src(NGF_PROXY_SETTINGS), src('https://nginx.org/en/docs/http/websocket.html')] },
      'connect-timeout': { status: 'enforced', how: 'ProxySettingsPolicy timeout.connect', evidence: [src(NGF_PROXY_SETTINGS)] },
      'streaming-response': { status: 'enforced', how: 'proxy_read_timeout runs between two reads: a response that sends data at least once per timeout is never cut', evidence: [src(`${NGINX_PROXY}#proxy_read_timeout`)] },
      udp: { status: 'how', how: 'UDPRoute gateway.networking.k8s.io/v1alpha2 only, with --gateway-api-experimental-features and the experimental UDPRoute CRD', evidence: [src(NGF_MANAGER)] },
    },
  },
  'gateway-traefik': {
    name: 'Traefik v3.7 Gateway provider (Gateway API)',
    factory: 'GatewayImplementation.traefik()',
    facts: {
      'rest-timeout': { status: 'not-enforced', how: 'HTTPRoute timeouts are accepted and ignored (route status Accepted); no Gateway API policy sets one', evidence: [traffic('gateway-traefik/rest-timeout'), src(TRAEFIK_GATEWAY_FEATURES), src('https://github.com/traefik/traefik/issues/11902')],
        alternative: 'IngressController.traefik() on the same Traefik (its ServersTransport responseHeaderTimeout cuts a slow response until the headers)' },
      'ws-idle-timeout': { status: 'not-enforced', how: 'nothing closes a quiet upgraded connection', evidence: [traffic('gateway-traefik/ws-idle-timeout')] },
      'connect-timeout': { status: 'not-enforced', how: 'no field reachable from Gateway API objects', evidence: [src(TRAEFIK_GATEWAY_FEATURES)] },
      'streaming-response': { status: 'enforced', how: 'no route timeout applies (HTTPRoute timeouts are ignored), so nothing cuts a streaming response', evidence: [src(TRAEFIK_GATEWAY_FEATURES)] },
      udp: { status: 'not-enforced', how: 'a UDP listener gets "Unsupported listener protocol"', evidence: [src(TRAEFIK_GATEWAY_KINDS)] },
    },
  },
  'gateway-istio': {
    name: 'Istio 1.30 (Gateway API)',
    factory: 'GatewayImplementation.istio()',
    facts: {
      'rest-timeout': { status: 'how', how: 'HTTPRoute timeouts.request / backendRequest (the route timeout: a deadline on the whole exchange)', evidence: [src(ISTIO_CONVERSION), src(HTTPROUTE_TIMEOUTS)] },
      'ws-idle-timeout': { status: 'not-enforced', how: 'Istio 1.30 hard-sets the stream idle timeout to 0 (off) and no Gateway API field sets one: a quiet or half-open WebSocket is held until the connection idle timeout (1 h, proxy-wide)', evidence: [src(ISTIO_LISTENER)] },
      'connect-timeout': { status: 'not-enforced', how: 'no HTTPRoute field (a DestinationRule connectTimeout is outside what is rendered)', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      'streaming-response': { status: 'not-enforced', how: 'timeouts.request is a deadline on the whole response: a response still streaming at the timeout is cut', evidence: [src(ENVOY_TIMEOUTS_FAQ)] },
      udp: { status: 'not-enforced', how: 'UDP listeners are unsupported', evidence: [src(ISTIO_CONVERSION)] },
    },
  },
  'gateway-cilium': {
    name: 'Cilium 1.20 (Gateway API)',
    factory: 'GatewayImplementation.cilium()',
    facts: {
      'rest-timeout': { status: 'how', how: 'HTTPRoute timeouts.request / backendRequest (route timeout = the lower of the two: a deadline on the whole exchange)', evidence: [src(CILIUM_INGESTION)] },
      'ws-idle-timeout': { status: 'how', how: 'only the cluster-wide operator flag --proxy-stream-idle-timeout-seconds (default 300 s), declared with cilium({ streamIdleTimeout })', evidence: [src(CILIUM_FLAGS)] },
      'connect-timeout': { status: 'not-enforced', how: 'no HTTPRoute field', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      'streaming-response': { status: 'not-enforced', how: 'the route timeout is a deadline on the whole response: a response still streaming at the timeout is cut', evidence: [src(ENVOY_TIMEOUTS_FAQ)] },
      udp: { status: 'enforced', how: 'UDPRoute gateway.networking.k8s.io/v1 (when the UDPRoute CRD is installed)', evidence: [src(CILIUM_UDP)] },
    },
  },
  'gateway-kgateway': {
    name: 'kgateway 2.4 (Gateway API)',
    factory: 'GatewayImplementation.kgateway()',
    facts: {
      'rest-timeout': { status: 'how', how: 'HTTPRoute timeouts.request / backendRequest (a deadline on the whole exchange)', evidence: [src(KG_CONFORMANCE), src(HTTPROUTE_TIMEOUTS)] },
      'ws-idle-timeout': { status: 'enforced', how: 'TrafficPolicy timeouts.streamIdle targeting the WebSocket HTTPRoute (without it Envoy\'s 5 min stream idle timeout closes a quiet WebSocket)', evidence: [src(KG_STREAM_IDLE)] },
      'connect-timeout': { status: 'not-enforced', how: 'a TrafficPolicy has no connect timeout (BackendConfigPolicy targets Services, not routes, and is not rendered)', evidence: [src(KG_STREAM_IDLE)] },
      'streaming-response': { status: 'not-enforced', how: 'timeouts.request is a deadline on the whole response: a response still streaming at the timeout is cut', evidence: [src(ENVOY_TIMEOUTS_FAQ)] },
      udp: { status: 'not-enforced', how: 'UDPRoute is not supported', evidence: [src(KG_UDP)] },
    },
  },
  'gateway-gke': {
    name: 'GKE Gateway controller (Gateway API)',
    factory: 'GatewayImplementation.gkeGateway()',
    facts: {
      'rest-timeout': { status: 'how', how: 'GCPBackendPolicy default.timeoutSec on the Service (default 30 s): one backend service timeout per Service, a deadline on the whole response', evidence: [src(GKE_RESOURCES)] },
      'ws-idle-timeout': { status: 'how', how: 'no idle timeout: GCPBackendPolicy timeoutSec caps a WebSocket\'s whole lifetime, idle or not; the app must reconnect before it', evidence: [src(GCE_WEBSOCKET), src(GKE_RESOURCES)] },
      'connect-timeout': { status: 'not-enforced', how: 'no backend connect timeout setting', evidence: [src(GKE_RESOURCES)] },
      'streaming-response': { status: 'not-enforced', how: 'the backend service timeout covers the whole response: a response still streaming at the timeout is cut', evidence: [src(GCE_WEBSOCKET)] },
      udp: { status: 'not-enforced', how: 'GKE GatewayClasses have HTTP(S) listeners only: UDP goes through a UDP LoadBalancer Service', evidence: [src(GKE_GATEWAY_CAPABILITIES)] },
    },
  },
  'gateway-generic': {
    name: 'any Gateway API implementation (standard fields only)',
    factory: 'GatewayImplementation.generic()',
    facts: {
      'rest-timeout': { status: 'how', how: 'HTTPRoute timeouts.request / backendRequest: honoured only where the implementation supports them (Envoy Gateway, Istio, Cilium, kgateway; not NGINX Gateway Fabric or Traefik)', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      'ws-idle-timeout': { status: 'not-enforced', how: 'Gateway API has no idle timeout field', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      'connect-timeout': { status: 'not-enforced', how: 'Gateway API has no connect timeout field', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      'streaming-response': { status: 'not-enforced', how: 'implementation-specific', evidence: [src(HTTPROUTE_TIMEOUTS)] },
      udp: { status: 'not-enforced', how: 'UDPRoute support is implementation-specific: pick an implementation that has it', evidence: [src('https://gateway-api.sigs.k8s.io/reference/spec/#udproute')] },
    },
  },
};

/** Every controller id, in table order. */
export const CONTROLLER_IDS = Object.keys(CONTROLLER_CAPABILITIES) as ControllerId[];

/** The fact for one controller and intent. */
export function capabilityOf(controller: ControllerId, intent: RouteIntent): CapabilityFact {
  return CONTROLLER_CAPABILITIES[controller].facts[intent];
}

/** The controllers whose fact for `intent` is `enforced` (for "use one of ..." hints). */
export function enforcersOf(intent: RouteIntent, among: readonly ControllerId[] = CONTROLLER_IDS.filter((c) => c !== 'nginx-stream')): ControllerId[] {
  return among.filter((c) => capabilityOf(c, intent).status === 'enforced');
}

/** Every traffic check id the table cites, with the fact it backs (for the traffic harness's cross-check). */
export function trafficEvidence(): Array<{ readonly check: string; readonly controller: ControllerId; readonly intent: RouteIntent; readonly fact: CapabilityFact }> {
  return CONTROLLER_IDS.flatMap((controller) => ROUTE_INTENTS.flatMap((intent) => {
    const fact = capabilityOf(controller, intent);
    return fact.evidence.flatMap((e) => ('traffic' in e ? [{ check: e.traffic, controller, intent, fact }] : []));
  }));
}

/**
 * What a rendered route group really enforces, per intent, as shown in TOPOLOGY.md.
 * `seconds` is the value enforced (which may differ from the value the route asked for).
 */
export interface EnforcedIntent {
  readonly intent: RouteIntent;
  readonly status: EnforcementStatus;
  /** Seconds enforced, when a timeout is enforced. */
  readonly seconds?: number;
  /** Who enforces it: a controller id, or a hop name (`nginx-stream`). */
  readonly by: string;
  /** The field, e.g. `proxy-read-timeout`. */
  readonly field: string;
}

const INTENT_TITLES: Readonly<Record<RouteIntent, string>> = {
  'rest-timeout': 'REST timeout',
  'ws-idle-timeout': 'WebSocket idle timeout',
  'connect-timeout': 'connect timeout',
  'streaming-response': 'streaming response not cut',
  udp: 'UDP',
};

/**
 * The table as Markdown (the README's "What each controller enforces" section is this text, checked
 * by a test): one row per controller, one cell per intent with the status, how, and the evidence
 * (a traffic check of `npm run test:traffic`, or a source link).
 */
export function capabilityTableMarkdown(): string {
  const cell = (f: CapabilityFact) => {
    const ev = f.evidence.map((e) => ('traffic' in e ? `test \`${e.traffic}\`` : `[source](${e.source})`)).join(', ');
    return `**${f.status}**: ${f.how.replace(/\|/g, '\\|')} (${ev})`;
  };
  return [
    `| controller | ${ROUTE_INTENTS.map((i) => INTENT_TITLES[i]).join(' | ')} |`,
    `| --- | ${ROUTE_INTENTS.map(() => '---').join(' | ')} |`,
    ...CONTROLLER_IDS.map((id) => {
      const row = CONTROLLER_CAPABILITIES[id];
      return `| ${row.name}, \`${row.factory}\` | ${ROUTE_INTENTS.map((i) => cell(row.facts[i])).join(' | ')} |`;
    }),
  ].join('\n');
}
