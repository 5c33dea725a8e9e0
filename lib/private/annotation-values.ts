// The value kinds of the ingress-nginx annotations user code may set (NGINX_ANNOTATION_ALLOWLIST
// in routing.ts). ingress-nginx ignores an annotation whose value it cannot parse, or falls back to
// its default, without telling anyone: a `whitelist-source-range` of "10.0.0.0/33" allows nothing
// it was meant to, a `proxy-body-size` of "8 MB" keeps the 1m default.
// Source: https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
import { isIpAddress, parseCidr } from './k8s-names';

const SIZE = /^[0-9]+[kKmMgG]?$/;
const WHOLE = /^[0-9]+$/;
const BOOL = ['true', 'false'];

/** annotation (without the prefix) -> [what is allowed, test]. */
const KINDS: Record<string, [string, (v: string) => boolean]> = {
  'whitelist-source-range': ['be a comma-separated list of CIDRs such as "10.0.0.0/8,203.0.113.0/24"', cidrList],
  'allowlist-source-range': ['be a comma-separated list of CIDRs such as "10.0.0.0/8,203.0.113.0/24"', cidrList],
  'denylist-source-range': ['be a comma-separated list of CIDRs such as "10.0.0.0/8,203.0.113.0/24"', cidrList],
  'proxy-body-size': ['be an nginx size such as "8m" (a number with an optional k, m or g, no space)', (v) => SIZE.test(v)],
  'client-body-buffer-size': ['be an nginx size such as "16k"', (v) => SIZE.test(v)],
  'proxy-buffer-size': ['be an nginx size such as "8k"', (v) => SIZE.test(v)],
  'limit-rps': ['be a whole number of requests per second', (v) => WHOLE.test(v)],
  'limit-rpm': ['be a whole number of requests per minute', (v) => WHOLE.test(v)],
  'limit-connections': ['be a whole number of connections', (v) => WHOLE.test(v)],
  'limit-burst-multiplier': ['be a whole number', (v) => WHOLE.test(v)],
  'proxy-next-upstream-tries': ['be a whole number', (v) => WHOLE.test(v)],
  'proxy-next-upstream-timeout': ['be whole seconds such as "10"', (v) => WHOLE.test(v)],
  'session-cookie-max-age': ['be whole seconds such as "172800"', (v) => WHOLE.test(v)],
  'session-cookie-expires': ['be whole seconds such as "172800"', (v) => WHOLE.test(v)],
  'cors-max-age': ['be whole seconds such as "1728000"', (v) => WHOLE.test(v)],
  'ssl-redirect': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'force-ssl-redirect': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'enable-cors': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'cors-allow-credentials': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'service-upstream': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'session-cookie-secure': ['be "true" or "false"', (v) => BOOL.includes(v)],
  'proxy-buffering': ['be "on" or "off"', (v) => v === 'on' || v === 'off'],
  'proxy-request-buffering': ['be "on" or "off"', (v) => v === 'on' || v === 'off'],
  'proxy-http-version': ['be "1.0" or "1.1"', (v) => v === '1.0' || v === '1.1'],
  'backend-protocol': ['be one of HTTP, HTTPS, GRPC, GRPCS, FCGI, AUTO_HTTP', (v) => ['HTTP', 'HTTPS', 'GRPC', 'GRPCS', 'FCGI', 'AUTO_HTTP'].includes(v)],
  'affinity': ['be "cookie"', (v) => v === 'cookie'],
  'affinity-mode': ['be "balanced" or "persistent"', (v) => v === 'balanced' || v === 'persistent'],
  'load-balance': ['be "round_robin" or "ewma"', (v) => v === 'round_robin' || v === 'ewma'],
  'session-cookie-samesite': ['be "None", "Lax" or "Strict"', (v) => ['None', 'Lax', 'Strict'].includes(v)],
};

function cidrList(v: string): boolean {
  const parts = v.split(',').map((p) => p.trim());
  return parts.length > 0 && parts.every((p) => {
    if (p.includes(':')) {
      const [ip, len] = p.split('/');
      return isIpAddress(ip) && (len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= 128));
    }
    return parseCidr(p.includes('/') ? p : `${p}/32`) !== undefined;
  });
}

/** A fix that fits the value given. */
function fixFor(short: string, value: string): string {
  const v = value.trim();
  if (short.endsWith('-source-range')) {
    const bad = v.split(',').map((p) => p.trim()).find((p) => !cidrList(p));
    return `correct or remove ${JSON.stringify(bad ?? v)} (an IPv4 CIDR has four numbers from 0 to 255 and a prefix from 0 to 32, e.g. "203.0.113.0/24")`;
  }
  if (KINDS[short][0].includes('nginx size')) {
    const m = /^([0-9]+)\s*([kKmMgG])?i?[bB]?$/.exec(v);
    return m ? `write ${JSON.stringify(`${m[1]}${(m[2] ?? '').toLowerCase()}`)}` : 'write a number with an optional k, m or g, e.g. "8m"';
  }
  if (KINDS[short][0].includes('whole')) return Number.isFinite(Number(v)) && v !== '' ? `write ${JSON.stringify(String(Math.max(0, Math.round(Number(v)))))}` : 'write digits only, e.g. "10"';
  if (BOOL.includes(v.toLowerCase())) return `write ${JSON.stringify(v.toLowerCase())}`;
  if (['yes', 'on', '1', 'enabled'].includes(v.toLowerCase()) && KINDS[short][0].includes('"true"')) return 'write "true"';
  if (['no', 'off', '0', 'disabled'].includes(v.toLowerCase()) && KINDS[short][0].includes('"true"')) return 'write "false"';
  if (short === 'backend-protocol' && ['HTTP', 'HTTPS', 'GRPC', 'GRPCS', 'FCGI', 'AUTO_HTTP'].includes(v.toUpperCase())) return `write ${JSON.stringify(v.toUpperCase())} (values are case-sensitive)`;
  return 'use one of the values listed';
}

/** What an allowlisted ingress-nginx annotation value must be and how to fix it, or undefined when it is fine. */
export function nginxAnnotationValueProblem(short: string, value: string): { allowed: string; fix: string } | undefined {
  const kind = KINDS[short];
  if (!kind || kind[1](value)) return undefined;
  return { allowed: kind[0], fix: fixFor(short, value) };
}
