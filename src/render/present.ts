// What a person is told, before any format: for each event a card (how urgent, what happened,
// which dates moved, what to do, where to read more), and for reminders the truth about each date
// (ahead or already past, nearest first). Pure: Slack, email and text are drawn from these.
import { describeSubject, frameworkLabel, TABLE_EVENT_KINDS, type EventKind, type Framework, type ReleaseEvent } from '../domain/events.js';
import { daysBetween, DATE_KIND_LABEL, type LifecycleLine, type UpgradeSuggestion } from '../domain/lifecycle.js';
import { isUrgent } from '../domain/matching.js';
import { hasPlaceholder } from '../ingest/image-family.js';
import type { AlertExtras, Reminder } from '../domain/reminders.js';
import { exposureText, type ExposureEscalation } from '../domain/exposure.js';

export type Level = 'action' | 'heads-up' | 'fyi';

export const LEVELS: Record<Level, { label: string; emoji: string; colour: string; tag: string }> = {
  action: { label: 'Action needed', emoji: '🚨', colour: '#cf222e', tag: '[action needed]' },
  'heads-up': { label: 'Heads-up', emoji: '⚠️', colour: '#9a6700', tag: '[heads-up]' },
  fyi: { label: 'FYI', emoji: 'ℹ️', colour: '#0969da', tag: '[FYI]' },
};

export const KIND_LABELS: Record<EventKind, string> = {
  'new-image': 'New image',
  'patch-update': 'Patch update',
  'security-update': 'Security update',
  'dependency-update': 'Dependency update',
  'end-of-support-reached': 'End of support',
  deprecation: 'Deprecation',
  rename: 'Rename',
  'known-issue': 'Known issue',
  fix: 'Fix',
  other: 'Release note',
  'version-added': 'Version added',
  'version-removed': 'Version removed',
  'end-of-patch-changed': 'End of patch moved',
  'end-of-availability-changed': 'End of availability moved',
};

/** Digest sections, in the order a team reads them. */
export const DIGEST_GROUPS: { title: string; kinds: EventKind[] }[] = [
  { title: 'End of support', kinds: ['end-of-support-reached', 'deprecation', 'version-removed'] },
  { title: 'Patches and security', kinds: ['security-update', 'patch-update', 'fix', 'dependency-update'] },
  { title: 'Date changes', kinds: ['end-of-patch-changed', 'end-of-availability-changed', 'version-added'] },
  { title: 'New images', kinds: ['new-image'] },
  { title: 'Other notes', kinds: ['rename', 'known-issue', 'other'] },
];

const HEADS_UP_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['end-of-patch-changed', 'end-of-availability-changed', 'version-added', 'rename', 'known-issue']);

// release-radar's own notices to its operator (watchdog, lost state, moved sources, tests).
const NOTICE = {
  problem: { level: 'action', emoji: '🔧', tag: '[release-radar problem]' },
  resolved: { level: 'fyi', emoji: '✅', tag: '[release-radar resolved]' },
  info: { level: 'heads-up', emoji: '📣', tag: '[release-radar]' },
} as const satisfies Record<string, { level: Level; emoji: string; tag: string }>;

export function levelOf(event: ReleaseEvent, today: string): Level {
  if (event.severity) return NOTICE[event.severity].level;
  if (isUrgent(event, today)) return 'action';
  return HEADS_UP_KINDS.has(event.kind) ? 'heads-up' : 'fyi';
}

/** Where a card's links point besides the note itself. */
export interface RenderContext {
  /** The team's local date: "in 54 days", "already past". */
  today: string;
  /** When the message is written: "last seen 2 h ago". */
  now: Date;
  /** The team's calendar (needs PUBLIC_URL), or null. */
  calendarUrl: string | null;
  /** The supported-versions page that dates this event's framework, or null. */
  versionsPageUrl: (event: ReleaseEvent) => string | null;
  /**
   * Set when Slack clicks reach this service (Socket Mode or a signing secret): messages about one
   * version line then carry its buttons. Which of the team's lines have a plan ("framework|X.Y"),
   * and the end dates of a line, for the snooze choices.
   */
  actions?: { teamId: string; plannedLines: ReadonlySet<string>; lineDates: (framework: Framework, line: string) => { endOfPatch: string | null; endOfAvailability: string | null } } | null;
}

