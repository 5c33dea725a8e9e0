// The objects the traffic harness needs besides the synthesized variants, printed as one JSON List
// for `kubectl apply -f -`:
//   node harness-objects.mjs VARIANTS_DIR CERT_PEM KEY_PEM
// - the namespaces the variants use, the IngressClass `nginx` (Traefik's kubernetesIngressNGINX
//   provider reads Ingresses of a class whose controller is k8s.io/ingress-nginx), the GatewayClass
//   `traefik` and the Gateway `gw/edge` (listener port 80 = Traefik's entryPoint `web`);
// - Porter's side of S1: Service `cloud-prod-cloud` and Ingress `cloud-prod-cloud` on `/` with the
//   REST timeout, written the way Porter writes it (Helm labels and annotations, one TLS secret per
//   host named as Porter names it), and those TLS secrets;
// - one EndpointSlice per Service, pointing at the backend "pods" (addresses in the harness's
//   network namespace). No controller-manager runs, so nothing else would create them.
import fs from 'node:fs';
import path from 'node:path';

export const PODS = {
  homepage: { namespace: 'homepage', service: 'homepage', address: '10.244.1.10', ports: [{ name: 'http', port: 3000 }] },
  nexus: { namespace: 'nexus-runtime', service: 'nexus-runtime', address: '10.244.2.10', ports: [{ name: 'http', port: 3000 }, { name: 'websocket', port: 3001 }] },
  gateway: { namespace: 'gw', service: 'realtime', address: '10.244.3.10', ports: [{ name: 'http', port: 3000 }] },
  gatewayTraefik: { namespace: 'gw', service: 'realtime-traefik', address: '10.244.3.11', ports: [{ name: 'http', port: 3000 }] },
  porter: { namespace: 'default', service: 'cloud-prod-cloud', address: '10.244.4.10', ports: [{ name: 'http', port: 8080 }] },
};

/** Addresses nothing answers (in-netns.sh routes 10.244.9.0/24 to a namespace that drops it). */
export const DEAD_ADDRESSES = ['10.244.9.10', '10.244.9.11'];

/** Porter's TLS secret name for a host (as OwnerTls.porter('cloud', 'prod', 'cloud') computes it). */
const porterSecret = (host) => `cloud-prod-cloud-${host.replace(/\./g, '-')}`;
export const MENTRA_HOSTS = ['api.mentra.glass', 'global.augmentos.cloud'];

export function endpointSlice(pod, ready = true) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${pod.service}-traffic`,
      namespace: pod.namespace,
      labels: { 'kubernetes.io/service-name': pod.service, 'endpointslice.kubernetes.io/managed-by': 'test-traffic.cdk8s-realtime' },
    },
    addressType: 'IPv4',
    ports: pod.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
    endpoints: ready === 'removed' ? [] : [{ addresses: [pod.address], conditions: { ready, serving: ready, terminating: false } }],
  };
}

function main([variantsDir, certFile, keyFile]) {
  const { scaled } = JSON.parse(fs.readFileSync(path.join(variantsDir, 'budget.json'), 'utf8'));
  const rest = String(scaled.restSeconds);
  const items = [];
  for (const name of ['homepage', 'nexus-runtime', 'gw']) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  items.push({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
  items.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'traefik' }, spec: { controllerName: 'traefik.io/gateway-controller' } });
  items.push({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'gw' },
    spec: { gatewayClassName: 'traefik', listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } }] },
  });
  // Porter (a Helm chart per app): labels and annotations as the seed shows them.
  const helm = {
    labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'cloud-prod', 'helm.sh/chart': 'cloud-prod-cloud-0.244.0' },
    annotations: { 'meta.helm.sh/release-name': 'cloud-prod', 'meta.helm.sh/release-namespace': 'default' },
  };
  items.push({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'cloud-prod-cloud', namespace: 'default', ...helm },
    spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { 'app.kubernetes.io/instance': 'cloud-prod' } },
  });
  items.push({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: {
      name: 'cloud-prod-cloud', namespace: 'default', labels: helm.labels,
      annotations: {
        ...helm.annotations,
        'nginx.ingress.kubernetes.io/proxy-read-timeout': rest,
        'nginx.ingress.kubernetes.io/proxy-send-timeout': rest,
        'nginx.ingress.kubernetes.io/proxy-connect-timeout': rest,
      },
    },
    spec: {
      ingressClassName: 'nginx',
      tls: MENTRA_HOSTS.map((h) => ({ hosts: [h], secretName: porterSecret(h) })),
      rules: MENTRA_HOSTS.map((host) => ({
        host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'cloud-prod-cloud', port: { number: 80 } } } }] },
      })),
    },
  });
  const tls = { 'tls.crt': fs.readFileSync(certFile).toString('base64'), 'tls.key': fs.readFileSync(keyFile).toString('base64') };
  for (const h of MENTRA_HOSTS) {
    items.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: porterSecret(h), namespace: 'default', labels: { 'controller.cert-manager.io/fao': 'true' } }, data: tls });
  }
  for (const pod of Object.values(PODS)) items.push(endpointSlice(pod));
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) main(process.argv.slice(2));
