// One small interface for every way we deliver, and one error type that classifies failures once,
// at the adapter: permanent (dead letter, no retry), rate-limited (wait Retry-After), transient.
import type { EmailMessage } from '../render/email.js';
import type { SlackMessage } from '../render/slack.js';

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

export interface Notifier<Address, Message, Options = undefined> {
  /** "slack", "smtp" or "outbox": shown in logs, metrics and the status page. */
  readonly mode: string;
  /** Sends once; resolves with a reference (Slack ts, SMTP message id, outbox path). */
  send(address: Address, message: Message, deliveryId: string, options?: Options): Promise<string>;
  close(): Promise<void>;
}

export interface SlackSendOptions {
  /** Reply in this thread (the root message's ts). */
  threadTs?: string;
}

export type SlackNotifier = Notifier<string, SlackMessage, SlackSendOptions>;
export type EmailNotifier = Notifier<string[], EmailMessage>;
