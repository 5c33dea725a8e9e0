// S4: voice agents on AKS (../shared/seeds/003_797196b06c245b2e.txt, "Kubernetes — Where It Fits").
//
// - agent-node: a WorkerPool, 2-50 pods on an HPA that keeps one room per pod (the `livekit_rooms`
//   metric each agent exports, served per pod by the custom metrics API, e.g. prometheus-adapter).
// - landing-page: a WebService, 2-3 replicas (CPU HPA).
// - monitor-node: admin-dashboard WebSockets, 2 replicas: a RealtimeService without UDP.
// - LiveKit: a MediaServer (DaemonSet, hostNetwork) on a dedicated, tainted node pool `media`:
//   7880/TCP signalling through the ingress, 7881/TCP ICE and 50000-60000/UDP on the nodes. Its
//   namespace `livekit` is Pod Security "privileged": hostNetwork and host ports are refused by
//   "baseline" as well as by "restricted". Open 7881/TCP and 50000-60000/UDP on the media pool's
//   NSG; NetworkPolicies are not enforced for hostNetwork pods by most CNIs.
// - PostgreSQL and Redis: Azure managed services behind ExternalName Services (ManagedDependency),
//   secrets from Azure Key Vault through the Secrets Store CSI driver (KeyVaultSecretProviderClass).
// - NetworkPolicies: a default-deny per namespace plus each service's allow list: landing-page and
//   monitor-node from the ingress controller; agent-node out to LiveKit, Redis, PostgreSQL and
//   Azure OpenAI (HTTPS); LiveKit signalling from the ingress controller and the agents, media
//   from anywhere, out to Redis.
//
// Assumptions (not in the seed): two AKS clusters, `aks-eastus-staging` for `staging` and
// `aks-eastus` for `prod` (one cluster cannot hold both: LiveKit's hostNetwork DaemonSet binds host
// ports 7880, 7881 and 50000-60000 on every media node, and both environments use the same
// namespaces and object names, which the synthesizer refuses on one cluster); host
// names under voice.example.com; image names and versions; ports 3000 (landing-page), 8080
// (monitor-node), 8081 (the LiveKit Agents health/metrics server); the media pool's label
// `agentpool: media`, taint `dedicated=media:NoSchedule` and subnet 10.224.0.0/16 (AKS default);
// private-endpoint addresses of PostgreSQL and Redis; the Key Vault name, tenant and identity ids;
// monitor-node reads agent state from Redis.
import { Duration } from 'cdk8s';
import {
  AppSpec, ClusterProvider, DependencyPort, Fleet, KeyVaultSecretProviderClass, ManagedDependency, MediaServer,
  NamespaceIsolation, OwnedNamespace, Peer, RealtimeService, Route, WebService, WorkerPool, WorkerScaling,
} from '../lib';

/** The clusters and environments of the voice-agents platform. */
export const VOICE_FLEET = new Fleet({
  clusters: [
    { name: 'aks-eastus-staging', envs: ['staging'], provider: ClusterProvider.aks() },
    { name: 'aks-eastus', envs: ['prod'], provider: ClusterProvider.aks() },
  ],
});

const NS = 'voice-agents';
const MEDIA_NS = 'livekit';
const TENANT = '00000000-0000-0000-0000-000000000000';
const HOST: Record<string, string> = { staging: 'staging.voice.example.com', prod: 'voice.example.com' };

