// Secrets never leave through text. One helper for everything release-radar shows or sends about
// itself: logs, the status page, error messages, operator alerts, dead letters, alerts to teams.
// Two layers:
//   - by shape: the userinfo of URLs (https://user:password@host, redis://:password@host), values
//     of query parameters that carry credentials (?token=, ?api_key=, ?X-Amz-Signature=…), Slack
//     tokens (xoxb-…, xapp-…) and Authorization values (Bearer …, Basic …, token …);
//   - by value: the secrets this process was configured with (registerSecrets, called once at
//     start with every password, token and credential found in the environment and the config),
//     wherever they appear — also where no shape gives them away (an SMTP server echoing a
//     password, a password with a quote that ends a URL early).
// Redacting twice gives the same text as redacting once.

export const REDACTED = '***';

const SECRET_PARAM = /token|secret|passw|pwd|auth|credential|session|signature|^sig$|^key$|api[-_]?key|access[-_]?key|private|^code$/i;

/**
 * The known secret values. Filled once at start (startService, the CLI) and only ever appended
 * to; reading it has no effect on it, so concurrent callers cannot affect each other.
 */
const known = new Set<string>();

/** Adds secrets to redact wherever they appear (values shorter than 6 characters are too common to replace). */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  for (const v of values) {
    if (!v || v.length < 6 || v === REDACTED) continue;
    known.add(v);
    const encoded = encodeURIComponent(v);
    if (encoded !== v) known.add(encoded);
  }
}

/** The secrets inside one URL: its userinfo and its credential-like query values. */
export function secretsOfUrl(url: string | null | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    const out = [decodeURIComponent(u.username), decodeURIComponent(u.password), u.username, u.password];
    for (const [name, value] of u.searchParams) if (SECRET_PARAM.test(name)) out.push(value);
    return out.filter((x) => x !== '');
  } catch {
    return [];
  }
}

/** The URL with its userinfo and credential-like query values replaced; unparseable text comes back unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactKnown(redactUserinfoLoosely(url));
  }
  let changed = false;
  if ((parsed.username || parsed.password) && !(parsed.username === REDACTED && !parsed.password)) {
    parsed.username = REDACTED;
    parsed.password = '';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name) && parsed.searchParams.get(name) !== REDACTED) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // URL encodes "*" in a query; show it as written.
  return redactKnown(changed ? parsed.toString().replace(/%2A%2A%2A/gi, REDACTED) : url);
}

/**
 * For strings that do not parse as a URL (a half-written one in an error message, a password with
 * "/" or "<" in it): everything from the scheme up to the last "@" is taken for userinfo.
 */
function redactUserinfoLoosely(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)\S*@/i, `$1${REDACTED}@`);
}

function redactKnown(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

// Anything that looks like "scheme://…" inside free text.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"<>`]+/gi;
const SLACK_TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{6,}/g;
const AUTH_VALUE = /\b(Bearer|Basic|Token|Digest)\s+(?!\*\*\*)[A-Za-z0-9._~+/=:-]{8,}/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization|x-api-key|api-key|x-auth-token)(["']?\s*[:=]\s*["']?)(?!\*\*\*)(?:(Bearer|Basic|Token|Digest)\s+)?[^\s"',;]+/gi;

/** Free text (an error message, a log line, an alert) with every secret above removed. */
export function redactText(text: string): string {
  if (text === '') return text;
  return redactKnown(
    text
      .replace(URL_IN_TEXT, (u) => {
        // Trailing punctuation belongs to the sentence, not the URL.
        const tail = /[.,;:)\]'!?]+$/.exec(u)?.[0] ?? '';
        return redactUrl(u.slice(0, u.length - tail.length)) + tail;
      })
      .replace(SLACK_TOKEN, (t) => `${t.slice(0, 5)}${REDACTED}`)
      .replace(AUTH_HEADER, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`)
      .replace(AUTH_VALUE, (_m, scheme: string) => `${scheme} ${REDACTED}`),
  );
}

/** A copy of a JSON-like value with every string redacted (log objects, dead-letter payloads). */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, depth + 1);
  return out as T;
}
