// `release-radar demo`: the whole product in about a minute, with no internet and no credentials.
// The real service (every stage, the status page) runs against a local replay of the bundled real
// documents. The demo takes the baseline, then "publishes" the newest real entries one at a time,
// moves end dates on the versions page, runs each team's reminder check and digest, and says after
// each step what the service did. Alerts go to a fresh outbox folder; the Redis keys live under a
// prefix of their own and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { destination } from 'pino';
import { EnvError, loadEnv, type Env } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import type { ReleaseEvent } from '../domain/events.js';
import { parseFeed } from '../ingest/feed.js';
import { parseVersionsTable } from '../ingest/versions-table.js';
import { assertRedisReachable, createRedis, describeRedis, redisTargetOf } from '../queue/connection.js';
import { deleteKeysWithPrefix, waitUntilIdle } from '../queue/idle.js';
import { JOB, STAGES } from '../queue/names.js';
import type { Service } from '../../workers/service.js';
import { changelogSections } from './changelog.js';
import { atomFeed, readBundled, readDemoConfig, startReplayServer, withoutNewestEntries } from './replay.js';

// Paths the demo config (src/demo/config/sources.yaml) points at.
const PATHS = {
  dlvmFeed: '/docs.cloud.google.com/feeds/deeplearningvm-release-notes.xml',
  containerFeed: '/containers/release-notes.xml',
  versionsPage: '/docs.cloud.google.com/deep-learning-vm/docs/images',
} as const;
const ATOM = 'application/atom+xml; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
// How many of the newest entries are held back from the baseline and then published one by one.
const PUBLISHED_DLVM = 5;
const PUBLISHED_CONTAINERS = 2;

export interface DemoOptions {
  /** Stay up (status page, outbox) until this resolves; default: stop when the story is told. */
  keepUntil?: Promise<unknown>;
  /** Status page port; 0 = any free port. */
  port?: number;
  /** Where the narrative goes (stdout in the CLI). */
  print?: (line: string) => void;
  /** The service's own log (JSON on stderr); default "error", so the story stays readable. */
  logLevel?: string;
  /** Ctrl-C: stop after the current step, and clean up. */
  signal?: AbortSignal;
}

export interface DemoStep {
  title: string;
  events: ReleaseEvent[];
  /** One line per message written to the outbox in this step: "<target>: <headline>". */
  deliveries: string[];
}

export interface DemoResult {
  prefix: string;
  outbox: string;
  statusUrl: string;
  steps: DemoStep[];
  /** Redis keys deleted at the end (the demo's whole state). */
  keysDeleted: number;
  seconds: number;
}

interface Publication {
  source: string;
  title: string;
  serve: () => void;
}

/** The DLC-style feed: AWS container changelogs (PyTorch, vLLM, Base CUDA) as one Atom feed. */
function containerEntries() {
  return ['pytorch', 'vllm', 'base'].flatMap((name) =>
    changelogSections(readBundled(`aws/changelog/${name}.md`), {
      idPrefix: `tag:release-radar.demo,2026:containers/${name}`,
      url: (heading) => `https://aws.github.io/deep-learning-containers/${name}/changelog/#${encodeURIComponent(heading)}`,
    }).map((s) => s.entry),
  );
}

