// A lifecycle thread per (team, channel, version line), issue #16: the channel holds one living
// message per line (state, both dates, the plan, the upgrade target), edited in place as any of it
// changes; alerts and reminders about the line go in its thread. The lines and dates are the real
// supported-versions page's (2026-07 fixture); the clock is moved by the test.
import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/ids.js';
import { JOB } from '../../src/queue/names.js';
import { enqueueDeliveries } from '../../src/queue/producers.js';
import { ACTION } from '../../src/render/slack-actions.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { makeEvent } from '../helpers/events.js';
import { waitFor, waitForIdle } from '../helpers/redis.js';
import { isParentMessage, parentIn, startSlackAppSetup, TABLE } from '../helpers/slack-app.js';
import { pollNow } from '../helpers/service.js';
import { clickPayload } from '../helpers/slack-socket.js';
import type { StoredMessage } from '../helpers/slack-stub.js';

const fieldsOf = (m: StoredMessage | undefined): Record<string, string> => {
  const section = (m?.blocks ?? []).find((b) => Array.isArray(b.fields));
  return Object.fromEntries(((section?.fields as { text: string }[] | undefined) ?? []).map((f) => f.text.replace(/^\*([^*]+)\*\n/, '$1\n').split('\n') as [string, string]));
};
const headerOf = (m: StoredMessage | undefined): string => String(((m?.blocks ?? [])[0]?.text as { text?: string } | undefined)?.text ?? '');

