import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDate } from '../../src/ingest/dates.js';
import { columnOf, diffTables, parseVersionsTable, TableShapeError } from '../../src/ingest/versions-table.js';

const fixture = (p: string): string => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');

describe('dates on supported-versions pages', () => {
  it.each([
    ['August 4, 2028', '2028-08-04'],
    ['Aug 4, 2028', '2028-08-04'],
    ['Jul 1, 2024', '2024-07-01'],
    ['Sept 1, 2023', '2023-09-01'],
    ['2026-01-29', '2026-01-29'],
  ])('%s → %s', (text, iso) => {
    expect(readDate(text)).toEqual({ status: 'date', iso });
  });

  it.each([
    ['4 August 2028', '2028-08-04'],
    ['August 4th, 2028', '2028-08-04'],
    ['2028/08/04', '2028-08-04'],
    ['Aug. 4, 2028', '2028-08-04'],
    ['August 4, 2028*', '2028-08-04'],
    ['August 4, 2028 [2]', '2028-08-04'],
    ['August 4, 2028 PT', '2028-08-04'],
  ])('%s → %s (other ways of writing a day, footnote marks and a time zone left out)', (text, iso) => {
    expect(readDate(text)).toEqual({ status: 'date', iso });
  });

  it('reads a date followed by words about it, and says what it left out', () => {
    expect(readDate('July 29, 2027 (extended from April 29, 2027)')).toEqual({ status: 'date', iso: '2027-07-29', note: 'read "July 29, 2027 (extended from April 29, 2027)" as 2027-07-29 (words after the date left out)' });
    expect(readDate('July 29, 2027 or later')).toEqual({ status: 'unreadable', raw: 'July 29, 2027 or later' });
  });

  it.each(['—', '-', 'None', 'N/A'])('"%s" says there is no such date', (text) => {
    expect(readDate(text)).toEqual({ status: 'not-applicable' });
  });

  it.each(['TBD', 'To be announced', 'Not yet announced', 'Unknown'])('"%s" says the date is not known yet', (text) => {
    expect(readDate(text)).toEqual({ status: 'to-be-determined' });
  });

  it('reads the real typo "Ju1 11, 2026" as July 11 and says so', () => {
    expect(readDate('Ju1 11, 2026')).toEqual({ status: 'date', iso: '2026-07-11', note: 'read "Ju1 11, 2026" as 2026-07-11 (typo in the month)' });
  });

  it('knows N/A and TBD, and refuses to guess the rest', () => {
    expect(readDate('Not applicable (N/A)')).toEqual({ status: 'not-applicable' });
    expect(readDate('To be determined')).toEqual({ status: 'to-be-determined' });
    expect(readDate('Febtember 31, 2026')).toEqual({ status: 'unreadable', raw: 'Febtember 31, 2026' });
    expect(readDate('February 30, 2026')).toEqual({ status: 'unreadable', raw: 'February 30, 2026' });
  });
});

