// Cards → email: a responsive, table-based layout built with MJML (inlined CSS, works in Outlook
// and Gmail), dark-mode-safe colours, a summary line first and one card per event; and a text part
// that says the same in the same order. Builders return MJML source (tests compile it strictly);
// `compile` turns it into HTML. MJML is loaded on first use: processes that never send email do
// not pay its memory.
import { frameworkLabel, type ReleaseEvent } from '../domain/events.js';
import { planText } from '../domain/plans.js';
import type { EscalationItem } from './slack.js';
import type { AlertExtras, Reminder } from '../domain/reminders.js';
import { escapeHtml, headerSafe } from './escape.js';
import { alertSubject, cardOf, countsLine, digestGroups, EXPOSED_FOOTER, exposedHeadline, exposedStake, LEVELS, pastActions, reminderSubject, reminderView, topLevel, upgradeCommand, upgradeSummary, type Card, type Level, type ReminderItem, type RenderContext } from './present.js';
import { exposureText, type ExposureEscalation } from '../domain/exposure.js';
import type { UpgradeSuggestion } from '../domain/lifecycle.js';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export interface EmailSource {
  subject: string;
  text: string;
  mjml: string;
}

// Colours chosen to keep contrast on light and dark backgrounds (clients that invert, and the
// prefers-color-scheme overrides below for those that honour it).
const INK = '#1f2328';
const MUTED = '#59636e';
const PAPER = '#ffffff';
const PAGE = '#f0f2f5';
const CODE_BG = '#eef1f4';

const h = escapeHtml;

function pill(level: Level, text = LEVELS[level].label): string {
  return `<span style="display:inline-block;padding:2px 8px;border-radius:10px;background:${LEVELS[level].colour};color:#ffffff;font-size:12px;font-weight:600">${h(text)}</span>`;
}

function head(subject: string, preview: string): string {
  return `<mj-head>
  <mj-title>${h(subject)}</mj-title>
  <mj-preview>${h(preview)}</mj-preview>
  <mj-attributes>
    <mj-all font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" />
    <mj-text color="${INK}" font-size="14px" line-height="1.5" padding="4px 0" />
    <mj-section padding="0" />
    <mj-column padding="0" />
  </mj-attributes>
  <mj-raw><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"></mj-raw>
  <mj-style>
    .rr-code { font-family: SFMono-Regular, Consolas, 'Liberation Mono', monospace; font-size: 12px; background: ${CODE_BG}; padding: 8px; border-radius: 6px; word-break: break-all; white-space: pre-wrap; }
    @media (prefers-color-scheme: dark) {
      .rr-page { background: #0d1117 !important; }
      .rr-card, .rr-card table { background: #161b22 !important; }
      .rr-card div, .rr-card td, .rr-summary div { color: #e6edf3 !important; }
      .rr-code { background: #0d1117 !important; color: #e6edf3 !important; }
    }
  </mj-style>
</mj-head>`;
}

function frame(subject: string, preview: string, title: string, summary: string, body: string, footer: string): string {
  return `<mjml>
${head(subject, preview)}
<mj-body background-color="${PAGE}" width="640px" css-class="rr-page">
  <mj-section padding="20px 16px 8px"><mj-column>
    <mj-text font-size="12px" color="${MUTED}" letter-spacing="0.5px">RELEASE-RADAR</mj-text>
    <mj-text font-size="20px" font-weight="700" padding="2px 0 4px">${title}</mj-text>
  </mj-column></mj-section>
  <mj-section padding="0 16px 12px" css-class="rr-summary"><mj-column>
    <mj-text font-size="15px">${summary}</mj-text>
  </mj-column></mj-section>
${body}
  <mj-section padding="12px 16px 24px"><mj-column>
    <mj-text font-size="12px" color="${MUTED}">${footer}</mj-text>
  </mj-column></mj-section>
</mj-body>
</mjml>`;
}

