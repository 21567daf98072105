// The phone page behind a board's QR code (/m/site/:id) in a real Chromium, on the real network and the
// sample set: the same numbered points as the board's rule, missing categories marked, large type and
// AA contrast, a one-tap large-text mode, keyboard use, the live map, the static picture without WebGL2,
// and nothing fetched from another host. Prints the page's transferred size and time to first content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contrastFailures } from '../browser/a11y.ts';
import { saveArtifact, saveElementScreenshot, saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession, type ViewportName } from '../browser/harness.ts';

let s: BrowserSession;
let siteId: number;
let reach: any;
let catalog: any;
const measurements: Record<string, unknown> = {};

beforeAll(async () => {
  s = await startBrowserSession();
  const sites = (await s.app.inject('/api/sites?kind=service_center&street=120103003000')).json();
  siteId = sites.features[0].id;
  reach = (await s.app.inject(`/api/reach?site=${siteId}&profile=standard&per_category=50`)).json();
  catalog = (await s.app.inject('/api/categories')).json();
});
afterAll(async () => {
  saveArtifact('mobile-measurements.json', measurements);
  await s?.close();
});

/** The board's numbering, restated independently of the page: catalog order, ≤ 15 min, nearest first, 8 per category. */
function expectedNumbers(): { id: number; number: number; category: string }[] {
  const out: { id: number; number: number; category: string }[] = [];
  for (const c of catalog.categories) {
    const within = (reach.nearest[c.id] ?? []).filter((p: any) => p.walk_s <= 900)
      .sort((a: any, b: any) => a.walk_s - b.walk_s || a.id - b.id).slice(0, 8);
    for (const p of within) out.push({ id: p.id, number: out.length + 1, category: c.id });
  }
  return out;
}

