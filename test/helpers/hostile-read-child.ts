// Run by test/helpers/hostile.ts readsWithin, as its own process: reads the statement on stdin and
// prints how many events it gave and how many lack a kind. A process, so that a read that never
// returns (a pattern backtracking without end) can be stopped from outside.
import { readFileSync } from 'node:fs';
import { readAsNote } from './hostile.js';

const events = readAsNote(readFileSync(0, 'utf8')).flatMap((n) => n.events);
process.stdout.write(JSON.stringify({ events: events.length, withoutKind: events.filter((e) => typeof e.kind !== 'string').length }));