function factRows(card: Card): string {
  const rows = [
    ...(card.subject ? [['Framework', card.subject]] : []),
    ['Kind', card.kindLabel],
    ...card.dates.map((d) => [d.label, `${d.from ? `${d.from} → ` : ''}${d.to} (${d.when})`]),
    ...card.facts.map((f) => [f.label, f.value]),
  ];
  return rows.map(([k, v]) => `<tr><td style="padding:2px 12px 2px 0;color:${MUTED};vertical-align:top;white-space:nowrap;width:140px">${h(k ?? '')}</td><td style="padding:2px 0;color:${INK};word-break:break-word">${h(v ?? '')}</td></tr>`).join('');
}

function actionHtml(action: Card['action']): string {
  if (!action) return '';
  return `<mj-text padding="8px 0 0"><strong>What to do:</strong> ${h(action.summary)}</mj-text>${action.command ? `<mj-text padding="4px 0"><div class="rr-code">${h(action.command)}</div></mj-text>` : ''}`;
}

function linksHtml(links: Card['links']): string {
  if (links.length === 0) return '';
  const anchors = links.map((l) => `<a href="${h(l.url)}" style="display:inline-block;margin:4px 8px 0 0;padding:6px 12px;border:1px solid #d0d7de;border-radius:6px;color:#0969da;text-decoration:none;font-weight:600">${h(l.label)}</a>`);
  return `<mj-text padding="8px 0 0">${anchors.join('')}</mj-text>`;
}

/** "You run this: …" stands out: it is why this message matters to the team. */
function exposureHtml(exposure: string | null): string {
  return exposure ? `<mj-text padding="4px 0 6px" font-size="13px"><div style="background:#fff8c5;border-radius:4px;padding:6px 8px"><strong>🎯 ${h(exposure)}</strong></div></mj-text>` : '';
}

function cardSection(card: Card): string {
  return `  <mj-wrapper padding="0 16px 12px" css-class="rr-card-wrap">
    <mj-section background-color="${PAPER}" border-left="4px solid ${LEVELS[card.level].colour}" border-radius="6px" padding="12px 16px" css-class="rr-card"><mj-column>
      <mj-text padding="0 0 4px">${pill(card.level)} <span style="color:${MUTED};font-size:12px">${h(card.kindLabel)}</span></mj-text>
      <mj-text font-size="17px" font-weight="700" padding="2px 0 6px">${h(card.headline)}</mj-text>
      <mj-table padding="0 0 6px" font-size="13px">${factRows(card)}</mj-table>
      ${exposureHtml(card.exposure)}
      ${card.details.trim() ? `<mj-text font-size="13px" color="${MUTED}"><div style="white-space:pre-wrap">${h(card.details)}</div></mj-text>` : ''}
      ${actionHtml(card.action)}
      ${linksHtml(card.links)}
      <mj-text font-size="11px" color="${MUTED}" padding="8px 0 0">${h(card.context)}</mj-text>
    </mj-column></mj-section>
  </mj-wrapper>`;
}

function groupHeading(title: string, count: number): string {
  return `  <mj-section padding="8px 16px 4px"><mj-column><mj-text font-size="13px" font-weight="700" color="${MUTED}" letter-spacing="0.5px">${h(title.toUpperCase())} (${count})</mj-text></mj-column></mj-section>`;
}

function cardText(card: Card): string[] {
  const lines = [`${LEVELS[card.level].label.toUpperCase()}: ${card.headline}`];
  if (card.subject) lines.push(`  Framework: ${card.subject}`);
  lines.push(`  Kind: ${card.kindLabel}`);
  if (card.exposure) lines.push(`  ${card.exposure}`);
  for (const d of card.dates) lines.push(`  ${d.label}: ${d.from ? `${d.from} → ` : ''}${d.to} (${d.when})`);
  for (const f of card.facts) lines.push(`  ${f.label}: ${f.value}`);
  if (card.details.trim()) lines.push('', ...card.details.split('\n').map((l) => `  ${l}`));
  if (card.action) lines.push('', `  What to do: ${card.action.summary}`, ...(card.action.command ? [`    ${card.action.command}`] : []));
  for (const l of card.links) lines.push(`  ${l.label}: ${l.url}`);
  lines.push(`  (${card.context})`, '');
  return lines;
}

const FOOTER = 'Sent by release-radar because your team subscribes to these frameworks (teams.yaml). Images are immutable: moving to a newer image is up to you.';

