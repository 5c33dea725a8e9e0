import { Problem } from '../errors';
import { credentialIn, redact } from '../private/credentials';
import {
  ingressPathProblem, isDns1035Label, isDns1123Label, isDns1123Subdomain, isIanaPortName, isIngressHost,
  isLabelValue, isPercent, isPortNumber, isQualifiedName, isStrictSubnet, parseCidr, parseQuantity,
} from '../private/k8s-names';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** One synthesized object with the construct path that produced it. */
export interface SynthObject {
  readonly path: string;
  readonly json: Obj;
}

/**
 * The rules the Kubernetes API server (and the controllers that read these objects) enforce that
 * a JSON schema misses. Each returns problems naming the construct path and the field.
 * Sources: pkg/apis/{apps,core,networking,policy,autoscaling}/validation in kubernetes/kubernetes
 * (https://github.com/kubernetes/kubernetes/tree/master/pkg/apis).
 */
export function checkObject(o: SynthObject): Problem[] {
  const out: Problem[] = [];
  const j = o.json;
  const subject = `${j.kind} ${j.metadata?.namespace ? `${j.metadata.namespace}/` : ''}${j.metadata?.name}`;
  const add = (prop: string, value: unknown, allowed: string, fix: string) => out.push({ path: o.path, subject, prop, value, allowed, fix });

  // ---- metadata ----
  const name = j.metadata?.name;
  if (typeof name !== 'string') {
    add('metadata.name', name, 'be set', 'give the object a name');
    return out;
  }
  if (j.kind === 'Service' || j.kind === 'Namespace') {
    if (!(j.kind === 'Service' ? isDns1035Label(name) : isDns1123Label(name))) {
      add('metadata.name', name, `be a ${j.kind === 'Service' ? 'DNS-1035' : 'DNS-1123'} label (at most 63 characters)`, 'rename the object');
    }
  } else if (!isDns1123Subdomain(name)) {
    add('metadata.name', name, 'be a DNS-1123 subdomain (lowercase, at most 253 characters)', 'rename the object');
  }
  if (j.metadata.namespace !== undefined && !isDns1123Label(j.metadata.namespace)) add('metadata.namespace', j.metadata.namespace, 'be a DNS-1123 label', 'fix the namespace');
  for (const [k, v] of Object.entries<any>(j.metadata.labels ?? {})) {
    if (!isQualifiedName(k)) add(`metadata.labels["${k}"]`, k, 'be a qualified name', 'rename the label');
    if (typeof v !== 'string' || !isLabelValue(v)) add(`metadata.labels["${k}"]`, v, 'be a valid label value (at most 63 characters)', 'shorten or clean it');
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries<any>(j.metadata.annotations ?? {})) {
    if (!isQualifiedName(k)) add(`metadata.annotations["${k}"]`, k, 'be a qualified name', 'rename the annotation');
    if (typeof v !== 'string') add(`metadata.annotations["${k}"]`, v, 'be a string', 'quote the value');
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
    if (k.includes('snippet')) add(`metadata.annotations["${k}"]`, k, 'not be a snippet annotation', 'remove it');
  }
  // apimachinery ValidateAnnotationsSize: keys plus values, in bytes, at most TotalAnnotationSizeLimitB.
  if (annotationBytes > 262144) add('metadata.annotations', `${annotationBytes} bytes`, 'total at most 262144 bytes (256 KiB, keys plus values as UTF-8: the API server\'s TotalAnnotationSizeLimitB)', 'move the data out of annotations, e.g. into a ConfigMap');

  checkOwnership(j, add);
  if (j.kind !== 'Secret') checkNoCredentials(j, add);

  switch (j.kind) {
    case 'Deployment': case 'DaemonSet': case 'StatefulSet':
      checkWorkload(j, add);
      break;
    case 'Service':
      checkService(j, add);
      break;
    case 'Ingress':
      checkIngress(j, add);
      break;
    case 'HorizontalPodAutoscaler':
      checkHpa(j, add);
      break;
    case 'PodDisruptionBudget':
      checkPdb(j, add);
      break;
    case 'NetworkPolicy':
      checkNetworkPolicy(j, add);
      break;
    case 'HTTPRoute':
      if (String(j.apiVersion).startsWith('gateway.networking.k8s.io/')) checkHttpRoute(j, add);
      break;
    case 'IngressRoute':
      if (String(j.apiVersion).startsWith('traefik.io/')) checkIngressRoute(j, add);
      break;
    case 'ConfigMap':
      if (j.apiVersion === 'v1') checkConfigMap(j, add);
      break;
    case 'Secret':
      if (j.data !== undefined || j.stringData !== undefined) {
        add('data', '<redacted>', 'not be written to dist/: Secret data would be committed to git in plain text (base64 is not encryption)', 'use an ExternalSecret or a SecretProviderClass');
      }
      break;
    default:
  }
  return out;
}

