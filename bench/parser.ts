// parse_vs_rss_parser, event_loop_block_2mb_feed and reader_hostile_text_growth: the cost of reading
// release notes by meaning, and how it grows on hostile text.
import { performance } from 'node:perf_hooks';
import Parser from 'rss-parser';
import { extractEntries } from '../src/ingest/extract.js';
import { parseFeed } from '../src/ingest/feed.js';
import { hostilePieces, readAsNote, repeated } from '../test/helpers/hostile.js';
import { feedOf, feedXml, pairedMedians, round, type Measurement } from './lib.js';

/**
 * The pair parse_vs_rss_parser times, warmed up: bare rss-parser `parseString` and our whole
 * reading of the same bytes (the DLVM feed ten times over, about 0.8 MB, long enough to time).
 */
export async function parsePair(): Promise<{ big: string; baseline: () => Promise<unknown>; read: () => Promise<void> }> {
  const big = feedOf(10);
  const bare = new Parser();
  const baseline = (): Promise<unknown> => bare.parseString(big);
  const read = async (): Promise<void> => {
    const { entries: list } = await parseFeed(big);
    await extractEntries(list, { source: 'bench' });
  };
  for (let i = 0; i < 3; i++) {
    await baseline();
    await read();
  }
  return { big, baseline, read };
}

export async function parseBench(): Promise<Measurement> {
  const { big, baseline: bare, read } = await parsePair();
  const { baseline, subject: ours } = await pairedMedians(9, bare, read);
  // How much of it is the XML (the Atom reader) and how much the reading, for the note.
  const { subject: xmlOnly } = await pairedMedians(9, bare, () => parseFeed(big));
  const ratio = ours / baseline;
  return {
    name: 'parse_vs_rss_parser',
    value: round(ours),
    unit: 'ms',
    baseline: round(baseline),
    ratio: round(ratio),
    goal: { of: 'ratio', op: '<=', limit: 2.5 },
    note: `DLVM feed ×10 (0.8 MB): parseFeed + notes + reading + events vs bare rss-parser parseString; medians of 9 interleaved runs each; parseFeed alone ${round(xmlOnly)} ms`,
  };
}

/** Longest time the event loop went without running a 1 ms timer while `fn` ran. */
async function longestBlock(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await fn();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return longest;
}

export async function eventLoopBench(): Promise<Measurement> {
  const big = feedOf(25); // ≈ 2 MB
  const bare = new Parser();
  await bare.parseString(big);
  const baseline = await longestBlock(() => bare.parseString(big));
  await parseFeed(big);
  const ours = await longestBlock(async () => {
    const { entries } = await parseFeed(big);
    await extractEntries(entries, { source: 'bench' });
  });
  return { name: 'event_loop_block_2mb_feed', value: round(ours), unit: 'ms', baseline: round(baseline), ratio: round(ours / baseline), goal: { of: 'value', op: '<=', limit: 50 } };
}


/**
 * reader_hostile_text_growth: how reading time grows with the length of hostile text (pieces that
 * once made a pattern backtrack, repeated in one statement; test/fixtures/dev/hostile-repeats.txt).
 * For each piece, time at 64 KB over time at 16 KB (linear reading gives about 4, quadratic 16);
 * the figure is the worst piece's, against the same growth for ordinary notes (the DLVM feed's
 * text run together into one statement) measured alongside.
 */
export async function hostileGrowthBench(): Promise<Measurement> {
  const growth = async (piece: string): Promise<number> => {
    const small = repeated(piece, 16 * 1024);
    const large = repeated(piece, 64 * 1024);
    readAsNote(small);
    const { baseline: t16, subject: t64 } = await pairedMedians(5, () => Promise.resolve(readAsNote(small)), () => Promise.resolve(readAsNote(large)));
    return t64 / Math.max(t16, 0.01);
  };
  const ordinary = feedXml.replace(/<[^>]+>|&[#\w]+;/g, ' ').replace(/\s+/g, ' ').slice(0, 4096);
  const baseline = await growth(ordinary);
  let worst = { piece: '', growth: 0 };
  const pieces = hostilePieces();
  for (const piece of pieces) {
    const g = await growth(piece);
    if (g > worst.growth) worst = { piece, growth: g };
  }
  return {
    name: 'reader_hostile_text_growth',
    value: round(worst.growth),
    unit: 'x (64 KB / 16 KB)',
    baseline: round(baseline),
    ratio: round(worst.growth / baseline),
    goal: { of: 'ratio', op: '<=', limit: 2 },
    note: `worst of ${pieces.length} hostile pieces: ${JSON.stringify(worst.piece)}; ordinary notes grow ${round(baseline)}x; medians of 5 interleaved runs`,
  };
}