export const voiceAgents: AppSpec = VOICE_FLEET.app({
  name: 'voice-agents',
  source: 'apps/voice-agents.ts',
  namespace: NS,
  define: (chart, t) => {
    const host = HOST[t.env];
    // voice-agents is owned here (Pod Security "restricted"); livekit by the MediaServer below ("privileged").
    new OwnedNamespace(chart, 'Namespace');
    new NamespaceIsolation(chart, 'Isolation');
    new NamespaceIsolation(chart, 'MediaIsolation', { namespace: MEDIA_NS });

    // ---- managed dependencies and secrets ----
    const postgres = new ManagedDependency(chart, 'Postgres', {
      name: 'postgres',
      externalName: `voice-agents-${t.env}.postgres.database.azure.com`,
      ports: [DependencyPort.postgres()],
      cidrs: ['10.225.1.4/32'],
    });
    const redis = new ManagedDependency(chart, 'Redis', {
      name: 'redis',
      externalName: `voice-agents-${t.env}.redis.cache.windows.net`,
      ports: [DependencyPort.azureRedisTls()],
      cidrs: ['10.225.1.5/32'],
    });
    const vault = { keyVaultName: `voice-agents-${t.env}`, tenantId: TENANT };
    const agentSecrets = new KeyVaultSecretProviderClass(chart, 'AgentSecrets', {
      ...vault,
      name: 'agent-node',
      clientId: '11111111-1111-1111-1111-111111111111',
      serviceAccountName: 'agent-node',
      objects: ['livekit-api-key', 'livekit-api-secret', 'azure-openai-api-key', 'database-url', 'redis-url'].map((name) => ({ name })),
      sync: {
        secretName: 'agent-node-env',
        keys: {
          LIVEKIT_API_KEY: 'livekit-api-key',
          LIVEKIT_API_SECRET: 'livekit-api-secret',
          AZURE_OPENAI_API_KEY: 'azure-openai-api-key',
          DATABASE_URL: 'database-url',
          REDIS_URL: 'redis-url',
        },
      },
    });
    const livekitSecrets = new KeyVaultSecretProviderClass(chart, 'LiveKitSecrets', {
      ...vault,
      name: 'livekit',
      namespace: MEDIA_NS,
      clientId: '22222222-2222-2222-2222-222222222222',
      serviceAccountName: 'livekit',
      // LIVEKIT_KEYS holds "<api key>: <api secret>"; the Redis password goes in as REDIS_PASSWORD.
      objects: [{ name: 'livekit-keys' }, { name: 'redis-password' }],
      sync: { secretName: 'livekit-env', keys: { LIVEKIT_KEYS: 'livekit-keys', REDIS_PASSWORD: 'redis-password' } },
    });

    // ---- LiveKit ----
    const livekit = new MediaServer(chart, 'LiveKit', {
      name: 'livekit',
      namespace: MEDIA_NS,
      image: 'livekit/livekit-server:v1.9.1',
      nodes: {
        nodeSelector: { agentpool: 'media' },
        tolerations: [{ key: 'dedicated', value: 'media', effect: 'NoSchedule' }],
        subnet: '10.224.0.0/16',
      },
      udpPortRange: { start: 50000, end: 60000 },
      redisAddress: `${redis.externalName}:6380`,
      config: { redis: { use_tls: true } },
      secrets: [livekitSecrets.envFrom()],
      routes: {
        controller: t.ingress,
        hosts: [`livekit.${host}`],
        routes: [Route.websocket('/', { idleTimeout: Duration.hours(1) })],
      },
      networkPolicy: {
        signallingFrom: [Peer.pods({ 'app.kubernetes.io/name': 'agent-node' }, NS)],
        allowTo: [redis.egressRule()],
      },
    });

    // ---- agent-node ----
    new WorkerPool(chart, 'AgentNode', {
      name: 'agent-node',
      image: 'ghcr.io/voice-agents/agent-node:1.0.0',
      http: { port: 8081 },
      env: { LIVEKIT_URL: `ws://${livekit.name}.${MEDIA_NS}.svc.cluster.local:${livekit.signallingPort}` },
      secrets: [agentSecrets.envFrom()],
      resources: { cpuRequest: '1', memoryRequest: '1Gi', memoryLimit: '2Gi' },
      scaling: WorkerScaling.hpaPodsMetric({ metric: 'livekit_rooms', averageValue: '1', minReplicas: 2, maxReplicas: 50 }),
      networkPolicy: {
        // Prometheus scrapes the rooms metric the HPA scales on.
        allowFrom: [Peer.namespace('monitoring')],
        allowTo: [
          livekit.clientEgress(),
          redis.egressRule(),
          postgres.egressRule(),
          // Azure OpenAI and other model APIs, over HTTPS, never to private ranges.
          { peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] },
        ],
      },
    });

    // ---- landing-page ----
    new WebService(chart, 'LandingPage', {
      name: 'landing-page',
      image: 'ghcr.io/voice-agents/landing-page:1.0.0',
      http: { port: 3000 },
      autoscaling: { minReplicas: 2, maxReplicas: 3 },
      bootTime: Duration.seconds(30),
      routes: { controller: t.ingress, hosts: [host], routes: [Route.http('/')] },
    });

    // ---- monitor-node ----
    new RealtimeService(chart, 'MonitorNode', {
      name: 'monitor-node',
      image: 'ghcr.io/voice-agents/monitor-node:1.0.0',
      http: { port: 8080 },
      replicas: 2,
      routes: {
        controller: t.ingress,
        hosts: [`monitor.${host}`],
        routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })],
      },
      networkPolicy: { allowTo: [redis.egressRule()] },
    });
  },
});
