import { stableId } from '../../src/domain/ids.js';
import type { ReleaseEvent } from '../../src/domain/events.js';

/** A valid event for tests that start at the match stage; override what the test is about. */
export function makeEvent(name: string, over: Partial<ReleaseEvent> = {}): ReleaseEvent {
  return {
    id: stableId('test-event', name),
    source: 'test',
    entryId: `entry-${name}`,
    noteId: stableId('test-note', name),
    publishedAt: '2026-07-01T07:00:00.000Z',
    kind: 'new-image',
    framework: 'pytorch',
    version: '2.4',
    scope: 'exact',
    release: null,
    cuda: null,
    python: null,
    os: null,
    cves: [],
    imageFamilies: [],
    noteType: 'feature',
    title: `Event ${name}`,
    text: `Text of ${name}`,
    url: 'https://example.test/notes',
    update: false,
    ...over,
  };
}
