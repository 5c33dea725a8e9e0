// The security scan of synthesized objects, kept apart from its test so its own tests can feed it
// bad fixtures (test/security.test.ts): a scan that cannot fail proves nothing.
//
// scanObjects() takes the objects of ONE deployment unit (one dist/ folder: what one
// `kubectl apply -f <folder>` or one Argo CD Application applies) and returns one message per
// violation, `<Kind> <namespace>/<name>: <what is wrong>`. Rules:
//  1. Pod templates (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) meet Pod
//     Security "restricted", unless their Namespace object in the same unit is labelled
//     `pod-security.kubernetes.io/enforce: baseline`: then they must still meet "baseline"; or
//     labelled `privileged` WITH a POD_SECURITY_REASON_ANNOTATION saying why (MediaServer: UDP
//     port ranges need hostNetwork, which baseline forbids too): then hostNetwork and hostPort
//     are allowed and every other "restricted" rule still applies. `privileged` without a reason
//     is a violation.
//  2. automountServiceAccountToken is false, unless the pod template carries the annotation
//     SERVICE_ACCOUNT_TOKEN_ANNOTATION: "required" (the documented opt-in for pods that call the
//     Kubernetes API).
//  3. Images are pinned by tag or digest, never `:latest`.
//  4. No `kind: Secret` with data or stringData, at any depth.
//  5. Every ingress-nginx annotation key is in NGINX_ANNOTATION_ALLOWLIST or a timeout key, its
//     value uses safe characters only (timeouts: whole seconds), and no annotation key anywhere
//     contains "snippet".
//  7. No credential in any string, at any depth: URL userinfo with a password
//     (`redis://:password@host`), private keys, well-known token formats, `password=` pairs
//     (the same detector as the constructs' boundary check, lib/private/credentials.ts).
//     scanText() applies it to the non-YAML files of dist/ (TOPOLOGY.md, nginx-stream.conf, ...).
//  8. No Namespace object for a namespace the cluster owns (`default`, `kube-*`), and no object
//     inside a `kube-*` namespace.
//  6. Every namespace that runs or exposes pods (a pod template, a Service with a selector, or an
//     Ingress) has a default-deny NetworkPolicy (all pods, Ingress and Egress, no rules), unless
//     it is in `defaultDenyExceptions`.
import { NGINX_ANNOTATION_ALLOWLIST } from '../lib';
import { credentialIn, redact } from '../lib/private/credentials';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** Pod-template annotation by which a pod opts in to a mounted service account token. */
export const SERVICE_ACCOUNT_TOKEN_ANNOTATION = 'cdk8s-realtime.io/service-account-token';
/** Namespace label that relaxes rule 1 from "restricted" to "baseline" (Pod Security Admission's own label). */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Namespace annotation that must explain an `enforce: privileged` label. */
export const POD_SECURITY_REASON_ANNOTATION = 'cdk8s-realtime.io/pod-security-reason';

/** How strictly a namespace's pods are scanned. */
type PodLevel = 'restricted' | 'baseline' | 'host-network';

const NGINX = 'nginx.ingress.kubernetes.io/';
const TIMEOUT_KEYS = ['proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout'];
/** Characters an ingress-nginx annotation value may use (no quotes, `;`, braces, `$`, `#`, backslash, newline). */
const SAFE_VALUE = /^[A-Za-z0-9 ._:/,*+=%@-]*$/;
/** Capabilities Pod Security "baseline" allows adding (check_capabilities_baseline.go). */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Volume types Pod Security "restricted" allows (check_restrictedVolumes.go). */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Options of {@link scanObjects}. */
export interface ScanOptions {
  /** Namespaces exempt from the default-deny rule (each with a documented reason at the call site). */
  readonly defaultDenyExceptions?: readonly string[];
}

/** The pod template of a workload kind, or undefined for other kinds. */
export function podTemplate(o: Obj): { metadata: Obj; spec: Obj } | undefined {
  switch (o.kind) {
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return { metadata: o.spec?.template?.metadata ?? {}, spec: o.spec?.template?.spec ?? {} };
    case 'CronJob':
      return { metadata: o.spec?.jobTemplate?.spec?.template?.metadata ?? {}, spec: o.spec?.jobTemplate?.spec?.template?.spec ?? {} };
    case 'Pod':
      return { metadata: o.metadata ?? {}, spec: o.spec ?? {} };
    default:
      return undefined;
  }
}

