// Events → Slack Block Kit messages and emails. Pure. Feed text is untrusted: it is escaped so it
// cannot mention @channel, inject links or markup, or break a mail header.
import { describeSubject, type ReleaseEvent } from './events.js';

export interface SlackMessage {
  /** Fallback text (notifications, screen readers). */
  text: string;
  blocks: SlackBlock[];
}
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const SECTION_LIMIT = 2_900; // Slack: 3,000 characters per section text
const HEADER_LIMIT = 150;

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

function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function facts(e: ReleaseEvent): string[] {
  const out = [`*Kind:* ${e.kind}`];
  if (e.framework) out.push(`*Subject:* ${escapeSlack(describeSubject(e))}`);
  if (e.release) out.push(`*Release:* ${escapeSlack(e.release)}`);
  if (e.cuda && e.framework !== 'base') out.push(`*CUDA:* ${escapeSlack(e.cuda)}`);
  if (e.python) out.push(`*Python:* ${escapeSlack(e.python)}`);
  if (e.os) out.push(`*OS:* ${escapeSlack(e.os)}`);
  if (e.dates?.from !== undefined || e.dates?.to !== undefined) out.push(`*Date:* ${e.dates?.from ?? 'none'} → ${e.dates?.to ?? 'none'}`);
  return out;
}

export function renderSlackAlert(e: ReleaseEvent): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(defuseSlackPlain(e.title), HEADER_LIMIT) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(facts(e).join('   '), SECTION_LIMIT) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeSlack(e.text), SECTION_LIMIT) } },
  ];
  if (e.cves.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*CVEs:* ${e.cves.map(escapeSlack).join(', ')}`, SECTION_LIMIT) } });
  }
  if (e.imageFamilies.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Image families:* ${e.imageFamilies.map((f) => `\`${escapeSlack(f)}\``).join(', ')}`, SECTION_LIMIT) } });
  }
  const url = safeUrl(e.url);
  const context = [`source \`${escapeSlack(e.source)}\``, e.publishedAt ? `published ${e.publishedAt.slice(0, 10)}` : null, url ? `<${url}|release note>` : null, e.update ? 'amended entry' : null]
    .filter(Boolean)
    .join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  return { text: truncate(escapeSlack(e.title), 3_000), blocks };
}

function eventTextLines(e: ReleaseEvent): string[] {
  const lines = [`• ${e.title}`, `  ${e.text.replace(/\n/g, '\n  ')}`];
  if (e.cves.length) lines.push(`  CVEs: ${e.cves.join(', ')}`);
  if (e.imageFamilies.length) lines.push(`  Image families: ${e.imageFamilies.join(', ')}`);
  if (e.url) lines.push(`  ${e.url}`);
  return lines;
}

function eventHtml(e: ReleaseEvent): string {
  const url = safeUrl(e.url);
  const extra = [
    e.cves.length ? `<div>CVEs: ${e.cves.map(escapeHtml).join(', ')}</div>` : '',
    e.imageFamilies.length ? `<div>Image families: ${e.imageFamilies.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</div>` : '',
    url ? `<div><a href="${escapeHtml(url)}">Release note</a></div>` : '',
  ].join('');
  return `<li><strong>${escapeHtml(e.title)}</strong><div style="white-space:pre-wrap">${escapeHtml(e.text)}</div>${extra}</li>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif">${body}</body></html>`;
}

/** One email for what one poll found for a team. */
export function renderAlertEmail(teamName: string, events: ReleaseEvent[]): EmailMessage {
  const first = events[0];
  const subject = headerSafe(events.length === 1 && first ? `[release-radar] ${first.title}` : `[release-radar] ${events.length} updates for ${teamName}`);
  const text = [`release-radar alert for ${teamName}`, '', ...events.flatMap(eventTextLines), ''].join('\n');
  const html = page(subject, `<h2>release-radar alert for ${escapeHtml(teamName)}</h2><ul>${events.map(eventHtml).join('')}</ul>`);
  return { subject, text, html };
}

export function renderDigestEmail(teamName: string, events: ReleaseEvent[], periodLabel: string): EmailMessage {
  const subject = headerSafe(`[release-radar] ${periodLabel} digest for ${teamName}: ${events.length} update${events.length === 1 ? '' : 's'}`);
  const byKind = new Map<string, ReleaseEvent[]>();
  for (const e of events) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  const text = [`release-radar ${periodLabel} digest for ${teamName}`, ''];
  let html = `<h2>release-radar ${escapeHtml(periodLabel)} digest for ${escapeHtml(teamName)}</h2>`;
  for (const [kind, list] of byKind) {
    text.push(`## ${kind} (${list.length})`, ...list.flatMap(eventTextLines), '');
    html += `<h3>${escapeHtml(kind)} (${list.length})</h3><ul>${list.map(eventHtml).join('')}</ul>`;
  }
  return { subject, text: text.join('\n'), html: page(subject, html) };
}

export function renderSlackDigest(teamName: string, events: ReleaseEvent[], periodLabel: string): SlackMessage {
  const lines = events.map((e) => `• ${escapeSlack(e.title)}`);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(defuseSlackPlain(`${periodLabel} digest for ${teamName}`), HEADER_LIMIT) } }];
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > SECTION_LIMIT) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
    if (blocks.length >= 48) break; // Slack: 50 blocks per message
  }
  if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  return { text: escapeSlack(`${periodLabel} digest for ${teamName}: ${events.length} updates`), blocks };
}
