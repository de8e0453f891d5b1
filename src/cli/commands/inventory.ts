// inventory import / scan / show / remove: what each team runs, so alerts can say "you run this"
// and lines in use past their end of patch are escalated. Imports read what operators already have
// (gcloud, kubectl, a list); scans read a code repository. Both store into the service's Redis
// (one source per way in, replaced whole each time) unless --dry-run.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Env } from '../../config/env.js';
import type { TeamConfig } from '../../config/schema.js';
import { countsText, type InventoryDoc } from '../../domain/exposure.js';
import { localDate } from '../../domain/time.js';
import { daysBetween } from '../../domain/lifecycle.js';
import { isSourceName, readInventoryFiles, type InventoryEntry, type InventoryFormat } from '../../inventory/formats.js';
import { scanRepository } from '../../inventory/scan.js';
import { exposuresOf } from '../../processors/exposure.js';
import { InventoryStore } from '../../stores/inventory.js';
import { LifecycleStore } from '../../stores/lifecycle.js';
import { findTeam, loadAll, out, outJson, withRedis } from '../context.js';

function sourceName(given: string | undefined, formats: InventoryFormat[]): string {
  const name = given ?? (formats.every((f) => f.startsWith('gcloud')) ? 'gcloud' : formats.length === 1 ? (formats[0] ?? 'import') : 'import');
  if (!isSourceName(name)) throw new InvalidArgumentError(`--source: "${name}" is not a source name (lowercase letters, digits, . _ -; "teams.yaml" is the config's own)`);
  return name;
}

function describeEntry(e: InventoryEntry): string {
  if (e.status === 'recognised' && e.line) {
    const l = e.line;
    const what = l.framework === 'base' ? `base CUDA ${l.version ?? 'cpu'}` : `${l.framework} ${l.version ?? 'latest'}`;
    return `  ✓ ${what.padEnd(18)} ${String(e.count).padStart(3)} × ${e.kind.padEnd(4)} ${e.where}  (${e.ref})`;
  }
  return `  ${e.status === 'unreadable' ? '?' : '·'} ${(e.status === 'unreadable' ? 'unrecognised' : 'not a DL image').padEnd(18)} ${String(e.count).padStart(3)} × ${e.kind.padEnd(4)} ${e.where}: ${e.problem ?? ''}`;
}

/** Prints what was read, then stores it (unless a dry run). */
async function report(env: Env | null, team: TeamConfig, doc: InventoryDoc, extra: { json: boolean; dryRun: boolean; header: string }): Promise<void> {
  const recognised = doc.entries.filter((e) => e.status === 'recognised');
  const unreadable = doc.entries.filter((e) => e.status === 'unreadable');
  if (!extra.dryRun && env) await withRedis(env, (redis) => new InventoryStore(redis, env.QUEUE_PREFIX).put(team.id, doc));
  if (extra.json) {
    outJson(doc.entries);
    return;
  }
  out(extra.header);
  for (const e of doc.entries) out(describeEntry(e));
  out(`${recognised.length} recognised, ${unreadable.length} unrecognised, ${doc.entries.length - recognised.length - unreadable.length} not Deep Learning images${doc.notRunning > 0 ? `, ${doc.notRunning} not running (stopped VMs, finished pods)` : ''}.`);
  out(extra.dryRun ? 'Dry run: nothing stored.' : `Stored as source "${doc.source}" of team ${team.id} (it replaces the previous "${doc.source}").`);
}

