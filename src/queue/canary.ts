// The consumption canary. BullMQ's most reported production failure is workers that silently stop
// taking jobs after a failover or an outage (bullmq #648, #3088, #4479) while every process check
// looks healthy: connections up, Redis answering, /healthz green. So each process proves, for every
// stage it runs, that the stage's queue is really consumed: every `everyMs` it puts a tiny job at
// the front of the queue (LIFO, so a backlog does not delay it) and checks that some worker took
// it within `deadlineMs`. A stage that does not is reported by /healthz and /readyz, by the
// `release_radar_stage_consuming` metric, and to the operator once (and once more when it clears),
// and the service replaces that stage's worker, as an operator would.
//
// One stuck process among several healthy ones is a quieter case: the healthy ones take its
// canaries. So each process also watches its own workers: Redis serves blocked workers in turn,
// so a worker with free slots that took no job at all while this process's canaries were being
// taken (by the others) is stuck, and is replaced too.
import type { Job } from 'bullmq';
import type { Deps } from '../processors/deps.js';
import { alertOperator } from '../processors/operator.js';
import { JOB, type Stage } from './names.js';

export interface CanaryOptions {
  everyMs: number;
  deadlineMs: number;
  /** Names this process's canary jobs (two processes must not share ids). */
  instanceId: string;
  /** Called when one of this process's stages is found not consuming (the service replaces its worker). */
  onStuck?: (stage: Stage) => Promise<void>;
  /** Jobs each stage's worker in this process runs at once: a worker with every slot busy is busy, not stuck. */
  concurrency?: Partial<Record<Stage, number>>;
}

export interface StageConsumption {
  stage: Stage;
  consuming: boolean;
  /** How long the current canary has waited (0 when none waits). */
  waitingMs: number;
}


/** Canary jobs are answered by every stage's processor before anything else looks at them. */
export const isCanary = (job: Job): boolean => job.name === JOB.canary;

