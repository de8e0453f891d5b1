// Lifecycle threads: one living message per (team, channel, framework version line). The parent
// shows where the line stands (supported → patch-only → past end of patch → past end of
// availability), both dates, the team's plan and the upgrade target, with the line's buttons; it is
// edited in place (chat.update) whenever any of that changes. Alerts and reminders about the line
// are posted in its thread. The parent is started by the first delivery about the line in that
// channel, under a lock (two alerts at once post one parent) and effectively once: the thread's id
// is in the parent's message metadata, looked up after an unknown outcome or an interrupted start.
import { stableId } from '../domain/ids.js';
import { lineState, suggestUpgrade } from '../domain/lifecycle.js';
import { lineMuteOf, silenceCovers, silencesInForce } from '../domain/matching.js';
import { planText } from '../domain/plans.js';
import { localDate } from '../domain/time.js';
import { FRAMEWORKS, type Framework } from '../domain/events.js';
import { renderContextFor } from '../render/context.js';
import { lineName, type RenderContext } from '../render/present.js';
import { renderLineParent, type LineParentView, type SlackMessage } from '../render/slack.js';
import type { Claim } from '../stores/ledger.js';
import type { Deps } from './deps.js';

export interface ThreadKeyParts {
  teamId: string;
  channel: string;
  framework: Framework;
  line: string;
}

/** "team|#channel|framework|X.Y" → its parts (null for a key of another shape: "2.x" lines have no parent). */
export function parseThreadKey(key: string): ThreadKeyParts | null {
  const parts = key.split('|');
  if (parts.length !== 4) return null;
  const [teamId = '', channel = '', framework = '', line = ''] = parts;
  if (!(FRAMEWORKS as readonly string[]).includes(framework) || !/^\d+\.\d+$/.test(line)) return null;
  return { teamId, channel, framework: framework as Framework, line };
}

/** The team's render context (`base`, when the caller has it), with the line buttons when Slack clicks reach this deployment. */
export async function slackRenderContext(deps: Deps, teamId: string, base?: RenderContext): Promise<RenderContext> {
  const ctx = base ? { ...base } : renderContextFor(deps.config, deps.teams.get(teamId), deps.clock(), deps.publicUrl);
  if (!deps.slackButtons) return ctx;
  const [plans, lines] = await Promise.all([deps.plans.all(), deps.lifecycle.lines()]);
  ctx.actions = {
    teamId,
    plannedLines: new Set(plans.filter((p) => p.teamId === teamId && p.status === 'planned').map((p) => `${p.framework}|${p.line}`)),
    lineDates: (framework, line) => {
      const l = lines.find((x) => x.framework === framework && x.version === line);
      return { endOfPatch: l?.endOfPatch ?? null, endOfAvailability: l?.endOfAvailability ?? null };
    },
  };
  return ctx;
}

export async function lineParentView(deps: Deps, teamId: string, framework: Framework, line: string): Promise<LineParentView> {
  const team = deps.teams.get(teamId);
  const now = deps.clock();
  const today = localDate(now, team?.timezone ?? 'UTC');
  const [lines, notices, plan, stored] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.plans.get(teamId, framework, line), deps.silences.active(now)]);
  const known = lines.find((l) => l.framework === framework && l.version === line) ?? null;
  const inForce = team ? silencesInForce(team, stored, now) : [];
  const mute = lineMuteOf(inForce, { framework, version: line, scope: 'exact' });
  const snooze = inForce.find((s) => s.kind === 'snooze' && silenceCovers(s, { framework, version: line, scope: 'exact' }));
  const silence = mute ?? snooze;
  return {
    framework,
    line,
    name: known ? lineName(known) : lineName({ framework, version: line, label: line }),
    state: known ? lineState(known, lines, today, notices) : null,
    endOfPatch: known?.endOfPatch ?? null,
    endOfAvailability: known?.endOfAvailability ?? null,
    plan: plan ? planText(plan, today) : null,
    upgrade: suggestUpgrade(framework, line, lines, today, notices),
    silenced: silence ? `${silence.kind === 'mute' ? 'muted' : 'snoozed'} until ${localDate(new Date(silence.until), team?.timezone ?? 'UTC')}${silence.by ? ` by ${silence.by}` : ''}` : null,
  };
}

async function parentMessage(deps: Deps, key: ThreadKeyParts, ctx: RenderContext): Promise<SlackMessage> {
  return renderLineParent(await lineParentView(deps, key.teamId, key.framework, key.line), ctx);
}

