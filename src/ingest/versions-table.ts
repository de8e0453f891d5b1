// Supported-versions pages ("Choose an image", "Choose a container image") → rows keyed by
// (section, version label, accelerator), and snapshot diffs → date-change events.
import { isTag, type Element } from 'domhandler';
import { findAll, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import type { Framework } from '../domain/events.js';
import type { LifecycleLine } from '../domain/lifecycle.js';
import { cleanText } from './notes.js';
import { isoOrNull, readDate, type DateReading } from './dates.js';
import { cudaFromCompact, familyName, parseImageFamily, type ImageFamily } from './image-family.js';
import { FRAMEWORK_NAMES } from './reading/lexicon.js';

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

type Column = 'framework' | 'version' | 'patch' | 'accelerator' | 'eop' | 'eoa' | 'family';

/**
 * What a header says its column holds. Google's wording ("End of patch and support date", "Supported
 * accelerators", "Image family name") and the variants a page could use for the same thing ("End of
 * support", "Patch support ends", "Available until", "Processor", "Container image", "Framework").
 */
export function columnOf(header: string): Column | null {
  const h = header.toLowerCase().replace(/\s+/g, ' ').trim();
  // (Not "end of life": on these pages that is the upstream project's date, e.g. Python's.)
  if (/\bend[- ]of[- ](?:(?:standard|extended|regular) )?(?:patch|support)\b|\b(?:patch|support)(?: and support)?(?: end| ends| until)\b|\bsupported until\b/.test(h)) return 'eop';
  if (/\bend[- ]of[- ]availability\b|\bavailab(?:le|ility) (?:until|end|ends)\b|\bremoval date\b/.test(h)) return 'eoa';
  if (/\baccelerators?\b|\bprocessors?\b|\bhardware\b|^(?:cpu ?\/ ?gpu|gpu ?\/ ?cpu|device)s?$/.test(h)) return 'accelerator';
  if (/\bpatch version\b|\blatest (?:patch|version)\b|\bcurrent version\b/.test(h)) return 'patch';
  if (/\bimage famil|\bcontainers?\b|\bimage (?:name|uri|path|url)s?\b|\bfamily\b|^images?$|\bregistry path\b|\buri\b/.test(h)) return 'family';
  if (/^(?:ml )?frameworks?$/.test(h)) return 'framework';
  if (/\bframework version\b|^versions?$|^ml framework\b|^(?:framework|runtime|image) versions?\b|\bversion\b/.test(h)) return 'version';
  return null;
}

/**
 * Of several "… version" columns, the one that names the line: a framework's ("ML framework
 * version", "PyTorch version") before a bare "Version", before another component's ("CUDA
 * version": a Base table's line), before what the image runs on ("Python version", "OS version"),
 * which names the line only when nothing else does.
 */
function versionRank(header: string): number {
  const h = header.toLowerCase();
  if (/\bframework\b/.test(h) || frameworkNamedIn(header) !== null && !/\b(?:cuda|base|common)\b/.test(h)) return 0;
  if (/^versions?$/.test(h.trim())) return 1;
  return /\b(?:python|os|operating system|driver|kernel|ubuntu|debian)\b/.test(h) ? 3 : 2;
}

/** A table needs its end dates and something that names each row's line. */
const REQUIRED_DATES: Column[] = ['eop', 'eoa'];
const NAMING: Column[] = ['version', 'framework', 'family'];

// Framework names, as the lexicon of release notes knows them (so a page section "Hugging Face
// TGI" or a row "vLLM 0.11" reads like a note that names them). Python is left out: in a row
// label it is what the image runs on ("2.4 (Python 3.10)"), not the line.
const NAMES = FRAMEWORK_NAMES.filter((n) => n.framework !== 'python').map((n) => ({ framework: n.framework, re: new RegExp(String.raw`(?<![\w.-])(?:${n.pattern})(?![\w])`, n.caseSensitive ? '' : 'i') }));

/** The framework a section heading, a framework cell or a row label names first, or null. */
export function frameworkNamedIn(text: string): Framework | null {
  // Words in parentheses say what the line runs on ("(Python 3.10 / Ubuntu 22.04)"), not which it is.
  const outside = text.replace(/\([^()]*\)/g, (m) => ' '.repeat(m.length));
  let best: { framework: Framework; at: number } | null = null;
  for (const n of NAMES) {
    const m = n.re.exec(outside);
    if (m && (!best || m.index < best.at)) best = { framework: n.framework, at: m.index };
  }
  if (best) return best.framework;
  // "CUDA versions", "Common (CUDA) images": Base images go by their CUDA version.
  if (/\bbase\b|\bcuda\b|\bcommon\b|^cu\d{2,3}\b/i.test(outside)) return 'base';
  return null;
}

function versionOf(framework: Framework, label: string, family: ImageFamily | null): string | null {
  if (framework === 'base') {
    const cu = /\bcu(\d{2,3})\b/i.exec(label)?.[1];
    if (cu) return cudaFromCompact(cu);
    const cuda = /\bcuda\s*(\d+\.\d+)/i.exec(label)?.[1];
    if (cuda && !/\bcpu\b/i.test(label)) return cuda;
    return family?.cuda ?? null;
  }
  // "2.4 (Python 3.10)" or "PyTorch 2.4": the first X.Y that is not a Python/CUDA/OS version.
  const cleaned = label.replace(/\((?:[^)]*)\)/g, ' ').replace(/\b(?:python|py|cuda|cu|ubuntu|debian)\s*[\d.]+/gi, ' ');
  // A line is its minor version: a row written "2.8.0" is the 2.8 line.
  const written = /(?:^|[\s/])v?(\d+\.\d+)(?:\.\d+)*\b/.exec(cleaned)?.[1];
  return written ?? family?.version?.split('.').slice(0, 2).join('.') ?? null;
}

