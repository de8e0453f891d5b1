// parse_vs_rss_parser and event_loop_block_2mb_feed: the cost of reading release notes by meaning.
import { performance } from 'node:perf_hooks';
import Parser from 'rss-parser';
import { extractEntries } from '../src/ingest/extract.js';
import { parseFeed } from '../src/ingest/feed.js';
import { feedOf, pairedMedians, round, type Measurement } from './lib.js';

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

