import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStatement } from '../../src/ingest/reading/read-note.js';
import { extractEntry } from '../../src/ingest/extract.js';
import { parseFeed, FeedParseError } from '../../src/ingest/feed.js';
import { parseImageFamily } from '../../src/ingest/image-family.js';
import { MAX_STATEMENT_CHARS, productKey, productTitles, splitNotes } from '../../src/ingest/notes.js';

const fixture = (p: string): string => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const entry = (html: string) => ({ id: 'tag:x#Day', title: 'Day', publishedAt: '2025-01-01T08:00:00.000Z', url: 'https://example.test/notes#Day', html });
const events = (html: string) => extractEntry(entry(html), { source: 'dlvm' }).flatMap((n) => n.events);
const brief = (html: string) => events(html).map((e) => [e.kind, e.framework, e.version, e.scope]);

describe('entry → notes', () => {
  it('splits on attribute-less <h3>, keeps labels, <h3 id> and <h4> inside their note', () => {
    const notes = splitNotes(
      '<h3>Feature</h3><p><strong>M126 release</strong></p><p>CUDA 12.4 VM images are now available.</p>' +
        '<h3>Security</h3><h3 id="v1">Version 1.2</h3><p>Fixes CVE-2024-0001.</p><h4>Details</h4><p>More.</p>' +
        '<h3>Feature</h3><p>Second feature note.</p>',
    );
    expect(notes.map((n) => [n.type, n.release, n.label])).toEqual([
      ['feature', 'M126', 'M126 release'],
      ['security', null, null],
      ['feature', null, null],
    ]);
    expect(notes[1]?.statements.map((s) => [s.text, s.context])).toEqual([
      ['Version 1.2', null],
      ['Fixes CVE-2024-0001.', 'Version 1.2'],
      ['Details', null],
      ['More.', 'Details'],
    ]);
  });

  it('a paragraph longer than any real one is read in pieces cut at sentence ends, none lost', () => {
    const sentence = 'PyTorch 2.4 images with CUDA 12.4 and TensorFlow 2.16 images with CUDA 12.3 are now available. ';
    const paragraph = sentence.repeat(Math.ceil((2.5 * MAX_STATEMENT_CHARS) / sentence.length)).trim();
    const [note] = splitNotes(`<h3>Feature</h3><p>${paragraph}</p>`);
    const pieces = note?.statements ?? [];
    expect(pieces.length).toBe(3);
    for (const p of pieces) {
      expect(p.text.length).toBeLessThanOrEqual(MAX_STATEMENT_CHARS);
      expect(p.text.endsWith('available.')).toBe(true);
    }
    expect(pieces.map((p) => p.text).join(' ')).toBe(paragraph);
    // Without a sentence end, at a comma; without any break, at the limit.
    const list = `The following images are deprecated: ${'PyTorch 2.4, '.repeat(4000).trim()}`;
    const [commas] = splitNotes(`<h3>Feature</h3><p>${list}</p>`);
    expect(commas?.statements.length).toBe(4);
    expect(commas?.statements.slice(0, -1).every((p) => p.text.endsWith('PyTorch 2.4,'))).toBe(true);
    expect(commas?.statements.map((p) => p.text).join(' ')).toBe(list);
    // Later pieces are read with the statement's opening as their lead-in.
    expect(commas?.statements.map((p) => p.context)).toEqual([null, 'The following images are deprecated:', 'The following images are deprecated:', 'The following images are deprecated:']);
    const [solid] = splitNotes(`<h3>Feature</h3><p>${'x'.repeat(3 * MAX_STATEMENT_CHARS)}</p>`);
    expect(solid?.statements.map((p) => p.text.length)).toEqual([MAX_STATEMENT_CHARS, MAX_STATEMENT_CHARS, MAX_STATEMENT_CHARS]);
  });

  it('maps "Change" and unknown headings, and decodes entities', () => {
    const notes = splitNotes('<h3>Change</h3><p>A &amp; B &lt;tag&gt;</p><h3>Whatever</h3><p>x</p>');
    expect(notes.map((n) => n.type)).toEqual(['changed', 'other']);
    expect(notes[0]?.statements[0]?.text).toBe('A & B <tag>');
  });

  it('a note that is only its label still becomes one event', () => {
    const out = events('<h3>Feature</h3><p><strong>M93 release</strong></p><h3>Fixed</h3><p>Fixed a bug that prevented kernels from shutting down.</p>');
    expect(out.map((e) => [e.kind, e.release, e.noteType])).toEqual([
      ['other', 'M93', 'feature'],
      ['fix', null, 'fixed'],
    ]);
  });

  it('in the all-products feed keeps only the configured products', async () => {
    const { entries } = await parseFeed(fixture('gcp/aggregate-feed-trimmed.xml'));
    expect(entries).toHaveLength(3);
    const oct9 = entries.find((e) => e.title === 'October 09, 2025')!;
    const all = splitNotes(oct9.html);
    const workbench = splitNotes(oct9.html, { products: ['Vertex AI Workbench'] });
    expect(new Set(all.map((n) => n.product)).size).toBe(16);
    expect(workbench.length).toBeGreaterThan(0);
    expect(workbench.every((n) => n.product === 'Vertex AI Workbench')).toBe(true);
    expect(workbench.some((n) => n.release === 'M134')).toBe(true);
  });
});

