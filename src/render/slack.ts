// Cards → Slack Block Kit, typed by @slack/types and kept within Block Kit's limits, so a message
// reads in two seconds: an emoji by urgency, a header saying what happened, fields for subject,
// kind and dates, the upgrade with a ready command, link buttons and a context line.
import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, SectionBlock } from '@slack/types';
import { frameworkLabel, type Framework, type ReleaseEvent } from '../domain/events.js';
import type { LineState, UpgradeSuggestion } from '../domain/lifecycle.js';
import { lineOf, planText, type Plan } from '../domain/plans.js';
import type { AlertExtras, Reminder } from '../domain/reminders.js';
import { defuseSlackPlain, escapeSlack, truncate } from './escape.js';
import { cardOf, countsLine, digestGroups, EXPOSED_FOOTER, exposedHeadline, exposedStake, LEVELS, pastActions, relativeDays, reminderView, topLevel, upgradeCommand, upgradeSummary, type Card, type ReminderItem, type RenderContext } from './present.js';
import { exposureText, type ExposureEscalation } from '../domain/exposure.js';
import { lineActions } from './slack-actions.js';

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

export interface SlackMessage {
  /** Fallback text (notifications, screen readers). */
  text: string;
  blocks: SlackBlock[];
}

// https://docs.slack.dev/reference/block-kit/blocks
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  buttonText: 75,
  buttonUrl: 3_000,
  actionsElements: 25,
  contextElements: 10,
  fallbackText: 3_000,
} as const;

const header = (text: string): HeaderBlock => ({ type: 'header', text: { type: 'plain_text', text: truncate(defuseSlackPlain(text), SLACK_LIMITS.headerText), emoji: true } });
const section = (mrkdwn: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.sectionText) } });
const context = (mrkdwn: string): ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn, SLACK_LIMITS.sectionText) }] });
const fields = (pairs: { label: string; value: string }[]): SectionBlock => ({
  type: 'section',
  fields: pairs.slice(0, SLACK_LIMITS.fields).map((p) => ({ type: 'mrkdwn', text: truncate(`*${escapeSlack(p.label)}*\n${escapeSlack(p.value)}`, SLACK_LIMITS.fieldText) })),
});
const code = (command: string): string => `\`\`\`${command.replace(/`/g, "'")}\`\`\``;

function buttons(links: Card['links']): ActionsBlock | null {
  const elements: Button[] = links
    .filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl)
    .slice(0, SLACK_LIMITS.actionsElements)
    .map((l, i) => ({ type: 'button', text: { type: 'plain_text', text: truncate(l.label, SLACK_LIMITS.buttonText) }, url: l.url, action_id: `link-${i}` }));
  return elements.length > 0 ? { type: 'actions', elements } : null;
}

/** The buttons of one version line, when the context has them (null otherwise). */
function actionsFor(ctx: RenderContext | undefined, framework: ReleaseEvent['framework'], version: string | null): ActionsBlock | null {
  const line = lineOf(version);
  if (!ctx?.actions || !framework || !line) return null;
  const dates = ctx.actions.lineDates(framework, line);
  return lineActions({ teamId: ctx.actions.teamId, framework, line, endOfPatch: dates.endOfPatch, endOfAvailability: dates.endOfAvailability }, ctx.today, ctx.actions.plannedLines.has(`${framework}|${line}`));
}

function cardBlocks(card: Card, lineButtons: ActionsBlock | null = null): SlackBlock[] {
  const pairs = [
    ...(card.subject ? [{ label: 'Framework', value: card.subject }] : []),
    { label: 'Kind', value: card.kindLabel },
    ...card.dates.map((d) => ({ label: d.label, value: `${d.from ? `${d.from} → ` : ''}${d.to} (${d.when})` })),
    ...card.facts,
  ];
  const blocks: SlackBlock[] = [header(`${card.emoji} ${card.headline}`), fields(pairs)];
  if (card.exposure) blocks.push(section(`🎯 *${escapeSlack(card.exposure)}*`));
  if (card.details.trim()) blocks.push(section(escapeSlack(card.details)));
  if (card.action) blocks.push(section(`*What to do:* ${escapeSlack(card.action.summary)}${card.action.command ? `\n${code(card.action.command)}` : ''}`));
  const actions = buttons(card.links);
  if (actions) blocks.push(actions);
  if (lineButtons) blocks.push(lineButtons);
  blocks.push(context(`${LEVELS[card.level].label} · ${escapeSlack(card.context)} · release-radar`));
  return blocks;
}

