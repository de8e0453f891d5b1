// Issue #2: the whole pipeline on real Redis. A feed server serves the DLVM feed without its newest
// entries; the first poll records a baseline and sends nothing; then the full feed is served and the
// subscribed team gets its Slack messages (real @slack/web-api against a local stub) and its email
// (real SMTP), an unsubscribed team gets nothing, and later polls send nothing more.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackStub } from '../helpers/servers.js';
import { captureLogs } from '../helpers/logs.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const FULL_FEED = readFileSync(new URL('../fixtures/dlvm/release-notes.atom.xml', import.meta.url), 'utf8');

/** The feed as it was before its newest `n` entries were published. */
function withoutNewest(xml: string, n: number): string {
  let out = xml;
  for (let i = 0; i < n; i++) {
    const start = out.indexOf('<entry>');
    const end = out.indexOf('</entry>', start) + '</entry>'.length;
    out = out.slice(0, start) + out.slice(end);
  }
  return out;
}

describe('pipeline: poll → parse → match → deliver', () => {
  let prefix: string;
  let feeds: DocumentServer;
  let slack: SlackStub;
  let mail: MailSink;
  let service: Service | null = null;

  beforeEach(async () => {
    prefix = uniquePrefix('pipeline');
    [feeds, slack, mail] = await Promise.all([startDocumentServer(), startSlackStub(), startMailSink()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all([feeds.close(), slack.close(), mail.close()]);
    await deletePrefix(prefix);
  });

  it('records a baseline, then alerts only the subscribed team, once', async () => {
    feeds.serve('/dlvm.xml', withoutNewest(FULL_FEED, 2));
    const configDir = await writeConfig(
      [{ id: 'dlvm', kind: 'feed', url: `${feeds.url}/dlvm.xml`, every: '10m' }],
      [
        {
          id: 'torch-team',
          name: 'Torch Team',
          timezone: 'Europe/Berlin',
          slack: { channels: ['#torch-alerts', '#torch-oncall'] },
          email: { to: ['torch@example.com'] },
          subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.0', deliver: 'immediate' }],
        },
        {
          id: 'r-team',
          name: 'R Team',
          timezone: 'UTC',
          slack: { channels: ['#r-alerts'] },
          email: { to: ['r@example.com'] },
          subscriptions: [{ frameworks: ['r'], deliver: 'immediate' }],
        },
      ],
    );
    // The log at info, as an operator reads it.
    const { logger, lines: logs } = captureLogs('info');
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl }, logger });

    // First poll: baseline, nothing sent.
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);
    expect(await service.deps.seen.hasBaseline('dlvm')).toBe(true);
    expect(slack.calls).toHaveLength(0);
    expect(mail.messages).toHaveLength(0);

    // The newest two entries appear: July 14, 2025 (end of support for PyTorch 2.3 and earlier, among
    // others) and April 16, 2025 (a Dataproc plugin update that names no framework).
    feeds.serve('/dlvm.xml', FULL_FEED);
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);

    const posted = slack.posted();
    expect(posted.map((c) => c.body.channel).sort()).toEqual(['#torch-alerts', '#torch-oncall']);
    for (const call of posted) {
      expect(call.method).toBe('chat.postMessage');
      expect(call.token).toBe('xoxb-test-token');
      expect(call.body.text).toBe('🚨 PyTorch 2.3 and earlier reached end of patch and support');
      expect(JSON.stringify(call.body.blocks)).toContain('The following framework versions have reached their end of patch and support dates');
    }
    expect(mail.messages).toHaveLength(1);
    const email = mail.messages[0]!;
    expect(email.subject).toBe('[action needed] PyTorch 2.3 and earlier reached end of patch and support');
    expect((email.to as { text: string }).text).toBe('torch@example.com');
    expect(email.text).toContain('PyTorch 2.3 and earlier reached end of patch and support');
    expect(email.html).toContain('PyTorch 2.3 and earlier reached end of patch and support</div>');
    // The R team is subscribed to nothing these entries mention.
    expect(posted.some((c) => c.body.channel === '#r-alerts')).toBe(false);
    expect(mail.messages.some((m) => JSON.stringify(m.to).includes('r@example.com'))).toBe(false);
    // At info, the log says what matched for whom and what was delivered where: one line each.
    const matched = logs.filter((l) => l.event === 'match' && l.team === 'torch-team' && l.decision === 'now');
    expect(matched.map((l) => l.title)).toEqual(['PyTorch 2.3 and earlier reached end of patch and support']);
    expect(matched[0]).toMatchObject({ msg: 'alert matched', kind: 'end-of-support-reached', targets: ['#torch-alerts', '#torch-oncall', 'email'] });
    const delivered = logs.filter((l) => l.event === 'delivery' && l.outcome === 'sent');
    expect(delivered.map((l) => l.target).sort()).toEqual(['#torch-alerts', '#torch-oncall', 'email (1 recipient)']);
    expect(delivered.every((l) => l.msg === 'delivered' && l.team === 'torch-team' && l.purpose === 'alert')).toBe(true);
    expect(JSON.stringify(logs)).not.toContain('torch@example.com');

    // Two more polls (one 304, one re-sent body after the validators are forgotten) send nothing more.
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);
    await service.deps.sources.update('dlvm', { etag: null });
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);
    expect(feeds.requests.at(-2)?.ifNoneMatch).toBeDefined();
    expect(slack.posted()).toHaveLength(2);
    expect(mail.messages).toHaveLength(1);
  });
});
