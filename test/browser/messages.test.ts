// Issue #14: what people read, looked at in a real browser (Debian's chromium through
// playwright-core), not only asserted in strings. The emails are built from real data: the DLVM
// release notes and the two snapshots of the supported-versions page, read by the real parser and
// rendered by the real renderers; the status page is the running service's, with a failing source.
// At desktop and phone widths each check layout facts (no horizontal overflow, every card there,
// the headline in view) and leaves a screenshot in test-results/screens/.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamSchema, type TeamConfig } from '../../src/config/schema.js';
import type { ReleaseEvent } from '../../src/domain/events.js';
import { mergeLines } from '../../src/domain/lifecycle.js';
import { alertExtras, planReminders, upcomingEndDates, type AlertExtras } from '../../src/domain/reminders.js';
import { extractEntries } from '../../src/ingest/extract.js';
import { parseFeed } from '../../src/ingest/feed.js';
import { tableChangeToEvent } from '../../src/ingest/table-events.js';
import { diffTables, linesOfTable, parseVersionsTable } from '../../src/ingest/versions-table.js';
import { alertEmail, compile, digestEmail, reminderEmail, type EmailSource } from '../../src/render/email.js';
import type { RenderContext } from '../../src/render/present.js';
import type { Service } from '../../workers/service.js';
import { readFixture } from '../helpers/mirror.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, type DocumentServer } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WIDTHS = { desktop: { width: 1024, height: 800 }, phone: { width: 375, height: 740 } } as const;
const TODAY = '2026-07-15';

/** The little of the DOM the page scripts use (the project compiles without lib "dom"). */
interface Doc {
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelectorAll(selector: string): ArrayLike<unknown>;
}
declare const document: Doc;

interface Layout {
  overflow: number;
  cards: number;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => ({ overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, cards: document.querySelectorAll('.rr-card').length }));
}

