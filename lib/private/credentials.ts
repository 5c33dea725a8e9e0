// Credentials that must never reach dist/: a password in a URL's userinfo, well-known token and
// key formats, and `password=...`-style pairs in connection strings. Used at the boundary
// (validate.ts walks every string a caller passes) and by the security scan of dist/
// (test/security-scan.ts), so both refuse the same strings.

/** One credential rule: what it detects and the pattern. */
interface CredentialRule {
  readonly what: string;
  readonly pattern: RegExp;
}

const RULES: readonly CredentialRule[] = [
  { what: 'a private key (PEM)', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Stripe secret key', pattern: /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  { what: 'an API secret key (sk-...)', pattern: /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}/ },
  { what: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  // Connection strings and query strings: Password=...; AccountKey=...; ?token=...
  {
    what: 'a credential in a key=value pair (password=, token=, AccountKey=, ...)',
    pattern: /(^|[\s;&?,-])(password|passwd|pwd|secret|client_secret|token|access_token|api[-_]?key|apikey|accountkey|sharedaccesskey|access[-_]?key|secret[-_]?key)=[^\s;&,'"]{3,}/i,
  },
];

/** The shortest string a token rule (not key=value, not userinfo) can match: `xox?-` + 10 characters. */
const MIN_TOKEN_LENGTH = 15;

const USERINFO = 'a password in the URL\'s userinfo (scheme://user:password@host)';

/**
 * scheme://user:password@host or scheme://:password@host (RFC 3986 userinfo with a password),
 * found by scanning each "://" once (a regular expression would be quadratic on long strings).
 */
function hasUserinfoPassword(s: string): boolean {
  for (let i = s.indexOf('://'); i >= 0; i = s.indexOf('://', i + 3)) {
    if (i === 0 || !/[A-Za-z0-9+.-]/.test(s[i - 1])) continue;
    let colon = false;
    for (let j = i + 3; j < s.length && j < i + 3 + 1024; j++) {
      const c = s[j];
      if (c === '@') {
        if (colon && s[j - 1] !== ':') return true;
        break;
      }
      if (c === '/' || c === '?' || c === '#' || c === ' ' || c === '\n' || c === '\t') break;
      if (c === ':') colon = true;
    }
  }
  return false;
}

/** What credential the string carries, or undefined when it carries none. */
export function credentialIn(s: string): string | undefined {
  // Every rule needs "://" (userinfo), "=" (key=value) or at least 15 characters (the shortest
  // token, a Slack one): the short names, labels and ports that make up most strings need no regex.
  if (s.length < MIN_TOKEN_LENGTH && !s.includes('=') && !s.includes('://')) return undefined;
  if (hasUserinfoPassword(s)) return USERINFO;
  for (const r of RULES) if (r.pattern.test(s)) return r.what;
  return undefined;
}

/** The string with URL userinfo removed, for "Fix:" hints (`redis://host:6379`). */
export function withoutUserinfo(s: string): string {
  if (s.length > 4096) return s;
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]*@/gi, '$1');
}

/** The string with the secret part masked, for messages (which end up in CI logs). */
export function redact(s: string): string {
  if (s.length > 4096) return `<${s.length} characters, not shown>`;
  const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@?#]*):([^/\s@?#]+)@/gi;
  const KV = /(^|[\s;&?,-])(password|passwd|pwd|secret|client_secret|token|access_token|api[-_]?key|apikey|accountkey|sharedaccesskey|access[-_]?key|secret[-_]?key)=([^\s;&,'"]{3,})/gi;
  // Idempotent: an already masked value stays as it is.
  let out = s.replace(URL_USERINFO, '$1$2:***@').replace(KV, '$1$2=***');
  if (credentialIn(out.replace(/:\*\*\*@/g, '@').replace(/=\*\*\*/g, '='))) out = `<${s.length} characters, not shown>`;
  return out;
}
