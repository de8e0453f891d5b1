// The command line. Every command has --help; commands that print data take --json.
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ReleaseEventSchema } from '../domain/events.js';
import { EnvError, loadEnv } from '../config/env.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { extractEntries } from '../ingest/extract.js';
import { parseFeed } from '../ingest/feed.js';
import { readDocument } from '../ingest/fetch.js';
import { diffTables, parseVersionsTable } from '../ingest/versions-table.js';
import { createLogger } from '../logger.js';
import { RedisUnavailableError } from '../queue/connection.js';
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

  return program;
}

export async function main(argv: string[]): Promise<void> {
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