type Add = (prop: string, value: unknown, allowed: string, fix: string) => void;

/** v1.MaxSecretSize, the limit of a ConfigMap's data and binaryData together (and of a Secret's). */
const MAX_CONFIGMAP_BYTES = 1024 * 1024;

/**
 * ValidateConfigMap (pkg/apis/core/validation): every key of data and binaryData is a config key
 * (apimachinery IsConfigMapKey: [-._a-zA-Z0-9]+, at most 253 characters, not `.`, `..` or `..x`),
 * no key is in both, and the values total at most 1 MiB (UTF-8 bytes of data, decoded bytes of
 * binaryData). The schema check does not know these rules: the API server refuses the object.
 */
function checkConfigMap(j: Obj, add: Add): void {
  let bytes = 0;
  const data: Obj = j.data && typeof j.data === 'object' ? j.data : {};
  const binary: Obj = j.binaryData && typeof j.binaryData === 'object' ? j.binaryData : {};
  for (const [field, bag, other] of [['data', data, binary], ['binaryData', binary, data]] as const) {
    for (const [k, v] of Object.entries<unknown>(bag)) {
      const at = `${field}["${k}"]`;
      const bad = k.length > 253 ? 'be at most 253 characters'
        : !/^[-._a-zA-Z0-9]+$/.test(k) ? 'be a config key: letters, digits, "-", "_" and "." only (it becomes a file name in a volume)'
        : k === '.' || k.startsWith('..') ? 'not be "." or start with ".." (it becomes a file name in a volume)'
        : undefined;
      if (bad) add(at, k, bad, `rename the key, e.g. ${JSON.stringify(k.replace(/^\.+/, '').replace(/[^-._a-zA-Z0-9]+/g, '-').slice(0, 253) || 'config')}`);
      if (field === 'data' && Object.prototype.hasOwnProperty.call(other, k)) add(at, k, 'not also be a key of binaryData', 'keep the key in one of data and binaryData');
      if (typeof v === 'string') bytes += field === 'data' ? Buffer.byteLength(v) : Buffer.from(v, 'base64').length;
    }
  }
  if (bytes > MAX_CONFIGMAP_BYTES) {
    add('data', `${bytes} bytes`, `total at most ${MAX_CONFIGMAP_BYTES} bytes (1 MiB, data and binaryData together: the API server's limit for a ConfigMap)`, 'split the data into several ConfigMaps, or ship large files in the image or a volume');
  }
}

/** Nothing inside `kube-*`: those namespaces belong to the cluster and its add-ons. */
function checkOwnership(j: Obj, add: Add): void {
  // A Namespace object for default or kube-* is refused by the folder rules (checkFolder).
  const ns = j.metadata?.namespace;
  if (typeof ns === 'string' && ns.startsWith('kube-')) {
    add('metadata.namespace', ns, 'not be a kube-* namespace: those belong to the cluster and its add-ons', 'deploy into a namespace of your own');
  }
}

/**
 * No credential in any string of the object (they would be committed to dist/ in plain text).
 * The path of a string (`spec.template.spec.containers[0].env[1].value`) is built only for a hit:
 * this walks every string of every object.
 */
function checkNoCredentials(v: unknown, add: Add, at: Array<string | number> = [], depth = 0): void {
  if (depth > 40) return;
  if (typeof v === 'string') {
    const what = credentialIn(v);
    if (what) add(fieldPath(at), redact(v), `carry no credential (found ${what}): dist/ is committed in plain text`, 'load the value from a Secret (ExternalSecretSource, KeyVaultSecretProviderClass or SecretMount.envFromSecret)');
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      at.push(i);
      checkNoCredentials(v[i], add, at, depth + 1);
      at.pop();
    }
    return;
  }
  for (const k in v as Obj) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    at.push(k);
    checkNoCredentials((v as Obj)[k], add, at, depth + 1);
    at.pop();
  }
}