/** One email for what one poll found for a team. */
export function alertEmail(teamName: string, events: ReleaseEvent[], extras: Record<string, AlertExtras>, ctx: RenderContext): EmailSource {
  const cards = events.map((e) => cardOf(e, extras[e.id], ctx));
  const level = topLevel(cards.map((c) => c.level));
  const subject = headerSafe(alertSubject(cards, teamName, events));
  const summary = cards.length === 1 ? `${pill(level)} ${h(cards[0]?.headline ?? '')}` : `${pill(level)} ${cards.length} changes for ${h(teamName)}: ${h(countsLine(events))}.`;
  const mjml = frame(subject, cards.map((c) => c.headline).join(' · '), `Alert for ${h(teamName)}`, summary, cards.map(cardSection).join('\n'), h(FOOTER));
  const text = [`${LEVELS[level].label}: ${cards.length === 1 ? (cards[0]?.headline ?? '') : `${cards.length} changes for ${teamName}: ${countsLine(events)}`}`, '', ...cards.flatMap(cardText), FOOTER, ''].join('\n');
  return { subject, text, mjml };
}

/** The digest: a summary line, then cards under human headings, then the dates coming up. */
export function digestEmail(teamName: string, events: ReleaseEvent[], ctx: RenderContext, upcoming: Reminder[] = [], extras: Record<string, AlertExtras> = {}): EmailSource {
  const cards = events.map((e) => cardOf(e, extras[e.id], ctx));
  const groups = digestGroups(cards, events);
  const level = topLevel(cards.map((c) => c.level));
  const counts = countsLine(events);
  const subject = headerSafe(`Digest for ${teamName}: ${counts}`);
  const coming = reminderView(upcoming).ahead;
  const body = [
    ...groups.flatMap((g) => [groupHeading(g.title, g.cards.length), ...g.cards.map(cardSection)]),
    ...(coming.length > 0 ? [groupHeading('Coming up', coming.length), reminderList(coming)] : []),
  ].join('\n');
  const summary = `${pill(level, level === 'action' ? 'Contains action items' : LEVELS[level].label)} ${events.length} update${events.length === 1 ? '' : 's'}: ${h(counts)}.${coming.length > 0 ? ` ${coming.length} end date${coming.length === 1 ? '' : 's'} in the next 90 days.` : ''}`;
  const mjml = frame(subject, counts, `Digest for ${h(teamName)}`, summary, body, h(FOOTER));
  const text = [
    `Digest for ${teamName}: ${events.length} update${events.length === 1 ? '' : 's'} (${counts})`,
    '',
    ...groups.flatMap((g) => [`== ${g.title} (${g.cards.length}) ==`, '', ...g.cards.flatMap(cardText)]),
    ...(coming.length > 0 ? [`== Coming up (${coming.length}) ==`, '', ...coming.map((r) => `  ${r.line}: ${r.dateLabel} ${r.when} (${r.date})`), ''] : []),
    FOOTER,
    '',
  ].join('\n');
  return { subject, text, mjml };
}

function reminderList(items: ReminderItem[]): string {
  const rows = items
    .map((r) => `<tr><td style="padding:4px 12px 4px 0;white-space:nowrap;font-weight:600;color:${r.daysLeft <= 30 ? LEVELS.action.colour : INK}">${h(r.when)}</td><td style="padding:4px 0;color:${INK}">${h(r.line)}: ${h(r.dateLabel)} on ${h(r.date)}${r.action ? `<br><span style="color:${MUTED}">${h(r.action.summary)}</span>` : ''}</td></tr>`)
    .join('');
  return `  <mj-wrapper padding="0 16px 12px"><mj-section background-color="${PAPER}" border-radius="6px" padding="8px 16px" css-class="rr-card"><mj-column><mj-table font-size="13px">${rows}</mj-table></mj-column></mj-section></mj-wrapper>`;
}

