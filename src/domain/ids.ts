import { hash } from 'node:crypto';

/**
 * Stable short id from parts; hex only, so it is safe inside BullMQ job ids (no ':'). The bytes
 * hashed are each part followed by U+001F (U+0000 for a missing part): the ids of every note and
 * event ever seen depend on them, so they must never change. One-shot `crypto.hash` of the joined
 * string gives the same digest as one update per part, at a fraction of the cost.
 */
export function stableId(...parts: (string | null | undefined)[]): string {
  let text = '';
  for (const p of parts) text += `${p ?? '\u0000'}\u001f`;
  return hash('sha256', text, 'hex').slice(0, 32);
}

/** Collapse whitespace and case so cosmetic edits to a note do not look like new notes. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
