// Is Redis there, and does it accept our writes? One tracker per process, fed by the events of its
// connections and by a probe of its own. While Redis is away, every connection retries and every
// worker reports errors several times a second; the tracker turns that into one structured log
// line when a problem starts and one when it ends, and gives the health endpoints an answer
// without touching a dead connection (they must answer within 2 s, never hang).
//
// Three states:
//   up        — the last probe answered and the main connection is ready;
//   down      — the main connection is closed or erroring, or Redis stopped answering (a frozen or
//               black-holed server: the connection looks open, nothing comes back);
//   refusing  — Redis answers but refuses our writes: out of memory under noeviction, a read-only
//               replica after a failover, a failed background save, a wrong password. Workers
//               would otherwise retry in a tight loop; the service pauses them until writes work.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactText } from '../redact.js';
import type { Revival } from './connection.js';

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|Socket closed|MaxRetriesPerRequest|Reached the max retries|LOADING/i;
const REFUSING_ERROR = /\bOOM\b|MISCONF|READONLY|NOREPLICAS|NOAUTH|WRONGPASS|NOPERM|-ERR max number of clients/i;

export type RedisState = 'up' | 'down' | 'refusing';

export function isConnectionError(err: unknown): boolean {
  return CONNECTION_ERROR.test(errorText(err));
}

export function isRefusingError(err: unknown): boolean {
  return REFUSING_ERROR.test(errorText(err));
}

function errorText(err: unknown): string {
  const e = err as { message?: string; code?: string } | null;
  return `${e?.code ?? ''} ${e?.message ?? String(err)}`;
}

export interface RedisStatus {
  up: boolean;
  state: RedisState;
  /** When the current problem started (null while up). */
  downSince: Date | null;
  /** The first error of the current problem, redacted, with what to do about it. */
  reason: string | null;
}

/** What an operator should do, by what Redis answered. */
function advice(err: unknown): string {
  const t = errorText(err);
  if (/\bOOM\b/i.test(t)) return 'Redis is out of memory (maxmemory reached with noeviction): raise maxmemory or free memory; nothing is lost while workers wait';
  if (/READONLY/i.test(t)) return 'Redis is a read-only replica (a failover?): point REDIS_URL at the primary, or use REDIS_SENTINELS to follow it';
  if (/NOREPLICAS/i.test(t)) return 'the master refuses writes it cannot replicate (min-replicas-to-write): bring a replica back; nothing is lost while workers wait';
  if (/MISCONF/i.test(t)) return 'Redis cannot persist (MISCONF): check its disk and the AOF/RDB settings';
  if (/NOAUTH|WRONGPASS|NOPERM/i.test(t)) return 'Redis refused our credentials: check the user and password in REDIS_URL';
  return 'Redis refuses writes';
}

export class RedisHealth {
  private state: RedisState = 'up';
  private since: Date | null = null;
  private reason: string | null = null;
  private suppressed = 0;
  private lastBlipLog = 0;
  private readonly listeners: ((state: RedisState) => void)[] = [];
  private probeTimer: NodeJS.Timeout | null = null;
  /** Set when the process closes its connections on purpose: a deliberate close is no outage. */
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  status(): RedisStatus {
    return { up: this.state === 'up', state: this.state, downSince: this.since, reason: this.reason };
  }

  /**
   * The process's main connection: its 'error' and 'close' events open an outage, 'ready'
   * (connected and answering) closes one. The probe also uses it.
   */
  watchMain(connection: Redis): void {
    connection.on('error', (err: Error) => this.connectionError(err, 'main'));
    connection.on('close', () => this.connectionError(new Error('Connection is closed'), 'main'));
    connection.on('ready', () => {
      if (this.state === 'down') this.recover();
    });
    // ResilientRedis: this connection or one of its copies (worker connections) was ended by
    // ioredis without being asked to, and connects again.
    connection.on('revived', (revival: Revival) => {
      this.logger.warn({ event: 'redis-connection-revived', reason: redactText(revival.reason), attempt: revival.attempt }, 'a Redis connection was closed for good by the client library without being asked to (a connect cancelled by a failover); connecting it again');
    });
  }

  /**
   * Other connections (workers' own). A connection error on one of them while the main connection
   * is fine is a blip (a reset socket): logged at most once a minute, no outage. A refusal is a
   * Redis-wide condition.
   */
  watch(connection: Redis, origin: string): void {
    connection.on('error', (err: Error) => this.error(err, origin));
  }

