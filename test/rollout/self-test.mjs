#!/usr/bin/env node
// The checker's own arithmetic, before any cluster runs: each helper that a scenario's verdict
// depends on gets a case it must accept and one it must refuse, so a checker that cannot fail
// fails here. Last line: "self-test: N checks passed, M failed".
import { admits, diffPaths, hostPortsOf, pdbMinHealthy, rolloutPromise, scaleDownLimit, scaleUpLimit, skew, timeScaledHpa } from './model.mjs';

let passed = 0;
let failed = 0;
const eq = (name, got, want) => {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} self-test ${name}${ok ? '' : `: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`}`);
};

eq('skew: 2/1/1 over three zones is 1', skew(['a', 'a', 'b', 'c'], ['a', 'b', 'c']).skew, 1);
eq('skew: an empty eligible zone counts (2/0 is 2)', skew(['a', 'a'], ['a', 'b']).skew, 2);
const dep = (ru, mrs = 10) => ({ kind: 'Deployment', spec: { minReadySeconds: mrs, strategy: { rollingUpdate: ru } } });
eq('rollout promise: maxSurge 1 / maxUnavailable 0 of 4', rolloutPromise(dep({ maxSurge: 1, maxUnavailable: 0 }), 4),
  { surge: 1, unavailable: 0, minReady: 4, maxPods: 5, minReadySeconds: 10 });
eq('rollout promise: Kubernetes defaults 25%/25% of 4 (surge rounds up, unavailable down)', rolloutPromise(dep(undefined), 4),
  { surge: 1, unavailable: 1, minReady: 3, maxPods: 5, minReadySeconds: 10 });
eq('rollout promise: DaemonSet maxSurge 0 / maxUnavailable 1 of 2', rolloutPromise({ kind: 'DaemonSet', spec: { updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } } }, 2),
  { surge: 0, unavailable: 1, minReady: 1, maxPods: 2, minReadySeconds: 0 });
eq('PDB minAvailable 50% of 4 keeps 2', pdbMinHealthy({ spec: { minAvailable: '50%' } }, 4), 2);
eq('PDB minAvailable 50% of 3 keeps 2 (rounds up)', pdbMinHealthy({ spec: { minAvailable: '50%' } }, 3), 2);
eq('PDB maxUnavailable 1 of 2 keeps 1', pdbMinHealthy({ spec: { maxUnavailable: 1 } }, 2), 1);
const suna = { scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }], selectPolicy: 'Max' } };
eq('HPA scale-up 100%/60s from 4 reaches 8', scaleUpLimit(suna, 4), 8);
const agent = { scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }, { type: 'Pods', value: 4, periodSeconds: 60 }], selectPolicy: 'Max' } };
eq('HPA scale-up max(100%, 4 pods) from 2 reaches 6', scaleUpLimit(agent, 2), 6);
eq('HPA scale-up selectPolicy Min from 2 reaches 4', scaleUpLimit({ scaleUp: { ...agent.scaleUp, selectPolicy: 'Min' } }, 2), 4);
eq('HPA scale-down 25% from 8 reaches 6', scaleDownLimit({ scaleDown: { policies: [{ type: 'Percent', value: 25, periodSeconds: 60 }], selectPolicy: 'Max' } }, 8), 6);
eq('HPA scale-down 1 pod from 6 reaches 5', scaleDownLimit({ scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }], selectPolicy: 'Max' } }, 6), 5);
const hpa = { spec: { minReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 25, periodSeconds: 60 }] } } } };
const scaledCopy = timeScaledHpa(hpa, 20);
eq('time-scaled HPA: 300 s window and 60 s period at 1/20', [scaledCopy.spec.behavior.scaleDown.stabilizationWindowSeconds, scaledCopy.spec.behavior.scaleDown.policies[0].periodSeconds], [15, 3]);
eq('time-scaled HPA: only the durations differ', diffPaths(hpa, scaledCopy), ['spec.behavior.scaleDown.stabilizationWindowSeconds', 'spec.behavior.scaleDown.policies.0.periodSeconds']);
const media = { metadata: { labels: { agentpool: 'media' } }, spec: { taints: [{ key: 'dedicated', value: 'media', effect: 'NoSchedule' }] } };
const general = { metadata: { labels: { agentpool: 'general' } }, spec: {} };
const livekit = { nodeSelector: { agentpool: 'media' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'media', effect: 'NoSchedule' }] };
eq('a media node admits the LiveKit pod', admits(media, livekit), true);
eq('a media node refuses a pod without the toleration', admits(media, {}), false);
eq('a general node refuses the LiveKit pod (nodeSelector)', admits(general, livekit), false);
eq('hostNetwork: every container port is a host port', hostPortsOf({ hostNetwork: true, containers: [{ ports: [{ containerPort: 7880 }, { containerPort: 7881, protocol: 'TCP' }] }] }), ['TCP/7880', 'TCP/7881']);
eq('no hostNetwork, no hostPort: no host ports', hostPortsOf({ containers: [{ ports: [{ containerPort: 8000 }] }] }), []);
console.log(`self-test: ${passed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
