// Supported-versions pages ("Choose an image", "Choose a container image") → rows keyed by
// (section, version label, accelerator), and snapshot diffs → date-change events.
import { isTag, type Element } from 'domhandler';
import { findAll, getElementsByTagName, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import type { Framework } from '../domain/events.js';
import type { LifecycleLine } from '../domain/lifecycle.js';
import { cleanText } from './notes.js';
import { isoOrNull, readDate, type DateReading } from './dates.js';
import { familyName, parseImageFamily } from './image-family.js';

export interface VersionRow {
  key: string;
  section: string;
  framework: Framework;
  /** As written in the first column: "2.4 (Python 3.10)", "Base-cu129 (Python 3.12 / Ubuntu 24.04)". */
  label: string;
  /** X.Y for frameworks, the CUDA version for base rows; null for "Base-CPU". */
  version: string | null;
  patchVersion: string | null;
  accelerator: string;
  endOfPatch: string | null;
  endOfAvailability: string | null;
  endOfPatchText: string;
  endOfAvailabilityText: string;
  imageFamily: string | null;
}

export interface TableWarning {
  row: string;
  column: string;
  message: string;
}

export interface VersionsTable {
  rows: VersionRow[];
  warnings: TableWarning[];
}

export class TableShapeError extends Error {
  readonly code = 'parse-table-shape';
  constructor(message: string) {
    super(message);
    this.name = 'TableShapeError';
  }
}

type Column = 'version' | 'patch' | 'accelerator' | 'eop' | 'eoa' | 'family';
const REQUIRED: Column[] = ['version', 'accelerator', 'eop', 'eoa'];

function columnOf(header: string): Column | null {
  const h = header.toLowerCase();
  if (/end of patch|end-of-patch|end of support/.test(h)) return 'eop';
  if (/end of availability|end-of-availability/.test(h)) return 'eoa';
  if (/accelerator/.test(h)) return 'accelerator';
  if (/patch version/.test(h)) return 'patch';
  if (/framework version|^version$|^ml framework/.test(h)) return 'version';
  if (/image family|container|image name|family/.test(h)) return 'family';
  return null;
}

function frameworkOfSection(section: string): Framework {
  const s = section.toLowerCase();
  if (/pytorch/.test(s)) return 'pytorch';
  if (/tensorflow/.test(s)) return 'tensorflow';
  if (/\bbase\b|cuda|common/.test(s)) return 'base';
  if (/\br\b/.test(s)) return 'r';
  if (/jax/.test(s)) return 'jax';
  return 'other';
}

function versionOf(framework: Framework, label: string, family: string | null): string | null {
  if (framework === 'base') {
    const cu = /\bcu(\d{2,3})\b/i.exec(label)?.[1];
    if (cu) return cu.length <= 2 ? `${cu[0]}.${cu.slice(1)}` : `${cu.slice(0, 2)}.${cu.slice(2)}`;
    return family ? (parseImageFamily(family)?.cuda ?? null) : null;
  }
  // "2.4 (Python 3.10)" or "PyTorch 2.4": the first X.Y that is not a Python/CUDA/OS version.
  const cleaned = label.replace(/\((?:[^)]*)\)/g, ' ').replace(/\b(?:python|py|cuda|cu|ubuntu|debian)\s*[\d.]+/gi, ' ');
  return /(?:^|\s)(\d+\.\d+(?:\.\d+)?)\b/.exec(cleaned)?.[1] ?? null;
}

export function rowKey(section: string, label: string, accelerator: string): string {
  return `${section}|${label}|${accelerator}`;
}

const text = (node: Element): string => cleanText(textContent(node));
const cellsOf = (tr: Element, names: string[]): Element[] => tr.children.filter((c): c is Element => isTag(c) && names.includes(c.name));

/**
 * Each table with the heading that precedes it in document order (so a table wrapped in a
 * <div class="devsite-table-wrapper"> still finds its section heading).
 */
function tablesWithSections(html: string): { table: Element; section: string }[] {
  const doc = parseDocument(html, { decodeEntities: true });
  const out: { table: Element; section: string }[] = [];
  let section = '';
  for (const el of findAll((e) => ['h2', 'h3', 'h4', 'table'].includes(e.name), doc.children)) {
    if (el.name === 'table') out.push({ table: el, section });
    else section = text(el);
  }
  return out;
}