export interface Card {
  eventId: string;
  level: Level;
  emoji: string;
  /** What happened, in one line a person understands without the docs. */
  headline: string;
  kindLabel: string;
  /** "PyTorch 2.4", "TensorFlow 2.17 and earlier"; null for notes about every image. */
  subject: string | null;
  /** Dates involved: old → new for a moved date. */
  dates: { label: string; from: string | null; to: string; when: string }[];
  /** The note's own words (feed text, untrusted: every renderer escapes it). */
  details: string;
  facts: { label: string; value: string }[];
  action: Action | null;
  /** "You run this: 3 VMs, 2 pods …, from …": the team runs what this is about. */
  exposure: string | null;
  links: { label: string; url: string }[];
  /** Source, publication date, amendment. */
  context: string;
}

export interface Action {
  summary: string;
  /** A command to run, ready to paste (placeholders in capitals). */
  command: string | null;
}

/** "in 54 days", "today", "1 day ago". */
export function relativeDays(today: string, date: string): string {
  const d = daysBetween(today, date);
  if (d === 0) return 'today';
  if (d > 0) return `in ${d} day${d === 1 ? '' : 's'}`;
  return `${-d} day${d === -1 ? '' : 's'} ago`;
}

/** The command that moves to an image family (DLVM) or pulls a container image (DLC: a registry path). */
export function upgradeCommand(family: string): string | null {
  if (hasPlaceholder(family)) return null;
  if (family.includes('/')) return `docker pull ${family}`;
  return `gcloud compute instances create INSTANCE_NAME --zone=ZONE --image-family=${family} --image-project=deeplearning-platform-release`;
}

/** "Base CUDA 12.9 (Python 3.12 / Ubuntu 24.04)", "PyTorch 2.4 (Python 3.10)", "Base-CPU". */
export function lineName(line: Pick<LifecycleLine, 'framework' | 'version' | 'label'>): string {
  if (line.framework === 'base') {
    if (!line.version) return line.label;
    const rest = /\(.*\)\s*$/.exec(line.label)?.[0] ?? '';
    return `Base CUDA ${line.version}${rest ? ` ${rest}` : ''}`;
  }
  return `${frameworkLabel(line.framework)} ${line.label}`;
}

export function upgradeSummary(u: UpgradeSuggestion): string {
  const name = lineName({ framework: u.framework, version: u.version, label: u.label });
  if (!u.endOfPatch) return `Move to ${name}.`;
  return `Move to ${name}: patched until ${u.endOfPatch}${u.runwayDays !== null ? ` (${u.runwayDays} days of runway)` : ''}.`;
}

function movedDate(e: ReleaseEvent): { label: string; from: string | null; to: string | null } | null {
  if (e.kind === 'end-of-patch-changed') return { label: 'End of patch and support', from: e.dates?.from ?? null, to: e.dates?.to ?? null };
  if (e.kind === 'end-of-availability-changed') return { label: 'End of availability', from: e.dates?.from ?? null, to: e.dates?.to ?? null };
  return null;
}

/** What happened, said plainly; a date moved into the past is said to be past. */
export function headlineOf(e: ReleaseEvent, today: string): string {
  const subject = describeSubject(e);
  const moved = movedDate(e);
  if (moved?.to) {
    const past = moved.to < today;
    const from = moved.from ? ` (was ${moved.from})` : '';
    if (e.kind === 'end-of-availability-changed') return past ? `${subject} images: end of availability moved to ${moved.to}, a date already past${from}` : `${subject} images stop being available on ${moved.to}${from}`;
    return past ? `${subject}: end of patches moved to ${moved.to}, a date already past${from}` : `${subject} gets patches until ${moved.to}${from}`;
  }
  if (moved) return `${subject}: ${moved.label.toLowerCase()} date removed from the page (was ${moved.from ?? 'unknown'})`;
  if (e.kind === 'version-added') return `${subject} is now a supported version${e.dates?.endOfPatch ? `, patched until ${e.dates.endOfPatch}` : ''}`;
  if (e.kind === 'version-removed') return `${subject} is no longer on the supported-versions page`;
  return e.title;
}

