// Is Redis there? One tracker per process, fed by the events of its connections. While Redis is
// away, every connection retries and every worker reports errors several times a second; the
// tracker turns that into one structured log line when the outage starts and one when it ends,
// and gives the health endpoints an answer without touching the dead connection (they must answer
// within 2 s, never hang).
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactText } from '../redact.js';

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|Socket closed|MaxRetriesPerRequest|Reached the max retries|LOADING|READONLY|NOAUTH|WRONGPASS/i;

export function isConnectionError(err: unknown): boolean {
  const e = err as { message?: string; code?: string } | null;
  return CONNECTION_ERROR.test(`${e?.code ?? ''} ${e?.message ?? String(err)}`);
}

export interface RedisStatus {
  up: boolean;
  /** When the current outage started (null while up). */
  downSince: Date | null;
  /** The first error of the current outage, redacted. */
  reason: string | null;
}

export class RedisHealth {
  private up = true;
  private downSince: Date | null = null;
  private reason: string | null = null;
  private suppressed = 0;
  private readonly recoveredListeners: (() => void)[] = [];
  /** Set when the process closes its connections on purpose: a deliberate close is no outage. */
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  status(): RedisStatus {
    return { up: this.up, downSince: this.downSince, reason: this.reason };
  }

  /**
   * The process's main connection decides when an outage starts and ends. Its 'error' and 'close'
   * events open an outage; 'ready' (connected and answering) closes it.
   */
  watchMain(connection: Redis): void {
    connection.on('error', (err: Error) => this.connectionError(err, 'main'));
    connection.on('close', () => this.connectionError(new Error('Connection is closed'), 'main'));
    connection.on('ready', () => this.ready());
  }

  /** Other connections (workers' own): their errors are counted into the outage, never logged one by one. */
  watch(connection: Redis, origin: string): void {
    connection.on('error', (err: Error) => this.connectionError(err, origin));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Returns true when the error was a connection error and has been accounted for. */
  connectionError(err: unknown, origin: string): boolean {
    if (!isConnectionError(err)) return false;
    if (this.stopped) return true;
    if (this.up) {
      this.up = false;
      this.downSince = this.clock();
      this.reason = redactText((err as Error)?.message ?? String(err));
      this.suppressed = 0;
      this.logger.error({ event: 'redis-outage', origin, reason: this.reason }, 'Redis is unreachable; workers pause, health endpoints answer 503, connections retry');
    } else {
      this.suppressed++;
    }
    return true;
  }

  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  private ready(): void {
    if (this.up || this.stopped) return;
    const downForMs = this.downSince ? this.clock().getTime() - this.downSince.getTime() : 0;
    this.logger.info({ event: 'redis-recovered', downForMs, suppressedErrors: this.suppressed, reason: this.reason }, 'Redis is reachable again');
    this.up = true;
    this.downSince = null;
    this.reason = null;
    this.suppressed = 0;
    for (const listener of this.recoveredListeners) listener();
  }
}
