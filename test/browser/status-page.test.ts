// The status page as a person sees it: rendered by headless Chromium (Debian's chromium package,
// driven by playwright-core with executablePath; no browser download), with a screenshot of a team's
// support timeline whose bars and marks are checked, in the picture and in the drawing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween } from '../../src/domain/lifecycle.js';
import { TIMELINE_COLORS } from '../../src/render/timeline.js';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, type DocumentServer } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The little of the DOM the page script below uses (the project compiles without lib "dom"). */
interface Element {
  getAttribute(name: string): string | null;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element> & Iterable<Element>;
  textContent: string | null;
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe('status page in headless Chromium', () => {
  let prefix: string;
  let pages: DocumentServer;
  let service: Service;
  let browser: Browser;

  beforeAll(async () => {
    prefix = uniquePrefix('browser');
    pages = await startDocumentServer();
    pages.serve('/images.html', readFileSync(new URL('../fixtures/dlvm/versions-table.html', import.meta.url), 'utf8'));
    const configDir = await writeConfig(
      [{ id: 'images', kind: 'versions-table', url: `${pages.url}/images.html` }],
      [{ id: 'torch', name: 'Torch', timezone: 'Europe/Berlin', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.3' }] }],
    );
    service = await startTestService({ prefix, configDir, service: { clock: () => new Date('2026-04-10T10:00:00Z'), http: true } });
    await pollNow(service, 'images');
    await waitForIdle(service.deps.queues);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await pages?.close();
    await deletePrefix(prefix);
  });

  it("draws one bar per subscribed version from today to its end of availability, end of patch and today marked", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`${service.http?.url ?? ''}/`);
    expect(await page.locator('h1').textContent()).toBe('release-radar');
    expect(await page.locator('#sources tr[data-source="images"] .ok').textContent()).toBe('ok');

    const svg = page.locator('svg.timeline[data-team="torch"]');
    const png = await svg.screenshot();
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/status-page-timeline-torch.png', png);
    const image = PNG.sync.read(png);
    const pixel = (x: number, y: number): [number, number, number] => {
      const i = (Math.round(y) * image.width + Math.round(x)) * 4;
      return [image.data[i] ?? 0, image.data[i + 1] ?? 0, image.data[i + 2] ?? 0];
    };
    const near = (a: [number, number, number], b: [number, number, number]): boolean => a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= 12);

    // What the drawing says, read back from the DOM.
    const shapes = await svg.evaluate((el: Element) => {
      const num = (e: Element, a: string): number => Number(e.getAttribute(a));
      const rects = [...el.querySelectorAll('rect')].map((r) => ({ cls: r.getAttribute('class'), line: r.getAttribute('data-line'), eop: r.getAttribute('data-eop'), eoa: r.getAttribute('data-eoa'), x: num(r, 'x'), y: num(r, 'y'), w: num(r, 'width'), h: num(r, 'height') }));
      const today = el.querySelector('line.today');
      const eopMarks = [...el.querySelectorAll('line.eop-mark')].map((l) => ({ line: l.getAttribute('data-line'), x: num(l, 'x1') }));
      return { today: el.getAttribute('data-today'), todayX: today ? num(today, 'x1') : -1, rects, eopMarks, ended: [...el.querySelectorAll('text.ended')].map((t) => t.textContent) };
    });
    expect(shapes.today).toBe('2026-04-10');
    // PyTorch lines in the table from 2.3 up: 2.9 (two OS lines), 2.7, 2.4, 2.3. Each has a bar; none has ended.
    const lines = [...new Set(shapes.rects.map((r) => r.line))];
    expect(lines.map((l) => l?.split('|')[2]).sort()).toEqual(['2.3 (Python 3.10)', '2.4 (Python 3.10)', '2.7 (Python 3.10)', '2.9 (Python 3.12 / Ubuntu 22.04)', '2.9 (Python 3.12 / Ubuntu 24.04)']);
    for (const line of lines) {
      const patched = shapes.rects.find((r) => r.line === line && r.cls === 'patched');
      const available = shapes.rects.find((r) => r.line === line && r.cls === 'available');
      const any = patched ?? available;
      if (!any?.eoa) throw new Error(`no bar for ${line ?? ''}`);
      // Every bar starts today and ends at its end of availability, on one scale.
      const start = (patched ?? available)?.x ?? 0;
      const end = available ? available.x + available.w : (patched?.x ?? 0) + (patched?.w ?? 0);
      expect(start).toBeCloseTo(shapes.todayX, 5);
      const scale = (end - start) / daysBetween('2026-04-10', any.eoa);
      if (patched && any.eop && any.eop > '2026-04-10') {
        // End of patch marked where its date falls on the same scale.
        const mark = shapes.eopMarks.find((m) => m.line === line);
        expect(mark?.x).toBeCloseTo(start + scale * daysBetween('2026-04-10', any.eop), 1);
      }
      // The picture matches the drawing: the colours are where the shapes say.
      if (patched && patched.w > 4) expect(near(pixel(patched.x + patched.w / 2, patched.y + patched.h / 2), rgb(TIMELINE_COLORS.patched))).toBe(true);
      if (available && available.w > 4) expect(near(pixel(available.x + available.w / 2, available.y + available.h / 2), rgb(TIMELINE_COLORS.available))).toBe(true);
    }
    // PyTorch 2.4: end of patch (2025-07-24) already past, so its whole bar is "available only".
    const torch24 = shapes.rects.filter((r) => r.line?.endsWith('2.4 (Python 3.10)'));
    expect(torch24.map((r) => r.cls)).toEqual(['available']);
    // Today is a red line across the chart.
    expect(near(pixel(shapes.todayX, image.height / 2), rgb(TIMELINE_COLORS.today))).toBe(true);
    await page.close();
  });
});
