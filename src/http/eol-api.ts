// Publish what we know, in endoflife.date's API v1 shape (https://endoflife.date/docs/api/v1/), so
// clients and dashboards built for endoflife.date read Google's ML images too (it has no PyTorch or
// TensorFlow image product of its own):
//   GET /api/v1/products                             the products (one per framework)
//   GET /api/v1/products/<product>                   its releases (one per version line)
//   GET /api/v1/products/<product>/releases/<name>   one release ("latest": the newest line)
// Mapping: end of patch and support → eol (no more fixes); end of availability → discontinued (the
// images can no longer be used); there is no "end of active support" (eoas) for images. A line the
// supported-versions pages list more than once (accelerators, DLVM and containers) shows its
// earliest dates, and every row under custom.lines.
import { FRAMEWORKS, frameworkLabel, type Framework } from '../domain/events.js';
import { compareVersions } from '../domain/versions.js';
import { daysBetween, type LifecycleLine } from '../domain/lifecycle.js';
import { lineLabel } from '../domain/exposure.js';
import { upgradeCommand } from '../render/present.js';

export const EOL_SCHEMA_VERSION = '1.2.0';
export const productName = (framework: Framework): string => `google-dl-${framework}`;
const PRODUCT_PATH = /^\/api\/v1\/products(?:\/([a-z0-9-]+)(?:\/releases\/([A-Za-z0-9.-]+))?)?\/?$/;

export const isEolPath = (path: string): boolean => PRODUCT_PATH.test(path);

interface EolRelease {
  name: string;
  codename: null;
  label: string;
  releaseDate: null;
  isLts: false;
  ltsFrom: null;
  isEol: boolean;
  eolFrom: string | null;
  isDiscontinued: boolean;
  discontinuedFrom: string | null;
  isMaintained: boolean;
  latest: { name: string; date: null; link: string | null } | null;
  custom: Record<string, unknown>;
}

const earliest = (dates: (string | null)[]): string | null => dates.filter((d): d is string => d !== null).sort()[0] ?? null;

function releasesOf(framework: Framework, lines: LifecycleLine[], today: string): EolRelease[] {
  const byVersion = new Map<string, LifecycleLine[]>();
  for (const l of lines) if (l.framework === framework && l.version !== null) byVersion.set(l.version, [...(byVersion.get(l.version) ?? []), l]);
  return [...byVersion]
    .sort(([a], [b]) => compareVersions(b, a))
    .map(([version, rows]) => {
      const eol = earliest(rows.map((r) => r.endOfPatch));
      const discontinued = earliest(rows.map((r) => r.endOfAvailability));
      const family = rows.map((r) => r.imageFamily).find((f): f is string => f !== null) ?? null;
      return {
        name: version,
        codename: null,
        label: lineLabel(framework, version),
        releaseDate: null,
        isLts: false,
        ltsFrom: null,
        isEol: eol !== null && eol < today,
        eolFrom: eol,
        isDiscontinued: discontinued !== null && discontinued < today,
        discontinuedFrom: discontinued,
        isMaintained: eol === null || eol >= today,
        latest: family ? { name: family, date: null, link: null } : null,
        custom: {
          daysToEndOfPatch: eol ? daysBetween(today, eol) : null,
          command: family ? upgradeCommand(family) : null,
          // How often each date moved since release-radar first saw the line.
          changes: { endOfPatch: Math.max(...rows.map((r) => r.revisions['end-of-patch'])), endOfAvailability: Math.max(...rows.map((r) => r.revisions['end-of-availability'])) },
          lines: rows.map((r) => ({ source: r.sourceId, section: r.section, label: r.label, accelerators: r.accelerators, imageFamily: r.imageFamily, endOfPatch: r.endOfPatch, endOfAvailability: r.endOfAvailability })),
        },
      };
    });
}

export interface EolAnswer {
  status: number;
  body: unknown;
}

/** The answer to an endoflife.date v1 request, from the lifecycle lines we know. */
export function eolAnswer(path: string, lines: LifecycleLine[], now: Date, links: { base: string | null; versionsPage: string | null }): EolAnswer {
  const m = PRODUCT_PATH.exec(path);
  const today = now.toISOString().slice(0, 10);
  const frameworks = FRAMEWORKS.filter((f) => lines.some((l) => l.framework === f && l.version !== null));
  const summary = (f: Framework): Record<string, unknown> => ({ name: productName(f), aliases: [f], label: `Google Cloud Deep Learning images: ${frameworkLabel(f)}`, category: 'framework', tags: ['google', 'machine-images', f], uri: `${links.base ?? ''}/api/v1/products/${productName(f)}` });
  const lastModified = lines.map((l) => l.firstSeenAt).sort().at(-1) ?? now.toISOString();
  if (!m?.[1]) return { status: 200, body: { schema_version: EOL_SCHEMA_VERSION, total: frameworks.length, result: frameworks.map(summary) } };
  const framework = frameworks.find((f) => productName(f) === m[1] || f === m[1]);
  if (!framework) return { status: 404, body: { message: `Product not found: ${m[1]} (known: ${frameworks.map(productName).join(', ') || 'none yet: no supported-versions page read'})` } };
  const releases = releasesOf(framework, lines, today);
  if (m[2]) {
    const release = m[2] === 'latest' ? releases[0] : releases.find((r) => r.name === m[2]);
    if (!release) return { status: 404, body: { message: `Release not found: ${m[2]}` } };
    return { status: 200, body: { schema_version: EOL_SCHEMA_VERSION, result: release } };
  }
  return {
    status: 200,
    body: {
      schema_version: EOL_SCHEMA_VERSION,
      last_modified: lastModified,
      result: {
        ...summary(framework),
        versionCommand: null,
        identifiers: [],
        labels: { eoas: null, eol: 'End of patch and support', eoes: null, discontinued: 'End of availability' },
        links: { icon: null, html: links.versionsPage, releasePolicy: links.versionsPage },
        releases,
      },
    },
  };
}
