import { parseFeed } from '../src/ingest/feed.js';
import { extractEntries } from '../src/ingest/extract.js';
import { feedOf } from './lib.js';
const big = feedOf(10);
const { entries } = await parseFeed(big);
for (let i = 0; i < 30; i++) await extractEntries(entries, { source: 'bench' });
