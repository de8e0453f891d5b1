// Chaos: 2,000 deliveries (1,900 Slack messages to 190 channels, 100 emails) while deliver worker
// processes are SIGKILLed again and again, Redis is restarted mid-run, Slack answers storms of 500s
// and 429s, and the SMTP server is down for the first seconds. The suite runs its own redis-server
// (AOF on, fsync always) on a free port and leaves the machine's Redis alone. It ends with the line
// "delivered N, lost L, duplicated D (Slack S, email E)": L and S must be 0 (a retry after an
// unknown outcome finds the message in the channel history), and every email duplicate must have
// been inside the send window (in flight at a kill or while Redis was down) and carry the same
// Message-ID as its first copy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { JOB, QUEUE } from '../../src/queue/names.js';
import { makeEvent } from '../helpers/events.js';
import { startMailSink, startSlackStub, type MailSink, type SlackStub } from '../helpers/servers.js';
import { writeConfig } from '../helpers/service.js';
import { freePort, startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';

/** The workers' job lock (JOB_LOCK_MS): short, so kills are taken over fast. */
const LOCK_MS = 2_000;
const BIN = path.resolve('bin/release-radar.js');
const TEAMS = 10;
const CHANNELS_PER_TEAM = 19;
const BATCHES = 10;
const EXPECTED_SLACK = TEAMS * CHANNELS_PER_TEAM * BATCHES; // 1,900
const EXPECTED_EMAIL = TEAMS * BATCHES; // 100

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`chaos: timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('chaos', () => {
  const children = new Set<ChildProcess>();
  let redis: OwnRedis | null = null;
  let slack: SlackStub | null = null;
  let mail: MailSink | null = null;

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await redis?.close();
    await slack?.close();
    await mail?.close();
  });

  it('kills, Redis restart, Slack storms, SMTP outage: nothing lost, duplicates only inside the send window', async () => {
    const smtpPort = await freePort();
    // AOF on, fsync always: the restart below must keep every job (this suite is about losing nothing).
    redis = await startOwnRedis({ persistence: true });
    const redisUrl = redis.url;
    const own = redis;

    const t0 = Date.now();
    const at = (): number => Date.now() - t0;
    slack = await startSlackStub();
    // Storms: 500s from 2 s to 5 s and from 14 s to 16 s, 429s (Retry-After 1 s) from 8 s to 11 s.
    slack.decide = () => {
      const t = at();
      if ((t >= 2_000 && t < 5_000) || (t >= 14_000 && t < 16_000)) return 'server-error';
      if (t >= 8_000 && t < 11_000) return 'ratelimit';
      return 'ok';
    };

    const teams = Array.from({ length: TEAMS }, (_, i) => ({
      id: `team-${i}`,
      name: `Team ${i}`,
      slack: { channels: Array.from({ length: CHANNELS_PER_TEAM }, (_, c) => `#t${i}-c${c}`) },
      email: { to: [`team-${i}@example.com`] },
      subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }],
    }));
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], teams);
    const env = {
      ...process.env,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'chaos',
      CONFIG_DIR: configDir,
      SLACK_BOT_TOKEN: 'xoxb-chaos',
      SLACK_API_URL: slack.apiUrl,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=off`,
      SLACK_CHANNEL_INTERVAL_MS: '250',
      JOB_LOCK_MS: String(LOCK_MS),
      DELIVER_BACKOFF_MS: '200',
      LOG_LEVEL: 'silent',
    };
    // Like systemd's Restart=always or docker's restart policy: a worker that exits (killed, or
    // refusing to start while Redis is down) is started again half a second later.
    let supervising = true;
    const exits: string[] = [];
    const worker = (stage: string): ChildProcess => {
      const child = spawn('node', [BIN, 'worker', stage], { env, stdio: 'ignore' });
      children.add(child);
      child.once('exit', (code, signal) => {
        children.delete(child);
        exits.push(`${stage}:${code ?? signal ?? '?'}`);
        if (supervising && signal !== 'SIGKILL') setTimeout(() => supervising && worker(stage), 500);
      });
      return child;
    };
    const deliverers = [worker('deliver'), worker('deliver')];
    worker('match');

    // The producer side: one match job per batch (one event each) → 190 Slack + 10 email deliveries.
    const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
    producer.on('error', () => undefined); // Redis goes away on purpose; ioredis reconnects
    const match = new Queue(QUEUE.match, { connection: producer, prefix: 'chaos' });
    const deliver = new Queue(QUEUE.deliver, { connection: producer, prefix: 'chaos' });
    const deadLetter = new Queue(QUEUE.deadLetter, { connection: producer, prefix: 'chaos' });
    for (const q of [match, deliver, deadLetter]) q.on('error', () => undefined);
    for (let b = 0; b < BATCHES; b++) {
      await match.add(JOB.match, { sourceId: 'x', batchId: `batch-${b}`, events: [makeEvent(`chaos-${b}`, { kind: 'security-update', title: `chaos batch ${b}` })] }, { jobId: `match-chaos-${b}` });
    }

    // Disruptions, recorded with their times.
    const kills: number[] = [];
    let redisDown: [number, number] | null = null;
    const killer = (async () => {
      for (let k = 0; k < 12; k++) {
        await sleep(1_500);
        const i = k % deliverers.length;
        deliverers[i]?.kill('SIGKILL');
        kills.push(Date.now());
        deliverers[i] = worker('deliver');
      }
    })();
    await sleep(6_000);
    const downAt = Date.now();
    await own.shutdown(); // graceful: the AOF is complete
    await sleep(2_000);
    await own.start();
    redisDown = [downAt, Date.now()];
    await sleep(Math.max(0, 10_000 - at()));
    mail = await startMailSink({ port: smtpPort });
    await killer;

    const sink = mail;
    const stub = slack;
    const slackKey = (c: { body: Record<string, unknown> }): string => `${String(c.body.channel)}|${String(c.body.text)}`;
    const emailKey = (i: number): string => `${sink.messages[i]?.to ? JSON.stringify(sink.messages[i]?.to) : '?'}|${sink.messages[i]?.subject ?? ''}`;
    // The alerts; the lines' lifecycle parents (one per channel: the events are about one line) are checked apart below.
    const unique = (): { slack: Set<string>; email: Set<string> } => ({ slack: new Set(stub.alerts().map(slackKey)), email: new Set(sink.messages.map((_, i) => emailKey(i))) });
    let lastReport = 0;
    await until(async () => {
      const u = unique();
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.log(`chaos: at ${Math.round(at() / 1000)} s: ${u.slack.size} Slack messages, ${u.email.size} emails, deliver queue ${JSON.stringify(await deliver.getJobCounts('waiting', 'active', 'delayed'))}, ${children.size} worker processes`);
      }
      return u.slack.size >= EXPECTED_SLACK && u.email.size >= EXPECTED_EMAIL;
    }, 'every delivery to arrive', 150_000);
    await until(async () => {
      const c = await deliver.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    }, 'the deliver queue to drain', 30_000);
    await sleep(1_500); // a last duplicate would show up now
    supervising = false;

    // Accounting.
    const u = unique();
    const delivered = u.slack.size + u.email.size;
    const lost = EXPECTED_SLACK + EXPECTED_EMAIL - delivered;
    const copies = new Map<string, { receivedAt: number; respondedAt: number | null }[]>();
    for (const c of stub.alerts()) copies.set(slackKey(c), [...(copies.get(slackKey(c)) ?? []), { receivedAt: c.receivedAt, respondedAt: c.respondedAt }]);
    sink.messages.forEach((_, i) => copies.set(`email:${emailKey(i)}`, [...(copies.get(`email:${emailKey(i)}`) ?? []), { receivedAt: sink.acceptedAt[i] ?? 0, respondedAt: sink.acceptedAt[i] ?? 0 }]));
    const duplicatesOf = (keys: string[]): number => keys.reduce((n, k) => n + (copies.get(k)?.length ?? 1) - 1, 0);
    const slackDuplicated = duplicatesOf([...copies.keys()].filter((k) => !k.startsWith('email:')));
    const emailDuplicated = duplicatesOf([...copies.keys()].filter((k) => k.startsWith('email:')));
    const duplicated = slackDuplicated + emailDuplicated;
    // Inside the send window (claim → "sent" recorded) of the first copy, one of:
    //  - a worker died or Redis went away while the first copy was being sent (the worker could
    //    not record "sent"; 1 s of slack for recording it after the answer);
    //  - the second copy was sent before the first attempt could have recorded "sent": a busy
    //    worker whose lock expired mid-send (BullMQ then runs the job twice). A worker that got the
    //    answer and then did not run for a while records nothing meanwhile; its lock lapses after
    //    JOB_LOCK_MS and the stalled check, itself every JOB_LOCK_MS, hands the job over: up to
    //    2 × JOB_LOCK_MS after the answer (plus 1 s of slack), still inside the first send window.
    // A SIGKILL takes effect a little after it is sent, and a request already written to the socket
    // still reaches Slack: a kill's window runs 500 ms past the signal.
    const disruptions: [number, number][] = [...kills.map((k) => [k, k + 500] as [number, number]), ...(redisDown ? [redisDown] : [])];
    const outside = [...copies.entries()].filter(([key, list]) => {
      if (!key.startsWith('email:')) return false; // Slack: no duplicate at all (checked below)
      const [first, second] = [...list].sort((a, b) => a.receivedAt - b.receivedAt);
      if (!first || !second) return false;
      const duringDisruption = disruptions.some(([from, to]) => first.receivedAt <= to && (first.respondedAt ?? Infinity) + 1_000 >= from);
      const beforeRecorded = second.receivedAt <= (first.respondedAt ?? Infinity) + 2 * LOCK_MS + 1_000;
      return !duringDisruption && !beforeRecorded;
    });
    // Every copy of an email carries its delivery's one Message-ID.
    const idsPerEmail = new Map<string, Set<string>>();
    sink.messages.forEach((m, i) => idsPerEmail.set(emailKey(i), (idsPerEmail.get(emailKey(i)) ?? new Set()).add(m.messageId ?? '')));
    const emailsWithSeveralIds = [...idsPerEmail].filter(([, ids]) => ids.size > 1).map(([k]) => k);
    const slackCopies = [...copies.entries()].filter(([k, list]) => !k.startsWith('email:') && list.length > 1);
    for (const [key, list] of slackCopies.slice(0, 5)) {
      console.log(`chaos: Slack duplicate: ${key}: ${list.map((c) => `received ${c.receivedAt - t0} answered ${c.respondedAt === null ? 'never' : c.respondedAt - t0}`).join('; ')}`);
    }
    for (const [key, list] of outside.slice(0, 5)) {
      console.log(`chaos: outside the window: ${key}: ${list.map((c) => `received ${c.receivedAt - t0} answered ${c.respondedAt === null ? 'never' : c.respondedAt - t0}`).join('; ')}; kills ${kills.map((k) => k - t0).join(',')}; Redis down ${redisDown?.map((x) => x - t0).join('-') ?? ''}`);
    }
    const deadLetters = await deadLetter.getJobCounts('waiting');
    const lookups = stub.calls.filter((c) => c.method === 'conversations.history' || c.method === 'conversations.replies').length;
    const line = `delivered ${delivered}, lost ${lost}, duplicated ${duplicated} (Slack ${slackDuplicated}, email ${emailDuplicated})`;
    console.log(`chaos: worker exits ${exits.join(' ')}`);
    console.log(`chaos: ${kills.length} worker kills, Redis down ${redisDown ? redisDown[1] - redisDown[0] : 0} ms, ${stub.calls.length - stub.posted().length} Slack errors answered, ${deadLetters.waiting} dead letters, ${lookups} Slack history lookups`);
    // Each channel got one lifecycle parent for the line, kills and all.
    const parents = new Map<string, number>();
    for (const c of stub.parents()) parents.set(String(c.body.channel), (parents.get(String(c.body.channel)) ?? 0) + 1);
    const twiceParented = [...parents].filter(([, n]) => n > 1).map(([channel]) => channel);
    console.log(`chaos: ${parents.size} line parents in ${parents.size} channels, ${twiceParented.length} posted twice`);
    console.log(line);
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/chaos-summary.txt', `${line}\n`);
    await Promise.all([match.close(), deliver.close(), deadLetter.close()]);
    await producer.quit();

    expect(lost).toBe(0);
    expect(deadLetters.waiting).toBe(0);
    expect(slackDuplicated).toBe(0);
    expect(twiceParented).toEqual([]);
    expect(outside.map(([k]) => k)).toEqual([]);
    expect(emailsWithSeveralIds).toEqual([]);
  }, 240_000);
});
