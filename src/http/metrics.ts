// Prometheus metrics (prom-client). A registry per process so tests and several services in one
// process never collide.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  polls: Counter<'source' | 'outcome'>;
  events: Counter<'kind'>;
  deliveries: Counter<'channel' | 'outcome'>;
  queueDepth: Gauge<'queue' | 'state'>;
  secondsSinceSuccess: Gauge<'source'>;
  reminders: Counter<'team'>;
  watchdog: Gauge<'source' | 'problem'>;
  unreadStatements: Gauge<'source'>;
  exposedInstances: Gauge<'team' | 'line' | 'state'>;
  redisUp: Gauge;
  redisRevived: Counter;
  configMismatch: Gauge;
  uncertainRetries: Counter<'channel' | 'resolution'>;
  slackHistoryLookup: Gauge;
  stageConsuming: Gauge<'stage'>;
  workersReplaced: Counter<'stage'>;
  canaryWait: Gauge<'stage'>;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'release_radar_' });
  const metrics: Metrics = {
    registry,
    polls: new Counter({ name: 'release_radar_polls_total', help: 'Source polls by outcome (changed, unchanged, failed)', labelNames: ['source', 'outcome'], registers: [registry] }),
    events: new Counter({ name: 'release_radar_events_total', help: 'Events produced, by kind', labelNames: ['kind'], registers: [registry] }),
    deliveries: new Counter({ name: 'release_radar_deliveries_total', help: 'Deliveries by channel type and outcome', labelNames: ['channel', 'outcome'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'release_radar_queue_depth', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers: [registry] }),
    secondsSinceSuccess: new Gauge({ name: 'release_radar_source_seconds_since_success', help: 'Seconds since the last successful poll of each source', labelNames: ['source'], registers: [registry] }),
    watchdog: new Gauge({ name: 'release_radar_watchdog_problem', help: 'Watchdog problems per source (1 = present): stale (no successful poll for N intervals), silent (new entries parsed to zero events)', labelNames: ['source', 'problem'], registers: [registry] }),
    exposedInstances: new Gauge({ name: 'release_radar_exposed_instances', help: "VMs, pods, unattached disks and code references running each line, per team, by the line's state (supported, patch-only, past-end-of-patch, past-end-of-availability, unknown; stale when the inventory was not refreshed)", labelNames: ['team', 'line', 'state'], registers: [registry] }),
    unreadStatements: new Gauge({ name: 'release_radar_unread_statements', help: 'Statements of the last parsed document of each source whose kind the parser did not understand', labelNames: ['source'], registers: [registry] }),
    configMismatch: new Gauge({ name: 'release_radar_config_mismatch', help: 'Live processes on this Redis prefix whose configuration differs from this one (a rolling deploy, a forgotten process)', registers: [registry] }),
    redisUp: new Gauge({ name: 'release_radar_redis_up', help: '1 when Redis answered the last scrape, 0 when it was unreachable', registers: [registry] }),
    redisRevived: new Counter({ name: 'release_radar_redis_connections_revived_total', help: 'Redis connections (main, queues, workers) that ioredis had closed for good without being asked to, and that were connected again (a connect cancelled by a Sentinel failover)', registers: [registry] }),
    uncertainRetries: new Counter({ name: 'release_radar_uncertain_retries_total', help: 'Retries of a delivery whose earlier attempt had an unknown outcome, by how they ended: found (Slack history had it; not posted again), not-found (posted), resent-unchecked (history lookup refused: may duplicate), resent-same-message-id (email)', labelNames: ['channel', 'resolution'], registers: [registry] }),
    slackHistoryLookup: new Gauge({ name: 'release_radar_slack_history_lookup_available', help: '1 when the last Slack history lookup worked (effectively-once), 0 when Slack refused it (a missing history scope: at-least-once)', registers: [registry] }),
    stageConsuming: new Gauge({ name: 'release_radar_stage_consuming', help: "1 while this process's canary jobs are taken by the stage's workers in time, 0 when one waited past CANARY_DEADLINE_MS (workers silently stopped consuming)", labelNames: ['stage'], registers: [registry] }),
    workersReplaced: new Counter({ name: 'release_radar_workers_replaced_total', help: 'Workers replaced by a new one because the canary found their stage not taking jobs', labelNames: ['stage'], registers: [registry] }),
    canaryWait: new Gauge({ name: 'release_radar_canary_wait_seconds', help: "How long this process's last judged canary job waited before a worker took it (or has waited, when it was not taken)", labelNames: ['stage'], registers: [registry] }),
    reminders: new Counter({ name: 'release_radar_reminders_total', help: 'Reminders before end dates planned for sending, by team', labelNames: ['team'], registers: [registry] }),
  };
  // Assumed to work until Slack refuses a lookup (doctor checks the scopes up front).
  metrics.slackHistoryLookup.set(1);
  return metrics;
}