export function registerInventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('what each team runs: import gcloud/kubectl output or a list, scan a repository, show exposure');
  inventory
    .command('import')
    .description('read `gcloud compute instances list --format=json` (with `gcloud compute disks list --format=json`), `kubectl get pods -A -o json`, or a plain list of image references')
    .argument('<team>', 'team id from teams.yaml')
    .argument('<files...>', 'one or more files, read together (instances and disks join)')
    .option('--source <name>', 'name of this way in (replaced whole on the next import of the same name); default from the format: gcloud, kubectl, list')
    .option('--dry-run', 'show what is read, store nothing', false)
    .option('--json', 'the entries as one JSON array', false)
    .action(async (teamId: string, files: string[], opts: { source?: string; dryRun: boolean; json: boolean }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const inputs = await Promise.all(files.map(async (f) => ({ name: basename(f), text: await readFile(f, 'utf8') })));
      const read = readInventoryFiles(inputs);
      const doc: InventoryDoc = { source: sourceName(opts.source, read.formats), at: new Date().toISOString(), entries: read.entries, notRunning: read.notRunning, declared: false };
      await report(opts.dryRun ? null : env, team, doc, { json: opts.json, dryRun: opts.dryRun, header: `${team.id}: ${read.entries.length} image reference(s) read from ${files.length} file(s) (${read.formats.join(', ')})` });
    });

  inventory
    .command('scan')
    .description('find DLVM image families and DLC image paths in a code repository (Dockerfiles, Kubernetes/Kubeflow/Vertex specs, Terraform, scripts), each with file:line')
    .argument('<team>', 'team id from teams.yaml')
    .argument('<dir>', 'the repository to scan')
    .option('--source <name>', 'name of this way in', 'scan')
    .option('--dry-run', 'show what is found, store nothing', false)
    .option('--json', 'the hits as one JSON array', false)
    .action(async (teamId: string, dir: string, opts: { source: string; dryRun: boolean; json: boolean }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const result = await scanRepository(dir);
      const doc: InventoryDoc = { source: sourceName(opts.source, []), at: new Date().toISOString(), entries: result.entries, notRunning: 0, declared: false };
      await report(opts.dryRun ? null : env, team, doc, { json: opts.json, dryRun: opts.dryRun, header: `${team.id}: ${result.entries.length} image reference(s) in ${result.filesScanned} file(s) of ${dir}` });
    });

  inventory
    .command('show')
    .description("a team's lines in use: counts, last seen, where from, end dates and runway; stale sources and unrecognised references")
    .argument('<team>', 'team id from teams.yaml')
    .option('--json', 'the lines as one JSON array', false)
    .action(async (teamId: string, opts: { json: boolean }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const now = new Date();
      const { pushed, lines, notices } = await withRedis(env, async (redis) => {
        const life = new LifecycleStore(redis, env.QUEUE_PREFIX);
        return { pushed: new Map([[team.id, await new InventoryStore(redis, env.QUEUE_PREFIX).docs(team.id)]]), lines: await life.lines(), notices: await life.notices() };
      });
      const exposure = exposuresOf([team], pushed, now, { lines, notices }).get(team.id);
      if (opts.json) {
        outJson(exposure?.lines ?? []);
        return;
      }
      if (!exposure) {
        out(`${team.id}: no inventory (add runs: to teams.yaml, or release-radar inventory import|scan, or PUT /teams/${team.id}/inventory)`);
        return;
      }
      const today = localDate(now, team.timezone);
      for (const s of exposure.sources) out(`source ${s.source}: ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'}, ${s.declared ? 'declared in teams.yaml' : `taken ${s.at}`}${s.stale ? ' — STALE: refresh it' : ''}`);
      for (const l of exposure.lines) {
        const runway = l.endOfPatch ? daysBetween(today, l.endOfPatch) : null;
        out(`\n${l.name}: ${l.state ?? 'dates not known'}${runway !== null ? (runway >= 0 ? `, ${runway} days of patches left (${l.endOfPatch})` : `, ${-runway} days past end of patch (${l.endOfPatch})`) : ''}`);
        out(`  runs on ${countsText(l.counts)}; last seen ${l.lastSeen}${l.stale ? ' (stale)' : ''}`);
        for (const w of l.where) out(`  - ${w}`);
      }
      if (exposure.unrecognised.length > 0) {
        out(`\nNot recognised (${exposure.unrecognised.length}):`);
        for (const u of exposure.unrecognised) out(`  ${u.status === 'unreadable' ? '?' : '·'} ${u.where}: ${u.reason}`);
      }
    });

  inventory
    .command('remove')
    .description("forget one source of a team's inventory")
    .argument('<team>', 'team id from teams.yaml')
    .requiredOption('--source <name>', 'the source to forget (see inventory show)')
    .action(async (teamId: string, opts: { source: string }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const removed = await withRedis(env, (redis) => new InventoryStore(redis, env.QUEUE_PREFIX).remove(team.id, opts.source));
      if (!removed) throw new InvalidArgumentError(`team ${team.id} has no inventory source "${opts.source}"`);
      out(`removed source "${opts.source}" of team ${team.id}`);
    });
}
