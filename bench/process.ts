// idle_cpu_1000_sources, rss and peak rss, and how they grow: the all-in-one process (`release-radar
// start`, a child process measured through /proc) with 100, 1,000 and 5,000 sources that answer
// 304 and 10,000 teams, against the same process with one source and one team. Polling runs every 10 s instead of
// every minute (six times the load, so the window holds enough polls); the CPU figure is scaled
// back to one poll per source per minute.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { QUEUE } from '../src/queue/names.js';
import { deletePrefix, REDIS_URL, waitFor } from '../test/helpers/redis.js';
import { freePort } from '../test/helpers/redis-server.js';
import { writeConfig } from '../test/helpers/service.js';
import { round, sleep, type Measurement } from './lib.js';

const POLL_EVERY_S = 10;
const WINDOW_S = 30;
const CLK_TCK = 100; // Linux USER_HZ
// The node flags of `npm start` (package.json), so the bench measures the process users run.
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ').filter((w) => w.startsWith('--'));
// Extra node flags for the measured process, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
// to see where its idle time goes (node refuses --cpu-prof in NODE_OPTIONS).
const EXTRA_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const FEED = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>tag:t</id><updated>2026-01-01T00:00:00Z</updated><entry><title>January 01, 2026</title><id>tag:t#1</id><updated>2026-01-01T00:00:00Z</updated><content type="html">&lt;h3&gt;Feature&lt;/h3&gt;&lt;p&gt;PyTorch 2.9 images are now available.&lt;/p&gt;</content></entry></feed>';