/** `a.b[0]["x.y"]`: array indexes in brackets, keys that are not identifiers quoted. */
function fieldPath(at: ReadonlyArray<string | number>): string {
  let out = '';
  for (const k of at) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `["${k}"]`;
  }
  return out;
}

function matches(selector: Obj | undefined, labels: Obj | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

function checkWorkload(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  const sel = spec.selector?.matchLabels;
  if (!sel || Object.keys(sel).length === 0) add('spec.selector', sel, 'be non-empty', 'select the pods by label');
  else if (!matches(sel, spec.template?.metadata?.labels)) add('spec.selector.matchLabels', sel, 'match spec.template.metadata.labels', 'make the template carry every selector label');
  const ru = spec.strategy?.rollingUpdate;
  if (ru && (ru.maxSurge === 0 || ru.maxSurge === '0%') && (ru.maxUnavailable === 0 || ru.maxUnavailable === '0%')) {
    add('spec.strategy.rollingUpdate', ru, 'not have both maxSurge and maxUnavailable at 0', 'set maxSurge: 1');
  }
  if (spec.progressDeadlineSeconds !== undefined && spec.minReadySeconds !== undefined && spec.progressDeadlineSeconds <= spec.minReadySeconds) {
    add('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, `be greater than minReadySeconds (${spec.minReadySeconds})`, 'raise it');
  }
  const pod = spec.template?.spec ?? {};
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const names = new Set<string>();
  const containers: Obj[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  containers.forEach((c, i) => {
    const at = `spec.template.spec.containers[${i}]`;
    if (!isDns1123Label(c.name ?? '')) add(`${at}.name`, c.name, 'be a DNS-1123 label', 'rename the container');
    if (names.has(c.name)) add(`${at}.name`, c.name, 'be unique in the pod', 'rename the container');
    names.add(c.name);
    const portNames = new Set<string>();
    const portKeys = new Set<string>();
    for (const [k, p] of (c.ports ?? []).entries()) {
      if (!isPortNumber(p.containerPort)) add(`${at}.ports[${k}].containerPort`, p.containerPort, 'be from 1 to 65535', 'fix the port');
      if (p.name !== undefined) {
        if (!isIanaPortName(p.name)) add(`${at}.ports[${k}].name`, p.name, 'be an IANA port name (at most 15 characters)', 'shorten the name');
        if (portNames.has(p.name)) add(`${at}.ports[${k}].name`, p.name, 'be unique in the container', 'rename the port');
        portNames.add(p.name);
      }
      const key = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
      if (portKeys.has(key)) add(`${at}.ports[${k}]`, key, 'be unique (port and protocol)', 'remove the duplicate');
      portKeys.add(key);
    }
    for (const probeKind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const probe = c[probeKind];
      if (!probe) continue;
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
      if (typeof port === 'string' && !portNames.has(port)) add(`${at}.${probeKind}.port`, port, `name a port of the container (${[...portNames].join(', ')})`, 'probe an exposed port');
      if (typeof port === 'number' && !(c.ports ?? []).some((p: Obj) => p.containerPort === port)) add(`${at}.${probeKind}.port`, port, 'be a declared container port', 'probe an exposed port');
      if (probeKind !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 1) add(`${at}.${probeKind}.successThreshold`, probe.successThreshold, 'be 1', 'set it to 1');
    }
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const res of Object.keys(req)) {
      const r = parseQuantity(req[res]);
      const l = lim[res] !== undefined ? parseQuantity(lim[res]) : undefined;
      if (r === undefined) add(`${at}.resources.requests.${res}`, req[res], 'be a valid quantity', 'fix the quantity');
      else if (l !== undefined && r > l) add(`${at}.resources.requests.${res}`, req[res], `not exceed the limit (${lim[res]})`, 'lower the request or raise the limit');
    }
    const sleep = c.lifecycle?.preStop?.sleep?.seconds;
    if (sleep !== undefined && (sleep < 0 || sleep > grace)) add(`${at}.lifecycle.preStop.sleep.seconds`, sleep, `be from 0 to terminationGracePeriodSeconds (${grace})`, 'shorten the sleep or raise the grace period');
    const envNames = new Set<string>();
    for (const e of c.env ?? []) {
      if (envNames.has(e.name)) add(`${at}.env`, e.name, 'not repeat a variable', 'remove the duplicate');
      envNames.add(e.name);
    }
  });
}

function checkService(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  const ports: Obj[] = spec.ports ?? [];
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) add(`${at}.name`, p.name, 'be set when a Service has more than one port', 'name the port');
    if (p.name !== undefined) {
      // Service port names are DNS-1123 labels, but an Ingress can only refer to names of at most 15 characters.
      if (!isIanaPortName(p.name)) add(`${at}.name`, p.name, 'be an IANA port name of at most 15 characters (Ingress backends cannot refer to longer ones)', 'shorten the name');
      if (names.has(p.name)) add(`${at}.name`, p.name, 'be unique', 'rename the port');
      names.add(p.name);
    }
    if (!isPortNumber(p.port)) add(`${at}.port`, p.port, 'be from 1 to 65535', 'fix the port');
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) add(`${at}.port`, key, 'be unique per protocol', 'remove the duplicate');
    keys.add(key);
    if (typeof p.targetPort === 'string' && !isIanaPortName(p.targetPort)) add(`${at}.targetPort`, p.targetPort, 'be an IANA port name', 'fix the name');
  });
  if (spec.externalTrafficPolicy !== undefined && spec.type !== 'LoadBalancer' && spec.type !== 'NodePort') {
    add('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'only be set on LoadBalancer or NodePort Services', 'remove it');
  }
  if (spec.type === 'LoadBalancer' && new Set(ports.map((p) => p.protocol ?? 'TCP')).size > 1) {
    add('spec.ports', ports.map((p) => p.protocol ?? 'TCP'), 'use one protocol per LoadBalancer Service (mixed-protocol load balancers depend on the cloud)', 'split TCP and UDP into two Services');
  }
}

