import { Duration } from 'cdk8s';
import { DisruptionBudget, IngressController, Peer, RealtimeService, Route, WebService, WebServiceProps } from '../lib';
import { chart, exactly, find, names, yaml } from './util';

const IMAGE = 'ghcr.io/acme/landing:2.0.1';

function props(overrides: Partial<WebServiceProps> = {}): WebServiceProps {
  return { name: 'landing', image: IMAGE, http: { port: 3000 }, ...overrides };
}

function synth(overrides: Partial<WebServiceProps> = {}) {
  const c = chart();
  const web = new WebService(c, 'Web', props(overrides));
  return { c, web };
}

function build(overrides: Partial<WebServiceProps> = {}): () => WebService {
  return () => new WebService(chart(), 'Web', props(overrides));
}

const ROUTES = { hosts: ['www.example.com'], routes: [Route.http('/')] };

describe('WebService', () => {
  test('GIVEN the smallest props THEN a Deployment of 2, a Service, a PDB and a NetworkPolicy, no HPA', () => {
    const { c } = synth();
    expect(names(c, 'Deployment')).toEqual(['landing']);
    expect(names(c, 'Service')).toEqual(['landing']);
    expect(names(c, 'PodDisruptionBudget')).toEqual(['landing']);
    expect(names(c, 'NetworkPolicy')).toEqual(['landing']);
    expect(names(c, 'HorizontalPodAutoscaler')).toEqual([]);
    const dep = find(c, 'Deployment', 'landing');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(dep.spec.minReadySeconds).toBe(5);
    expect(dep.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'landing', 'app.kubernetes.io/component': 'web' });
    expect(find(c, 'Service', 'landing').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'landing' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('the pod template is the one RealtimeService emits (shared wiring), with a 30 s shutdown', () => {
    const { c } = synth();
    const rt = chart();
    new RealtimeService(rt, 'Rt', { name: 'landing', image: IMAGE, http: { port: 3000 }, shutdown: { drainTimeout: Duration.seconds(20), preStop: undefined } });
    const web = find(c, 'Deployment', 'landing').spec.template.spec;
    const realtime = find(rt, 'Deployment', 'landing').spec.template.spec;
    expect({ ...web, terminationGracePeriodSeconds: 0, containers: [{ ...web.containers[0], lifecycle: undefined }] })
      .toEqual({ ...realtime, terminationGracePeriodSeconds: 0, containers: [{ ...realtime.containers[0], lifecycle: undefined }] });
    expect(web.terminationGracePeriodSeconds).toBe(30);
    expect(web.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(web.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(web.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('routes render through the controller with HTTP timeouts; the NetworkPolicy allows the controller on the pod port', () => {
    const { c, web } = synth({ routes: ROUTES });
    const ing = find(c, 'Ingress', 'landing');
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-connect-timeout': '10',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
    });
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'landing', port: { name: 'http' } } });
    expect(web.controller?.kind).toBe('nginx');
    const np = find(c, 'NetworkPolicy', 'landing');
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 3000 }] }]);
    expect(np.spec.egress).toHaveLength(1);
  });

  test('a Traefik controller renders an IngressRoute instead', () => {
    const { c } = synth({ routes: { ...ROUTES, controller: IngressController.traefik({ namespace: 'traefik' }) } });
    expect(names(c, 'Ingress')).toEqual([]);
    expect(names(c, 'IngressRoute')).toEqual(['landing']);
  });

  test('autoscaling gives an HPA on CPU with the slow scale-down and no fixed replicas', () => {
    const { c, web } = synth({ autoscaling: { minReplicas: 2, maxReplicas: 3 } });
    expect(web.minReplicas).toBe(2);
    expect(find(c, 'Deployment', 'landing').spec.replicas).toBeUndefined();
    const hpa = find(c, 'HorizontalPodAutoscaler', 'landing');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(3);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] });
  });

  test('extra allows and egress go into the NetworkPolicy; networkPolicy: false emits none', () => {
    const { c } = synth({ networkPolicy: { allowFrom: [{ peer: Peer.namespace('monitoring'), endpoints: ['http'] }], allowTo: [{ peers: [Peer.internet()], ports: [{ protocol: 'TCP', port: 443 }] }] } });
    const np = find(c, 'NetworkPolicy', 'landing');
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('monitoring');
    expect(np.spec.egress).toHaveLength(2);
    expect(names(synth({ networkPolicy: false }).c, 'NetworkPolicy')).toEqual([]);
  });

  test('a bootTime within the startup budget is accepted', () => {
    expect(build({ bootTime: Duration.seconds(120) })).not.toThrow();
  });

  test('snapshot', () => {
    const { c } = synth({ routes: { ...ROUTES, tlsSecretName: 'www-tls' }, autoscaling: { minReplicas: 2, maxReplicas: 3 } });
    expect(yaml(c)).toMatchSnapshot();
  });

  describe('fails when', () => {
    test('fails when a route is a WebSocket', () => {
      expect(build({ routes: { hosts: ['www.example.com'], routes: [Route.http('/'), Route.websocket('/ws')] } })).toThrow(exactly(
        '[test/Web] WebService \'routes.routes[1]\' is "/ws": must be an HTTP route: a WebService drains in 30 s and its routes keep HTTP timeouts, which cut long-lived WebSockets. '
        + 'Fix: use Route.http(...), or serve WebSockets from a RealtimeService'));
    });

    test('fails when the startup probe cannot cover bootTime', () => {
      expect(build({ bootTime: Duration.seconds(150) })).toThrow(exactly(
        '[test/Web] WebService \'probes.startup.failureThreshold\' is 24: must give the startup probe a budget of at least bootTime (150s), but initialDelay 0s + period 5s x failureThreshold 24 = 120s: the kubelet would kill the container while it boots. '
        + 'Fix: set probes.startup.failureThreshold to 30 or more, or lengthen probes.startup.period'));
    });

    test('fails when replicas and autoscaling are both set', () => {
      expect(build({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 3 } })).toThrow(exactly(
        '[test/Web] WebService \'replicas\' is 3: must be unset when autoscaling is set (the HPA owns the replica count; a fixed count fights it on every apply). Fix: remove `replicas` and use autoscaling.minReplicas'));
    });

    test('fails when autoscaling starts at one replica', () => {
      expect(build({ autoscaling: { minReplicas: 1, maxReplicas: 3 } })).toThrow(exactly(
        '[test/Web] WebService \'autoscaling.minReplicas\' is 1: must be at least 2 (one pod is a single point of failure during rollouts and drains). Fix: raise minReplicas to 2, or drop autoscaling and set replicas: 1'));
    });

    test('fails when the PDB allows no disruption', () => {
      expect(build({ disruptionBudget: DisruptionBudget.minAvailable(2) })).toThrow(exactly(
        '[test/Web] WebService \'disruptionBudget.minAvailable\' is 2: must allow at least one disruption at the replica count (2 pods); otherwise node drains and cluster upgrades hang. '
        + 'Fix: use DisruptionBudget.minAvailable(1) or DisruptionBudget.maxUnavailable(1)'));
    });

    test('fails when a route names a port the Service lacks', () => {
      expect(build({ routes: { hosts: ['www.example.com'], routes: [Route.http('/', { port: 'admin' })] } })).toThrow(exactly(
        '[test/Web] WebService \'routes.routes[0].port\' is "admin": must name a port of the Service (http). Fix: use "http" or omit `port`'));
    });

    test('fails when the http endpoint is given a port range (untyped callers)', () => {
      expect(build({ http: { port: '50000-60000' as unknown as number } })).toThrow(exactly(
        '[test/Web] WebService \'http.port\' is "50000-60000": must be a single port: a Service cannot expose a port range (kubernetes/enhancements#6220), and one Service port per number would be thousands of ports on a cloud load balancer. '
        + 'Fix: use MediaServer (hostNetwork) for a UDP port range such as 50000-60000, or make the app multiplex its media on one UDP port'));
    });

    test('fails when the image is not pinned', () => {
      expect(build({ image: 'ghcr.io/acme/landing:latest' })).toThrow(exactly(
        '[test/Web] WebService \'image\' is "ghcr.io/acme/landing:latest": must not use the "latest" tag: rollouts would not be reproducible and a restart may pull another build. Fix: pin a version tag or an @sha256 digest'));
    });
  });
});
