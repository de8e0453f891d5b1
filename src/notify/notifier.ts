// One small interface for every way we deliver, and one error type that classifies failures once,
// at the adapter: permanent (dead letter, no retry), rate-limited (wait Retry-After), transient.
import type { EmailMessage, SlackMessage } from '../domain/render.js';

export type FailureClass = 'permanent' | 'rate-limited' | 'transient';

export class DeliveryError extends Error {
  constructor(
    readonly failure: FailureClass,
    /** Stable code, e.g. "channel_not_found", "smtp_550", "http_500", "network". */
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface Notifier<Address, Message> {
  /** "slack", "smtp" or "outbox": shown in logs, metrics and the status page. */
  readonly mode: string;
  /** Sends once; resolves with a reference (Slack ts, SMTP message id, outbox path). */
  send(address: Address, message: Message, deliveryId: string): Promise<string>;
  close(): Promise<void>;
}

export type SlackNotifier = Notifier<string, SlackMessage>;
export type EmailNotifier = Notifier<string[], EmailMessage>;
