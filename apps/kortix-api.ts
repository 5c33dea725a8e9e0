// S5: Kortix suna-api on EKS (../shared/seeds/004_9a13df90bb40f11b.txt, "Kortix EKS Operations Guide").
//
// From the seed, exactly: namespace `suna`; Deployment, Service, HPA, PDB and Ingress all named
// `suna-api`; port 8000; requests 500m / 2Gi, limits 1500m / 3Gi; startup, readiness and liveness
// probes on GET /v1/health-docker (initial delay / period / timeout / failures: 10/10/5/12,
// 15/10/5/3, 30/30/5/3); RollingUpdate maxSurge 1 / maxUnavailable 0; topologySpreadConstraints;
// terminationGracePeriodSeconds 120; HPA 4-15 pods at 70 % CPU, scaling up by 100 % per 60 s after
// 30 s, down by at most 25 % per 60 s after 5 min; PDB minAvailable 50 %; an internet-facing ALB
// (AWS Load Balancer Controller) for api-eks.kortix.com; Secret `suna-env` holding the JSON secret
// `suna-env-prod` of AWS Secrets Manager (us-west-2), loaded as environment variables.
//
// Corrected seed practices:
// - The seed's CI writes `suna-env` with `kubectl create secret ... --dry-run=client | kubectl
//   apply` on every deploy (and by hand from a workflow). Here an ExternalSecret does it: the
//   External Secrets Operator extracts every key of `suna-env-prod` into `suna-env` and re-reads it
//   hourly; no value is ever in git or in CI logs. Pods still read envFrom only at start: after a
//   rotation, `kubectl rollout restart deployment/suna-api -n suna` as before.
// - The seed deploys with `kubectl set image`; here the image is pinned in this file (CI writes the
//   commit SHA it pushed) and Argo CD or `kubectl apply` rolls it out.
// - The namespace `suna` is emitted (Pod Security "restricted") and gets a default-deny NetworkPolicy;
//   suna-api its own allow list.
//
// Assumptions (not in the seed), to confirm before applying:
// - The image tag (an example commit SHA; the seed tags each build `:<commit-sha>`).
// - The ClusterSecretStore `aws-secrets-manager` (provider.aws, service SecretsManager, region
//   us-west-2, IRSA role allowed to read suna-env-prod): cluster set-up, not part of this app.
// - The VPC CIDR 10.0.0.0/16: with target type `ip` the ALB (and its health checks) reach the pods
//   from its addresses in the VPC, so the NetworkPolicy allows the VPC range (`sourceCidrs`).
// - Egress: HTTPS to public addresses only (Supabase, model providers, ...). Redis, Postgres or any
//   other private dependency the app uses must be declared (ManagedDependency + egressRule()).
// - Streaming: the seed names no WebSocket. Agent runs stream their output on plain HTTP (SSE) and
//   can run for minutes, quiet while the agent works, so the ALB idle timeout is one hour (the
//   ALB default of 60 s would cut them), and the one route declares the same timeout. With an idle
//   timeout that long, the app server's keep-alive timeout should exceed it (Gunicorn's default is
//   2 s), or the ALB may reuse a connection the server just closed and answer 502.
// - No certificate ARN is in the seed, so the ALB listens on HTTP 80 (Cloudflare in front): set
//   `certificateArn` for an HTTPS listener.
import { Duration } from 'cdk8s';
import {
  AlbScheme, AppSpec, DisruptionBudget, ExternalSecretSource, IngressController, NamespaceIsolation, OwnedNamespace, Peer, RealtimeService,
  RemoteSecret, Route, SecretStoreRef,
} from '../lib';

/** The seed's numbers, in one place (the test asserts each against the synthesized objects). */
export const KORTIX = {
  namespace: 'suna',
  name: 'suna-api',
  host: 'api-eks.kortix.com',
  image: 'ghcr.io/kortix-ai/suna/suna-backend:3f2a9c1',
  port: 8000,
  healthPath: '/v1/health-docker',
  awsSecret: 'suna-env-prod',
  secretName: 'suna-env',
  vpcCidr: '10.0.0.0/16',
  streamIdle: Duration.hours(1),
} as const;

export const kortixApi: AppSpec = {
  name: 'kortix-api',
  source: 'apps/kortix-api.ts',
  namespace: KORTIX.namespace,
  define: (chart) => {
    new OwnedNamespace(chart, 'Namespace');
    new NamespaceIsolation(chart, 'Isolation');
    const env = new ExternalSecretSource(chart, 'Env', {
      name: KORTIX.secretName,
      store: SecretStoreRef.clusterSecretStore('aws-secrets-manager'),
      data: [RemoteSecret.awsSecretsManagerJson(KORTIX.awsSecret)],
      refreshInterval: Duration.hours(1),
    });
    new RealtimeService(chart, 'Api', {
      name: KORTIX.name,
      image: KORTIX.image,
      http: { port: KORTIX.port, servicePort: KORTIX.port },
      autoscaling: {
        minReplicas: 4,
        maxReplicas: 15,
        cpuUtilization: 70,
        scaleUp: { stabilizationWindow: Duration.seconds(30), policies: [{ type: 'Percent', value: 100, period: Duration.seconds(60) }] },
        scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [{ type: 'Percent', value: 25, period: Duration.seconds(60) }] },
      },
      disruptionBudget: DisruptionBudget.minAvailable('50%'),
      resources: { cpuRequest: '500m', cpuLimit: '1500m', memoryRequest: '2Gi', memoryLimit: '3Gi' },
      probes: {
        path: KORTIX.healthPath,
        startup: { initialDelay: Duration.seconds(10), period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 12 },
        readiness: { initialDelay: Duration.seconds(15), period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 3 },
        // The seed probes the same endpoint for liveness (lint allowlist: pod-probes-identical).
        liveness: { path: KORTIX.healthPath, initialDelay: Duration.seconds(30), period: Duration.seconds(30), timeout: Duration.seconds(5), failureThreshold: 3 },
      },
      // 15 s preStop sleep (out of the ALB's targets first) + 105 s for in-flight agent runs.
      shutdown: { terminationGracePeriod: Duration.seconds(120) },
      routes: {
        controller: IngressController.awsAlb({
          scheme: AlbScheme.INTERNET_FACING,
          idleTimeout: KORTIX.streamIdle,
          healthCheckPath: KORTIX.healthPath,
          sourceCidrs: [KORTIX.vpcCidr],
        }),
        hosts: [KORTIX.host],
        routes: [Route.http('/', { timeout: KORTIX.streamIdle })],
      },
      secrets: [env.envFrom()],
      networkPolicy: {
        allowTo: [{ peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] }],
      },
    });
  },
};
