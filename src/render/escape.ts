// Feed text is untrusted: whatever a release note says must not mention @channel, inject links or
// markup, or break a mail header once it is in a message.

/** Slack mrkdwn escaping: &, <, > per Slack's rules, plus defusing bare @channel-style words. */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

/**
 * For plain_text fields and the notification fallback: Slack does not parse mentions there, but a
 * client may, so angle-bracket sequences and @channel-style words are defused rather than trusted.
 */
export function defuseSlackPlain(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›').replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Header values: no CR/LF (header injection) and bounded length. */
export function headerSafe(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return truncate(text.replace(/[\r\n\t\u0000-\u001f]+/g, ' ').trim(), max);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
