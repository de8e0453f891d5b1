// Hostile feed text: pieces of release-note wording that once made a reader pattern backtrack when
// repeated thousands of times in one statement (test/fixtures/dev/hostile-repeats.txt). Shared by
// the test that reads each to the end and the bench that times how reading them grows.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { extractEntry } from '../../src/ingest/extract.js';
import type { ExtractedNote } from '../../src/ingest/extract.js';

const FILE = new URL(import.meta.url.includes('/dist/') ? '../../../test/fixtures/dev/hostile-repeats.txt' : '../fixtures/dev/hostile-repeats.txt', import.meta.url);

export function hostilePieces(): string[] {
  return readFileSync(FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => JSON.parse(l) as string);
}

/** One statement of about `bytes` characters: the piece over and over. */
export const repeated = (piece: string, bytes: number): string => piece.repeat(Math.ceil(bytes / piece.length));

/** Reads `text` as the one paragraph of a "Changed" note, the way a feed entry is read. */
export function readAsNote(text: string): ExtractedNote[] {
  return extractEntry({ id: 'tag:hostile#1', title: 'December 01, 2026', publishedAt: '2026-12-01T08:00:00.000Z', url: null, html: `<h3>Changed</h3><p>${text.replaceAll('<', '&lt;')}</p>` }, { source: 'hostile' });
}

/**
 * Reads `text` in a child process and stops it after `ms`: a read that never returns blocks its
 * thread, so a test in the same process could not even time out.
 */
export function readsWithin(text: string, ms: number): Promise<{ events: number; withoutKind: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./hostile-read-child.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stdin.end(text);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the reader did not finish a ${text.length}-character statement in ${ms / 1000} s`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as { events: number; withoutKind: number });
      else reject(new Error(`the reading process ended with ${code}`));
    });
  });
}