export function renderSlackAlert(event: ReleaseEvent, extras: AlertExtras | undefined, ctx: RenderContext): SlackMessage {
  const card = cardOf(event, extras, ctx);
  // Buttons for a note about one line ("PyTorch 2.4.1", "TensorFlow 2.17"), not "2.3 and earlier".
  const lineButtons = event.scope === 'and-earlier' ? null : actionsFor(ctx, event.framework, event.version);
  return { text: truncate(defuseSlackPlain(`${card.emoji} ${card.headline}`), SLACK_LIMITS.fallbackText), blocks: cardBlocks(card, lineButtons) };
}

/** Several events in one message (a digest, or one poll's batch): one line each under its heading. */
export function renderSlackDigest(teamName: string, events: ReleaseEvent[], ctx: RenderContext, upcoming: Reminder[] = [], extras: Record<string, AlertExtras> = {}): SlackMessage {
  const cards = events.map((e) => cardOf(e, extras[e.id], ctx));
  const level = topLevel(cards.map((c) => c.level));
  const blocks: SlackBlock[] = [header(`${LEVELS[level].emoji} Digest for ${teamName}: ${events.length} update${events.length === 1 ? '' : 's'}`), context(escapeSlack(countsLine(events)))];
  const budget = SLACK_LIMITS.blocks - 4;
  for (const group of digestGroups(cards, events)) {
    if (blocks.length >= budget) break;
    const lines = group.cards.map((c) => {
      const link = c.links[0];
      const title = link ? `<${link.url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${escapeSlack(c.headline)}>` : escapeSlack(c.headline);
      return `${c.emoji} ${title}${c.exposure ? `\n      🎯 ${escapeSlack(c.exposure)}` : ''}${c.action?.command ? `\n      ${escapeSlack(c.action.summary)}` : ''}`;
    });
    blocks.push(...chunked(`*${group.title}*`, lines, budget - blocks.length));
  }
  const view = reminderView(upcoming);
  if (view.ahead.length > 0 && blocks.length < budget) {
    blocks.push(...chunked('*Coming up*', view.ahead.map((r) => `📅 ${escapeSlack(`${r.line}: ${r.dateLabel} ${r.when} (${r.date})`)}`), budget - blocks.length));
  }
  blocks.push(context('release-radar digest · routine changes held back by "deliver: auto"; urgent ones were sent at once'));
  return { text: truncate(defuseSlackPlain(`Digest for ${teamName}: ${countsLine(events)}`), SLACK_LIMITS.fallbackText), blocks };
}

/** Lines under a heading, split into sections of at most 3,000 characters, at most `room` blocks. */
function chunked(heading: string, lines: string[], room: number): SlackBlock[] {
  const out: SlackBlock[] = [];
  let text = heading;
  for (const line of lines) {
    if (text.length + line.length + 1 > SLACK_LIMITS.sectionText) {
      if (out.length + 1 >= room) break;
      out.push(section(text));
      text = '';
    }
    text += `${text ? '\n' : ''}${line}`;
  }
  if (text && out.length < room) out.push(section(text));
  return out;
}