function datesOf(e: ReleaseEvent, today: string): Card['dates'] {
  const moved = movedDate(e);
  if (moved?.to) return [{ label: moved.label, from: moved.from, to: moved.to, when: moved.to < today ? 'already past' : relativeDays(today, moved.to) }];
  if (e.kind === 'version-added' || e.kind === 'version-removed') {
    const out: Card['dates'] = [];
    if (e.dates?.endOfPatch) out.push({ label: 'End of patch and support', from: null, to: e.dates.endOfPatch, when: relativeDays(today, e.dates.endOfPatch) });
    if (e.dates?.endOfAvailability) out.push({ label: 'End of availability', from: null, to: e.dates.endOfAvailability, when: relativeDays(today, e.dates.endOfAvailability) });
    return out;
  }
  return [];
}

function factsOf(e: ReleaseEvent): Card['facts'] {
  const out: Card['facts'] = [];
  if (e.release) out.push({ label: 'Release', value: e.release });
  if (e.cuda && e.framework !== 'base') out.push({ label: 'CUDA', value: e.cuda });
  if (e.python) out.push({ label: 'Python', value: e.python });
  if (e.os) out.push({ label: 'OS', value: e.os });
  if (e.cves.length > 0) out.push({ label: e.cves.length === 1 ? 'Vulnerability' : 'Vulnerabilities', value: e.cves.join(', ') });
  if (e.imageFamilies.length > 0) out.push({ label: e.imageFamilies.length === 1 ? 'Image family' : 'Image families', value: e.imageFamilies.join(', ') });
  return out;
}

/** "Reminders for the new date: 2026-10-26 (90 days before), …, 2027-01-24 (on the day)." */
function scheduleText(schedule: AlertExtras['schedule']): string {
  return `Reminders for the new date: ${schedule.map((s) => `${s.on} (${s.threshold === 0 ? 'on the day' : `${s.threshold} day${s.threshold === 1 ? '' : 's'} before`})`).join(', ')}.`;
}

function actionOf(e: ReleaseEvent, extras: AlertExtras | undefined, today: string): Action | null {
  const family = e.imageFamilies[0] ?? null;
  if (extras?.upgrade) {
    const reminders = extras.schedule.length > 0 ? ` ${scheduleText(extras.schedule)}` : '';
    return { summary: `${upgradeSummary(extras.upgrade)}${reminders}`, command: extras.upgrade.imageFamily ? upgradeCommand(extras.upgrade.imageFamily) : null };
  }
  switch (e.kind) {
    case 'security-update':
      return { summary: 'Images are immutable: recreate instances and containers from the latest image of their family to get the fix.', command: family ? upgradeCommand(family) : null };
    case 'new-image':
      return family ? { summary: `New instances from the family ${family} get it.`, command: upgradeCommand(family) } : null;
    case 'patch-update':
    case 'dependency-update':
      return { summary: 'New instances created from the image family get it; running ones keep their image until recreated.', command: family ? upgradeCommand(family) : null };
    case 'end-of-support-reached':
    case 'deprecation':
    case 'version-removed':
      return e.framework
        ? { summary: 'No newer supported version of this framework is known yet: check the supported-versions page.', command: null }
        : { summary: 'See which versions this covers on the supported-versions page, and move off them.', command: null };
    case 'end-of-patch-changed':
    case 'end-of-availability-changed': {
      const to = e.dates?.to;
      if (!to) return null;
      if (to < today) return { summary: 'The new date is already past: move off this version now.', command: null };
      return extras && extras.schedule.length > 0 ? { summary: scheduleText(extras.schedule), command: null } : null;
    }
    case 'version-added':
      return family ? { summary: `New instances can use the family ${family}.`, command: upgradeCommand(family) } : null;
    case 'fix':
    case 'known-issue':
    case 'rename':
    case 'other':
      return null;
  }
}