describe('messages and the status page in headless Chromium', () => {
  let browser: Browser;
  const emails: Record<'alert' | 'digest' | 'reminder', { source: EmailSource; cards: number; headline: string }> = {} as never;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync('test-results/screens', { recursive: true });
    const team: TeamConfig = TeamSchema.parse({ id: 'ml', name: 'ML Platform', timezone: 'Europe/Berlin', slack: { channels: ['#ml'] }, subscriptions: [{ frameworks: ['pytorch', 'base'], versions: '>=2.3' }] });
    const april = parseVersionsTable(readFixture('dlvm/versions-table.html')).rows;
    const july = parseVersionsTable(readFixture('dlvm/versions-table.2026-07.html')).rows;
    const lines = mergeLines(linesOfTable(april, 'dlvm-images', new Date('2026-04-10T00:00:00Z')), linesOfTable(july, 'dlvm-images', new Date(`${TODAY}T00:00:00Z`)));
    const ctx: RenderContext = { today: TODAY, now: new Date(`${TODAY}T09:00:00Z`), calendarUrl: 'https://radar.example.com/teams/ml/calendar.ics', versionsPageUrl: () => 'https://docs.cloud.google.com/deep-learning-vm/docs/images' };
    const extrasOf = (events: ReleaseEvent[]): Record<string, AlertExtras> => Object.fromEntries(events.flatMap((e) => { const x = alertExtras(team, e, lines, [], TODAY); return x ? [[e.id, x]] : []; }));

    // An alert: the end-of-support note of July 14, 2025, as one email for the team.
    const { entries } = await parseFeed(readFixture('dlvm/release-notes.atom.xml'));
    const notes = await extractEntries(entries.slice(0, 4), { source: 'dlvm-release-notes' });
    const eos = notes.flatMap((n) => n.events).filter((e) => e.kind === 'end-of-support-reached' && (e.framework === 'pytorch' || e.framework === 'base'));
    const alert = alertEmail(team.name, eos, extrasOf(eos), ctx);
    // A digest: the versions page's July changes plus the new images of November 2024.
    const changes = diffTables(april, july).map((c) => tableChangeToEvent(c, 'dlvm-images', 'https://docs.cloud.google.com/deep-learning-vm/docs/images', new Date(`${TODAY}T06:00:00Z`)));
    const newImages = notes.flatMap((n) => n.events).filter((e) => e.kind === 'new-image' || e.kind === 'dependency-update');
    const digestEvents = [...changes, ...newImages];
    const digest = digestEmail(team.name, digestEvents, ctx, upcomingEndDates(team, lines, [], TODAY, 400), extrasOf(digestEvents));
    // Reminders on a team's first day: one date ahead, several already past.
    const due = planReminders(team, lines, [], TODAY, new Set()).due;
    const reminder = reminderEmail(team.name, due);
    emails.alert = { source: alert, cards: eos.length, headline: eos[0]?.title ?? '' };
    emails.digest = { source: digest, cards: digestEvents.length + 1, headline: 'Digest for ML Platform' };
    emails.reminder = { source: reminder, cards: due.filter((r) => r.daysLeft >= 0).length + (due.some((r) => r.daysLeft < 0) ? 1 : 0), headline: 'End dates for ML Platform' };
    expect(eos.length).toBeGreaterThan(1);
    expect(due.some((r) => r.daysLeft < 0) && due.some((r) => r.daysLeft >= 0)).toBe(true);
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const kind of ['alert', 'digest', 'reminder'] as const) {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
      it(`the ${kind} email at ${size} width: no horizontal overflow, every card, the headline in view`, async () => {
        const { source, cards, headline } = emails[kind];
        const { html, errors } = await compile(source, 'strict');
        expect(errors).toEqual([]);
        const page = await browser.newPage({ viewport });
        await page.setContent(html);
        const facts = await layout(page);
        expect(facts.overflow).toBeLessThanOrEqual(0);
        expect(facts.cards).toBe(cards);
        // (The hidden preheader repeats the headlines: the visible one counts.)
        const title = page.getByText(headline, { exact: false }).filter({ visible: true }).first();
        expect(await title.isVisible()).toBe(true);
        const box = await title.boundingBox();
        expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThan(viewport.height);
        await page.screenshot({ path: `test-results/screens/email-${kind}-${size}.png`, fullPage: true });
        await page.close();
      });
    }
  }

  describe('the status page with a failing source', () => {
    let prefix: string;
    let docs: DocumentServer;
    let service: Service;

    beforeAll(async () => {
      prefix = uniquePrefix('browser-status');
      docs = await startDocumentServer();
      docs.serve('/images.html', readFixture('dlvm/versions-table.html'), 'text/html; charset=utf-8');
      const configDir = await writeConfig(
        [
          { id: 'images', kind: 'versions-table', url: `${docs.url}/images.html` },
          { id: 'dlc-release-notes', kind: 'feed', url: `${docs.url}/gone.xml` },
        ],
        [{ id: 'torch', name: 'Torch', timezone: 'Europe/Berlin', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['pytorch', 'tensorflow'], versions: '*' }] }],
      );
      service = await startTestService({ prefix, configDir, service: { clock: () => new Date('2026-04-10T10:00:00Z'), http: true } });
      await pollNow(service, 'images');
      await pollNow(service, 'dlc-release-notes');
      await waitForIdle(service.deps.queues);
    });

    afterAll(async () => {
      await service?.close();
      await docs?.close();
      await deletePrefix(prefix);
    });

    for (const [size, viewport] of Object.entries(WIDTHS)) {
      it(`at ${size} width: the failing source first, readable labels, ended lines folded, no overflow`, async () => {
        const page = await browser.newPage({ viewport });
        await page.goto(`${service.http?.url ?? ''}/`);
        expect((await layout(page)).overflow).toBeLessThanOrEqual(0);
        // The failing panel is the first thing under the title, and names the source and why.
        const failing = page.locator('#failing');
        expect(await failing.textContent()).toMatch(/1 source failing.*dlc-release-notes: .*answered HTTP 404/s);
        const failingTop = (await failing.boundingBox())?.y ?? Infinity;
        const sourcesTop = (await page.locator('#sources').boundingBox())?.y ?? -1;
        expect(failingTop).toBeLessThan(sourcesTop);
        expect(failingTop).toBeLessThan(viewport.height);
        // Timeline labels are whole (no "…"), each row has its full text on hover.
        const labels = await page.locator('svg.timeline text.label').allTextContents();
        expect(labels.length).toBeGreaterThan(3);
        expect(labels.filter((l) => l.includes('…'))).toEqual([]);
        expect(await page.locator('svg.timeline g.row title').count()).toBe(labels.length);
        // Lines already ended are folded under one disclosure, closed.
        const ended = page.locator('#team-torch details.ended');
        expect(await ended.locator('summary').textContent()).toMatch(/^\d+ ended$/);
        expect(await ended.getAttribute('open')).toBeNull();
        // Relative times next to timestamps.
        expect(await page.locator('#sources tr[data-source="images"] .when small').first().textContent()).toMatch(/\((just now|\d+ (min|h|days?) ago)\)/);
        await page.screenshot({ path: `test-results/screens/status-page-${size}.png`, fullPage: true });
        await page.close();
      });
    }
  });
});