/** Reminders due today: dates ahead as cards (nearest first, with the upgrade), past ones folded into one summary. */
export function reminderEmail(teamName: string, reminders: Reminder[], now: Date = new Date()): EmailSource {
  const view = reminderView(reminders, now);
  const subject = headerSafe(reminderSubject(view, teamName));
  const aheadCards = view.ahead.map(
    (r) => `  <mj-wrapper padding="0 16px 12px"><mj-section background-color="${PAPER}" border-left="4px solid ${r.daysLeft <= 30 ? LEVELS.action.colour : LEVELS['heads-up'].colour}" border-radius="6px" padding="12px 16px" css-class="rr-card"><mj-column>
      <mj-text padding="0 0 4px">${pill(r.daysLeft <= 30 ? 'action' : 'heads-up', r.when)}</mj-text>
      <mj-text font-size="17px" font-weight="700">${h(r.line)}: ${h(r.dateLabel)} on ${h(r.date)}</mj-text>
      ${exposureHtml(r.exposure)}
      ${actionHtml(r.action)}
    </mj-column></mj-section></mj-wrapper>`,
  );
  const passed =
    view.passed.length > 0
      ? [groupHeading('Already past', view.passed.length), `  <mj-wrapper padding="0 16px 12px"><mj-section background-color="${PAPER}" border-radius="6px" padding="8px 16px" css-class="rr-card"><mj-column><mj-text font-size="13px">${view.passed.length} date${view.passed.length === 1 ? '' : 's'} you subscribe to ${view.passed.length === 1 ? 'has' : 'have'} passed: these versions get no more patches, or can no longer be used.</mj-text><mj-table font-size="12px">${view.passed.map((p) => `<tr><td style="padding:1px 12px 1px 0;color:${MUTED};white-space:nowrap">${h(p.date)}</td><td style="padding:1px 0;color:${INK}">${h(p.line)}: ${h(p.dateLabel)}${p.exposure ? `<br><strong>🎯 ${h(p.exposure)}</strong>` : ''}</td></tr>`).join('')}</mj-table>${pastActions(view).map(actionHtml).join('')}</mj-column></mj-section></mj-wrapper>`]
      : [];
  const body = [...(view.ahead.length > 0 ? [groupHeading('Ahead', view.ahead.length), ...aheadCards] : []), ...passed].join('\n');
  const mjml = frame(subject, view.summary, `End dates for ${h(teamName)}`, `${pill(view.level)} ${h(view.summary)}.`, body, h(FOOTER));
  const text = [
    `End dates for ${teamName}: ${view.summary}.`,
    '',
    ...(view.ahead.length > 0 ? ['== Ahead ==', '', ...view.ahead.flatMap((r) => [`${r.when.toUpperCase()}: ${r.line}: ${r.dateLabel} on ${r.date}`, ...(r.exposure ? [`  ${r.exposure}`] : []), ...(r.action ? [`  ${r.action.summary}`, ...(r.action.command ? [`    ${r.action.command}`] : [])] : []), ''])] : []),
    ...(view.passed.length > 0
      ? [`== Already past (${view.passed.length}) ==`, '', ...view.passed.flatMap((p) => [`  ${p.date}  ${p.line}: ${p.dateLabel}`, ...(p.exposure ? [`    ${p.exposure}`] : [])]), ...pastActions(view).flatMap((a) => ['', `  What to do: ${a.summary}`, ...(a.command ? [`    ${a.command}`] : [])]), '']
      : []),
    FOOTER,
    '',
  ].join('\n');
  return { subject, text, mjml };
}

/** An upgrade plan past its date, to the team's escalation target. */
export function escalationEmail(teamName: string, items: EscalationItem[], today: string): EmailSource {
  const first = items[0];
  const subject = headerSafe(`${LEVELS.action.tag} Overdue upgrade plan for ${teamName}${first ? `: ${planText(first.plan, today)}` : ''}`);
  const line = (e: EscalationItem): string => `${teamName} still subscribes to ${frameworkLabel(e.plan.framework)} ${e.plan.line}${e.endOfPatch ? `; end of patch ${e.endOfPatch}` : ''}${e.endOfAvailability ? `; end of availability ${e.endOfAvailability}` : ''}.`;
  const cards = items.map(
    (e) => `  <mj-wrapper padding="0 16px 12px"><mj-section background-color="${PAPER}" border-left="4px solid ${LEVELS.action.colour}" border-radius="6px" padding="12px 16px" css-class="rr-card"><mj-column>
      <mj-text padding="0 0 4px">${pill('action', `${e.daysOverdue} day${e.daysOverdue === 1 ? '' : 's'} overdue`)}</mj-text>
      <mj-text font-size="17px" font-weight="700">${h(planText(e.plan, today))}</mj-text>
      <mj-text color="${MUTED}">${h(line(e))} Move the plan, or mark it done in Slack once the move is made.</mj-text>
    </mj-column></mj-section></mj-wrapper>`,
  );
  const summary = `${items.length} upgrade plan${items.length === 1 ? ' is' : 's are'} past ${items.length === 1 ? 'its' : 'their'} date`;
  const mjml = frame(subject, summary, `Overdue upgrade plans for ${h(teamName)}`, `${pill('action')} ${h(summary)}.`, cards.join('\n'), h('Sent by release-radar to the escalation target in teams.yaml; repeated weekly until the plan is moved or marked done.'));
  const text = [`${summary} (${teamName}).`, '', ...items.flatMap((e) => [planText(e.plan, today), `  ${line(e)}`, '']), 'Sent by release-radar to the escalation target in teams.yaml; repeated weekly until the plan is moved or marked done.', ''].join('\n');
  return { subject, text, mjml };
}