function checkIngress(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  const cls = j.metadata.annotations?.['kubernetes.io/ingress.class'];
  if (cls !== undefined && spec.ingressClassName !== undefined && cls !== spec.ingressClassName) {
    add('metadata.annotations["kubernetes.io/ingress.class"]', cls, `equal spec.ingressClassName (${spec.ingressClassName})`, 'remove the annotation');
  }
  if (!spec.rules?.length && !spec.defaultBackend) add('spec.rules', spec.rules, 'be set (or a defaultBackend)', 'add a rule');
  (spec.rules ?? []).forEach((r: Obj, i: number) => {
    if (r.host !== undefined && !isIngressHost(r.host)) add(`spec.rules[${i}].host`, r.host, 'be a DNS name, not an IP address', 'use a host name');
    if (r.http && !(r.http.paths?.length)) add(`spec.rules[${i}].http.paths`, r.http.paths, 'list at least one path', 'add a path');
    (r.http?.paths ?? []).forEach((p: Obj, k: number) => {
      const at = `spec.rules[${i}].http.paths[${k}]`;
      if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(p.pathType)) add(`${at}.pathType`, p.pathType, 'be Exact, Prefix or ImplementationSpecific', 'set pathType');
      if (p.pathType !== 'ImplementationSpecific') {
        const why = ingressPathProblem(p.path ?? '');
        if (why) add(`${at}.path`, p.path, why, 'fix the path');
      }
      const svc = p.backend?.service;
      if (svc) {
        if (!isDns1035Label(svc.name ?? '')) add(`${at}.backend.service.name`, svc.name, 'be a DNS-1035 label', 'fix the Service name');
        const hasName = svc.port?.name !== undefined;
        const hasNumber = svc.port?.number !== undefined;
        if (hasName === hasNumber) add(`${at}.backend.service.port`, svc.port, 'set exactly one of name and number', 'fix the port');
        if (hasName && !isIanaPortName(svc.port.name)) add(`${at}.backend.service.port.name`, svc.port.name, 'be an IANA port name (at most 15 characters)', 'fix the port name');
        if (hasNumber && !isPortNumber(svc.port.number)) add(`${at}.backend.service.port.number`, svc.port.number, 'be from 1 to 65535', 'fix the port');
      }
    });
  });
  (spec.tls ?? []).forEach((t: Obj, i: number) => {
    (t.hosts ?? []).forEach((h: string, k: number) => { if (!isIngressHost(h)) add(`spec.tls[${i}].hosts[${k}]`, h, 'be a DNS name', 'fix the host'); });
    if (t.secretName !== undefined && !isDns1123Subdomain(t.secretName)) add(`spec.tls[${i}].secretName`, t.secretName, 'be a valid Secret name', 'fix the name');
  });
  for (const key of ['proxy-read-timeout', 'proxy-send-timeout', 'proxy-connect-timeout']) {
    const v = j.metadata.annotations?.[`nginx.ingress.kubernetes.io/${key}`];
    if (v !== undefined && !/^[1-9][0-9]{0,4}$/.test(v)) {
      add(`metadata.annotations["nginx.ingress.kubernetes.io/${key}"]`, v, 'be a plain integer number of seconds such as "3600" (ingress-nginx silently replaces anything else with 60)', 'drop the unit');
    }
  }
}

