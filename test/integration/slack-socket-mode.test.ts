// Socket Mode (the default we document: no inbound port): the service connects out with the
// app-level token, through Bolt's SocketModeReceiver, to the stub's WebSocket; clicks and /radar
// arrive as envelopes that must be acknowledged within 3 s. And without a way in (no app token,
// no signing secret), messages carry no buttons at all.
import { describe, expect, it } from 'vitest';
import { ACTION } from '../../src/render/slack-actions.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitFor } from '../helpers/redis.js';
import { startSlackAppSetup, statusOf } from '../helpers/slack-app.js';
import { clickPayload } from '../helpers/slack-socket.js';

describe('Slack buttons through Socket Mode', () => {
  const later = cleanupAfterEach();

  it('connects out with the app token (no inbound endpoint), acknowledges each envelope within 3 s, acts once however often it is delivered', async () => {
    const app = await startSlackAppSetup(later, 'socket');
    const open = app.stub.calls.filter((c) => c.method === 'apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.token).toBe(app.stub.appTokens[0]);
    // Nothing listens for Slack's requests: there is no signing secret to check them with.
    expect((await fetch(`${app.url}/slack/interactions`, { method: 'POST', body: 'payload=%7B%7D' })).status).toBe(404);

    const message = await app.alertAbout('pytorch', '2.7');
    const payload = clickPayload(app.stub, { channel: '#torch', ts: message.ts, actionId: ACTION.mute });
    const started = Date.now();
    expect(await app.interact(payload)).toEqual({ acked: true, status: null });
    expect(Date.now() - started).toBeLessThan(3_000);
    await waitFor(async () => (await app.service.deps.silences.all()).length === 1, 'the mute');
    await waitFor(() => (app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits ?? 0) === 1, 'the message to be edited');
    expect(statusOf(app.stub.messages('#torch').find((m) => m.ts === message.ts) ?? message)).toBe('🔇 <@U0ALICE> muted PyTorch 2.7 until 2027-04-14');

    // Slack redelivers an envelope it did not see acknowledged: the same click, once more.
    expect(await app.interact(payload)).toEqual({ acked: true, status: null });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the answer to the repeat');
    expect(String(app.stub.ephemeral[0]?.body.text)).toMatch(/^🔇 PyTorch 2\.7 is already muted until 2027-04-14 by alice \(from Slack\)$/);
    expect(await app.service.deps.silences.all()).toHaveLength(1);
    expect(app.stub.messages('#torch').find((m) => m.ts === message.ts)?.edits).toBe(1);
  });

  it('/radar through Socket Mode: acknowledged, answered to the asker', async () => {
    const app = await startSlackAppSetup(later, 'socket');
    expect(await app.command('status pytorch 2.9')).toEqual({ acked: true, status: null });
    await waitFor(() => app.stub.ephemeral.length === 1, 'the answer');
    expect(app.stub.ephemeral[0]?.body.response_type).toBe('ephemeral');
    expect(String(app.stub.ephemeral[0]?.body.text)).toMatch(/^\*Torch\*\n• \*PyTorch 2\.9[^*]*\*: patch-only \(a newer line is supported\) · end of patch 2028-08-04/);
  });

  it('no app token and no signing secret: no buttons on messages, and the endpoints say how to enable them', async () => {
    const app = await startSlackAppSetup(later, 'off');
    const message = await app.alertAbout('pytorch', '2.7');
    const ids = (message.blocks ?? []).map((b) => (typeof b.block_id === 'string' ? b.block_id : ''));
    expect(ids.some((id) => id.startsWith('rr|'))).toBe(false);
    expect(JSON.stringify(message.blocks)).not.toContain('rr_');
    const res = await fetch(`${app.url}/slack/commands`, { method: 'POST', body: 'text=help' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN/);
    expect(app.stub.calls.some((c) => c.method === 'apps.connections.open')).toBe(false);
  });
});