describe('the all-products feed (real, 30 days) filtered by product title', () => {
  it('matches titles whatever the case, spacing, punctuation or a plural', async () => {
    expect(productKey('Deep Learning VM Image')).toBe(productKey('Deep Learning VM Images'));
    expect(productKey('deep learning  vm images')).toBe(productKey('Deep Learning VM Image'));
    expect(productKey('Container-Optimized OS')).toBe(productKey('Container Optimized OS'));
    expect(productKey('Compute Engine')).not.toBe(productKey('Compute Engines Plus'));
    expect(productKey('Ünïcode Prodüct')).toBe(productKey('Unicode Product'));
    expect(productKey('日本語')).not.toBe(productKey('한국어'));
    expect(productKey('日本語')).not.toBe('');
    expect(new Set(['C', 'C++', 'C#'].map(productKey)).size).toBe(3);
    const { entries } = await parseFeed(fixture('gcp/aggregate-feed-full.xml'));
    expect(entries).toHaveLength(30);
    const titles = new Set(entries.flatMap((e) => productTitles(e.html)));
    expect(titles.size).toBe(88);
    expect(titles).toContain('Vertex AI Workbench');
    const notesOf = (products: string[]) => entries.flatMap((e) => splitNotes(e.html, { products }));
    const exact = notesOf(['Container Optimized OS', 'Vertex AI Workbench']);
    expect(new Set(exact.map((n) => n.product))).toEqual(new Set(['Container Optimized OS', 'Vertex AI Workbench']));
    expect(notesOf(['container-optimized os', 'VERTEX AI WORKBENCH']).map((n) => n.statements[0]?.text)).toEqual(exact.map((n) => n.statements[0]?.text));
    // Every note of the feed is under exactly one title: filtering by all of them loses nothing.
    expect(notesOf([...titles]).length).toBe(entries.flatMap((e) => splitNotes(e.html)).length);
    expect(notesOf(['Deep Learning VM Images'])).toEqual([]);
  });
});