/** Scans the objects of one deployment unit; returns one message per violation ([] when clean). */
export function scanObjects(objects: readonly Obj[], options: ScanOptions = {}): string[] {
  const out: string[] = [];
  const levels = new Map<string, PodLevel>();
  for (const o of objects.filter((x) => x.kind === 'Namespace')) {
    const enforce = o.metadata?.labels?.[ENFORCE_LABEL];
    if (enforce === 'baseline') levels.set(o.metadata.name, 'baseline');
    if (enforce === 'privileged') {
      if (o.metadata?.annotations?.[POD_SECURITY_REASON_ANNOTATION]) levels.set(o.metadata.name, 'host-network');
      else out.push(`Namespace ${o.metadata.name}: enforces Pod Security "privileged" without a ${POD_SECURITY_REASON_ANNOTATION} annotation saying why`);
    }
  }
  const needsIsolation = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
    const add = (msg: string) => out.push(`${id}: ${msg}`);
    const ns: string | undefined = o.metadata?.namespace;
    const pod = podTemplate(o);
    if (pod) {
      scanPod(pod, levels.get(ns ?? '') ?? 'restricted', add);
      if (ns) needsIsolation.add(ns);
    }
    if (ns && ((o.kind === 'Service' && o.spec?.selector && Object.keys(o.spec.selector).length > 0) || o.kind === 'Ingress')) needsIsolation.add(ns);
    scanSecrets(o, '', add);
    scanCredentials(o, '', add);
    if (o.kind === 'Namespace' && isClusterOwned(o.metadata?.name)) add(`is a Namespace the cluster owns (${o.metadata?.name}): never write default or kube-* Namespace objects`);
    if (typeof ns === 'string' && ns.startsWith('kube-')) add(`is inside ${ns}: nothing is deployed into kube-* namespaces`);
    scanAnnotations(o.metadata?.annotations ?? {}, 'metadata.annotations', add);
    if (pod && pod.metadata !== o.metadata) scanAnnotations(pod.metadata.annotations ?? {}, 'pod template annotations', add);
  }
  const exceptions = new Set(options.defaultDenyExceptions ?? []);
  for (const ns of [...needsIsolation].sort()) {
    if (exceptions.has(ns)) continue;
    if (!objects.some((o) => isDefaultDeny(o, ns))) {
      out.push(`Namespace ${ns}: runs or exposes pods but has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); add NamespaceIsolation`);
    }
  }
  return out;
}

/** A NetworkPolicy in `ns` selecting every pod, isolating both directions, allowing nothing. */
export function isDefaultDeny(o: Obj, ns: string): boolean {
  if (o.kind !== 'NetworkPolicy' || o.metadata?.namespace !== ns) return false;
  const spec = o.spec ?? {};
  const sel = spec.podSelector;
  const all = sel !== undefined && sel !== null && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  const types: string[] = spec.policyTypes ?? [];
  return all && types.includes('Ingress') && types.includes('Egress') && (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0;
}

function scanPod(pod: { metadata: Obj; spec: Obj }, level: PodLevel, add: (msg: string) => void): void {
  const baselineOnly = level === 'baseline';
  const hostNetwork = level === 'host-network';
  const spec = pod.spec;
  const psc = spec.securityContext ?? {};
  const containers: Array<[string, Obj]> = [
    ...(spec.initContainers ?? []).map((c: Obj, i: number): [string, Obj] => [`initContainers[${i}] (${c.name})`, c]),
    ...(spec.containers ?? []).map((c: Obj, i: number): [string, Obj] => [`containers[${i}] (${c.name})`, c]),
    ...(spec.ephemeralContainers ?? []).map((c: Obj, i: number): [string, Obj] => [`ephemeralContainers[${i}] (${c.name})`, c]),
  ];
  if (containers.length === 0) add('has no containers');

  // ---- baseline: always ----
  for (const f of hostNetwork ? ['hostPID', 'hostIPC'] : ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) add(`must not set ${f}=true`);
  for (const [i, v] of (spec.volumes ?? []).entries()) {
    if (v.hostPath) add(`volumes[${i}] (${v.name}) must not be a hostPath volume`);
    else if (!baselineOnly && !RESTRICTED_VOLUMES.some((t) => v[t] !== undefined)) add(`volumes[${i}] (${v.name}) must be one of ${RESTRICTED_VOLUMES.join(', ')}`);
  }
  if (psc.seccompProfile?.type === 'Unconfined') add('must not set securityContext.seccompProfile.type=Unconfined');
  for (const [at, c] of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) add(`${at} must not set securityContext.privileged=true`);
    if (!hostNetwork) for (const p of c.ports ?? []) if (p.hostPort !== undefined && p.hostPort !== 0) add(`${at} must not set hostPort (${p.hostPort})`);
    if (sc.seccompProfile?.type === 'Unconfined') add(`${at} must not set securityContext.seccompProfile.type=Unconfined`);
    const added: string[] = sc.capabilities?.add ?? [];
    const allowed = baselineOnly ? BASELINE_CAPABILITIES : ['NET_BIND_SERVICE'];
    const extra = added.filter((cap) => !allowed.includes(cap));
    if (extra.length) add(`${at} must not add capabilities ${JSON.stringify(extra)} (allowed: ${allowed.join(', ')})`);
    if (typeof c.image !== 'string' || !isPinnedImage(c.image)) add(`${at} image ${JSON.stringify(c.image)} must be pinned by tag or digest, and not :latest`);
  }

  // ---- restricted: unless the namespace enforces baseline ----
  if (!baselineOnly) {
    const podNonRoot = psc.runAsNonRoot === true;
    if (psc.runAsUser === 0) add('must not set securityContext.runAsUser=0');
    const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(psc.seccompProfile?.type);
    for (const [at, c] of containers) {
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) add(`${at} must set securityContext.allowPrivilegeEscalation=false`);
      if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot === undefined))) add(`${at} must set securityContext.runAsNonRoot=true (on the pod or the container)`);
      if (sc.runAsUser === 0) add(`${at} must not set securityContext.runAsUser=0`);
      const type = sc.seccompProfile?.type;
      if (!(['RuntimeDefault', 'Localhost'].includes(type) || (podSeccomp && type === undefined))) add(`${at} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost (on the pod or the container)`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) add(`${at} must set securityContext.capabilities.drop=["ALL"]`);
    }
  }

  if (spec.automountServiceAccountToken !== false && pod.metadata.annotations?.[SERVICE_ACCOUNT_TOKEN_ANNOTATION] !== 'required') {
    add(`must set automountServiceAccountToken=false, or annotate the pod template ${SERVICE_ACCOUNT_TOKEN_ANNOTATION}: "required"`);
  }
}

