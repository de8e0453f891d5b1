import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger, type WebAPICallError } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMessage } from '../domain/render.js';
import { DeliveryError, type SlackNotifier, type SlackSendOptions } from './notifier.js';

/** Slack errors that no retry will fix: they go to the dead-letter queue. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'restricted_action',
  'team_access_not_granted',
]);

export interface SlackOptions {
  token: string;
  apiUrl?: string;
  timeoutMs?: number;
  /** Where the SDK's own messages go (through our logger, so they are structured and redacted). */
  logger?: Logger;
}

/** The SDK logs with console by default (unredacted, unstructured): route it through pino. */
function sdkLogger(logger: Logger): SlackLogger {
  const log = logger.child({ component: 'slack-sdk' });
  const text = (msg: unknown[]): string => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug(text(msg)),
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export function createSlackNotifier(options: SlackOptions): SlackNotifier {
  const client = new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    ...(options.logger ? { logger: sdkLogger(options.logger) } : {}),
    // BullMQ owns retries: the SDK's default policy can keep one call pending for ~30 minutes.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Generous: chat.postMessage has no idempotency key, so a short timeout risks duplicates.
    timeout: options.timeoutMs ?? 30_000,
  });
  return {
    mode: 'slack',
    async send(channel: string, message: SlackMessage, _deliveryId: string, options?: SlackSendOptions): Promise<string> {
      try {
        const res = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(options?.threadTs ? { thread_ts: options.threadTs } : {}),
        });
        return String(res.ts ?? '');
      } catch (err) {
        throw classifySlackError(err);
      }
    },
    close: () => Promise.resolve(),
  };
}

export function classifySlackError(err: unknown): DeliveryError {
  const e = err as WebAPICallError & { data?: { error?: string }; retryAfter?: number; statusCode?: number };
  switch (e.code) {
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return new DeliveryError(PERMANENT.has(code) ? 'permanent' : 'transient', code, `Slack API error: ${code}`, null, { cause: err });
    }
    case ErrorCode.RateLimitedError:
      return new DeliveryError('rate-limited', 'ratelimited', `Slack rate limit, retry after ${e.retryAfter ?? 1}s`, (e.retryAfter ?? 1) * 1_000, { cause: err });
    case ErrorCode.HTTPError:
      return new DeliveryError('transient', `http_${e.statusCode ?? 'error'}`, `Slack answered HTTP ${e.statusCode ?? '?'}`, null, { cause: err });
    case ErrorCode.RequestError:
      return new DeliveryError('transient', 'network', `cannot reach Slack: ${e.message}`, null, { cause: err });
    default:
      return new DeliveryError('transient', 'unknown', `Slack send failed: ${(err as Error)?.message ?? String(err)}`, null, { cause: err });
  }
}
