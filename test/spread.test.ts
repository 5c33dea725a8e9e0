import { RealtimeService, Spread, WebService, WorkerPool, WorkerScaling } from '../lib';
import { chart, exactly, find } from './util';

// GIVEN a workload construct WHEN spread is chosen THEN its Deployment carries exactly those keys.
const keysOf = (d: any) => (d.spec.template.spec.topologySpreadConstraints ?? []).map((c: any) => c.topologyKey);

describe('Spread', () => {
  const svc = (spread?: boolean | Spread) => {
    const c = chart();
    new RealtimeService(c, 'Svc', { name: 'svc', image: 'example/svc:1.0.0', http: { port: 8080 }, replicas: 2, spread });
    return find(c, 'Deployment', 'svc');
  };
  test('zones and nodes by default, and for true and Spread.zonesAndNodes()', () => {
    for (const s of [undefined, true, Spread.zonesAndNodes()]) expect(keysOf(svc(s))).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });
  test('Spread.nodes() spreads over nodes only (clusters without zone labels)', () => {
    expect(svc(Spread.nodes()).spec.template.spec.topologySpreadConstraints).toEqual([{
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'svc' } }, matchLabelKeys: ['pod-template-hash'],
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
    }]);
  });
  test('false and Spread.none() emit no constraints', () => {
    for (const s of [false, Spread.none()]) expect(svc(s).spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
  test('WebService and WorkerPool take it too', () => {
    const c = chart();
    new WebService(c, 'Web', { name: 'web', image: 'example/web:1.0.0', http: { port: 8080 }, replicas: 2, spread: Spread.nodes() });
    new WorkerPool(c, 'Pool', { name: 'pool', image: 'example/pool:1.0.0', http: { port: 8080 }, scaling: WorkerScaling.fixed(2), spread: Spread.nodes() });
    expect(keysOf(find(c, 'Deployment', 'web'))).toEqual(['kubernetes.io/hostname']);
    expect(keysOf(find(c, 'Deployment', 'pool'))).toEqual(['kubernetes.io/hostname']);
  });
  test('fails when spread is neither a boolean nor a Spread', () => {
    expect(() => svc({ topologyKeys: ['kubernetes.io/hostname'] } as any)).toThrow(exactly(
      "[test/Svc] RealtimeService 'spread' is {\"topologyKeys\":[\"kubernetes.io/hostname\"]}: must be true, false or a Spread. Fix: pass true, false or a Spread"));
  });
});
