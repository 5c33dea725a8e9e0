import { Duration } from 'cdk8s';
import { parse } from 'yaml';
import { MediaServer, MediaServerProps, RealtimeService, Route, UdpRouting } from '../lib';
import { scanObjects } from './security-scan';
import { chart, exactly, find, names, objects, yaml } from './util';

const IMAGE = 'livekit/livekit-server:v1.9.1';
const NODES = { nodeSelector: { agentpool: 'media' }, tolerations: [{ key: 'dedicated', value: 'media', effect: 'NoSchedule' as const }], subnet: '10.224.0.0/16' };

function props(overrides: Partial<MediaServerProps> = {}): MediaServerProps {
  return { name: 'livekit', namespace: 'livekit', image: IMAGE, nodes: NODES, ...overrides };
}

function synth(overrides: Partial<MediaServerProps> = {}) {
  const c = chart();
  const media = new MediaServer(c, 'Media', props(overrides));
  return { c, media };
}

function build(overrides: Partial<MediaServerProps> = {}): () => MediaServer {
  return () => new MediaServer(chart(), 'Media', props(overrides));
}

const podSpec = (c: ReturnType<typeof chart>) => find(c, 'DaemonSet', 'livekit').spec.template.spec;

describe('MediaServer', () => {
  test('a DaemonSet on the dedicated nodes with hostNetwork, ClusterFirstWithHostNet, and a rollout that cannot deadlock on host ports', () => {
    const { c } = synth();
    const ds = find(c, 'DaemonSet', 'livekit');
    expect(ds.metadata.namespace).toBe('livekit');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const spec = podSpec(c);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.nodeSelector).toEqual({ agentpool: 'media' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'media', effect: 'NoSchedule' }]);
    expect(spec.terminationGracePeriodSeconds).toBe(18000);
    expect(names(c, 'Deployment')).toEqual([]);
    expect(names(c, 'PodDisruptionBudget')).toEqual([]);
  });

  test('TCP ports are host ports; the UDP range is configuration, not 10,001 container ports', () => {
    const { c } = synth();
    const container = podSpec(c).containers[0];
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 7880, hostPort: 7880, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: 7881, hostPort: 7881, protocol: 'TCP' },
    ]);
    const config = parse(container.env.find((e: any) => e.name === 'LIVEKIT_CONFIG').value);
    expect(config).toEqual({ port: 7880, rtc: { tcp_port: 7881, port_range_start: 50000, port_range_end: 60000, use_external_ip: true } });
    expect(find(c, 'DaemonSet', 'livekit').spec.template.metadata.annotations).toEqual({ 'cdk8s-realtime.io/udp-port-range': '50000-60000' });
  });

  test('redis and extra configuration are merged into LIVEKIT_CONFIG', () => {
    const { c } = synth({ redisAddress: 'redis.example.net:6380', config: { redis: { use_tls: true }, room: { empty_timeout: 300 } } });
    const config = parse(podSpec(c).containers[0].env.find((e: any) => e.name === 'LIVEKIT_CONFIG').value);
    expect(config.redis).toEqual({ use_tls: true, address: 'redis.example.net:6380' });
    expect(config.room).toEqual({ empty_timeout: 300 });
  });

  test('the Namespace is Pod Security "privileged", cluster-scoped, with the reason', () => {
    const { c } = synth();
    expect(find(c, 'Namespace', 'livekit')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'livekit',
        labels: Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((m) => [[`pod-security.kubernetes.io/${m}`, 'privileged'], [`pod-security.kubernetes.io/${m}-version`, 'latest']])),
        annotations: {
          'argocd.argoproj.io/sync-wave': '-2',
          'cdk8s-realtime.io/pod-security-reason': 'livekit uses hostNetwork for UDP 50000-60000 (a Service cannot expose a port range, kubernetes/enhancements#6220); baseline and restricted forbid hostNetwork and host ports',
        },
      },
    });
    expect(names(synth({ namespaceObject: false }).c, 'Namespace')).toEqual([]);
  });

  test('apart from hostNetwork and host ports the pod meets Pod Security "restricted" (the security scan finds nothing else)', () => {
    const { c } = synth();
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'livekit' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(scanObjects([...objects(c).filter((o) => o.kind !== 'Namespace'), deny])).toEqual([
      'DaemonSet livekit/livekit: must not set hostNetwork=true',
      'DaemonSet livekit/livekit: containers[0] (livekit) must not set hostPort (7880)',
      'DaemonSet livekit/livekit: containers[0] (livekit) must not set hostPort (7881)',
    ]);
  });

  test('signalling goes through a ClusterIP Service (7880 only) and a WebSocket route', () => {
    const { c } = synth({ routes: { hosts: ['livekit.example.com'], routes: [Route.websocket('/')] } });
    expect(find(c, 'Service', 'livekit').spec.ports).toEqual([{ name: 'http', port: 7880, targetPort: 'http', protocol: 'TCP' }]);
    const ing = find(c, 'Ingress', 'livekit-ws');
    expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'livekit', port: { name: 'http' } });
  });

  test('the NetworkPolicy allows signalling from the controller, ICE-TCP and the UDP range from anywhere', () => {
    const { c } = synth({ routes: { hosts: ['livekit.example.com'], routes: [Route.websocket('/')] } });
    expect(find(c, 'NetworkPolicy', 'livekit').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 7880 }] },
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 7881 }, { protocol: 'UDP', port: 50000, endPort: 60000 }] },
    ]);
  });

  test('clientEgress opens signalling and media to the node subnet, or to the pods by label without one', () => {
    expect(synth().media.clientEgress()).toMatchObject({ ports: [{ protocol: 'TCP', port: 7880 }, { protocol: 'TCP', port: 7881 }, { protocol: 'UDP', port: 50000, endPort: 60000 }] });
    expect(synth().media.clientEgress().peers[0].description).toBe('cidr 10.224.0.0/16');
    expect(synth({ nodes: { nodeSelector: { agentpool: 'media' } } }).media.clientEgress().peers[0].description).toBe('pods {"app.kubernetes.io/name":"livekit"} in livekit');
  });

  test('snapshot', () => {
    const { c } = synth({ redisAddress: 'redis.example.net:6380', routes: { hosts: ['livekit.example.com'], routes: [Route.websocket('/')] } });
    expect(yaml(c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    test('fails when the rollout would surge (host-port deadlock)', () => {
      expect(build({ rollout: { maxSurge: 1 } })).toThrow(exactly(
        '[test/Media] MediaServer \'rollout.maxSurge\' is 1: must be 0: with hostNetwork a surge pod needs the same host ports (7880, 7881 and UDP 50000-60000) on the same node as the pod it replaces, so it stays Pending and the rollout deadlocks. '
        + 'Fix: remove maxSurge (0 is the default); nodes are updated one at a time with maxUnavailable, and clients reconnect to the other nodes'));
    });

    test('fails when maxUnavailable is 0', () => {
      expect(build({ rollout: { maxUnavailable: 0 } })).toThrow(exactly(
        '[test/Media] MediaServer \'rollout.maxUnavailable\' is 0: must be a whole number from 1 or a percentage from "1%" to "100%" (with maxSurge 0, a rollout needs at least one node at a time). Fix: use 1'));
    });

    test('fails when the UDP range overlaps the NodePort range', () => {
      expect(build({ udpPortRange: { start: 30000, end: 40000 } })).toThrow(exactly(
        '[test/Media] MediaServer \'udpPortRange\' is "30000-40000": must not overlap the Service NodePort range 30000-32767: kube-proxy forwards those ports on every node, so media packets would go to NodePort Services instead of the media server. '
        + 'Fix: use a range above 32767, e.g. 50000-60000'));
    });

    test('fails when the range is reversed', () => {
      expect(build({ udpPortRange: { start: 60000, end: 50000 } })).toThrow(exactly(
        '[test/Media] MediaServer \'udpPortRange.end\' is 50000: must be at least udpPortRange.start (60000). Fix: swap the two'));
    });

    test('fails when a TCP port lies inside the UDP range', () => {
      expect(build({ rtcTcpPort: 55000 })).toThrow(exactly(
        '[test/Media] MediaServer \'rtcTcpPort\' is 55000: must lie outside udpPortRange (50000-60000). Fix: move the port or the range'));
    });

    test('fails when no dedicated nodes are selected', () => {
      expect(build({ nodes: { nodeSelector: {} } })).toThrow(exactly(
        '[test/Media] MediaServer \'nodes.nodeSelector\' is {}: must name at least one node label: host ports and the UDP range belong on dedicated nodes, one pod each. '
        + 'Fix: create a node pool for media (e.g. AKS agentpool "media", tainted) and pass { agentpool: "media" }'));
    });

    test('fails when the configuration carries a secret', () => {
      expect(build({ config: { keys: { APIabc: 'secret' } } })).toThrow(exactly(
        '[test/Media] MediaServer \'config.keys\' is "keys": must not carry a secret: the configuration is an environment variable committed to dist/ in plain text. '
        + 'Fix: load it from a Secret through `secrets` (LiveKit reads LIVEKIT_KEYS, and the Redis password from its config file or env)'));
      expect(build({ config: { redis: { password: 'x' } } })).toThrow(/'config\.redis\.password' is "password"/);
    });

    test('fails when the configuration sets what the ports decide', () => {
      expect(build({ config: { rtc: { port_range_start: 40000 } } })).toThrow(exactly(
        '[test/Media] MediaServer \'config.rtc.port_range_start\' is 40000: must be unset: the construct derives it from its ports. Fix: set rtcTcpPort or udpPortRange'));
    });

    test('fails when the env sets LIVEKIT_CONFIG', () => {
      expect(build({ env: { LIVEKIT_CONFIG: 'port: 1' } })).toThrow(exactly(
        '[test/Media] MediaServer \'env["LIVEKIT_CONFIG"]\' is "port: 1": must be unset: the construct generates it from its props. Fix: pass extra configuration in `config`'));
    });

    test('fails when the startup probe cannot cover bootTime', () => {
      expect(build({ bootTime: Duration.minutes(3) })).toThrow(exactly(
        '[test/Media] MediaServer \'probes.startup.failureThreshold\' is 24: must give the startup probe a budget of at least bootTime (180s), but initialDelay 0s + period 5s x failureThreshold 24 = 120s: the kubelet would kill the container while it boots. '
        + 'Fix: set probes.startup.failureThreshold to 36 or more, or lengthen probes.startup.period'));
    });

    test('fails when a Service-based construct is given a UDP port range (RealtimeService)', () => {
      const udp = { port: 50000, portRange: '50000-60000', routing: UdpRouting.clientIpAffinity() } as unknown as { port: number };
      expect(() => new RealtimeService(chart(), 'Svc', { name: 'sfu', image: IMAGE, http: { port: 7880 }, udp })).toThrow(exactly(
        '[test/Svc] RealtimeService \'udp.portRange\' is "50000-60000": must be a single port: a Service cannot expose a port range (kubernetes/enhancements#6220), and one Service port per number would be thousands of ports on a cloud load balancer. '
        + 'Fix: use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port'));
    });
  });
});
