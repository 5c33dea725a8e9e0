import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AutoscalingOptions, DisruptionBudget, Hop, HttpEndpoint, HttpServiceType, IngressController, LoadBalancerPreset,
  NetworkPolicyOptions, PathMatch, Peer, PreStopHook, ProbeOptions, ProbeTiming, RealtimeConfigError, RealtimeService,
  RealtimeServiceProps, ResourceOptions, Route, RoutesOptions, SecretMount, ShutdownOptions, UdpEndpoint, UdpLoadBalancer,
  UdpRouting, WebSocketEndpoint, WorkloadNetworkPolicy,
} from '../lib';
import { chart, exactly, find, ingressPath, ingressPaths, names, objects, yaml } from './util';

const IMAGE = 'ghcr.io/acme/glasses-api:1.4.2';
const SELECTOR = { 'app.kubernetes.io/name': 'glasses-api' };
const POD_LABELS = { 'app.kubernetes.io/name': 'glasses-api', 'app.kubernetes.io/component': 'server' };

/** The smallest valid props, plus overrides. */
function props(overrides: Partial<RealtimeServiceProps> = {}): RealtimeServiceProps {
  return { name: 'glasses-api', image: IMAGE, http: { port: 8080 }, ...overrides };
}

/** A chart holding one RealtimeService `test/Svc`. */
function synth(overrides: Partial<RealtimeServiceProps> = {}): { c: Chart; svc: RealtimeService } {
  const c = chart();
  const svc = new RealtimeService(c, 'Svc', props(overrides));
  return { c, svc };
}

/** Builds a RealtimeService `test/Svc` (for toThrow). */
function build(overrides: Partial<RealtimeServiceProps> = {}): () => RealtimeService {
  return () => new RealtimeService(chart(), 'Svc', props(overrides));
}

/** The error a function throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the function to throw');
}

function podSpec(c: Chart, name = 'glasses-api'): any {
  return find(c, 'Deployment', name).spec.template.spec;
}

function container(c: Chart, name = 'glasses-api'): any {
  const found = podSpec(c, name).containers.filter((k: any) => k.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function containerPort(c: Chart, portName: string): any {
  return container(c).ports.find((p: any) => p.name === portName);
}

/** http + websocket + udp (client-IP affinity) + nginx routes. */
const REALTIME: Partial<RealtimeServiceProps> = {
  websocket: { port: 8081 },
  udp: { port: 7000, routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() },
  routes: {
    hosts: ['api.example.com'],
    tlsSecretName: 'api-example-com-tls',
    routes: [Route.http('/api'), Route.websocket('/ws')],
  },
};

