// Upgrade plans set from Slack ("Acknowledge with a plan"), one per (team, framework, line), in
// Redis so every worker sees them. Writes are idempotent: the same plan twice is one record, and a
// plan already marked done is never reopened by a late click.
import type { Redis } from 'ioredis';
import { PlanSchema, planKey, type Plan } from '../domain/plans.js';

export type PlanWrite = { result: 'created' | 'moved' | 'unchanged'; plan: Plan } | { result: 'already-done'; plan: Plan };

export class PlanStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:plans`;
  }

  async get(teamId: string, framework: Plan['framework'], line: string): Promise<Plan | null> {
    const raw = await this.redis.hget(this.key, planKey({ teamId, framework, line }));
    return raw ? PlanSchema.parse(JSON.parse(raw)) : null;
  }

  async all(): Promise<Plan[]> {
    return Object.values(await this.redis.hgetall(this.key)).map((raw) => PlanSchema.parse(JSON.parse(raw)));
  }

  /**
   * A plan for a line: created, moved (another target or date) or unchanged (the same again). A
   * plan already done stays done: the click came after someone finished it.
   */
  async set(input: Pick<Plan, 'teamId' | 'framework' | 'line' | 'target' | 'date' | 'by'>, now: Date): Promise<PlanWrite> {
    const field = planKey(input);
    const at = now.toISOString();
    const fresh: Plan = { ...input, status: 'planned', createdAt: at, updatedAt: at, doneAt: null, escalatedOn: null, escalations: 0 };
    if ((await this.redis.hsetnx(this.key, field, JSON.stringify(fresh))) === 1) return { result: 'created', plan: fresh };
    const current = await this.get(input.teamId, input.framework, input.line);
    if (!current) return this.set(input, now); // removed in between
    if (current.status === 'done') return { result: 'already-done', plan: current };
    if (current.target === input.target && current.date === input.date) return { result: 'unchanged', plan: current };
    // A moved plan starts its escalations afresh.
    const moved: Plan = { ...current, target: input.target, date: input.date, by: input.by, updatedAt: at, escalatedOn: null };
    await this.redis.hset(this.key, field, JSON.stringify(moved));
    return { result: 'moved', plan: moved };
  }

  /** Marks a plan done; null when there is no plan, the plan as it is when it was done already. */
  async markDone(teamId: string, framework: Plan['framework'], line: string, by: string | null, now: Date): Promise<{ plan: Plan; changed: boolean } | null> {
    const current = await this.get(teamId, framework, line);
    if (!current) return null;
    if (current.status === 'done') return { plan: current, changed: false };
    const done: Plan = { ...current, status: 'done', doneAt: now.toISOString(), updatedAt: now.toISOString(), by: by ?? current.by };
    await this.redis.hset(this.key, planKey(done), JSON.stringify(done));
    return { plan: done, changed: true };
  }

  /** Records today's escalation of a plan (the team's local date). */
  async escalated(plan: Plan, on: string): Promise<void> {
    const current = await this.get(plan.teamId, plan.framework, plan.line);
    if (!current || current.status === 'done') return;
    await this.redis.hset(this.key, planKey(current), JSON.stringify({ ...current, escalatedOn: on, escalations: current.escalations + 1 }));
  }
}
