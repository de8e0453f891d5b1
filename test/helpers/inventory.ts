// One whole service for the inventory tests (issue #17): the synthetic later supported-versions
// page served as a versions-table source (PyTorch 2.7: end of patch 2026-10-13, end of
// availability 2027-04-13; PyTorch 2.4 past both), the Slack stub, a real SMTP sink, the HTTP API,
// and a clock the test moves. Teams:
//  - ml: `frameworks: [pytorch, tensorflow]`, deliver: digest, token INVENTORY_TOKEN_ML, quiet hours 22:00–07:00 UTC;
//  - runs: `from: inventory` only (teams.yaml `runs:` PyTorch 2.7), escalation channel #runs-leads;
//  - closed: no inventory token (pushes are refused).
import { readFileSync } from 'node:fs';
import { JOB } from '../../src/queue/names.js';
import type { ReleaseEvent } from '../../src/domain/events.js';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from './redis.js';
import { startDocumentServer, startMailSink, startSlackStub, type MailSink, type SlackStub } from './servers.js';
import { pollNow, startTestService, writeConfig } from './service.js';

export const ML_TOKEN = 'ml-inventory-token-0123456789';
export const inventoryFixture = (name: string): string => readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8');

export interface InventorySetup {
  service: Service;
  url: string;
  stub: SlackStub;
  mail: MailSink;
  configDir: string;
  prefix: string;
  /** PUT /teams/<team>/inventory with a body and (optionally) a Bearer token. */
  push(team: string, body: string, options?: { token?: string | null; source?: string }): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Runs events through the real match and deliver stages. */
  match(events: ReleaseEvent[], batchId?: string): Promise<void>;
  remind(team: string): Promise<void>;
  digest(team: string): Promise<void>;
}

export async function startInventorySetup(later: (close: () => Promise<unknown>) => void, clock: () => Date, env: Record<string, string> = {}): Promise<InventorySetup> {
  const prefix = uniquePrefix('inventory');
  later(() => deletePrefix(prefix));
  const [stub, mail, docs] = await Promise.all([startSlackStub(), startMailSink(), startDocumentServer()]);
  later(() => stub.close());
  later(() => mail.close());
  later(() => docs.close());
  docs.serve('/versions.html', readFileSync(new URL('../fixtures/dlvm/versions-table.2026-07.html', import.meta.url), 'utf8'));
  const configDir = await writeConfig(
    [{ id: 'dlvm-supported-versions', kind: 'versions-table', url: `${docs.url}/versions.html`, every: '1h' }],
    [
      { id: 'ml', name: 'ML Platform', timezone: 'UTC', quietHours: { start: '22:00', end: '07:00' }, slack: { channels: ['#ml'] }, email: { to: ['ml@example.com'] }, subscriptions: [{ frameworks: ['pytorch', 'tensorflow'], deliver: 'digest' }] },
      { id: 'runs', name: 'Runs', timezone: 'UTC', slack: { channels: ['#runs'] }, email: { to: ['runs@example.com'] }, escalation: { slack: { channels: ['#runs-leads'] } }, runs: [{ image: 'pytorch-2-7-cu128-ubuntu-2204-nvidia-570', count: 3, where: 'research cluster' }], subscriptions: [{ from: 'inventory', deliver: 'immediate' }] },
      { id: 'closed', name: 'Closed', slack: { channels: ['#closed'] }, subscriptions: [{ frameworks: ['all'] }] },
    ],
  );
  const service = await startTestService({
    prefix,
    configDir,
    env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: stub.apiUrl, SMTP_URL: mail.smtpUrl, SLACK_CHANNEL_INTERVAL_MS: '0', CANARY_EVERY_MS: '0', INVENTORY_TOKEN_ML: ML_TOKEN, ...env },
    service: { http: true, clock },
  });
  later(() => service.close());
  await pollNow(service, 'dlvm-supported-versions');
  await waitFor(async () => (await service.deps.lifecycle.lines()).some((l) => l.framework === 'pytorch' && l.version === '2.7'), 'the versions table to be read');
  const url = service.http?.url ?? '';
  const { queues } = service.deps;
  return {
    service,
    url,
    stub,
    mail,
    configDir,
    prefix,
    async push(team, body, options = {}) {
      const token = options.token === undefined ? ML_TOKEN : options.token;
      const res = await fetch(`${url}/teams/${team}/inventory${options.source ? `?source=${encodeURIComponent(options.source)}` : ''}`, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async match(events, batchId = `batch-${Date.now()}`) {
      await queues.match.add(JOB.match, { sourceId: 'test', batchId, events });
      await waitForIdle(queues, 20_000, { held: true });
    },
    async remind(team) {
      await queues.remind.add(JOB.remind, { teamId: team });
      await waitForIdle(queues);
    },
    async digest(team) {
      await queues.digest.add(JOB.digest, { teamId: team });
      await waitForIdle(queues);
    },
  };
}