function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function noticeCard(e: ReleaseEvent, severity: keyof typeof NOTICE): Card {
  const url = safeHttpUrl(e.url);
  return {
    eventId: e.id,
    level: NOTICE[severity].level,
    emoji: NOTICE[severity].emoji,
    headline: e.title,
    kindLabel: severity === 'problem' ? 'Problem' : severity === 'resolved' ? 'Resolved' : 'Notice',
    subject: null,
    dates: [],
    details: e.text,
    facts: [],
    action: null,
    exposure: null,
    links: url ? [{ label: 'Source page', url }] : [],
    context: `release-radar operator notice${e.publishedAt ? ` · ${e.publishedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`,
  };
}

export function cardOf(e: ReleaseEvent, extras: AlertExtras | undefined, ctx: RenderContext): Card {
  if (e.severity) return noticeCard(e, e.severity);
  const level = levelOf(e, ctx.today);
  const links: Card['links'] = [];
  const note = safeHttpUrl(e.url);
  const isTable = (TABLE_EVENT_KINDS as readonly EventKind[]).includes(e.kind);
  if (note && !isTable) links.push({ label: 'Release note', url: note });
  const versions = safeHttpUrl(isTable ? note : ctx.versionsPageUrl(e));
  if (versions) links.push({ label: 'Supported versions', url: versions });
  if (ctx.calendarUrl && e.framework) links.push({ label: 'Calendar', url: ctx.calendarUrl });
  const context = [`from ${e.source}`, e.publishedAt ? (isTable ? `seen ${e.publishedAt.slice(0, 10)}` : `published ${e.publishedAt.slice(0, 10)}`) : null, e.update ? 'added to an entry already seen' : null].filter(Boolean).join(' · ');
  return {
    eventId: e.id,
    level,
    emoji: e.kind === 'new-image' && level === 'fyi' ? '🆕' : LEVELS[level].emoji,
    headline: headlineOf(e, ctx.today),
    kindLabel: KIND_LABELS[e.kind],
    subject: e.framework ? describeSubject(e) : null,
    dates: datesOf(e, ctx.today),
    details: e.text,
    facts: factsOf(e),
    action: actionOf(e, extras, ctx.today),
    exposure: extras?.exposure ? exposureText(extras.exposure, ctx.now) : null,
    links,
    context,
  };
}

/** The most urgent level among cards (action > heads-up > fyi). */
export function topLevel(levels: Level[]): Level {
  return levels.includes('action') ? 'action' : levels.includes('heads-up') ? 'heads-up' : 'fyi';
}

/** Subject line of an alert: urgency first, then what happened. */
export function alertSubject(cards: Card[], teamName: string, events: ReleaseEvent[] = []): string {
  const level = topLevel(cards.map((c) => c.level));
  const first = [...cards].sort((a, b) => rank(a.level) - rank(b.level))[0];
  const severity = events.find((e) => e.id === first?.eventId)?.severity;
  const tag = severity ? NOTICE[severity].tag : LEVELS[level].tag;
  if (!first) return `${tag} release-radar for ${teamName}`;
  return cards.length === 1 ? `${tag} ${first.headline}` : `${tag} ${first.headline} (and ${cards.length - 1} more for ${teamName})`;
}

const rank = (l: Level): number => (l === 'action' ? 0 : l === 'heads-up' ? 1 : 2);

/** The digest's first heading: what the team runs comes before everything else. */
export const IN_USE_GROUP = 'About images you run';

/** Cards grouped under the digest's headings, most urgent first within a group; cards about images the team runs first of all. */
export function digestGroups(cards: Card[], events: ReleaseEvent[]): { title: string; cards: Card[] }[] {
  const kindOf = new Map(events.map((e) => [e.id, e.kind]));
  const byRank = (a: Card, b: Card): number => rank(a.level) - rank(b.level);
  const exposed = cards.filter((c) => c.exposure !== null).sort(byRank);
  const rest = cards.filter((c) => c.exposure === null);
  const groups = DIGEST_GROUPS.map((g) => ({ title: g.title, cards: rest.filter((c) => g.kinds.includes(kindOf.get(c.eventId) ?? 'other')).sort(byRank) }));
  return [{ title: IN_USE_GROUP, cards: exposed }, ...groups].filter((g) => g.cards.length > 0);
}

// How a count of each kind reads: [one, many].
const COUNT_NOUNS: Record<EventKind, [string, string]> = {
  'new-image': ['new image', 'new images'],
  'patch-update': ['patch update', 'patch updates'],
  'security-update': ['security update', 'security updates'],
  'dependency-update': ['dependency update', 'dependency updates'],
  'end-of-support-reached': ['end of support', 'ends of support'],
  deprecation: ['deprecation', 'deprecations'],
  rename: ['rename', 'renames'],
  'known-issue': ['known issue', 'known issues'],
  fix: ['fix', 'fixes'],
  other: ['other note', 'other notes'],
  'version-added': ['version added', 'versions added'],
  'version-removed': ['version removed', 'versions removed'],
  'end-of-patch-changed': ['end-of-patch date moved', 'end-of-patch dates moved'],
  'end-of-availability-changed': ['end-of-availability date moved', 'end-of-availability dates moved'],
};

/** "3 new images, 1 security update" for a digest's summary line and subject. */
export function countsLine(events: ReleaseEvent[]): string {
  const counts = new Map<EventKind, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  // Most frequent first; ties in the digest's order (end of support, patches and security, …).
  const order = DIGEST_GROUPS.flatMap((g) => g.kinds);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([kind, n]) => `${n} ${COUNT_NOUNS[kind][n === 1 ? 0 : 1]}`)
    .join(', ');
}

// Reminders ------------------------------------------------------------------------------------

export interface ReminderItem {
  key: string;
  line: string;
  dateLabel: string;
  date: string;
  daysLeft: number;
  /** "in 54 days", "today", "passed 12 days ago". */
  when: string;
  action: Action | null;
  /** The line itself, for its buttons. */
  framework: Framework;
  version: string | null;
  endOfPatch: string | null;
  endOfAvailability: string | null;
  /** The team's plan for the line, as it reads today. */
  plan: string | null;
  /** "You run this: …" when the team runs the line. */
  exposure: string | null;
}

export interface ReminderView {
  /** Dates still ahead (or today), nearest first. */
  ahead: ReminderItem[];
  /** Dates already past, most recent first: shown folded into one summary. */
  passed: ReminderItem[];
  level: Level;
  /** One line that says the truth about all of it. */
  summary: string;
}

export function reminderView(reminders: Reminder[], now: Date = new Date()): ReminderView {
  const item = (r: Reminder): ReminderItem => ({
    key: r.key,
    line: lineName(r.line),
    dateLabel: DATE_KIND_LABEL[r.dateKind],
    date: r.date,
    daysLeft: r.daysLeft,
    when: r.daysLeft < 0 ? `passed ${-r.daysLeft} day${r.daysLeft === -1 ? '' : 's'} ago` : r.daysLeft === 0 ? 'today' : `in ${r.daysLeft} day${r.daysLeft === 1 ? '' : 's'}`,
    action: r.upgrade ? { summary: upgradeSummary(r.upgrade), command: r.upgrade.imageFamily ? upgradeCommand(r.upgrade.imageFamily) : null } : null,
    framework: r.line.framework,
    version: r.line.version,
    endOfPatch: r.line.endOfPatch,
    endOfAvailability: r.line.endOfAvailability,
    plan: r.plan ?? null,
    exposure: r.exposure ? exposureText(r.exposure, now) : null,
  });
  // Lines the team runs first, then the nearest date.
  const inUse = (r: ReminderItem): number => (r.exposure ? 0 : 1);
  const ahead = reminders.filter((r) => r.daysLeft >= 0).sort((a, b) => a.daysLeft - b.daysLeft).map(item).sort((a, b) => inUse(a) - inUse(b));
  const passed = reminders.filter((r) => r.daysLeft < 0).sort((a, b) => b.daysLeft - a.daysLeft).map(item);
  const nearest = ahead[0];
  const level: Level = nearest && nearest.daysLeft <= 30 ? 'action' : nearest ? 'heads-up' : 'heads-up';
  const versionsPast = new Set(passed.map((p) => p.line)).size;
  const pastText = versionsPast > 0 ? `${versionsPast} version${versionsPast === 1 ? '' : 's'} you subscribe to ${versionsPast === 1 ? 'is' : 'are'} past an end date` : '';
  const aheadText = nearest ? `${nearest.line}: ${nearest.dateLabel} ${nearest.when} (${nearest.date})${ahead.length > 1 ? `, and ${ahead.length - 1} more date${ahead.length === 2 ? '' : 's'} ahead` : ''}` : '';
  return { ahead, passed, level, summary: [aheadText, pastText].filter(Boolean).join('; ') };
}

export function reminderSubject(view: ReminderView, teamName: string): string {
  const nearest = view.ahead[0];
  if (nearest) {
    const verb = nearest.dateLabel === 'end of availability' ? `images stop being available ${nearest.when === 'today' ? 'today' : nearest.when}` : `patches end ${nearest.when === 'today' ? 'today' : nearest.when}`;
    const more = view.ahead.length + view.passed.length - 1;
    return `${LEVELS[view.level].tag} ${nearest.line}: ${verb} (${nearest.date})${more > 0 ? ` (and ${more} more for ${teamName})` : ''}`;
  }
  const only = view.passed.length === 1 ? view.passed[0] : undefined;
  if (only) return `${LEVELS[view.level].tag} ${only.line}: ${only.dateLabel} passed on ${only.date}`;
  const n = new Set(view.passed.map((p) => p.line)).size;
  return `${LEVELS[view.level].tag} ${n} version${n === 1 ? '' : 's'} ${teamName} subscribes to ${n === 1 ? 'is' : 'are'} past an end date`;
}

/** The distinct moves that get a team off the versions already past (one per target). */
export function pastActions(view: ReminderView): Action[] {
  const seen = new Map<string, Action>();
  for (const p of view.passed) if (p.action && !seen.has(p.action.summary)) seen.set(p.action.summary, p.action);
  return [...seen.values()].slice(0, 3);
}

// Exposure escalations ------------------------------------------------------------------------

/** How an exposure escalation reads, in Slack and email alike. */
export function exposedHeadline(e: ExposureEscalation): string {
  return e.urgent ? `You still run ${e.name}, past its end of availability: new VMs from these images will fail` : `You still run ${e.name}, which gets no more patches since ${e.endOfPatch ?? 'its end of patch'}`;
}

export function exposedStake(e: ExposureEscalation, today: string): string {
  const eoa = e.endOfAvailability ? (e.endOfAvailability < today ? `images unusable since ${e.endOfAvailability}` : `images stop being available ${e.endOfAvailability} (${relativeDays(today, e.endOfAvailability)})`) : null;
  return [`no patches or security fixes for ${e.daysPastEndOfPatch} day${e.daysPastEndOfPatch === 1 ? '' : 's'}`, eoa].filter(Boolean).join('; ');
}

export const EXPOSED_FOOTER = 'release-radar escalation · a line in use past its end of patch · repeated weekly until the inventory no longer shows it, an upgrade plan exists, or the line is muted';

