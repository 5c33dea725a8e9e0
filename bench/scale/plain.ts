// Scaling child (plain cdk8s + cdk8s-plus-28, the perf.md baseline shape): ONE App, one Chart per
// service, `app.synth()`. Each chart holds the same 8 objects as ours: Deployment, Service, UDP
// LoadBalancer Service, 2 Ingresses (60 s and 3600 s nginx timeouts), HPA, PDB, NetworkPolicy.
// Prints one JSON line on stdout.
// Usage: node -r ./tools/register.js bench/scale/plain.ts <services> <outdir>
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';

export class PlainServiceChart extends Chart {
  constructor(scope: Construct, id: string, name: string) {
    super(scope, id, { namespace: 'realtime' });
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'server' };
    const probe = (delay: number) => kplus.Probe.fromHttpGet('/health', { port: 3000, initialDelaySeconds: Duration.seconds(delay), periodSeconds: Duration.seconds(10) });
    const deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, labels },
      select: false,
      podMetadata: { labels },
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
      securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
      containers: [{
        name,
        image: 'ghcr.io/bench/realtime:1.0.0',
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [
          { name: 'http', number: 3000 },
          { name: 'websocket', number: 3001 },
          { name: 'udp', number: 8000, protocol: kplus.Protocol.UDP },
        ],
        startup: probe(0),
        readiness: probe(5),
        liveness: probe(10),
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
        securityContext: { ensureNonRoot: true, user: 10001, group: 10001, readOnlyRootFilesystem: true },
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': name } }));

    const service = new kplus.Service(this, 'Service', {
      metadata: { name, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: 80, targetPort: 3000 }, { name: 'websocket', port: 3001, targetPort: 3001 }],
    });
    service.selectLabel('app.kubernetes.io/name', name);

    const udp = new kplus.Service(this, 'Udp', {
      metadata: { name: `${name}-udp`, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'udp' } },
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ name: 'udp', port: 8000, targetPort: 8000, protocol: kplus.Protocol.UDP }],
    });
    udp.selectLabel('app.kubernetes.io/name', name);
    ApiObject.of(udp).addJsonPatch(
      JsonPatch.add('/spec/externalTrafficPolicy', 'Local'),
      JsonPatch.add('/spec/sessionAffinity', 'ClientIP'),
      JsonPatch.add('/spec/sessionAffinityConfig', { clientIP: { timeoutSeconds: 10800 } }),
    );

    const host = `${name}.example.com`;
    const tls = [{ hosts: [host], secret: kplus.Secret.fromSecretName(this, 'Tls', `${name}-tls`) }];
    const timeouts = (seconds: number) => ({
      'nginx.ingress.kubernetes.io/proxy-connect-timeout': '10',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': String(seconds),
      'nginx.ingress.kubernetes.io/proxy-send-timeout': String(seconds),
    });
    const http = new kplus.Ingress(this, 'Ingress', { className: 'nginx', metadata: { name, labels, annotations: timeouts(60) }, tls });
    http.addHostRule(host, '/', kplus.IngressBackend.fromService(service, { port: 80 }), kplus.HttpIngressPathType.PREFIX);
    const ws = new kplus.Ingress(this, 'WsIngress', { className: 'nginx', metadata: { name: `${name}-ws`, labels, annotations: timeouts(3600) }, tls });
    ws.addHostRule(host, '/ws', kplus.IngressBackend.fromService(service, { port: 3001 }), kplus.HttpIngressPathType.PREFIX);

    new kplus.HorizontalPodAutoscaler(this, 'Hpa', {
      metadata: { name, labels },
      target: deployment,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
      scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [{ replicas: kplus.Replicas.percent(100), duration: Duration.seconds(60) }, { replicas: kplus.Replicas.absolute(4), duration: Duration.seconds(60) }] },
      scaleDown: { stabilizationWindow: Duration.seconds(600), policies: [{ replicas: kplus.Replicas.absolute(1), duration: Duration.seconds(120) }] },
    });

    new kplus.k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name, labels },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
    });

    const np = new kplus.NetworkPolicy(this, 'NetworkPolicy', { metadata: { name, labels }, selector: deployment });
    np.addIngressRule(kplus.Namespaces.select(this, 'IngressNginx', { names: ['ingress-nginx'] }), [kplus.NetworkPolicyPort.tcp(3000), kplus.NetworkPolicyPort.tcp(3001)]);
    np.addIngressRule(kplus.NetworkPolicyIpBlock.anyIpv4(this, 'Anywhere'), [kplus.NetworkPolicyPort.udp(8000)]);
    np.addEgressRule(kplus.Namespaces.select(this, 'KubeSystem', { names: ['kube-system'] }), [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
  }
}

function main(argv: string[]): void {
  const services = Number(argv[0]);
  const outdir = argv[1];
  if (!Number.isInteger(services) || services < 1 || !outdir) throw new Error('usage: plain.ts <services> <outdir>');
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  for (let i = 0; i < services; i++) {
    const name = `svc-c${String(i).padStart(4, '0')}`;
    new PlainServiceChart(app, name, name);
  }
  const t1 = process.hrtime.bigint();
  app.synth();
  const t2 = process.hrtime.bigint();
  let bytes = 0;
  let objects = 0;
  const files = fs.readdirSync(outdir);
  for (const f of files) {
    const text = fs.readFileSync(path.join(outdir, f), 'utf8');
    bytes += Buffer.byteLength(text);
    objects += (text.match(/^kind: /gm) ?? []).length;
  }
  process.stdout.write(`${JSON.stringify({
    services, charts: app.charts.length, objects, files: files.length, bytes,
    constructMs: Number(t1 - t0) / 1e6, synthMs: Number(t2 - t1) / 1e6, maxRssKB: process.resourceUsage().maxRSS,
  })}\n`);
}

if (require.main === module) main(process.argv.slice(2));