describe('note → events: the hazards', () => {
  it('reads end-of-support lists with "and earlier", any casing of Tensorflow/Pytorch, and Base as CUDA', () => {
    expect(
      brief(
        '<h3>Breaking</h3><p>The following framework versions have reached their end of patch and support dates:</p>' +
          '<ul><li>Base versions with CUDA 12.4 and earlier</li><li>Tensorflow versions 2.17 and earlier</li><li>Pytorch versions 2.3 and earlier</li></ul>',
      ),
    ).toEqual([
      ['end-of-support-reached', 'base', '12.4', 'and-earlier'],
      ['end-of-support-reached', 'tensorflow', '2.17', 'and-earlier'],
      ['end-of-support-reached', 'pytorch', '2.3', 'and-earlier'],
    ]);
  });

  it('new images: framework, version as written, CUDA and Python, release label', () => {
    const [e] = events('<h3>Feature</h3><p><strong>M126 release</strong></p><p>PyTorch 2.4.0 with CUDA 12.4 and Python 3.10 VM images are now available.</p>');
    expect(e).toMatchObject({ kind: 'new-image', framework: 'pytorch', version: '2.4.0', cuda: '12.4', python: '3.10', release: 'M126' });
    expect(e?.title).toBe('PyTorch 2.4.0 images with CUDA 12.4 are now available (M126)');
  });

  it('one line naming three versions is three events', () => {
    expect(brief('<h3>Feature</h3><p>Tensorflow has been updated to 2.9.1, 2.8.1, and 2.6.5 to include upstream changes.</p>')).toEqual([
      ['patch-update', 'tensorflow', '2.9.1', 'exact'],
      ['patch-update', 'tensorflow', '2.8.1', 'exact'],
      ['patch-update', 'tensorflow', '2.6.5', 'exact'],
    ]);
  });

  it('GPU and CPU images of one version are one event', () => {
    const out = events(
      '<h3>Feature</h3><p>The following Deep Learning VM images are now available:</p><ul>' +
        '<li>Tensorflow 2.12 CPU with CUDA 11.8 and Python 3.10 ( <code>tf-2-12-cpu-debian-11-py310</code> )</li>' +
        '<li>Tensorflow 2.12 GPU with CUDA 11.8 and Python 3.10 ( <code>tf-2-12-gpu-debian-11-py310</code> )</li></ul>',
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'new-image', framework: 'tensorflow', version: '2.12', imageFamilies: ['tf-2-12-cpu-debian-11-py310', 'tf-2-12-gpu-debian-11-py310'] });
  });

  it('security fixes are security updates wherever they sit, with CVE lists wrapped across lines', () => {
    const [e] = events(
      '<h3>Fixed</h3><p><strong>M88 release</strong></p><p>To help address the Apache Log4j 2 vulnerability, H2O has been updated in the R and Theia images. This addresses CVE-2021-44228,\n CVE-2021-45046\n and CVE-2021-4104.</p>',
    );
    expect(e).toMatchObject({ kind: 'security-update', framework: 'r', cves: ['CVE-2021-44228', 'CVE-2021-45046', 'CVE-2021-4104'] });
    expect(brief('<h3>Feature</h3><p>Updated Nvidia drivers to version 550.90.07 to fix vulnerabilities.</p>')).toEqual([['security-update', null, null, null]]);
  });

  it('deprecations inside Feature notes, renames, patch and dependency updates', () => {
    expect(brief('<h3>Feature</h3><p>TensorFlow 2.6 CPU and GPU images are deprecated. There will be no further updates to these images in future releases.</p>')).toEqual([
      ['deprecation', 'tensorflow', '2.6', 'exact'],
    ]);
    // Python itself is the subject when its version stops being offered.
    expect(brief('<h3>Feature</h3><p>Starting with this release, Debian 10 Python 3.7 images are no longer available.</p>')).toEqual([['deprecation', 'python', '3.7', 'exact']]);
    expect(brief('<h3>Feature</h3><p>Added the CUDA version to the TensorFlow 2.15 image family name. For example, <code>tf-2-15-gpu</code> is renamed to <code>tf-2-15-cu121</code>.</p>')).toEqual([
      ['rename', 'tensorflow', '2.15', 'exact'],
    ]);
    expect(brief('<h3>Feature</h3><p>Upgraded TensorFlow 2.15 images to TensorFlow 2.15.1.</p>')).toEqual([['patch-update', 'tensorflow', '2.15.1', 'exact']]);
    expect(brief('<h3>Feature</h3><p>Updated TensorFlow 2.15 images from CUDA 12.1 to CUDA 12.2.</p>')).toEqual([['dependency-update', 'tensorflow', '2.15', 'exact']]);
    expect(brief('<h3>Feature</h3><p>What-If Tool ( witwidget ) upgraded to 1.4.2 for TensorFlow 1.x images.</p>')).toEqual([['dependency-update', 'tensorflow', '1.x', 'exact']]);
    expect(brief('<h3>Feature</h3><p>Upgraded R from 4.4.1 to 4.4.2 for R VM images.</p>')).toEqual([['patch-update', 'r', '4.4.2', 'exact']]);
  });

  it('does not read package names as frameworks', () => {
    expect(readStatement({ text: 'tensorflow_enterprise_addon package is renamed to tensorflow-cloud', context: null, codes: [] }, 'changed', null, false).findings.map((f) => [f.kind, f.framework])).toEqual([
      ['rename', null],
    ]);
    // PyTorch/XLA images are a PyTorch image line; tensorflow-* names without a version or accelerator are packages.
    expect(readStatement({ text: 'Released PyTorch/XLA 1.10.', context: null, codes: [] }, 'feature', null, false).findings.map((f) => [f.kind, f.framework, f.version])).toEqual([['new-image', 'pytorch', '1.10']]);
    expect(brief('<h3>Feature</h3><p>Upgraded tensorflow-cloud to 0.1.13.</p>')).toEqual([['dependency-update', null, null, null]]);
    expect(brief('<h3>Feature</h3><p>Jupyter libraries were moved to a Conda environment separate from the frameworks and base software libraries.</p>')).toEqual([['dependency-update', null, null, null]]);
  });

  it('reads what a statement is about, not its examples, asides or pointers', () => {
    // Examples do not name the subject; a past state ("previously only in …") neither.
    expect(brief('<h3>Issue</h3><p>Images from the M88 release mistakenly have M87 metadata. For example, the base CPU image shows "common-cpu.m87".</p>')).toEqual([['known-issue', null, null, null]]);
    expect(brief('<h3>Feature</h3><p>The Vertex SDK for Python is available across all products; it was previously available only in TensorFlow images.</p>')).toEqual([['dependency-update', null, null, null]]);
    // The images a change lands in are its subject.
    expect(brief('<h3>Changed</h3><p>PyTorch has been removed from Theia IDE images.</p>')).toEqual([['dependency-update', 'other', null, null]]);
    // A paragraph of pointers after an end-of-support list adds nothing.
    expect(brief('<h3>Breaking</h3><p>TensorFlow 2.1 has reached the end of its support period.</p><p>To view the dates, see Supported versions. If you must use an image after deprecation, see After deprecation.</p>')).toEqual([
      ['end-of-support-reached', 'tensorflow', '2.1', 'exact'],
    ]);
    // Routine compound statements carry both kinds.
    expect(brief('<h3>Feature</h3><p>Regular package refreshment and bug fixes.</p>').map((x) => x[0])).toEqual(['dependency-update', 'fix']);
    expect(brief('<h3>Feature</h3><p>Regular security patches and package upgrades.</p>').map((x) => x[0])).toEqual(['security-update', 'dependency-update']);
    // Behaviour changes and purpose clauses.
    expect(brief('<h3>Feature</h3><p>Disabled automatic updates for Ubuntu.</p>')).toEqual([['other', null, null, null]]);
    expect(brief('<h3>Fixed</h3><p>Re-released all CUDA 11 images to fix an issue in which GPUs are not detected after a reboot.</p>')).toEqual([['fix', 'base', '11', 'exact']]);
    expect(brief('<h3>Feature</h3><p>The latest NVIDIA driver does not support K80 GPUs.</p>')).toEqual([['deprecation', null, null, null]]);
    // A pre-release step of one version is a patch update of that version.
    expect(brief('<h3>Feature</h3><p>TensorFlow 2.0 upgraded to: Beta 1.</p>')).toEqual([['patch-update', 'tensorflow', '2.0', 'exact']]);
  });

  it('reads Deep Learning Containers notes: container paths name framework, version and CUDA', () => {
    const out = events(
      '<h3>Feature</h3><p>M125 release</p><p>The following container images are now available:</p><ul>' +
        '<li><code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310</code></li>' +
        '<li><code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/tf-cpu.2-17.py310</code></li></ul>',
    );
    expect(out.map((e) => [e.kind, e.framework, e.version, e.cuda, e.python])).toEqual([
      ['new-image', 'pytorch', '2.4', '12.4', '3.10'],
      ['new-image', 'tensorflow', '2.17', null, '3.10'],
    ]);
    expect(parseImageFamily('base-cu124.py310')).toMatchObject({ framework: 'base', version: '12.4' });
  });

  it('parses image family names by their grammar', () => {
    expect(parseImageFamily('pytorch-2-4-cu124-debian-11-py310')).toMatchObject({ framework: 'pytorch', version: '2.4', cuda: '12.4', os: 'Debian 11', python: '3.10' });
    expect(parseImageFamily('common-cu129-ubuntu-2404-nvidia-580')).toMatchObject({ framework: 'base', version: '12.9', cuda: '12.9', os: 'Ubuntu 24.04' });
    expect(parseImageFamily('tf-2-6-cu110-<var>VERSION_DATE</var>-py39')).toMatchObject({ framework: 'tensorflow', version: '2.6', cuda: '11.0', python: '3.9' });
    expect(parseImageFamily('common-cu92')).toMatchObject({ cuda: '9.2' });
    // Containers of other lines, by the same grammar: <name>-<accelerator>.<version>[.<package>.<version>][.<os>][.py<XY>].
    expect(parseImageFamily('huggingface-text-generation-inference-cu124.3-3.ubuntu2204.py311')).toMatchObject({ framework: 'huggingface', version: '3.3', cuda: '12.4', os: 'Ubuntu 22.04', python: '3.11' });
    expect(parseImageFamily('huggingface-pytorch-training-cu121.2-3.transformers.4-42.ubuntu2204.py310')).toMatchObject({ framework: 'huggingface', version: '4.42' });
    expect(parseImageFamily('vllm-cu128.0-11.py312')).toMatchObject({ framework: 'vllm', version: '0.11', accelerator: 'gpu' });
    expect(parseImageFamily('my-app-gpu.1-2')).toBeNull();
  });
});