/** `repo:tag`, `repo@sha256:<64 hex>` or both; never a bare repo or `:latest`. */
export function isPinnedImage(image: string): boolean {
  const at = image.indexOf('@');
  if (at >= 0) return /^sha256:[0-9a-f]{64}$/.test(image.slice(at + 1)) && tagOf(image.slice(0, at)) !== 'latest';
  const tag = tagOf(image);
  return tag !== undefined && tag !== '' && tag !== 'latest';
}

function tagOf(ref: string): string | undefined {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

function scanSecrets(value: unknown, at: string, add: (msg: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => scanSecrets(v, `${at}[${i}]`, add));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Obj;
  if (o.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined)) {
    add(`${at ? `${at} is a` : 'is a'} Secret with ${o.data !== undefined ? 'data' : 'stringData'}: plain Secret data must never be committed (use an ExternalSecret or a SecretProviderClass)`);
  }
  for (const [k, v] of Object.entries(o)) scanSecrets(v, at ? `${at}.${k}` : k, add);
}

function scanAnnotations(annotations: Obj, where: string, add: (msg: string) => void): void {
  for (const [key, value] of Object.entries(annotations)) {
    if (key.toLowerCase().includes('snippet')) add(`${where} must not contain a snippet annotation (${key})`);
    if (!key.startsWith(NGINX)) continue;
    const short = key.slice(NGINX.length);
    if (!NGINX_ANNOTATION_ALLOWLIST.includes(short) && !TIMEOUT_KEYS.includes(short)) add(`${where} ${key} is not an allowed ingress-nginx annotation`);
    if (typeof value !== 'string' || !SAFE_VALUE.test(value)) add(`${where} ${key} has an unsafe value ${JSON.stringify(value)}`);
    else if (TIMEOUT_KEYS.includes(short) && !/^[1-9][0-9]*$/.test(value)) add(`${where} ${key} must be whole seconds such as "3600" (ingress-nginx turns ${JSON.stringify(value)} into 60)`);
  }
}

function isClusterOwned(ns: unknown): boolean {
  return typeof ns === 'string' && (ns === 'default' || ns.startsWith('kube-'));
}

function scanCredentials(value: unknown, at: string, add: (msg: string) => void): void {
  if (typeof value === 'string') {
    const what = credentialIn(value);
    if (what) add(`${at || 'a value'} carries ${what}: ${JSON.stringify(redact(value))}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => scanCredentials(v, `${at}[${i}]`, add));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Obj)) scanCredentials(v, at ? `${at}.${k}` : k, add);
}

/** Rule 7 for a file that is not YAML objects (TOPOLOGY.md, nginx-stream.conf): one message per line with a credential. */
export function scanText(name: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const what = credentialIn(line);
    return what ? [`${name}:${i + 1} carries ${what}: ${JSON.stringify(redact(line.trim()))}`] : [];
  });
}