export class ConsumptionCanary {
  private readonly pending = new Map<Stage, { jobId: string; sentAt: number }>();
  private readonly consuming = new Map<Stage, boolean>();
  private readonly replacedAt = new Map<Stage, number>();
  /** When this process's worker of a stage last started a job, and how many it runs now. */
  private readonly lastTaken = new Map<Stage, number>();
  private readonly active = new Map<Stage, number>();
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly stages: readonly Stage[],
    private readonly options: CanaryOptions,
  ) {}

  start(): void {
    if (this.stages.length === 0 || this.options.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Wraps a stage's processor so the canary sees this process's worker take jobs. Canary jobs are
   * answered here; nothing else looks at them.
   */
  watch<T>(stage: Stage, work: (job: Job, token?: string) => Promise<T>): (job: Job, token?: string) => Promise<T | { canary: true }> {
    return async (job, token) => {
      this.lastTaken.set(stage, Date.now());
      this.active.set(stage, (this.active.get(stage) ?? 0) + 1);
      try {
        return isCanary(job) ? { canary: true as const } : await work(job, token);
      } finally {
        this.active.set(stage, (this.active.get(stage) ?? 1) - 1);
      }
    };
  }

  /** One round: judge the canaries sent earlier, send new ones. Never throws. */
  tick(): Promise<void> {
    this.running ??= this.round()
      .catch((err: unknown) => this.deps.logger.debug({ err: (err as Error).message }, 'canary round failed'))
      .finally(() => (this.running = null));
    return this.running;
  }

  status(): StageConsumption[] {
    const now = Date.now();
    return this.stages.map((stage) => ({ stage, consuming: this.consuming.get(stage) ?? true, waitingMs: this.pending.has(stage) ? now - (this.pending.get(stage)?.sentAt ?? now) : 0 }));
  }

  /** Why a stage of this process is not doing its work, for /healthz and /readyz. */
  problems(): string[] {
    return this.status()
      .filter((s) => !s.consuming)
      .map((s) => `stage ${s.stage} is not consuming its queue: a canary job has waited ${Math.round(s.waitingMs / 1000)} s (limit ${Math.round(this.options.deadlineMs / 1000)} s); restart the process if it does not recover`);
  }

  private async round(): Promise<void> {
    // While Redis is away or refusing writes the workers are paused on purpose: nothing to judge,
    // and a canary sent before the outage says nothing about the workers after it.
    if (this.deps.health.status().state !== 'up') {
      this.pending.clear();
      return;
    }
    const now = Date.now();
    // A canary sent before the last outage ended says nothing about the workers since: its round
    // may have hung in the outage. Judged afresh, with time for the workers to reconnect.
    const outageEnded = this.deps.health.lastProblem()?.to.getTime() ?? 0;
    for (const stage of this.stages) {
      const queue = this.deps.queues[stage];
      const sent = this.pending.get(stage);
      if (sent && sent.sentAt < outageEnded + this.options.everyMs) this.pending.delete(stage);
      else if (sent) {
        const job = await queue.getJob(sent.jobId);
        // Completed canaries are removed; one that is gone was taken (or Redis lost it: the state
        // guard reports that).
        const taken = !job || (await job.getState()) === 'completed';
        if (taken) {
          this.pending.delete(stage);
          await this.judge(stage, true, now - sent.sentAt);
          await this.checkOwnWorker(stage, now);
        } else if (now - sent.sentAt > this.options.deadlineMs) {
          await this.judge(stage, false, now - sent.sentAt);
          continue; // keep waiting for this one: when it is taken, the stage is consuming again
        } else {
          continue;
        }
      }
      const jobId = `canary-${stage}-${this.options.instanceId}-${++this.seq}`;
      await queue.add(JOB.canary, { sentAt: new Date(now).toISOString() }, { jobId, lifo: true, attempts: 1, removeOnComplete: true, removeOnFail: true });
      this.pending.set(stage, { jobId, sentAt: now });
    }
  }

  private async judge(stage: Stage, consuming: boolean, waitedMs: number): Promise<void> {
    const was = this.consuming.get(stage);
    this.deps.metrics.stageConsuming.set({ stage }, consuming ? 1 : 0);
    this.deps.metrics.canaryWait.set({ stage }, waitedMs / 1000);
    // Still stuck long after its worker was replaced: replace it again (the new one may have met the
    // same trouble, a cluster still failing over).
    if (was === false && !consuming && Date.now() - (this.replacedAt.get(stage) ?? 0) > 3 * this.options.deadlineMs) await this.replace(stage);
    // The first verdict of a process (was undefined) also closes an incident an earlier process left open.
    if (was === consuming) return;
    await this.transition(stage, consuming, waitedMs);
    // Recorded only once the incident is: a failed write is tried again at the next round.
    this.consuming.set(stage, consuming);
    if (!consuming) await this.replace(stage);
  }

  /** The stage is consumed (some process took our canary), but is this process's worker taking anything? */
  private async checkOwnWorker(stage: Stage, now: number): Promise<void> {
    const window = 3 * this.options.deadlineMs;
    const since = Math.max(this.lastTaken.get(stage) ?? this.startedAt, this.replacedAt.get(stage) ?? 0);
    const limit = this.options.concurrency?.[stage];
    const busy = limit !== undefined && (this.active.get(stage) ?? 0) >= limit;
    if (busy || now - since <= window) return;
    this.deps.logger.warn({ event: 'worker-idle', stage, idleMs: now - since }, `this process's ${stage} worker took no job for ${Math.round((now - since) / 1000)} s while the stage's jobs were taken by other processes: it is stuck`);
    await this.replace(stage);
  }

  private async replace(stage: Stage): Promise<void> {
    if (!this.options.onStuck) return;
    this.replacedAt.set(stage, Date.now());
    await this.options.onStuck(stage).catch((err: unknown) => this.deps.logger.error({ stage, err: (err as Error).message }, 'could not replace a stuck worker'));
  }

  private async transition(stage: Stage, consuming: boolean, waitedMs: number): Promise<void> {
    // Several processes running the stage see the same thing: one incident key, one message. It
    // expires, so an incident nobody closed (every process gone) cannot silence the next one.
    const incidentKey = `${this.deps.prefix}:canary:incident:${stage}`;
    if (!consuming) {
      const opened = await this.deps.redis.set(incidentKey, new Date().toISOString(), 'EX', 7 * 86_400, 'NX');
      if (opened !== 'OK') return;
      const message = `Stage ${stage} stopped consuming its queue: a canary job waited ${Math.round(waitedMs / 1000)} s without a worker taking it. Jobs of this stage are piling up; restart its worker processes if it does not recover.`;
      await alertOperator(this.deps, `canary|${stage}|${new Date().toISOString()}`, `Stage ${stage} stopped consuming its queue`, message, null);
    } else {
      const openedAt = await this.deps.redis.get(incidentKey);
      if (!openedAt) return;
      await this.deps.redis.del(incidentKey);
      await alertOperator(this.deps, `canary|${stage}|${openedAt}|recovered`, `Stage ${stage} is consuming again`, `Stage ${stage} takes its jobs again (stopped since ${openedAt}).`, null, 'resolved');
    }
  }
}
