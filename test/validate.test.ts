// "Fails when" tests of the boundary validator (lib/private/validate.ts): every public construct
// and factory refuses wrong shapes, unknown or misplaced props, values of the wrong kind and
// credentials, with the whole RealtimeConfigError message asserted. Inputs are cast through
// `any`: they are what a plain JavaScript caller (or a cast) passes.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { App, Chart, Duration } from 'cdk8s';
import * as L from '../lib';

const {
  RealtimeService, WebService, WorkerPool, MediaServer, ManagedIngressOverlay, UdpLoadBalancer, Fleet, NamespaceIsolation, ManagedDependency,
  ExternalSecretSource, KeyVaultSecretProviderClass, WorkloadNetworkPolicy, Route, Hop, IngressController, LoadBalancerPreset, RemoteSecret, Peer,
  DisruptionBudget, PreStopHook, UdpRouting, WorkerScaling, SecretStoreRef, ClusterProvider, ArgoCdCluster, ArgoCdApplication, NginxStreamLoadBalancer,
  GatewayUdpRoute, GatewayImplementation, OwnerTls, DependencyPort, traefikStaticConfig, AlbScheme, AlbTargetType, checkObject, argoCdApps,
} = L as any;
const chart = () => new Chart(new App(), 'test', { namespace: 'game' });
const IMAGE = 'ghcr.io/acme/game:1.0.0';
const svc = (p: any) => () => new RealtimeService(chart(), 'Svc', { name: 'game', image: IMAGE, http: { port: 8080 }, ...p });
const kv = () => new KeyVaultSecretProviderClass(chart(), 'Kv', {
  name: 'kv', keyVaultName: 'vault', tenantId: '00000000-0000-0000-0000-000000000000', clientId: '00000000-0000-0000-0000-000000000000',
  serviceAccountName: 'sa', objects: [{ name: 'db-password' }], sync: { secretName: 'kv', keys: { DB: 'db-password' } },
});
const fleet = () => new Fleet({ clusters: [{ name: 'us-central', envs: ['prod'], provider: ClusterProvider.aks() }] });
const web = (p: any) => () => new WebService(chart(), 'Web', { name: 'web', image: IMAGE, http: { port: 8080 }, ...p });

