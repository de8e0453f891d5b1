import { describe, expect, it } from 'vitest';
import { SubscriptionSchema, TeamSchema, type TeamConfig } from '../../src/config/schema.js';
import type { ReleaseEvent } from '../../src/domain/events.js';
import { matchEvents, subscriptionMatches, urgencyOf, whyNot } from '../../src/domain/matching.js';
import { compareVersions, versionMatches } from '../../src/domain/versions.js';

function event(over: Partial<ReleaseEvent>): ReleaseEvent {
  return {
    id: 'a'.repeat(32), source: 's', entryId: 'e', noteId: 'n', publishedAt: null, kind: 'new-image', framework: 'pytorch', version: '2.4',
    scope: 'exact', release: null, cuda: null, python: null, os: null, cves: [], imageFamilies: [], noteType: 'feature', title: 't', text: 't', url: null, update: false, ...over,
  };
}
const sub = (o: Record<string, unknown>) => SubscriptionSchema.parse(o);
const team = (id: string, subscriptions: Record<string, unknown>[]): TeamConfig => TeamSchema.parse({ id, name: id, slack: { channels: ['#c'] }, subscriptions });

describe('version ranges', () => {
  it.each([
    ['2.x', '2.4', 'exact', true],
    ['2.x', '1.13', 'exact', false],
    ['>=2.3 <2.6', '2.4', 'exact', true],
    ['>=2.3 <2.6', '2.6', 'exact', false],
    ['>=2.3 <2.6', '2.5.1', 'exact', true],
    ['2.4', '2.4.0', 'exact', true],
    ['2.4', '2.10', 'exact', false],
    ['>=2.10', '2.9', 'exact', false],
    ['*', '0.4', 'exact', true],
    // "PyTorch versions 2.3 and earlier" concerns every version up to 2.3.
    ['2.1', '2.3', 'and-earlier', true],
    ['>=2.4', '2.3', 'and-earlier', false],
    ['>=2.3', '2.3', 'and-earlier', true],
    ['>=12.4', '12.4', 'and-earlier', true],
    ['>=12.5', '12.4', 'and-earlier', false],
    ['2.x', '2.x', 'exact', true],
  ] as const)('range %s vs %s (%s) → %s', (range, version, scope, expected) => {
    expect(versionMatches(range, version, scope)).toBe(expected);
  });

  it('an event without a version matches any range', () => {
    expect(versionMatches('>=2.3', null, null)).toBe(true);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.10', '2.9')).toBeGreaterThan(0);
    expect(compareVersions('2.1', '2.10')).toBeLessThan(0);
    expect(compareVersions('12.4', '12.4.0')).toBe(0);
  });
});

describe('matching', () => {
  it('matches framework, kinds and version range', () => {
    const s = sub({ frameworks: ['pytorch'], versions: '>=2.3', kinds: ['new-image'] });
    expect(subscriptionMatches(s, event({}))).toBe(true);
    expect(subscriptionMatches(s, event({ kind: 'patch-update' }))).toBe(false);
    expect(subscriptionMatches(s, event({ framework: 'tensorflow' }))).toBe(false);
    expect(subscriptionMatches(s, event({ version: '2.2' }))).toBe(false);
  });

  it('general notes reach only subscriptions to "general" or "all"', () => {
    const general = event({ framework: null, version: null, scope: null, kind: 'security-update' });
    expect(subscriptionMatches(sub({ frameworks: ['pytorch'] }), general)).toBe(false);
    expect(subscriptionMatches(sub({ frameworks: ['general'] }), general)).toBe(true);
    expect(subscriptionMatches(sub({ frameworks: ['all'] }), general)).toBe(true);
    expect(subscriptionMatches(sub({ frameworks: ['all'], versions: '>=2.3' }), event({ framework: 'tensorflow', version: '2.17' }))).toBe(true);
  });

  it('auto delivery: urgent kinds at once, routine ones in the digest', () => {
    const s = sub({ frameworks: ['pytorch'] });
    expect(urgencyOf(s, event({ kind: 'security-update' }))).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'end-of-support-reached' }))).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'end-of-availability-changed' }))).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'patch-update' }))).toBe('digest');
    expect(urgencyOf(s, event({ kind: 'dependency-update' }))).toBe('digest');
    expect(urgencyOf(sub({ frameworks: ['pytorch'], deliver: 'immediate' }), event({ kind: 'patch-update' }))).toBe('immediate');
  });

  it('is many-to-many and counts an event once per team, most urgent subscription winning', () => {
    const teams = [
      team('a', [{ frameworks: ['pytorch'], deliver: 'digest' }, { frameworks: ['pytorch'], versions: '2.4', deliver: 'immediate' }]),
      team('b', [{ frameworks: ['pytorch', 'tensorflow'] }]),
      team('c', [{ frameworks: ['r'] }]),
    ];
    const e1 = event({ id: '1'.repeat(32) });
    const e2 = event({ id: '2'.repeat(32), framework: 'tensorflow', version: '2.17', kind: 'security-update' });
    const result = matchEvents([e1, e2], teams);
    expect(result).toEqual([
      { teamId: 'a', immediate: [e1], digest: [] },
      { teamId: 'b', immediate: [e2], digest: [e1] },
    ]);
  });

  it('explains why a team does not get an event', () => {
    const t = team('c', [{ frameworks: ['r'] }, { frameworks: ['pytorch'], kinds: ['security-update'] }]);
    expect(whyNot(t, event({}))).toMatch(/subscriptions\[0\].*not in frameworks \[r\].*subscriptions\[1\]: kind new-image not in \[security-update\]/);
    expect(whyNot(team('d', [{ frameworks: ['pytorch'] }]), event({}))).toBeNull();
  });
});