describe('RealtimeService', () => {
  describe('Deployment', () => {
    it('rolls out one extra pod at a time and never takes a serving pod down first', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(find(c, 'Deployment', 'glasses-api').spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    });

    it('defaults to 2 replicas, minReadySeconds 10 and a 600 s progress deadline', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      const spec = find(c, 'Deployment', 'glasses-api').spec;
      expect(spec.replicas).toBe(2);
      expect(spec.minReadySeconds).toBe(10);
      expect(spec.progressDeadlineSeconds).toBe(600);
      expect(spec.revisionHistoryLimit).toBe(10);
    });

    it('emits startup, readiness and liveness probes with explicit default timings on the http port', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      const k = container(c);
      const httpGet = { path: '/health', port: 'http', scheme: 'HTTP' };
      expect(k.startupProbe).toEqual({ httpGet, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24, successThreshold: 1 });
      expect(k.readinessProbe).toEqual({ httpGet, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 });
      // liveness defaults to a TCP check: it never shares readiness' HTTP endpoint (kube-score pod-probes-identical)
      expect(k.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6, successThreshold: 1 });
      expect(k.livenessProbe).not.toEqual(k.readinessProbe);
    });

    it('uses the configured probe paths and timings', () => {
      // GIVEN
      const probes: ProbeOptions = {
        path: '/healthz',
        startup: { initialDelay: Duration.seconds(5), period: Duration.seconds(10), timeout: Duration.seconds(4), failureThreshold: 30 },
        readiness: { path: '/ready', period: Duration.seconds(3), timeout: Duration.seconds(1), failureThreshold: 3 },
        liveness: { path: '/livez', initialDelay: Duration.seconds(2), period: Duration.seconds(20), timeout: Duration.seconds(5), failureThreshold: 3 },
      };
      // WHEN
      const { c } = synth({ probes });
      // THEN
      const k = container(c);
      expect(k.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 4, failureThreshold: 30, successThreshold: 1 });
      expect(k.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 });
      expect(k.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 2, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 });
    });

    it('requests 250m CPU and 256Mi memory, limits memory to the request and sets no CPU limit by default', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(container(c).resources).toEqual({
        requests: { 'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
        limits: { 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
      });
      expect(podSpec(c).volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
    });

    it('uses the configured resources, and sizes /tmp by the ephemeral storage limit', () => {
      // GIVEN
      const resources: ResourceOptions = {
        cpuRequest: '500m', cpuLimit: '2', memoryRequest: '512Mi', memoryLimit: '1Gi', ephemeralStorageRequest: '128Mi', ephemeralStorageLimit: '2Gi',
      };
      // WHEN
      const { c } = synth({ resources });
      // THEN
      expect(container(c).resources).toEqual({
        requests: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '128Mi' },
        limits: { 'cpu': '2', 'memory': '1Gi', 'ephemeral-storage': '2Gi' },
      });
      expect(podSpec(c).volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '2Gi' } }]);
      expect(container(c).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    });

    it('sleeps 15 s before SIGTERM and gives the pod preStop + drain = 120 s by default', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(container(c).lifecycle).toEqual({ preStop: { sleep: { seconds: 15 } } });
      expect(podSpec(c).terminationGracePeriodSeconds).toBe(120);
    });

    it('sets terminationGracePeriodSeconds to the configured preStop sleep plus the drain timeout', () => {
      // GIVEN
      const shutdown: ShutdownOptions = { preStop: PreStopHook.sleep(Duration.seconds(20)), drainTimeout: Duration.seconds(40) };
      // WHEN
      const { c } = synth({ shutdown });
      // THEN
      expect(container(c).lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
      expect(podSpec(c).terminationGracePeriodSeconds).toBe(60);
    });

    it('keeps an explicit grace period longer than preStop + drain', () => {
      // GIVEN / WHEN
      const { c } = synth({ shutdown: { terminationGracePeriod: Duration.minutes(5) } });
      // THEN
      expect(podSpec(c).terminationGracePeriodSeconds).toBe(300);
    });

    it('runs an exec preStop hook and counts its expected duration in the grace period', () => {
      // GIVEN / WHEN
      const { c } = synth({ shutdown: { preStop: PreStopHook.exec(['/bin/sleep', '10'], Duration.seconds(10)), drainTimeout: Duration.seconds(50) } });
      // THEN
      expect(container(c).lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sleep', '10'] } } });
      expect(podSpec(c).terminationGracePeriodSeconds).toBe(60);
    });

    it('emits no lifecycle with PreStopHook.none(), and the grace period is the drain alone', () => {
      // GIVEN / WHEN
      const { c } = synth({ shutdown: { preStop: PreStopHook.none(), drainTimeout: Duration.seconds(30) } });
      // THEN
      expect(container(c).lifecycle).toBeUndefined();
      expect(podSpec(c).terminationGracePeriodSeconds).toBe(30);
    });

    it('spreads pods across zones and nodes with ScheduleAnyway', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      const constraint = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: SELECTOR },
        matchLabelKeys: ['pod-template-hash'],
      });
      expect(podSpec(c).topologySpreadConstraints).toEqual([constraint('topology.kubernetes.io/zone'), constraint('kubernetes.io/hostname')]);
    });

    it('emits no topologySpreadConstraints with spread: false', () => {
      // GIVEN / WHEN
      const { c } = synth({ spread: false });
      // THEN
      expect(podSpec(c).topologySpreadConstraints).toBeUndefined();
    });

    it('meets Pod Security "restricted": non-root UID 10001, RuntimeDefault seccomp, no escalation, ALL capabilities dropped, read-only root', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(podSpec(c).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(c).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(podSpec(c).automountServiceAccountToken).toBe(false);
      expect(podSpec(c).enableServiceLinks).toBe(false);
    });

    it('runs as the configured UID and GID', () => {
      // GIVEN / WHEN
      const { c } = synth({ runAsUser: 20001 });
      // THEN
      expect(podSpec(c).securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20001, fsGroup: 20001 });
    });

    it.each([
      ['an http port of 80', { http: { port: 80 } }, ['NET_BIND_SERVICE']],
      ['an http port of 1023', { http: { port: 1023 } }, ['NET_BIND_SERVICE']],
      ['a websocket port of 443', { websocket: { port: 443 } }, ['NET_BIND_SERVICE']],
      ['a UDP port of 443', { replicas: 1, udp: { port: 443 } }, ['NET_BIND_SERVICE']],
      ['only ports of 1024 and above', { http: { port: 1024 }, websocket: { port: 8081 }, replicas: 1, udp: { port: 7000 } }, undefined],
    ] as Array<[string, Partial<RealtimeServiceProps>, string[] | undefined]>)('adds NET_BIND_SERVICE only for ports below 1024: %s', (_what, overrides, add) => {
      // GIVEN / WHEN
      const { c } = synth(overrides);
      // THEN
      expect(container(c).securityContext.capabilities).toEqual({ drop: ['ALL'], ...(add ? { add } : {}) });
    });

    it('passes literal env sorted by name, and args', () => {
      // GIVEN / WHEN
      const { c } = synth({ env: { NODE_ENV: 'production', LOG_LEVEL: 'info' }, args: ['--port', '8080'] });
      // THEN
      expect(container(c).env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'NODE_ENV', value: 'production' }]);
      expect(container(c).args).toEqual(['--port', '8080']);
    });

    it('pins the image and never pulls it again when present', () => {
      // GIVEN / WHEN
      const { c } = synth({ image: 'ghcr.io/acme/glasses-api@sha256:' + 'a'.repeat(64) });
      // THEN
      expect(container(c).image).toBe('ghcr.io/acme/glasses-api@sha256:' + 'a'.repeat(64));
      expect(container(c).imagePullPolicy).toBe('IfNotPresent');
    });

    it('declares named container ports http, websocket (TCP) and udp (UDP)', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, websocket: { port: 8081 }, udp: { port: 7000 } });
      // THEN
      expect(containerPort(c, 'http')).toEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
      expect(containerPort(c, 'websocket')).toEqual({ name: 'websocket', containerPort: 8081, protocol: 'TCP' });
      expect(containerPort(c, 'udp')).toEqual({ name: 'udp', containerPort: 7000, protocol: 'UDP' });
    });
  });

  describe('selector labels', () => {
    it('depend on `name` only: another construct id under another parent scope gives identical objects', () => {
      // GIVEN
      const first = chart();
      new RealtimeService(first, 'Api', props());
      const second = chart();
      const region = new Construct(second, 'UsCentral');
      // WHEN
      new RealtimeService(region, 'GlassesApiRenamed', props());
      // THEN
      expect(find(first, 'Deployment', 'glasses-api').spec.selector).toEqual({ matchLabels: SELECTOR });
      expect(find(second, 'Deployment', 'glasses-api').spec.selector).toEqual({ matchLabels: SELECTOR });
      expect(find(second, 'Deployment', 'glasses-api').spec.template.metadata.labels).toEqual(POD_LABELS);
      expect(find(second, 'Service', 'glasses-api').spec.selector).toEqual(SELECTOR);
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy']) {
        expect(find(second, kind, 'glasses-api')).toEqual(find(first, kind, 'glasses-api'));
      }
    });

    it('are exposed as selectorLabels', () => {
      // GIVEN / WHEN
      const { svc } = synth();
      // THEN
      expect(svc.selectorLabels).toEqual(SELECTOR);
    });
  });

  describe('Service', () => {
    it('is a ClusterIP Service with the named port http on 80 by default', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(find(c, 'Service', 'glasses-api')).toEqual({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'glasses-api', namespace: 'demo', labels: POD_LABELS },
        spec: {
          type: 'ClusterIP',
          selector: SELECTOR,
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        },
      });
    });

    it('adds the named port websocket, targeting the container port by name', () => {
      // GIVEN / WHEN
      const { c } = synth({ http: { port: 8080, servicePort: 8000 }, websocket: { port: 8081, servicePort: 8001 } });
      // THEN
      const ports = find(c, 'Service', 'glasses-api').spec.ports;
      expect(ports).toHaveLength(2);
      expect(ports.find((p: any) => p.name === 'http')).toEqual({ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' });
      expect(ports.find((p: any) => p.name === 'websocket')).toEqual({ name: 'websocket', port: 8001, targetPort: 'websocket', protocol: 'TCP' });
    });

    it('defaults the websocket Service port to its container port', () => {
      // GIVEN / WHEN
      const { c } = synth({ websocket: { port: 8081 } });
      // THEN
      expect(find(c, 'Service', 'glasses-api').spec.ports.find((p: any) => p.name === 'websocket').port).toBe(8081);
    });

    it('is a NodePort Service with HttpServiceType.NODE_PORT', () => {
      // GIVEN / WHEN
      const { c } = synth({ serviceType: HttpServiceType.NODE_PORT });
      // THEN
      expect(find(c, 'Service', 'glasses-api').spec.type).toBe('NodePort');
    });

    it('carries no UDP port (UDP has its own LoadBalancer)', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000 } });
      // THEN
      expect(find(c, 'Service', 'glasses-api').spec.ports.map((p: any) => p.protocol)).toEqual(['TCP']);
    });
  });

  describe('UDP', () => {
    it('renders a LoadBalancer `<name>-udp` with externalTrafficPolicy Local targeting the udp container port', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000 } });
      // THEN
      expect(find(c, 'Service', 'glasses-api-udp')).toEqual({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'glasses-api-udp',
          namespace: 'demo',
          labels: { 'app.kubernetes.io/name': 'glasses-api', 'app.kubernetes.io/component': 'udp' },
        },
        spec: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          allocateLoadBalancerNodePorts: true,
          selector: SELECTOR,
          ports: [{ name: 'udp', port: 7000, targetPort: 'udp', protocol: 'UDP' }],
          sessionAffinity: 'None',
        },
      });
    });

    it('uses udp.publicPort, udp.serviceName and udp.sourceRanges', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000, publicPort: 443, serviceName: 'glasses-media', sourceRanges: ['198.51.100.0/24'] } });
      // THEN
      const spec = find(c, 'Service', 'glasses-media').spec;
      expect(spec.ports).toEqual([{ name: 'udp', port: 443, targetPort: 'udp', protocol: 'UDP' }]);
      expect(spec.loadBalancerSourceRanges).toEqual(['198.51.100.0/24']);
    });

    it('lets an NLB with IP targets probe the HTTP port from udp.healthCheckSources (the NetworkPolicy would drop it otherwise)', () => {
      const { c } = synth({ replicas: 1, udp: { port: 7000, preset: LoadBalancerPreset.eksNlb(), healthCheckSources: ['10.0.0.0/16'] } });
      expect(find(c, 'NetworkPolicy', 'glasses-api').spec.ingress).toContainEqual({ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    });

    it('fails when an NLB with IP targets has no udp.healthCheckSources, or another preset has some', () => {
      expect(() => synth({ replicas: 1, udp: { port: 7000, preset: LoadBalancerPreset.eksNlb() } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.healthCheckSources\' is not set: must list where the load balancer\'s health checks come from: eks-nlb with IP targets probes each pod\'s HTTP port (8080) from its own addresses, which the NetworkPolicy would drop, so every target would stay unhealthy. '
        + 'Fix: pass udp.healthCheckSources: ["<the VPC CIDR, e.g. 10.0.0.0/16>"], or use NlbTargetType.INSTANCE (kube-proxy on the node answers the health check)'));
      expect(() => synth({ replicas: 1, udp: { port: 7000, preset: LoadBalancerPreset.gke(), healthCheckSources: ['10.0.0.0/16'] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.healthCheckSources\' is ["10.0.0.0/16"]: must be unset: gke checks health through kube-proxy on the nodes (healthCheckNodePort), not on the pods\' HTTP port. '
        + 'Fix: remove udp.healthCheckSources (it is for LoadBalancerPreset.eksNlb() with IP targets)'));
    });

    it('checks udp.keepaliveInterval against the preset\'s UDP idle timeouts', () => {
      expect(() => synth({ replicas: 1, udp: { port: 7000, preset: LoadBalancerPreset.metalLb(), keepaliveInterval: Duration.seconds(16) } })).toThrow(
        /^\[test\/Svc\/Udp\] UdpLoadBalancer 'keepaliveInterval' is "16s": must be at most half the idle timeout of every hop of the UDP flow, but linux-conntrack-udp \(idle 30s\)/);
      expect(() => synth({ replicas: 1, udp: { port: 7000, preset: LoadBalancerPreset.metalLb(), keepaliveInterval: Duration.seconds(15) } })).not.toThrow();
    });

    it.each([
      ['aks', LoadBalancerPreset.aks({ publicIpName: 'glasses-udp-ip', resourceGroup: 'rg-network' }), {
        'service.beta.kubernetes.io/azure-pip-name': 'glasses-udp-ip',
        'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'rg-network',
      }],
      ['eksNlb', LoadBalancerPreset.eksNlb(), {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        // The NLB probes the pods' HTTP container port and readiness path (a UDP port cannot be probed).
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8080',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/health',
        'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
      }],
      ['gke', LoadBalancerPreset.gke(), { 'cloud.google.com/l4-rbs': 'enabled' }],
      ['metalLb', LoadBalancerPreset.metalLb({ addressPool: 'public' }), { 'metallb.universe.tf/address-pool': 'public' }],
      ['none', LoadBalancerPreset.none(), undefined],
    ] as Array<[string, LoadBalancerPreset, Record<string, string> | undefined]>)('writes the %s preset annotations on the UDP LoadBalancer', (_name, preset, annotations) => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000, preset, ...(preset.name === 'eks-nlb' ? { healthCheckSources: ['10.0.0.0/16'] } : {}) } });
      // THEN
      const lb = find(c, 'Service', 'glasses-api-udp');
      expect(lb.metadata.annotations).toEqual(annotations);
      expect(lb.spec.externalTrafficPolicy).toBe('Local');
    });

    it('maps UdpRouting.clientIpAffinity() to sessionAffinity ClientIP with a 3 h timeout', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 3, udp: { port: 7000, routing: UdpRouting.clientIpAffinity(), preset: LoadBalancerPreset.metalLb() } });
      // THEN
      const spec = find(c, 'Service', 'glasses-api-udp').spec;
      expect(spec.sessionAffinity).toBe('ClientIP');
      expect(spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    });

    it('uses the affinity timeout given to UdpRouting.clientIpAffinity()', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 2, udp: { port: 7000, routing: UdpRouting.clientIpAffinity(Duration.minutes(30)), preset: LoadBalancerPreset.metalLb() } });
      // THEN
      expect(find(c, 'Service', 'glasses-api-udp').spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 1800 } });
    });

    it('keeps sessionAffinity None with UdpRouting.appRouted()', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 2, udp: { port: 7000, routing: UdpRouting.appRouted() } });
      // THEN
      const spec = find(c, 'Service', 'glasses-api-udp').spec;
      expect(spec.sessionAffinity).toBe('None');
      expect(spec.sessionAffinityConfig).toBeUndefined();
    });

    it('runs one replica with no PodDisruptionBudget under UdpRouting.singleReplica()', () => {
      // GIVEN / WHEN
      const { c, svc } = synth({ udp: { port: 7000, routing: UdpRouting.singleReplica() } });
      // THEN
      expect(find(c, 'Deployment', 'glasses-api').spec.replicas).toBe(1);
      expect(objects(c, 'PodDisruptionBudget')).toEqual([]);
      expect(svc.minReplicas).toBe(1);
    });

    it('chooses UdpRouting.singleReplica() itself when replicas is 1', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000 } });
      // THEN
      expect(find(c, 'Deployment', 'glasses-api').spec.replicas).toBe(1);
      expect(find(c, 'Service', 'glasses-api-udp').spec.sessionAffinity).toBe('None');
    });
  });

  describe('routes', () => {
    it('renders `<name>` (HTTP, 60 s) and `<name>-ws` (WebSocket, 3600 s) Ingresses for ingress-nginx', () => {
      // GIVEN / WHEN
      const { c } = synth(REALTIME);
      // THEN
      expect(names(c, 'Ingress')).toEqual(['glasses-api', 'glasses-api-ws']);
      const ingress = (name: string, path: string, port: string, seconds: string) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name,
          namespace: 'demo',
          labels: POD_LABELS,
          annotations: {
            'nginx.ingress.kubernetes.io/proxy-connect-timeout': '10',
            'nginx.ingress.kubernetes.io/proxy-read-timeout': seconds,
            'nginx.ingress.kubernetes.io/proxy-send-timeout': seconds,
          },
        },
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['api.example.com'], secretName: 'api-example-com-tls' }],
          rules: [{ host: 'api.example.com', http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'glasses-api', port: { name: port } } } }] } }],
        },
      });
      expect(find(c, 'Ingress', 'glasses-api')).toEqual(ingress('glasses-api', '/api', 'http', '60'));
      expect(find(c, 'Ingress', 'glasses-api-ws')).toEqual(ingress('glasses-api-ws', '/ws', 'websocket', '3600'));
    });

    it('writes timeouts as integer strings, quoted in YAML ("3600", never 3600s or a number)', () => {
      // GIVEN / WHEN
      const { c } = synth(REALTIME);
      // THEN
      for (const name of ['glasses-api', 'glasses-api-ws']) {
        for (const value of Object.values(find(c, 'Ingress', name).metadata.annotations)) {
          expect(typeof value).toBe('string');
          expect(value).toMatch(/^[0-9]+$/);
        }
      }
      expect(yaml(c)).toContain('nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"\n');
    });

    it('routes WebSocket routes to the http port when there is no websocket endpoint', () => {
      // GIVEN / WHEN
      const { c } = synth({ routes: { hosts: ['api.example.com'], routes: [Route.websocket('/ws')] } });
      // THEN
      const path = ingressPath(find(c, 'Ingress', 'glasses-api-ws'), 'api.example.com', '/ws');
      expect(path.backend).toEqual({ service: { name: 'glasses-api', port: { name: 'http' } } });
      expect(find(c, 'Ingress', 'glasses-api-ws').spec.tls).toBeUndefined();
    });

    it('uses the configured timeouts, connect timeout, path match, class and annotations', () => {
      // GIVEN
      const routes: RoutesOptions = {
        controller: IngressController.nginx({ className: 'public' }),
        hosts: ['api.example.com', '*.api.example.com'],
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
        routes: [
          Route.http('/api', { timeout: Duration.seconds(30), connectTimeout: Duration.seconds(5) }),
          Route.websocket('/ws', { idleTimeout: Duration.hours(2), match: PathMatch.EXACT, heartbeatInterval: Duration.seconds(30) }),
        ],
      };
      // WHEN
      const { c } = synth({ websocket: { port: 8081 }, routes });
      // THEN
      const http = find(c, 'Ingress', 'glasses-api');
      expect(http.spec.ingressClassName).toBe('public');
      expect(http.metadata.annotations).toEqual({
        'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
        'nginx.ingress.kubernetes.io/proxy-connect-timeout': '5',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '30',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '30',
      });
      expect(http.spec.rules.map((r: any) => r.host)).toEqual(['api.example.com', '*.api.example.com']);
      const ws = find(c, 'Ingress', 'glasses-api-ws');
      expect(ws.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('7200');
      expect(ingressPaths(ws, 'api.example.com')).toEqual([{ path: '/ws', pathType: 'Exact', backend: { service: { name: 'glasses-api', port: { name: 'websocket' } } } }]);
    });

    it('splits WebSocket routes with different idle timeouts into `<name>-ws-<seconds>s` Ingresses', () => {
      // GIVEN / WHEN
      const { c } = synth({
        routes: {
          hosts: ['api.example.com'],
          routes: [Route.http('/api'), Route.websocket('/ws'), Route.websocket('/ws-long', { idleTimeout: Duration.hours(2) })],
        },
      });
      // THEN
      expect(names(c, 'Ingress')).toEqual(['glasses-api', 'glasses-api-ws-3600s', 'glasses-api-ws-7200s']);
      expect(find(c, 'Ingress', 'glasses-api-ws-7200s').metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('7200');
    });

    it('renders no Ingress without routes', () => {
      // GIVEN / WHEN
      const { c, svc } = synth();
      // THEN
      expect(objects(c, 'Ingress')).toEqual([]);
      expect(svc.ingresses).toEqual([]);
      expect(svc.controller).toBeUndefined();
    });
  });

  describe('autoscaling', () => {
    it('renders an autoscaling/v2 HPA on CPU with fast scale-up and slow scale-down by default, and no Deployment replicas', () => {
      // GIVEN / WHEN
      const { c } = synth({ autoscaling: { minReplicas: 2, maxReplicas: 10 } });
      // THEN
      expect(find(c, 'HorizontalPodAutoscaler', 'glasses-api')).toEqual({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'glasses-api', namespace: 'demo', labels: POD_LABELS },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'glasses-api' },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }, { type: 'Pods', value: 4, periodSeconds: 60 }],
            },
            scaleDown: {
              stabilizationWindowSeconds: 600,
              selectPolicy: 'Max',
              policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
            },
          },
        },
      });
      expect(find(c, 'Deployment', 'glasses-api').spec).not.toHaveProperty('replicas');
    });

    it('uses explicit metrics and behaviour', () => {
      // GIVEN
      const autoscaling: AutoscalingOptions = {
        minReplicas: 3,
        maxReplicas: 20,
        cpuUtilization: 60,
        memoryUtilization: 80,
        scaleUp: { stabilizationWindow: Duration.seconds(30), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(30) }] },
        scaleDown: { stabilizationWindow: Duration.minutes(15), policies: [{ type: 'Percent', value: 10, period: Duration.minutes(5) }] },
      };
      // WHEN
      const { c } = synth({ autoscaling });
      // THEN
      const spec = find(c, 'HorizontalPodAutoscaler', 'glasses-api').spec;
      expect(spec.minReplicas).toBe(3);
      expect(spec.maxReplicas).toBe(20);
      expect(spec.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ]);
      expect(spec.behavior).toEqual({
        scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 900, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 300 }] },
      });
    });

    it('renders no HPA with fixed replicas', () => {
      // GIVEN / WHEN
      const { c, svc } = synth({ replicas: 4 });
      // THEN
      expect(objects(c, 'HorizontalPodAutoscaler')).toEqual([]);
      expect(svc.autoscaler).toBeUndefined();
      expect(find(c, 'Deployment', 'glasses-api').spec.replicas).toBe(4);
    });
  });

  describe('PodDisruptionBudget', () => {
    it('allows one pod down at a time and always evicts unhealthy pods by default', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      expect(find(c, 'PodDisruptionBudget', 'glasses-api')).toEqual({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'glasses-api', namespace: 'demo', labels: POD_LABELS },
        spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    });

    it('uses the configured budget', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 4, disruptionBudget: DisruptionBudget.minAvailable('50%') });
      // THEN
      const spec = find(c, 'PodDisruptionBudget', 'glasses-api').spec;
      expect(spec.minAvailable).toBe('50%');
      expect(spec).not.toHaveProperty('maxUnavailable');
    });

    it('checks the budget against the HPA minimum', () => {
      // GIVEN / WHEN
      const { c } = synth({ autoscaling: { minReplicas: 3, maxReplicas: 6 }, disruptionBudget: DisruptionBudget.minAvailable(2) });
      // THEN
      expect(find(c, 'PodDisruptionBudget', 'glasses-api').spec.minAvailable).toBe(2);
    });

    it('renders none for a single replica', () => {
      // GIVEN / WHEN
      const { c, svc } = synth({ replicas: 1 });
      // THEN
      expect(objects(c, 'PodDisruptionBudget')).toEqual([]);
      expect(svc.disruptionBudget).toBeUndefined();
    });

    it('renders none with DisruptionBudget.none()', () => {
      // GIVEN / WHEN
      const { c } = synth({ disruptionBudget: DisruptionBudget.none() });
      // THEN
      expect(objects(c, 'PodDisruptionBudget')).toEqual([]);
    });
  });

  describe('NetworkPolicy', () => {
    it('isolates the pods and allows the ingress controller namespace on the route ports, UDP from anywhere and DNS over UDP and TCP', () => {
      // GIVEN / WHEN
      const { c } = synth({ ...REALTIME, replicas: 2 });
      // THEN
      expect(find(c, 'NetworkPolicy', 'glasses-api')).toEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'glasses-api', namespace: 'demo', labels: POD_LABELS },
        spec: {
          podSelector: { matchLabels: SELECTOR },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
              ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }],
            },
            { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 7000 }] },
          ],
          egress: [{
            to: [{
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            }],
            ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
          }],
        },
      });
    });

    it('allows only the route ports actually used, from the controller namespace given', () => {
      // GIVEN / WHEN
      const { c } = synth({
        websocket: { port: 8081 },
        routes: { controller: IngressController.nginx({ namespace: 'edge' }), hosts: ['api.example.com'], routes: [Route.websocket('/ws')] },
      });
      // THEN
      expect(find(c, 'NetworkPolicy', 'glasses-api').spec.ingress).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } }],
        ports: [{ protocol: 'TCP', port: 8081 }],
      }]);
    });

    it('denies all inbound traffic when there are no routes and no UDP', () => {
      // GIVEN / WHEN
      const { c } = synth();
      // THEN
      const spec = find(c, 'NetworkPolicy', 'glasses-api').spec;
      expect(spec.ingress).toEqual([]);
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    });

    it('allows UDP only from udp.sourceRanges when given', () => {
      // GIVEN / WHEN
      const { c } = synth({ replicas: 1, udp: { port: 7000, sourceRanges: ['198.51.100.0/24', '203.0.113.0/24'] } });
      // THEN
      expect(find(c, 'NetworkPolicy', 'glasses-api').spec.ingress).toEqual([{
        from: [{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '203.0.113.0/24' } }],
        ports: [{ protocol: 'UDP', port: 7000 }],
      }]);
    });

    it('adds allowFrom by endpoint and allowTo after DNS', () => {
      // GIVEN
      const networkPolicy: NetworkPolicyOptions = {
        allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }],
        allowTo: [{ peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] }],
      };
      // WHEN
      const { c } = synth({ networkPolicy });
      // THEN
      const spec = find(c, 'NetworkPolicy', 'glasses-api').spec;
      expect(spec.ingress).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }]);
      expect(spec.egress).toHaveLength(2);
      expect(spec.egress).toContainEqual({
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      });
      expect(spec.egress).toContainEqual(expect.objectContaining({ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }));
    });

    it('renders none with networkPolicy: false', () => {
      // GIVEN / WHEN
      const { c, svc } = synth({ networkPolicy: false });
      // THEN
      expect(objects(c, 'NetworkPolicy')).toEqual([]);
      expect(svc.networkPolicy).toBeUndefined();
    });
  });

  describe('construct tree', () => {
    it('exposes every child as a typed public field under a stable id', () => {
      // GIVEN / WHEN
      const { svc } = synth({ ...REALTIME, autoscaling: { minReplicas: 2, maxReplicas: 4 } });
      // THEN
      const deployment: ApiObject = svc.deployment;
      const service: ApiObject = svc.service;
      const udp: UdpLoadBalancer | undefined = svc.udpLoadBalancer;
      const ingresses: ApiObject[] = svc.ingresses;
      const autoscaler: ApiObject | undefined = svc.autoscaler;
      const budget: ApiObject | undefined = svc.disruptionBudget;
      const policy: WorkloadNetworkPolicy | undefined = svc.networkPolicy;
      expect(svc.node.children.map((child) => child.node.id)).toEqual(['Deployment', 'Service', 'Udp', 'Routes', 'Autoscaler', 'DisruptionBudget', 'NetworkPolicy']);
      expect(svc.node.findChild('Deployment')).toBe(deployment);
      expect(svc.node.findChild('Service')).toBe(service);
      expect(svc.node.findChild('Udp')).toBe(udp);
      expect(udp).toBeInstanceOf(UdpLoadBalancer);
      expect(svc.node.findChild('Routes').node.children).toEqual(ingresses);
      expect(svc.node.findChild('Autoscaler')).toBe(autoscaler);
      expect(svc.node.findChild('DisruptionBudget')).toBe(budget);
      expect(svc.node.findChild('NetworkPolicy')).toBe(policy);
      expect(policy).toBeInstanceOf(WorkloadNetworkPolicy);
      expect(svc.routeGroups.map((g) => g.resource)).toEqual(ingresses);
    });

    it('pins the construct paths and object names (they appear in dist/ file names and headers)', () => {
      // GIVEN / WHEN
      const { svc } = synth({ ...REALTIME, autoscaling: { minReplicas: 2, maxReplicas: 4 } });
      // THEN
      const pinned = (o: ApiObject) => `${o.node.path} -> ${o.kind}/${o.name}`;
      expect([
        svc.deployment, svc.service, svc.udpLoadBalancer!.resource, ...svc.ingresses, svc.autoscaler!, svc.disruptionBudget!, svc.networkPolicy!.resource,
      ].map(pinned)).toEqual([
        'test/Svc/Deployment -> Deployment/glasses-api',
        'test/Svc/Service -> Service/glasses-api',
        'test/Svc/Udp/Resource -> Service/glasses-api-udp',
        'test/Svc/Routes/Ingress -> Ingress/glasses-api',
        'test/Svc/Routes/Ingress-ws -> Ingress/glasses-api-ws',
        'test/Svc/Autoscaler -> HorizontalPodAutoscaler/glasses-api',
        'test/Svc/DisruptionBudget -> PodDisruptionBudget/glasses-api',
        'test/Svc/NetworkPolicy/Resource -> NetworkPolicy/glasses-api',
      ]);
    });

    it('leaves optional children undefined and emits only Deployment, Service, PDB and NetworkPolicy for minimal props', () => {
      // GIVEN / WHEN
      const { c, svc } = synth();
      // THEN
      expect(svc.udpLoadBalancer).toBeUndefined();
      expect(svc.autoscaler).toBeUndefined();
      expect(svc.node.tryFindChild('Udp')).toBeUndefined();
      expect(svc.node.tryFindChild('Routes')).toBeUndefined();
      expect(objects(c).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'Deployment/glasses-api', 'NetworkPolicy/glasses-api', 'PodDisruptionBudget/glasses-api', 'Service/glasses-api',
      ]);
      expect(svc.name).toBe('glasses-api');
      expect(svc.namespace).toBe('demo');
      expect(svc.minReplicas).toBe(2);
    });

    it('takes the namespace from props over the Chart', () => {
      // GIVEN / WHEN
      const { c } = synth({ namespace: 'glasses' });
      // THEN
      for (const o of objects(c)) expect(o.metadata.namespace).toBe('glasses');
    });
  });

  it('uses every prop (all props, typed Required<RealtimeServiceProps> so a new prop cannot be forgotten)', () => {
    // GIVEN
    const http: Required<HttpEndpoint> = { port: 8080, servicePort: 8000 };
    const websocket: Required<WebSocketEndpoint> = { port: 8081, servicePort: 8001 };
    const udp: Required<UdpEndpoint> = {
      port: 7000, publicPort: 7443, serviceName: 'glasses-media', preset: LoadBalancerPreset.eksNlb(),
      routing: UdpRouting.clientIpAffinity(), sourceRanges: ['198.51.100.0/24'],
      // The NLB forgets a quiet UDP flow after 120 s: a 20 s keepalive holds it; so does the NAT.
      keepaliveInterval: Duration.seconds(20), hops: [Hop.custom('corporate-nat', Duration.minutes(5))],
      healthCheckSources: ['10.0.0.0/16'],
    };
    const routes: Required<RoutesOptions> = {
      controller: IngressController.nginx({ className: 'public', namespace: 'edge' }),
      hosts: ['api.example.com'],
      routes: [Route.http('/api'), Route.websocket('/ws')],
      tlsSecretName: 'api-example-com-tls',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
      // Checked only (nothing is rendered): a 60 min Azure LB idle timeout holds the 3600 s WebSocket route.
      hops: [Hop.azureLoadBalancer(Duration.minutes(60))],
    };
    const autoscaling: Required<AutoscalingOptions> = {
      minReplicas: 3, maxReplicas: 12, cpuUtilization: 60, memoryUtilization: 80,
      scaleUp: { stabilizationWindow: Duration.seconds(30), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(30) }] },
      scaleDown: { stabilizationWindow: Duration.minutes(20), policies: [{ type: 'Pods', value: 1, period: Duration.minutes(3) }] },
    };
    const timing = (period: number, timeout: number, failureThreshold: number, path: string): Required<ProbeTiming> => ({
      path, initialDelay: Duration.seconds(1), period: Duration.seconds(period), timeout: Duration.seconds(timeout), failureThreshold,
    });
    const probes: Required<ProbeOptions> = {
      path: '/healthz', startup: timing(5, 2, 30, '/startz'), readiness: timing(5, 2, 2, '/readyz'), liveness: timing(15, 3, 4, '/livez'),
    };
    const resources: Required<ResourceOptions> = {
      cpuRequest: '500m', cpuLimit: '2', memoryRequest: '512Mi', memoryLimit: '768Mi', ephemeralStorageRequest: '128Mi', ephemeralStorageLimit: '2Gi',
    };
    const shutdown: Required<ShutdownOptions> = {
      preStop: PreStopHook.sleep(Duration.seconds(20)), drainTimeout: Duration.seconds(100), terminationGracePeriod: Duration.seconds(150),
    };
    const networkPolicy: Required<NetworkPolicyOptions> = {
      allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }],
      allowTo: [{ peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] }],
    };
    const all: Required<RealtimeServiceProps> = {
      name: 'glasses-api', namespace: 'glasses', image: IMAGE, http, websocket, udp,
      replicas: 3, autoscaling, disruptionBudget: DisruptionBudget.maxUnavailable(1),
      resources, probes, shutdown, serviceType: HttpServiceType.NODE_PORT, routes, networkPolicy,
      env: { LOG_LEVEL: 'info' }, args: ['--serve'], runAsUser: 20001, minReady: Duration.seconds(30), spread: false,
      secrets: [SecretMount.envFromSecret('glasses-env')], bootTime: Duration.seconds(120),
    };
    // `replicas` and `autoscaling` exclude each other, so each is exercised in its own chart.
    const scaled = chart();
    const fixed = chart();

    // WHEN
    new RealtimeService(scaled, 'Svc', { ...all, replicas: undefined });
    new RealtimeService(fixed, 'Svc', { ...all, autoscaling: undefined });

    // THEN
    const deployment = find(scaled, 'Deployment', 'glasses-api');
    expect(deployment.metadata.namespace).toBe('glasses');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(deployment.spec.minReadySeconds).toBe(30);
    const pod = deployment.spec.template.spec;
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.terminationGracePeriodSeconds).toBe(150);
    expect(pod.securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20001, fsGroup: 20001 });
    const k = pod.containers.find((x: any) => x.name === 'glasses-api');
    expect(k.image).toBe(IMAGE);
    expect(k.args).toEqual(['--serve']);
    expect(k.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(k.envFrom).toEqual([{ secretRef: { name: 'glasses-env' } }]);
    expect(k.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'websocket', containerPort: 8081, protocol: 'TCP' },
      { name: 'udp', containerPort: 7000, protocol: 'UDP' },
    ]);
    expect(k.startupProbe).toMatchObject({ httpGet: { path: '/startz' }, initialDelaySeconds: 1, failureThreshold: 30 });
    expect(k.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' }, periodSeconds: 5 });
    expect(k.livenessProbe).toMatchObject({ httpGet: { path: '/livez' }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 });
    expect(k.resources).toEqual({
      requests: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '128Mi' },
      limits: { 'cpu': '2', 'memory': '768Mi', 'ephemeral-storage': '2Gi' },
    });
    expect(k.lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });

    const service = find(scaled, 'Service', 'glasses-api').spec;
    expect(service.type).toBe('NodePort');
    expect(service.ports).toEqual([
      { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
      { name: 'websocket', port: 8001, targetPort: 'websocket', protocol: 'TCP' },
    ]);

    const lb = find(scaled, 'Service', 'glasses-media');
    // NLB IP targets: the pods' HTTP port and readiness path are probed; affinity is source-IP stickiness
    expect(lb.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8080',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/readyz',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true,stickiness.enabled=true,stickiness.type=source_ip',
    });
    expect(lb.spec).toMatchObject({
      ports: [{ name: 'udp', port: 7443, targetPort: 'udp', protocol: 'UDP' }],
      sessionAffinity: 'None',
      loadBalancerSourceRanges: ['198.51.100.0/24'],
    });

    expect(names(scaled, 'Ingress')).toEqual(['glasses-api', 'glasses-api-ws']);
    const ingress = find(scaled, 'Ingress', 'glasses-api');
    expect(ingress.spec.ingressClassName).toBe('public');
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'api-example-com-tls' }]);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('8m');

    const hpa = find(scaled, 'HorizontalPodAutoscaler', 'glasses-api').spec;
    expect(hpa).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    expect(hpa.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 80]]);
    expect(hpa.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] });
    expect(hpa.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 1200, policies: [{ type: 'Pods', value: 1, periodSeconds: 180 }] });

    expect(find(scaled, 'PodDisruptionBudget', 'glasses-api').spec.maxUnavailable).toBe(1);

    const np = find(scaled, 'NetworkPolicy', 'glasses-api').spec;
    expect(np.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }] },
      { from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'UDP', port: 7000 }] },
      { from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(np.egress).toHaveLength(2);

    expect(find(fixed, 'Deployment', 'glasses-api').spec.replicas).toBe(3);
    expect(objects(fixed, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  describe('YAML', () => {
    it('matches the snapshot for a full service (http + websocket + udp + routes + autoscaling)', () => {
      // GIVEN
      const c = chart();
      // WHEN
      new RealtimeService(c, 'Svc', props({
        ...REALTIME,
        http: { port: 8080, servicePort: 80 },
        udp: { port: 7000, preset: LoadBalancerPreset.aks({ publicIpName: 'glasses-udp-ip' }), routing: UdpRouting.clientIpAffinity() },
        autoscaling: { minReplicas: 2, maxReplicas: 8 },
        networkPolicy: { allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }] },
        env: { LOG_LEVEL: 'info' },
      }));
      // THEN
      expect(yaml(c)).toMatchSnapshot();
    });

    it('matches the snapshot for a minimal service', () => {
      // GIVEN
      const c = chart();
      // WHEN
      new RealtimeService(c, 'Svc', { name: 'echo', image: 'ghcr.io/acme/echo:0.3.1', http: { port: 8080 } });
      // THEN
      expect(yaml(c)).toMatchSnapshot();
    });
  });

  describe('fails when', () => {
    it('fails when the image has no tag', () => {
      expect(build({ image: 'ghcr.io/acme/glasses-api' })).toThrow(exactly(
        '[test/Svc] RealtimeService \'image\' is "ghcr.io/acme/glasses-api": must be pinned by a tag or a digest (an untagged image means "latest"). '
        + 'Fix: add a version tag, e.g. "ghcr.io/acme/glasses-api:1.0.0", or a digest'));
    });

    it('fails when the image uses the latest tag', () => {
      const fn = build({ image: 'ghcr.io/acme/glasses-api:latest' });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'image\' is "ghcr.io/acme/glasses-api:latest": must not use the "latest" tag: rollouts would not be reproducible and a restart may pull another build. '
        + 'Fix: pin a version tag or an @sha256 digest'));
    });

    it('fails when the image reference is malformed (uppercase repository)', () => {
      expect(build({ image: 'ghcr.io/Acme/api:1.0.0' })).toThrow(exactly(
        '[test/Svc] RealtimeService \'image\' is "ghcr.io/Acme/api:1.0.0": must be an image reference such as "registry.example.com/team/app:1.4.2" or "...@sha256:<64 hex>". '
        + 'Fix: fix the reference (lowercase repository, optional :tag and @sha256 digest)'));
    });

    it('fails when the name is not a DNS-1035 label (Glasses_API)', () => {
      const fn = build({ name: 'Glasses_API' });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'name\' is "Glasses_API": must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters), because it names a Service. '
        + 'Fix: use a name such as "glasses-api"'));
    });

    it('fails when the http port is 0', () => {
      expect(build({ http: { port: 0 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'http.port\' is 0: must be an integer from 1 to 65535. Fix: pick a port number in range'));
    });

    it('fails when the udp port is 70000, and reports it as a structured problem', () => {
      // GIVEN / WHEN
      const error = thrown(build({ replicas: 1, udp: { port: 70000 } }));
      // THEN
      expect(error).toBeInstanceOf(RealtimeConfigError);
      expect((error as RealtimeConfigError).message).toBe('[test/Svc] RealtimeService \'udp.port\' is 70000: must be an integer from 1 to 65535. Fix: pick a port number in range');
      expect((error as RealtimeConfigError).problems).toEqual([{
        path: 'test/Svc', subject: 'RealtimeService', prop: 'udp.port', value: 70000, allowed: 'be an integer from 1 to 65535', fix: 'pick a port number in range',
      }]);
      expect((error as RealtimeConfigError).path).toBe('test/Svc');
    });

    it('fails when the websocket port equals the http port', () => {
      expect(build({ websocket: { port: 8080 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'websocket.port\' is 8080: must differ from http.port (8080). Fix: omit `websocket` when WebSockets share the HTTP port'));
    });

    it('fails when the websocket Service port equals the http Service port', () => {
      expect(build({ websocket: { port: 8081, servicePort: 80 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'websocket.servicePort\' is 80: must differ from http.servicePort (80). Fix: pick another Service port'));
    });

    it('fails when replicas is set together with autoscaling', () => {
      expect(build({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'replicas\' is 3: must be unset when autoscaling is set (the HPA owns the replica count; a fixed count fights it on every apply). '
        + 'Fix: remove `replicas` and use autoscaling.minReplicas'));
    });

    it('fails when replicas is 0', () => {
      expect(build({ replicas: 0 })).toThrow(exactly(
        '[test/Svc] RealtimeService \'replicas\' is 0: must be a whole number from 1 to 1000. Fix: pass a positive whole number'));
    });

    it('fails when autoscaling.minReplicas is 1', () => {
      expect(build({ autoscaling: { minReplicas: 1, maxReplicas: 5 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'autoscaling.minReplicas\' is 1: must be at least 2 (one pod is a single point of failure during rollouts and drains). '
        + 'Fix: raise minReplicas to 2, or drop autoscaling and set replicas: 1'));
    });

    it('fails when autoscaling.maxReplicas is below minReplicas', () => {
      expect(build({ autoscaling: { minReplicas: 3, maxReplicas: 2 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'autoscaling.maxReplicas\' is 2: must be at least minReplicas (3). Fix: raise maxReplicas to 3 or more'));
    });

    it('fails when UDP runs on 2 replicas without a routing choice', () => {
      const fn = build({ replicas: 2, udp: { port: 7000 } });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.routing\' is not set: must be chosen when more than one replica can run (up to 2): the ingress controller and the UDP load balancer pick pods independently, so a user\'s WebSocket and UDP flow can land on different pods. '
        + 'Fix: set udp.routing to UdpRouting.clientIpAffinity() or UdpRouting.appRouted(), or run one replica with UdpRouting.singleReplica()'));
    });

    it('fails when UDP runs under autoscaling without a routing choice', () => {
      expect(build({ autoscaling: { minReplicas: 2, maxReplicas: 6 }, udp: { port: 7000 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.routing\' is not set: must be chosen when more than one replica can run (up to 6): the ingress controller and the UDP load balancer pick pods independently, so a user\'s WebSocket and UDP flow can land on different pods. '
        + 'Fix: set udp.routing to UdpRouting.clientIpAffinity() or UdpRouting.appRouted(), or run one replica with UdpRouting.singleReplica()'));
    });

    it('fails when UdpRouting.singleReplica() is chosen with replicas: 3', () => {
      expect(build({ replicas: 3, udp: { port: 7000, routing: UdpRouting.singleReplica() } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.routing\' is "single-replica": must match the replica count (up to 3 pods can run). '
        + 'Fix: set replicas: 1 without autoscaling, or choose UdpRouting.clientIpAffinity() / UdpRouting.appRouted()'));
    });

    it('fails when the PDB minAvailable equals the replica count', () => {
      expect(build({ replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) })).toThrow(exactly(
        '[test/Svc] RealtimeService \'disruptionBudget.minAvailable\' is 2: must allow at least one disruption at the replica count (2 pods); otherwise node drains and cluster upgrades hang. '
        + 'Fix: use DisruptionBudget.minAvailable(1) or DisruptionBudget.maxUnavailable(1)'));
    });

    it('fails when the PDB allows no disruption at the HPA minimum', () => {
      expect(build({ autoscaling: { minReplicas: 3, maxReplicas: 6 }, disruptionBudget: DisruptionBudget.maxUnavailable('0%') })).toThrow(exactly(
        '[test/Svc] RealtimeService \'disruptionBudget.maxUnavailable\' is "0%": must allow at least one disruption at the HPA minimum (3 pods); otherwise node drains and cluster upgrades hang. '
        + 'Fix: use DisruptionBudget.maxUnavailable(1)'));
    });

    it('fails when the PDB percentage is "150%"', () => {
      expect(build({ disruptionBudget: DisruptionBudget.maxUnavailable('150%') })).toThrow(exactly(
        '[test/Svc] RealtimeService \'disruptionBudget.maxUnavailable\' is "150%": must be a whole number or a percentage from "0%" to "100%". Fix: use e.g. 1 or "50%"'));
    });

    it('fails when a PDB is asked for a single replica', () => {
      expect(build({ replicas: 1, disruptionBudget: DisruptionBudget.maxUnavailable(1) })).toThrow(exactly(
        '[test/Svc] RealtimeService \'disruptionBudget\' is "maxUnavailable 1": must be DisruptionBudget.none() with a single replica (any budget either blocks node drains or protects nothing). '
        + 'Fix: remove disruptionBudget or run at least 2 replicas'));
    });

    it('fails when a probe timeout is not shorter than its period', () => {
      expect(build({ probes: { readiness: { period: Duration.seconds(5), timeout: Duration.seconds(5) } } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'probes.readiness.timeout\' is "5s": must be shorter than the period (5s), or probes overlap. Fix: use a timeout below 5s or a longer period'));
    });

    it('fails when the readiness probe is identical to the liveness probe', () => {
      const fn = build({ probes: { readiness: { period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 6 }, liveness: { path: '/health' } } });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'probes.liveness\' is "GET /health, initialDelay 0s, period 10s, timeout 3s, failureThreshold 6": must differ from the readiness probe (an identical liveness probe restarts pods that are merely busy, kube-score pod-probes-identical). '
        + 'Fix: give liveness a longer period or higher failureThreshold, or a different path such as "/livez"'));
    });

    it('fails when the startup probe budget is shorter than the declared boot time', () => {
      expect(build({ bootTime: Duration.minutes(5) })).toThrow(exactly(
        '[test/Svc] RealtimeService \'probes.startup.failureThreshold\' is 24: must '
        + 'give the startup probe a budget of at least bootTime (300s), but initialDelay 0s + period 5s x failureThreshold 24 = 120s: the kubelet would kill the container while it boots. '
        + 'Fix: set probes.startup.failureThreshold to 60 or more, or lengthen probes.startup.period'));
    });

    it('fails when a probe path is relative', () => {
      expect(build({ probes: { path: 'health' } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'probes.startup.path\' is "health": must be an absolute URL path without spaces. Fix: use e.g. "/health"'));
    });

    it('fails when a request is above its limit', () => {
      expect(build({ resources: { cpuRequest: '2', cpuLimit: '1500m' } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'resources.cpuRequest\' is "2": must not exceed cpuLimit (1500m). Fix: lower cpuRequest or raise cpuLimit'));
    });

    it('fails when the memory request is above the memory limit', () => {
      expect(build({ resources: { memoryRequest: '1Gi', memoryLimit: '512Mi' } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'resources.memoryRequest\' is "1Gi": must not exceed memoryLimit (512Mi). Fix: lower memoryRequest or raise memoryLimit'));
    });

    it('fails when a quantity is written "1 GB"', () => {
      expect(build({ resources: { memoryRequest: '1 GB' } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'resources.memoryRequest\' is "1 GB": must be a positive Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi". Fix: write the unit without a space, e.g. "1Gi" (not "1 GB")'));
    });

    it('fails when the grace period is shorter than preStop + drain', () => {
      expect(build({ shutdown: { terminationGracePeriod: Duration.seconds(60) } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'shutdown.terminationGracePeriod\' is "60s": must cover the preStop hook plus the drain (15s + 105s = 120s); the kubelet kills the container when it runs out. '
        + 'Fix: raise it to Duration.seconds(120) or shorten drainTimeout'));
    });

    it('fails when an exec preStop hook has no command', () => {
      expect(build({ shutdown: { preStop: PreStopHook.exec([], Duration.seconds(5)) } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'shutdown.preStop\' is []: must have a command. Fix: pass e.g. ["/bin/sleep", "15"]'));
    });

    it('fails when a literal env var looks like a secret (DB_PASSWORD)', () => {
      const fn = build({ env: { LOG_LEVEL: 'info', DB_PASSWORD: 'hunter2' } });
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'env["DB_PASSWORD"]\' is "DB_PASSWORD": must not carry a secret-looking value as a literal: it would be committed to dist/ in plain text. '
        + 'Fix: load it from a Secret (envFrom with an ExternalSecret or the Secrets Store CSI driver)'));
    });

    it('fails when an env var name starts with a digit', () => {
      expect(build({ env: { '1ST': 'x' } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'env["1ST"]\' is "1ST": must be a valid environment variable name (letters, digits, "_", "-", "."; not starting with a digit). Fix: rename the variable'));
    });

    it('fails when an HPA policy period is 3600 s', () => {
      expect(build({
        autoscaling: { minReplicas: 2, maxReplicas: 4, scaleDown: { stabilizationWindow: Duration.minutes(10), policies: [{ type: 'Pods', value: 1, period: Duration.hours(1) }] } },
      })).toThrow(exactly(
        '[test/Svc] RealtimeService \'autoscaling.scaleDown.policies[0].period\' is "3600s": must be from 1 to 1800 seconds. Fix: use a value from Duration.seconds(1) to Duration.seconds(1800)'));
    });

    it('fails when an HPA stabilization window is above 3600 s', () => {
      expect(build({
        autoscaling: { minReplicas: 2, maxReplicas: 4, scaleDown: { stabilizationWindow: Duration.hours(2), policies: [{ type: 'Pods', value: 1, period: Duration.minutes(2) }] } },
      })).toThrow(exactly(
        '[test/Svc] RealtimeService \'autoscaling.scaleDown.stabilizationWindow\' is "7200s": must be from 0 to 3600 seconds. Fix: use a value from Duration.seconds(0) to Duration.seconds(3600)'));
    });

    it('fails when an HPA direction lists no policy', () => {
      expect(build({ autoscaling: { minReplicas: 2, maxReplicas: 4, scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [] } } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'autoscaling.scaleUp.policies\' is []: must list at least one policy. Fix: add e.g. { type: "Pods", value: 1, period: Duration.seconds(60) }'));
    });

    it('fails when runAsUser is 0 (root)', () => {
      expect(build({ runAsUser: 0 })).toThrow(exactly(
        '[test/Svc] RealtimeService \'runAsUser\' is 0: must be a whole number from 1 to 2147483647. Fix: pass a positive whole number'));
    });

    it('fails when a route names a port the Service does not have', () => {
      expect(build({ routes: { hosts: ['api.example.com'], routes: [Route.websocket('/ws', { port: 'websocket' })] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].port\' is "websocket": must name a port of the Service (http). Fix: use "http" or "websocket"'));
    });

    it('fails when allowFrom names an endpoint the service does not have', () => {
      expect(build({ networkPolicy: { allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['metrics'] }] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'networkPolicy.allowFrom[0].endpoints[0]\' is "metrics": must name an endpoint of the service (http). Fix: use one of them'));
    });

    it('fails when neither the props nor the Chart give a namespace', () => {
      // GIVEN
      const bare = new Chart(new App(), 'test');
      // WHEN / THEN
      expect(() => new RealtimeService(bare, 'Svc', props())).toThrow(exactly(
        '[test/Svc] RealtimeService \'namespace\' is not set: must be set on the construct or on its Chart (an implicit namespace is refused). '
        + 'Fix: pass `namespace` in the props or create the Chart with `{ namespace: "..." }`'));
    });

    it('fails when the namespace is not a DNS-1123 label', () => {
      expect(build({ namespace: 'Glasses' })).toThrow(exactly(
        '[test/Svc] RealtimeService \'namespace\' is "Glasses": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use "glasses"'));
    });

    it('fails when a route annotation sets a timeout directly', () => {
      expect(build({
        routes: { hosts: ['api.example.com'], routes: [Route.websocket('/ws')], annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' } },
      })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]\' is "nginx.ingress.kubernetes.io/proxy-read-timeout": must not be set directly: route timeouts own it (and ingress-nginx silently replaces a malformed value with 60 s). '
        + 'Fix: use Route.websocket(path, { idleTimeout }) or Route.http(path, { timeout, connectTimeout })'));
    });

    it('fails when a route annotation is a snippet', () => {
      expect(build({
        routes: { hosts: ['api.example.com'], routes: [Route.http('/api')], annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'return 200;' } },
      })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.annotations["nginx.ingress.kubernetes.io/server-snippet"]\' is "nginx.ingress.kubernetes.io/server-snippet": must not be a snippet annotation: a broken snippet stops the shared controller from reloading, and snippets have carried several CVEs. '
        + 'Fix: remove it; express the behaviour with typed props'));
    });

    it('fails when routes list no host', () => {
      expect(build({ routes: { hosts: [], routes: [Route.http('/api')] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.hosts\' is []: must list at least one host. Fix: add the public host names, e.g. ["api.example.com"]'));
    });

    it('fails when routes list no route', () => {
      expect(build({ routes: { hosts: ['api.example.com'], routes: [] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes\' is []: must list at least one route. Fix: add Route.http(...) or Route.websocket(...)'));
    });

    it('fails when a route host is an IP address', () => {
      expect(build({ routes: { hosts: ['203.0.113.7'], routes: [Route.http('/api')] } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.hosts[0]\' is "203.0.113.7": must be a DNS name (a DNS-1123 subdomain, or "*." followed by one), not an IP address. Fix: use the public host name, e.g. "api.example.com"'));
    });
  });

  describe('Route (through RealtimeService routes) fails when', () => {
    const routed = (...routes: Route[]) => build({ routes: { hosts: ['api.example.com'], routes } });

    it('fails when a path contains "//"', () => {
      expect(routed(Route.websocket('/ws//glasses'))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].path\' is "/ws//glasses": must not contain "//". Fix: use a plain path such as "/app-ws"; regular expressions and rewrites are not supported'));
    });

    it('fails when a path holds regex characters (/ws(.*))', () => {
      const fn = routed(Route.http('/api'), Route.websocket('/ws(.*)'));
      expect(fn).toThrow(RealtimeConfigError);
      expect(fn).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[1].path\' is "/ws(.*)": must contain only letters, digits, ".", "_", "-" and "/" (ingress-nginx strict path validation). '
        + 'Fix: use a plain path such as "/app-ws"; regular expressions and rewrites are not supported'));
    });

    it('fails when a path does not start with "/"', () => {
      expect(routed(Route.http('api'))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].path\' is "api": must start with "/". Fix: use a plain path such as "/app-ws"; regular expressions and rewrites are not supported'));
    });

    it('fails when a path ends with "/."', () => {
      expect(routed(Route.http('/api/.'))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].path\' is "/api/.": must not end with "/.". Fix: use a plain path such as "/app-ws"; regular expressions and rewrites are not supported'));
    });

    it('fails when two routes declare the same path', () => {
      expect(routed(Route.http('/api'), Route.http('/api', { timeout: Duration.seconds(30) }))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[1].path\' is "/api": must be unique (routes.routes[0] already declares it); with two Ingresses for one host and path, ingress-nginx silently keeps the oldest. '
        + 'Fix: remove the duplicate route'));
    });

    it('fails when the connect timeout is above 75 s', () => {
      expect(routed(Route.websocket('/ws', { connectTimeout: Duration.seconds(90) }))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].connectTimeout\' is "90s": must be from 1 to 75 seconds. Fix: nginx caps proxy_connect_timeout at about 75 s; use Duration.seconds(10) to Duration.seconds(75)'));
    });

    it('fails when an idle timeout is not whole seconds (Duration.millis(1500))', () => {
      expect(routed(Route.websocket('/ws', { idleTimeout: Duration.millis(1500) }))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].idleTimeout\' is "1500ms": must be a whole number of seconds. Fix: use Duration.seconds(2)'));
    });

    it('fails when an HTTP timeout is above a day', () => {
      expect(routed(Route.http('/api', { timeout: Duration.days(2) }))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].timeout\' is "172800s": must be from 1 to 86400 seconds. Fix: use a value from Duration.seconds(1) to Duration.seconds(86400)'));
    });

    it('fails when the idle timeout is shorter than twice the heartbeat interval', () => {
      expect(routed(Route.websocket('/ws', { idleTimeout: Duration.seconds(30), heartbeatInterval: Duration.seconds(20) }))).toThrow(exactly(
        '[test/Svc] RealtimeService \'routes.routes[0].idleTimeout\' is "30s": must be at least twice the heartbeat interval (2 x 20s = 40s) so one lost ping does not drop the connection. '
        + 'Fix: raise idleTimeout to Duration.seconds(40) or more, or send heartbeats more often'));
    });
  });

  describe('regressions of fixed lib bugs', () => {
    // lib/workload.ts IMAGE_REF lets the first path component carry a registry port even when no
    // "/" follows, so "redis:7" is read as host "redis" port 7 with no tag.
    it('accepts a single-component image with a numeric tag ("redis:7")', () => {
      // GIVEN / WHEN
      const { c } = synth({ image: 'redis:7' });
      // THEN
      expect(container(c).image).toBe('redis:7');
    });

    // lib/realtime-service.ts passes udp.publicPort to the UdpLoadBalancer unchecked, so the error
    // names the child (test/Svc/Udp, UdpLoadBalancer 'ports[0].port') instead of the prop the user set.
    it('fails when udp.publicPort is 70000, naming udp.publicPort', () => {
      expect(build({ replicas: 1, udp: { port: 7000, publicPort: 70000 } })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.publicPort\' is 70000: must be an integer from 1 to 65535. Fix: pick a port number in range'));
    });

    // lib/workload.ts passes the raw ProbeTiming (with cdk8s Duration objects) to the error, so the
    // message shows Duration internals ({"amount":5,"unit":{"label":"seconds","inMillis":1000}}).
    it('names identical probes in seconds, not as Duration internals', () => {
      const timing: ProbeTiming = { period: Duration.seconds(5), timeout: Duration.seconds(2), failureThreshold: 2 };
      const error = thrown(build({ probes: { readiness: timing, liveness: { ...timing, path: '/health' } } })) as Error;
      expect(error).toBeInstanceOf(RealtimeConfigError);
      expect(error.message).toMatch(/^\[test\/Svc\] RealtimeService 'probes\.liveness' is .*: must differ from the readiness probe/);
      expect(error.message).not.toContain('inMillis');
    });
  });
});