function checkHpa(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) add('spec.minReplicas', spec.minReplicas, 'be at least 1', 'raise it');
  if (!(spec.maxReplicas >= 1)) add('spec.maxReplicas', spec.maxReplicas, 'be at least 1', 'raise it');
  if (spec.maxReplicas < (spec.minReplicas ?? 1)) add('spec.maxReplicas', spec.maxReplicas, `be at least minReplicas (${spec.minReplicas})`, 'raise maxReplicas');
  if (!spec.scaleTargetRef?.name) add('spec.scaleTargetRef', spec.scaleTargetRef, 'name a target', 'set scaleTargetRef');
  for (const dir of ['scaleUp', 'scaleDown']) {
    const b = spec.behavior?.[dir];
    if (!b) continue;
    const w = b.stabilizationWindowSeconds;
    if (w !== undefined && (w < 0 || w > 3600)) add(`spec.behavior.${dir}.stabilizationWindowSeconds`, w, 'be from 0 to 3600', 'fix the window');
    if (b.policies !== undefined && b.policies.length === 0) add(`spec.behavior.${dir}.policies`, b.policies, 'list at least one policy', 'add a policy');
    (b.policies ?? []).forEach((p: Obj, i: number) => {
      if (!['Pods', 'Percent'].includes(p.type)) add(`spec.behavior.${dir}.policies[${i}].type`, p.type, 'be Pods or Percent', 'fix the type');
      if (!(p.value > 0)) add(`spec.behavior.${dir}.policies[${i}].value`, p.value, 'be greater than 0', 'fix the value');
      if (!(p.periodSeconds >= 1 && p.periodSeconds <= 1800)) add(`spec.behavior.${dir}.policies[${i}].periodSeconds`, p.periodSeconds, 'be from 1 to 1800', 'fix the period');
    });
    if (b.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(b.selectPolicy)) add(`spec.behavior.${dir}.selectPolicy`, b.selectPolicy, 'be Max, Min or Disabled', 'fix it');
  }
}

function checkPdb(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  const hasMin = spec.minAvailable !== undefined;
  const hasMax = spec.maxUnavailable !== undefined;
  if (hasMin === hasMax) add('spec', { minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable }, 'set exactly one of minAvailable and maxUnavailable', 'keep one');
  for (const k of ['minAvailable', 'maxUnavailable']) {
    const v = spec[k];
    if (v === undefined) continue;
    const ok = typeof v === 'number' ? Number.isInteger(v) && v >= 0 : typeof v === 'string' && isPercent(v) && Number(v.slice(0, -1)) <= 100;
    if (!ok) add(`spec.${k}`, v, 'be a non-negative integer or a percentage up to 100%', 'fix the value');
  }
  if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' || spec.minAvailable === '100%') {
    add('spec', spec.maxUnavailable ?? spec.minAvailable, 'allow at least one disruption (node drains would hang)', 'use maxUnavailable: 1');
  }
  if (!spec.selector?.matchLabels || Object.keys(spec.selector.matchLabels).length === 0) add('spec.selector', spec.selector, 'select pods', 'set matchLabels');
}

/** Gateway API duration (GEP-2257): e.g. `1h`, `30s`, `500ms`, `0s`. */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

function gatewayMillis(d: string): number {
  let ms = 0;
  for (const [, n, u] of d.matchAll(/([0-9]+)(h|ms|m|s)/g)) ms += Number(n) * { h: 3600000, m: 60000, s: 1000, ms: 1 }[u as 'h' | 'm' | 's' | 'ms'];
  return ms;
}

