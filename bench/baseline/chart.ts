// Baseline: the S1 fleet (apps/mentra-cloud.ts) written the way a plain cdk8s + cdk8s-plus-28 user
// would. Same objects per chart as our synthesizer emits (2): the WebSocket overlay Ingress
// (connect 60 s, read/send 3600 s, /glasses-ws and /app-ws on every host, TLS per host) and the UDP
// LoadBalancer Service on 8000 with externalTrafficPolicy Local (escape hatch: addJsonPatch).
import { ApiObject, App, Chart, ChartProps, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface S1Target {
  readonly cluster: string;
  readonly env: string;
}

/** us-central (debug, dev, staging, prod), east-asia (prod), france (prod): 6 charts. */
export const S1_TARGETS: S1Target[] = [
  { cluster: 'us-central', env: 'debug' },
  { cluster: 'us-central', env: 'dev' },
  { cluster: 'us-central', env: 'staging' },
  { cluster: 'us-central', env: 'prod' },
  { cluster: 'east-asia', env: 'prod' },
  { cluster: 'france', env: 'prod' },
];

const HOSTS: Record<string, string[]> = {
  debug: ['debug.augmentos.cloud', 'debugapi.mentra.glass'],
  dev: ['dev.augmentos.cloud', 'devapi.mentra.glass'],
  staging: ['stagingapi.mentraglass.com'],
  prod: ['api.mentra.glass', 'global.augmentos.cloud'],
};

// Porter owns the Service the overlay routes to; kplus.IngressBackend.fromService needs a
// kplus.Service, so the reference lives in a chart of an App that is never synthesized.
const refs = new Chart(new App(), 'porter-refs');

export class S1Chart extends Chart {
  constructor(scope: Construct, id: string, target: S1Target, props: ChartProps = {}) {
    super(scope, id, { namespace: 'default', ...props });
    const env = target.env;
    const porter = `cloud-${env}-cloud`;

    const porterService = new kplus.Service(refs, `${id}-${porter}`, { metadata: { name: porter }, ports: [{ port: 80 }] });
    const ws = new kplus.Ingress(this, 'WebSocketOverlay', {
      className: 'nginx',
      metadata: {
        name: `${porter}-ws`,
        annotations: {
          'nginx.ingress.kubernetes.io/proxy-connect-timeout': '60',
          'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
          'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
        },
      },
    });
    const backend = kplus.IngressBackend.fromService(porterService, { port: 80 });
    for (const host of HOSTS[env]) {
      for (const path of ['/glasses-ws', '/app-ws']) ws.addHostRule(host, path, backend, kplus.HttpIngressPathType.PREFIX);
      ws.addTls([{ hosts: [host], secret: kplus.Secret.fromSecretName(this, `tls-${host}`, `${porter}-${host.replace(/\./g, '-')}`) }]);
    }

    const udp = new kplus.Service(this, 'UdpAudio', {
      metadata: {
        name: `cloud-${env}-udp`,
        labels: { 'app.kubernetes.io/component': 'udp', 'app.kubernetes.io/name': 'cloud', 'app.kubernetes.io/part-of': 'mentra-cloud' },
      },
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ name: 'audio', port: 8000, targetPort: 8000, protocol: kplus.Protocol.UDP }],
    });
    udp.selectLabel('app.kubernetes.io/instance', `cloud-${env}`);
    // ServiceProps has no externalTrafficPolicy / allocateLoadBalancerNodePorts / sessionAffinity.
    ApiObject.of(udp).addJsonPatch(
      JsonPatch.add('/spec/externalTrafficPolicy', 'Local'),
      JsonPatch.add('/spec/allocateLoadBalancerNodePorts', true),
      JsonPatch.add('/spec/sessionAffinity', 'None'),
    );
  }
}
