import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger, type WebAPICallError } from '@slack/web-api';
import type { Logger } from 'pino';
import { leanFetch } from './lean-fetch.js';
import type { SlackMessage } from '../render/slack.js';
import { DeliveryError, type SlackLookup, type SlackNotifier, type SlackSendOptions } from './notifier.js';

/**
 * Every message carries its delivery id as Slack message metadata, so a retry after an unknown
 * outcome can find it in the channel's history instead of posting it again.
 */
export const DELIVERY_METADATA_TYPE = 'release_radar_delivery';

/** Scopes the history lookup needs: public channels, private channels. */
export const HISTORY_SCOPES = ['channels:history', 'groups:history'];

// Refusals no retry will change: without them the lookup is impossible, so at-least-once it is.
const LOOKUP_REFUSED = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission', 'channel_not_found', 'not_in_channel', 'access_denied']);

// How far before the first unknown attempt to look: our clock and Slack's may disagree.
const LOOKBACK_SKEW_MS = 120_000;
// A channel busy enough to need more pages than this since the claim is not worth reading whole.
const LOOKUP_MAX_PAGES = 50;

const isChannelId = (channel: string): boolean => /^[CGD][A-Z0-9]{6,}$/.test(channel);

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
export function sdkLogger(logger: Logger): SlackLogger {
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

/**
 * The SDK client every Slack call goes through: no SDK retries (BullMQ owns them), rate limits
 * rejected (the deliver stage waits Retry-After), requests over the lean fetch.
 */
function sdkClient(options: SlackOptions, timeoutMs: number): WebClient {
  return new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    ...(options.logger ? { logger: sdkLogger(options.logger) } : { logLevel: LogLevel.ERROR }),
    // BullMQ owns retries: the SDK's default policy can keep one call pending for ~30 minutes.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // The timeout is the lean fetch's (undici's), so the SDK makes no AbortSignal per call.
    timeout: 0,
    fetch: leanFetch(timeoutMs),
  });
}

