// The Slack app side of release-radar: buttons on alerts and reminders, the plan modal and /radar,
// through Bolt. Two ways in, chosen by configuration:
//  - Socket Mode (SLACK_APP_TOKEN): the service connects out to Slack over a WebSocket; no inbound
//    port, which suits a service inside a private network (the default we document);
//  - HTTP (SLACK_SIGNING_SECRET): Slack posts to /slack/interactions and /slack/commands, verified
//    by SlackHttpReceiver before anything is parsed.
// Every listener acknowledges first (Slack wants an answer within 3 s), then does the work, then
// edits the clicked message in place (chat.update) or answers the clicker alone (response_url).
import { App, LogLevel, SocketModeReceiver, type BlockAction, type ButtonAction, type DatepickerAction, type RespondFn, type StaticSelectAction } from '@slack/bolt';
import type { KnownBlock, View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Env } from '../config/env.js';
import { frameworkLabel } from '../domain/events.js';
import { localDate } from '../domain/time.js';
import { sdkLogger } from '../notify/slack.js';
import type { Deps } from '../processors/deps.js';
import { refreshLineParents } from '../processors/line-threads.js';
import { ACTION, decodeRef, PLAN_VIEW, type LineRef } from '../render/slack-actions.js';
import { ActionRefused, authorize, isChannel, markDone, muteLine, planLine, planTargets, snoozeLine, upgradePath, type ActionResult, type Actor, type Where } from './actions.js';
import { SlackHttpReceiver } from './http-receiver.js';
import { interactiveMode, type SlackAppMode } from './mode.js';
import { radarCommand } from './radar-command.js';

