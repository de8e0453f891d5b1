// Tolerant reading of the dates on supported-versions pages: "August 4, 2028", "Aug 4, 2028",
// "Jul 1, 2024", the real typo "Ju1 11, 2026", "Not applicable (N/A)", "To be determined", ISO.
// What cannot be read is reported, never guessed silently.
export type DateReading =
  | { status: 'date'; iso: string; note?: string }
  | { status: 'not-applicable' }
  | { status: 'to-be-determined' }
  | { status: 'unreadable'; raw: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function readDate(raw: string): DateReading {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (/^(?:not applicable|n\/a|na|-|—)\b/i.test(text)) return { status: 'not-applicable' };
  if (/^(?:to be determined|tbd|tba|to be announced)\b/i.test(text)) return { status: 'to-be-determined' };
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return validated(Number(m[1]), Number(m[2]), Number(m[3]), raw);
  m = /^([A-Za-z][A-Za-z0-9]{2,8})\.? (\d{1,2}),? (\d{4})$/.exec(text);
  if (m) {
    const word = (m[1] ?? '').toLowerCase();
    // OCR-like typos seen on the real page: digit 1 for letter l ("Ju1"), 0 for o ("0ct").
    const fixed = word.replace(/1/g, 'l').replace(/0/g, 'o');
    const month = MONTHS.findIndex((mm) => fixed.startsWith(mm)) + 1;
    if (month > 0 && (fixed.length <= 4 || fullMonthMatches(fixed, month))) {
      const reading = validated(Number(m[3]), month, Number(m[2]), raw);
      if (reading.status === 'date' && fixed !== word) return { ...reading, note: `read "${text}" as ${reading.iso} (typo in the month)` };
      return reading;
    }
  }
  return { status: 'unreadable', raw: text };
}

const FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
function fullMonthMatches(word: string, month: number): boolean {
  const full = FULL[month - 1] ?? '';
  return full.startsWith(word) || word === 'sept';
}

function validated(year: number, month: number, day: number, raw: string): DateReading {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return { status: 'unreadable', raw };
  return { status: 'date', iso: d.toISOString().slice(0, 10) };
}

export function isoOrNull(reading: DateReading): string | null {
  return reading.status === 'date' ? reading.iso : null;
}