/** `base`: the caller's environment; only where Redis is and OUTBOX_DIR are taken from it. */
export async function runDemo(base: Env, options: DemoOptions = {}): Promise<DemoResult> {
  // Its keys are found again by a SCAN of one server (cleanup of killed demos): not on a Cluster.
  if (base.REDIS_CLUSTER_NODES) throw new EnvError('environment: REDIS_CLUSTER_NODES: the demo runs against a single Redis or a Sentinel-managed one; unset REDIS_CLUSTER_NODES (REDIS_URL=redis://127.0.0.1:6379) to try it');
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  // 2026-12-01T13-49-39 (outbox folder), rr-demo-20261201-134939-<random> (Redis keys: two demos at once do not meet).
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const prefix = `rr-demo-${stamp.replace(/-/g, '').replace('T', '-').toLowerCase()}-${randomBytes(2).toString('hex')}`;
  const outbox = path.resolve(base.OUTBOX_DIR, `demo-${stamp}`);
  const replay = await startReplayServer();
  const configDir = await mkdtemp(path.join(tmpdir(), 'rr-demo-config-'));
  let service: Service | null = null;
  const steps: DemoStep[] = [];
  let keysDeleted = 0;
  let statusUrl = '';
  let heartbeat: NodeJS.Timeout | null = null;
  let controlConnection: ReturnType<typeof createRedis> | null = null;
  try {
    // The documents before anything is "published".
    const dlvmFeed = readBundled('dlvm/release-notes.atom.xml');
    const containers = containerEntries();
    const containerFeed = (withheld: number): string =>
      atomFeed({ id: 'tag:release-radar.demo,2026:containers', title: 'Deep Learning Containers (AWS changelogs) - Release notes', link: 'https://aws.github.io/deep-learning-containers/' }, withheld > 0 ? byDateDesc(containers).slice(withheld) : containers);
    replay.serve(PATHS.dlvmFeed, withoutNewestEntries(dlvmFeed, PUBLISHED_DLVM), ATOM);
    replay.serve(PATHS.containerFeed, containerFeed(PUBLISHED_CONTAINERS), ATOM);
    replay.serve(PATHS.versionsPage, readBundled('dlvm/versions-table.html'), HTML);

    await writeFile(path.join(configDir, 'sources.yaml'), readDemoConfig('sources.yaml').replaceAll('REPLAY', replay.url));
    await writeFile(path.join(configDir, 'teams.yaml'), readDemoConfig('teams.yaml'));
    // Only Redis and the log level come from the caller's environment: the demo never posts to a
    // real Slack or SMTP server, and it is the only place where loopback sources are allowed.
    const env: Env = {
      ...loadEnv({
      LOG_LEVEL: options.logLevel ?? 'error',
      QUEUE_PREFIX: prefix,
      CONFIG_DIR: configDir,
      OUTBOX_DIR: outbox,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(options.port ?? 0),
      ALLOW_PRIVATE_SOURCES: 'true',
      }),
      ...redisTargetOf(base),
    };
    const config = await loadConfig(configDir);
    const { startService } = await import('../../workers/service.js');
    // Logs go to stderr, so the story on stdout stays readable.
    const logger = createLogger(env.LOG_LEVEL, destination(2));
    // A demo killed outright (SIGKILL) cannot clean up: it keeps a heartbeat that expires, and the
    // next demo removes what such demos left behind. The heartbeat exists before any other key of
    // this demo, so a demo starting at the same moment never takes this one for abandoned.
    await assertRedisReachable(env);
    const control = createRedis(env);
    const alive = `${prefix}:demo-alive`;
    await control.set(alive, '1', 'EX', 30);
    heartbeat = setInterval(() => void control.set(alive, '1', 'EX', 30).catch(() => undefined), 10_000);
    heartbeat.unref();
    controlConnection = control;
    const leftovers = await removeAbandonedDemos(control, prefix);
    service = await startService(env, config, logger, { stages: STAGES, scheduler: false, http: true });
    const running = service;
    statusUrl = `${running.http?.url ?? ''}/`;

    print('release-radar demo: the whole service against a local replay of bundled real data (no internet, no credentials).');
    print(`  replay      ${replay.url} serves the DLVM release notes, a DLC-style feed (AWS container changelogs) and the DLVM versions page`);
    print(`  redis       ${describeRedis(env)}, keys under ${prefix}: (deleted at the end)`);
    print(`  outbox      ${path.relative(process.cwd(), outbox) || outbox}`);
    print(`  status page ${statusUrl}`);
    if (leftovers.keys > 0) print(`  cleanup     removed ${leftovers.keys} Redis keys left by ${leftovers.prefixes} demo(s) that were killed before they could clean up`);
    print('');

    let eventsSoFar = 0;
    const seenFiles = new Set<string>();
    const step = async (title: string, act: () => Promise<void>): Promise<DemoStep> => {
      if (options.signal?.aborted) throw new DemoInterrupted();
      await act();
      await waitUntilIdle(running.deps.queues, { timeoutMs: 60_000, ignoreDelayedBeyondMs: 60_000 });
      const all = await running.deps.eventLog.recent(10_000);
      const events = all.slice(0, all.length - eventsSoFar).reverse();
      eventsSoFar = all.length;
      const deliveries = await newDeliveries(outbox, seenFiles);
      const result = { title, events, deliveries };
      steps.push(result);
      print(`${steps.length}. ${title}`);
      if (events.length > 0) print(`   → ${events.length} event(s): ${summarise(events)}`);
      for (const d of deliveries) print(`   → ${d}`);
      if (events.length === 0 && deliveries.length === 0) print('   → nothing to send');
      return result;
    };
    const poll = async (sourceIds: string[]): Promise<void> => {
      await running.deps.queues.poll.addBulk(sourceIds.map((sourceId) => ({ name: JOB.poll, data: { sourceId } })));
    };
    const perTeam = async (queue: 'digest' | 'remind'): Promise<void> => {
      const q = running.deps.queues[queue];
      await q.addBulk(config.teams.map((t) => ({ name: queue === 'digest' ? JOB.digest : JOB.remind, data: { teamId: t.id } })));
    };

    const baselineEntries = (await parseFeed(withoutNewestEntries(dlvmFeed, PUBLISHED_DLVM))).entries.length;
    const tableRows = parseVersionsTable(readBundled('dlvm/versions-table.html')).rows.length;
    await step(
      `Baseline: the first poll of each source records what exists (${baselineEntries} DLVM entries, ${containers.length - PUBLISHED_CONTAINERS} container changelog entries, ${tableRows} versions-page rows) and sends nothing`,
      () => poll(config.sources.map((s) => s.id)),
    );

    // The newest real entries, oldest first, as if Google (and the container changelogs) published them now.
    const dlvmNewest = (await parseFeed(dlvmFeed)).entries.slice(0, PUBLISHED_DLVM).reverse();
    const publications: Publication[] = [
      ...dlvmNewest.map((entry, i) => ({ source: 'dlvm-release-notes', title: entry.title, serve: () => replay.serve(PATHS.dlvmFeed, withoutNewestEntries(dlvmFeed, PUBLISHED_DLVM - i - 1), ATOM) })),
      ...byDateDesc(containers)
        .slice(0, PUBLISHED_CONTAINERS)
        .reverse()
        .map((entry, i) => ({ source: 'dlc-style-release-notes', title: entry.title, serve: () => replay.serve(PATHS.containerFeed, containerFeed(PUBLISHED_CONTAINERS - i - 1), ATOM) })),
    ];
    for (const p of publications) {
      await step(`${p.source === 'dlvm-release-notes' ? 'Google publishes' : 'The container changelog publishes'} "${p.title}" (${p.source})`, async () => {
        p.serve();
        await poll([p.source]);
      });
    }
    await step('The versions page changes (the April 2026 snapshot becomes the July 2026 one: end dates move, a version is added, one removed)', async () => {
      replay.serve(PATHS.versionsPage, readBundled('dlvm/versions-table.2026-07.html'), HTML);
      await poll(['dlvm-supported-versions']);
    });
    await step("Each team's daily reminder check, from the end dates now known", () => perTeam('remind'));
    await step('Each team\'s digest (what "deliver: auto" held back: new images, patches, dependency updates)', () => perTeam('digest'));

    // Counted from the outbox itself at the end (a line's parent edited by the last delivery counts too).
    const written = await newDeliveries(outbox, new Set());
    const slack = written.filter((d) => d.startsWith('Slack')).length;
    const email = written.filter((d) => d.startsWith('email')).length;
    print('');
    print(`Wrote ${slack} Slack message(s) and ${email} email(s) to ${path.relative(process.cwd(), outbox) || outbox}:`);
    print(`  ${path.join(path.relative(process.cwd(), outbox) || outbox, 'slack')}/<channel>/*.txt  Slack messages as text (.json: the blocks sent)`);
    print(`  ${path.join(path.relative(process.cwd(), outbox) || outbox, 'email')}/*.txt            emails as text (.html: open in a browser; .eml: the message)`);
    if (options.keepUntil) {
      print(`Status page with each team's timeline: ${statusUrl}  calendars: ${statusUrl}teams/<team>/calendar.ics`);
      print('Staying up (--keep): press Ctrl-C to stop; the demo state is removed from Redis then.');
      await options.keepUntil;
    } else {
      print('The status page (each team\'s timeline) was served while the demo ran: run `release-radar demo --keep` to open it.');
    }
  } catch (err) {
    if (!(err instanceof DemoInterrupted)) throw err;
    print('Interrupted: stopping and cleaning up.');
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (service) await service.close(); // the workers first, then everything under the prefix
    if (controlConnection) {
      const control = controlConnection;
      keysDeleted = await deleteKeysWithPrefix(control, prefix).finally(() => control.quit().catch(() => control.disconnect()));
    }
    await replay.close();
    await rm(configDir, { recursive: true, force: true });
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  print(`Done in ${seconds} s; removed the demo's ${keysDeleted} Redis keys (${prefix}:*).`);
  return { prefix, outbox, statusUrl, steps, keysDeleted, seconds };
}

class DemoInterrupted extends Error {}

/** Keys of earlier demos whose heartbeat has expired (killed before their own cleanup ran). */
async function removeAbandonedDemos(redis: ReturnType<typeof createRedis>, mine: string): Promise<{ prefixes: number; keys: number }> {
  const prefixes = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'rr-demo-*', 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const p = k.slice(0, k.indexOf(':'));
      if (p && p !== mine) prefixes.add(p);
    }
  } while (cursor !== '0');
  let keys = 0;
  let removed = 0;
  for (const p of prefixes) {
    if ((await redis.exists(`${p}:demo-alive`)) === 1) continue; // another demo, running now
    keys += await deleteKeysWithPrefix(redis, p);
    removed += 1;
  }
  return { prefixes: removed, keys };
}

