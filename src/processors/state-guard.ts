// Redis can restart empty (a failover to an empty replica, a restart without persistence, a
// FLUSHALL by mistake). Then the job schedulers are gone, nothing polls any more, and every
// baseline and seen-note set is lost. The watchdog cannot notice: it is itself a scheduled job.
// So every process that keeps the schedulers runs this guard in-process:
//   - at start it writes a marker key (or adopts the one that is there);
//   - on every reconnect, and every `checkEveryMs`, it checks that the marker is still there;
//   - when it is gone, the first process to notice re-creates the marker, records a "recovery"
//     (the window in which notes may have been missed), re-creates every scheduler and tells the
//     operator once; other processes adopt the new marker and re-sync their schedulers too
//     (upserts are idempotent);
//   - every few checks it also verifies that every scheduler exists, and re-creates missing ones.
import { randomUUID } from 'node:crypto';
import { repairSchedulers, syncSchedulers } from '../queue/schedules.js';
import { runScript } from '../stores/scripts.js';
import type { Deps } from './deps.js';
import { alertOperator } from './operator.js';

export interface Recovery {
  id: string;
  /** When the loss was noticed. */
  detectedAt: string;
  /** The last time the state was seen intact: notes published after it may have been missed. */
  lostAfter: string;
}

const RECOVERY_TTL_SECONDS = 14 * 24 * 3600;

