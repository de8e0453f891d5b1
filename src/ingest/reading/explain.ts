// How a note was read, for a person looking at an odd alert: per statement, the mentions found
// (and those set aside, with why), the kind chosen and the words that decided it, and the events
// or the reason there is none. Used by `release-radar parse --explain`.
import { describeSubject } from '../../domain/events.js';
import type { Finding } from './compose.js';
import type { FrameworkMention } from './mentions.js';
import type { NoteReading, StatementReading } from './read-note.js';

const mention = (m: FrameworkMention): string => `${m.framework}${m.versions.length ? ` ${m.versions.join(', ')}` : ''}${m.scope === 'and-earlier' ? ' and earlier' : ''}${m.fromVersion ? ` (from ${m.fromVersion})` : ''} «${m.name.trim()}»${m.via === 'image' ? ' [image name]' : ''}`;
const finding = (f: Finding): string => `${f.kind} ${describeSubject(f)}`;

export function explainStatement(r: StatementReading): string[] {
  const lines = [`  » ${r.text}${r.context ? `   (under: ${r.context})` : ''}`];
  if (r.noEvent) return [...lines, `      no event: ${r.noEvent}${r.predicate?.cue ? ` («${r.predicate.cue}»)` : ''}`];
  const kept = r.mentions.filter((m) => !r.dropped.some((d) => d.mention === m));
  lines.push(`      mentions: ${kept.length ? kept.map(mention).join('; ') : 'none (about every image)'}`);
  for (const d of r.dropped) lines.push(`      set aside: ${mention(d.mention)}: ${d.why}`);
  const p = r.predicate;
  lines.push(`      kind:     ${p?.kind ?? 'other (not understood: counted as unread)'}${p?.kind ? ` — ${p.why}${p.cue ? `: «${p.cue}»` : ''}${p.from === 'lead-in' ? ' (in its lead-in)' : ''}` : ''}${p?.also.length ? ` + ${p.also.join(', ')}` : ''}`);
  lines.push(`      events:   ${r.findings.map(finding).join('; ')}`);
  return lines;
}

export function explainNote(reading: NoteReading): string[] {
  return reading.statements.flatMap(explainStatement);
}

/** The same as JSON, one object per statement. */
export function explainJson(r: StatementReading): Record<string, unknown> {
  return {
    text: r.text,
    context: r.context,
    mentions: r.mentions.map((m) => ({ framework: m.framework, versions: m.versions, scope: m.scope, role: m.role, via: m.via, name: m.name, setAside: r.dropped.find((d) => d.mention === m)?.why ?? null })),
    kind: r.predicate?.kind ?? null,
    cue: r.predicate?.cue ?? null,
    why: r.predicate?.why ?? null,
    decidedBy: r.predicate?.from ?? null,
    events: r.findings.map((f) => ({ kind: f.kind, framework: f.framework, version: f.version, scope: f.scope })),
    noEvent: r.noEvent,
    unread: r.unread,
  };
}