/** CPU, GPU or TPU, from an image name ("pytorch-cu124.2-4.py310", "tf-cpu.2-17") or a label ("2.4 GPU"). */
function acceleratorOf(label: string, family: ImageFamily | null): string {
  if (family?.accelerator) return family.accelerator.toUpperCase();
  const said = /\b(cpu|gpu|tpu)\b/i.exec(label)?.[1];
  if (said) return said.toUpperCase();
  return /\bcu\d{2,3}\b|\bcuda\b/i.test(label) ? 'GPU' : '';
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

/** The largest rowspan or colspan honoured (larger ones are cut to it; rowspan="0" spans to the end of its row group). */
const MAX_SPAN = 100;

interface GridRow {
  cells: string[];
  /** Cells of <th> only, or in <thead>. */
  header: boolean;
  /** Per cell: it came from a cell spanning several columns (a header over sub-headers). */
  wide: boolean[];
  /** A row of one cell across the table ("PyTorch"): a sub-heading for the rows under it. */
  subHeading: string | null;
}

/** A table's own rows, in order, with the row group each sits in (its nested tables' rows are theirs). */
function rowsOf(table: Element): { tr: Element; group: Element }[] {
  const out: { tr: Element; group: Element }[] = [];
  for (const child of table.children) {
    if (!isTag(child)) continue;
    if (child.name === 'tr') out.push({ tr: child, group: table });
    else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') for (const tr of cellsOf(child, ['tr'])) out.push({ tr, group: child });
  }
  return out;
}

/**
 * A table's rows as text cells, with rowspan and colspan laid out: a version label written once
 * beside its CPU and GPU rows is that label in each of them. A span ends with its row group
 * (<thead>, <tbody>); a short row still uses up a row of every span beside it.
 */
function grid(table: Element): GridRow[] {
  const out: GridRow[] = [];
  // Cells still spanning down: column → text and rows left.
  let pending = new Map<number, { text: string; left: number }>();
  let group: Element | null = null;
  for (const { tr, group: g } of rowsOf(table)) {
    if (g !== group) {
      pending = new Map();
      group = g;
    }
    const own = cellsOf(tr, ['th', 'td']);
    const header = own.length > 0 && (own.every((c) => c.name === 'th') || g.name === 'thead');
    const cells: string[] = [];
    const wide: boolean[] = [];
    let col = 0;
    const take = (at: number): void => {
      const p = pending.get(at);
      if (!p) return;
      cells.push(p.text);
      wide.push(false);
      if (--p.left === 0) pending.delete(at);
    };
    for (const cell of own) {
      while (pending.has(col)) take(col++);
      const value = text(cell);
      const span = (name: string): number => {
        const n = Number.parseInt(cell.attribs[name] ?? '1', 10);
        return Number.isNaN(n) || n < 0 ? 1 : n === 0 && name === 'rowspan' ? MAX_SPAN : Math.min(MAX_SPAN, Math.max(1, n));
      };
      const rows = span('rowspan');
      const columns = span('colspan');
      for (let k = 0; k < columns; k++) {
        cells.push(value);
        wide.push(columns > 1);
        if (rows > 1) pending.set(col, { text: value, left: rows - 1 });
        col++;
      }
    }
    // Spans beside a short row, and after its last cell.
    for (const at of [...pending.keys()].filter((k) => k >= col).sort((a, b) => a - b)) {
      while (cells.length < at) {
        cells.push('');
        wide.push(false);
      }
      take(at);
    }
    const only = own.length === 1 ? own[0] : undefined;
    const subHeading = only && !header && Number.parseInt(only.attribs.colspan ?? '1', 10) > 1 ? (cells[0] ?? null) : null;
    out.push({ cells, header, wide, subHeading });
  }
  return out;
}

export function parseVersionsTable(html: string): VersionsTable {
  const rows: VersionRow[] = [];
  const warnings: TableWarning[] = [];
  const tables = tablesWithSections(html);
  let matched = 0;
  for (const { table, section: heading } of tables) {
    const all = grid(table);
    // The header is the first row that names an end-date column (<th> cells, or <td><strong>…).
    const headerAt = all.slice(0, 3).findIndex((r) => r.cells.some((c) => {
      const column = columnOf(c);
      return column === 'eop' || column === 'eoa';
    }));
    // A supported-versions table is one with an end date column; other tables on the page (regions,
    // Python versions, container URIs without dates) are not ours to judge.
    if (headerAt < 0) continue;
    // A header over sub-headers ("End of support" over "Patch" and "Availability"): each column is named by both.
    const top = all[headerAt];
    const below = all[headerAt + 1];
    const stacked = top && below?.header && top.wide.some(Boolean);
    const headers = (top?.cells ?? []).map((h, i) => (stacked && top?.wide[i] ? `${h} ${below?.cells[i] ?? ''}`.trim() : h));
    const bodyFrom = headerAt + (stacked ? 2 : 1);
    // (Under a stacked header the sub-header decides: "End of support" over "Availability" is the end of availability.)
    const subColumn = (i: number): Column | null => {
      const sub = below?.cells[i] ?? '';
      return columnOf(sub) ?? (/\bavailab/i.test(sub) ? 'eoa' : /\b(?:patch|support)\b/i.test(sub) ? 'eop' : null);
    };
    const columns = headers.map((h, i) => (stacked && top?.wide[i] ? (subColumn(i) ?? columnOf(h)) : columnOf(h)));
    // "Python version | Operating system | End of support": the Python versions images run on, not
    // image lines (but a table with image names, or another naming column, is one of lines).
    const naming = headers.filter((_, i) => columns[i] === 'version' || columns[i] === 'framework');
    if (naming.length > 0 && naming.every((h) => /\bpython\b/i.test(h)) && !columns.includes('family')) continue;
    // The column that names the line, when several say "version".
    const bestVersion = columns.reduce<number>((best, c, i) => (c !== 'version' ? best : best < 0 || versionRank(headers[i] ?? '') < versionRank(headers[best] ?? '') ? i : best), -1);
    // (What the image runs on names no line where the image's name does.)
    const versionAt = bestVersion >= 0 && versionRank(headers[bestVersion] ?? '') === 3 && columns.includes('family') ? -1 : bestVersion;
    const section = heading || 'Versions';
    const missing = REQUIRED_DATES.filter((c) => !columns.includes(c));
    if (!NAMING.some((c) => columns.includes(c))) missing.unshift('version');
    if (missing.length > 0) {
      throw new TableShapeError(`table under "${section}" lacks column(s) ${missing.join(', ')} (headers: ${headers.join(' | ')})`);
    }
    matched++;
    // The framework the heading names, and the one a sub-heading row names for the rows under it.
    const headingFramework = frameworkNamedIn(section);
    let subSection: string | null = null;
    let sectionFramework = headingFramework;
    for (const { cells, header, subHeading } of all.slice(bodyFrom)) {
      if (header || cells.length === 0) continue;
      if (subHeading !== null) {
        subSection = subHeading;
        sectionFramework = frameworkNamedIn(subHeading) ?? headingFramework;
        continue;
      }
      // The header row written again further down the table.
      if (cells.length === headers.length && cells.every((c, i) => c === headers[i])) continue;
      const cell = (c: Column): string => {
        const i = c === 'version' ? versionAt : columns.indexOf(c);
        return i >= 0 ? (cells[i] ?? '') : '';
      };
      const pattern = cell('family') || null;
      const family = pattern ? familyName(pattern) : null;
      const image = family ? parseImageFamily(family) : null;
      const frameworkCell = cell('framework');
      const versionCell = cell('version');
      // The row's name: its version as written, with the framework cell when the table has one
      // ("PyTorch 2.4"), else its image name when that is all the row has.
      const label = [frameworkCell, versionCell].filter(Boolean).join(' ') || family || '';
      if (label === '') continue;
      // One table for every framework ("PyTorch 2.4", "TensorFlow 2.17" rows under a neutral
      // heading, or a Framework column): the row names its framework.
      // (An image name read by its grammar says its line better than a word inside it: "pytorch-vllm-serve-…" is vLLM.)
      const framework = (frameworkCell ? frameworkNamedIn(frameworkCell) : null) ?? sectionFramework ?? image?.framework ?? frameworkNamedIn(label) ?? 'other';
      const accelerator = columns.includes('accelerator') ? cell('accelerator') : acceleratorOf(label, image);
      const eopText = cell('eop');
      const eoaText = cell('eoa');
      const rowSection = subSection ?? section;
      const rowName = `${rowSection} / ${label} / ${accelerator}`;
      const read = (text: string, column: string): DateReading => {
        const r = readDate(text);
        if (r.status === 'unreadable') warnings.push({ row: rowName, column, message: `cannot read date "${r.raw}"` });
        if (r.status === 'date' && r.note) warnings.push({ row: rowName, column, message: r.note });
        return r;
      };
      const patch = cell('patch');
      rows.push({
        key: rowKey(rowSection, label, accelerator),
        section: rowSection,
        framework,
        label,
        version: versionOf(framework, label, image),
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