/** The essential CRD rules of a Gateway API HTTPRoute (no OpenAPI model ships for it). */
function checkHttpRoute(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  if (!(spec.parentRefs?.length)) add('spec.parentRefs', spec.parentRefs, 'list the Gateway the route attaches to', 'add a parentRef');
  if ((spec.hostnames ?? []).length > 16) add('spec.hostnames', spec.hostnames, 'list at most 16 hostnames', 'split the route');
  (spec.hostnames ?? []).forEach((h: string, i: number) => { if (!isIngressHost(h)) add(`spec.hostnames[${i}]`, h, 'be a DNS name (or "*." and one), not an IP address', 'fix the host'); });
  if ((spec.rules ?? []).length > 16) add('spec.rules', `${spec.rules.length} rules`, 'hold at most 16 rules', 'split the route');
  (spec.rules ?? []).forEach((r: Obj, i: number) => {
    const at = `spec.rules[${i}]`;
    (r.matches ?? []).forEach((m: Obj, k: number) => {
      const p = m.path;
      if (p && !['Exact', 'PathPrefix', 'RegularExpression'].includes(p.type)) add(`${at}.matches[${k}].path.type`, p.type, 'be Exact, PathPrefix or RegularExpression', 'fix the type');
      if (p && p.type !== 'RegularExpression' && !String(p.value ?? '').startsWith('/')) add(`${at}.matches[${k}].path.value`, p.value, 'start with "/"', 'fix the path');
    });
    (r.backendRefs ?? []).forEach((b: Obj, k: number) => {
      if ((b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '' && !isPortNumber(b.port)) add(`${at}.backendRefs[${k}].port`, b.port, 'be a port number from 1 to 65535 (required for a Service)', 'give the Service port by number');
    });
    const t = r.timeouts;
    if (t) {
      for (const k of ['request', 'backendRequest']) {
        if (t[k] !== undefined && !GATEWAY_DURATION.test(t[k])) add(`${at}.timeouts.${k}`, t[k], 'be a Gateway API duration such as "60s" or "1h" (GEP-2257)', 'fix the duration');
      }
      if (t.request !== undefined && t.backendRequest !== undefined && GATEWAY_DURATION.test(t.request) && GATEWAY_DURATION.test(t.backendRequest)) {
        const req = gatewayMillis(t.request);
        const be = gatewayMillis(t.backendRequest);
        if (req !== 0 && (be === 0 || be > req)) add(`${at}.timeouts.backendRequest`, t.backendRequest, `be at most timeouts.request (${t.request})`, 'lower backendRequest or raise request');
      }
    }
  });
}

/** The essential CRD rules of a Traefik IngressRoute (no OpenAPI model ships for it). */
function checkIngressRoute(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  if (!(spec.routes?.length)) add('spec.routes', spec.routes, 'list at least one route', 'add a route');
  (spec.routes ?? []).forEach((r: Obj, i: number) => {
    const at = `spec.routes[${i}]`;
    if (typeof r.match !== 'string' || r.match === '') add(`${at}.match`, r.match, 'be a Traefik rule such as Host(`a.example.com`)', 'set the rule');
    if (r.kind !== undefined && r.kind !== 'Rule') add(`${at}.kind`, r.kind, 'be "Rule"', 'fix the kind');
    (r.services ?? []).forEach((s: Obj, k: number) => {
      if ((s.kind ?? 'Service') === 'Service' && s.port === undefined) add(`${at}.services[${k}].port`, s.port, 'be set for a Kubernetes Service', 'set the Service port');
    });
  });
}

function checkNetworkPolicy(j: Obj, add: Add): void {
  const spec = j.spec ?? {};
  for (const t of spec.policyTypes ?? []) if (!['Ingress', 'Egress'].includes(t)) add('spec.policyTypes', t, 'be Ingress or Egress', 'fix it');
  for (const dir of ['ingress', 'egress']) {
    (spec[dir] ?? []).forEach((rule: Obj, i: number) => {
      for (const [k, peer] of (rule[dir === 'ingress' ? 'from' : 'to'] ?? []).entries()) {
        const at = `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${k}]`;
        const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((x) => peer[x] !== undefined);
        if (kinds.length === 0) add(at, peer, 'set podSelector, namespaceSelector or ipBlock', 'fix the peer');
        if (peer.ipBlock && kinds.length > 1) add(at, peer, 'not combine ipBlock with a selector', 'split the peer');
        if (peer.ipBlock) {
          if (!parseCidr(peer.ipBlock.cidr)) add(`${at}.ipBlock.cidr`, peer.ipBlock.cidr, 'be a valid CIDR', 'fix it');
          for (const e of peer.ipBlock.except ?? []) if (!isStrictSubnet(e, peer.ipBlock.cidr)) add(`${at}.ipBlock.except`, e, `be a strict subset of ${peer.ipBlock.cidr}`, 'fix it');
        }
      }
      (rule.ports ?? []).forEach((p: Obj, k: number) => {
        const at = `spec.${dir}[${i}].ports[${k}]`;
        if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) add(`${at}.protocol`, p.protocol, 'be TCP, UDP or SCTP', 'fix it');
        if (typeof p.port === 'number' && !isPortNumber(p.port)) add(`${at}.port`, p.port, 'be from 1 to 65535', 'fix it');
        if (typeof p.port === 'string' && !isIanaPortName(p.port)) add(`${at}.port`, p.port, 'be an IANA port name', 'fix it');
        if (p.endPort !== undefined && (typeof p.port !== 'number' || p.endPort < p.port)) add(`${at}.endPort`, p.endPort, 'be at least a numeric port', 'fix the range');
      });
    });
  }
}