const byDateDesc = <T extends { publishedAt: string | null }>(entries: T[]): T[] => [...entries].sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''));

/** "3 new-image, 1 security-update (PyTorch 2.4, Base 12.4, …)" */
function summarise(events: ReleaseEvent[]): string {
  const kinds = new Map<string, number>();
  for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const titles = [...new Set(events.map((e) => e.title))];
  return `${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}; ${titles.slice(0, 3).join('; ')}${titles.length > 3 ? `; … ${titles.length - 3} more` : ''}`;
}

/** The outbox files written since the last look, as "<target>: <headline>" lines. */
async function newDeliveries(outbox: string, seen: Set<string>): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.txt') && !seen.has(full)) files.push(full);
    }
  };
  await walk(outbox);
  files.sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
  const out: string[] = [];
  for (const file of files) {
    seen.add(file);
    const text = await readFile(file, 'utf8');
    const to = /^to (.+)$/m.exec(text)?.[1] ?? '?';
    if (file.includes(`${path.sep}slack${path.sep}`)) out.push(`Slack ${to}: ${/^# (.+)$/m.exec(text)?.[1] ?? text.split('\n').find((l) => l.trim() && !l.startsWith('to ')) ?? ''}`);
    else out.push(`email ${to}: ${/^subject: (.+)$/m.exec(text)?.[1] ?? ''}`);
  }
  return out;
}