// The marker, if absent, and with it the recovery record (KEYS: marker, recovery; ARGV: marker
// value, recovery value, its TTL in seconds). 1 if this call set them, 0 if another process had.
const CLAIM_RECOVERY = `if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

export const markerKey = (prefix: string): string => `${prefix}:state-marker`;
export const recoveryKey = (prefix: string): string => `${prefix}:recovery`;

/** The recovery in progress, if Redis lost its state recently. */
export async function currentRecovery(deps: Pick<Deps, 'redis' | 'prefix'>): Promise<Recovery | null> {
  const raw = await deps.redis.get(recoveryKey(deps.prefix));
  return raw ? (JSON.parse(raw) as Recovery) : null;
}

export interface StateGuardStatus {
  markerId: string | null;
  lastVerifiedAt: string | null;
  /** Set when a check could not re-create what was missing (shown by /healthz). */
  problem: string | null;
  /** Since when the problem has lasted. */
  problemSince: string | null;
  lastRecovery: Recovery | null;
}

export class StateGuard {
  private markerId: string | null = null;
  private lastVerifiedAt: Date | null = null;
  private problem: string | null = null;
  private problemSince: Date | null = null;
  private lastRecovery: Recovery | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checks = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private forceSchedulerCheck = false;

  constructor(
    private readonly deps: Deps,
    private readonly options: { checkEveryMs: number; schedulerCheckEvery?: number },
  ) {}

  status(): StateGuardStatus {
    return {
      markerId: this.markerId,
      lastVerifiedAt: this.lastVerifiedAt?.toISOString() ?? null,
      problem: this.problem,
      problemSince: this.problemSince?.toISOString() ?? null,
      lastRecovery: this.lastRecovery,
    };
  }

  async start(): Promise<void> {
    const { redis, prefix, logger } = this.deps;
    const fresh = randomUUID();
    const created = await redis.set(markerKey(prefix), JSON.stringify({ id: fresh, createdAt: this.deps.clock().toISOString() }), 'NX');
    this.markerId = created === 'OK' ? fresh : this.readId(await redis.get(markerKey(prefix)));
    if (created === 'OK') {
      logger.info({ event: 'state-marker-created' }, 'no release-radar state in Redis yet (first start, or its data was lost while no release-radar process ran): every source records a baseline first');
    }
    this.lastVerifiedAt = this.deps.clock();
    // After any Redis trouble, check everything at once, schedulers included: a write refused
    // during the trouble may have lost a scheduler's next job.
    this.deps.health.onRecovered(() => {
      this.forceSchedulerCheck = true;
      void this.check();
    });
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** One check; concurrent calls (a reconnect during a periodic check) share one run. */
  check(): Promise<void> {
    this.running ??= this.runCheck().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private readId(raw: string | null): string | null {
    if (!raw) return null;
    try {
      return (JSON.parse(raw) as { id?: string }).id ?? null;
    } catch {
      return null;
    }
  }

  private async runCheck(): Promise<void> {
    if (this.stopped || !this.deps.health.status().up) return;
    const { redis, prefix, logger } = this.deps;
    try {
      const current = this.readId(await redis.get(markerKey(prefix)));
      if (current !== null && current === this.markerId) {
        this.lastVerifiedAt = this.deps.clock();
        this.checks++;
        if (this.forceSchedulerCheck || this.checks % (this.options.schedulerCheckEvery ?? 10) === 0) {
          this.forceSchedulerCheck = false;
          await this.ensureSchedulers();
        } else this.clearProblem();
        return;
      }
      if (current !== null) {
        // Another process noticed first and re-created the marker: adopt it and re-sync.
        this.markerId = current;
        this.lastRecovery = await currentRecovery(this.deps);
        await syncSchedulers(this.deps, this.deps.config);
        this.lastVerifiedAt = this.deps.clock();
        this.clearProblem();
        return;
      }
      await this.recover();
    } catch (err) {
      this.setProblem(`state check failed: ${(err as Error).message}`);
      logger.warn({ event: 'state-check-failed', err: (err as Error).message }, 'could not check the Redis state marker; will retry');
    }
  }

  private async recover(): Promise<void> {
    const { redis, prefix } = this.deps;
    const now = this.deps.clock();
    const recovery: Recovery = { id: randomUUID(), detectedAt: now.toISOString(), lostAfter: (this.lastVerifiedAt ?? now).toISOString() };
    // Only one process wins the marker; it alone tells the operator. The marker and the recovery
    // record are written in one step: a process that sees the new marker (it lost the race) reads
    // the record right after, and must find it there, or its status page never shows the recovery.
    const won = await runScript(redis, CLAIM_RECOVERY, [markerKey(prefix), recoveryKey(prefix)], [JSON.stringify({ id: recovery.id, createdAt: now.toISOString() }), JSON.stringify(recovery), RECOVERY_TTL_SECONDS]);
    if (won !== 1) return this.runCheck();
    this.markerId = recovery.id;
    this.lastRecovery = recovery;
    await syncSchedulers(this.deps, this.deps.config);
    this.lastVerifiedAt = now;
    this.clearProblem();
    const config = this.deps.config;
    const lost =
      `baselines and seen notes of ${config.sources.length} source(s), supported-versions snapshots and end dates, the delivery ledger, ` +
      'queued, held and retrying deliveries, dead letters, digest buffers, reminder history, silences set with the CLI, Slack threads';
    const did =
      `re-created ${config.sources.length} poll, ${config.teams.length} digest and ${config.teams.length} reminder scheduler(s) and the watchdog; ` +
      'each source records a new baseline on its next poll (nothing is alerted from it), and notes of entries dated inside the window are listed to you per source';
    const text = `Redis lost release-radar's state (restarted empty, failed over, or was flushed). Notes published between ${recovery.lostAfter} and ${recovery.detectedAt} may have been missed. Lost: ${lost}. Done: ${did}. Reminders may repeat once. Check that Redis runs with AOF persistence.`;
    this.deps.logger.error({ event: 'state-lost', lostAfter: recovery.lostAfter, detectedAt: recovery.detectedAt }, 'Redis lost release-radar state; schedulers re-created, sources re-baseline');
    await alertOperator(this.deps, `state-lost|${recovery.id}`, 'Redis lost its state; schedulers re-created', text, null);
  }

  private async ensureSchedulers(): Promise<void> {
    const repaired = await repairSchedulers(this.deps, this.deps.config, this.deps.clock().getTime());
    if (repaired.missing.length > 0 || repaired.overdue.length > 0) {
      this.deps.logger.warn({ event: 'schedulers-repaired', ...repaired }, 'job schedulers were missing or stuck (their next run long overdue); re-created them');
    }
    this.clearProblem();
  }

  private setProblem(problem: string): void {
    this.problem = problem;
    this.problemSince ??= this.deps.clock();
  }

  private clearProblem(): void {
    this.problem = null;
    this.problemSince = null;
  }
}
