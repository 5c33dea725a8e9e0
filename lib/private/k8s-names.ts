// Validation rules of the Kubernetes API server that a JSON schema does not carry.
// Sources: k8s.io/apimachinery/pkg/util/validation/validation.go and pkg/apis/*/validation
// (https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go;
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const WILDCARD_HOST = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}
export function isWildcardHost(s: string): boolean {
  return s.length <= 253 && WILDCARD_HOST.test(s);
}
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}
/** Label and annotation keys: optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  if (parts.length === 2) return parts[0].length > 0 && isDns1123Subdomain(parts[0]);
  return true;
}
/** IANA_SVC_NAME: container port names, targetPort names, Ingress and NetworkPolicy named ports. */
export function isIanaPortName(s: string): boolean {
  return s.length > 0 && s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s)
    && !s.includes('--') && !s.startsWith('-') && !s.endsWith('-');
}
export function isPortNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}
export function isIpAddress(s: string): boolean {
  const m = IPV4.exec(s);
  if (m) return m.slice(1).every((o) => Number(o) <= 255);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}
/**
 * A DNS name whose last label is all digits (`300.1.2.3`, `10.0.0.256`): no top-level domain is
 * numeric (RFC 3696 section 2), so it is a mistyped IPv4 address, never a host name.
 */
export function hasNumericTld(s: string): boolean {
  return /(^|\.)[0-9]+$/.test(s);
}

/** Ingress host: a DNS-1123 subdomain or `*.` plus one, never an IP address or a mistyped one. */
export function isIngressHost(s: string): boolean {
  return !isIpAddress(s) && !hasNumericTld(s) && (isDns1123Subdomain(s) || isWildcardHost(s));
}

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
/** ingress-nginx strict-validate-path-type (on by default since v1.12): alphanumerics, `.`, `_`, `-`, `/`. */
const NGINX_STRICT_PATH = /^\/[A-Za-z0-9._\-/]*$/;

/** Why an Ingress path (Exact or Prefix) is invalid, or undefined when it is valid. */
export function ingressPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'start with "/"';
  for (const seq of INVALID_PATH_SEQUENCES) {
    if (path.includes(seq)) return `not contain "${seq}"`;
  }
  for (const suffix of INVALID_PATH_SUFFIXES) {
    if (path.endsWith(suffix)) return `not end with "${suffix}"`;
  }
  if (!NGINX_STRICT_PATH.test(path)) return 'contain only letters, digits, ".", "_", "-" and "/" (ingress-nginx strict path validation)';
  return undefined;
}

/** A Kubernetes percent string such as `50%`. */
export function isPercent(s: string): boolean {
  return /^[0-9]+%$/.test(s);
}

/** Parses an IPv4 CIDR into [network as uint32, prefix length], or undefined. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const [ip, len] = cidr.split('/');
  const m = IPV4.exec(ip ?? '');
  const prefix = Number(len);
  if (!m || len === undefined || !/^\d{1,2}$/.test(len) || prefix > 32) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  return [addr >>> 0, prefix];
}

/** True when `inner` is a strict subset of `outer` (both IPv4 CIDRs). */
export function isStrictSubnet(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b) return false;
  if (a[1] <= b[1]) return false;
  const mask = b[1] === 0 ? 0 : (~0 << (32 - b[1])) >>> 0;
  return ((a[0] & mask) >>> 0) === ((b[0] & mask) >>> 0);
}

const QUANTITY = /^([+-]?[0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[0-9]+|E[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};
/** Parses a Kubernetes quantity (`500m`, `2Gi`, `1.5`) into a number, or undefined if malformed. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q);
  if (!m || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return undefined;
  const suffix = m[2] ?? '';
  const mult = suffix.startsWith('e') || (suffix.startsWith('E') && suffix.length > 1) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * mult;
}
