// Scaling child (ours): N RealtimeServices, one Chart per service (one target each), synthesized
// and written chart by chart (synthesizeEach into a DistWriter, as synthesizeToDist does) into
// <outdir>. Each service has http + websocket + udp + 2 routes (two timeout profiles) +
// autoscaling: Deployment, Service, UDP Service, 2 Ingresses, HPA, PDB, NetworkPolicy = 8 objects.
// Prints one JSON line on stdout; writeMs is the time spent in the writer (add + commit), synthMs
// the rest.
// Usage: node -r ./tools/register.js bench/scale/ours.ts <services> <outdir>
import { Duration } from 'cdk8s';
import { AppSpec, DistWriter, IngressController, LoadBalancerPreset, RealtimeService, Route, UdpRouting, synthesizeEach } from '../../lib';

export function scaleApp(services: number): AppSpec {
  return {
    name: 'scale',
    source: 'bench/scale/ours.ts',
    namespace: 'realtime',
    // The namespace is the platform's (as in the plain baseline, which emits no Namespace either).
    externalNamespaces: [{ name: 'realtime', owner: 'the platform team (bench)' }],
    targets: Array.from({ length: services }, (_, i) => ({ cluster: `c${String(i).padStart(4, '0')}`, env: 'prod' })),
    define: (chart, target) => {
      const name = `svc-${target!.cluster}`;
      new RealtimeService(chart, 'Service', {
        name,
        image: 'ghcr.io/bench/realtime:1.0.0',
        http: { port: 3000, servicePort: 80 },
        websocket: { port: 3001 },
        udp: { port: 8000, preset: LoadBalancerPreset.aks(), routing: UdpRouting.clientIpAffinity() },
        autoscaling: { minReplicas: 2, maxReplicas: 10 },
        routes: {
          controller: IngressController.nginx({ className: 'nginx' }),
          hosts: [`${name}.example.com`],
          tlsSecretName: `${name}-tls`,
          routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: Duration.seconds(3600) })],
        },
      });
    },
  };
}

function main(argv: string[]): void {
  const services = Number(argv[0]);
  const outdir = argv[1];
  if (!Number.isInteger(services) || services < 1 || !outdir) throw new Error('usage: ours.ts <services> <outdir>');
  const t0 = process.hrtime.bigint();
  const writer = new DistWriter(outdir);
  let writeNs = 0n;
  let bytes = 0;
  const summary = synthesizeEach([scaleApp(services)], (rel, content) => {
    const w0 = process.hrtime.bigint();
    writer.add(rel, content);
    writeNs += process.hrtime.bigint() - w0;
    bytes += Buffer.byteLength(content);
  });
  const c0 = process.hrtime.bigint();
  const report = writer.commit(summary.appNames);
  const t1 = process.hrtime.bigint();
  writeNs += t1 - c0;
  const totalMs = Number(t1 - t0) / 1e6;
  const writeMs = Number(writeNs) / 1e6;
  process.stdout.write(`${JSON.stringify({
    services, charts: summary.charts, objects: summary.objects, files: summary.files, written: report.written.length, bytes,
    synthMs: totalMs - writeMs, writeMs, writeShare: writeMs / totalMs, maxRssKB: process.resourceUsage().maxRSS,
  })}\n`);
}

if (require.main === module) main(process.argv.slice(2));
