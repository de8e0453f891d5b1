// Acting on an alert where it arrives (issue #16), through the real service, Bolt and the Slack
// SDK against the local Slack stub, in HTTP mode (signed requests to /slack/interactions and
// /slack/commands). The lines and dates are the real supported-versions page's (2026-07 fixture):
// PyTorch 2.7 is past its end of patch (2026-10-13) and usable until 2027-04-13; 2.9 and 2.10 are
// supported.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/domain/time.js';
import { addDays } from '../../src/domain/lifecycle.js';
import { ACTION } from '../../src/render/slack-actions.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitFor } from '../helpers/redis.js';
import { lineBlockId, SIGNING_SECRET, startSlackAppSetup, statusOf } from '../helpers/slack-app.js';
import { BOB, clickPayload, interactionBody, postSigned, signSlackRequest, viewSubmissionPayload } from '../helpers/slack-socket.js';

describe('Slack buttons and /radar (HTTP mode)', () => {
  const later = cleanupAfterEach();

  it('snooze: a silence record like the CLI\'s, the message edited in place with who and until when, audit-logged; a double click changes nothing twice', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    const blockId = lineBlockId(message);
    expect(blockId).toBe('rr|torch|pytorch|2.7|2026-10-13|2027-04-13');

    const click = (): Record<string, unknown> => clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.snooze, option: '7d' });
    expect(await app.interact(click())).toEqual({ acked: true, status: 200 });
    await waitFor(() => (app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits ?? 0) === 1, 'the message to be edited');
    const today = localDate(new Date(), 'Europe/Berlin');
    const silences = await app.service.deps.silences.all();
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({ teamId: 'torch', kind: 'snooze', framework: 'pytorch', versions: '2.7', origin: 'slack', by: 'alice' });
    // Until the start of that day in the team's zone: the same for every click that day.
    expect(new Date(silences[0]?.until ?? '').toISOString()).toBe(new Date(`${addDays(today, 7)}T00:00:00${berlinOffset(addDays(today, 7))}`).toISOString());
    const edited = app.stub.messages('#torch').find((m) => m.ts === message.ts);
    // Said in the team's own days (the silence ends as 7 days from now starts in Berlin).
    expect(statusOf(edited ?? message)).toBe(`⏰ <@U0ALICE> snoozed PyTorch 2.7 until ${addDays(today, 7)}`);
    // The buttons are still there, under the status line.
    expect(edited?.blocks?.some((b) => b.block_id === blockId)).toBe(true);

    // The same click again (a double click: a new request, signed anew).
    expect(await app.interact(click())).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the answer to the second click');
    expect(await app.service.deps.silences.all()).toHaveLength(1);
    expect(app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits).toBe(1);
    expect(String(app.stub.ephemeral[0]?.body.text)).toBe(`⏰ PyTorch 2.7 is already snoozed until ${addDays(today, 7)} by alice (from Slack)`);

    const audit = (await app.service.deps.redis.lrange(`${app.service.deps.prefix}:audit`, 0, -1)).map((r) => JSON.parse(r) as { user: string; action: string; result: string });
    expect(audit).toEqual([expect.objectContaining({ user: 'U0ALICE', action: 'snooze', result: 'snoozed' })]);
  });

  it('a forged, stale or replayed request gets 401 and changes nothing; an unsigned one too', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    const body = interactionBody(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.mute }));
    const endpoint = `${app.url}/slack/interactions`;
    const now = Math.floor(Date.now() / 1000);

    expect((await postSigned(endpoint, 'not-the-secret-at-all-0000000000', body)).status).toBe(401);
    expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now + 6 * 60 })).status).toBe(401);
    // Signed over a different body: the body was changed on the way.
    expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now, signature: signSlackRequest(SIGNING_SECRET, now, `${body}x`) })).status).toBe(401);
    const unsigned = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.service.deps.silences.all()).toEqual([]);

    // A genuine request, then the very same bytes again: the replay is refused.
    const signature = signSlackRequest(SIGNING_SECRET, now, body);
    expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now, signature })).status).toBe(200);
    expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now, signature })).status).toBe(401);
    await waitFor(async () => (await app.service.deps.silences.all()).length === 1, 'the genuine click to act');
    await new Promise((r) => setTimeout(r, 300));
    const silences = await app.service.deps.silences.all();
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({ kind: 'mute', framework: 'pytorch', versions: '2.7', origin: 'slack' });
    // Muted until the day after the line's end of availability starts, in the team's zone.
    expect(silences[0]?.until).toBe('2027-04-13T22:00:00.000Z');

    // The replay again with something appended to the signature (the verifier reads only up to a
    // second "="): still the same request, still refused.
    for (const tail of ['=x', '=', '==']) expect((await postSigned(endpoint, SIGNING_SECRET, body, { timestamp: now, signature: `${signature}${tail}` })).status).toBe(401);
    // Too big: refused with 413 (and read no further).
    const big = `payload=${'x'.repeat(300_000)}`;
    expect((await postSigned(endpoint, SIGNING_SECRET, big)).status).toBe(413);
    // A body that trickles in: dropped after 5 s, nothing done, the server still answers.
    const slow = await trickle(endpoint, body, SIGNING_SECRET);
    expect(slow.closedAfterMs).toBeLessThan(7_000);
    expect(slow.answer === null || slow.answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await app.service.deps.silences.all()).toHaveLength(1);
  }, 30_000);

  it('SLACK_HTTP_PORT: the Slack endpoints on a listener of their own (and nothing else there), the rest stays on HTTP_HOST', async () => {
    const app = await startSlackAppSetup(later, 'http', { env: { SLACK_HTTP_HOST: '127.0.0.1', SLACK_HTTP_PORT: '0' } });
    const front = app.service.slackHttp?.url ?? '';
    expect(front).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(front).not.toBe(app.url);
    for (const path of ['/', '/metrics', '/healthz', '/teams/torch/calendar.ics', '/-/reload', '/admin/queues']) expect((await fetch(`${front}${path}`, { method: path === '/-/reload' ? 'POST' : 'GET' })).status, path).toBe(404);
    const message = await app.alertAbout('pytorch', '2.7');
    const body = interactionBody(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.mute }));
    expect((await postSigned(`${front}/slack/interactions`, 'forged-secret-0000000000000000000', body)).status).toBe(401);
    expect((await postSigned(`${front}/slack/interactions`, SIGNING_SECRET, body)).status).toBe(200);
    await waitFor(async () => (await app.service.deps.silences.all()).length === 1, 'the mute');
  });

  it('a click from a channel that is not the team\'s changes nothing, and says why', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    const payload = clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.mute });
    // The same message, shared into another channel and clicked there.
    payload.channel = { id: app.stub.channelId('#random'), name: 'random' };
    expect(await app.interact(payload)).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the refusal');
    expect(String(app.stub.ephemeral[0]?.body.text)).toBe("⚠️ this channel is not one of Torch's (teams.yaml: teams[id=torch].slack.channels); nothing was changed");
    expect(await app.service.deps.silences.all()).toEqual([]);
  });

  it('a button on a line already handled elsewhere answers with the current state instead of acting (muted from the CLI)', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    // What `release-radar mute torch --for 3d` writes.
    await app.service.deps.silences.add({ teamId: 'torch', kind: 'mute', subscription: null, framework: null, versions: null, until: new Date(Date.now() + 3 * 86_400_000).toISOString(), reason: 'migration week' });
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.snooze, option: '7d' }))).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the answer');
    expect(String(app.stub.ephemeral[0]?.body.text)).toMatch(/^🔇 PyTorch 2\.7 is already muted until \d{4}-\d{2}-\d{2} \(from the command line\): nothing to snooze$/);
    expect((await app.service.deps.silences.all()).map((s) => s.kind)).toEqual(['mute']);
    expect(app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits).toBeUndefined();
  });

  it('acknowledge with a plan: a modal with the supported lines (suggested first), the plan stored and shown; mark done ends it; a late plan click answers that it is done', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.plan }))).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.views.size === 1, 'the plan modal');
    const first = [...app.stub.views][0];
    if (!first) throw new Error('no view was opened');
    const [viewId, opened] = first;
    const blocks = opened.view.blocks as { block_id?: string; element?: { options?: { value: string }[]; initial_option?: { value: string } } }[];
    const target = blocks.find((b) => b.block_id === 'target')?.element;
    expect(target?.options?.map((o) => o.value)).toEqual(['2.10', '2.9']);
    expect(target?.initial_option?.value).toBe('2.10');

    const planned = addDays(localDate(new Date(), 'Europe/Berlin'), 40);
    const submit = viewSubmissionPayload(app.stub, viewId, { target: { target: { type: 'static_select', selected_option: { value: '2.10' } } }, date: { date: { type: 'datepicker', selected_date: planned } } }, BOB);
    expect(await app.interact(submit)).toEqual({ acked: true, status: 200 });
    await waitFor(async () => (await app.service.deps.plans.all()).length === 1, 'the plan');
    const [plan] = await app.service.deps.plans.all();
    expect(plan).toMatchObject({ teamId: 'torch', framework: 'pytorch', line: '2.7', target: '2.10', date: planned, status: 'planned', by: 'bob' });
    await waitFor(() => (app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits ?? 0) === 1, 'the message to show the plan');
    expect(statusOf(app.stub.messages('#torch').find((m) => m.ts === message.ts) ?? message)).toBe(`📋 <@U0BOB> planned PyTorch 2.7 → 2.10 planned for ${planned}, 40 days left`);

    // The next alert about the line offers "Mark plan done" instead of "Plan upgrade…".
    const next = await app.alertAbout('pytorch', '2.7', 'patch-update');
    expect(JSON.stringify(next.blocks)).toContain(ACTION.done);
    expect(JSON.stringify(next.blocks)).not.toContain(`"${ACTION.plan}"`);
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: next.ts, actionId: ACTION.done }))).toEqual({ acked: true, status: 200 });
    await waitFor(async () => (await app.service.deps.plans.all())[0]?.status === 'done', 'the plan to be done');
    // The old message's "Plan upgrade…" clicked late: the plan is done, nothing reopens.
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.plan }))).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.ephemeral.some((e) => String(e.body.text).includes('already marked done')), 'the answer to the late click');
    expect(app.stub.views.size).toBe(1);
    expect((await app.service.deps.plans.all())[0]?.status).toBe('done');
  });

  it('upgrade path: the line\'s state and dates, every newer supported line with its runway and the command, to the clicker only', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.upgrade }))).toEqual({ acked: true, status: 200 });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the upgrade path');
    const text = String(app.stub.ephemeral[0]?.body.text);
    expect(app.stub.ephemeral[0]?.body.response_type).toBe('ephemeral');
    expect(text.split('\n')[0]).toBe('*PyTorch 2.7*: past end of patch (no more fixes), end of patch 2026-10-13, end of availability 2027-04-13');
    expect(text).toMatch(/→ suggested: PyTorch 2\.10.* \(patches until 2028-07-01\) \(\d+ days of patches left\)/);
    expect(text).toMatch(/→ PyTorch 2\.9.*2028-08-04/);
  });

  it('/radar status, silences and help answer the person who asked; a channel with no team says so', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const message = await app.alertAbout('pytorch', '2.7');
    expect(await app.interact(clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.snooze, option: '7d' }))).toEqual({ acked: true, status: 200 });
    await waitFor(async () => (await app.service.deps.silences.all()).length === 1, 'the snooze');

    const answers = async (text: string, channel?: string): Promise<string> => {
      const before = app.stub.ephemeral.length;
      expect(await app.command(text, channel)).toEqual({ acked: true, status: 200 });
      await waitFor(() => app.stub.ephemeral.length > before, `the answer to /radar ${text}`);
      const answer = app.stub.ephemeral[before];
      expect(answer?.body.response_type).toBe('ephemeral');
      return String(answer?.body.text);
    };
    const status = await answers('status pytorch 2.7');
    expect(status).toMatch(/^\*Torch\*\n• \*PyTorch 2\.7[^*]*\*: past end of patch \(no more fixes\) · end of patch 2026-10-13 \(\d+ days ago\) · end of availability 2027-04-13 \(in \d+ days\) · upgrade: 2\.10/);
    const all = await answers('status');
    expect(all).toContain('PyTorch 2.10');
    expect(all).toContain('PyTorch 2.4');
    expect(all).not.toContain('PyTorch 2.3'); // outside >=2.4
    expect(await answers('silences')).toMatch(/^\*Torch\*\n• ⏰ snoozed pytorch 2\.7 until \d{4}-\d{2}-\d{2} \(slack, alice\): snoozed from Slack by alice$/);
    expect(await answers('help')).toContain('/radar status pytorch 2.4');
    expect(await answers('status', '#random')).toBe('No team in teams.yaml has this channel (#random) in its slack.channels, so there is nothing to show here.');
  });
});