/** The message of the RealtimeConfigError a function throws (any other error fails the test). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof L.RealtimeConfigError) return e.message;
    throw new Error(`expected a RealtimeConfigError, got ${String(e)}`);
  }
  throw new Error('expected a RealtimeConfigError, but nothing was thrown');
}

/** [case, what the caller does, the whole message]. */
const CASES: Array<[string, () => unknown, string]> = [
  ['args string', svc({ args: '--port=8081' }),
    "[test/Svc] RealtimeService 'args' is \"--port=8081\": must be an array of strings. Fix: wrap it in an array: [\"--port=8081\"] (a string would be read one character at a time)"],
  ['args string with spaces', svc({ args: '--port 8081 --verbose' }),
    "[test/Svc] RealtimeService 'args' is \"--port 8081 --verbose\": must be an array of strings. Fix: pass one string per item: [\"--port\",\"8081\",\"--verbose\"] (a string would be read one character at a time)"],
  ['args numbers', svc({ args: ['--port', 8081] }),
    "[test/Svc] RealtimeService 'args[1]' is 8081: must be a string. Fix: pass it as a string: \"8081\""],
  ['unknown prop typo', svc({ replica: 3 }),
    "[test/Svc] RealtimeService 'replica' is 3: must be one of the props of RealtimeServiceProps (name, namespace, image, env, secrets, args, runAsUser, resources, probes, shutdown, bootTime, http, websocket, udp, replicas, autoscaling, disruptionBudget, serviceType, routes, networkPolicy, minReady, spread): an unknown prop would be ignored silently. Fix: did you mean 'replicas'?"],
  ['misplaced prop', svc({ hosts: ['a.example.com'] }),
    "[test/Svc] RealtimeService 'hosts' is [\"a.example.com\"]: must be one of the props of RealtimeServiceProps (name, namespace, image, env, secrets, args, runAsUser, resources, probes, shutdown, bootTime, http, websocket, udp, replicas, autoscaling, disruptionBudget, serviceType, routes, networkPolicy, minReady, spread): an unknown prop would be ignored silently. Fix: move it: 'hosts' belongs in 'routes.hosts'"],
  ['required missing http', () => new RealtimeService(chart(), 'Svc', { name: 'game', image: IMAGE }),
    "[test/Svc] RealtimeService 'http' is not set: must be set (RealtimeServiceProps requires it). Fix: add http: { port: 8080 }"],
  ['misspelt required', () => new RealtimeService(chart(), 'Svc', { name: 'game', imgae: IMAGE, http: { port: 8080 } }),
    "[test/Svc] RealtimeService 'imgae' is \"ghcr.io/acme/game:1.0.0\": must be one of the props of RealtimeServiceProps (name, namespace, image, env, secrets, args, runAsUser, resources, probes, shutdown, bootTime, http, websocket, udp, replicas, autoscaling, disruptionBudget, serviceType, routes, networkPolicy, minReady, spread): an unknown prop would be ignored silently. Fix: did you mean 'image'?"],
  ['props undefined', () => new RealtimeService(chart(), 'Svc', undefined),
    "[test/Svc] RealtimeService 'props' is not set: must be an object (RealtimeServiceProps). Fix: pass an object, e.g. { name: \"my-service\", image: \"registry.example.com/team/app:1.0.0\", http: { port: 8080 } }"],
  ['minReady number', svc({ minReady: 10 }),
    "[test/Svc] RealtimeService 'minReady' is 10: must be a Duration (from cdk8s). Fix: pass Duration.seconds(10) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['minReady string 30s', svc({ minReady: '30s' }),
    "[test/Svc] RealtimeService 'minReady' is \"30s\": must be a Duration (from cdk8s). Fix: pass Duration.seconds(30) (import { Duration } from 'cdk8s')"],
  ['http.port string', svc({ http: { port: '8080' } }),
    "[test/Svc] RealtimeService 'http.port' is \"8080\": must be a whole number. Fix: pass the number 8080 without quotes"],
  ['http number', svc({ http: 8080 }),
    "[test/Svc] RealtimeService 'http' is 8080: must be an object (HttpEndpoint). Fix: pass { port: 8080 }"],
  ['replicas string', svc({ replicas: '3' }),
    "[test/Svc] RealtimeService 'replicas' is \"3\": must be a whole number. Fix: pass the number 3 without quotes"],
  ['replicas float', svc({ replicas: 2.5 }),
    "[test/Svc] RealtimeService 'replicas' is 2.5: must be a whole number. Fix: pass a whole number such as 3"],
  ['spread string', svc({ spread: 'false' }),
    "[test/Svc] RealtimeService 'spread' is \"false\": must be true, false or a Spread. Fix: pass false without quotes"],
  ['serviceType case', svc({ serviceType: 'nodeport' }),
    "[test/Svc] RealtimeService 'serviceType' is \"nodeport\": must be one of HttpServiceType.CLUSTER_IP, HttpServiceType.NODE_PORT. Fix: use HttpServiceType.NODE_PORT (\"NodePort\"; values are case-sensitive)"],
  ['routes.hosts string', svc({ routes: { hosts: 'a.example.com', routes: [Route.http('/api')] } }),
    "[test/Svc] RealtimeService 'routes.hosts' is \"a.example.com\": must be an array of strings. Fix: wrap it in an array: [\"a.example.com\"] (a string would be read one character at a time)"],
  ['routes plain object route', svc({ routes: { hosts: ['a.example.com'], routes: [Route.http('/api'), { path: '/ws', idleTimeout: Duration.hours(1) }] } }),
    "[test/Svc] RealtimeService 'routes.routes[1]' is {\"path\":\"/ws\",\"idleTimeout\":\"Duration.hours(1)\"}: must be a Route made by Route.http(...) or Route.websocket(...). Fix: build it with Route.websocket(\"/ws\"): a plain object is not a Route"],
  ['routes.routes not array', svc({ routes: { hosts: ['a.example.com'], routes: Route.http('/api') } }),
    "[test/Svc] RealtimeService 'routes.routes' is \"Route(\\\"/api\\\")\": must be an array of Route made by Route.http(...) or Route.websocket(...) objects. Fix: wrap it in an array: [ ... ]"],
  ['routes unknown key host', svc({ routes: { host: 'a.example.com', routes: [Route.http('/api')] } }),
    "[test/Svc] RealtimeService 'routes.host' is \"a.example.com\": must be one of the props of RoutesOptions (controller, hosts, routes, tlsSecretName, annotations, hops): an unknown prop would be ignored silently. Fix: did you mean 'routes.hosts'?"],
  ['env credential URL', svc({ env: { REDIS_URL: 'redis://:hunter2@redis.example.com:6379' } }),
    "[test/Svc] RealtimeService 'env[\"REDIS_URL\"]' is \"redis://:***@redis.example.com:6379\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): every string here is committed to dist/ in plain text. Fix: remove the credentials from the URL (\"redis://redis.example.com:6379\") and give the app the password from a Secret through `secrets` (ExternalSecretSource.envFrom or SecretMount.envFromSecret)"],
  ['env AWS key', svc({ env: { AWS_ID: 'AKIAIOSFODNN7EXAMPLE' } }),
    "[test/Svc] RealtimeService 'env[\"AWS_ID\"]' is \"<20 characters, not shown>\": must carry no credential (found an AWS access key id): every string here is committed to dist/ in plain text. Fix: load the value from a Secret through `secrets` (ExternalSecretSource.envFrom, KeyVaultSecretProviderClass or SecretMount.envFromSecret)"],
  ['env conn string', svc({ env: { DB: 'Server=db;Password=s3cretpw;' } }),
    "[test/Svc] RealtimeService 'env[\"DB\"]' is \"Server=db;Password=***;\": must carry no credential (found a credential in a key=value pair (password=, token=, AccountKey=, ...)): every string here is committed to dist/ in plain text. Fix: load the value from a Secret through `secrets` (ExternalSecretSource.envFrom, KeyVaultSecretProviderClass or SecretMount.envFromSecret)"],
  ['udp sourceRanges /33', svc({ udp: { port: 7000, sourceRanges: ['10.0.0.0/33'] } }),
    "[test/Svc] RealtimeService 'udp.sourceRanges[0]' is \"10.0.0.0/33\": must be an IPv4 CIDR such as \"10.0.0.0/16\" (prefix 0 to 32). Fix: use a prefix length from 0 to 32, e.g. \"10.0.0.0/32\""],
  ['udp sourceRanges string', svc({ udp: { port: 7000, sourceRanges: '10.0.0.0/8' } }),
    "[test/Svc] RealtimeService 'udp.sourceRanges' is \"10.0.0.0/8\": must be an array of strings (each an IPv4 CIDR such as \"10.0.0.0/16\" (prefix 0 to 32)). Fix: wrap it in an array: [\"10.0.0.0/8\"] (a string would be read one character at a time)"],
  ['udp preset plain', svc({ udp: { port: 7000, preset: 'aks' } }),
    "[test/Svc] RealtimeService 'udp.preset' is \"aks\": must be a LoadBalancerPreset. Fix: use LoadBalancerPreset.aks(), .eksNlb(), .gke(), .metalLb() or .none()"],
  ['env array', svc({ env: ['A=1'] }),
    "[test/Svc] RealtimeService 'env' is [\"A=1\"]: must be an object of string keys and values, e.g. { \"key\": \"value\" }. Fix: pass an object such as { \"key\": \"value\" } instead of an array"],
  ['env value number', svc({ env: { PORT: 8080 } }),
    "[test/Svc] RealtimeService 'env[\"PORT\"]' is 8080: must be a string. Fix: pass it as a string: \"8080\""],
  ['resources number', svc({ resources: { cpuRequest: 1 } }),
    "[test/Svc] RealtimeService 'resources.cpuRequest' is 1: must be a string. Fix: pass it as a string: \"1\""],
  ['probes.startup.period number', svc({ probes: { startup: { period: 5 } } }),
    "[test/Svc] RealtimeService 'probes.startup.period' is 5: must be a Duration (from cdk8s). Fix: pass Duration.seconds(5) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['shutdown drainTimeout string', svc({ shutdown: { drainTimeout: '2m' } }),
    "[test/Svc] RealtimeService 'shutdown.drainTimeout' is \"2m\": must be a Duration (from cdk8s). Fix: pass Duration.minutes(2) (import { Duration } from 'cdk8s')"],
  ['autoscaling missing max', svc({ autoscaling: { minReplicas: 2 } }),
    "[test/Svc] RealtimeService 'autoscaling.maxReplicas' is not set: must be set (AutoscalingOptions requires it). Fix: add maxReplicas: 10"],
  ['networkPolicy true', svc({ networkPolicy: true }),
    "[test/Svc] RealtimeService 'networkPolicy' is true: must be false or an object (NetworkPolicyOptions). Fix: pass false or an object (NetworkPolicyOptions)"],
  ['secrets string', svc({ secrets: 'app-env' }),
    "[test/Svc] RealtimeService 'secrets' is \"app-env\": must be an array of SecretMount objects. Fix: pass an array of SecretMount objects: use ExternalSecretSource.envFrom(), KeyVaultSecretProviderClass.mount() or SecretMount.envFromSecret(\"name\")"],
  ['disruptionBudget number', svc({ disruptionBudget: 1 }),
    "[test/Svc] RealtimeService 'disruptionBudget' is 1: must be a DisruptionBudget. Fix: use DisruptionBudget.maxUnavailable(1), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()"],
  ['null prop', svc({ websocket: null }),
    "[test/Svc] RealtimeService 'websocket' is null: must be an object (WebSocketEndpoint). Fix: omit the prop (leave it undefined) to get the default, or pass e.g. { port: 8081 }"],
  ['a required prop is null (the fix never says to omit it)', svc({ image: null }),
    "[test/Svc] RealtimeService 'image' is null: must be a string. Fix: pass a value, e.g. \"registry.example.com/team/app:1.0.0\""],
  ['a list holds a null entry', svc({ args: ['--a', null] }),
    "[test/Svc] RealtimeService 'args[1]' is null: must be a string. Fix: remove the null entry"],
  ['a wrong-shaped value carries a password (the message masks it)', svc({ http: 'redis://:hunter2@h:6379' }),
    "[test/Svc] RealtimeService 'http' is \"redis://:***@h:6379\": must be an object (HttpEndpoint). Fix: pass an object, e.g. { port: 8080 }"],
  ['NaN where a string goes (the fix never suggests "NaN")', svc({ name: NaN }),
    "[test/Svc] RealtimeService 'name' is NaN: must be a string. Fix: pass a string such as \"my-service\""],
  ['argoCdApps is given one app name instead of a list', () => argoCdApps({ source: 'apps/argocd.ts', apps: 'mentra-cloud', repoURL: 'https://git.example.com/r.git', targetRevision: 'main' }),
    "[argoCdApps] argoCdApps 'apps' is \"mentra-cloud\": must be an array of objects (AppSpec). Fix: pass an array, e.g. [myApp]"],
  ['argoCdApps is given a repoURL with a token (the fix names the Argo CD repository Secret)', () => argoCdApps({ source: 'apps/argocd.ts', apps: [], repoURL: 'https://bot:glpat-abcdefghijkl@git.example.com/r.git', targetRevision: 'main' }),
    "[argoCdApps] argoCdApps 'repoURL' is \"https://bot:***@git.example.com/r.git\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): every string here is committed to dist/ in plain text. Fix: remove the credentials from the URL (\"https://git.example.com/r.git\") and register them with Argo CD as a repository Secret (argocd.argoproj.io/secret-type: repository)"],
  ['argoCdApps is given repoUrl (case typo)', () => argoCdApps({ source: 'apps/argocd.ts', apps: [], repoUrl: 'https://git.example.com/r.git', targetRevision: 'main' }),
    "[argoCdApps] argoCdApps 'repoUrl' is \"https://git.example.com/r.git\": must be one of the props of ArgoCdAppsProps (name, source, apps, repoURL, targetRevision, distPath, namespace, project, destination, root): an unknown prop would be ignored silently. Fix: did you mean 'repoURL'?"],
  ['a Key Vault mount path is relative', () => kv().mount('secrets/app'),
    "[test/Kv] KeyVaultSecretProviderClass 'path' is \"secrets/app\": must be an absolute container path without \".\" or \"..\" segments or \":\", e.g. \"/mnt/secrets/app\". Fix: use \"/secrets/app\""],
  ['a Key Vault mount path climbs out with ..', () => kv().mount('/mnt/../etc'),
    "[test/Kv] KeyVaultSecretProviderClass 'path' is \"/mnt/../etc\": must be an absolute container path without \".\" or \"..\" segments or \":\", e.g. \"/mnt/secrets/app\". Fix: remove the \".\" / \"..\" segments"],
  ['a Key Vault envFrom path is a number', () => kv().envFrom(42),
    "[test/Kv] KeyVaultSecretProviderClass 'path' is 42: must be a string. Fix: pass it as a string: \"42\""],
  ['Fleet.of is given "cluster/env" as one string', () => fleet().of('us-central/prod'),
    "[Fleet.of] Fleet 'target' is \"us-central/prod\": must be an object (Target). Fix: pass an object, e.g. { cluster: \"us-central\", env: \"prod\" }"],
  ['Fleet.of is given null', () => fleet().of(null),
    "[Fleet.of] Fleet 'target' is null: must be an object (Target). Fix: pass a value, e.g. { cluster: \"us-central\", env: \"prod\" }"],
  ['checkTimeoutBudget is given one Route instead of a list', () => L.checkTimeoutBudget(chart(), 'MyConstruct', Route.websocket('/ws'), [Hop.cloudflare()]),
    "[test] MyConstruct 'routes' is \"Route(\\\"/ws\\\")\": must be an array of Route made by Route.http(...) or Route.websocket(...) objects. Fix: wrap it in an array: [ ... ]"],
  ['checkTimeoutBudget is given a hop name instead of a Hop (the prop follows hopsProp)', () => L.checkTimeoutBudget(chart(), 'MyConstruct', [Route.websocket('/ws')], ['cloudflare'] as any, { hopsProp: 'edge.hops' }),
    "[test] MyConstruct 'edge.hops[0]' is \"cloudflare\": must be a Hop. Fix: use Hop.cloudflare(), Hop.azureLoadBalancer(), Hop.awsAlb(), Hop.nginxStream(), Hop.traefik() or Hop.custom(name, idleTimeout)"],
  ['Route.http timeout number', () => Route.http('/api', { timeout: 30 }),
    "[Route.http] Route 'options.timeout' is 30: must be a Duration (from cdk8s). Fix: pass Duration.seconds(30) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['Route.websocket timeout', () => Route.websocket('/ws', { timeout: Duration.hours(1) }),
    "[Route.websocket] Route 'options.timeout' is \"Duration.hours(1)\": must be one of the props of WebSocketRouteOptions (match, port, connectTimeout, idleTimeout, heartbeatInterval): an unknown prop would be ignored silently. Fix: did you mean 'options.idleTimeout'? A WebSocket route has an idle timeout (timeout is the option of Route.http)"],
  ['Route.websocket null', () => Route.websocket('/ws', null),
    "[Route.websocket] Route 'options' is null: must be an object (WebSocketRouteOptions). Fix: omit the prop (leave it undefined) to get the default, or pass e.g. {}"],
  ['Route.http path number', () => Route.http(42),
    "[Route.http] Route 'path' is 42: must be a string. Fix: pass it as a string: \"42\""],
  ['Route.http match string', () => Route.http('/api', { match: 'prefix' }),
    "[Route.http] Route 'options.match' is \"prefix\": must be one of PathMatch.PREFIX, PathMatch.EXACT. Fix: use PathMatch.PREFIX (\"Prefix\"; values are case-sensitive)"],
  ['Route.http idleTimeout', () => Route.http('/api', { idleTimeout: Duration.hours(1) }),
    "[Route.http] Route 'options.idleTimeout' is \"Duration.hours(1)\": must be one of the props of HttpRouteOptions (match, port, connectTimeout, timeout): an unknown prop would be ignored silently. Fix: use Route.websocket(path, { idleTimeout }) for a WebSocket, or 'timeout' for an HTTP route"],
  ['traefik entryPoints string', () => IngressController.traefik({ entryPoints: 'websecure' }),
    "[IngressController.traefik] IngressController 'props.entryPoints' is \"websecure\": must be an array of strings. Fix: wrap it in an array: [\"websecure\"] (a string would be read one character at a time)"],
  ['traefik timeouts number', () => IngressController.traefik({ entryPointTimeouts: { readTimeout: 0 } }),
    "[IngressController.traefik] IngressController 'props.entryPointTimeouts.readTimeout' is 0: must be a Duration (from cdk8s). Fix: pass Duration.seconds(0) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['awsAlb missing', () => IngressController.awsAlb(),
    "[IngressController.awsAlb] IngressController 'props' is not set: must be set (IngressController.awsAlb requires it). Fix: add props: { idleTimeout: Duration.seconds(3600), scheme: AlbScheme.INTERNET_FACING }"],
  ['awsAlb scheme string', () => IngressController.awsAlb({ idleTimeout: Duration.seconds(60), scheme: 'public' }),
    "[IngressController.awsAlb] IngressController 'props.scheme' is \"public\": must be one of AlbScheme.INTERNET_FACING, AlbScheme.INTERNAL. Fix: use one of AlbScheme.INTERNET_FACING, AlbScheme.INTERNAL"],
  ['gatewayApi gateway string', () => IngressController.gatewayApi({ gateway: 'edge', implementation: GatewayImplementation.envoyGateway() }),
    "[IngressController.gatewayApi] IngressController 'props.gateway' is \"edge\": must be an object (GatewayRef). Fix: pass { name: \"edge\" }"],
  ['nginx typo', () => IngressController.nginx({ classname: 'nginx' }),
    "[IngressController.nginx] IngressController 'props.classname' is \"nginx\": must be one of the props of NginxIngressControllerProps (className, namespace): an unknown prop would be ignored silently. Fix: did you mean 'props.className'?"],
  ['Hop.custom no timeout', () => Hop.custom('proxy'),
    "[Hop.custom] Hop 'idleTimeout' is not set: must be set (Hop.custom requires it). Fix: add idleTimeout: Duration.minutes(10)"],
  ['Hop.awsAlb number', () => Hop.awsAlb(3600),
    "[Hop.awsAlb] Hop 'idleTimeout' is 3600: must be a Duration (from cdk8s). Fix: pass Duration.seconds(3600) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['Hop.traefik typo', () => Hop.traefik({ readTimout: Duration.seconds(0) }),
    "[Hop.traefik] Hop 'options.readTimout' is \"Duration.seconds(0)\": must be one of the props of TraefikHopOptions (readTimeout, idleTimeout): an unknown prop would be ignored silently. Fix: did you mean 'options.readTimeout'?"],
  ['aks preset typo', () => LoadBalancerPreset.aks({ publicIPName: 'pip' }),
    "[LoadBalancerPreset.aks] LoadBalancerPreset 'options.publicIPName' is \"pip\": must be one of the props of AksLoadBalancerOptions (internal, publicIpName, resourceGroup, dnsLabel): an unknown prop would be ignored silently. Fix: did you mean 'options.publicIpName'?"],
  ['metallb ip 300', () => LoadBalancerPreset.metalLb({ loadBalancerIps: ['300.1.2.3'] }),
    "[LoadBalancerPreset.metalLb] LoadBalancerPreset 'options.loadBalancerIps[0]' is \"300.1.2.3\": must be an IPv4 or IPv6 address such as \"203.0.113.10\". Fix: use a valid address (four numbers from 0 to 255), e.g. \"192.168.1.240\""],
  ['metallb ips string', () => LoadBalancerPreset.metalLb({ loadBalancerIps: '192.168.1.240' }),
    "[LoadBalancerPreset.metalLb] LoadBalancerPreset 'options.loadBalancerIps' is \"192.168.1.240\": must be an array of strings (each an IPv4 or IPv6 address such as \"203.0.113.10\"). Fix: wrap it in an array: [\"192.168.1.240\"] (a string would be read one character at a time)"],
  ['eks eip string', () => LoadBalancerPreset.eksNlb({ eipAllocations: 'eipalloc-1' }),
    "[LoadBalancerPreset.eksNlb] LoadBalancerPreset 'options.eipAllocations' is \"eipalloc-1\": must be an array of strings. Fix: wrap it in an array: [\"eipalloc-1\"] (a string would be read one character at a time)"],
  ['UdpRouting timeout number', () => UdpRouting.clientIpAffinity(3600),
    "[UdpRouting.clientIpAffinity] UdpRouting 'timeout' is 3600: must be a Duration (from cdk8s). Fix: pass Duration.seconds(3600) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['Peer.cidr except string', () => Peer.cidr('10.0.0.0/8', '10.1.0.0/16'),
    "[Peer.cidr] Peer 'except' is \"10.1.0.0/16\": must be an array of strings. Fix: wrap it in an array: [\"10.1.0.0/16\"] (a string would be read one character at a time)"],
  ['Peer.pods labels string', () => Peer.pods('app=x'),
    "[Peer.pods] Peer 'labels' is \"app=x\": must be an object of string keys and values, e.g. { \"key\": \"value\" }. Fix: pass an object such as { \"key\": \"value\" }"],
  ['DisruptionBudget bool', () => DisruptionBudget.maxUnavailable(true),
    "[DisruptionBudget.maxUnavailable] DisruptionBudget 'value' is true: must be a whole number or a percentage such as \"50%\". Fix: pass a whole number or a percentage such as \"50%\""],
  ['PreStopHook.sleep number', () => PreStopHook.sleep(15),
    "[PreStopHook.sleep] PreStopHook 'delay' is 15: must be a Duration (from cdk8s). Fix: pass Duration.seconds(15) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['PreStopHook.exec string', () => PreStopHook.exec('/bin/sleep 15', Duration.seconds(15)),
    "[PreStopHook.exec] PreStopHook 'command' is \"/bin/sleep 15\": must be an array of strings. Fix: pass one string per item: [\"/bin/sleep\",\"15\"] (a string would be read one character at a time)"],
  ['WorkerScaling.fixed string', () => WorkerScaling.fixed('2'),
    "[WorkerScaling.fixed] WorkerScaling 'replicas' is \"2\": must be a whole number. Fix: pass the number 2 without quotes"],
  ['WorkerScaling.keda triggers obj', () => WorkerScaling.keda({ minReplicas: 1, maxReplicas: 3, triggers: { type: 'cron' } }),
    "[WorkerScaling.keda] WorkerScaling 'options.triggers' is {\"type\":\"cron\"}: must be an array of objects (KedaTrigger). Fix: wrap it in an array: [ ... ]"],
  ['RemoteSecret props array', () => RemoteSecret.awsSecretsManagerProperties('prod/db', ['a']),
    "[RemoteSecret.awsSecretsManagerProperties] RemoteSecret 'properties' is [\"a\"]: must be an object of string keys and values, e.g. { \"key\": \"value\" }. Fix: pass an object such as { \"key\": \"value\" } instead of an array"],
  ['SecretStoreRef number', () => SecretStoreRef.clusterSecretStore(1),
    "[SecretStoreRef.clusterSecretStore] SecretStoreRef 'name' is 1: must be a string. Fix: pass it as a string: \"1\""],
  ['ArgoCdCluster.named spaces', () => ArgoCdCluster.named('us central'),
    "[ArgoCdCluster.named] ArgoCdCluster 'name' is \"us central\": must be a non-empty name without spaces or control characters. Fix: remove the spaces, e.g. \"us-central\""],
  ['ArgoCdCluster.server not url', () => ArgoCdCluster.server('kubernetes.default.svc'),
    "[ArgoCdCluster.server] ArgoCdCluster 'url' is \"kubernetes.default.svc\": must be an absolute URL with a scheme and a host, such as \"https://example.com/path\", without spaces. Fix: add the scheme, e.g. \"https://kubernetes.default.svc\""],
  ['ArgoCdCluster.server spaces', () => ArgoCdCluster.server('https://my cluster'),
    "[ArgoCdCluster.server] ArgoCdCluster 'url' is \"https://my cluster\": must be an absolute URL with a scheme and a host, such as \"https://example.com/path\", without spaces. Fix: remove the spaces (percent-encode them as %20 inside a path)"],
  ['ClusterProvider.other empty', () => ClusterProvider.other(''),
    "[ClusterProvider.other] ClusterProvider 'name' is \"\": must be a non-empty name without spaces or control characters. Fix: pass a value such as \"k3s\""],
  ['OwnerTls.secret spaces', () => OwnerTls.secret('my cert'),
    "[OwnerTls.secret] OwnerTls 'secretName' is \"my cert\": must be a DNS name (lowercase letters, digits, \"-\" and \".\", at most 253 characters). Fix: use e.g. \"my-cert\""],
  ['DependencyPort.tcp string port', () => DependencyPort.tcp('amqp', '5672'),
    "[DependencyPort.tcp] DependencyPort 'port' is \"5672\": must be a whole number. Fix: pass the number 5672 without quotes"],
  ['traefikStaticConfig typo', () => traefikStaticConfig({ entrypointTimeouts: {} }),
    "[traefikStaticConfig] traefikStaticConfig 'props.entrypointTimeouts' is {}: must be one of the props of TraefikStaticConfigProps (entryPointTimeouts, pingEntryPoint): an unknown prop would be ignored silently. Fix: did you mean 'props.entryPointTimeouts'?"],
  ['traefikStaticConfig ping', () => traefikStaticConfig({ pingEntryPoint: 'admin' }),
    "[traefikStaticConfig] traefikStaticConfig 'props.pingEntryPoint' is \"admin\": must be one of \"web\", \"websecure\". Fix: use one of \"web\", \"websecure\""],
  ['Fleet clusters object', () => new Fleet({ clusters: { name: 'a', envs: ['prod'], provider: ClusterProvider.aks() } }),
    "[Fleet] Fleet 'clusters' is {\"name\":\"a\",\"envs\":[\"prod\"],\"provider\":\"ClusterProvider(\\\"aks\\\")\"}: must be an array of objects (FleetCluster). Fix: wrap it in an array: [ ... ]"],
  ['Fleet envs string', () => new Fleet({ clusters: [{ name: 'a', envs: 'prod', provider: ClusterProvider.aks() }] }),
    "[Fleet] Fleet 'clusters[0].envs' is \"prod\": must be an array of strings. Fix: wrap it in an array: [\"prod\"] (a string would be read one character at a time)"],
  ['Fleet provider string', () => new Fleet({ clusters: [{ name: 'a', envs: ['prod'], provider: 'aks' }] }),
    "[Fleet] Fleet 'clusters[0].provider' is \"aks\": must be a ClusterProvider. Fix: use ClusterProvider.aks(), .eks(), .gke(), .metalLb() or .other(\"name\")"],
  ['Fleet no props', () => new Fleet(),
    "[Fleet] Fleet 'props' is not set: must be an object (FleetProps). Fix: pass an object, e.g. { clusters: [{ name: \"us-central\", envs: [\"prod\"], provider: ClusterProvider.aks() }] }"],
  ['NamespaceIsolation typo', () => new NamespaceIsolation(chart(), 'Iso', { namespaces: 'game' }),
    "[test/Iso] NamespaceIsolation 'namespaces' is \"game\": must be one of the props of NamespaceIsolationProps (namespace, name, labels): an unknown prop would be ignored silently. Fix: did you mean 'namespace'?"],
  ['ManagedDependency ports number', () => new ManagedDependency(chart(), 'Pg', { name: 'pg', externalName: 'db.example.com', ports: 5432, cidrs: ['10.0.0.0/24'] }),
    "[test/Pg] ManagedDependency 'ports' is 5432: must be an array of DependencyPort objects. Fix: pass an array of DependencyPort objects: use DependencyPort.postgres(), .mysql(), .redis(), .azureRedisTls() or .tcp(name, port)"],
  ['ManagedDependency cidrs string', () => new ManagedDependency(chart(), 'Pg', { name: 'pg', externalName: 'db.example.com', ports: [DependencyPort.postgres()], cidrs: '10.0.0.0/24' }),
    "[test/Pg] ManagedDependency 'cidrs' is \"10.0.0.0/24\": must be an array of strings. Fix: wrap it in an array: [\"10.0.0.0/24\"] (a string would be read one character at a time)"],
  ['ExternalSecretSource data obj', () => new ExternalSecretSource(chart(), 'Env', { name: 'env', store: SecretStoreRef.clusterSecretStore('aws'), data: RemoteSecret.awsSecretsManagerJson('app/prod') }),
    "[test/Env] ExternalSecretSource 'data' is \"RemoteSecret()\": must be an array of RemoteSecret objects. Fix: wrap it in an array: [ ... ]"],
  ['ExternalSecretSource store string', () => new ExternalSecretSource(chart(), 'Env', { name: 'env', store: 'aws', data: [RemoteSecret.awsSecretsManagerJson('app/prod')] }),
    "[test/Env] ExternalSecretSource 'store' is \"aws\": must be a SecretStoreRef. Fix: use SecretStoreRef.secretStore(\"name\") or SecretStoreRef.clusterSecretStore(\"name\")"],
  ['KeyVault objects strings', () => new KeyVaultSecretProviderClass(chart(), 'Kv', { name: 'kv', keyVaultName: 'v', tenantId: 't', clientId: 'c', serviceAccountName: 'sa', objects: ['db-password'] }),
    "[test/Kv] KeyVaultSecretProviderClass 'objects[0]' is \"db-password\": must be an object (KeyVaultObject). Fix: pass { name: \"db-password\" }"],
  ['WorkloadNetworkPolicy ingress obj', () => new WorkloadNetworkPolicy(chart(), 'Np', { name: 'np', podSelector: { a: 'b' }, ingress: { peers: [] }, egress: [] }),
    "[test/Np] WorkloadNetworkPolicy 'ingress' is {\"peers\":[]}: must be an array of objects (PolicyRule). Fix: wrap it in an array: [ ... ]"],
  ['UdpLoadBalancer ports numbers', () => new UdpLoadBalancer(chart(), 'Udp', { name: 'u', selector: { a: 'b' }, ports: [7000] }),
    "[test/Udp] UdpLoadBalancer 'ports[0]' is 7000: must be an object (UdpPort). Fix: pass { port: 7000 }"],
  ['Overlay routes plain', () => new ManagedIngressOverlay(chart(), 'Ov', { name: 'ov', owner: { ingressName: 'o', serviceName: 'o', servicePort: 80 }, hosts: ['a.example.com'], routes: [{ path: '/ws' }] }),
    "[test/Ov] ManagedIngressOverlay 'routes[0]' is {\"path\":\"/ws\"}: must be a Route made by Route.http(...) or Route.websocket(...). Fix: build it with Route.websocket(\"/ws\"): a plain object is not a Route"],
  ['Overlay owner missing', () => new ManagedIngressOverlay(chart(), 'Ov', { name: 'ov', hosts: ['a.example.com'], routes: [Route.websocket('/ws')] }),
    "[test/Ov] ManagedIngressOverlay 'owner' is not set: must be set (ManagedIngressOverlayProps requires it). Fix: add owner: { ingressName: \"cloud-prod-cloud\", serviceName: \"cloud-prod-cloud\", servicePort: 80 }"],
  ['MediaServer nodes string', () => new MediaServer(chart(), 'Media', { name: 'livekit', image: IMAGE, nodes: 'media' }),
    "[test/Media] MediaServer 'nodes' is \"media\": must be an object (DedicatedNodes). Fix: pass an object, e.g. { nodeSelector: { agentpool: \"media\" } }"],
  ['MediaServer redis creds', () => new MediaServer(chart(), 'Media', { name: 'livekit', image: IMAGE, nodes: { nodeSelector: { agentpool: 'media' } }, redisAddress: 'redis://:p4ssw0rd@redis:6379', namespaceObject: false }),
    "[test/Media] MediaServer 'redisAddress' is \"redis://:***@redis:6379\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): every string here is committed to dist/ in plain text. Fix: remove the credentials from the URL (\"redis://redis:6379\") and give the app the password from a Secret through `secrets` (ExternalSecretSource.envFrom or SecretMount.envFromSecret)"],
  ['MediaServer config creds', () => new MediaServer(chart(), 'Media', { name: 'livekit', image: IMAGE, nodes: { nodeSelector: { agentpool: 'media' } }, config: { webhook: { urls: ['https://user:pw@hooks.example.com/x'] } }, namespaceObject: false }),
    "[test/Media] MediaServer 'config[\"webhook\"].urls[0]' is \"https://user:***@hooks.example.com/x\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): every string here is committed to dist/ in plain text. Fix: remove the credentials from the URL (\"https://hooks.example.com/x\") and give the app the password from a Secret through `secrets` (ExternalSecretSource.envFrom or SecretMount.envFromSecret)"],
  ['MediaServer subnet /33', () => new MediaServer(chart(), 'Media', { name: 'livekit', image: IMAGE, nodes: { nodeSelector: { agentpool: 'media' }, subnet: '10.0.0.0/33' }, namespaceObject: false }),
    "[test/Media] MediaServer 'nodes.subnet' is \"10.0.0.0/33\": must be an IPv4 CIDR such as \"10.0.0.0/16\" (prefix 0 to 32). Fix: use a prefix length from 0 to 32, e.g. \"10.0.0.0/32\""],
  ['WorkerPool scaling number', () => new WorkerPool(chart(), 'Pool', { name: 'pool', image: IMAGE, http: { port: 8080 }, scaling: 3 }),
    "[test/Pool] WorkerPool 'scaling' is 3: must be a WorkerScaling. Fix: use WorkerScaling.fixed(n), .hpaPodsMetric({...}), .hpaExternalMetric({...}) or .keda({...})"],
  ['WebService routes array', web({ routes: [Route.http('/')] }),
    "[test/Web] WebService 'routes' is [\"Route(\\\"/\\\")\"]: must be an object (RoutesOptions). Fix: pass an object, e.g. { hosts: [\"api.example.com\"], routes: [Route.http(\"/api\"), Route.websocket(\"/ws\")] }"],
  ['NginxStream servers string', () => new NginxStreamLoadBalancer(chart(), 'L4', { servers: '10.0.0.1', routes: [Route.websocket('/ws')], proxyTimeout: Duration.hours(1) }),
    "[test/L4] NginxStreamLoadBalancer 'servers' is \"10.0.0.1\": must be an array of objects (L4Server). Fix: pass an array, e.g. [{ name: \"cluster-a\", address: \"10.0.0.10\" }]"],
  ['NginxStream timeout number', () => new NginxStreamLoadBalancer(chart(), 'L4', { servers: [{ name: 'a', address: '10.0.0.1' }], routes: [Route.websocket('/ws')], proxyTimeout: 3600 }),
    "[test/L4] NginxStreamLoadBalancer 'proxyTimeout' is 3600: must be a Duration (from cdk8s). Fix: pass Duration.seconds(3600) if you meant seconds (import { Duration } from 'cdk8s'); a bare number has no unit"],
  ['GatewayUdpRoute port string', () => new GatewayUdpRoute(chart(), 'U', { name: 'u', gateway: { name: 'edge', sectionName: 'udp' }, implementation: GatewayImplementation.envoyGateway(), serviceName: 'game-udp', port: '7777' }),
    "[test/U] GatewayUdpRoute 'port' is \"7777\": must be a whole number. Fix: pass the number 7777 without quotes"],
  ['ArgoCdApplication repo creds', () => new ArgoCdApplication(chart(), 'App', { name: 'a', repoURL: 'https://deploy:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git', targetRevision: 'main', path: 'dist/a', destination: ArgoCdCluster.inCluster() }),
    "[test/App] ArgoCdApplication 'repoURL' is \"https://deploy:***@github.com/o/r.git\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): every string here is committed to dist/ in plain text. Fix: remove the credentials from the URL (\"https://github.com/o/r.git\") and register them with Argo CD as a repository Secret (argocd.argoproj.io/secret-type: repository)"],
  ['ArgoCdApplication destination string', () => new ArgoCdApplication(chart(), 'App', { name: 'a', repoURL: 'https://github.com/o/r.git', targetRevision: 'main', path: 'dist/a', destination: 'in-cluster' }),
    "[test/App] ArgoCdApplication 'destination' is \"in-cluster\": must be an ArgoCdCluster. Fix: use ArgoCdCluster.named(\"name\"), ArgoCdCluster.server(\"https://...\") or ArgoCdCluster.inCluster()"],
];

