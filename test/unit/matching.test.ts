import { describe, expect, it } from 'vitest';
import { SubscriptionSchema, TeamSchema, type TeamConfig } from '../../src/config/schema.js';
import type { ReleaseEvent } from '../../src/domain/events.js';
import { matchEvents, quietUntil, subscriptionMatches, teamMute, urgencyOf, whyNot, type Silence } from '../../src/domain/matching.js';
import { compareVersions, versionMatches } from '../../src/domain/versions.js';

function event(over: Partial<ReleaseEvent>): ReleaseEvent {
  return {
    id: 'a'.repeat(32), source: 's', entryId: 'e', noteId: 'n', publishedAt: null, kind: 'new-image', framework: 'pytorch', version: '2.4',
    scope: 'exact', release: null, cuda: null, python: null, os: null, cves: [], imageFamilies: [], noteType: 'feature', title: 't', text: 't', url: null, update: false, ...over,
  };
}
const sub = (o: Record<string, unknown>) => SubscriptionSchema.parse(o);
const NOW = new Date('2026-07-01T10:00:00Z');
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

  it('auto delivery: urgent kinds and dates within 14 days at once, routine ones in the digest', () => {
    const s = sub({ frameworks: ['pytorch'] });
    const today = '2026-07-01';
    expect(urgencyOf(s, event({ kind: 'security-update' }), today)).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'end-of-support-reached' }), today)).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'deprecation' }), today)).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'version-removed' }), today)).toBe('immediate');
    // A moved date is urgent when a date involved is at most 14 days away (or past).
    expect(urgencyOf(s, event({ kind: 'end-of-availability-changed', dates: { from: '2026-07-10', to: '2027-01-24' } }), today)).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'end-of-availability-changed', dates: { from: '2026-07-24', to: '2027-01-24' } }), today)).toBe('digest');
    expect(urgencyOf(s, event({ kind: 'end-of-patch-changed', dates: { from: '2026-10-13', to: '2026-07-15' } }), today)).toBe('immediate');
    expect(urgencyOf(s, event({ kind: 'end-of-patch-changed', dates: { from: '2026-10-13', to: '2026-07-16' } }), today)).toBe('digest');
    expect(urgencyOf(s, event({ kind: 'patch-update' }), today)).toBe('digest');
    expect(urgencyOf(s, event({ kind: 'dependency-update' }), today)).toBe('digest');
    expect(urgencyOf(s, event({ kind: 'new-image' }), today)).toBe('digest');
    expect(urgencyOf(sub({ frameworks: ['pytorch'], deliver: 'immediate' }), event({ kind: 'patch-update' }), today)).toBe('immediate');
    expect(urgencyOf(sub({ frameworks: ['pytorch'], deliver: 'digest' }), event({ kind: 'security-update' }), today)).toBe('digest');
  });

  it('image-family patterns restrict a subscription to events naming a matching family', () => {
    const s = sub({ frameworks: ['pytorch'], families: ['pytorch-2-4-*'] });
    expect(subscriptionMatches(s, event({ imageFamilies: ['pytorch-2-4-cu124-debian-11-py310'] }))).toBe(true);
    expect(subscriptionMatches(s, event({ imageFamilies: ['PYTORCH-2-4-CU124'] }))).toBe(true);
    expect(subscriptionMatches(s, event({ imageFamilies: ['pytorch-2-3-cu121'] }))).toBe(false);
    expect(subscriptionMatches(s, event({ imageFamilies: [] }))).toBe(false);
  });

  it('is many-to-many and counts an event once per team, most urgent subscription winning', () => {
    const teams = [
      team('a', [{ frameworks: ['pytorch'], deliver: 'digest' }, { frameworks: ['pytorch'], versions: '2.4', deliver: 'immediate' }]),
      team('b', [{ frameworks: ['pytorch', 'tensorflow'] }]),
      team('c', [{ frameworks: ['r'] }]),
    ];
    const e1 = event({ id: '1'.repeat(32) });
    const e2 = event({ id: '2'.repeat(32), framework: 'tensorflow', version: '2.17', kind: 'security-update' });
    const result = matchEvents([e1, e2], teams, { now: NOW });
    expect(result).toEqual([
      { teamId: 'a', immediate: [{ event: e1, notBefore: null, held: null }], digest: [], muted: [] },
      { teamId: 'b', immediate: [{ event: e2, notBefore: null, held: null }], digest: [e1], muted: [] },
    ]);
  });

  it('mutes drop (and say so), for a team or one subscription, until they expire', () => {
    const e = event({ kind: 'security-update' });
    const muted = TeamSchema.parse({ id: 'm', name: 'm', slack: { channels: ['#m'] }, mutes: [{ until: '2026-07-02', reason: 'migration week' }], subscriptions: [{ frameworks: ['pytorch'] }] });
    expect(matchEvents([e], [muted], { now: NOW })).toEqual([{ teamId: 'm', immediate: [], digest: [], muted: [{ event: e, reason: 'muted until 2026-07-02T00:00:00.000Z: migration week' }] }]);
    expect(matchEvents([e], [muted], { now: new Date('2026-07-02T00:00:01Z') })[0]?.immediate).toHaveLength(1);
    // Muting one subscription leaves the others working.
    const two = TeamSchema.parse({
      id: 'two', name: 'two', slack: { channels: ['#t'] },
      mutes: [{ until: '2026-08-01', subscription: 'torch' }],
      subscriptions: [{ name: 'torch', frameworks: ['pytorch'] }, { frameworks: ['all'], kinds: ['security-update'] }],
    });
    expect(matchEvents([e], [two], { now: NOW })[0]?.immediate).toHaveLength(1);
    expect(matchEvents([event({ kind: 'deprecation' })], [two], { now: NOW })[0]?.muted[0]?.reason).toMatch(/muted \(subscriptions\[0\]\) until 2026-08-01/);
    // A CLI silence works the same way.
    const plain = team('p', [{ frameworks: ['pytorch'] }]);
    const cli: Silence = { id: 'mute-1', teamId: 'p', kind: 'mute', subscription: null, framework: null, versions: null, until: '2026-07-05T00:00:00.000Z', reason: '', origin: 'cli' };
    expect(matchEvents([e], [plain], { now: NOW, silences: [cli] })[0]?.muted).toHaveLength(1);
    expect(whyNot(plain, e, { now: NOW, silences: [cli] })).toBe('muted until 2026-07-05T00:00:00.000Z');
    // A line muted from a Slack button drops that line only: not the team's other lines.
    const line: Silence = { id: 'slack-mute-1', teamId: 'p', kind: 'mute', subscription: null, framework: 'pytorch', versions: '2.4', until: '2026-07-05T00:00:00.000Z', reason: '', origin: 'slack', by: 'alice' };
    const about24 = event({ kind: 'security-update', version: '2.4.1' });
    const about25 = event({ id: 'x'.repeat(32), kind: 'security-update', version: '2.5' });
    const [lm] = matchEvents([about24, about25], [plain], { now: NOW, silences: [line] });
    expect(lm?.muted.map((m) => [m.event.version, m.reason])).toEqual([['2.4.1', 'muted (pytorch 2.4) until 2026-07-05T00:00:00.000Z by alice']]);
    expect(lm?.immediate.map((a) => a.event.version)).toEqual(['2.5']);
    // … and is not a team mute.
    expect(teamMute([line])).toBeUndefined();
  });

  it('snoozes and quiet hours hold alerts (never drop them); urgent ones ignore quiet hours', () => {
    const quiet = TeamSchema.parse({
      id: 'q', name: 'q', timezone: 'Europe/Berlin', slack: { channels: ['#q'] }, quietHours: { start: '22:00', end: '07:00' },
      subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }],
    });
    const night = new Date('2026-07-01T21:30:00Z'); // 23:30 in Berlin
    const [m] = matchEvents([event({ id: 'n'.repeat(32) }), event({ id: 's'.repeat(32), kind: 'security-update' })], [quiet], { now: night });
    expect(m?.immediate.map((a) => [a.event.kind, a.notBefore])).toEqual([
      ['new-image', '2026-07-02T05:00:00.000Z'],
      ['security-update', null],
    ]);
    expect(quietUntil(quiet, new Date('2026-07-02T04:59:00Z'))?.toISOString()).toBe('2026-07-02T05:00:00.000Z');
    expect(quietUntil(quiet, new Date('2026-07-02T05:00:00Z'))).toBeNull();
    const snoozed = TeamSchema.parse({
      id: 's', name: 's', slack: { channels: ['#s'] }, snoozes: [{ until: '2026-07-10T09:00:00Z', framework: 'pytorch', versions: '2.4', reason: 'upgrade planned' }],
      subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }],
    });
    const [s] = matchEvents([event({ kind: 'security-update' }), event({ id: 'b'.repeat(32), version: '2.5' })], [snoozed], { now: NOW });
    expect(s?.immediate.map((a) => [a.event.version, a.notBefore, a.held])).toEqual([
      ['2.4', '2026-07-10T09:00:00.000Z', 'snoozed until 2026-07-10T09:00:00.000Z (upgrade planned)'],
      ['2.5', null, null],
    ]);
  });

  it('explains why a team does not get an event', () => {
    const t = team('c', [{ frameworks: ['r'] }, { frameworks: ['pytorch'], kinds: ['security-update'] }]);
    expect(whyNot(t, event({}), { now: NOW })).toBe("subscriptions[0]: pytorch not in frameworks [r]; subscriptions[1]: kind new-image not in [security-update]");
    expect(whyNot(team("v", [{ frameworks: ["pytorch"], versions: ">=2.5" }]), event({ scope: "and-earlier" }), { now: NOW })).toBe("subscriptions[0]: pytorch 2.4 and earlier outside versions \">=2.5\"");
    expect(whyNot(team("g", [{ frameworks: ["pytorch"] }]), event({ framework: null, version: null }), { now: NOW })).toBe("subscriptions[0]: a general note (no framework) and frameworks [pytorch] include neither general nor all");
    expect(whyNot(team('d', [{ frameworks: ['pytorch'] }]), event({}))).toBeNull();
  });
});