interface Measured {
  cpuShare: number;
  rssMb: number;
  peakMb: number;
  notModified: number;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 → indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

export async function measure(sources: number, teams: number): Promise<Measured> {
  let notModified = 0;
  const server: Server = createServer((req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      notModified++;
      res.writeHead(304, { etag: '"v1"' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"v1"' }).end(FEED);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const prefix = `rrbench-${randomBytes(4).toString('hex')}`;
  const configDir = await writeConfig(
    Array.from({ length: sources }, (_, i) => ({ id: `s${i}`, kind: 'feed', url: `${base}/feed-${i}.xml`, every: `${POLL_EVERY_S}s` })),
    Array.from({ length: teams }, (_, i) => ({ id: `team-${i}`, name: `Team ${i}`, slack: { channels: [`#c${i}`] }, subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.4' }] })),
  );
  const port = await freePort();
  const child = spawn('node', [...START_FLAGS, ...EXTRA_FLAGS, path.resolve('bin/release-radar.js'), 'start'], {
    env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir, HTTP_PORT: String(port), LOG_LEVEL: 'warn', ALLOW_PRIVATE_SOURCES: 'true', OUTBOX_DIR: path.join(configDir, 'outbox') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid ?? 0;
  // A process that dies early fails the bench at once, with its last words, instead of leaving it
  // waiting for a readiness that cannot come.
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const died = exited.then((code) => {
    throw new Error(`release-radar start exited early (code ${code}): ${stderr.trim()}`);
  });
  died.catch(() => undefined);
  const orDeath = <T>(p: Promise<T>): Promise<T> => Promise.race([p, died]);
  try {
    // Warm-up: started and ready (every scheduler planned), every source polled once (200 +
    // baseline), then answering 304 twice, so the first round's parses are behind us.
    await orDeath(waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 'the service to be ready', 300_000));
    await orDeath(waitFor(() => notModified >= 2 * sources, 'every source to answer 304 twice', 300_000));
    // …and the first round's parses (each source's 200 was a new document) are done: at 5,000
    // sources they took longer than two polls, and the window measured them instead of idling.
    const parse = new Queue(QUEUE.parse, { connection: { url: REDIS_URL }, prefix });
    try {
      await orDeath(waitFor(async () => Object.values(await parse.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0), 'the first parses to finish', 300_000));
    } finally {
      await parse.close();
    }
    await sleep(2_000);
    const cpu0 = cpuSeconds(pid);
    const seen0 = notModified;
    await sleep(WINDOW_S * 1000);
    const cpuShare = (cpuSeconds(pid) - cpu0) / WINDOW_S;
    return { cpuShare, rssMb: memoryMb(pid, 'VmRSS'), peakMb: memoryMb(pid, 'VmHWM'), notModified: notModified - seen0 };
  } finally {
    child.kill('SIGTERM');
    await exited;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await deletePrefix(prefix);
  }
}

const SIZES = [100, 1_000, 5_000];
const TEAMS = 10_000;

/**
 * One run: a baseline process (1 source, 1 team), then 100, 1,000 and 5,000 sources with 10,000
 * teams. The 1,000-source process gives the idle CPU and memory figures; the three sizes give how
 * cost grows, judged as the cost per source at 5,000 sources over that at 1,000 (1 = linear;
 * below 1, better than linear).
 */
export async function processBenches(): Promise<Measurement[]> {
  const small = await measure(1, 1);
  const sized = new Map<number, Measured>();
  for (const n of SIZES) sized.set(n, await measure(n, TEAMS));
  const at = (n: number): Measured => sized.get(n) as Measured;
  // Scaled back from one poll per 10 s to one per minute per source.
  const scaled = (m: Measured): number => m.cpuShare * (POLL_EVERY_S / 60) * 100;
  const big = at(1_000);
  const table = SIZES.map((n) => `${n} sources: ${round(scaled(at(n)))} % CPU, ${round(at(n).rssMb)} MB (peak ${round(at(n).peakMb)} MB)`).join('; ');
  const cpuGrowth = scaled(at(5_000)) / 5_000 / (scaled(at(1_000)) / 1_000);
  // Memory per source, like CPU: a differential slope between sizes is lost in GC noise.
  const rssGrowth = at(5_000).rssMb / 5_000 / (at(1_000).rssMb / 1_000);
  return [
    {
      name: 'idle_cpu_1000_sources',
      value: round(scaled(big)),
      unit: '% of one core',
      baseline: round(scaled(small)),
      ratio: round(scaled(big) / Math.max(scaled(small), 0.01)),
      goal: { of: 'value', op: '<=', limit: 2 },
      note: `measured at one 304 poll per source every ${POLL_EVERY_S} s (${big.notModified} answers in ${WINDOW_S} s: ${round(big.cpuShare * 100)} % of a core), scaled to one per minute; baseline: 1 source, 1 team`,
    },
    {
      name: 'rss_mb_1k_sources_10k_teams',
      value: round(big.rssMb),
      unit: 'MB',
      baseline: round(small.rssMb),
      ratio: round(big.rssMb / small.rssMb),
      goal: { of: 'value', op: '<=', limit: 150 },
      note: 'resident memory of `release-radar start` after warm-up; baseline: 1 source, 1 team',
    },
    {
      name: 'peak_rss_mb_1k_sources_10k_teams',
      value: round(big.peakMb),
      unit: 'MB',
      baseline: round(small.peakMb),
      ratio: round(big.peakMb / small.peakMb),
      goal: { of: 'value', op: '<=', limit: 200 },
      note: 'highest resident memory (VmHWM) from start through warm-up and the window',
    },
    {
      name: 'growth_idle_cpu_per_source',
      value: round(cpuGrowth),
      unit: 'x',
      baseline: 1,
      ratio: round(cpuGrowth),
      goal: { of: 'value', op: '<=', limit: 1.2 },
      note: `CPU per source at 5,000 sources over CPU per source at 1,000 (1 = linear). ${table}`,
    },
    {
      name: 'growth_rss_per_source',
      value: round(rssGrowth),
      unit: 'x',
      baseline: 1,
      ratio: round(rssGrowth),
      goal: { of: 'value', op: '<=', limit: 1.2 },
      note: 'resident memory per source at 5,000 sources over that at 1,000 (1 = linear), 10,000 teams each',
    },
  ];
}
