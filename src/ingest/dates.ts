// Tolerant reading of the dates on supported-versions pages: "August 4, 2028", "Aug 4, 2028",
// "Jul 1, 2024", "4 August 2028", "August 4th, 2028", "2028-08-04", "2028/08/04", the real typo
// "Ju1 11, 2026", "Not applicable (N/A)", "To be determined", "—". Footnote marks after a date
// ("July 11, 2026*", "July 11, 2026 [1]", "July 11, 2026²") are not part of it; words after it
// ("July 11, 2026 (extended)") are read past, and said in a note. What cannot be read is
// reported, never guessed silently.
export type DateReading =
  | { status: 'date'; iso: string; note?: string }
  | { status: 'not-applicable' }
  | { status: 'to-be-determined' }
  | { status: 'unreadable'; raw: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// A dash alone, or words that say there is no such date.
const NOT_APPLICABLE = /^(?:not applicable|n\/a|na|none|no end date|not set|[-–—]+)(?![\w/])/i;
// (The whole cell: "Pending removal on Aug 1, 2027" has a date.)
const TO_BE_DETERMINED = /^(?:to be (?:determined|announced|confirmed)|tbd|tba|tbc|not yet (?:determined|announced|set|known)|unknown|pending)(?:\s*\([^()]*\))?\.?$/i;
// Footnote marks after the date: *, †, ‡, §, superscript digits, "[1]", "(1)" (a bracketed number of one
// or two digits). Tested on what follows a date, from its start: one mark per step, so that a run of
// marks cannot be split in many ways.
const FOOTNOTES = /^(?:\s*(?:[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]|\[\d{1,2}\]|\(\d{1,2}\)))+$/;

const TIME_ZONE = /^\(?(?:UTC|GMT|[A-Z]{1,2}[SD]?T)\)?$/;

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})/;
// (A month may start with a zero typed for an O: "0ct".)
const MONTH_DAY_YEAR = /^([A-Za-z0][A-Za-z0-9]{2,8})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})(?!\d)/;
const DAY_MONTH_YEAR = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([A-Za-z0][A-Za-z0-9]{2,8})\.?,? (\d{4})(?!\d)/;

export function readDate(raw: string): DateReading {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (NOT_APPLICABLE.test(text)) return { status: 'not-applicable' };
  if (TO_BE_DETERMINED.test(text)) return { status: 'to-be-determined' };
  let reading: DateReading | null = null;
  let length = 0;
  let m = ISO.exec(text);
  if (m) {
    reading = validated(Number(m[1]), Number(m[2]), Number(m[3]), raw);
    length = m[0].length;
  } else if ((m = MONTH_DAY_YEAR.exec(text) ?? null)) {
    reading = named(m[1] ?? '', Number(m[2]), Number(m[3]), text, raw);
    length = m[0].length;
  } else if ((m = DAY_MONTH_YEAR.exec(text) ?? null)) {
    reading = named(m[2] ?? '', Number(m[1]), Number(m[3]), text, raw);
    length = m[0].length;
  }
  if (!reading || reading.status !== 'date') return reading ?? { status: 'unreadable', raw: text };
  const rest = text.slice(length).trim();
  // "Aug 18, 2027 PT": a time zone after the day changes nothing for a date; nor do footnote marks.
  if (rest === '' || TIME_ZONE.test(rest) || FOOTNOTES.test(rest)) return reading;
  // "July 11, 2026 (extended from January 11, 2026)": the date first, then words about it.
  if (/^[(,;–—-]/.test(rest)) return { ...reading, note: `${reading.note ? `${reading.note}; ` : ''}read "${text}" as ${reading.iso} (words after the date left out)` };
  return { status: 'unreadable', raw: text };
}

/** A date whose month is a word: "Aug", "August", "Sept", or the page's typos ("Ju1" for "Jul"). */
function named(monthWord: string, day: number, year: number, text: string, raw: string): DateReading | null {
  const word = monthWord.toLowerCase();
  // OCR-like typos seen on the real page: digit 1 for letter l ("Ju1"), 0 for o ("0ct").
  const fixed = word.replace(/1/g, 'l').replace(/0/g, 'o');
  const month = MONTHS.findIndex((mm) => fixed.startsWith(mm)) + 1;
  if (month === 0 || !(fixed.length <= 4 || fullMonthMatches(fixed, month))) return null;
  const reading = validated(year, month, day, raw);
  if (reading.status === 'date' && fixed !== word) return { ...reading, note: `read "${text}" as ${reading.iso} (typo in the month)` };
  return reading;
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
