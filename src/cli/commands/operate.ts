// preview / backtest / dlq / send-test: answering "why did team X (not) get this?", "what would this
// config change send?", "what failed and how do I re-send it?" and "can we reach every channel?".
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { Queue, type Job } from 'bullmq';
import { createNotifiers } from '../../app.js';
import { loadConfig, type AppConfig } from '../../config/load.js';
import { loadEnv, type Env } from '../../config/env.js';
import type { TeamConfig } from '../../config/schema.js';
import type { InventoryDoc, TeamExposure } from '../../domain/exposure.js';
import { exposuresOf, resolvedWith } from '../../processors/exposure.js';
import { InventoryStore } from '../../stores/inventory.js';
import { RedisUnavailableError } from '../../queue/connection.js';
import { notice, ReleaseEventSchema, type ReleaseEvent } from '../../domain/events.js';
import { matchEvents, whyNot } from '../../domain/matching.js';
import { renderContextFor } from '../../render/context.js';
import { alertEmail, toEmail } from '../../render/email.js';
import { renderSlackAlert } from '../../render/slack.js';
import { extractEntries } from '../../ingest/extract.js';
import { parseFeed } from '../../ingest/feed.js';
import { readDocument } from '../../ingest/fetch.js';
import { tableChangeToEvent } from '../../ingest/table-events.js';
import { diffTables, parseVersionsTable } from '../../ingest/versions-table.js';
import { DeliveryError } from '../../notify/notifier.js';
import { JOB, QUEUE } from '../../queue/names.js';
import { DeadLetterSchema, DeliverJobSchema } from '../../queue/payloads.js';
import { EventLog } from '../../stores/event-log.js';
import { findTeam, loadAll, out, outJson, pastMoment, positiveInt, withRedis } from '../context.js';

/** --now: a full ISO date-time (or date), or a word like "yesterday". */
function moment(name: string, text: string): Date {
  return pastMoment(name, new Date(), text);
}

interface EventSource {
  feed?: string;
  entry?: string[];
  latest?: string;
  event?: string;
  tableDiff?: string[];
}

