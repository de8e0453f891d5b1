// Container-image changelogs in Markdown (the AWS Deep Learning Containers layout: one
// "## PyTorch 2.13 — 2026-07-20" section per image release, "###" headings inside) read as feed
// entries, so the same reader that reads Google's notes reads them. The demo publishes them as a
// "DLC-style" feed; the parser's development set scores the reader on them.
import MarkdownIt from 'markdown-it';
import type { FeedEntry } from '../ingest/feed.js';

// Raw HTML in the Markdown is shown as text, never passed through.
const markdown = new MarkdownIt({ html: false, linkify: false });

/** The provenance comment our data files start with is not part of the document. */
export const withoutProvenance = (text: string): string => text.replace(/^<!--[^\n]*-->\n/, '');

export interface ChangelogSection {
  /** The section heading, e.g. "PyTorch 2.13 — 2026-07-20". */
  heading: string;
  entry: FeedEntry;
}

/**
 * One entry per dated section. The file says which image line it is about ("Changelog for the …
 * PyTorch images"), as a per-product feed does by being that product's: the entry title carries it.
 */
export function changelogSections(text: string, options: { idPrefix: string; url?: (heading: string) => string | null }): ChangelogSection[] {
  const body = withoutProvenance(text);
  const about = /^Changelog for the ([^\n]+?)\.?$/m.exec(body)?.[1]?.replace(/\s*\([^)]*\)/g, '') ?? '';
  return body
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const [first = '', ...rest] = section.split('\n');
      const heading = first.trim();
      const title = about ? `${heading} (${about})` : heading;
      const date = /(\d{4}-\d{2}-\d{2})\s*$/.exec(heading)?.[1] ?? null;
      const id = `${options.idPrefix}#${heading}`;
      const html = markdown.render(rest.join('\n').replace(/^\* \* \*$/gm, ''));
      return { heading, entry: { id, title, publishedAt: date ? `${date}T00:00:00.000Z` : null, url: options.url?.(heading) ?? null, html } };
    });
}

/** A per-image-line release-notes file: its "## Release Notes", "## Security Advisory"… sections become notes. */
export function releaseNotesEntry(text: string, id: string): FeedEntry {
  const body = withoutProvenance(text);
  const title = /^# (.+)$/m.exec(body)?.[1]?.trim() ?? id;
  return { id, title, publishedAt: null, url: null, html: markdown.render(body.replace(/^# .+$/m, '').replace(/^## /gm, '### ')) };
}