for (const viewport of ['phone', 'desktop'] as ViewportName[]) {
  describe(`phone page at ${viewport} size`, () => {
    let page: Page;
    const label = `mobile-${viewport}`;
    beforeAll(async () => {
      page = await s.newPage(viewport, label);
      await page.goto(`/m/site/${siteId}`);
      await page.locator('#board-list').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => (window as any).__mobileReady === true, undefined, { timeout: 30_000 });
      // The live map loads when the resident scrolls to it (before that a picture stands in).
      await page.locator('#map').scrollIntoViewIfNeeded();
      await waitForMapIdle(page);
    });

    it('lists the site and the same numbered points as the board, with missing categories marked', async () => {
      const site = (await s.app.inject(`/api/sites/${siteId}`)).json();
      expect(await page.locator('#site-name').textContent()).toContain(site.properties.name);
      const rows = await page.locator('#board-list li.point').evaluateAll((els) => els.map((e) => ({
        id: Number((e as HTMLElement).dataset.pointId),
        number: Number(e.querySelector('summary .marker')!.textContent) || null,
        category: (e.closest('.group') as HTMLElement).dataset.category,
      })));
      const numbered = rows.filter((r) => r.number !== null);
      expect(numbered).toEqual(expectedNumbers());
      expect(numbered.length).toBeGreaterThan(3);
      const missing = await page.locator('#board-list .group[data-missing="true"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.category));
      const expectedMissing = catalog.categories.map((c: any) => c.id)
        .filter((id: string) => !(reach.nearest[id] ?? []).some((p: any) => p.walk_s <= 900));
      expect(missing).toEqual(expectedMissing);
      for (const id of missing) {
        expect(await page.locator(`.group[data-category="${id}"] .missing-tag`).isVisible()).toBe(true);
      }
      if (expectedMissing.length) expect(await page.locator('#summary .gap').textContent()).toContain('15分钟内没有');
      // sample data is marked
      expect(await page.locator('#sample-note').isVisible()).toBe(true);
      expect(await page.locator('.badge-sample').count()).toBeGreaterThan(0);
    });

    it('draws the rings and the numbered points on the live map', async () => {
      expect(await page.locator('#map canvas').count(), `live map missing: ${[...s.consoleWarnings, ...s.failedResponses].join(' | ')}`).toBe(1);
      const drawn = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['points-circle'] })
        .map((f: any) => f.properties.number).sort((a: number, b: number) => a - b));
      expect(drawn).toEqual(expectedNumbers().map((r) => r.number));
      const rings = await page.evaluate(() => (window as any).__map.querySourceFeatures('rings').map((f: any) => f.properties.minutes));
      expect(new Set(rings)).toEqual(new Set([5, 10, 15]));
      const tiles = s.requests.filter((r) => r.page === label && r.url.includes('/tiles/'));
      expect(tiles.length).toBeGreaterThan(0);
      await saveScreenshot(page, `${label}-top`);
      await saveScreenshot(page, `${label}-full`, true);
      await saveElementScreenshot(page.locator('#map'), `${label}-map`);
    });

    it('reads at 18 px or more, meets AA contrast, has big touch targets, and a one-tap large-text mode', async () => {
      const body = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.point .name')!).fontSize));
      expect(body).toBeGreaterThanOrEqual(18);
      expect(await contrastFailures(page)).toEqual([]);
      // Only what is on screen is a target: the read-aloud buttons stay hidden where the browser has no voice.
      const small = await page.locator('.point summary, button.tool, button.seg').evaluateAll((els) => els
        .filter((e) => e.checkVisibility()).map((e) => e.getBoundingClientRect()).filter((r) => r.height < 44 || r.width < 44).length);
      expect(small).toBe(0);
      await page.locator('#large-text').click();
      expect(await page.locator('#large-text').getAttribute('aria-pressed')).toBe('true');
      const large = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.point .name')!).fontSize));
      expect(large).toBeGreaterThanOrEqual(body * 1.2);
      expect(await contrastFailures(page)).toEqual([]);
      await saveScreenshot(page, `${label}-large-text`);
      await page.locator('#large-text').click();
    });

    it('opens a point with the keyboard: hours, tap-to-call and navigation links', async () => {
      await page.locator('#board-list li.point summary').first().focus();
      await page.keyboard.press('Enter');
      const details = page.locator('#board-list li.point details').first();
      expect(await details.getAttribute('open')).not.toBeNull();
      await expect.poll(() => details.locator('.open-state').count().then(async (n) => (n ? details.locator('.open-state').getAttribute('data-state') : 'none')))
        .toMatch(/open|closed|unknown|none/);
      const links = await details.locator('a.nav-link').evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href));
      expect(links.map((h) => new URL(h).host)).toEqual(['uri.amap.com', 'apis.map.qq.com', 'api.map.baidu.com']);
      // opening links is the resident's choice: nothing was requested from those hosts
      expect(s.foreignRequests()).toEqual([]);
      await page.keyboard.press('Enter');
    });

    it('lists the coming mobile desk visits when there are some, and says so when there are none', async () => {
      const res = await s.app.inject(`/api/desks/upcoming?site=${siteId}&profile=standard&limit=8&days=60`);
      const visits: { id: number; start_time: string }[] = res.statusCode === 200 ? res.json().visits : [];
      await page.waitForLoadState('networkidle');
      await page.locator('#desk').waitFor();
      expect(await page.locator('#desk').getAttribute('data-empty')).toBe(visits.length ? null : 'true');
      if (visits.length) {
        expect(await page.locator('#desk .desk-visit').count()).toBe(visits.length);
        expect(await page.locator(`#desk .desk-visit[data-visit-id="${visits[0].id}"] .time`).textContent()).toContain(visits[0].start_time);
      }
    });

    it('made no request to another host and raised no page errors', () => {
      expect(s.foreignRequests()).toEqual([]);
      expect(s.pageErrors.filter((e) => e.startsWith(`[${label}]`))).toEqual([]);
      expect(s.failedResponses.filter((e) => e.startsWith(`[${label}]`) && !e.includes('/api/desks/'))).toEqual([]);
    });
  });
}

describe('phone page measurements', () => {
  it('reports the transferred size and the time to first useful content on a fresh phone', async () => {
    const page = await s.newPage('phone', 'mobile-measure');
    await page.goto(`/m/site/${siteId}`);
    await page.locator('#board-list').waitFor();
    await page.waitForFunction(() => (window as any).__mobileReady === true);
    const firstUseful = await page.evaluate(() => (window as any).__firstUsefulMs as number);
    // What had arrived when the list was first on screen.
    const beforeMap = await page.evaluate((at) => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
      .filter((e) => (e as PerformanceResourceTiming).responseEnd <= at)
      .reduce((n, e) => n + ((e as PerformanceResourceTiming).transferSize || 0), 0), firstUseful);
    await page.locator('#map').scrollIntoViewIfNeeded();
    await waitForMapIdle(page);
    const entries = await page.evaluate(() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
      .map((e) => ({ name: e.name.replace(location.origin, ''), transfer: (e as PerformanceResourceTiming).transferSize || 0, body: (e as PerformanceResourceTiming).decodedBodySize || 0 })));
    const total = entries.reduce((n, e) => n + e.transfer, 0);
    Object.assign(measurements, {
      first_useful_content_ms: Math.round(firstUseful),
      transferred_before_first_content_kb: Math.round(beforeMap / 1024),
      transferred_with_live_map_kb: Math.round(total / 1024),
      decoded_with_live_map_kb: Math.round(entries.reduce((n, e) => n + e.body, 0) / 1024),
      requests: entries.length,
      largest: [...entries].sort((a, b) => b.transfer - a.transfer).slice(0, 6),
    });
    console.log(`[measure] phone page /m/site/${siteId}: first useful content ${Math.round(firstUseful)} ms; transferred ${Math.round(beforeMap / 1024)} KB before the list, ${Math.round(total / 1024)} KB with the live map (${entries.length} requests)`);
    expect(firstUseful).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(beforeMap);
  });
});

