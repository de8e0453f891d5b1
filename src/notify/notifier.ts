// One small interface for every way we deliver, and one error type that classifies failures once,
// at the adapter: permanent (dead letter, no retry), rate-limited (wait Retry-After), transient.
import type { EmailMessage } from '../render/email.js';
import type { SlackMessage } from '../render/slack.js';

export type FailureClass = 'permanent' | 'rate-limited' | 'transient';

export class DeliveryError extends Error {
  /**
   * Whether the receiver may have taken the message anyway: a timeout, a reset connection or an
   * HTTP 5xx can follow a post that landed. Only an answer from the receiver itself (Slack's
   * ok: false, a 429, an SMTP reply code) says for sure that it did not.
   */
  readonly mayHaveArrived: boolean;

  constructor(
    readonly failure: FailureClass,
    /** Stable code, e.g. "channel_not_found", "smtp_550", "http_500", "network". */
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown; mayHaveArrived?: boolean },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
    this.mayHaveArrived = options?.mayHaveArrived ?? false;
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

/**
 * What a look in a channel's history found for a delivery whose last attempt's outcome is unknown:
 * the message (its ts), nothing, or a refusal (a missing history scope) — then only a resend is left.
 */
export type SlackLookup = { found: string } | { found: null } | { refused: string };

export interface SlackNotifier extends Notifier<string, SlackMessage, SlackSendOptions> {
  /**
   * Looks for a message this delivery already posted, at `since` or later (in the thread when
   * `threadTs` is given). Throws a DeliveryError when Slack could not answer (retry later).
   */
  findDelivered(channel: string, deliveryId: string, since: number, options?: SlackSendOptions): Promise<SlackLookup>;
  /** Edits a message this app posted (a line's lifecycle parent) in place. */
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
}
export type EmailNotifier = Notifier<string[], EmailMessage>;

/**
 * One Message-ID per delivery, the same on every retry: a resend after an unknown outcome is the
 * same message to mail clients that collapse duplicates. The domain is the sender's.
 */
export function deliveryMessageId(deliveryId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'release-radar.invalid';
  return `<${deliveryId}.release-radar@${domain}>`;
}