const shownHash = (m: SlackMessage): string => stableId(JSON.stringify(m));

/** The line's parent is being posted by another delivery right now: try again in a moment. */
export class ThreadStartingError extends Error {
  readonly retryInMs = 200;
}
const START_LOCK_MS = 30_000;

/**
 * The line's thread root in this channel: the one there is, or a parent posted now. Throws a
 * transient error when another delivery is starting it right now (the retry finds it started).
 */
export async function startLineThread(deps: Deps, threadKey: string, deliveryId: string, claim: Claim, ctx: RenderContext): Promise<string | null> {
  const key = parseThreadKey(threadKey);
  if (!key) return null;
  const existing = await deps.threads.get(threadKey);
  if (existing) return existing;
  // The parent's id is the thread's, not the delivery's: whichever delivery looks for it finds it,
  // whoever posted it.
  const parentId = `${stableId('thread', threadKey)}|parent`;
  const lookFor = async (since: number): Promise<string | null> => {
    const lookup = await deps.slack.findDelivered(key.channel, parentId, since);
    return 'found' in lookup && lookup.found ? deps.threads.remember(threadKey, lookup.found) : null;
  };
  // An earlier attempt of this delivery may have posted the parent and died before remembering it.
  if (claim.result === 'reclaimed') {
    const found = await lookFor(claim.since);
    if (found) return found;
  }
  const start = await deps.threads.beginStart(threadKey, deliveryId, START_LOCK_MS);
  if (start.state === 'exists') return start.root;
  if (start.state === 'taken') {
    // Another delivery is posting this line's parent. Waiting here would hold a worker slot that
    // other channels could use: the deliver stage puts this delivery back for a moment instead.
    throw new ThreadStartingError(`the thread of ${key.framework} ${key.line} in ${key.channel} is being started by another delivery`);
  }
  let finished = false;
  try {
    // A lock that another delivery held and lost (killed mid-post) may have left a parent in the
    // channel: found, not posted again. (The lock is held at most START_LOCK_MS.)
    if (start.state === 'interrupted-before') {
      const found = await lookFor(Date.now() - START_LOCK_MS - 60_000);
      if (found) return found;
    }
    const message = await parentMessage(deps, key, ctx);
    const ts = await deps.slack.send(key.channel, message, parentId);
    const root = await deps.threads.finishStart(threadKey, deliveryId, ts, shownHash(message));
    finished = true;
    return root;
  } finally {
    if (!finished) await deps.threads.unlockStart(threadKey, deliveryId).catch(() => undefined);
  }
}

/**
 * Edits the parents of a team's line threads whose content changed: a date moved, the state
 * changed with the calendar, a plan was made or done, a silence set. All of the team's threads
 * (the daily run), or one line's in each of the team's channels. Never throws: a parent that could
 * not be edited now is edited at the next refresh.
 */
export async function refreshLineParents(deps: Deps, teamId: string, only?: { framework: Framework; line: string }): Promise<number> {
  // Threads live in the team's own channels (escalations are never threaded).
  const keys = only
    ? (deps.teams.get(teamId)?.slack.channels ?? []).map((channel) => [teamId, channel, only.framework, only.line].join('|'))
    : await deps.threads.keysOf(teamId).catch(() => [] as string[]);
  let ctx: Promise<RenderContext> | null = null;
  let edited = 0;
  for (const threadKey of keys) {
    // The context (plans, dates) is read once, and only when some thread of the team exists.
    if (await refreshLineParent(deps, threadKey, () => (ctx ??= slackRenderContext(deps, teamId)))) edited++;
  }
  return edited;
}

/** One thread's parent (after a delivery into it, or from the loop above): edited when what it shows changed. */
export async function refreshLineParent(deps: Deps, threadKey: string, context: RenderContext | (() => Promise<RenderContext> | RenderContext)): Promise<boolean> {
  const key = parseThreadKey(threadKey);
  if (!key) return false;
  try {
    const root = await deps.threads.get(threadKey);
    if (!root) return false;
    const ctx = typeof context === 'function' ? await context() : context;
    const message = await parentMessage(deps, key, ctx);
    const hash = shownHash(message);
    if ((await deps.threads.parentShown(threadKey)) === hash) return false;
    await deps.slack.update(key.channel, root, message);
    await deps.threads.setParentShown(threadKey, hash);
    return true;
  } catch (err) {
    deps.logger.warn({ event: 'line-parent-edit-failed', thread: threadKey, err: (err as Error).message }, 'could not edit a line thread\'s parent; tried again at the next change');
    return false;
  }
}
