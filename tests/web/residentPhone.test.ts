// The resident map (/) on a phone and at the desk, in a real Chromium on the real network and sample set
// (issue 15): after a tap the results come up in a bottom sheet that never hides the tapped place or the
// route; the 5/10/15-minute rings have a legend in words; the language switches without a page load and
// keeps filter, place, card and view; a search finds a service by name, kind or pinyin initials and flies
// to it; the controls, the sheet and the lists work from the keyboard; axe finds nothing serious.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { axeSerious } from '../browser/elderly.ts';

let s: BrowserSession;
beforeAll(async () => { s = await startBrowserSession(); });
afterAll(async () => { await s?.close(); });

const TAOYUAN: [number, number] = [117.2009, 39.1058];
const CANTEEN = '庆荣里老人家食堂';

type Rect = { top: number; bottom: number; left: number; right: number; height: number; width: number };
const rectOf = (page: Page, selector: string): Promise<Rect> => page.evaluate((q) => {
  const r = document.querySelector(q)!.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height, width: r.width };
}, selector);

/** Page pixel of a lon/lat on the map. */
const pixelOf = (page: Page, lngLat: [number, number]) => page.evaluate((ll) => {
  const map = (window as any).__map;
  const p = map.project(ll);
  const r = map.getCanvas().getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y };
}, lngLat);

/** Waits until no camera move is running (the sheet fits the view with a short ease). */
async function settled(page: Page): Promise<void> {
  // Some of the page's moves start from an animation frame (after a result or a card changes the sheet): let
  // two frames pass first, so a loaded machine cannot read "not moving" before the move has begun.
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  await page.waitForFunction(() => !(window as any).__map.isMoving(), undefined, { timeout: 10_000 });
  await page.waitForTimeout(50);
  await page.waitForFunction(() => !(window as any).__map.isMoving(), undefined, { timeout: 10_000 });
}

/** The tapped place, read from the map's origin source. */
const originOf = (page: Page) => page.evaluate(() => (window as any).__map.getSource('origin').serialize().data.geometry.coordinates as [number, number]);
/** The drawn walking route's coordinates (empty when none). */
const routeOf = (page: Page) => page.evaluate(() => {
  const data = (window as any).__map.getSource('route').serialize().data;
  return (data?.geometry?.coordinates ?? []) as [number, number][];
});

/** Taps the map at Taoyuan, a place in the free part of the map, and waits for the results. */
async function tapTaoyuan(page: Page): Promise<void> {
  await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 14.5 }), TAOYUAN);
  await waitForMapIdle(page);
  const px = await pixelOf(page, TAOYUAN);
  // Away from any marker, so the tap chooses a place rather than a point.
  const markers = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['points-circle'] }).map((f: any) => f.geometry.coordinates));
  const pxs = await Promise.all(markers.map((m: [number, number]) => pixelOf(page, m)));
  let at = px;
  for (const [dx, dy] of [[0, 0], [30, 0], [-30, 0], [0, 30], [0, -30], [40, 40], [-40, -40]]) {
    at = { x: px.x + dx, y: px.y + dy };
    if (pxs.every((q) => Math.hypot(q.x - at.x, q.y - at.y) > 26)) break;
  }
  await page.mouse.click(at.x, at.y);
  await page.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
  await settled(page);
}

