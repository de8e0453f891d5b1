// Plans drive reminders (issue #16): a line with a plan is reminded of the plan; once the planned
// date passes and the team still subscribes to the line, it is escalated once to the team's
// escalation target, then weekly until the plan is moved or marked done. Through the real remind
// and deliver stages, on a clock the test moves (the team's zone is Europe/Berlin).
import { describe, expect, it } from 'vitest';
import { JOB } from '../../src/queue/names.js';
import { ACTION } from '../../src/render/slack-actions.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitFor, waitForIdle } from '../helpers/redis.js';
import { isParentMessage, parentIn, startSlackAppSetup } from '../helpers/slack-app.js';
import type { StoredMessage } from '../helpers/slack-stub.js';

describe('upgrade plans: reminders and escalation', () => {
  const later = cleanupAfterEach();

  it('reminders carry the plan; a passed plan is escalated once, then weekly, until it is marked done; a muted line is not', async () => {
    let now = new Date('2027-03-15T08:30:00Z');
    const app = await startSlackAppSetup(later, 'http', { clock: () => now });
    const { plans, queues } = app.service.deps;
    await plans.set({ teamId: 'torch', framework: 'pytorch', line: '2.7', target: '2.10', date: '2027-03-20', by: 'bob' }, now);
    const remind = async (): Promise<void> => {
      await queues.remind.add(JOB.remind, { teamId: 'torch' });
      await waitForIdle(queues);
    };
    const leads = (): string[] => app.stub.messages('#torch-leads').map((m) => m.text);

    // 2027-03-15: PyTorch 2.7's end of availability (2027-04-13) is 29 days away: the 30-day reminder, with the plan.
    await remind();
    const replies = (): StoredMessage[] => app.stub.messages('#torch').filter((m) => !isParentMessage(m));
    const about27 = (): StoredMessage | undefined => replies().find((m) => m.text.includes('PyTorch 2.7'));
    await waitFor(() => about27() !== undefined, 'the reminder');
    const reminder = about27();
    // In the line's thread, under its lifecycle parent.
    expect(reminder?.thread_ts).toBe(parentIn(app.stub, '#torch', 'PyTorch 2.7')?.ts);
    const text = JSON.stringify(reminder?.blocks);
    expect(text).toContain('📋 PyTorch 2.7 → 2.10 planned for 2027-03-20, 5 days left');
    expect(text).toContain(ACTION.done);
    expect(leads()).toEqual([]);

    // The plan is on the status page's timeline (a marker on its day) and in the team's calendar.
    const page = await (await fetch(`${app.url}/`)).text();
    expect(page).toMatch(/<path class="plan-mark"[^>]*data-plan="2\.7→2\.10" data-date="2027-03-20"><title>Plan: move to 2\.10 by 2027-03-20<\/title>/);
    const ics = await (await fetch(`${app.url}/teams/torch/calendar.ics`)).text();
    expect(ics).toContain('SUMMARY:Upgrade plan: PyTorch 2.7 → 2.10');
    expect(ics).toContain('DTSTART;VALUE=DATE:20270320');

    // 2027-03-21: a day past the plan, and the team still subscribes to PyTorch >= 2.4.
    now = new Date('2027-03-21T08:30:00Z');
    await remind();
    await waitFor(() => leads().length === 1, 'the escalation');
    expect(leads()[0]).toBe('Overdue upgrade plan for Torch: PyTorch 2.7 → 2.10 planned for 2027-03-20, 1 day overdue');
    const escalation = JSON.stringify(app.stub.messages('#torch-leads')[0]?.blocks);
    expect(escalation).toContain('Torch still subscribes to PyTorch 2.7 (no patches since 2026-10-13; images stop being available 2027-04-13)');
    expect(escalation).toContain(ACTION.done);
    // The same day again, and the next days of the week: nothing more.
    await remind();
    for (const day of ['2027-03-22', '2027-03-27']) {
      now = new Date(`${day}T08:30:00Z`);
      await remind();
    }
    expect(leads()).toHaveLength(1);
    // A week later: once more.
    now = new Date('2027-03-28T08:30:00Z');
    await remind();
    await waitFor(() => leads().length === 2, 'the weekly escalation');
    expect(leads()[1]).toBe('Overdue upgrade plan for Torch: PyTorch 2.7 → 2.10 planned for 2027-03-20, 8 days overdue');
    expect((await plans.get('torch', 'pytorch', '2.7'))?.escalations).toBe(2);

    // Marked done: no more escalations, however late.
    await plans.markDone('torch', 'pytorch', '2.7', 'bob', now);
    now = new Date('2027-04-11T08:30:00Z');
    await remind();
    expect(leads()).toHaveLength(2);
  });

  it('a muted line gets neither reminders nor escalations, and its reminders wait for the mute to end', async () => {
    let now = new Date('2027-03-21T08:30:00Z');
    const app = await startSlackAppSetup(later, 'http', { clock: () => now });
    const { plans, queues, silences } = app.service.deps;
    await plans.set({ teamId: 'torch', framework: 'pytorch', line: '2.7', target: '2.10', date: '2027-03-20', by: 'bob' }, new Date('2027-03-01T00:00:00Z'));
    await silences.put({ id: 'slack-mute-test', teamId: 'torch', kind: 'mute', subscription: null, framework: 'pytorch', versions: '2.7', until: '2027-03-25T00:00:00.000Z', reason: '', origin: 'slack', by: 'alice' });
    await queues.remind.add(JOB.remind, { teamId: 'torch' });
    await waitForIdle(queues);
    expect(app.stub.messages('#torch-leads')).toEqual([]);
    expect(app.stub.messages('#torch').map((m) => m.text).join('\n')).not.toContain('PyTorch 2.7');
    // Once the mute has ended, the reminder held back comes.
    now = new Date('2027-03-26T08:30:00Z');
    await queues.remind.add(JOB.remind, { teamId: 'torch' });
    await waitForIdle(queues);
    await waitFor(() => app.stub.messages('#torch').some((m) => JSON.stringify(m.blocks).includes('PyTorch 2.7')), 'the held reminder');
    await waitFor(() => app.stub.messages('#torch-leads').length === 1, 'the escalation after the mute');
  });
});