/** Lines the team runs that lost support (to the team, and its escalation target when it has one). */
export function exposureEscalationEmail(teamName: string, items: ExposureEscalation[], today: string, now: Date): EmailSource {
  const first = items[0];
  const urgent = items.some((e) => e.urgent);
  const subject = headerSafe(`${LEVELS.action.tag} ${first ? exposedHeadline(first) : `${teamName} runs images that lost support`}${items.length > 1 ? ` (and ${items.length - 1} more for ${teamName})` : ''}`);
  const upgradeOf = (e: ExposureEscalation): { summary: string; command: string | null } => ({
    summary: e.upgrade ? upgradeSummary(e.upgrade as UpgradeSuggestion) : 'No newer supported line is known yet: see the supported-versions page.',
    command: e.upgrade?.imageFamily ? upgradeCommand(e.upgrade.imageFamily) : null,
  });
  const cards = items.map(
    (e) => `  <mj-wrapper padding="0 16px 12px"><mj-section background-color="${PAPER}" border-left="4px solid ${LEVELS.action.colour}" border-radius="6px" padding="12px 16px" css-class="rr-card"><mj-column>
      <mj-text padding="0 0 4px">${pill('action', e.urgent ? 'past end of availability' : 'past end of patch')}</mj-text>
      <mj-text font-size="17px" font-weight="700">${h(exposedHeadline(e))}</mj-text>
      ${exposureHtml(exposureText(e.exposure, now))}
      <mj-text color="${MUTED}">${h(exposedStake(e, today))}.${e.repeat > 1 ? ` Escalation ${e.repeat}.` : ''}</mj-text>
      ${actionHtml(upgradeOf(e))}
    </mj-column></mj-section></mj-wrapper>`,
  );
  const summary = `${teamName} runs ${items.length} line${items.length === 1 ? '' : 's'} past ${urgent ? 'an end date' : 'end of patch'}`;
  const mjml = frame(subject, summary, `Images in use that lost support`, `${pill('action')} ${h(summary)}.`, cards.join('\n'), h(EXPOSED_FOOTER));
  const text = [
    `${summary}.`,
    '',
    ...items.flatMap((e) => {
      const u = upgradeOf(e);
      return [exposedHeadline(e), `  ${exposureText(e.exposure, now)}`, `  ${exposedStake(e, today)}.`, `  What to do: ${u.summary}`, ...(u.command ? [`    ${u.command}`] : []), ''];
    }),
    EXPOSED_FOOTER,
    '',
  ].join('\n');
  return { subject, text, mjml };
}

/** MJML → HTML (inlined styles, responsive tables). */
export async function compile(source: EmailSource, validationLevel: 'soft' | 'strict' = 'soft'): Promise<EmailMessage & { errors: string[] }> {
  const { default: mjml2html } = await import('mjml');
  const out = await mjml2html(source.mjml, { validationLevel, keepComments: false });
  return { subject: source.subject, text: source.text, html: out.html, errors: out.errors.map((e) => e.formattedMessage) };
}

export async function toEmail(source: EmailSource): Promise<EmailMessage> {
  const { subject, text, html } = await compile(source);
  return { subject, text, html };
}