export function createSlackNotifier(options: SlackOptions): SlackNotifier {
  // Generous: chat.postMessage has no idempotency key, so a short timeout risks duplicates.
  const client = sdkClient(options, options.timeoutMs ?? 30_000);
  // conversations.history takes channel ids only; teams.yaml names channels ("#ml-alerts").
  // Learned from every post's answer, and from conversations.list when a fresh process needs one.
  const channelIds = new Map<string, string>();
  const resolveChannel = async (channel: string): Promise<string | null> => {
    if (isChannelId(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const known = channelIds.get(name);
    if (known) return known;
    const list = async (types: string): Promise<void> => {
      let cursor: string | undefined;
      do {
        const page = await client.conversations.list({ types, exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const c of page.channels ?? []) if (c.name && c.id) channelIds.set(c.name, c.id);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor && !channelIds.has(name));
    };
    try {
      await list('public_channel,private_channel');
    } catch (err) {
      // Without groups:read Slack refuses the whole call: public channels can still be found.
      if ((err as WebAPICallError & { data?: { error?: string } }).data?.error !== 'missing_scope') throw err;
      await list('public_channel');
    }
    return channelIds.get(name) ?? null;
  };
  return {
    mode: 'slack',
    async send(channel: string, message: SlackMessage, deliveryId: string, options?: SlackSendOptions): Promise<string> {
      try {
        const res = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: DELIVERY_METADATA_TYPE, event_payload: { delivery_id: deliveryId } },
          ...(options?.threadTs ? { thread_ts: options.threadTs } : {}),
        });
        if (res.channel && !isChannelId(channel)) channelIds.set(channel.replace(/^#/, ''), res.channel);
        return String(res.ts ?? '');
      } catch (err) {
        throw classifySlackError(err);
      }
    },
    async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
      try {
        // chat.update takes channel ids only.
        const id = isChannelId(channel) ? channel : await resolveChannel(channel);
        if (!id) throw new DeliveryError('permanent', 'channel_not_listed', `cannot edit a message in ${channel}: its id is unknown (add channels:read / groups:read)`);
        await client.chat.update({ channel: id, ts, text: message.text, blocks: message.blocks });
      } catch (err) {
        throw err instanceof DeliveryError ? err : classifySlackError(err);
      }
    },
    async findDelivered(channel: string, deliveryId: string, since: number, options?: SlackSendOptions): Promise<SlackLookup> {
      const oldest = ((since - LOOKBACK_SKEW_MS) / 1000).toFixed(6);
      try {
        const id = await resolveChannel(channel);
        if (!id) return { refused: 'channel_not_listed' };
        // In the thread first; then the channel itself: the earlier attempt may have posted
        // top-level before the thread existed (another alert of the line started it meanwhile).
        const places = options?.threadTs ? [options.threadTs, null] : [null];
        for (const threadTs of places) {
          let cursor: string | undefined;
          for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
            const common = { channel: id, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
            const res = threadTs ? await client.conversations.replies({ ...common, ts: threadTs }) : await client.conversations.history(common);
            const mine = (res.messages ?? []).find((m) => m.metadata?.event_type === DELIVERY_METADATA_TYPE && (m.metadata.event_payload as Record<string, unknown> | undefined)?.delivery_id === deliveryId);
            if (mine?.ts) return { found: mine.ts };
            cursor = res.response_metadata?.next_cursor || undefined;
            if (!cursor) break;
            // 10,000 messages since the claim and not found: undecidable, so it is not "not found".
            if (page === LOOKUP_MAX_PAGES - 1) return { refused: 'history_too_long' };
          }
        }
        return { found: null };
      } catch (err) {
        const code = (err as WebAPICallError & { data?: { error?: string } }).data?.error;
        if ((err as WebAPICallError).code === ErrorCode.PlatformError && code && LOOKUP_REFUSED.has(code)) return { refused: code };
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
      return new DeliveryError('transient', `http_${e.statusCode ?? 'error'}`, `Slack answered HTTP ${e.statusCode ?? '?'}`, null, { cause: err, mayHaveArrived: true });
    case ErrorCode.RequestError:
      return new DeliveryError('transient', 'network', `cannot reach Slack: ${e.message}`, null, { cause: err, mayHaveArrived: true });
    default:
      return new DeliveryError('transient', 'unknown', `Slack send failed: ${(err as Error)?.message ?? String(err)}`, null, { cause: err, mayHaveArrived: true });
  }
}

export interface SlackChannelCheck {
  channel: string;
  /** Null: the channel list could not be read (a missing scope). */
  found: boolean | null;
  member: boolean | null;
  isPrivate: boolean | null;
}

export interface SlackCheck {
  ok: boolean;
  error: string | null;
  /** Why auth.test failed: Slack refused the token, or Slack could not be reached (network, proxy, not Slack). */
  errorKind: 'refused' | 'unreachable' | null;
  team: string | null;
  user: string | null;
  /** The token's scopes (Slack's x-oauth-scopes header), when Slack said them. */
  scopes: string[] | null;
  channels: SlackChannelCheck[];
  listError: string | null;
}

/**
 * What `release-radar doctor` asks Slack: is the token valid (auth.test), which scopes does it
 * have, and is the bot in each channel it is configured to post to (conversations.list). Sends
 * nothing.
 */
export async function checkSlack(options: { token: string; apiUrl?: string }, channels: string[]): Promise<SlackCheck> {
  const client = sdkClient(options, 15_000);
  const result: SlackCheck = { ok: false, error: null, errorKind: null, team: null, user: null, scopes: null, channels: [], listError: null };
  try {
    const auth = await client.auth.test();
    result.ok = auth.ok === true;
    result.team = auth.team ?? null;
    result.user = auth.user ?? null;
    result.scopes = auth.response_metadata?.scopes ?? null;
  } catch (err) {
    const e = err as WebAPICallError & { data?: { error?: string } };
    // Only a platform error (ok: false from Slack itself) says anything about the token.
    result.errorKind = e.code === ErrorCode.PlatformError ? 'refused' : 'unreachable';
    const message = e.data?.error ?? e.message;
    // An HTML page (a captive portal, a proxy's error page) is not worth printing whole.
    result.error = message.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
    return result;
  }
  const known = new Map<string, { id: string; name: string; member: boolean; isPrivate: boolean }>();
  // Ask only for the channel types the scopes allow: Slack refuses the whole call otherwise.
  const types = result.scopes ? [...(result.scopes.includes('channels:read') ? ['public_channel'] : []), ...(result.scopes.includes('groups:read') ? ['private_channel'] : [])] : ['public_channel', 'private_channel'];
  try {
    if (types.length === 0) throw new Error('missing_scope (channels:read)');
    let cursor: string | undefined;
    do {
      const page = await client.conversations.list({ types: types.join(','), exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const c of page.channels ?? []) {
        const entry = { id: c.id ?? '', name: c.name ?? '', member: c.is_member === true, isPrivate: c.is_private === true };
        known.set(entry.id, entry);
        known.set(`#${entry.name}`, entry);
        known.set(entry.name, entry);
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
  } catch (err) {
    result.listError = (err as WebAPICallError & { data?: { error?: string } }).data?.error ?? (err as Error).message;
  }
  for (const channel of channels) {
    const c = known.get(channel) ?? known.get(channel.replace(/^#/, ''));
    result.channels.push(result.listError ? { channel, found: null, member: null, isPrivate: null } : { channel, found: c !== undefined, member: c?.member ?? false, isPrivate: c?.isPrivate ?? null });
  }
  return result;
}
