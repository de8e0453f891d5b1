// The buttons on an alert or reminder about one version line: snooze, mute the line, acknowledge
// with a plan, show the upgrade path (and "mark done" once a plan exists). They are drawn only when
// the service can receive the clicks (Socket Mode or a signing secret): a button that does nothing
// is worse than none. Which line a click is about travels in the block_id, so every element of the
// block knows it without a server-side lookup; the handler checks it against the config anyway.
import type { ActionsBlock } from '@slack/types';
import { FRAMEWORKS, type Framework } from '../domain/events.js';
import { addDays } from '../domain/lifecycle.js';

export const ACTION = {
  snooze: 'rr_snooze',
  snoozeUntil: 'rr_snooze_until',
  mute: 'rr_mute_line',
  plan: 'rr_plan',
  done: 'rr_plan_done',
  upgrade: 'rr_upgrade_path',
} as const;

/** The modal that asks for a plan (its callback_id). */
export const PLAN_VIEW = 'rr_plan_submit';

export interface LineRef {
  teamId: string;
  framework: Framework;
  /** X.Y */
  line: string;
  endOfPatch: string | null;
  endOfAvailability: string | null;
}

const BLOCK_PREFIX = 'rr';

/** block_id of a line's actions: "rr|team|framework|line|end-of-patch|end-of-availability" (≤ 255 characters). */
export function encodeRef(ref: LineRef): string {
  return [BLOCK_PREFIX, ref.teamId, ref.framework, ref.line, ref.endOfPatch ?? '-', ref.endOfAvailability ?? '-'].join('|');
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The line a click is about, or null for anything that is not one of our blocks (or was tampered with). */
export function decodeRef(blockId: string | undefined): LineRef | null {
  const parts = (blockId ?? '').split('|');
  if (parts.length !== 6 || parts[0] !== BLOCK_PREFIX) return null;
  const [, teamId = '', framework = '', line = '', eop = '', eoa = ''] = parts;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(teamId) || !(FRAMEWORKS as readonly string[]).includes(framework) || !/^\d+\.\d+$/.test(line)) return null;
  const date = (d: string): string | null | undefined => (d === '-' ? null : DATE.test(d) ? d : undefined);
  const endOfPatch = date(eop);
  const endOfAvailability = date(eoa);
  if (endOfPatch === undefined || endOfAvailability === undefined) return null;
  return { teamId, framework: framework as Framework, line, endOfPatch, endOfAvailability };
}

/** The snooze choices a line offers on `today`: a week, and "until 14 days before" its next end date when that is still ahead. */
export function snoozeChoices(ref: LineRef, today: string): { label: string; value: string }[] {
  const out = [{ label: '7 days', value: '7d' }];
  const next = [ref.endOfPatch, ref.endOfAvailability].filter((d): d is string => d !== null && addDays(d, -14) > today).sort()[0];
  if (next) out.push({ label: `Until 14 days before ${next === ref.endOfPatch ? 'end of patch' : 'end of availability'} (${addDays(next, -14)})`, value: 'before-14' });
  return out;
}

export function lineActions(ref: LineRef, today: string, planned: boolean): ActionsBlock {
  const name = `${ref.framework === 'base' ? 'Base' : ref.framework} ${ref.line}`;
  return {
    type: 'actions',
    block_id: encodeRef(ref),
    elements: [
      { type: 'static_select', action_id: ACTION.snooze, placeholder: { type: 'plain_text', text: 'Snooze…' }, options: snoozeChoices(ref, today).map((c) => ({ text: { type: 'plain_text', text: c.label }, value: c.value })) },
      { type: 'datepicker', action_id: ACTION.snoozeUntil, placeholder: { type: 'plain_text', text: 'Snooze until a date' } },
      { type: 'button', action_id: ACTION.mute, text: { type: 'plain_text', text: `Mute ${name}` }, value: 'mute' },
      planned
        ? { type: 'button', action_id: ACTION.done, text: { type: 'plain_text', text: 'Mark plan done' }, value: 'done', style: 'primary' }
        : { type: 'button', action_id: ACTION.plan, text: { type: 'plain_text', text: 'Plan upgrade…' }, value: 'plan', style: 'primary' },
      { type: 'button', action_id: ACTION.upgrade, text: { type: 'plain_text', text: 'Upgrade path' }, value: 'upgrade' },
    ],
  };
}
