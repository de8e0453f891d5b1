const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30s", "10m", "1h", "1d" → milliseconds; null when unreadable. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const unit = UNITS[m[2] ?? ''];
  return unit === undefined ? null : Number(m[1]) * unit;
}
