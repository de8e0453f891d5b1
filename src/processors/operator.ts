// Messages to the people who run release-radar (sources.yaml `operator:`), not to the teams:
// watchdog incidents, lost Redis state, sources that moved. Each is a delivery job like any alert,
// so it is retried and dead-lettered like one; without `operator` it is only logged (and shown on
// the status page by its caller). Text goes through redaction: a source URL may carry credentials.
import { notice } from '../domain/events.js';
import { stableId } from '../domain/ids.js';
import { enqueueDeliveries } from '../queue/producers.js';
import type { DeliverJobInput } from '../queue/payloads.js';
import { redactText, redactUrl } from '../redact.js';
import type { Deps } from './deps.js';

/**
 * `incident` identifies the message: the same incident is sent once (delivery ids are derived from
 * it and the ledger refuses a second send).
 */
export async function alertOperator(deps: Deps, incident: string, title: string, text: string, url: string | null, severity: 'problem' | 'resolved' | 'info' = 'problem'): Promise<void> {
  const safe = { title: redactText(title), text: redactText(text), url: url ? redactUrl(url) : null, severity };
  // A problem is an error in the log; a recovery or a notice is not.
  const log = { incident: redactText(incident), title: safe.title, severity };
  if (severity === 'problem') deps.logger.error(log, 'operator alert');
  else deps.logger.info(log, 'operator notice');
  const operator = deps.config.operator;
  if (!operator) return;
  // The incident key may hold a source URL: the event carries it redacted (delivery ids hash it).
  const event = notice(`operator|${redactText(incident)}`, deps.clock(), safe);
  const jobs: DeliverJobInput[] = operator.slack.channels.map((channel) => ({
    deliveryId: stableId('operator', incident, 'slack', channel),
    teamId: 'operator',
    target: { type: 'slack' as const, channel },
    events: [event],
    purpose: 'alert' as const,
  }));
  if (operator.email.to.length > 0) jobs.push({ deliveryId: stableId('operator', incident, 'email'), teamId: 'operator', target: { type: 'email', to: operator.email.to }, events: [event], purpose: 'alert' });
  await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
}