for (const mode of ['normal', '大字'] as const) {
  describe(`on a phone (390×844), ${mode}`, () => {
    const shot = mode === '大字' ? 'large' : 'normal';
    let page: Page;
    beforeAll(async () => {
      page = await s.newPage('phone', `resphone-${mode}`, { bypassCSP: true });
      await page.addInitScript((large) => localStorage.setItem('svc.largeText', large ? '1' : '0'), mode === '大字');
      await page.goto('/');
      await waitForMapIdle(page);
    });

    it('after a tap, the results are in a bottom sheet over the lower map, the tapped place above it; the legend reads 5/10/15 minutes', async () => {
      await tapTaoyuan(page);
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('half');
      const sheet = await rectOf(page, '#panel');
      const map = await rectOf(page, '#map');
      expect(sheet.bottom).toBeCloseTo(map.bottom, 0);
      expect(sheet.top).toBeGreaterThan(map.top + map.height * 0.3);
      // The results are inside the sheet, and the sheet shows them (not only the controls above them).
      const first = await rectOf(page, '#results .result-item');
      expect(first.top).toBeGreaterThanOrEqual(sheet.top);
      expect(first.top).toBeLessThan(sheet.bottom - 30);
      expect(await page.locator('#sheet-summary').textContent()).toMatch(/^步行15分钟内有 \d+\/10 类服务$/);
      const origin = await pixelOf(page, await originOf(page));
      expect(origin.y).toBeGreaterThan(map.top);
      expect(origin.y).toBeLessThan(sheet.top - 10);
      // The legend: colour and words, clear of the sheet.
      const legend = page.locator('#ring-legend');
      expect(await legend.isVisible()).toBe(true);
      expect(await legend.locator('.ring-legend-item').allTextContents()).toEqual(['5分钟内', '10分钟内', '15分钟内']);
      expect(await legend.locator('.ring-legend-title').textContent()).toBe('步行圈');
      const l = await rectOf(page, '#ring-legend');
      expect(l.bottom).toBeLessThan(sheet.top);
      expect(l.right).toBeLessThanOrEqual(390);
      await saveScreenshot(page, `resphone-${shot}-sheet-half`);
      expect(await axeSerious(page)).toEqual([]);
    });

    it('the handle steps the sheet peek → half → full by tap and by keyboard; Escape collapses it; the place stays in view', async () => {
      const handle = page.locator('#sheet-handle');
      const box = await handle.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(mode === '大字' ? 60 : 44);
      await handle.click();
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('full');
      await settled(page);
      let sheet = await rectOf(page, '#panel');
      expect(sheet.height).toBeGreaterThan(844 * 0.6);
      let origin = await pixelOf(page, await originOf(page));
      expect(origin.y).toBeLessThan(sheet.top);
      expect(origin.y).toBeGreaterThan((await rectOf(page, '#map')).top);
      await saveScreenshot(page, `resphone-${shot}-sheet-full`);
      await handle.focus();
      await page.keyboard.press('Escape');
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('peek');
      expect(await handle.getAttribute('aria-expanded')).toBe('false');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('sheet-handle');
      await settled(page);
      sheet = await rectOf(page, '#panel');
      expect(sheet.height).toBeLessThan(mode === '大字' ? 150 : 110);
      // The peek still says what the sheet holds, in one line.
      expect(await page.locator('#sheet-summary').isVisible()).toBe(true);
      origin = await pixelOf(page, await originOf(page));
      expect(origin.y).toBeLessThan(sheet.top);
      await saveScreenshot(page, `resphone-${shot}-sheet-peek`);
      await page.keyboard.press('ArrowUp');
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('half');
      await page.keyboard.press('Enter');
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('full');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('peek');
      await page.keyboard.press('Space');
      expect(await page.locator('#panel').getAttribute('data-sheet')).toBe('half');
      // A visible focus ring on the handle.
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
      await settled(page);
    });

    it('a result\'s card opens inside the sheet; the route is drawn above the sheet; Escape closes the card', async () => {
      const item = page.locator('#results .result-item').first();
      await item.scrollIntoViewIfNeeded();
      await item.click();
      const card = page.locator('#card');
      await card.waitFor({ state: 'visible' });
      expect(await page.evaluate(() => document.getElementById('panel')!.contains(document.getElementById('card')))).toBe(true);
      await expect.poll(() => card.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
      await expect.poll(() => routeOf(page).then((r) => r.length)).toBeGreaterThan(1);
      await settled(page);
      const sheet = await rectOf(page, '#panel');
      const c = await rectOf(page, '#card');
      expect(c.top).toBeGreaterThanOrEqual(sheet.top);
      const map = await rectOf(page, '#map');
      const route = await routeOf(page);
      const pixels = await Promise.all([...route, await originOf(page)].map((p) => pixelOf(page, p)));
      expect(pixels.length).toBeGreaterThan(2);
      for (const p of pixels) {
        expect(p.y).toBeLessThan(sheet.top);
        expect(p.y).toBeGreaterThanOrEqual(map.top);
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(390);
      }
      expect(await page.locator('#sheet-summary').textContent()).toBe(await card.locator('h2').evaluate((h) => h.childNodes[1].textContent));
      await saveScreenshot(page, `resphone-${shot}-card`);
      expect(await axeSerious(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'hidden' });
      expect(await routeOf(page)).toEqual([]);
    });

    it('search in the sheet finds the elder canteen by pinyin initials; choosing it opens its card in the sheet, the point above it', async () => {
      await page.locator('#sheet-handle').click(); // half → full: the search field and its rows in a tall sheet
      const search = page.locator('#map-search');
      await search.scrollIntoViewIfNeeded();
      await search.fill('lrjst');
      const rows = page.locator('#search-results .search-item');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await rows.locator('.name').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(CANTEEN)]));
      // A row scrolled back into view (as a search or the keyboard does) stops below the sticky handle, not under it.
      await page.locator('#panel').evaluate((p) => { p.scrollTop = p.scrollHeight; });
      await rows.first().evaluate((r) => r.scrollIntoView({ block: 'start' }));
      const [row, grip] = [await rows.first().boundingBox(), await page.locator('#sheet-handle').boundingBox()];
      expect(row!.y).toBeGreaterThanOrEqual(grip!.y + grip!.height - 1);
      await rows.filter({ hasText: CANTEEN }).first().click();
      const card = page.locator('#card');
      await card.waitFor({ state: 'visible' });
      expect(await card.locator('h2').textContent()).toContain(CANTEEN);
      // the canteen's Mo-Su hours in words, as the board prints them
      expect(await card.locator('.hours').textContent()).toMatch(/每天 10:30-13:00, 16:30-18:30/);
      await expect.poll(() => card.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
      await settled(page);
      const sheet = await rectOf(page, '#panel');
      const point = await page.evaluate((name) => (window as any).__map.querySourceFeatures('points').find((f: any) => f.properties.name === name).properties, CANTEEN);
      const px = await pixelOf(page, [point.lon, point.lat]);
      expect(px.y).toBeLessThan(sheet.top);
      expect(px.y).toBeGreaterThan((await rectOf(page, '#map')).top);
      await saveScreenshot(page, `resphone-${shot}-search`);
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'hidden' });
    });

    it('switches to English in place on a phone: the sheet, the results and the legend follow, no page load', async () => {
      const loads = () => s.requests.filter((r) => r.page === `resphone-${mode}` && r.resourceType === 'document').length;
      const before = loads();
      await page.locator('header button.lang:not(#large-text)').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('15-minute service circle');
      expect(await page.locator('#sheet-summary').textContent()).toMatch(/^Within 15 min: \d+\/10 kinds$/);
      expect(await page.locator('#ring-legend .ring-legend-title').textContent()).toBe('Walk within');
      expect(await page.locator('#ring-legend .ring-legend-item').allTextContents()).toEqual(['5 min', '10 min', '15 min']);
      // The legend takes at most two lines at the top of the map (大字 included): its words start on ≤ 2 rows.
      const legendRows = await page.locator('#ring-legend > span').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top).sort((a, b) => a - b)
        .reduce((rows, top) => (rows.length && top - rows[rows.length - 1] < 12 ? rows : [...rows, top]), [] as number[]).length);
      expect(legendRows).toBeGreaterThanOrEqual(1);
      expect(legendRows).toBeLessThanOrEqual(2);
      expect(await page.locator('#results .result-item .min').first().textContent()).toMatch(/^\d+ min$/);
      // The sheet still shows the results (the rebuilt panel is scrolled to them), not only the controls.
      const sheet = await rectOf(page, '#panel');
      expect((await rectOf(page, '#results h2')).top).toBeLessThan(sheet.bottom - 30);
      expect(loads()).toBe(before);
      await saveScreenshot(page, `resphone-${shot}-english`);
      await page.locator('header button.lang:not(#large-text)').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('15分钟综合服务圈');
    });

    it('raised no page errors', () => {
      expect(s.pageErrors.filter((e) => e.startsWith(`[resphone-${mode}]`))).toEqual([]);
    });
  });
}

