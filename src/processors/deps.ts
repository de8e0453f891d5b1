import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import type { EmailNotifier, SlackNotifier } from '../notify/notifier.js';
import type { Queues } from '../queue/queues.js';
import type { RedisHealth } from '../queue/redis-health.js';
import type { DeliveryLedger } from '../stores/ledger.js';
import type { DigestBuffer } from '../stores/digest-buffer.js';
import type { SeenStore } from '../stores/seen.js';
import type { SourceStateStore } from '../stores/source-state.js';
import type { PollPlan } from '../stores/poll-plan.js';
import type { SnapshotStore } from '../stores/snapshots.js';
import type { LifecycleStore, ReminderLog } from '../stores/lifecycle.js';
import type { SilenceStore } from '../stores/silences.js';
import type { PlanStore } from '../stores/plans.js';
import type { ChannelPacer } from '../stores/pacer.js';
import type { ThreadStore } from '../stores/threads.js';
import type { EventLog } from '../stores/event-log.js';
import type { InventoryStore } from '../stores/inventory.js';

/** Everything a processor may use, passed explicitly: no clients created at import time. */
export interface Deps {
  config: AppConfig;
  /** config.teams by id: every delivery looks its team up, and there may be 10,000 of them. */
  teams: ReadonlyMap<string, TeamConfig>;
  redis: Redis;
  /** Is Redis reachable? Fed by the connections' events; read by health endpoints without a round trip. */
  health: RedisHealth;
  prefix: string;
  queues: Queues;
  sources: SourceStateStore;
  /** When each source is next polled (one sweep job polls every source that is due). */
  polls: PollPlan;
  seen: SeenStore;
  snapshots: SnapshotStore;
  ledger: DeliveryLedger;
  digests: DigestBuffer;
  lifecycle: LifecycleStore;
  reminderLog: ReminderLog;
  silences: SilenceStore;
  /** Upgrade plans set from Slack ("we move PyTorch 2.4 to 2.6 by …"). */
  plans: PlanStore;
  /** What each team runs (pushed, imported, scanned); `runs:` in teams.yaml is read from the config. */
  inventory: InventoryStore;
  pacer: ChannelPacer;
  threads: ThreadStore;
  eventLog: EventLog;
  slack: SlackNotifier;
  email: EmailNotifier;
  clock: () => Date;
  logger: Logger;
  metrics: Metrics;
  /** Slack clicks reach this deployment (Socket Mode or a signing secret): messages carry buttons. */
  slackButtons: boolean;
  /** PUBLIC_URL: base of links to this service in alerts (calendars), or null. */
  publicUrl: string | null;
  /** Source fetch options (tests shorten the timeout). */
  fetch: { timeoutMs?: number; maxBytes?: number; allowPrivate: boolean };
}
