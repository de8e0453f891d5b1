// Events → Slack Block Kit messages and emails. Pure. Feed text is untrusted: it is escaped so it
// cannot mention @channel, inject links or markup, or break a mail header.
import { describeSubject, frameworkLabel, type ReleaseEvent } from './events.js';
import { DATE_KIND_LABEL, type UpgradeSuggestion } from './lifecycle.js';
import type { AlertExtras, Reminder } from './reminders.js';

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

/** "PyTorch 2.4 (Python 3.10): end of patch and support in 30 days, on 2025-07-24". */
export function reminderTitle(r: Reminder): string {
  const what = `${frameworkLabel(r.line.framework)} ${r.line.label}: ${DATE_KIND_LABEL[r.dateKind]}`;
  if (r.daysLeft < 0) return `${what} passed on ${r.date}`;
  if (r.daysLeft === 0) return `${what} is today (${r.date})`;
  return `${what} in ${r.daysLeft} day${r.daysLeft === 1 ? '' : 's'}, on ${r.date}`;
}

/** "Move to PyTorch 2.9 (image family pytorch-2-9-…), patched until 2028-08-04: 980 days of runway." */
export function upgradeText(u: UpgradeSuggestion): string {
  const family = u.imageFamily ? ` (image family ${u.imageFamily})` : '';
  const runway = u.endOfPatch ? `, patched until ${u.endOfPatch}${u.runwayDays !== null ? `: ${u.runwayDays} days of runway` : ''}` : '';
  return `Move to ${frameworkLabel(u.framework)} ${u.version}${family}${runway}.`;
}

function scheduleText(schedule: AlertExtras['schedule']): string {
  if (schedule.length === 0) return 'No reminders ahead for the new date.';
  return `New reminder schedule: ${schedule.map((s) => `${s.on} (${s.threshold === 0 ? 'on the day' : `${s.threshold} day${s.threshold === 1 ? '' : 's'} before`})`).join(', ')}.`;
}

function extrasMrkdwn(x: AlertExtras | undefined): SlackBlock[] {
  if (!x) return [];
  const lines: string[] = [];
  if (x.upgrade) lines.push(`*Upgrade:* ${escapeSlack(upgradeText(x.upgrade))}`);
  if (x.schedule.length > 0 || x.upgrade === null) lines.push(`*Reminders:* ${escapeSlack(scheduleText(x.schedule))}`);
  return lines.length ? [{ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_LIMIT) } }] : [];
}

export function renderSlackAlert(e: ReleaseEvent, extras?: AlertExtras): SlackMessage {
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
  blocks.push(...extrasMrkdwn(extras));
  const url = safeUrl(e.url);
  const context = [`source \`${escapeSlack(e.source)}\``, e.publishedAt ? `published ${e.publishedAt.slice(0, 10)}` : null, url ? `<${url}|release note>` : null, e.update ? 'amended entry' : null]
    .filter(Boolean)
    .join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  return { text: truncate(escapeSlack(e.title), 3_000), blocks };
}

function extrasLines(x: AlertExtras | undefined): string[] {
  if (!x) return [];
  return [...(x.upgrade ? [upgradeText(x.upgrade)] : []), ...(x.schedule.length > 0 ? [scheduleText(x.schedule)] : [])];
}

function eventTextLines(e: ReleaseEvent, x?: AlertExtras): string[] {
  const lines = [`• ${e.title}`, `  ${e.text.replace(/\n/g, '\n  ')}`];
  if (e.cves.length) lines.push(`  CVEs: ${e.cves.join(', ')}`);
  if (e.imageFamilies.length) lines.push(`  Image families: ${e.imageFamilies.join(', ')}`);
  lines.push(...extrasLines(x).map((l) => `  ${l}`));
  if (e.url) lines.push(`  ${e.url}`);
  return lines;
}

function eventHtml(e: ReleaseEvent, x?: AlertExtras): string {
  const url = safeUrl(e.url);
  const extra = [
    e.cves.length ? `<div>CVEs: ${e.cves.map(escapeHtml).join(', ')}</div>` : '',
    e.imageFamilies.length ? `<div>Image families: ${e.imageFamilies.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</div>` : '',
    ...extrasLines(x).map((l) => `<div><strong>${escapeHtml(l)}</strong></div>`),
    url ? `<div><a href="${escapeHtml(url)}">Release note</a></div>` : '',
  ].join('');
  return `<li><strong>${escapeHtml(e.title)}</strong><div style="white-space:pre-wrap">${escapeHtml(e.text)}</div>${extra}</li>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif">${body}</body></html>`;
}

