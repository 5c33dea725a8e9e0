// Security scan of the committed dist/, and tests that prove the scanner catches each violation.
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ENFORCE_LABEL, POD_SECURITY_REASON_ANNOTATION, SERVICE_ACCOUNT_TOKEN_ANNOTATION, isPinnedImage, scanObjects, scanText } from './security-scan';
import { credentialIn } from '../lib/private/credentials';
import { committedDist } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;


/**
 * Namespaces allowed to lack a default-deny NetworkPolicy, per dist/ folder prefix. Every entry
 * needs a reason, and must still be needed (a test below fails on a stale entry).
 */
const DEFAULT_DENY_EXCEPTIONS: ReadonlyArray<{ folder: string; namespace: string; reason: string }> = [
  {
    folder: 'mentra-cloud/',
    namespace: 'default',
    // apps/mentra-cloud.ts: Porter owns `default` and deploys its pods there; a policy selecting
    // every pod of `default` would cut Porter's own pods (cloud-<env>-cloud) off from
    // ingress-nginx and the UDP clients. Porter's pods are isolated by Porter, not by us.
    reason: 'Porter owns the default namespace; a default-deny there would isolate Porter\'s own pods',
  },
];

/** Every file of dist/, and the objects of each folder (one deployment unit). */
function readDist(): { files: string[]; folders: Map<string, Obj[]> } {
  const dist = committedDist();
  const files = [...dist.keys()];
  const folders = new Map<string, Obj[]>();
  for (const rel of files.filter((f) => f.endsWith('.yaml'))) {
    const docs = parseAllDocuments(dist.get(rel)!);
    const objs = (Array.isArray(docs) ? docs : [docs]).map((d) => {
      if (d.errors.length) throw new Error(`${rel}: ${d.errors[0].message}`);
      return d.toJSON() as Obj;
    });
    if (objs.length === 0) throw new Error(`${rel}: no object`);
    const folder = path.posix.dirname(rel);
    folders.set(folder, [...(folders.get(folder) ?? []), ...objs]);
  }
  return { files, folders };
}

const exceptionsFor = (folder: string) => DEFAULT_DENY_EXCEPTIONS.filter((e) => `${folder}/`.startsWith(e.folder)).map((e) => e.namespace);

describe('the committed dist/', () => {
  const { files, folders } = readDist();

  test('is read whole: every file, every folder', () => {
    expect(files.filter((f) => f.endsWith('.yaml')).length).toBeGreaterThanOrEqual(20);
    expect([...folders.keys()]).toEqual(expect.arrayContaining(['mentra-cloud/us-central/prod', 'nexus-runtime']));
    expect([...folders.values()].flat().some((o) => o.kind === 'Deployment')).toBe(true);
  });

  test('passes the security scan, folder by folder', () => {
    const violations = [...folders.entries()].flatMap(([folder, objs]) => scanObjects(objs, { defaultDenyExceptions: exceptionsFor(folder) }).map((v) => `${folder}: ${v}`));
    expect(violations).toEqual([]);
  });

  test('carries no credential in its other files (TOPOLOGY.md, nginx-stream.conf, ...)', () => {
    const others = files.filter((f) => !f.endsWith('.yaml'));
    expect(others.length).toBeGreaterThanOrEqual(3);
    expect(others.flatMap((f) => scanText(f, committedDist().get(f)!))).toEqual([]);
  });

  test('every default-deny exception has a reason and is still needed', () => {
    for (const e of DEFAULT_DENY_EXCEPTIONS) {
      expect(e.reason.length).toBeGreaterThan(20);
      const matching = [...folders.entries()].filter(([folder]) => `${folder}/`.startsWith(e.folder));
      // Without the exception, the scan of at least one folder must complain about this namespace.
      const needed = matching.some(([, objs]) => scanObjects(objs).some((v) => v.startsWith(`Namespace ${e.namespace}: `)));
      expect({ exception: e.namespace, needed }).toEqual({ exception: e.namespace, needed: true });
    }
  });

  test('nexus-runtime is isolated by its own default-deny policy', () => {
    const objs = folders.get('nexus-runtime')!;
    expect(objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'nexus-runtime' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    // Without it, the scan fails: the policy is what the rule checks.
    expect(scanObjects(objs.filter((o) => o.metadata.name !== 'default-deny'))).toEqual([
      'Namespace nexus-runtime: runs or exposes pods but has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); add NamespaceIsolation',
    ]);
  });
});

// ---- the scanner itself -----------------------------------------------------------------------

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** A minimal workload that passes every rule. */
const GOOD_DEPLOYMENT: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'web',
          image: 'ghcr.io/acme/web:1.2.3',
          ports: [{ containerPort: 80 }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        }],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};
