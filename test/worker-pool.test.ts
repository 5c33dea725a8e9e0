import { Duration } from 'cdk8s';
import { Peer, WorkerPool, WorkerPoolProps, WorkerScaling } from '../lib';
import { chart, exactly, find, names, objects, yaml } from './util';

const IMAGE = 'ghcr.io/acme/agent:3.1.0';
const ROOMS = WorkerScaling.hpaPodsMetric({ metric: 'livekit_rooms', averageValue: '1', minReplicas: 2, maxReplicas: 50 });

function props(overrides: Partial<WorkerPoolProps> = {}): WorkerPoolProps {
  return { name: 'agent', image: IMAGE, http: { port: 8081 }, scaling: ROOMS, ...overrides };
}

function synth(overrides: Partial<WorkerPoolProps> = {}) {
  const c = chart();
  const pool = new WorkerPool(c, 'Pool', props(overrides));
  return { c, pool };
}

function build(overrides: Partial<WorkerPoolProps> = {}): () => WorkerPool {
  return () => new WorkerPool(chart(), 'Pool', props(overrides));
}

const KEDA = WorkerScaling.keda({
  minReplicas: 2,
  maxReplicas: 50,
  pollingInterval: Duration.seconds(15),
  triggers: [{
    type: 'prometheus',
    name: 'rooms',
    metricType: 'AverageValue',
    metadata: { serverAddress: 'http://prometheus.monitoring.svc:9090', query: 'sum(livekit_room_total)', threshold: '1' },
    authenticationRef: { name: 'prometheus-auth', kind: 'ClusterTriggerAuthentication' },
  }],
  scaleDown: { stabilizationWindow: Duration.seconds(900), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(300) }] },
});