export function renderSlackReminders(teamName: string, reminders: Reminder[], ctx?: RenderContext): SlackMessage {
  const view = reminderView(reminders, ctx?.now);
  const blocks: SlackBlock[] = [header(`${LEVELS[view.level].emoji} End dates for ${teamName}`), section(escapeSlack(view.summary))];
  const room = SLACK_LIMITS.blocks - 4;
  // One set of buttons per line (a line may have both of its dates here), for the first few lines.
  const buttoned = new Set<string>();
  const lineButtons = (r: ReminderItem): ActionsBlock | null => {
    const key = `${r.framework}|${r.version ?? ''}`;
    if (buttoned.has(key) || buttoned.size >= 8) return null;
    const block = actionsFor(ctx, r.framework, r.version);
    if (block) buttoned.add(key);
    return block;
  };
  for (const r of view.ahead) {
    if (blocks.length >= room) break;
    const lines = [`*${escapeSlack(r.line)}*: ${escapeSlack(r.dateLabel)} *${escapeSlack(r.when)}* (${r.date})`];
    if (r.exposure) lines.push(`🎯 ${escapeSlack(r.exposure)}`);
    if (r.plan) lines.push(`📋 ${escapeSlack(r.plan)}`);
    if (r.action) lines.push(`${escapeSlack(r.action.summary)}${r.action.command ? `\n${code(r.action.command)}` : ''}`);
    blocks.push(section(lines.join('\n')));
    const b = lineButtons(r);
    if (b) blocks.push(b);
  }
  if (view.ahead.length > 0 && blocks.length >= room) blocks.push(context('…more dates ahead: see the team calendar'));
  if (view.passed.length > 0) {
    const past = view.passed.map((p) => `${escapeSlack(p.line)}: ${escapeSlack(p.dateLabel)} ${p.date}${p.exposure ? `\n      🎯 ${escapeSlack(p.exposure)}` : ''}`);
    blocks.push(...chunked(`*Already past* (${view.passed.length}): no more patches or no longer available`, past, 2));
    for (const a of pastActions(view)) blocks.push(section(`*What to do:* ${escapeSlack(a.summary)}${a.command ? `\n${code(a.command)}` : ''}`));
    for (const p of view.passed) {
      if (blocks.length >= SLACK_LIMITS.blocks - 2) break;
      if (p.plan && !buttoned.has(`${p.framework}|${p.version ?? ''}`)) blocks.push(section(`📋 ${escapeSlack(p.plan)}`));
      const b = lineButtons(p);
      if (b) blocks.push(b);
    }
  }
  blocks.push(context('release-radar reminders · each date is reminded once per lead time'));
  return { text: truncate(defuseSlackPlain(`End dates for ${teamName}: ${view.summary}`), SLACK_LIMITS.fallbackText), blocks };
}

export interface EscalationItem {
  plan: Plan;
  endOfPatch: string | null;
  endOfAvailability: string | null;
  daysOverdue: number;
}

/** An upgrade plan past its date, to the team's escalation target: what was planned, what is at stake, and the buttons. */
export function renderSlackEscalation(teamName: string, items: EscalationItem[], ctx: RenderContext): SlackMessage {
  const blocks: SlackBlock[] = [header(`⏫ Overdue upgrade plan${items.length === 1 ? '' : 's'} for ${teamName}`)];
  for (const e of items.slice(0, 10)) {
    const stake = [e.endOfPatch ? (e.endOfPatch < ctx.today ? `no patches since ${e.endOfPatch}` : `patches end ${e.endOfPatch}`) : null, e.endOfAvailability ? (e.endOfAvailability < ctx.today ? `images unusable since ${e.endOfAvailability}` : `images stop being available ${e.endOfAvailability}`) : null].filter(Boolean).join('; ');
    blocks.push(section(`*${escapeSlack(planText(e.plan, ctx.today))}*\n${escapeSlack(teamName)} still subscribes to ${escapeSlack(frameworkLabel(e.plan.framework))} ${escapeSlack(e.plan.line)}${stake ? ` (${escapeSlack(stake)})` : ''}. Move the plan, or mark it done once the move is made.`));
    const b = actionsFor(ctx, e.plan.framework, e.plan.line);
    if (b) blocks.push(b);
  }
  blocks.push(context('release-radar escalation · repeated weekly until the plan is moved or marked done'));
  const first = items[0];
  return { text: truncate(defuseSlackPlain(`Overdue upgrade plan for ${teamName}${first ? `: ${planText(first.plan, ctx.today)}` : ''}`), SLACK_LIMITS.fallbackText), blocks };
}