/** Events from a feed file/URL, an event JSON file (one object, an array, or JSON lines), or a table diff. */
async function eventsFrom(opts: EventSource): Promise<ReleaseEvent[]> {
  const given = [opts.feed, opts.event, opts.tableDiff].filter((x) => x !== undefined).length;
  if (given !== 1) throw new InvalidArgumentError('give exactly one of --feed <file|url>, --event <file>, --table-diff <old> <new>');
  if (opts.event) {
    const text = await readFile(opts.event, 'utf8');
    const trimmed = text.trim();
    const items: unknown[] = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    return items.map((x, i) => {
      const parsed = ReleaseEventSchema.safeParse(x);
      if (!parsed.success) throw new InvalidArgumentError(`--event: item ${i} is not an event: ${parsed.error.issues.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
      return parsed.data;
    });
  }
  if (opts.tableDiff) {
    const [a, b] = opts.tableDiff;
    if (!a || !b) throw new InvalidArgumentError('--table-diff needs <old> <new>');
    const [before, after] = await Promise.all([readDocument(a), readDocument(b)]);
    const now = new Date();
    return diffTables(parseVersionsTable(before.text).rows, parseVersionsTable(after.text).rows).map((c) => tableChangeToEvent(c, 'preview', b, now));
  }
  const { text } = await readDocument(opts.feed ?? '');
  const { entries } = await parseFeed(text);
  let chosen = entries;
  if (opts.entry?.length) chosen = entries.filter((e) => opts.entry?.some((x) => e.id === x || e.id.endsWith(x) || e.title === x));
  else if (opts.latest) chosen = entries.slice(0, Number(opts.latest));
  if (chosen.length === 0) throw new InvalidArgumentError('no entry of the feed matches --entry');
  return (await extractEntries(chosen, { source: 'preview' })).flatMap((n) => n.events);
}

async function configFrom(dir: string | undefined): Promise<AppConfig> {
  return dir ? loadConfig(dir) : (await loadAll()).config;
}

export interface TeamOutcome {
  team: string;
  route: 'immediate' | 'held' | 'digest' | 'muted' | 'none';
  targets: string[];
  detail: string | null;
}

/**
 * The teams with `from: inventory` subscriptions resolved to what they run: `runs:` of teams.yaml,
 * plus what was pushed or imported when the service's Redis answers. Says what each resolved to.
 */
async function resolveInventory(config: AppConfig, now: Date): Promise<{ teams: TeamConfig[]; exposure: Map<string, TeamExposure>; notes: string[] }> {
  const needed = config.teams.some((t) => t.runs.length > 0 || t.subscriptions.some((s) => s.from === 'inventory'));
  if (!needed) return { teams: config.teams, exposure: new Map(), notes: [] };
  const notes: string[] = [];
  let pushed = new Map<string, InventoryDoc[]>();
  try {
    const env = loadEnv();
    pushed = await withRedis(env, (redis) => new InventoryStore(redis, env.QUEUE_PREFIX).allDocs());
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    notes.push(`the service's Redis does not answer: from: inventory resolved from teams.yaml runs: only (${err.message})`);
  }
  const { teams, exposure } = resolvedWith(config.teams, exposuresOf(config.teams, pushed, now));
  for (const t of teams)
    t.subscriptions.forEach((s, i) => {
      if (s.from === 'inventory') notes.push(`${t.id} subscriptions[${i}]${s.name ? ` (${s.name})` : ''}: from: inventory → ${(s.inUse ?? []).map((l) => `${l.framework} ${l.version ?? 'latest'}`).join(', ') || 'nothing (no inventory yet)'}`);
    });
  return { teams, exposure, notes };
}

/** For one event: what each team gets, and for every other team why not. */
export function previewEvent(event: ReleaseEvent, teams: TeamConfig[], now: Date, exposure: Map<string, TeamExposure> = new Map()): TeamOutcome[] {
  const matches = matchEvents([event], teams, { now, exposure });
  return teams.map((team) => {
    const m = matches.find((x) => x.teamId === team.id);
    const targets = [...team.slack.channels, ...(team.email.to.length ? [`email: ${team.email.to.join(', ')}`] : [])];
    const alert = m?.immediate[0];
    if (alert) return { team: team.id, route: alert.notBefore ? 'held' : 'immediate', targets, detail: alert.held };
    if (m?.digest.length) return { team: team.id, route: 'digest', targets, detail: `in the ${team.digest.every} digest at ${team.digest.at} ${team.timezone}` };
    if (m?.muted[0]) return { team: team.id, route: 'muted', targets: [], detail: m.muted[0].reason };
    return { team: team.id, route: 'none', targets: [], detail: whyNot(team, event, { now, exposure }) };
  });
}

export function registerOperateCommands(program: Command): void {
  program
    .command('preview')
    .description('which teams and channels would get an event, and for every other team why not (nothing is sent)')
    .option('--feed <file|url>', 'events of this release-notes feed')
    .option('--entry <id|title...>', 'with --feed: only these entries (Atom id, its #fragment, or title)')
    .option('--latest <n>', 'with --feed: only the newest n entries', '1')
    .option('--event <file>', 'events as JSON: one object, an array (as printed by parse --json), or JSON lines')
    .option('--table-diff <pages...>', 'the changes between two supported-versions pages: <old> <new>')
    .option('--config <dir>', 'a draft config directory instead of $CONFIG_DIR')
    .option('--now <time>', 'evaluate quiet hours, mutes and snoozes at this time (2026-07-01T22:30:00Z)')
    .option('--json', 'one JSON array, one item per event', false)
    .action(async (opts: EventSource & { config?: string; now?: string; json: boolean }) => {
      const config = await configFrom(opts.config);
      const now = opts.now ? moment('--now', opts.now) : new Date();
      const json: unknown[] = [];
      const resolved = await resolveInventory(config, now);
      if (!opts.json) for (const n of resolved.notes) out(`# ${n}`);
      for (const event of await eventsFrom(opts)) {
        const outcomes = previewEvent(event, resolved.teams, now, resolved.exposure);
        if (opts.json) {
          json.push({ event: { id: event.id, kind: event.kind, framework: event.framework, version: event.version, title: event.title }, teams: outcomes });
          continue;
        }
        out(`${event.kind.padEnd(22)} ${event.title}`);
        for (const o of outcomes) {
          if (o.route === 'none' || o.route === 'muted') out(`  ✗ ${o.team}: ${o.detail ?? o.route}`);
          else out(`  → ${o.team}: ${o.route}${o.detail ? ` (${o.detail})` : ''} → ${o.targets.join(', ')}`);
        }
      }
      if (opts.json) outJson(json);
    });

  program
    .command('backtest')
    .description('replay a feed (or the events the service stored) through a config: what each team would have received (nothing is sent)')
    .option('--feed <file|url>', 'release-notes feed to replay')
    .option('--history', "replay the events stored by the running service (Redis)", false)
    .option('--days <n>', 'only events published in the last n days (before --now)', positiveInt('--days'), 90)
    .option('--since <when>', 'only events published since then, instead of --days: 2025-01-31, yesterday, 7d')
    .option('--config <dir>', 'a draft config directory instead of $CONFIG_DIR')
    .option('--now <time>', 'the end of the replayed period (default: now)')
    .option('--json', 'one JSON array, one item per team', false)
    .action(async (opts: { feed?: string; history: boolean; days: number; since?: string; config?: string; now?: string; json: boolean }) => {
      if (Boolean(opts.feed) === opts.history) throw new InvalidArgumentError('give --feed <file|url> or --history');
      const config = await configFrom(opts.config);
      const end = opts.now ? moment('--now', opts.now) : new Date();
      const start = opts.since ? pastMoment('--since', end, opts.since) : new Date(end.getTime() - opts.days * 86_400_000);
      let events: ReleaseEvent[];
      if (opts.feed) {
        const { entries } = await parseFeed((await readDocument(opts.feed)).text);
        events = (await extractEntries(entries, { source: 'backtest' })).flatMap((n) => n.events);
      } else {
        const { env } = await loadAll();
        events = await withRedis(env, (redis) => new EventLog(redis, env.QUEUE_PREFIX).recent(10_000));
      }
      const inRange = events
        .filter((e) => e.publishedAt && e.publishedAt >= start.toISOString() && e.publishedAt <= end.toISOString())
        .sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
      const perTeam = new Map(config.teams.map((t) => [t.id, { team: t.id, immediate: [] as string[], held: [] as string[], digest: [] as string[], muted: [] as string[] }]));
      // `from: inventory` resolved to what each team runs today (the inventory has no history).
      const resolved = await resolveInventory(config, end);
      if (!opts.json) for (const n of resolved.notes) out(`# ${n}`);
      for (const event of inRange) {
        // Each event is routed as it would have been when it was published.
        for (const m of matchEvents([event], resolved.teams, { now: new Date(event.publishedAt ?? end), exposure: resolved.exposure })) {
          const row = perTeam.get(m.teamId);
          if (!row) continue;
          for (const a of m.immediate) (a.notBefore ? row.held : row.immediate).push(`${(event.publishedAt ?? '').slice(0, 10)} ${a.event.title}`);
          for (const e of m.digest) row.digest.push(`${(event.publishedAt ?? '').slice(0, 10)} ${e.title}`);
          for (const x of m.muted) row.muted.push(`${(event.publishedAt ?? '').slice(0, 10)} ${x.event.title}`);
        }
      }
      if (!opts.json) out(`${inRange.length} event(s) published ${start.toISOString().slice(0, 10)} … ${end.toISOString().slice(0, 10)}`);
      if (opts.json) {
        outJson([...perTeam.values()]);
        return;
      }
      for (const row of perTeam.values()) {
        out(`\n${row.team}: ${row.immediate.length} immediate, ${row.held.length} held (quiet hours / snooze), ${row.digest.length} in digests, ${row.muted.length} muted`);
        for (const t of row.immediate) out(`  now     ${t}`);
        for (const t of row.held) out(`  held    ${t}`);
        for (const t of row.digest) out(`  digest  ${t}`);
        for (const t of row.muted) out(`  muted   ${t}`);
      }
    });

  const dlq = program.command('dlq').description('dead letters: deliveries that failed permanently or ran out of attempts');
  dlq
    .command('list')
    .description('list dead letters, newest first')
    .option('--json', 'the letters as one JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const { env } = await loadAll();
      await withDeadLetters(env, (letters) => {
        const json: unknown[] = [];
        for (const { job, letter } of letters) {
          const d = DeliverJobSchema.safeParse(letter.data);
          const target = d.success ? (d.data.target.type === 'slack' ? d.data.target.channel : `email ${d.data.target.to.join(', ')}`) : '?';
          const what = d.success ? (d.data.events[0]?.title ?? `${d.data.reminders.length} reminder(s)`) : '(unreadable payload)';
          if (opts.json) json.push({ id: job.id, ...letter, team: d.success ? d.data.teamId : null, target });
          else out(`${String(job.id).padEnd(40)} ${letter.failedAt}  ${letter.code.padEnd(18)} ${d.success ? d.data.teamId : '?'} → ${target}: ${what}  (${letter.reason})`);
        }
        if (opts.json) outJson(json);
        else if (letters.length === 0) out('no dead letters');
        return Promise.resolve();
      });
    });
  dlq
    .command('retry')
    .description('send dead letters again (after fixing the cause: token, channel membership, address…)')
    .argument('[ids...]', 'dead-letter ids from dlq list')
    .option('--all', 'every dead letter', false)
    .action(async (ids: string[], opts: { all: boolean }) => {
      const { env } = await loadAll();
      await withDeadLetters(env, async (letters, queues) => {
        const chosen = pick(letters, ids, opts.all);
        for (const { job, letter } of chosen) {
          const d = DeliverJobSchema.parse(letter.data);
          const original = letter.jobId ? await queues.deliver.getJob(letter.jobId) : undefined;
          if (original && (await original.isFailed())) {
            await original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          } else {
            await queues.deliver.add(d.target.type === 'slack' ? JOB.slack : JOB.email, d, { jobId: `${d.deliveryId}-retry-${Date.now()}` });
          }
          await job.remove();
          out(`retrying ${String(job.id)} (${d.teamId} → ${d.target.type === 'slack' ? d.target.channel : d.target.to.join(', ')})`);
        }
      });
    });
  dlq
    .command('drop')
    .description('delete dead letters without sending them')
    .argument('[ids...]', 'dead-letter ids from dlq list')
    .option('--all', 'every dead letter', false)
    .action(async (ids: string[], opts: { all: boolean }) => {
      const { env } = await loadAll();
      await withDeadLetters(env, async (letters) => {
        for (const { job } of pick(letters, ids, opts.all)) {
          await job.remove();
          out(`dropped ${String(job.id)}`);
        }
      });
    });

  program
    .command('send-test')
    .description("send a test message to each of a team's Slack channels and email recipients, reporting every failure")
    .argument('<team>', 'team id from teams.yaml')
    .action(async (teamId: string) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const { slack, email } = createNotifiers(env);
      const event = testEvent(team.name);
      let failures = 0;
      const report = async (target: string, send: () => Promise<string>): Promise<void> => {
        try {
          const ref = await send();
          out(`ok      ${target} (${ref})`);
        } catch (err) {
          failures++;
          out(`FAILED  ${target}: ${err instanceof DeliveryError ? `${err.code} (${err.failure}): ${err.message}` : (err as Error).message}`);
        }
      };
      const ctx = renderContextFor(config, team, new Date(), env.PUBLIC_URL ?? null);
      for (const channel of team.slack.channels) await report(`slack ${channel} [${slack.mode}]`, () => slack.send(channel, renderSlackAlert(event, undefined, ctx), `send-test-${Date.now()}`));
      if (team.email.to.length > 0) await report(`email ${team.email.to.join(', ')} [${email.mode}]`, async () => email.send(team.email.to, await toEmail(alertEmail(team.name, [event], {}, ctx)), `send-test-${Date.now()}`));
      await Promise.all([slack.close(), email.close()]);
      if (failures > 0) throw new Error(`${failures} of ${team.slack.channels.length + (team.email.to.length > 0 ? 1 : 0)} target(s) failed`);
    });
}

function testEvent(teamName: string): ReleaseEvent {
  const now = new Date();
  return notice(`send-test|${teamName}|${now.toISOString()}`, now, {
    title: `Test message for ${teamName}`,
    severity: 'info',
    text: `If you can read this, release-radar can reach this channel (${now.toISOString()}).`,
    url: null,
  });
}

interface Letter {
  job: Job;
  letter: ReturnType<typeof DeadLetterSchema.parse>;
}

function pick(letters: Letter[], ids: string[], all: boolean): Letter[] {
  if (!all && ids.length === 0) throw new InvalidArgumentError('give dead-letter ids, or --all');
  if (all) return letters;
  const unknown = ids.filter((id) => !letters.some((l) => l.job.id === id));
  if (unknown.length > 0) throw new InvalidArgumentError(`no dead letter ${unknown.join(', ')}`);
  return letters.filter((l) => ids.includes(String(l.job.id)));
}

async function withDeadLetters(env: Env, fn: (letters: Letter[], queues: { deliver: Queue }) => Promise<void>): Promise<void> {
  await withRedis(env, async (redis) => {
    const deadLetter = new Queue(QUEUE.deadLetter, { connection: redis, prefix: env.QUEUE_PREFIX });
    const deliver = new Queue(QUEUE.deliver, { connection: redis, prefix: env.QUEUE_PREFIX });
    try {
      const jobs = await deadLetter.getJobs(['waiting', 'delayed', 'failed', 'completed'], 0, -1, false);
      const letters = jobs.flatMap((job) => {
        const parsed = DeadLetterSchema.safeParse(job.data);
        return parsed.success ? [{ job, letter: parsed.data }] : [];
      });
      letters.sort((a, b) => b.letter.failedAt.localeCompare(a.letter.failedAt));
      await fn(letters, { deliver });
    } finally {
      await deadLetter.close();
      await deliver.close();
    }
  });
}