describe('lifecycle threads', () => {
  const later = cleanupAfterEach();

  it('one living parent per line: alerts in its thread, edited when a plan is made and when the line passes an end date, not edited when nothing changed', async () => {
    let now = new Date('2027-03-15T08:30:00Z');
    const app = await startSlackAppSetup(later, 'http', { clock: () => now });
    const first = await app.alertAbout('pytorch', '2.7');
    const second = await app.alertAbout('pytorch', '2.7.1', 'patch-update');
    const parent = parentIn(app.stub, '#torch', 'PyTorch 2.7');
    expect(parent).toBeDefined();
    expect(first.thread_ts).toBe(parent?.ts);
    expect(second.thread_ts).toBe(parent?.ts);
    // The channel itself holds the parent only.
    expect(app.stub.messages('#torch').filter((m) => !m.thread_ts).map((m) => m.text)).toEqual([parent?.text]);
    expect(headerOf(parent)).toBe('🟠 PyTorch 2.7 (Python 3.10): past end of patch');
    expect(fieldsOf(parent)).toMatchObject({
      State: 'past end of patch: no more fixes',
      'End of patch and support': '2026-10-13 (153 days ago)',
      'End of availability': '2027-04-13 (in 29 days)',
      Plan: 'none yet',
      'Upgrade to': expect.stringMatching(/^Move to PyTorch 2\.10 .*patched until 2028-07-01/),
    });
    expect(JSON.stringify(parent?.blocks)).toContain(ACTION.plan);

    // A snooze from a button on the alert: the parent says so.
    expect((await app.interact(clickPayload(app.stub, { channel: '#torch', ts: first.ts, actionId: ACTION.snooze, option: '7d' }))).acked).toBe(true);
    await waitFor(() => fieldsOf(parentIn(app.stub, '#torch', 'PyTorch 2.7')).Silenced === 'snoozed until 2027-03-22 by alice', 'the parent to show the snooze');
    const editsAfterSnooze = parentIn(app.stub, '#torch', 'PyTorch 2.7')?.edits ?? 0;
    expect(editsAfterSnooze).toBeGreaterThanOrEqual(1);

    // A plan, set from the parent's own button: the parent shows it (and offers "Mark plan done").
    expect((await app.interact(clickPayload(app.stub, { channel: '#torch', ts: parent?.ts ?? '', actionId: ACTION.plan }))).acked).toBe(true);
    await waitFor(() => app.stub.views.size === 1, 'the plan modal');
    const plan = await app.service.deps.plans.set({ teamId: 'torch', framework: 'pytorch', line: '2.7', target: '2.10', date: '2027-04-01', by: 'bob' }, now);
    expect(plan.result).toBe('created');
    // (the submission path is covered in slack-actions.test.ts; here the daily run catches up)
    await app.service.deps.queues.remind.add(JOB.remind, { teamId: 'torch' });
    await waitForIdle(app.service.deps.queues);
    await waitFor(() => fieldsOf(parentIn(app.stub, '#torch', 'PyTorch 2.7')).Plan === 'PyTorch 2.7 → 2.10 planned for 2027-04-01, 17 days left', 'the parent to show the plan');
    expect(JSON.stringify(parentIn(app.stub, '#torch', 'PyTorch 2.7')?.blocks)).toContain(ACTION.done);
    // The reminder of the day went in the thread too.
    expect(app.stub.messages('#torch').filter((m) => !isParentMessage(m) && m.text.includes('PyTorch 2.7')).every((m) => m.thread_ts === parent?.ts)).toBe(true);

    // The same day again: nothing changed, no edit.
    const edits = parentIn(app.stub, '#torch', 'PyTorch 2.7')?.edits ?? 0;
    await app.service.deps.queues.remind.add(JOB.remind, { teamId: 'torch' });
    await waitForIdle(app.service.deps.queues);
    expect(parentIn(app.stub, '#torch', 'PyTorch 2.7')?.edits).toBe(edits);

    // 2027-04-14: past its end of availability. The daily run edits the parent.
    now = new Date('2027-04-14T08:30:00Z');
    await app.service.deps.queues.remind.add(JOB.remind, { teamId: 'torch' });
    await waitForIdle(app.service.deps.queues);
    await waitFor(() => headerOf(parentIn(app.stub, '#torch', 'PyTorch 2.7')) === '🔴 PyTorch 2.7 (Python 3.10): past end of availability', 'the parent to turn red');
    expect(fieldsOf(parentIn(app.stub, '#torch', 'PyTorch 2.7'))['End of availability']).toBe('2027-04-13 (1 day ago)');
    // Still one top-level message per line.
    expect(app.stub.messages('#torch').filter((m) => !m.thread_ts && m.text.startsWith('PyTorch 2.7'))).toHaveLength(1);
  });

  it('a date that moves on the supported-versions page: the alert goes in the line\'s thread and the parent shows the new date', async () => {
    const app = await startSlackAppSetup(later, 'http');
    await app.alertAbout('pytorch', '2.7');
    const parent = parentIn(app.stub, '#torch', 'PyTorch 2.7');
    expect(fieldsOf(parent)['End of availability']).toMatch(/^2027-04-13 /);
    // Google moves PyTorch 2.7's end of availability by half a year.
    const moved = TABLE.replace('<td>2.7.1</td>\n<td>CUDA 12.8</td>\n<td>October 13, 2026</td>\n<td>April 13, 2027</td>', '<td>2.7.1</td>\n<td>CUDA 12.8</td>\n<td>October 13, 2026</td>\n<td>October 13, 2027</td>');
    expect(moved).not.toBe(TABLE);
    app.docs.serve('/versions.html', moved);
    await pollNow(app.service, 'dlvm-supported-versions');
    await waitForIdle(app.service.deps.queues);
    await waitFor(() => app.stub.messages('#torch').some((m) => m.text.includes('stop being available on 2027-10-13')), 'the date-move alert');
    const alert = app.stub.messages('#torch').find((m) => m.text.includes('stop being available on 2027-10-13'));
    expect(alert?.thread_ts).toBe(parent?.ts);
    await waitFor(() => /^2027-10-13 /.test(fieldsOf(parentIn(app.stub, '#torch', 'PyTorch 2.7'))['End of availability'] ?? ''), 'the parent to show the new date');
    expect(parentIn(app.stub, '#torch', 'PyTorch 2.7')?.edits).toBeGreaterThanOrEqual(1);
  });

  it('two alerts about a new line at the same moment start one thread, not two', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const jobs = ['a', 'b', 'c'].map((n) => ({ deliveryId: stableId('race', n), teamId: 'torch', target: { type: 'slack' as const, channel: '#torch' }, events: [makeEvent(`race-${n}`, { kind: 'patch-update', framework: 'pytorch', version: `2.9.${n === 'a' ? 1 : n === 'b' ? 2 : 3}`, scope: 'exact', title: `race ${n}` })], purpose: 'alert' as const }));
    await enqueueDeliveries(app.service.deps.queues, jobs, new Date());
    await waitForIdle(app.service.deps.queues);
    const parents = app.stub.messages('#torch').filter(isParentMessage);
    expect(parents.map((p) => p.text)).toEqual([expect.stringMatching(/^PyTorch 2\.9/)]);
    const replies = app.stub.messages('#torch').filter((m) => m.text.includes('race'));
    expect(replies).toHaveLength(3);
    expect(replies.every((m) => m.thread_ts === parents[0]?.ts)).toBe(true);
  });

  it('a parent posted by a delivery that died before recording it is found in the channel, not posted twice', async () => {
    const app = await startSlackAppSetup(later, 'http');
    const threadKey = 'torch|#torch|pytorch|2.9';
    // The dead delivery: took the start lock (marking the thread "posting"), posted the parent with
    // the thread's id in its metadata, and died before recording it; its lock then ran out.
    expect(await app.service.deps.threads.beginStart(threadKey, 'dead-delivery', 50)).toEqual({ state: 'started' });
    expect(await app.service.deps.threads.beginStart(threadKey, 'another', 50)).toEqual({ state: 'taken' });
    const posted = await app.service.deps.slack.send('#torch', { text: 'PyTorch 2.9 (posted by the dead delivery)', blocks: [] }, `${stableId('thread', threadKey)}|parent`);
    await new Promise((r) => setTimeout(r, 80));

    const job = { deliveryId: stableId('after-death'), teamId: 'torch', target: { type: 'slack' as const, channel: '#torch' }, events: [makeEvent('after-death', { kind: 'patch-update', framework: 'pytorch', version: '2.9.1', scope: 'exact', title: 'after the death' })], purpose: 'alert' as const };
    await enqueueDeliveries(app.service.deps.queues, [job], new Date());
    await waitForIdle(app.service.deps.queues);
    const messages = app.stub.messages('#torch');
    expect(messages.filter((m) => m.text.startsWith('PyTorch 2.9'))).toHaveLength(1);
    expect(messages.find((m) => m.text.includes('after the death'))?.thread_ts).toBe(posted);
    expect(await app.service.deps.threads.get(threadKey)).toBe(posted);
    // A delivery that looked before the root was recorded and asks for the lock after is given the root.
    expect(await app.service.deps.threads.beginStart(threadKey, 'late', 50)).toEqual({ state: 'exists', root: posted });
  });
});