/** Lines the team runs that lost support: what runs, what is at stake, where to move, the command, the buttons. */
export function renderSlackExposureEscalation(teamName: string, items: ExposureEscalation[], ctx: RenderContext): SlackMessage {
  const urgent = items.some((e) => e.urgent);
  const blocks: SlackBlock[] = [header(`${urgent ? '🔴' : '🟠'} ${teamName} runs images that lost support`)];
  for (const e of items.slice(0, 10)) {
    const upgrade = e.upgrade ? upgradeSummary(e.upgrade as UpgradeSuggestion) : 'No newer supported line is known yet: see the supported-versions page.';
    const command = e.upgrade?.imageFamily ? upgradeCommand(e.upgrade.imageFamily) : null;
    blocks.push(section(`*${escapeSlack(exposedHeadline(e))}*\n🎯 ${escapeSlack(exposureText(e.exposure, ctx.now))}\n${escapeSlack(exposedStake(e, ctx.today))}.${e.repeat > 1 ? ` (escalation ${e.repeat})` : ''}\n*What to do:* ${escapeSlack(upgrade)}${command ? `\n${code(command)}` : ''}`));
    const b = actionsFor(ctx, e.framework as Framework, e.version);
    if (b) blocks.push(b);
  }
  blocks.push(context(EXPOSED_FOOTER));
  const first = items[0];
  return { text: truncate(defuseSlackPlain(first ? exposedHeadline(first) : `${teamName} runs images that lost support`), SLACK_LIMITS.fallbackText), blocks };
}

/** What a line's lifecycle parent shows (src/processors/line-threads.ts gathers it). */
export interface LineParentView {
  framework: Framework;
  line: string;
  /** "PyTorch 2.7 (Python 3.10)" when the versions page knows the line, else "PyTorch 2.7". */
  name: string;
  /** Null when the versions page does not (yet) list the line. */
  state: LineState | null;
  endOfPatch: string | null;
  endOfAvailability: string | null;
  plan: string | null;
  upgrade: UpgradeSuggestion | null;
  /** "snoozed until 2027-01-10 by alice", "muted until …", or null. */
  silenced: string | null;
}

const STATE_VIEW: Record<LineState, { emoji: string; short: string; label: string }> = {
  supported: { emoji: '🟢', short: 'supported', label: 'supported' },
  'patch-only': { emoji: '🟡', short: 'patch-only', label: 'patch-only: a newer line is supported' },
  'past-end-of-patch': { emoji: '🟠', short: 'past end of patch', label: 'past end of patch: no more fixes' },
  'past-end-of-availability': { emoji: '🔴', short: 'past end of availability', label: 'past end of availability: images can no longer be used' },
};

/** A line's lifecycle parent: where it stands, both dates, the plan and the upgrade, its buttons. Edited in place as any of it changes. */
export function renderLineParent(view: LineParentView, ctx: RenderContext): SlackMessage {
  const state = view.state ? STATE_VIEW[view.state] : { emoji: '⚪', short: 'no dates yet', label: 'not on the supported-versions page yet' };
  const when = (date: string | null): string => (date ? `${date} (${relativeDays(ctx.today, date)})` : 'not known');
  const pairs = [
    { label: 'State', value: state.label },
    { label: 'End of patch and support', value: when(view.endOfPatch) },
    { label: 'End of availability', value: when(view.endOfAvailability) },
    { label: 'Plan', value: view.plan ?? 'none yet' },
    ...(view.upgrade ? [{ label: 'Upgrade to', value: upgradeSummary(view.upgrade) }] : []),
    ...(view.silenced ? [{ label: 'Silenced', value: view.silenced }] : []),
  ];
  const blocks: SlackBlock[] = [header(`${state.emoji} ${view.name}: ${state.short}`), fields(pairs)];
  const command = view.upgrade?.imageFamily ? upgradeCommand(view.upgrade.imageFamily) : null;
  if (command) blocks.push(section(`*Move with:*\n${code(command)}`));
  const b = actionsFor(ctx, view.framework, view.line);
  if (b) blocks.push(b);
  blocks.push(context(`release-radar · kept current · patches, date changes and reminders for ${escapeSlack(view.name)} are in this thread`));
  return { text: truncate(defuseSlackPlain(`${view.name}: ${state.label}`), SLACK_LIMITS.fallbackText), blocks };
}