describe('WorkerPool', () => {
  test('GIVEN rooms per pod THEN an HPA with a Pods metric (averageValue) and explicit behaviour, no fixed replicas, no Service', () => {
    const { c, pool } = synth();
    expect(pool.minReplicas).toBe(2);
    expect(find(c, 'Deployment', 'agent').spec.replicas).toBeUndefined();
    expect(names(c, 'Service')).toEqual([]);
    const hpa = find(c, 'HorizontalPodAutoscaler', 'agent');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'agent' },
      minReplicas: 2,
      maxReplicas: 50,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'livekit_rooms' }, target: { type: 'AverageValue', averageValue: '1' } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }, { type: 'Pods', value: 4, periodSeconds: 60 }] },
        scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
      },
    });
    expect(find(c, 'PodDisruptionBudget', 'agent').spec.maxUnavailable).toBe(1);
  });

  test('workers drain for 30 minutes without a preStop hook, on the restricted pod template', () => {
    const spec = find(synth().c, 'Deployment', 'agent').spec.template.spec;
    expect(spec.terminationGracePeriodSeconds).toBe(1800);
    expect(spec.containers[0].lifecycle).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
  });

  test('GIVEN an external metric with a selector THEN an External metric HPA', () => {
    const { c } = synth({ scaling: WorkerScaling.hpaExternalMetric({ metric: 'livekit_rooms_total', selector: { deployment: 'livekit' }, averageValue: '1', minReplicas: 2, maxReplicas: 10 }) });
    expect(find(c, 'HorizontalPodAutoscaler', 'agent').spec.metrics).toEqual([{
      type: 'External',
      external: { metric: { name: 'livekit_rooms_total', selector: { matchLabels: { deployment: 'livekit' } } }, target: { type: 'AverageValue', averageValue: '1' } },
    }]);
    const total = synth({ scaling: WorkerScaling.hpaExternalMetric({ metric: 'queue_depth', value: '30', minReplicas: 1, maxReplicas: 4 }) }).c;
    expect(find(total, 'HorizontalPodAutoscaler', 'agent').spec.metrics[0].external.target).toEqual({ type: 'Value', value: '30' });
  });

  test('GIVEN KEDA THEN a ScaledObject and no HPA object (KEDA creates it), every field kept by toJson', () => {
    const { c, pool } = synth({ scaling: KEDA });
    expect(names(c, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(c, 'Deployment', 'agent').spec.replicas).toBeUndefined();
    expect(pool.autoscaler!.toJson()).toEqual({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'agent', namespace: 'demo', labels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/component': 'worker' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'agent' },
        minReplicaCount: 2,
        maxReplicaCount: 50,
        pollingInterval: 15,
        advanced: {
          horizontalPodAutoscalerConfig: {
            name: 'agent',
            behavior: {
              scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }, { type: 'Pods', value: 4, periodSeconds: 60 }] },
              scaleDown: { stabilizationWindowSeconds: 900, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 300 }] },
            },
          },
        },
        triggers: [{
          type: 'prometheus',
          name: 'rooms',
          metricType: 'AverageValue',
          metadata: { serverAddress: 'http://prometheus.monitoring.svc:9090', query: 'sum(livekit_room_total)', threshold: '1' },
          authenticationRef: { name: 'prometheus-auth', kind: 'ClusterTriggerAuthentication' },
        }],
      },
    });
  });

  test('fixed scaling sets replicas and emits no autoscaler', () => {
    const { c } = synth({ scaling: WorkerScaling.fixed(3) });
    expect(find(c, 'Deployment', 'agent').spec.replicas).toBe(3);
    expect(objects(c).filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind))).toEqual([]);
  });

  test('the NetworkPolicy denies inbound except allowFrom on the health port, and allows DNS plus allowTo out', () => {
    const { c } = synth({ networkPolicy: { allowFrom: [Peer.namespace('monitoring')], allowTo: [{ peers: [Peer.cidr('10.0.0.5/32')], ports: [{ protocol: 'TCP', port: 6380 }] }] } });
    const np = find(c, 'NetworkPolicy', 'agent');
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8081 }] }]);
    expect(np.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 6380 }] });
    expect(find(synth().c, 'NetworkPolicy', 'agent').spec.ingress).toEqual([]);
  });

  test('snapshot (KEDA)', () => {
    expect(yaml(synth({ scaling: KEDA }).c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    test('fails when KEDA has no trigger', () => {
      expect(build({ scaling: WorkerScaling.keda({ minReplicas: 1, maxReplicas: 5, triggers: [] }) })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.triggers\' is []: must list at least one trigger. Fix: add e.g. { type: "prometheus", metadata: { serverAddress, query, threshold } }'));
    });

    test('fails when a KEDA trigger metadata value is not a string', () => {
      const scaling = WorkerScaling.keda({ minReplicas: 1, maxReplicas: 5, triggers: [{ type: 'prometheus', metadata: { threshold: 5 as unknown as string } }] });
      expect(build({ scaling })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.triggers[0].metadata["threshold"]\' is 5: must be a string (KEDA trigger metadata is a string map). Fix: quote the value: "5"'));
    });

    test('fails when an external metric sets both averageValue and value', () => {
      expect(build({ scaling: WorkerScaling.hpaExternalMetric({ metric: 'rooms', averageValue: '1', value: '10', minReplicas: 1, maxReplicas: 5 }) })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.averageValue\' is "1": must be set, or else `value` (exactly one of the two). Fix: set averageValue (per pod), e.g. "1"'));
    });

    test('fails when the metric name is not one', () => {
      expect(build({ scaling: WorkerScaling.hpaPodsMetric({ metric: 'livekit rooms', averageValue: '1', minReplicas: 2, maxReplicas: 5 }) })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.metric\' is "livekit rooms": must be a metric name (letters, digits, "_" and ":", not starting with a digit). Fix: use the name the metrics API serves, e.g. "livekit_rooms"'));
    });

    test('fails when the target is not a quantity', () => {
      expect(build({ scaling: WorkerScaling.hpaPodsMetric({ metric: 'livekit_rooms', averageValue: 'one', minReplicas: 2, maxReplicas: 5 }) })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.averageValue\' is "one": must be a positive Kubernetes quantity such as "1", "500m" or "20". Fix: write it as a string, e.g. "1"'));
    });

    test('fails when maxReplicas is below minReplicas', () => {
      expect(build({ scaling: WorkerScaling.hpaPodsMetric({ metric: 'livekit_rooms', averageValue: '1', minReplicas: 5, maxReplicas: 2 }) })).toThrow(exactly(
        '[test/Pool] WorkerPool \'scaling.maxReplicas\' is 2: must be at least minReplicas (5). Fix: raise maxReplicas to 5 or more'));
    });

    test('fails when the grace period does not cover the drain', () => {
      expect(build({ shutdown: { drainTimeout: Duration.minutes(30), terminationGracePeriod: Duration.minutes(10) } })).toThrow(exactly(
        '[test/Pool] WorkerPool \'shutdown.terminationGracePeriod\' is "600s": must cover the preStop hook plus the drain (0s + 1800s = 1800s); the kubelet kills the container when it runs out. '
        + 'Fix: raise it to Duration.seconds(1800) or shorten drainTimeout'));
    });
  });
});