describe('amendments and ids', () => {
  it('ids are deterministic; an amended entry only adds ids for its new notes', () => {
    const original = '<h3>Feature</h3><p>TensorFlow 2.17 VM images are now available.</p>';
    const amended = `${original}<h3>Fixed</h3><p>Fixed a bug in the JupyterLab proxy.</p>`;
    const a = events(original).map((e) => e.id);
    const b = events(amended).map((e) => e.id);
    expect(events(original).map((e) => e.id)).toEqual(a);
    expect(b.filter((id) => !a.includes(id))).toHaveLength(1);
    expect(b).toEqual(expect.arrayContaining(a));
  });
});

describe('feed documents', () => {
  it('reads all 114 entries of the DLVM feed with ids, dates and links', async () => {
    const { entries } = await parseFeed(fixture('dlvm/release-notes.atom.xml'));
    expect(entries).toHaveLength(114);
    expect(entries[0]).toMatchObject({ id: 'tag:google.com,2016:deeplearningvm-release-notes#July_14_2025', publishedAt: '2025-07-14T07:00:00.000Z', url: 'https://docs.cloud.google.com/deep-learning-vm/docs/release-notes#July_14_2025' });
    const notes = entries.flatMap((e) => extractEntry(e, { source: 'dlvm' }));
    expect(notes).toHaveLength(169);
  });

  it.each([
    ['empty', '', /empty document/],
    ['html', '<!doctype html><html><body>Sign in</body></html>', /an HTML page, not a feed/],
    ['malformed', '<feed><entry><title>x</title></feed', /not a readable Atom\/RSS feed/],
  ])('refuses a %s document with a clear reason', async (_name, body, reason) => {
    const err = await parseFeed(body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).message).toMatch(reason);
  });
});

describe('note ids', () => {
  it('never change: the fast fingerprint equals the normalized text ids were always made of, on every real note', async () => {
    const { noteFingerprint } = await import('../../src/ingest/extract.js');
    const { normalizeText } = await import('../../src/domain/ids.js');
    let notes = 0;
    for (const file of ['dlvm/release-notes.atom.xml', 'gcp/aggregate-feed-full.xml', 'gcp/aggregate-feed-trimmed.xml']) {
      for (const e of (await parseFeed(fixture(file))).entries) {
        for (const n of splitNotes(e.html)) {
          notes++;
          expect(noteFingerprint(n)).toBe(normalizeText(`${n.product ?? ''} ${n.heading} ${n.text}`));
        }
      }
    }
    expect(notes).toBeGreaterThan(1000);
  });
});