/**
 * Rules across the objects of one chart: Services and PDBs select pods that exist, Ingresses point
 * at Service ports that exist, HPAs target a workload that exists.
 */
export function checkChart(objects: SynthObject[]): Problem[] {
  const out: Problem[] = [];
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.json.kind));
  const services = objects.filter((o) => o.json.kind === 'Service');
  const subject = (j: Obj) => `${j.kind} ${j.metadata.namespace ? `${j.metadata.namespace}/` : ''}${j.metadata.name}`;
  const podsIn = (ns: string) => workloads.filter((w) => w.json.metadata.namespace === ns);
  for (const o of objects) {
    const j = o.json;
    const ns = j.metadata?.namespace;
    const add = (prop: string, value: unknown, allowed: string, fix: string) => out.push({ path: o.path, subject: subject(j), prop, value, allowed, fix });
    const candidates = podsIn(ns);
    if (candidates.length === 0) continue; // selects pods someone else deploys (e.g. a PaaS)
    const selects = (sel: Obj | undefined) => candidates.some((w) => matches(sel, w.json.spec?.template?.metadata?.labels));
    if (j.kind === 'Service' && j.spec?.selector && !selects(j.spec.selector)) add('spec.selector', j.spec.selector, 'select the pods of a workload in the same namespace', 'fix the selector');
    if (j.kind === 'PodDisruptionBudget' && !selects(j.spec?.selector?.matchLabels)) add('spec.selector', j.spec?.selector, 'select the pods of a workload in the same namespace', 'fix the selector');
    if (j.kind === 'NetworkPolicy' && Object.keys(j.spec?.podSelector?.matchLabels ?? {}).length > 0 && !selects(j.spec.podSelector.matchLabels)) add('spec.podSelector', j.spec.podSelector, 'select the pods of a workload in the same namespace', 'fix the selector');
    if (['Deployment', 'StatefulSet'].includes(j.kind)) checkSpreadVsReplicas(j, objects, add);
    if (j.kind === 'HorizontalPodAutoscaler') {
      const ref = j.spec?.scaleTargetRef ?? {};
      if (!workloads.some((w) => w.json.kind === ref.kind && w.json.metadata.name === ref.name && w.json.metadata.namespace === ns)) add('spec.scaleTargetRef', ref, 'name a workload in the same namespace', 'fix the target');
    }
    if (j.kind === 'Ingress') {
      (j.spec?.rules ?? []).forEach((r: Obj, i: number) => (r.http?.paths ?? []).forEach((p: Obj, k: number) => {
        const svc = p.backend?.service;
        const target = services.find((s) => s.json.metadata.name === svc?.name && s.json.metadata.namespace === ns);
        if (!svc || !target) return; // a Service owned by someone else
        const ports: Obj[] = target.json.spec?.ports ?? [];
        const ok = ports.some((sp) => (svc.port?.name !== undefined ? sp.name === svc.port.name : sp.port === svc.port?.number) && (sp.protocol ?? 'TCP') === 'TCP');
        if (!ok) add(`spec.rules[${i}].http.paths[${k}].backend.service.port`, svc.port, `name a TCP port of Service ${svc.name} (${ports.map((sp) => `${sp.name ?? ''}:${sp.port}/${sp.protocol ?? 'TCP'}`).join(', ')})`, 'point at an existing TCP port');
      }));
    }
  }
  return out;
}