  /** Every Redis error a worker or queue reports: returns true when it is accounted for here. */
  error(err: unknown, origin: string): boolean {
    if (isRefusingError(err)) {
      this.refusing(err, origin);
      return true;
    }
    if (!isConnectionError(err)) return false;
    if (this.stopped) return true;
    if (this.state !== 'up') {
      this.suppressed++;
      return true;
    }
    const now = this.clock().getTime();
    if (now - this.lastBlipLog > 60_000) {
      this.lastBlipLog = now;
      this.logger.warn({ event: 'redis-connection-error', origin, reason: redactText(errorText(err)) }, 'a Redis connection reported an error; it reconnects by itself (further ones are counted, not logged, for a minute)');
    } else this.suppressed++;
    return true;
  }

  /** An error of the main connection (or of a probe): an outage. */
  connectionError(err: unknown, origin: string): boolean {
    if (isRefusingError(err)) {
      this.refusing(err, origin);
      return true;
    }
    if (!isConnectionError(err)) return false;
    if (this.stopped) return true;
    if (this.state !== 'down') this.open('down', origin, redactText(errorText(err).trim()), 'Redis is unreachable; workers pause, health endpoints answer 503, connections retry');
    else this.suppressed++;
    return true;
  }

  private refusing(err: unknown, origin: string): void {
    if (this.stopped) return;
    if (this.state === 'refusing') {
      this.suppressed++;
      return;
    }
    this.open('refusing', origin, `${advice(err)} (${redactText(errorText(err).trim()).slice(0, 200)})`, 'Redis refuses writes; workers are paused until it accepts them again');
  }

  private open(state: RedisState, origin: string, reason: string, message: string): void {
    this.state = state;
    this.since = this.clock();
    this.reason = reason;
    this.suppressed = 0;
    this.logger.error({ event: state === 'down' ? 'redis-outage' : 'redis-refusing', origin, reason }, message);
    for (const l of this.listeners) l(state);
  }

  /** The last problem that ended, if any: the watchdog does not blame sources for it. */
  lastProblem(): { state: RedisState; from: Date; to: Date } | null {
    return this.ended;
  }

  private ended: { state: RedisState; from: Date; to: Date } | null = null;

  private recover(): void {
    if (this.stopped || this.state === 'up') return;
    const downForMs = this.since ? this.clock().getTime() - this.since.getTime() : 0;
    this.ended = { state: this.state, from: this.since ?? this.clock(), to: this.clock() };
    this.logger.info({ event: 'redis-recovered', was: this.state, downForMs, suppressedErrors: this.suppressed, reason: this.reason }, 'Redis is reachable and accepts writes again');
    this.state = 'up';
    this.since = null;
    this.reason = null;
    this.suppressed = 0;
    for (const l of this.listeners) l('up');
  }

  onChange(listener: (state: RedisState) => void): void {
    this.listeners.push(listener);
  }

  onRecovered(listener: () => void): void {
    this.listeners.push((state) => {
      if (state === 'up') listener();
    });
  }

  /**
   * Every `everyMs`, a write with a deadline: a frozen Redis (the connection open, nothing answering)
   * and a refusing one are noticed even when no connection reports an error, and a recovery is
   * noticed even when no connection reconnects.
   */
  startProbe(connection: Redis, key: string, everyMs = 5_000, deadlineMs = 1_500): void {
    const probe = async (): Promise<void> => {
      if (this.stopped || connection.status !== 'ready') return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deadlineMs);
      });
      try {
        const answer = await Promise.race([connection.set(key, '1', 'PX', Math.max(10_000, everyMs * 3)), late]);
        if (answer === 'late') this.connectionError(new Error(`ETIMEDOUT: Redis did not answer within ${deadlineMs} ms (frozen or unreachable)`), 'probe');
        else this.recover();
      } catch (err) {
        if (!this.connectionError(err, 'probe')) this.logger.warn({ event: 'redis-probe-failed', err: redactText(errorText(err)) }, 'Redis health probe failed');
      } finally {
        clearTimeout(timer);
      }
    };
    this.probeTimer = setInterval(() => void probe(), everyMs);
    this.probeTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
  }
}
