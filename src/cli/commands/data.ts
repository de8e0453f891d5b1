// validate / parse / schema / table / table-diff: reading config, feeds and pages; no service needed.
import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { ReleaseEventSchema } from '../../domain/events.js';
import { extractEntries } from '../../ingest/extract.js';
import { parseFeed } from '../../ingest/feed.js';
import { isIpLiteral, isPrivateAddress, readDocument } from '../../ingest/fetch.js';
import { explainJson, explainStatement } from '../../ingest/reading/explain.js';
import { diffTables, parseVersionsTable } from '../../ingest/versions-table.js';
import { loadAll, out, outJson, positiveInt } from '../context.js';

export function registerDataCommands(program: Command): void {
  program
    .command('validate')
    .description('check the config files and the values of the environment variables, connecting to nothing (doctor also checks that Redis, sources, Slack and SMTP answer)')
    .option('--config <dir>', 'a config directory instead of $CONFIG_DIR (as preview and backtest take)')
    .action(async (opts: { config?: string }) => {
      const { env, config } = await loadAll(opts.config);
      // Addresses that are private by their very name are refused at poll time unless allowed: say so now.
      const warnings = [...config.warnings];
      if (!env.ALLOW_PRIVATE_SOURCES) {
        config.sources.forEach((s, i) =>
          s.urls.forEach((u, j) => {
            const host = new URL(u).hostname.replace(/^\[|\]$/g, '');
            if (host === 'localhost' || host.endsWith('.localhost') || (isIpLiteral(host) && isPrivateAddress(host))) warnings.push(`sources.yaml: sources[${i}].urls[${j}]: ${host} is a loopback or private address; polls refuse it unless ALLOW_PRIVATE_SOURCES=true`);
          }),
        );
      }
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
      out(`configuration is valid: ${config.sources.length} source(s), ${config.teams.length} team(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
    });

  program
    .command('parse')
    .description('parse a release-notes feed (file or URL) into events')
    .argument('<file|url>')
    .option('--json', 'the events as one JSON array (one event per line)', false)
    .option('--source <id>', 'source id used in event ids', 'cli')
    .option('--product <name...>', 'in the all-products feed, keep only these products')
    .option('--explain', 'per statement: the mentions found, the kind chosen and why, the events or why none', false)
    .option('--entry <text>', 'only entries whose title or id contains this text')
    .option('--latest <n>', 'only the newest n entries', positiveInt('--latest'))
    .action(async (input: string, opts: { json: boolean; source: string; product?: string[]; explain: boolean; entry?: string; latest?: number }) => {
      const { text } = await readDocument(input);
      let { entries } = await parseFeed(text);
      if (opts.entry) entries = entries.filter((e) => e.title.includes(opts.entry ?? '') || e.id.includes(opts.entry ?? ''));
      if (opts.entry && entries.length === 0) throw new InvalidArgumentError(`--entry: no entry's title or id contains "${opts.entry}"`);
      if (opts.latest !== undefined) entries = [...entries].sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '')).slice(0, opts.latest);
      const json: unknown[] = [];
      let lastEntry = '';
      for (const note of await extractEntries(entries, { source: opts.source, explain: opts.explain, ...(opts.product ? { products: opts.product } : {}) })) {
        if (opts.explain) {
          if (opts.json) {
            for (const s of note.reading?.statements ?? []) json.push({ entry: note.entryId, product: note.note.product, noteType: note.note.type, release: note.note.release, ...explainJson(s) });
            continue;
          }
          const entry = entries.find((e) => e.id === note.entryId);
          if (note.entryId !== lastEntry) out(`\n${entry?.title ?? note.entryId}  (${note.entryId})`);
          lastEntry = note.entryId;
          out(`[${note.note.heading || 'no heading'}]${note.note.product ? ` ${note.note.product}` : ''}${note.note.label ? ` — ${note.note.label}` : ''}`);
          for (const s of note.reading?.statements ?? []) for (const line of explainStatement(s)) out(line);
          out(`  ⇒ ${note.events.length ? note.events.map((e) => `${e.kind}: ${e.title}`).join('\n    ') : 'no events'}`);
          continue;
        }
        for (const e of note.events) {
          if (opts.json) json.push(e);
          else out(`${(e.publishedAt ?? '').slice(0, 10)}  ${e.kind.padEnd(22)} ${e.title}`);
        }
      }
      if (opts.json) outJson(json);
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
    .option('--json', 'the rows as one JSON array', false)
    .action(async (input: string, opts: { json: boolean }) => {
      const { text } = await readDocument(input);
      const table = parseVersionsTable(text);
      if (opts.json) outJson(table.rows);
      else for (const row of table.rows) out(`${row.section.padEnd(20)} ${row.label.padEnd(42)} ${row.accelerator.padEnd(16)} EOP ${row.endOfPatch ?? row.endOfPatchText}  EOA ${row.endOfAvailability ?? row.endOfAvailabilityText}`);
      for (const w of table.warnings) process.stderr.write(`warning: ${w.row}: ${w.column}: ${w.message}\n`);
    });

  program
    .command('table-diff')
    .description('compare two supported-versions pages: version added/removed, end dates moved')
    .argument('<old>')
    .argument('<new>')
    .option('--json', 'the changes as one JSON array', false)
    .action(async (oldInput: string, newInput: string, opts: { json: boolean }) => {
      const [a, b] = await Promise.all([readDocument(oldInput), readDocument(newInput)]);
      const json: unknown[] = [];
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
        if (opts.json) json.push(obj);
        else out(`${c.kind.padEnd(28)} ${c.row.section} / ${c.row.label} / ${c.row.accelerator}${added ? '' : `: ${c.from ?? '—'} → ${c.to ?? '—'}`}`);
      }
      if (opts.json) outJson(json);
    });
}
