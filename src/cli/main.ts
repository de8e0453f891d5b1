// The command line. Every command has --help; commands that print data take --json.
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ReleaseEventSchema } from '../domain/events.js';
import { EnvError, loadEnv, type Env } from '../config/env.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { extractEntries } from '../ingest/extract.js';
import { parseFeed } from '../ingest/feed.js';
import { readDocument } from '../ingest/fetch.js';
import { diffTables, linesOfTable, parseVersionsTable } from '../ingest/versions-table.js';
import { createLogger } from '../logger.js';
import { assertRedisReachable, createRedis, RedisUnavailableError } from '../queue/connection.js';
import { LifecycleStore, ReminderLog } from '../stores/lifecycle.js';
import { teamCalendar } from '../domain/calendar.js';
import type { EndOfSupportNotice, LifecycleLine } from '../domain/lifecycle.js';
import { planReminders } from '../domain/reminders.js';
import { reminderTitle, upgradeText } from '../domain/render.js';
import { localDate } from '../domain/time.js';
import type { AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import { STAGES, type Stage } from '../queue/names.js';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function loadAll(): Promise<{ env: ReturnType<typeof loadEnv>; config: Awaited<ReturnType<typeof loadConfig>> }> {
  const env = loadEnv();
  const config = await loadConfig(env.CONFIG_DIR);
  return { env, config };
}

async function run(stages: readonly Stage[], scheduler: boolean, http: boolean): Promise<void> {
  const { env, config } = await loadAll();
  const logger = createLogger(env.LOG_LEVEL);
  // workers/ holds the entrypoint logic; imported lazily so data commands stay light.
  const { startService, closeOnSignals } = await import('../../workers/service.js');
  const service = await startService(env, config, logger, { stages, scheduler, http });
  closeOnSignals(service, logger);
}

export function buildProgram(): Command {
  const program = new Command('release-radar')
    .description('Tells ML platform teams what changed in the Deep Learning VM / Container images they run on.')
    .showHelpAfterError();

  program
    .command('start')
    .description('run the scheduler, every worker and the HTTP server in one process')
    .action(() => run(STAGES, true, true));

  program
    .command('worker')
    .description(`run the workers of one stage (${STAGES.join(', ')}); start several to scale out`)
    .argument('<stage>', 'stage to run', (v: string) => {
      if (!(STAGES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${STAGES.join(', ')}`);
      return v as Stage;
    })
    .option('--scheduler', 'also keep the job schedulers in sync with the config', false)
    .action((stage: Stage, opts: { scheduler: boolean }) => run([stage], opts.scheduler, false));

  program
    .command('validate')
    .description('check config/sources.yaml and config/teams.yaml and the environment without starting')
    .action(async () => {
      const { config } = await loadAll();
      out(`configuration is valid: ${config.sources.length} source(s), ${config.teams.length} team(s)`);
    });

  program
    .command('parse')
    .description('parse a release-notes feed (file or URL) into events')
    .argument('<file|url>')
    .option('--json', 'one JSON object per line per event', false)
    .option('--source <id>', 'source id used in event ids', 'cli')
    .option('--product <name...>', 'in the all-products feed, keep only these products')
    .action(async (input: string, opts: { json: boolean; source: string; product?: string[] }) => {
      const { text } = await readDocument(input);
      const { entries } = await parseFeed(text);
      for (const note of await extractEntries(entries, { source: opts.source, ...(opts.product ? { products: opts.product } : {}) })) {
        for (const e of note.events) out(opts.json ? JSON.stringify(e) : `${(e.publishedAt ?? '').slice(0, 10)}  ${e.kind.padEnd(22)} ${e.title}`);
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of an event (what parse --json and the queues carry), generated from the zod schema')
    .action(() => {
      out(JSON.stringify(z.toJSONSchema(ReleaseEventSchema), null, 2));
    });

  program
    .command('table')
    .description('read a supported-versions page (file or URL) into rows')
    .argument('<file|url>')
    .option('--json', 'one JSON object per row', false)
    .action(async (input: string, opts: { json: boolean }) => {
      const { text } = await readDocument(input);
      const table = parseVersionsTable(text);
      for (const row of table.rows) {
        out(opts.json ? JSON.stringify(row) : `${row.section.padEnd(20)} ${row.label.padEnd(42)} ${row.accelerator.padEnd(16)} EOP ${row.endOfPatch ?? row.endOfPatchText}  EOA ${row.endOfAvailability ?? row.endOfAvailabilityText}`);
      }
      for (const w of table.warnings) process.stderr.write(`warning: ${w.row}: ${w.column}: ${w.message}\n`);
    });

  program
    .command('table-diff')
    .description('compare two supported-versions pages: version added/removed, end dates moved')
    .argument('<old>')
    .argument('<new>')
    .option('--json', 'one JSON object per change', false)
    .action(async (oldInput: string, newInput: string, opts: { json: boolean }) => {
      const [a, b] = await Promise.all([readDocument(oldInput), readDocument(newInput)]);
      for (const c of diffTables(parseVersionsTable(a.text).rows, parseVersionsTable(b.text).rows)) {
        const added = c.kind === 'version-added' || c.kind === 'version-removed';
        const obj = {
          kind: c.kind,
          section: c.row.section,
          framework: c.row.framework,
          version: c.row.version,
          label: c.row.label,
          accelerator: c.row.accelerator,
          from: added ? null : c.from,
          to: added ? null : c.to,
          ...(added ? { endOfPatch: c.row.endOfPatch, endOfAvailability: c.row.endOfAvailability } : {}),
        };
        out(opts.json ? JSON.stringify(obj) : `${c.kind.padEnd(28)} ${c.row.section} / ${c.row.label} / ${c.row.accelerator}${added ? '' : `: ${c.from ?? '—'} → ${c.to ?? '—'}`}`);
      }
    });

  program
    .command('calendar')
    .description("print a team's end dates as iCalendar (the same as /teams/<team>/calendar.ics of the running service)")
    .argument('<team>', 'team id from teams.yaml')
    .option('--table <file|url>', 'read end dates from this supported-versions page instead of the running service (Redis)')
    .action(async (teamId: string, opts: { table?: string }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const knowledge = await lifecycleKnowledge(env, opts.table, team.id);
      out(teamCalendar(team, knowledge.lines, knowledge.notices, new Date()).toString());
    });

  program
    .command('reminders')
    .description("show which reminders a team's daily check would send (nothing is sent)")
    .argument('<team>', 'team id from teams.yaml')
    .option('--today <date>', "the team's local date to plan for (YYYY-MM-DD); default: today in the team's time zone")
    .option('--table <file|url>', 'read end dates from this supported-versions page instead of the running service (Redis)')
    .option('--all', 'ignore reminders already sent (plan as if for a new team)', false)
    .option('--json', 'one JSON object per reminder', false)
    .action(async (teamId: string, opts: { today?: string; table?: string; all: boolean; json: boolean }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const knowledge = await lifecycleKnowledge(env, opts.table, team.id);
      const today = opts.today ?? localDate(new Date(), team.timezone);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new InvalidArgumentError('--today: expected YYYY-MM-DD');
      const plan = planReminders(team, knowledge.lines, knowledge.notices, today, opts.all ? new Set() : knowledge.done);
      for (const r of plan.due) out(opts.json ? JSON.stringify(r) : `${reminderTitle(r)}${r.upgrade ? `  → ${upgradeText(r.upgrade)}` : ''}`);
      if (!opts.json && plan.due.length === 0) out(`nothing due for ${team.id} on ${today}`);
    });

  return program;
}

function findTeam(config: AppConfig, teamId: string): TeamConfig {
  const team = config.teams.find((t) => t.id === teamId);
  if (!team) throw new InvalidArgumentError(`no team "${teamId}" in teams.yaml (teams: ${config.teams.map((t) => t.id).join(', ') || 'none'})`);
  return team;
}

interface Knowledge {
  lines: LifecycleLine[];
  notices: EndOfSupportNotice[];
  /** Reminder keys the team has already been sent (empty when reading a page). */
  done: Set<string>;
}

/** End dates from a page given on the command line, or from the running service's Redis. */
async function lifecycleKnowledge(env: Env, table: string | undefined, teamId: string): Promise<Knowledge> {
  if (table) {
    const { text } = await readDocument(table);
    return { lines: linesOfTable(parseVersionsTable(text).rows, 'cli', new Date()), notices: [], done: new Set() };
  }
  await assertRedisReachable(env.REDIS_URL);
  const redis = createRedis(env.REDIS_URL);
  try {
    const store = new LifecycleStore(redis, env.QUEUE_PREFIX);
    const [lines, notices, done] = await Promise.all([store.lines(), store.notices(), new ReminderLog(redis, env.QUEUE_PREFIX).done(teamId)]);
    return { lines, notices, done };
  } finally {
    await redis.quit();
  }
}

export async function main(argv: string[]): Promise<void> {
  // `release-radar parse feed.xml | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EnvError || err instanceof RedisUnavailableError) {
      process.stderr.write(`release-radar: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`release-radar: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