export interface SlackApp {
  mode: SlackAppMode;
  /** HTTP mode: the handler for POST /slack/interactions and /slack/commands. */
  http: SlackHttpReceiver | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const STATUS_SUFFIX = '|status';
const PENDING_TTL_S = 24 * 3600;

/** The clicked message's blocks with a status line under the line's buttons (replacing an earlier one). */
export function withStatus(blocks: KnownBlock[], blockId: string, note: string): KnownBlock[] {
  const statusId = `${blockId}${STATUS_SUFFIX}`;
  const kept = blocks.filter((b) => b.block_id !== statusId);
  const at = kept.findIndex((b) => b.block_id === blockId);
  const status: KnownBlock = { type: 'context', block_id: statusId, elements: [{ type: 'mrkdwn', text: note }] };
  if (at < 0) return [...kept, status];
  return [...kept.slice(0, at + 1), status, ...kept.slice(at + 1)];
}

function actorOf(body: BlockAction | { user: { id: string; username?: string; name?: string } }): Actor {
  return { id: body.user.id, name: body.user.username ?? body.user.name ?? null };
}

interface PendingPlan {
  blockId: string;
  where: Where;
  channelId: string | null;
  ts: string | null;
  text: string;
  blocks: KnownBlock[];
}

export function createSlackApp(deps: Deps, env: Env): SlackApp | null {
  const mode = interactiveMode(env);
  if (!mode || !env.SLACK_BOT_TOKEN) return null;
  const logger = deps.logger.child({ component: 'slack-app' });
  const boltLogger = sdkLogger(logger);
  const clientOptions = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {};
  const http = mode === 'http' && env.SLACK_SIGNING_SECRET ? new SlackHttpReceiver({ signingSecret: env.SLACK_SIGNING_SECRET, redis: deps.redis, prefix: deps.prefix, logger }) : null;
  const receiver = http ?? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN ?? '', logger: boltLogger, logLevel: LogLevel.INFO, installerOptions: { clientOptions } });
  // tokenVerificationEnabled: no auth.test at construction (doctor checks the token); a bad token
  // shows at the first call, like every other Slack call we make.
  const app = new App({ token: env.SLACK_BOT_TOKEN, receiver, clientOptions, logger: boltLogger, tokenVerificationEnabled: false });

  const updateMessage = async (client: WebClient, channel: string | null, ts: string | null, text: string, blocks: KnownBlock[] | undefined, blockId: string, note: string): Promise<void> => {
    if (!channel || !ts || !blocks) return;
    await client.chat.update({ channel, ts, text, blocks: withStatus(blocks, blockId, note) });
  };

  /** Is this message the lifecycle parent of the line's thread in this channel? */
  const isLineParent = async (ref: LineRef, where: Where, ts: string | null): Promise<boolean> => {
    const team = deps.teams.get(ref.teamId);
    if (!team || !ts) return false;
    const configured = team.slack.channels.filter((c) => isChannel(c, where));
    for (const channel of configured) if ((await deps.threads.get([team.id, channel, ref.framework, ref.line].join('|'))) === ts) return true;
    return false;
  };

  /** A click on one of a line's buttons: decode, act, then edit the message (acted) or tell the clicker (did not). */
  const onClick = async (body: BlockAction, respond: RespondFn, client: WebClient, act: (ref: LineRef, actor: Actor, where: Where) => Promise<ActionResult>): Promise<void> => {
    const action = body.actions[0];
    const ref = decodeRef(action?.block_id);
    if (!action || !ref) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: '⚠️ This button is not one of release-radar\'s (or its message was changed): nothing was done.' }));
    const where: Where = { channelId: body.channel?.id ?? null, channelName: body.channel?.name ?? null };
    try {
      const result = await act(ref, actorOf(body), where);
      // The line's lifecycle parents show plans and silences: kept current. A click on the parent
      // itself is shown by that edit; any other message gets a status line under its buttons.
      if (result.changed) await refreshLineParents(deps, ref.teamId, { framework: ref.framework, line: ref.line });
      const onParent = result.changed && (await isLineParent(ref, where, body.message?.ts ?? null));
      if (result.changed && !onParent) await updateMessage(client, body.channel?.id ?? null, body.message?.ts ?? null, body.message?.text ?? '', body.message?.blocks as KnownBlock[] | undefined, action.block_id, result.note);
      else await respond({ response_type: 'ephemeral', replace_original: false, text: result.note });
    } catch (err) {
      const refused = err instanceof ActionRefused;
      if (!refused) logger.error({ event: 'slack-action-failed', action: action.action_id, err: (err as Error).message }, 'a Slack action failed');
      await respond({ response_type: 'ephemeral', replace_original: false, text: refused ? `⚠️ ${(err).message}` : `⚠️ That did not work (${(err as Error).message}). Try again in a moment.` });
    }
  };

  app.action<BlockAction<StaticSelectAction>>({ action_id: ACTION.snooze }, async ({ ack, body, respond, client, action }) => {
    await ack();
    const choice = action.selected_option.value === 'before-14' ? { kind: 'before-14' as const } : { kind: '7d' as const };
    await onClick(body, respond, client, (ref, actor, where) => snoozeLine(deps, ref, choice, actor, where));
  });
  app.action<BlockAction<DatepickerAction>>({ action_id: ACTION.snoozeUntil }, async ({ ack, body, respond, client, action }) => {
    await ack();
    const date = action.selected_date ?? '';
    await onClick(body, respond, client, (ref, actor, where) => snoozeLine(deps, ref, { kind: 'until', date }, actor, where));
  });
  app.action<BlockAction<ButtonAction>>({ action_id: ACTION.mute }, async ({ ack, body, respond, client }) => {
    await ack();
    await onClick(body, respond, client, (ref, actor, where) => muteLine(deps, ref, actor, where));
  });
  app.action<BlockAction<ButtonAction>>({ action_id: ACTION.done }, async ({ ack, body, respond, client }) => {
    await ack();
    await onClick(body, respond, client, (ref, actor, where) => markDone(deps, ref, actor, where));
  });
  app.action<BlockAction<ButtonAction>>({ action_id: ACTION.upgrade }, async ({ ack, body, respond }) => {
    await ack();
    const ref = decodeRef(body.actions[0]?.block_id);
    const where: Where = { channelId: body.channel?.id ?? null, channelName: body.channel?.name ?? null };
    try {
      if (!ref) throw new ActionRefused('this button is not one of release-radar\'s');
      await respond({ response_type: 'ephemeral', replace_original: false, text: await upgradePath(deps, ref, where) });
    } catch (err) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `⚠️ ${(err as Error).message}` });
    }
  });
  // The plan modal: a select of the lines still in support (the suggested one first) and a date.
  app.action<BlockAction<ButtonAction>>({ action_id: ACTION.plan }, async ({ ack, body, respond, client }) => {
    await ack();
    const action = body.actions[0];
    const ref = decodeRef(action?.block_id);
    const where: Where = { channelId: body.channel?.id ?? null, channelName: body.channel?.name ?? null };
    try {
      if (!ref || !action) throw new ActionRefused('this button is not one of release-radar\'s');
      const team = authorize(deps, ref, where);
      const existing = await deps.plans.get(team.id, ref.framework, ref.line);
      const today = localDate(deps.clock(), team.timezone);
      if (existing?.status === 'done') return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `✅ The plan for ${frameworkLabel(ref.framework)} ${ref.line} was already marked done${existing.by ? ` by ${existing.by}` : ''}.` }));
      const [lines, notices] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]);
      const targets = planTargets(ref, lines, notices, today);
      if (targets.length === 0) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: `No newer supported ${frameworkLabel(ref.framework)} line is known yet to plan a move to.` }));
      const initialDate = existing?.date ?? [ref.endOfPatch, today].filter((d): d is string => d !== null && d >= today).sort()[0] ?? today;
      const options = targets.slice(0, 100).map((t) => ({ text: { type: 'plain_text' as const, text: t.label.slice(0, 75) }, value: t.version }));
      const initial = options.find((o) => o.value === existing?.target) ?? options[0];
      const view: View = {
        type: 'modal',
        callback_id: PLAN_VIEW,
        private_metadata: action.block_id,
        title: { type: 'plain_text', text: 'Plan an upgrade' },
        submit: { type: 'plain_text', text: 'Save plan' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Move *${frameworkLabel(ref.framework)} ${ref.line}*${ref.endOfPatch ? ` (end of patch ${ref.endOfPatch})` : ''} to:` } },
          { type: 'input', block_id: 'target', label: { type: 'plain_text', text: 'Target line' }, element: { type: 'static_select', action_id: 'target', options, ...(initial ? { initial_option: initial } : {}) } },
          { type: 'input', block_id: 'date', label: { type: 'plain_text', text: 'Planned date' }, element: { type: 'datepicker', action_id: 'date', initial_date: initialDate } },
        ],
      };
      const opened = await client.views.open({ trigger_id: body.trigger_id, view });
      const pending: PendingPlan = { blockId: action.block_id, where, channelId: body.channel?.id ?? null, ts: body.message?.ts ?? null, text: body.message?.text ?? '', blocks: (body.message?.blocks as KnownBlock[] | undefined) ?? [] };
      if (opened.view?.id) await deps.redis.set(`${deps.prefix}:plan-view:${opened.view.id}`, JSON.stringify(pending), 'EX', PENDING_TTL_S);
    } catch (err) {
      const refused = err instanceof ActionRefused;
      if (!refused) logger.error({ event: 'slack-action-failed', action: ACTION.plan, err: (err as Error).message }, 'opening the plan modal failed');
      await respond({ response_type: 'ephemeral', replace_original: false, text: `⚠️ ${(err as Error).message}` });
    }
  });
  app.view(PLAN_VIEW, async ({ ack, view, body, client }) => {
    const values = view.state.values;
    const target = values.target?.target?.selected_option?.value ?? '';
    const date = values.date?.date?.selected_date ?? '';
    // Which line and channel the form is about comes from what we stored when we opened it, not
    // from the form (private_metadata travels through Slack).
    const raw = await deps.redis.get(`${deps.prefix}:plan-view:${view.id}`);
    const pending = raw ? (JSON.parse(raw) as PendingPlan) : null;
    const ref = decodeRef(pending?.blockId);
    if (!pending || !ref) return void (await ack({ response_action: 'errors', errors: { target: 'This form has expired or is not one of release-radar\'s: click "Plan upgrade…" again.' } }));
    const team = deps.teams.get(ref.teamId);
    if (team && date < localDate(deps.clock(), team.timezone)) return void (await ack({ response_action: 'errors', errors: { date: 'Choose today or a later day.' } }));
    await ack();
    try {
      const result = await planLine(deps, ref, target, date, actorOf(body), pending.where);
      if (result.changed) await refreshLineParents(deps, ref.teamId, { framework: ref.framework, line: ref.line });
      if (result.changed && !(await isLineParent(ref, pending.where, pending.ts))) await updateMessage(client, pending.channelId, pending.ts, pending.text, pending.blocks, pending.blockId, result.note);
      else if (!result.changed && pending.channelId) await client.chat.postEphemeral({ channel: pending.channelId, user: body.user.id, text: result.note });
    } catch (err) {
      logger.error({ event: 'slack-action-failed', action: PLAN_VIEW, err: (err as Error).message }, 'saving a plan failed');
    }
  });
  app.command('/radar', async ({ ack, command, respond }) => {
    await ack();
    const text = await radarCommand(deps, command.text, { channelId: command.channel_id, channelName: command.channel_name }).catch((err: unknown) => `⚠️ ${(err as Error).message}`);
    await respond({ response_type: 'ephemeral', text });
  });
  // Link buttons (the note, the versions page) also send a click: answered, nothing to do.
  app.action(/^link-\d+$/, async ({ ack }) => {
    await ack();
  });
  app.error((err) => {
    logger.error({ event: 'slack-app-error', err: err.message }, 'Slack app error');
    return Promise.resolve();
  });

  let started = false;
  return {
    mode,
    http,
    async start() {
      // Socket Mode connects out now; HTTP mode waits for requests on our server.
      await app.start();
      started = true;
      logger.info({ event: 'slack-app-started', mode }, mode === 'socket' ? 'Slack buttons and /radar through Socket Mode (no inbound port)' : 'Slack buttons and /radar at POST /slack/interactions and /slack/commands');
    },
    async stop() {
      if (started) await app.stop().catch(() => undefined);
      started = false;
    },
  };
}