const DENY: Obj = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'demo' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
const ING: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'demo', annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600', 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
  spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
};

/** Scans the good Deployment after `edit`, with the default-deny policy beside it. */
function scanDeployment(edit: (pod: Obj, dep: Obj) => void, extra: Obj[] = []): string[] {
  const dep = clone(GOOD_DEPLOYMENT);
  edit(dep.spec.template.spec, dep);
  return scanObjects([dep, DENY, ...extra]);
}
const container = (pod: Obj) => pod.containers[0];
const D = 'Deployment demo/web: ';

describe('scanObjects', () => {
  test('finds nothing in good objects', () => {
    expect(scanObjects([GOOD_DEPLOYMENT, DENY, ING])).toEqual([]);
  });

  describe('Pod Security "restricted"', () => {
    test.each<[string, (pod: Obj) => void, string[]]>([
      ['runAsNonRoot missing', (p) => { delete p.securityContext.runAsNonRoot; }, ['containers[0] (web) must set securityContext.runAsNonRoot=true (on the pod or the container)']],
      ['runAsNonRoot false on the container', (p) => { container(p).securityContext.runAsNonRoot = false; }, ['containers[0] (web) must set securityContext.runAsNonRoot=true (on the pod or the container)']],
      ['runAsUser 0', (p) => { p.securityContext.runAsUser = 0; }, ['must not set securityContext.runAsUser=0']],
      ['seccomp missing', (p) => { delete p.securityContext.seccompProfile; }, ['containers[0] (web) must set securityContext.seccompProfile.type to RuntimeDefault or Localhost (on the pod or the container)']],
      ['seccomp Unconfined on the container', (p) => { container(p).securityContext.seccompProfile = { type: 'Unconfined' }; }, [
        'containers[0] (web) must not set securityContext.seccompProfile.type=Unconfined',
        'containers[0] (web) must set securityContext.seccompProfile.type to RuntimeDefault or Localhost (on the pod or the container)',
      ]],
      ['allowPrivilegeEscalation unset', (p) => { delete container(p).securityContext.allowPrivilegeEscalation; }, ['containers[0] (web) must set securityContext.allowPrivilegeEscalation=false']],
      ['no drop ALL', (p) => { container(p).securityContext.capabilities.drop = ['NET_RAW']; }, ['containers[0] (web) must set securityContext.capabilities.drop=["ALL"]']],
      ['a capability beyond NET_BIND_SERVICE', (p) => { container(p).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; }, ['containers[0] (web) must not add capabilities ["SYS_ADMIN"] (allowed: NET_BIND_SERVICE)']],
      ['privileged', (p) => { container(p).securityContext.privileged = true; }, ['containers[0] (web) must not set securityContext.privileged=true']],
      ['hostNetwork', (p) => { p.hostNetwork = true; }, ['must not set hostNetwork=true']],
      ['hostPID', (p) => { p.hostPID = true; }, ['must not set hostPID=true']],
      ['hostIPC', (p) => { p.hostIPC = true; }, ['must not set hostIPC=true']],
      ['hostPort', (p) => { container(p).ports[0].hostPort = 80; }, ['containers[0] (web) must not set hostPort (80)']],
      ['hostPath', (p) => { p.volumes[0] = { name: 'tmp', hostPath: { path: '/var/run' } }; }, ['volumes[0] (tmp) must not be a hostPath volume']],
      ['an init container is checked too', (p) => { p.initContainers = [{ name: 'init', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: true } }]; },
        ['initContainers[0] (init) must not set securityContext.privileged=true']],
    ])('flags %s', (_what, edit, messages) => {
      expect(scanDeployment(edit)).toEqual(messages.map((m) => D + m));
    });

    test('every pod-template kind is scanned (StatefulSet, DaemonSet, Job, CronJob, Pod)', () => {
      const bad = clone(GOOD_DEPLOYMENT.spec.template);
      bad.spec.hostNetwork = true;
      const meta = (kind: string) => ({ name: kind.toLowerCase(), namespace: 'demo' });
      const objs = [
        { kind: 'StatefulSet', metadata: meta('StatefulSet'), spec: { template: bad } },
        { kind: 'DaemonSet', metadata: meta('DaemonSet'), spec: { template: bad } },
        { kind: 'Job', metadata: meta('Job'), spec: { template: bad } },
        { kind: 'CronJob', metadata: meta('CronJob'), spec: { jobTemplate: { spec: { template: bad } } } },
        { kind: 'Pod', metadata: { ...meta('Pod'), labels: {} }, spec: bad.spec },
      ];
      expect(scanObjects([...objs, DENY])).toEqual(['StatefulSet demo/statefulset', 'DaemonSet demo/daemonset', 'Job demo/job', 'CronJob demo/cronjob', 'Pod demo/pod'].map((id) => `${id}: must not set hostNetwork=true`));
    });

    test('a Namespace labelled enforce=baseline relaxes "restricted" to "baseline", from data, not names', () => {
      const relaxed = (pod: Obj) => {
        delete pod.securityContext;
        container(pod).securityContext = { capabilities: { add: ['CHOWN'] } };
      };
      const ns = (enforce: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { [ENFORCE_LABEL]: enforce } } });
      expect(scanDeployment(relaxed, [ns('baseline')])).toEqual([]);
      expect(scanDeployment(relaxed, [ns('restricted')])).toEqual([
        'containers[0] (web) must not add capabilities ["CHOWN"] (allowed: NET_BIND_SERVICE)',
        'containers[0] (web) must set securityContext.allowPrivilegeEscalation=false',
        'containers[0] (web) must set securityContext.runAsNonRoot=true (on the pod or the container)',
        'containers[0] (web) must set securityContext.seccompProfile.type to RuntimeDefault or Localhost (on the pod or the container)',
        'containers[0] (web) must set securityContext.capabilities.drop=["ALL"]',
      ].map((m) => D + m));
      // Baseline still refuses host access and privileged containers.
      expect(scanDeployment((p) => { relaxed(p); p.hostNetwork = true; container(p).securityContext.privileged = true; }, [ns('baseline')])).toEqual([
        'must not set hostNetwork=true',
        'containers[0] (web) must not set securityContext.privileged=true',
      ].map((m) => D + m));
      // The label of another namespace does not count.
      const other = { ...ns('baseline'), metadata: { name: 'other', labels: { [ENFORCE_LABEL]: 'baseline' } } };
      expect(scanDeployment(relaxed, [other])).toHaveLength(5);
    });

    test('a privileged Namespace with a written reason allows hostNetwork and hostPort only; without a reason it is a violation', () => {
      const hostAccess = (p: Obj) => { p.hostNetwork = true; container(p).ports[0].hostPort = 8080; };
      const ns = (annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { [ENFORCE_LABEL]: 'privileged' }, ...(annotations ? { annotations } : {}) } });
      const withReason = ns({ [POD_SECURITY_REASON_ANNOTATION]: 'UDP port range over hostNetwork' });
      expect(scanDeployment(hostAccess, [withReason])).toEqual([]);
      // every other "restricted" rule still applies
      expect(scanDeployment((p) => { hostAccess(p); p.hostPID = true; delete container(p).securityContext.allowPrivilegeEscalation; }, [withReason])).toEqual([
        'must not set hostPID=true',
        'containers[0] (web) must set securityContext.allowPrivilegeEscalation=false',
      ].map((m) => D + m));
      expect(scanDeployment(hostAccess, [ns()])).toEqual([
        `Namespace demo: enforces Pod Security "privileged" without a ${POD_SECURITY_REASON_ANNOTATION} annotation saying why`,
        `${D}must not set hostNetwork=true`,
        `${D}containers[0] (web) must not set hostPort (8080)`,
      ]);
    });
  });

  describe('service account token', () => {
    test('flags a mounted token', () => {
      expect(scanDeployment((p) => { delete p.automountServiceAccountToken; })).toEqual([
        `${D}must set automountServiceAccountToken=false, or annotate the pod template ${SERVICE_ACCOUNT_TOKEN_ANNOTATION}: "required"`,
      ]);
    });
    test('accepts a token that the pod template declares as required', () => {
      expect(scanDeployment((p, dep) => { p.automountServiceAccountToken = true; dep.spec.template.metadata.annotations = { [SERVICE_ACCOUNT_TOKEN_ANNOTATION]: 'required' }; })).toEqual([]);
    });
    test('the annotation on the Deployment instead of the pod template does not count', () => {
      expect(scanDeployment((p, dep) => { delete p.automountServiceAccountToken; dep.metadata.annotations = { [SERVICE_ACCOUNT_TOKEN_ANNOTATION]: 'required' }; })).toHaveLength(1);
    });
  });

  describe('images', () => {
    test.each(['nginx', 'nginx:latest', 'ghcr.io/acme/web:latest', 'registry:5000/web', 'web@sha256:abc', 'web:latest@sha256:' + 'a'.repeat(64), 'web:'])('flags %s', (image) => {
      expect(scanDeployment((p) => { container(p).image = image; })).toEqual([`${D}containers[0] (web) image ${JSON.stringify(image)} must be pinned by tag or digest, and not :latest`]);
    });
    test.each(['nginx:1.27', 'registry:5000/acme/web:2.0.1', `web@sha256:${'0'.repeat(64)}`, `web:1.2@sha256:${'f'.repeat(64)}`])('accepts %s', (image) => {
      expect(isPinnedImage(image)).toBe(true);
    });
  });

  describe('Secrets', () => {
    test('flags a Secret with data or stringData, at the top level or nested in a List', () => {
      const secret = (field: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'demo' }, [field]: { password: 'aHVudGVyMg==' } });
      expect(scanObjects([secret('data')])).toEqual(['Secret demo/db: is a Secret with data: plain Secret data must never be committed (use an ExternalSecret or a SecretProviderClass)']);
      expect(scanObjects([secret('stringData')])).toEqual(['Secret demo/db: is a Secret with stringData: plain Secret data must never be committed (use an ExternalSecret or a SecretProviderClass)']);
      expect(scanObjects([{ apiVersion: 'v1', kind: 'List', metadata: { name: 'bundle' }, items: [secret('data')] }])).toEqual([
        'List bundle: items[0] is a Secret with data: plain Secret data must never be committed (use an ExternalSecret or a SecretProviderClass)',
      ]);
    });
    test('accepts a Secret without data (e.g. a service-account token placeholder)', () => {
      expect(scanObjects([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tok', namespace: 'demo' }, type: 'kubernetes.io/service-account-token' }])).toEqual([]);
    });
  });

  describe('ingress-nginx annotations', () => {
    const scanIngress = (annotations: Record<string, unknown>) => {
      const ing = clone(ING);
      ing.metadata.annotations = annotations;
      return scanObjects([ing, DENY]);
    };
    const I = 'Ingress demo/web: metadata.annotations ';
    test('flags a key outside the allowlist', () => {
      expect(scanIngress({ 'nginx.ingress.kubernetes.io/websocket-services': 'web' })).toEqual([`${I}nginx.ingress.kubernetes.io/websocket-services is not an allowed ingress-nginx annotation`]);
    });
    test('flags any snippet key, allowlisted prefix or not', () => {
      expect(scanIngress({ 'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers x' })).toEqual([
        `${I}must not contain a snippet annotation (nginx.ingress.kubernetes.io/configuration-snippet)`,
        `${I}nginx.ingress.kubernetes.io/configuration-snippet is not an allowed ingress-nginx annotation`,
      ]);
      expect(scanIngress({ 'example.com/server-Snippet': 'x' })).toEqual([`${I}must not contain a snippet annotation (example.com/server-Snippet)`]);
    });
    test.each(['a;b', 'x { y }', '"q"', '$host', 'a\nb', 'a#b', 'a\\b', "it's"])('flags the unsafe value %j', (value) => {
      expect(scanIngress({ 'nginx.ingress.kubernetes.io/cors-allow-origin': value })).toEqual([`${I}nginx.ingress.kubernetes.io/cors-allow-origin has an unsafe value ${JSON.stringify(value)}`]);
    });
    test('flags timeouts that are not whole seconds', () => {
      expect(scanIngress({ 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600s' })).toEqual([`${I}nginx.ingress.kubernetes.io/proxy-read-timeout must be whole seconds such as "3600" (ingress-nginx turns "3600s" into 60)`]);
    });
    test('accepts allowlisted keys with ordinary values, and the three timeout keys', () => {
      expect(scanIngress({
        'nginx.ingress.kubernetes.io/cors-allow-origin': 'https://a.example.com, https://b.example.com',
        'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,192.168.0.0/16',
        'nginx.ingress.kubernetes.io/proxy-connect-timeout': '10',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      })).toEqual([]);
    });
  });

  describe('credentials (rule 7)', () => {
    test.each<[string, (d: Obj) => void, string]>([
      ['a password in a URL in an env value', (d) => { d.spec.template.spec.containers[0].env = [{ name: 'REDIS_URL', value: 'redis://:hunter2@redis.example.com:6379' }]; },
        'spec.template.spec.containers[0].env[0].value carries a password in the URL\'s userinfo (scheme://user:password@host): "redis://:***@redis.example.com:6379"'],
      ['a user and password in an annotation', (d) => { d.metadata.annotations = { 'example.com/source': 'https://deploy:tok3n@git.example.com/o/r.git' }; },
        'metadata.annotations.example.com/source carries a password in the URL\'s userinfo (scheme://user:password@host): "https://deploy:***@git.example.com/o/r.git"'],
      ['an AWS access key in an arg', (d) => { d.spec.template.spec.containers[0].args = ['--key', 'AKIAIOSFODNN7EXAMPLE']; },
        'spec.template.spec.containers[0].args[1] carries an AWS access key id: "<20 characters, not shown>"'],
      ['a password pair in a config string', (d) => { d.spec.template.spec.containers[0].env = [{ name: 'DB', value: 'Host=db;Password=s3cret!;' }]; },
        'spec.template.spec.containers[0].env[0].value carries a credential in a key=value pair (password=, token=, AccountKey=, ...): "Host=db;Password=***;"'],
    ])('flags %s', (_what, edit, message) => {
      const dep = clone(GOOD_DEPLOYMENT);
      edit(dep);
      expect(scanObjects([dep, DENY])).toEqual([D + message]);
    });

    test('accepts URLs without a password (a user alone, a port, a query)', () => {
      const dep = clone(GOOD_DEPLOYMENT);
      dep.spec.template.spec.containers[0].env = [
        { name: 'A', value: 'ssh://git@github.com/o/r.git' }, { name: 'B', value: 'redis://redis.example.com:6379/0' }, { name: 'C', value: 'https://example.com/?q=1&page=2' },
      ];
      expect(scanObjects([dep, DENY])).toEqual([]);
    });

    test('the shortest string of each token rule is found (short strings skip the rules: the cut-off must stay below every one)', () => {
      expect([
        'xoxb-1234567890', 'AKIAIOSFODNN7EXAMPLE', 'sk-abcdefghij0123456789', 'sk_live_abcdefgh01234567', `ghp_${'a'.repeat(36)}`,
        `github_pat_${'a'.repeat(22)}`, `AIza${'a'.repeat(35)}`, 'eyJabcdefgh.eyJabcdefgh.abcdefgh', '-----BEGIN PRIVATE KEY-----', 'pwd=abc', 'a://:b@c',
      ].map((s) => [s.length, credentialIn(s) !== undefined])).toEqual([[15, true], [20, true], [23, true], [24, true], [40, true], [33, true], [39, true], [32, true], [27, true], [7, true], [8, true]]);
      expect(['xoxb-123456789', 'web-api', 'nexus-runtime', '8080'].map((s) => credentialIn(s))).toEqual([undefined, undefined, undefined, undefined]);
    });

    test('scanText flags a credential in a non-YAML file, by line', () => {
      expect(scanText('app/nginx-stream.conf', 'stream {\n  # upstream redis://admin:pw@10.0.0.5:6379\n}\n')).toEqual([
        'app/nginx-stream.conf:2 carries a password in the URL\'s userinfo (scheme://user:password@host): "# upstream redis://admin:***@10.0.0.5:6379"',
      ]);
      expect(scanText('app/TOPOLOGY.md', '# Topology\nredis://redis.example.com:6379\n')).toEqual([]);
    });
  });

  describe('namespaces the cluster owns (rule 8)', () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [ENFORCE_LABEL]: 'privileged' }, annotations: { [POD_SECURITY_REASON_ANNOTATION]: 'hostNetwork' } } });
    test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('flags a Namespace object for %s', (name) => {
      expect(scanObjects([GOOD_DEPLOYMENT, DENY, ns(name)])).toEqual([`Namespace ${name}: is a Namespace the cluster owns (${name}): never write default or kube-* Namespace objects`]);
    });

    test('flags an object inside a kube-* namespace', () => {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } };
      expect(scanObjects([GOOD_DEPLOYMENT, DENY, cm])).toEqual(['ConfigMap kube-system/x: is inside kube-system: nothing is deployed into kube-* namespaces']);
    });

    test('accepts a Namespace object for a namespace the app owns, and a workload in default without one', () => {
      const inDefault = clone(GOOD_DEPLOYMENT);
      inDefault.metadata.namespace = 'default';
      const denyDefault = { ...clone(DENY), metadata: { ...DENY.metadata, namespace: 'default' } };
      expect(scanObjects([GOOD_DEPLOYMENT, DENY, ns('livekit'), inDefault, denyDefault])).toEqual([]);
    });
  });

  describe('default-deny per namespace', () => {
    const MSG = (ns: string) => `Namespace ${ns}: runs or exposes pods but has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); add NamespaceIsolation`;
    const svc: Obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'udp', namespace: 'porter' }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 8000, protocol: 'UDP' }] } };
    test('flags a namespace with a workload, a selecting Service or an Ingress and no default-deny', () => {
      expect(scanObjects([GOOD_DEPLOYMENT])).toEqual([MSG('demo')]);
      expect(scanObjects([svc])).toEqual([MSG('porter')]);
      expect(scanObjects([{ ...ING, metadata: { ...ING.metadata, namespace: 'web' } }])).toEqual([MSG('web')]);
    });
    test('a policy that is not a default-deny does not count', () => {
      const variants: Obj[] = [
        { ...DENY, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] } },
        { ...DENY, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
        { ...DENY, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] } },
        { ...DENY, metadata: { name: 'default-deny', namespace: 'other' } },
      ];
      for (const np of variants) expect(scanObjects([GOOD_DEPLOYMENT, np])).toEqual([MSG('demo')]);
    });
    test('skips namespaces in the exception list, and only those', () => {
      expect(scanObjects([svc, GOOD_DEPLOYMENT], { defaultDenyExceptions: ['porter'] })).toEqual([MSG('demo')]);
    });
    test('a Service without a selector (pointing at external endpoints) runs no pods', () => {
      expect(scanObjects([{ ...svc, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }])).toEqual([]);
    });
  });
});