describe('at the desk (1280×800)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await s.newPage('desktop', 'resdesk', { bypassCSP: true });
    await page.goto(`/#o=${TAOYUAN[0]},${TAOYUAN[1]}`);
    await page.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
    await waitForMapIdle(page);
  });

  it('keeps the side panel (no sheet handle) and shows the ring legend in words beside the map', async () => {
    const panel = await rectOf(page, '#panel');
    const map = await rectOf(page, '#map');
    expect(panel.right).toBeLessThanOrEqual(map.left + 1);
    expect(await page.locator('#sheet-handle').isVisible()).toBe(false);
    const legend = page.locator('#ring-legend');
    expect(await legend.isVisible()).toBe(true);
    expect(await legend.locator('.ring-legend-item').allTextContents()).toEqual(['5分钟内', '10分钟内', '15分钟内']);
    const swatches = await legend.locator('.ring-swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).borderTopColor));
    expect(new Set(swatches).size).toBe(3);
    const l = await rectOf(page, '#ring-legend');
    expect(l.left).toBeGreaterThanOrEqual(map.left);
    expect(l.bottom).toBeLessThanOrEqual(map.bottom);
    await saveScreenshot(page, 'resdesk-legend');
  });

  it('switches language without a page load, keeping the filter, the place, the card and the map view', async () => {
    await page.locator('#chips button[data-category="health"]').click();
    await expect.poll(() => page.locator('#results .group').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.category))).toEqual(['health']);
    await page.locator('#results .result-item').first().click();
    const card = page.locator('#card');
    await card.waitFor({ state: 'visible' });
    await expect.poll(() => card.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
    const nameOf = () => card.locator('h2').evaluate((h) => h.childNodes[1].textContent);
    const name = await nameOf();
    await waitForMapIdle(page);
    const view = () => page.evaluate(() => { const m = (window as any).__map; return { c: m.getCenter().toArray() as [number, number], z: m.getZoom() as number }; });
    const before = await view();
    await page.evaluate(() => { (window as any).__samePage = true; });
    const loads = () => s.requests.filter((r) => r.page === 'resdesk' && r.resourceType === 'document').length;
    const loadsBefore = loads();
    await page.locator('header button.lang:not(#large-text)').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('15-minute service circle');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
    expect(loads()).toBe(loadsBefore);
    expect(await page.locator('#chips button[data-category="health"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#chips button[data-category="health"]').textContent()).toContain('Health');
    expect(await page.locator('#results .group').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.category))).toEqual(['health']);
    expect(await page.locator('#results h2').textContent()).toContain('Nearest services on foot');
    await card.waitFor({ state: 'visible' });
    expect(await nameOf()).toBe(name);
    expect(await card.locator('h2 .badge-sample').textContent()).toBe('Sample');
    await expect.poll(() => card.locator('#card-walk').textContent(), { timeout: 20_000 }).toMatch(/min walk from the start/);
    expect(await page.locator('#ring-legend .ring-legend-item').allTextContents()).toEqual(['5 min', '10 min', '15 min']);
    const after = await view();
    const metres = Math.hypot((after.c[0] - before.c[0]) * 111_320 * Math.cos((before.c[1] * Math.PI) / 180), (after.c[1] - before.c[1]) * 110_574);
    expect(metres).toBeLessThan(5);
    expect(Math.abs(after.z - before.z)).toBeLessThan(0.01);
    expect(page.url()).toContain('c=health');
    await saveScreenshot(page, 'resdesk-english');
    await page.locator('header button.lang:not(#large-text)').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('15分钟综合服务圈');
    expect(loads()).toBe(loadsBefore);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'hidden' });
    await page.locator('#chips button[data-category=""]').click();
  });

  it('search finds the elder canteens by pinyin initials and by kind; choosing one flies there with the walk from the place', async () => {
    const search = page.locator('#map-search');
    const rows = page.locator('#search-results .search-item');
    await search.fill('老人家食堂');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const byKind = await rows.locator('.name').allTextContents();
    expect(byKind).toEqual(expect.arrayContaining([expect.stringContaining(CANTEEN)]));
    await search.fill('lrjst');
    await expect.poll(() => rows.locator('.name').allTextContents(), { timeout: 10_000 }).toEqual(byKind);
    expect(await page.locator('#search-results .search-count').textContent()).toMatch(/^找到 \d+ 个/);
    await search.fill('幼儿园');
    await expect.poll(() => rows.locator('.kind').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['幼儿园']));
    await search.fill('lrjst');
    await expect.poll(() => rows.locator('.name').allTextContents(), { timeout: 10_000 }).toEqual(byKind);
    // Keyboard: Tab from the field to the first row, Enter chooses it.
    await search.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('search-item'))).toBe(true);
    const chosen = await page.evaluate(() => (document.activeElement as HTMLElement).querySelector('.name')!.childNodes[0].textContent);
    await page.keyboard.press('Enter');
    const card = page.locator('#card');
    await card.waitFor({ state: 'visible' });
    expect(await card.locator('h2').textContent()).toContain(chosen!);
    await expect.poll(() => card.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
    expect(Number(await card.locator('#card-walk').getAttribute('data-walk-min'))).toBeGreaterThan(0);
    await settled(page);
    const point = await page.evaluate((name) => (window as any).__map.querySourceFeatures('points').find((f: any) => f.properties.name === name).properties, chosen);
    const centre = await page.evaluate(() => (window as any).__map.getCenter().toArray() as [number, number]);
    const metres = Math.hypot((centre[0] - point.lon) * 111_320 * Math.cos((point.lat * Math.PI) / 180), (centre[1] - point.lat) * 110_574);
    expect(metres).toBeLessThan(30);
    await saveScreenshot(page, 'resdesk-search');
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'hidden' });
  });

  it('keyboard only: Tab reaches the tools, search, chips, results, the map and its zoom buttons, each with a visible focus ring', async () => {
    // A click on the title puts the start of keyboard navigation at the top of the page.
    await page.locator('h1').click();
    const reached: string[] = [];
    for (let i = 0; i < 250; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        const st = getComputedStyle(e);
        return { key: e.id || e.getAttribute('data-category') !== null && `chip:${e.getAttribute('data-category')}` || e.className, outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 };
      });
      reached.push(String(info.key));
      expect(info.outline, String(info.key)).toBe(true);
      if (String(info.key).includes('maplibregl-ctrl-zoom-in')) break;
    }
    for (const want of ['large-text', 'locate', 'query-center', 'map-search', 'chip:', 'chip:health', 'result-item', 'maplibregl-canvas', 'maplibregl-ctrl-zoom-in']) {
      expect(reached.some((k) => k.includes(want)), want).toBe(true);
    }
    // Space presses a chip; Enter on a result opens its card; Escape closes it.
    await page.locator('#chips button[data-category="health"]').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#chips button[data-category="health"]').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Space');
    expect(await page.locator('#chips button[data-category="health"]').getAttribute('aria-pressed')).toBe('false');
    await page.locator('#results .result-item').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#card').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card');
    await page.keyboard.press('Escape');
    await page.locator('#card').waitFor({ state: 'hidden' });
  });

  it('axe finds no serious or critical violation with results and a card open', async () => {
    await page.locator('#results .result-item').first().click();
    await page.locator('#card').waitFor({ state: 'visible' });
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('raised no page errors and made no foreign request', () => {
    expect(s.pageErrors.filter((e) => e.startsWith('[resdesk]'))).toEqual([]);
    expect(s.foreignRequests()).toEqual([]);
  });
});