describe('phone page: the live map waits for the resident', () => {
  const open = async (label: string, large: boolean) => {
    const page = await s.newPage('phone', label);
    await page.addInitScript((l) => localStorage.setItem('svc.largeText', l ? '1' : '0'), large);
    await page.goto(`/m/site/${siteId}`);
    await page.locator('#board-list').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (window as any).__mobileReady === true, undefined, { timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    return page;
  };
  const mapCode = (label: string) => s.requests.filter((r) => r.page === label && /maplibre|createMap|liveMap|\/tiles\//.test(r.url));

  it('shows the list and a picture of the circle without loading MapLibre; scrolling to the picture brings the live map', async () => {
    const page = await open('mobile-lazy', false);
    expect(await page.locator('#map svg.circle-picture').count()).toBe(1);
    expect(await page.locator('#map canvas').count()).toBe(0);
    expect(mapCode('mobile-lazy')).toEqual([]);
    // The element screenshot scrolls the picture into view, which is what starts the live map.
    await saveElementScreenshot(page.locator('#map'), 'mobile-lazy-picture');
    await waitForMapIdle(page);
    expect(await page.locator('#map canvas').count()).toBe(1);
    expect(await page.locator('#map svg.circle-picture').count()).toBe(0);
    expect(mapCode('mobile-lazy').length).toBeGreaterThan(0);
    expect(s.pageErrors.filter((e) => e.startsWith('[mobile-lazy]'))).toEqual([]);
  });

  it('in 大字, the picture\'s button (60 px) brings the live map without scrolling', async () => {
    const page = await open('mobile-lazy-large', true);
    const button = page.locator('#map .live-map-button');
    expect(await button.textContent()).toBe('显示可缩放地图');
    expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    expect(mapCode('mobile-lazy-large')).toEqual([]);
    await button.evaluate((b) => (b as HTMLButtonElement).click());
    await waitForMapIdle(page);
    expect(await page.locator('#map canvas').count()).toBe(1);
    expect(mapCode('mobile-lazy-large').length).toBeGreaterThan(0);
    expect(s.pageErrors.filter((e) => e.startsWith('[mobile-lazy-large]'))).toEqual([]);
  });
});

describe('phone page without WebGL2', () => {
  it('still shows the list and a static picture of the circle instead of the live map', async () => {
    const page = await s.newPage('phone', 'mobile-nowebgl');
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      (HTMLCanvasElement.prototype as any).getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return type === 'webgl2' ? null : (original as any).call(this, type, ...rest);
      };
    });
    await page.goto(`/m/site/${siteId}`);
    await page.locator('#board-list').waitFor();
    await page.waitForFunction(() => (window as any).__mobileReady === true, undefined, { timeout: 30_000 });
    // Scrolled to (the live map would load here), the phone without WebGL2 gets the board's own picture.
    await page.locator('#map').scrollIntoViewIfNeeded();
    await page.locator('#map img.board-picture').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector('#map img.board-picture') as HTMLImageElement | null)?.complete === true);
    expect(await page.locator('#map canvas').count()).toBe(0);
    expect(await page.locator('#map img, #map svg').count()).toBe(1);
    expect(await page.locator('#board-list li.point').count()).toBeGreaterThan(3);
    expect(s.requests.some((r) => r.page === 'mobile-nowebgl' && /maplibre|createMap|liveMap/.test(r.url))).toBe(false);
    await saveScreenshot(page, 'mobile-nowebgl-full', true);
    await saveElementScreenshot(page.locator('#map'), 'mobile-nowebgl-picture');
    expect(s.foreignRequests()).toEqual([]);
  });
});