/** Regions of the big clouds have 3 zones; a rule that needs a zone count assumes this. */
export const ASSUMED_ZONES = 3;

/**
 * Spread versus replicas: required pod anti-affinity across zones allows one pod per zone, so more
 * replicas than zones (fixed, or an HPA maximum) leave pods Pending forever. This is the trap of
 * cdk8s-plus `spread: true` under an HPA (e.g. an HPA of 4-15 in a 3-zone region).
 */
function checkSpreadVsReplicas(j: Obj, objects: SynthObject[], add: Add): void {
  const required: Obj[] = j.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const labels = j.spec?.template?.metadata?.labels;
  const hpa = objects.find((o) => o.json.kind === 'HorizontalPodAutoscaler' && o.json.metadata?.namespace === j.metadata.namespace
    && o.json.spec?.scaleTargetRef?.kind === j.kind && o.json.spec?.scaleTargetRef?.name === j.metadata.name);
  const max: number = hpa ? hpa.json.spec.maxReplicas : (j.spec?.replicas ?? 1);
  required.forEach((term: Obj, i: number) => {
    if (term.topologyKey !== 'topology.kubernetes.io/zone' || !matches(term.labelSelector?.matchLabels, labels)) return;
    if (max > ASSUMED_ZONES) {
      add(`spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, term.topologyKey,
        `allow every replica to schedule: required anti-affinity across zones places at most one pod per zone, but up to ${max} replicas can run${hpa ? ` (HPA ${hpa.json.metadata.name} maxReplicas)` : ''}; with ${ASSUMED_ZONES} zones, ${max - ASSUMED_ZONES} stay Pending`,
        'spread with topologySpreadConstraints and whenUnsatisfiable: ScheduleAnyway (RealtimeService `spread`), or use preferred anti-affinity');
    }
  });
}

/**
 * Every namespace the objects of one folder name must be owned there (a Namespace object in the
 * same folder) or declared external, so the folder applies to a cluster on its own; and no folder
 * emits a Namespace object for `default`, `kube-*` or a namespace it declares external.
 * One problem per namespace, on the first object that uses it.
 * @param external the app's external namespaces (name -> who creates it)
 * @param dir the folder, for messages (e.g. `mentra-cloud/us-central/prod`)
 */
export function checkNamespaceOwnership(objects: SynthObject[], external: ReadonlyMap<string, string>, dir: string): Problem[] {
  const out: Problem[] = [];
  const subjectOf = (j: Obj) => `${j.kind} ${j.metadata?.namespace ? `${j.metadata.namespace}/` : ''}${j.metadata?.name}`;
  const owned = new Set<string>();
  for (const o of objects) {
    if (o.json.apiVersion !== 'v1' || o.json.kind !== 'Namespace') continue;
    const name = o.json.metadata?.name;
    owned.add(name);
    if (name === 'default' || String(name).startsWith('kube-')) {
      out.push({ path: o.path, subject: subjectOf(o.json), prop: 'metadata.name', value: name, allowed: 'not be "default" or "kube-*": those namespaces belong to the cluster, and emitting one takes it over (its labels) and prunes it with the app',
        fix: `remove the Namespace object and declare the namespace in the AppSpec: externalNamespaces: [{ name: "${name}", owner: "the cluster" }]` });
    } else if (external.has(name)) {
      out.push({ path: o.path, subject: subjectOf(o.json), prop: 'metadata.name', value: name, allowed: `not be a namespace the app declares external (created by ${external.get(name)})`,
        fix: 'remove the Namespace object, or remove the namespace from externalNamespaces if the app owns it' });
    }
  }
  const reported = new Set<string>();
  for (const o of objects) {
    const ns = o.json.metadata?.namespace;
    if (typeof ns !== 'string' || owned.has(ns) || external.has(ns) || reported.has(ns)) continue;
    reported.add(ns);
    out.push({ path: o.path, subject: subjectOf(o.json), prop: 'metadata.namespace', value: ns,
      allowed: `be a namespace that dist/${dir}/ owns (a Namespace object in the same folder) or that the app declares external, so the folder applies to a cluster on its own`,
      fix: `if the app owns "${ns}", add new OwnedNamespace(chart, 'Namespace'${isDns1123Label(ns) ? `, { name: "${ns}" }` : ''}); if someone else creates it, add { name: "${ns}", owner: "<who>" } to the AppSpec's externalNamespaces` });
  }
  return out;
}