/** One email for what one poll found for a team. */
export function renderAlertEmail(teamName: string, events: ReleaseEvent[], extras: Record<string, AlertExtras> = {}): EmailMessage {
  const first = events[0];
  const subject = headerSafe(events.length === 1 && first ? `[release-radar] ${first.title}` : `[release-radar] ${events.length} updates for ${teamName}`);
  const text = [`release-radar alert for ${teamName}`, '', ...events.flatMap((e) => eventTextLines(e, extras[e.id])), ''].join('\n');
  const html = page(subject, `<h2>release-radar alert for ${escapeHtml(teamName)}</h2><ul>${events.map((e) => eventHtml(e, extras[e.id])).join('')}</ul>`);
  return { subject, text, html };
}

function reminderTextLines(r: Reminder): string[] {
  return [`• ${reminderTitle(r)}`, ...(r.upgrade ? [`  ${upgradeText(r.upgrade)}`] : []), ...(r.line.imageFamily ? [`  Image family: ${r.line.imageFamily}`] : [])];
}

function reminderHtml(r: Reminder): string {
  return `<li><strong>${escapeHtml(reminderTitle(r))}</strong>${r.line.imageFamily ? `<div>Image family: <code>${escapeHtml(r.line.imageFamily)}</code></div>` : ''}${r.upgrade ? `<div>${escapeHtml(upgradeText(r.upgrade))}</div>` : ''}</li>`;
}

/** Reminders due today for a team: one message, nearest dates first. */
export function renderReminderEmail(teamName: string, reminders: Reminder[]): EmailMessage {
  const sorted = [...reminders].sort((a, b) => a.daysLeft - b.daysLeft);
  const first = sorted[0];
  const subject = headerSafe(sorted.length === 1 && first ? `[release-radar] ${reminderTitle(first)}` : `[release-radar] ${sorted.length} end dates ahead for ${teamName}`);
  const text = [`release-radar: end dates for ${teamName}`, '', ...sorted.flatMap(reminderTextLines), ''].join('\n');
  const html = page(subject, `<h2>End dates for ${escapeHtml(teamName)}</h2><ul>${sorted.map(reminderHtml).join('')}</ul>`);
  return { subject, text, html };
}

export function renderSlackReminders(teamName: string, reminders: Reminder[]): SlackMessage {
  const sorted = [...reminders].sort((a, b) => a.daysLeft - b.daysLeft);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(defuseSlackPlain(`End dates ahead for ${teamName}`), HEADER_LIMIT) } }];
  for (const r of sorted.slice(0, 45)) {
    const lines = [`*${escapeSlack(reminderTitle(r))}*`];
    if (r.line.imageFamily) lines.push(`Image family: \`${escapeSlack(r.line.imageFamily)}\``);
    if (r.upgrade) lines.push(escapeSlack(upgradeText(r.upgrade)));
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_LIMIT) } });
  }
  if (sorted.length > 45) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${sorted.length - 45} more (see the team calendar)` }] });
  const first = sorted[0];
  return { text: truncate(escapeSlack(sorted.length === 1 && first ? reminderTitle(first) : `${sorted.length} end dates ahead for ${teamName}`), 3_000), blocks };
}

export function renderDigestEmail(teamName: string, events: ReleaseEvent[], periodLabel: string, upcoming: Reminder[] = []): EmailMessage {
  const subject = headerSafe(`[release-radar] ${periodLabel} digest for ${teamName}: ${events.length} update${events.length === 1 ? '' : 's'}`);
  const byKind = new Map<string, ReleaseEvent[]>();
  for (const e of events) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  const text = [`release-radar ${periodLabel} digest for ${teamName}`, ''];
  let html = `<h2>release-radar ${escapeHtml(periodLabel)} digest for ${escapeHtml(teamName)}</h2>`;
  for (const [kind, list] of byKind) {
    text.push(`## ${kind} (${list.length})`, ...list.flatMap((e) => eventTextLines(e)), '');
    html += `<h3>${escapeHtml(kind)} (${list.length})</h3><ul>${list.map((e) => eventHtml(e)).join('')}</ul>`;
  }
  if (upcoming.length > 0) {
    const sorted = [...upcoming].sort((a, b) => a.daysLeft - b.daysLeft);
    text.push('## Upcoming end dates', ...sorted.flatMap(reminderTextLines), '');
    html += `<h3>Upcoming end dates</h3><ul>${sorted.map(reminderHtml).join('')}</ul>`;
  }
  return { subject, text: text.join('\n'), html: page(subject, html) };
}

export function renderSlackDigest(teamName: string, events: ReleaseEvent[], periodLabel: string, upcoming: Reminder[] = []): SlackMessage {
  const lines = events.map((e) => `• ${escapeSlack(e.title)}`);
  if (upcoming.length > 0) {
    lines.push('*Upcoming end dates*', ...[...upcoming].sort((a, b) => a.daysLeft - b.daysLeft).map((r) => `• ${escapeSlack(reminderTitle(r))}`));
  }
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