const alb = (o: any = {}) => IngressController.awsAlb({ idleTimeout: Duration.seconds(3600), scheme: AlbScheme.INTERNET_FACING, sourceCidrs: ['10.0.0.0/16'], ...o });
const webIn = (c: Chart, id: string, controller: any, host: string) => new WebService(c, id, { name: id.toLowerCase(), image: IMAGE, http: { port: 8080 }, routes: { controller, hosts: [host], routes: [Route.http('/')] } });
const ann = (annotations: Record<string, string>) => svc({ routes: { hosts: ['a.example.com'], routes: [Route.http('/api')], annotations } });
/** Throws the problems the synthesizer's object rules find (as the synthesizer does). */
const synthRules = (json: any) => () => {
  const found = checkObject({ path: 'app/Obj', json });
  if (found.length) throw new L.RealtimeConfigError(found);
};
const udpPorts = (n: number) => () => new UdpLoadBalancer(chart(), 'Udp', { name: 'media', selector: { 'app.kubernetes.io/name': 'media' }, ports: Array.from({ length: n }, (_, i) => ({ name: `p${i}`, port: 50000 + i })) });
const media = (namespace: string, extra: any = {}) => () => new MediaServer(new Chart(new App(), 'test', { namespace }), 'Media', { name: 'livekit', image: IMAGE, nodes: { nodeSelector: { agentpool: 'media' } }, ...extra });
/** Per-controller rules, namespaces we do not own, limits, annotation values, credentials in synthesized objects. */
const CASES2: Array<[string, () => unknown, string]> = [
  ['an ALB with instance targets points at a ClusterIP Service', svc({ routes: { controller: alb({ targetType: AlbTargetType.INSTANCE }), hosts: ['a.example.com'], routes: [Route.http('/')] } }),
    "[test/Svc] RealtimeService 'routes.controller.targetType' is \"instance\": must be AlbTargetType.IP while the Service is ClusterIP: instance targets reach pods through a NodePort on every node, and a ClusterIP Service has none, so the ALB would register no targets. Fix: set serviceType: HttpServiceType.NODE_PORT, or use AlbTargetType.IP (pod IPs, no extra hop)"],
  ['a MediaServer routes through an ALB with instance targets (its Service is always ClusterIP)', media('livekit', { routes: { controller: alb({ targetType: AlbTargetType.INSTANCE }), hosts: ['a.example.com'], routes: [Route.websocket('/')] } }),
    "[test/Media] MediaServer 'routes.controller.targetType' is \"instance\": must be AlbTargetType.IP while the Service is ClusterIP: instance targets reach pods through a NodePort on every node, and a ClusterIP Service has none, so the ALB would register no targets. Fix: use AlbTargetType.IP (pod IPs)"],
  ['two Ingresses of one ALB group disagree on the idle timeout', () => { const c = chart(); webIn(c, 'A', alb({ groupName: 'shared' }), 'a.example.com'); webIn(c, 'B', alb({ groupName: 'shared', idleTimeout: Duration.seconds(60) }), 'b.example.com'); },
    "[test/B] WebService 'routes.controller.idleTimeout' is \"Duration.seconds(60)\": must be the same on every Ingress of ALB group \"shared\" (test/A has Duration.seconds(3600)): the Ingresses of a group share one load balancer, and the controller refuses a group whose idleTimeout differs. Fix: set idleTimeout: Duration.seconds(3600) here too, or put this Ingress in another groupName"],
  ['two Ingresses of one ALB group disagree on the scheme', () => { const c = chart(); webIn(c, 'A', alb({ groupName: 'shared' }), 'a.example.com'); webIn(c, 'B', alb({ groupName: 'shared', scheme: AlbScheme.INTERNAL }), 'b.example.com'); },
    "[test/B] WebService 'routes.controller.scheme' is \"AlbScheme.INTERNAL\": must be the same on every Ingress of ALB group \"shared\" (test/A has AlbScheme.INTERNET_FACING): the Ingresses of a group share one load balancer, and the controller refuses a group whose scheme differs. Fix: set scheme: AlbScheme.INTERNET_FACING here too, or put this Ingress in another groupName"],
  ['two Ingresses of one ALB group disagree on the ingress class', () => { const c = chart(); webIn(c, 'A', alb({ groupName: 'shared' }), 'a.example.com'); webIn(c, 'B', alb({ groupName: 'shared', className: 'alb-internal' }), 'b.example.com'); },
    "[test/B] WebService 'routes.controller.className' is \"alb-internal\": must be the same on every Ingress of ALB group \"shared\" (test/A has \"alb\"): the Ingresses of a group share one load balancer, and the controller refuses a group whose className differs. Fix: set className: \"alb\" here too, or put this Ingress in another groupName"],
  ['the Traefik static config is given a timeout the controller refuses (1.5 s, which it would round)', () => traefikStaticConfig({ entryPointTimeouts: { readTimeout: Duration.millis(1500) } }),
    "[traefikStaticConfig] traefikStaticConfig 'entryPointTimeouts.readTimeout' is \"1500ms\": must be a whole number of seconds (0 disables it), as IngressController.traefik({ entryPointTimeouts }) requires: a rounded value would not be the one the routes were checked against. Fix: use Duration.seconds(2) here and in IngressController.traefik({ entryPointTimeouts })"],
  ['the Traefik static config is given an idle timeout in milliseconds', () => traefikStaticConfig({ entryPointTimeouts: { idleTimeout: Duration.millis(180500) } }),
    "[traefikStaticConfig] traefikStaticConfig 'entryPointTimeouts.idleTimeout' is \"180500ms\": must be a whole number of seconds (0 disables it), as IngressController.traefik({ entryPointTimeouts }) requires: a rounded value would not be the one the routes were checked against. Fix: use Duration.seconds(181) here and in IngressController.traefik({ entryPointTimeouts })"],
  ['a UDP LoadBalancer lists 10,001 explicit ports (a range in disguise)', udpPorts(10001),
    "[test/Udp] UdpLoadBalancer 'ports' is \"10001 ports (50000-60000)\": must list at most 50 ports: each is a listener on the cloud load balancer (an AWS NLB has at most 50), so a port range spelled out port by port is refused like a range (a Service cannot expose one, kubernetes/enhancements#6220). Fix: use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port"],
  ['a UDP LoadBalancer lists 51 ports', udpPorts(51),
    "[test/Udp] UdpLoadBalancer 'ports' is \"51 ports (50000-50050)\": must list at most 50 ports: each is a listener on the cloud load balancer (an AWS NLB has at most 50), so a port range spelled out port by port is refused like a range (a Service cannot expose one, kubernetes/enhancements#6220). Fix: use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port"],
  ['a whitelist-source-range holds a /33', ann({ 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,10.0.0.0/33' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/whitelist-source-range\"]' is \"10.0.0.0/8,10.0.0.0/33\": must be a comma-separated list of CIDRs such as \"10.0.0.0/8,203.0.113.0/24\": ingress-nginx ignores a value it cannot parse and keeps its default. Fix: correct or remove \"10.0.0.0/33\" (an IPv4 CIDR has four numbers from 0 to 255 and a prefix from 0 to 32, e.g. \"203.0.113.0/24\")"],
  ['a denylist-source-range holds 300.1.2.3', ann({ 'nginx.ingress.kubernetes.io/denylist-source-range': '300.1.2.3' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/denylist-source-range\"]' is \"300.1.2.3\": must be a comma-separated list of CIDRs such as \"10.0.0.0/8,203.0.113.0/24\": ingress-nginx ignores a value it cannot parse and keeps its default. Fix: correct or remove \"300.1.2.3\" (an IPv4 CIDR has four numbers from 0 to 255 and a prefix from 0 to 32, e.g. \"203.0.113.0/24\")"],
  ['proxy-body-size is written "8 MB"', ann({ 'nginx.ingress.kubernetes.io/proxy-body-size': '8 MB' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/proxy-body-size\"]' is \"8 MB\": must be an nginx size such as \"8m\" (a number with an optional k, m or g, no space): ingress-nginx ignores a value it cannot parse and keeps its default. Fix: write \"8m\""],
  ['limit-rps is not a whole number', ann({ 'nginx.ingress.kubernetes.io/limit-rps': '2.5' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/limit-rps\"]' is \"2.5\": must be a whole number of requests per second: ingress-nginx ignores a value it cannot parse and keeps its default. Fix: write \"3\""],
  ['ssl-redirect is "yes"', ann({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'yes' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/ssl-redirect\"]' is \"yes\": must be \"true\" or \"false\": ingress-nginx ignores a value it cannot parse and keeps its default. Fix: write \"true\""],
  ['backend-protocol is lowercase', ann({ 'nginx.ingress.kubernetes.io/backend-protocol': 'https' }),
    "[test/Svc] RealtimeService 'routes.annotations[\"nginx.ingress.kubernetes.io/backend-protocol\"]' is \"https\": must be one of HTTP, HTTPS, GRPC, GRPCS, FCGI, AUTO_HTTP: ingress-nginx ignores a value it cannot parse and keeps its default. Fix: write \"HTTPS\" (values are case-sensitive)"],
  ['a MediaServer in default writes a privileged Namespace default', media('default'),
    "[test/Media] MediaServer 'namespace' is \"default\": must be a namespace of its own, not \"default\" or \"kube-*\": hostNetwork needs Pod Security \"privileged\", and this construct would emit that Namespace object, taking over a namespace the cluster owns. Fix: use a dedicated namespace such as \"livekit\" (put nothing else in it), or set namespaceObject: false if \"default\" is already labelled privileged by its owner"],
  ['a MediaServer in kube-system writes a Namespace object', media('kube-system'),
    "[test/Media] MediaServer 'namespace' is \"kube-system\": must be a namespace of its own, not \"default\" or \"kube-*\": hostNetwork needs Pod Security \"privileged\", and this construct would emit that Namespace object, taking over a namespace the cluster owns. Fix: use a dedicated namespace such as \"livekit\" (put nothing else in it), or set namespaceObject: false if \"kube-system\" is already labelled privileged by its owner"],
  ['a synthesized object sits in kube-public and carries a URL password', synthRules({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-public' }, data: { url: 'postgres://app:pw123@db:5432/app' } }),
    "[app/Obj] ConfigMap kube-public/x 'metadata.namespace' is \"kube-public\": must not be a kube-* namespace: those belong to the cluster and its add-ons. Fix: deploy into a namespace of your own\n[app/Obj] ConfigMap kube-public/x 'data.url' is \"postgres://app:***@db:5432/app\": must carry no credential (found a password in the URL's userinfo (scheme://user:password@host)): dist/ is committed in plain text. Fix: load the value from a Secret (ExternalSecretSource, KeyVaultSecretProviderClass or SecretMount.envFromSecret)"],
  ['a synthesized annotation carries a GitHub token', synthRules({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'game', annotations: { 'example.com/token': 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } } }),
    "[app/Obj] ConfigMap game/x 'metadata.annotations[\"example.com/token\"]' is \"<40 characters, not shown>\": must carry no credential (found a GitHub token): dist/ is committed in plain text. Fix: load the value from a Secret (ExternalSecretSource, KeyVaultSecretProviderClass or SecretMount.envFromSecret)"],
  ['a route host is the mistyped IP 300.1.2.3', svc({ routes: { hosts: ['300.1.2.3'], routes: [Route.http('/')] } }),
    "[test/Svc] RealtimeService 'routes.hosts[0]' is \"300.1.2.3\": must be a DNS name (a DNS-1123 subdomain, or \"*.\" followed by one), not an IP address. Fix: use the public host name, e.g. \"api.example.com\""],
  ['an ExternalName is the mistyped IP 300.1.2.3', () => new ManagedDependency(chart(), 'Pg', { name: 'pg', externalName: '300.1.2.3', ports: [DependencyPort.postgres()], cidrs: ['10.0.0.0/24'] }),
    "[test/Pg] ManagedDependency 'externalName' is \"300.1.2.3\": must be a DNS host name: it looks like an IPv4 address but is not one (each number must be 0 to 255), and no top-level domain is numeric. Fix: use the provider's host name, and put its address range in `cidrs`"],
  ['an owner path of an overlay has a space', () => new ManagedIngressOverlay(chart(), 'Ov', { name: 'ov', owner: { ingressName: 'own', serviceName: 'own', servicePort: 80, paths: ['/api v2'] }, hosts: ['a.example.com'], routes: [Route.websocket('/ws')] }),
    "[test/Ov] ManagedIngressOverlay 'owner.paths[0]' is \"/api v2\": must contain only letters, digits, \".\", \"_\", \"-\" and \"/\" (ingress-nginx strict path validation). Fix: copy the paths from the owner's Ingress, e.g. \"/\""],
  ['the TLS secret name is empty (it would silently drop TLS)', svc({ routes: { hosts: ['a.example.com'], routes: [Route.http('/')], tlsSecretName: '' } }),
    "[test/Svc] RealtimeService 'routes.tlsSecretName' is \"\": must be a non-empty name without spaces or control characters. Fix: pass a value such as \"api-example-com-tls\""],
  ['the Redis address is a URL', media('livekit', { redisAddress: 'rediss://redis.example.com:6380' }),
    "[test/Media] MediaServer 'redisAddress' is \"rediss://redis.example.com:6380\": must be host:port without a scheme (LiveKit reads redis.address as an address, not a URL). Fix: use \"redis.example.com:6380\"; turn TLS on with config.redis.use_tls"],
  ['the Redis address is the mistyped IP 300.1.2.3', media('livekit', { redisAddress: '300.1.2.3:6379' }),
    "[test/Media] MediaServer 'redisAddress' is \"300.1.2.3:6379\": must be host:port with a DNS name or an IP address (each number of an IPv4 address from 0 to 255), e.g. \"redis.livekit.svc.cluster.local:6379\". Fix: correct the address"],
  ['the Redis address has port 70000', media('livekit', { redisAddress: 'redis.example.com:70000' }),
    "[test/Media] MediaServer 'redisAddress' is \"redis.example.com:70000\": must have a port from 1 to 65535. Fix: use \"redis.example.com:6379\""],
];

describe('the boundary validator', () => {
  test.each(CASES)('fails when %s', (_name, fn, message) => {
    expect(messageOf(fn)).toBe(message);
  });

  test('lists every case once', () => {
    expect(new Set([...CASES, ...CASES2].map(([name]) => name)).size).toBe(CASES.length + CASES2.length);
  });
});

describe('per-controller rules, ownership, limits and annotation values', () => {
  test.each(CASES2)('fails when %s', (_name, fn, message) => {
    expect(messageOf(fn)).toBe(message);
  });

  // Negative controls: the inputs next to each refusal that must still be accepted.
  test('accepts an ALB with instance targets on a NodePort Service, and one ALB group whose Ingresses agree', () => {
    expect(() => svc({ serviceType: L.HttpServiceType.NODE_PORT, routes: { controller: alb({ targetType: AlbTargetType.INSTANCE }), hosts: ['a.example.com'], routes: [Route.http('/')] } })()).not.toThrow();
    const c = chart();
    webIn(c, 'A', alb({ groupName: 'shared' }), 'a.example.com');
    webIn(c, 'B', alb({ groupName: 'shared' }), 'b.example.com');
    expect(c.toJson().filter((o: any) => o.kind === 'Ingress').map((o: any) => o.metadata.annotations['alb.ingress.kubernetes.io/group.name'])).toEqual(['shared', 'shared']);
  });

  test('renders a wildcard host as a HostRegexp for Traefik (Host(`*.example.com`) matches nothing before v3.8), one DNS label deep', () => {
    const c = chart();
    new RealtimeService(c, 'Svc', { name: 'game', image: IMAGE, http: { port: 8080 }, routes: { controller: IngressController.traefik(), hosts: ['*.example.com', 'example.com'], routes: [Route.http('/api')] } });
    const match = c.toJson().find((o: any) => o.kind === 'IngressRoute').spec.routes[0].match;
    expect(match).toBe('(HostRegexp(`(?i)^[^.]+\\.example\\.com$`) || Host(`example.com`)) && (Path(`/api`) || PathPrefix(`/api/`))');
    const re = new RegExp(/HostRegexp\(`\(\?i\)([^`]*)`\)/.exec(match)![1], 'i');
    expect(['a.example.com', 'API.Example.com'].map((h) => re.test(h))).toEqual([true, true]);
    expect(['example.com', 'a.b.example.com', 'aexample.com'].map((h) => re.test(h))).toEqual([false, false, false]);
  });

  test('the Traefik static config writes whole seconds as given, never rounded', () => {
    const toml = traefikStaticConfig({ entryPointTimeouts: { readTimeout: Duration.seconds(0), idleTimeout: Duration.hours(1) } });
    expect(toml.split('\n').filter((l: string) => /Timeout =/.test(l))).toEqual(['    readTimeout = "0s"', '    idleTimeout = "3600s"']);
  });

  test('accepts 50 explicit UDP ports, well-formed annotation values and a MediaServer in its own namespace', () => {
    expect(() => udpPorts(50)()).not.toThrow();
    expect(() => ann({ 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8, 203.0.113.7', 'nginx.ingress.kubernetes.io/proxy-body-size': '8m', 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' })()).not.toThrow();
    expect(() => media('livekit')()).not.toThrow();
    expect(() => media('default', { namespaceObject: false })()).not.toThrow();
  });

  test('accepts URLs without a password and ordinary config strings', () => {
    expect(() => svc({ env: { REPO: 'ssh://git@github.com/o/r.git', REDIS_URL: 'redis://redis.example.com:6379/0', PAGE: 'https://example.com/?q=1&page=2', CACHE_TTL: '3600' } })()).not.toThrow();
  });
});
