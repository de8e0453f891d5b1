import { createHash } from 'node:crypto';

/** Stable short id from parts; hex only, so it is safe inside BullMQ job ids (no ':'). */
export function stableId(...parts: (string | null | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? '\u0000'}\u001f`);
  return h.digest('hex').slice(0, 32);
}

/** Collapse whitespace and case so cosmetic edits to a note do not look like new notes. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
