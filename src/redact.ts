// Secrets never leave through text. One helper for everything release-radar shows or sends about
// itself: logs, the status page, error messages, operator alerts, dead letters. It removes
//   - the userinfo of URLs (https://user:password@host, redis://:password@host, smtp://u:p@host),
//   - values of query parameters that carry credentials (?token=, ?key=, ?sig=, ?password=…),
//   - Slack tokens (xoxb-…, xoxp-…, xapp-…) and Authorization header values (Bearer / Basic …).
// It is pure and keeps no state, so concurrent callers cannot affect each other.

const REDACTED = '[redacted]';

const SECRET_PARAM = /^(?:token|access_token|auth|authorization|key|api_?key|apikey|secret|client_secret|password|passwd|pass|pwd|sig|signature|x-goog-signature|x-amz-signature|code|session)$/i;

/** The URL with its userinfo and credential-like query values replaced; unparseable text comes back unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUserinfoLoosely(url);
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  if (!changed) return url;
  // URL encodes the brackets of "[redacted]"; show them as written.
  return parsed.toString().replace(/%5Bredacted%5D/gi, REDACTED);
}

/** For strings that do not parse as a URL (a half-written one in an error message). */
function redactUserinfoLoosely(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${REDACTED}@`);
}

// Anything that looks like "scheme://…" inside free text.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const SLACK_TOKEN = /\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Free text (an error message, a log line, an alert) with every secret above removed. */
export function redactText(text: string): string {
  if (text === '') return text;
  return text
    .replace(URL_IN_TEXT, (u) => {
      // Trailing punctuation belongs to the sentence, not the URL.
      const tail = /[.,;:)\]]+$/.exec(u)?.[0] ?? '';
      return redactUrl(u.slice(0, u.length - tail.length)) + tail;
    })
    .replace(SLACK_TOKEN, (t) => `${t.slice(0, 5)}${REDACTED}`)
    .replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
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