describe('DLVM supported-versions table', () => {
  const table = parseVersionsTable(fixture('dlvm/versions-table.html'));

  it('reads every row of the three tables', () => {
    const count = (section: string) => table.rows.filter((r) => r.section === section).length;
    expect([count('Base versions'), count('PyTorch versions'), count('TensorFlow versions')]).toEqual([13, 11, 28]);
    expect(new Set(table.rows.map((r) => r.key)).size).toBe(52);
    // Every date on the page is read; the only remark is the typo.
    expect(table.rows.every((r) => r.endOfPatch !== null && r.endOfAvailability !== null)).toBe(true);
    expect(table.warnings).toEqual([{ row: 'TensorFlow versions / 2.17 (Python 3.10) / GPU (CUDA 12.3)', column: 'end of availability date', message: 'read "Ju1 11, 2026" as 2026-07-11 (typo in the month)' }]);
  });

  it('reads versions, accelerators and families', () => {
    expect(table.rows[0]).toMatchObject({
      section: 'Base versions', framework: 'base', label: 'Base-cu129 (Python 3.12 / Ubuntu 24.04)', version: '12.9', accelerator: 'GPU (CUDA 12.9)',
      endOfPatch: '2028-08-04', endOfAvailability: '2028-08-04', imageFamily: 'common-cu129-ubuntu-2404-nvidia-580',
    });
    const cpu = table.rows.find((r) => r.label.startsWith('Base-CPU (Python 3.10 / Debian 11)'));
    expect(cpu).toMatchObject({ version: null, patchVersion: null, accelerator: 'CPU only', endOfPatch: '2024-07-01', endOfAvailability: '2025-07-01' });
    const pt24 = table.rows.find((r) => r.framework === 'pytorch' && r.label === '2.4 (Python 3.10)');
    expect(pt24).toMatchObject({ version: '2.4', endOfAvailability: '2026-07-24' });
  });

  it('diffs against the synthetic July 2026 snapshot: exactly the listed changes', () => {
    const later = parseVersionsTable(fixture('dlvm/versions-table.2026-07.html'));
    const changes = diffTables(table.rows, later.rows).map((c) => ({ kind: c.kind, section: c.row.section, label: c.row.label, accelerator: c.row.accelerator, from: c.from, to: c.to }));
    expect(changes).toEqual([
      { kind: 'end-of-availability-changed', section: 'Base versions', label: 'Base-cu128 (Python 3.10 / Ubuntu 22.04)', accelerator: 'GPU (CUDA 12.8)', from: '2027-04-13', to: '2027-10-13' },
      { kind: 'version-added', section: 'PyTorch versions', label: '2.10 (Python 3.12 / Ubuntu 24.04)', accelerator: 'CUDA 13.0', from: null, to: null },
      { kind: 'end-of-patch-changed', section: 'PyTorch versions', label: '2.7 (Python 3.10)', accelerator: expect.any(String), from: '2026-04-13', to: '2026-10-13' },
      { kind: 'end-of-availability-changed', section: 'PyTorch versions', label: '2.4 (Python 3.10)', accelerator: expect.any(String), from: '2026-07-24', to: '2027-01-24' },
      { kind: 'version-removed', section: 'PyTorch versions', label: '1.12', accelerator: expect.any(String), from: null, to: null },
    ]);
    const added = later.rows.find((r) => r.label.startsWith('2.10'));
    expect(added).toMatchObject({ version: '2.10', endOfPatch: '2028-07-01', endOfAvailability: '2028-12-31' });
  });

  it('reads one table for all frameworks, where each row names its framework', () => {
    const html =
      '<h2>Supported versions</h2><div class="devsite-table-wrapper"><table><thead><tr><th>ML framework version</th><th>Supported accelerators</th><th>End of patch and support date</th><th>End of availability date</th><th>Container path</th></tr></thead>' +
      '<tbody><tr><td>PyTorch 2.4 (Python 3.10)</td><td>GPU</td><td>Jul 24, 2025</td><td>Jul 24, 2026</td><td>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310</td></tr>' +
      '<tr><td>TensorFlow 2.17</td><td>CPU</td><td>Jul 11, 2025</td><td>To be determined</td><td></td></tr></tbody></table></div>';
    expect(parseVersionsTable(html).rows.map((r) => [r.framework, r.version, r.endOfPatch, r.endOfAvailability, r.imageFamily])).toEqual([
      ['pytorch', '2.4', '2025-07-24', '2026-07-24', 'us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310'],
      ['tensorflow', '2.17', '2025-07-11', null, null],
    ]);
  });

  it('reads the header words a page may use for the same columns', () => {
    expect([
      'End of patch and support date', 'End of support date', 'Patch and support end', 'Supported until',
      'End of availability date', 'Availability end date', 'Available until',
      'Supported accelerators', 'Processor', 'Accelerator type',
      'Image family name', 'Container image', 'Image URI',
      'ML framework version', 'Version', 'Framework',
    ].map(columnOf)).toEqual(['eop', 'eop', 'eop', 'eop', 'eoa', 'eoa', 'eoa', 'accelerator', 'accelerator', 'accelerator', 'family', 'family', 'family', 'version', 'version', 'framework']);
    // Python's own end of life is not an image's end of patch.
    expect(columnOf('Upstream end of life')).toBeNull();
  });

  it('lays out rowspan: a label written once beside its CPU and GPU rows is in both', () => {
    const html = '<h3>JAX versions</h3><table><tr><th>Version</th><th>Accelerator</th><th>End of patch and support date</th><th>End of availability date</th></tr>' +
      '<tr><td rowspan="2">0.7</td><td>CPU</td><td rowspan="2">Jan 5, 2027</td><td>Jul 5, 2027</td></tr><tr><td>GPU</td><td>Aug 5, 2027</td></tr></table>';
    expect(parseVersionsTable(html).rows.map((r) => [r.framework, r.version, r.accelerator, r.endOfPatch, r.endOfAvailability])).toEqual([
      ['jax', '0.7', 'CPU', '2027-01-05', '2027-07-05'],
      ['jax', '0.7', 'GPU', '2027-01-05', '2027-08-05'],
    ]);
  });

  it('reads a container page: the line and its accelerator from the image name, frameworks by their names', () => {
    const html = '<h2>Hugging Face TGI</h2><table><tr><th>Container image</th><th>End of patch and support date</th><th>End of availability date</th></tr>' +
      '<tr><td><code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/huggingface-text-generation-inference-cu124.3-2.ubuntu2204.py311</code></td><td>Apr 2, 2027</td><td>Oct 2, 2027</td></tr></table>' +
      '<h2>vLLM</h2><table><tr><th>Framework version</th><th>Container image</th><th>End of patch and support date</th><th>End of availability date</th></tr>' +
      '<tr><td>0.11.0</td><td><code>vllm-cu128.0-11.py312</code></td><td>Oct 20, 2027</td><td>Apr 20, 2028</td></tr></table>';
    expect(parseVersionsTable(html).rows.map((r) => [r.framework, r.version, r.accelerator])).toEqual([['huggingface', '3.2', 'GPU'], ['vllm', '0.11', 'GPU']]);
  });

  it('what a review of the generalised reader found: each case reads as the page means it', () => {
    const table = (head: string[], ...rows: string[][]): string => `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</table>`;
    const td = (t: string, attrs = ''): string => `<td${attrs}>${t}</td>`;
    const dates = [td('Jan 1, 2027'), td('Jul 1, 2027')];
    const read = (html: string) => parseVersionsTable(html).rows.map((r) => [r.framework, r.version, r.label, r.endOfPatch, r.endOfAvailability]);
    // A "Python version" column beside image names, or beside a framework version, does not make it a table of Python versions.
    expect(read(`<h3>PyTorch</h3>${table(['Container image', 'Python version', 'End of patch date', 'End of availability date'], [td('pytorch-cu124.2-4.py310'), td('3.10'), ...dates])}`)).toEqual([['pytorch', '2.4', 'pytorch-cu124.2-4.py310', '2027-01-01', '2027-07-01']]);
    // Of several "version" columns, the framework's names the line (not the OS's or CUDA's).
    expect(read(`<h3>PyTorch</h3>${table(['CUDA version', 'PyTorch version', 'End of patch date', 'End of availability date'], [td('12.4'), td('2.4'), ...dates])}`)).toEqual([['pytorch', '2.4', '2.4', '2027-01-01', '2027-07-01']]);
    // A short row still uses up the spans beside it: the next row keeps its own dates.
    const ragged = `<h3>PyTorch</h3><table><tr><th>Version</th><th>Accelerator</th><th>End of patch date</th><th>End of availability date</th></tr>` +
      `<tr>${td('2.4', ' rowspan="2"')}${td('GPU')}${td('Jan 1, 2027')}${td('Feb 1, 2027', ' rowspan="2"')}</tr><tr>${td('CPU')}</tr><tr>${td('2.3')}${td('GPU')}${td('Mar 1, 2026')}${td('Apr 1, 2026')}</tr></table>`;
    expect(read(ragged).at(-1)).toEqual(['pytorch', '2.3', '2.3', '2026-03-01', '2026-04-01']);
    // A header over sub-headers names each column by both.
    const stacked = '<h3>JAX</h3><table><thead><tr><th rowspan="2">Version</th><th colspan="2">End of support</th></tr><tr><th>Patch</th><th>Availability</th></tr></thead>' +
      `<tbody><tr>${td('0.7')}${dates.join('')}</tr></tbody></table>`;
    expect(read(stacked)).toEqual([['jax', '0.7', '0.7', '2027-01-01', '2027-07-01']]);
    // An image name read by its grammar says its line better than a word inside it; a tag does not hide it.
    expect(read(`<h3>Serving containers</h3>${table(['Container image', 'End of patch date', 'End of availability date'], [td('us-docker.pkg.dev/x/pytorch-vllm-cu124.0-6.py310:latest'), ...dates], [td('tf2-cpu.2-17:latest'), ...dates])}`).map((r) => [r[0], r[1]])).toEqual([['vllm', '0.6'], ['tensorflow', '2.17']]);
    // A row of one cell across the table is a sub-heading; the header written again is not a row.
    const sub = `<h2>Supported versions</h2>${table(['Version', 'End of patch date', 'End of availability date'], [td('PyTorch', ' colspan="3"')], [td('2.9'), ...dates], ['<td>Version</td>', '<td>End of patch date</td>', '<td>End of availability date</td>'], [td('TensorFlow', ' colspan="3"')], [td('2.20'), ...dates])}`;
    expect(parseVersionsTable(sub).rows.map((r) => [r.section, r.framework, r.version])).toEqual([['PyTorch', 'pytorch', '2.9'], ['TensorFlow', 'tensorflow', '2.20']]);
    expect(parseVersionsTable(sub).warnings).toEqual([]);
    // A Compute Engine image family column is a column of families, and "End of standard support" an end of patch.
    expect(columnOf('Compute Engine image family')).toBe('family');
    expect(columnOf('End of standard support')).toBe('eop');
  });

  it('reads hostile cells in time: footnote marks and parentheses repeated thousands of times', () => {
    const started = Date.now();
    expect(readDate(`Jan 1, 2026 ${'*'.repeat(40)}x`).status).toBe('unreadable');
    expect(readDate(`Jan 1, 2026${' (1)'.repeat(20_000)}`)).toEqual({ status: 'date', iso: '2026-01-01' });
    parseVersionsTable(`<h3>${'('.repeat(20_000)}</h3><table><tr><th>Version</th><th>End of patch date</th><th>End of availability date</th></tr><tr><td>2.4</td><td>N/A</td><td>N/A</td></tr></table>`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a cell that starts like "pending" but has a date is a date', () => {
    expect(readDate('Pending removal on Aug 1, 2027')).toEqual({ status: 'unreadable', raw: 'Pending removal on Aug 1, 2027' });
    expect(readDate('Pending')).toEqual({ status: 'to-be-determined' });
    expect(readDate('0ct 1, 2026')).toMatchObject({ status: 'date', iso: '2026-10-01' });
  });

  it('marks a page whose table lost a column as broken, with the reason', () => {
    const broken = fixture('dlvm/versions-table.html').replace(/<th>End of availability date<\/th>/g, '<th>Notes</th>');
    expect(() => parseVersionsTable(broken)).toThrow(TableShapeError);
    expect(() => parseVersionsTable(broken)).toThrow(/table under "Base versions" lacks column\(s\) eoa/);
    expect(() => parseVersionsTable('<html><body><p>Moved.</p></body></html>')).toThrow(/no table found/);
    // Other tables on the page are left alone; a page whose tables all lost their dates is broken.
    const withOtherTable = fixture('dlvm/versions-table.html').replace('</h1>', '</h1><table><tr><th>Framework version</th><th>Python</th></tr><tr><td>2.4</td><td>3.10</td></tr></table>');
    expect(parseVersionsTable(withOtherTable).rows).toHaveLength(52);
    const noDates = fixture('dlvm/versions-table.html').replace(/<th>End of (availability|patch and support) date<\/th>/g, '<th>Notes</th>');
    expect(() => parseVersionsTable(noDates)).toThrow(/no supported-versions table found/);
  });
});
