// calendar / reminders: a team's end dates, from the running service (Redis) or from a page.
import { InvalidArgumentError, type Command } from 'commander';
import type { Env } from '../../config/env.js';
import { teamCalendar } from '../../render/calendar.js';
import type { EndOfSupportNotice, LifecycleLine } from '../../domain/lifecycle.js';
import { planReminders } from '../../domain/reminders.js';
import { reminderView } from '../../render/present.js';
import { localDate } from '../../domain/time.js';
import { readDocument } from '../../ingest/fetch.js';
import { linesOfTable, parseVersionsTable } from '../../ingest/versions-table.js';
import { LifecycleStore, ReminderLog } from '../../stores/lifecycle.js';
import { findTeam, loadAll, out, withRedis, outJson } from '../context.js';

export function registerLifecycleCommands(program: Command): void {
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
    .option('--json', 'the reminders as one JSON array', false)
    .action(async (teamId: string, opts: { today?: string; table?: string; all: boolean; json: boolean }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const knowledge = await lifecycleKnowledge(env, opts.table, team.id);
      const today = opts.today ?? localDate(new Date(), team.timezone);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new InvalidArgumentError('--today: expected YYYY-MM-DD');
      const plan = planReminders(team, knowledge.lines, knowledge.notices, today, opts.all ? new Set() : knowledge.done);
      if (opts.json) {
        outJson(plan.due);
        return;
      }
      const view = reminderView(plan.due);
      for (const r of view.ahead) out(`${r.when.padEnd(12)} ${r.line}: ${r.dateLabel} on ${r.date}${r.action ? `  → ${r.action.summary}` : ''}`);
      if (view.passed.length > 0) out(`already past (${view.passed.length}): ${view.passed.map((p) => `${p.line} ${p.dateLabel} ${p.date}`).join('; ')}`);
      if (plan.due.length === 0) out(`nothing due for ${team.id} on ${today}`);
    });
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
  return withRedis(env, async (redis) => {
    const store = new LifecycleStore(redis, env.QUEUE_PREFIX);
    const [lines, notices, done] = await Promise.all([store.lines(), store.notices(), new ReminderLog(redis, env.QUEUE_PREFIX).done(teamId)]);
    return { lines, notices, done };
  });
}