export function parseVersionsTable(html: string): VersionsTable {
  const rows: VersionRow[] = [];
  const warnings: TableWarning[] = [];
  const tables = tablesWithSections(html);
  let matched = 0;
  for (const { table, section: heading } of tables) {
    const trs = getElementsByTagName('tr', [table]);
    const headers = trs[0] ? cellsOf(trs[0], ['th', 'td']).map(text) : [];
    const columns = headers.map(columnOf);
    // A supported-versions table is one with an end date column; other tables on the page (regions,
    // Python versions, container URIs without dates) are not ours to judge.
    if (!columns.includes('eop') && !columns.includes('eoa')) continue;
    const missing = REQUIRED.filter((c) => !columns.includes(c));
    const section = heading || 'Versions';
    if (missing.length > 0) {
      throw new TableShapeError(`table under "${section}" lacks column(s) ${missing.join(', ')} (headers: ${headers.join(' | ')})`);
    }
    matched++;
    const sectionFramework = frameworkOfSection(section);
    for (const tr of trs.slice(1)) {
      const cells = cellsOf(tr, ['td']);
      if (cells.length === 0) continue;
      const cell = (c: Column): string => {
        const i = columns.indexOf(c);
        const el = i >= 0 ? cells[i] : undefined;
        return el ? text(el) : '';
      };
      const label = cell('version');
      // One table for every framework ("PyTorch 2.4", "TensorFlow 2.17" rows under a neutral
      // heading): the row names its framework.
      const framework = sectionFramework === 'other' ? frameworkOfSection(label) : sectionFramework;
      const accelerator = cell('accelerator');
      const pattern = cell('family') || null;
      const family = pattern ? familyName(pattern) : null;
      const eopText = cell('eop');
      const eoaText = cell('eoa');
      const rowName = `${section} / ${label} / ${accelerator}`;
      const read = (text: string, column: string): DateReading => {
        const r = readDate(text);
        if (r.status === 'unreadable') warnings.push({ row: rowName, column, message: `cannot read date "${r.raw}"` });
        if (r.status === 'date' && r.note) warnings.push({ row: rowName, column, message: r.note });
        return r;
      };
      const patch = cell('patch');
      rows.push({
        key: rowKey(section, label, accelerator),
        section,
        framework,
        label,
        version: versionOf(framework, label, family),
        patchVersion: patch && !/not applicable|n\/a/i.test(patch) ? patch : null,
        accelerator,
        endOfPatch: isoOrNull(read(eopText, 'end of patch and support date')),
        endOfAvailability: isoOrNull(read(eoaText, 'end of availability date')),
        endOfPatchText: eopText,
        endOfAvailabilityText: eoaText,
        imageFamily: family,
      });
    }
  }
  if (matched === 0) throw new TableShapeError(tables.length === 0 ? 'no table found on the page' : 'no supported-versions table found (expected columns like "End of patch and support date")');
  return { rows, warnings };
}

export type TableChangeKind = 'version-added' | 'version-removed' | 'end-of-patch-changed' | 'end-of-availability-changed';

export interface TableChange {
  kind: TableChangeKind;
  row: VersionRow;
  from: string | null;
  to: string | null;
}

/** Old snapshot vs new snapshot → changes, in the new page's row order (removed rows last). */
export function diffTables(oldRows: VersionRow[], newRows: VersionRow[]): TableChange[] {
  const before = new Map(oldRows.map((r) => [r.key, r]));
  const after = new Map(newRows.map((r) => [r.key, r]));
  const changes: TableChange[] = [];
  for (const row of newRows) {
    const old = before.get(row.key);
    if (!old) {
      changes.push({ kind: 'version-added', row, from: null, to: null });
      continue;
    }
    // Compare what the page means, not how it is spelled ("Ju1 11" and "Jul 11" are the same date).
    if (old.endOfPatch !== row.endOfPatch || (old.endOfPatch === null && old.endOfPatchText !== row.endOfPatchText)) {
      changes.push({ kind: 'end-of-patch-changed', row, from: old.endOfPatch, to: row.endOfPatch });
    }
    if (old.endOfAvailability !== row.endOfAvailability || (old.endOfAvailability === null && old.endOfAvailabilityText !== row.endOfAvailabilityText)) {
      changes.push({ kind: 'end-of-availability-changed', row, from: old.endOfAvailability, to: row.endOfAvailability });
    }
  }
  for (const row of oldRows) if (!after.has(row.key)) changes.push({ kind: 'version-removed', row, from: null, to: null });
  return changes;
}

/**
 * Rows → lifecycle lines: the rows of one version label become one line when their accelerators
 * share dates (CPU and GPU rows of "2.17 (Python 3.10)"), one line per accelerator otherwise.
 */
export function linesOfTable(rows: VersionRow[], sourceId: string, seenAt: Date): LifecycleLine[] {
  const groups = new Map<string, VersionRow[]>();
  for (const row of rows) {
    const k = `${row.section}|${row.label}`;
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  const lines: LifecycleLine[] = [];
  for (const [k, group] of groups) {
    const sameDates = group.every((r) => r.endOfPatch === group[0]?.endOfPatch && r.endOfAvailability === group[0]?.endOfAvailability);
    const parts = sameDates ? [group] : group.map((r) => [r]);
    for (const part of parts) {
      const first = part[0];
      if (!first) continue;
      lines.push({
        key: `${sourceId}|${k}${sameDates ? '' : `|${first.accelerator}`}`,
        sourceId,
        section: first.section,
        framework: first.framework,
        version: first.version,
        label: first.label,
        accelerators: part.map((r) => r.accelerator),
        imageFamily: part.find((r) => r.imageFamily)?.imageFamily ?? null,
        endOfPatch: first.endOfPatch,
        endOfAvailability: first.endOfAvailability,
        revisions: { 'end-of-patch': 0, 'end-of-availability': 0 },
        firstSeenAt: seenAt.toISOString(),
      });
    }
  }
  return lines;
}