/** Sends the headers and half the body of a signed request, then nothing: when does the server let go, and what does it say? */
async function trickle(endpoint: string, body: string, secret: string): Promise<{ closedAfterMs: number; answer: string | null }> {
  const url = new URL(endpoint);
  const timestamp = Math.floor(Date.now() / 1000);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise((r) => socket.once('connect', r));
  const started = Date.now();
  socket.write(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\nx-slack-request-timestamp: ${timestamp}\r\nx-slack-signature: ${signSlackRequest(secret, timestamp, body)}\r\n\r\n${body.slice(0, 10)}`);
  let answer: string | null = null;
  socket.on('data', (d: Buffer) => (answer ??= d.toString('utf8')));
  await new Promise((r) => socket.once('close', r));
  return { closedAfterMs: Date.now() - started, answer };
}

/** Europe/Berlin's UTC offset on a date ("+01:00" in winter, "+02:00" in summer). */
function berlinOffset(date: string): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const berlin = new Date(noon.toLocaleString('en-US', { timeZone: 'Europe/Berlin' }));
  const utc = new Date(noon.toLocaleString('en-US', { timeZone: 'UTC' }));
  const hours = Math.round((berlin.getTime() - utc.getTime()) / 3_600_000);
  return `+${String(hours).padStart(2, '0')}:00`;
}
