// The resident map (/) in a real Chromium, at desktop and phone sizes, on the real Hexi network and
// the sample set: our own tiles render with street names, points are drawn by category, a category
// chip changes what is shown, a click gives rings and the nearest list, a point opens its card with
// walking minutes and a route, and nothing is fetched from another host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contrastFailures } from '../browser/a11y.ts';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession, type ViewportName } from '../browser/harness.ts';

let s: BrowserSession;
beforeAll(async () => { s = await startBrowserSession(); });
afterAll(async () => { await s?.close(); });

const TAOYUAN: [number, number] = [117.2009, 39.1058];

/** Page pixel of a lon/lat on the map. */
async function pixelOf(page: Page, lngLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = (window as any).__map;
    const p = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, lngLat);
}

/** Markers drawn on the map: `at` is where the marker is drawn (moved apart when crowded), lon/lat the true place. */
async function rendered(page: Page, layers: string[]): Promise<{ id: number; category: string; lon: number; lat: number; at: [number, number]; name?: string }[]> {
  return page.evaluate((ls) => (window as any).__map.queryRenderedFeatures({ layers: ls }).map((f: any) => ({
    id: f.properties.id, category: f.properties.category, name: f.properties.name,
    lon: f.properties.lon, lat: f.properties.lat, at: f.geometry.coordinates,
  })), layers);
}

for (const viewport of ['desktop', 'phone'] as ViewportName[]) {
  describe(`resident map at ${viewport} size`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await s.newPage(viewport, `resident-${viewport}`);
      await page.goto('/');
      await waitForMapIdle(page);
    });

    it('renders our vector tiles with Chinese street names, the chips and the points', async () => {
      const tiles = s.requests.filter((r) => r.page === `resident-${viewport}` && /\/tiles\/\d+\/\d+\/\d+\.pbf/.test(r.url));
      expect(tiles.length).toBeGreaterThan(0);
      const streets = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['label-streets'] })
        .map((f: any) => f.properties.name));
      expect(streets.length).toBeGreaterThan(0);
      expect(streets.every((n: string) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
      await expect.poll(() => page.locator('#chips button').count()).toBe(11);
      expect(await page.locator('#sample-banner').isVisible()).toBe(true);
      const points = await rendered(page, ['points-circle']);
      expect(points.length).toBeGreaterThan(5);
      expect(new Set(points.map((p) => p.category)).size).toBeGreaterThan(3);
      await saveScreenshot(page, `resident-${viewport}-start`);
    });

    it('a click on the map gives rings and the nearest services by walking time', async () => {
      await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 14.5 }), TAOYUAN);
      await waitForMapIdle(page);
      // Click a spot near the centre that is not a marker.
      const onPoint = await rendered(page, ['points-circle']);
      let target = TAOYUAN;
      for (const [dx, dy] of [[0, 0], [0.0012, 0], [0, 0.0012], [-0.0012, 0], [0, -0.0012]]) {
        target = [TAOYUAN[0] + dx, TAOYUAN[1] + dy];
        const px = await pixelOf(page, target);
        const near = await Promise.all(onPoint.map((p) => pixelOf(page, p.at)));
        if (near.every((q) => Math.hypot(q.x - px.x, q.y - px.y) > 30)) break;
      }
      const px = await pixelOf(page, target);
      await page.mouse.click(px.x, px.y);
      await page.locator('#results .result-item').first().waitFor({ timeout: 20_000 });
      await waitForMapIdle(page);
      const rings = await page.evaluate(() => (window as any).__map.querySourceFeatures('rings').map((f: any) => f.properties.minutes));
      expect(new Set(rings)).toEqual(new Set([5, 10, 15]));
      const minutes = await page.locator('#results .result-item .min').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.walkMin)));
      expect(minutes.length).toBeGreaterThan(5);
      expect(minutes.every((m) => m > 0 && m <= 60)).toBe(true);
      await saveScreenshot(page, `resident-${viewport}-rings`);
    });

    it('clicking a point opens its card with walking minutes and draws the route', async () => {
      const points = await rendered(page, ['points-circle']);
      expect(points.length).toBeGreaterThan(0);
      // a marker that no other marker covers, nor the phone's bottom sheet or the ring legend
      const pixels = await Promise.all(points.map((p) => pixelOf(page, p.at)));
      const [sheetTop, legendBottom] = await page.evaluate(() => ['#panel', '#ring-legend'].map((q) => { const r = document.querySelector(q)!.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }))
        .then(([panel, legend]) => (viewport === 'phone' ? [panel.top - 20, legend.bottom + 20] : [Infinity, -Infinity]));
      const free = points.findIndex((_, i) => pixels[i].y < sheetTop && pixels[i].y > legendBottom
        && pixels.every((q, j) => j === i || Math.hypot(q.x - pixels[i].x, q.y - pixels[i].y) > 24));
      expect(free).toBeGreaterThanOrEqual(0);
      const target = points[free];
      const px = pixels[free];
      await page.mouse.click(px.x, px.y);
      const card = page.locator('#card');
      await card.waitFor({ state: 'visible' });
      expect(await card.locator('h2').textContent()).toContain(target.name!);
      await expect.poll(() => card.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
      expect(Number(await card.locator('#card-walk').getAttribute('data-walk-min'))).toBeGreaterThan(0);
      expect(await card.locator('#card-walk').textContent()).toMatch(/\d+ ?(分钟|min)/);
      // open now / closed from opening_hours, navigation links with converted coordinates
      await expect.poll(() => card.locator('.open-state').getAttribute('data-state')).toMatch(/open|closed|unknown/);
      // hours in words, as the board prints them (每天 10:30-13:00), never the raw OSM value (Mo-Su 10:30-13:00)
      expect(await card.locator('.hours').textContent()).not.toMatch(/\b(Mo|Tu|We|Th|Fr|Sa|Su)\b/);
      const amap = await card.locator('a[data-app="amap"]').getAttribute('href');
      expect(amap).toMatch(/^https:\/\/uri\.amap\.com\/navigation\?/);
      const to = new URL(amap!).searchParams.get('to')!.split(',').map(Number);
      // GCJ-02 is offset from WGS84 by about +0.006 lon here
      expect(to[0] - target.lon).toBeGreaterThan(0.004);
      expect(to[0] - target.lon).toBeLessThan(0.008);
      await waitForMapIdle(page);
      const route = await page.evaluate(() => (window as any).__map.querySourceFeatures('route').length);
      expect(route).toBeGreaterThan(0);
      await saveScreenshot(page, `resident-${viewport}-card`);
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'hidden' });
    });

    it('a category chip changes what is shown on the map and in the list', async () => {
      const before = await rendered(page, ['points-circle']);
      await page.locator('#chips button[data-category="health"]').click();
      await expect.poll(() => page.locator('#chips button[data-category="health"]').getAttribute('aria-pressed')).toBe('true');
      await waitForMapIdle(page);
      const after = await rendered(page, ['points-circle']);
      expect(after.length).toBeGreaterThan(0);
      expect(after.length).toBeLessThan(before.length);
      expect(after.every((p) => p.category === 'health')).toBe(true);
      const groups = await page.locator('#results .group').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.category));
      expect(groups).toEqual(['health']);
      await saveScreenshot(page, `resident-${viewport}-filtered`);
      await page.locator('#chips button[data-category=""]').click();
      await waitForMapIdle(page);
      expect((await rendered(page, ['points-circle'])).length).toBe(before.length);
    });

    it('made no request to another host and raised no page errors', () => {
      expect(s.foreignRequests()).toEqual([]);
      expect(s.pageErrors.filter((e) => e.startsWith(`[resident-${viewport}]`))).toEqual([]);
    });
  });
}

describe('resident map by keyboard, in English, with AA contrast', () => {
  it('works from the keyboard alone: profile, map-centre query, a result, the card and back', async () => {
    const page = await s.newPage('desktop', 'resident-keyboard');
    await page.goto('/');
    await waitForMapIdle(page);
    await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 15 }), TAOYUAN);
    await waitForMapIdle(page);
    // Tab order reaches the profile switch; arrows move within it.
    await page.locator('#profiles button[aria-checked="true"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#profiles button[aria-checked="true"]').getAttribute('data-profile')).toBe('elderly');
    await page.keyboard.press('Tab');
    await page.locator('#query-center').focus();
    await page.keyboard.press('Enter');
    const first = page.locator('#results .result-item').first();
    await first.waitFor({ timeout: 20_000 });
    expect(await page.locator('#results').textContent()).toContain('老年人步行');
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('#card').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card');
    await expect.poll(() => page.locator('#card-walk').getAttribute('data-walk-min'), { timeout: 20_000 }).not.toBeNull();
    await page.keyboard.press('Escape');
    await page.locator('#card').waitFor({ state: 'hidden' });
    // a chip toggles with the space bar
    await page.locator('#chips button[data-category="elder_care"]').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#chips button[data-category="elder_care"]').getAttribute('aria-pressed')).toBe('true');
    expect(await contrastFailures(page)).toEqual([]);
    await saveScreenshot(page, 'resident-keyboard');
  });

  it('switches to English and keeps the chosen place', async () => {
    const page = await s.newPage('desktop', 'resident-english');
    await page.goto(`/#o=${TAOYUAN[0]},${TAOYUAN[1]}`);
    await page.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
    await page.locator('button.lang:not(#large-text)').click();
    await page.waitForLoadState('load');
    await page.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('15-minute service circle');
    expect(await page.locator('#chips button[data-category="health"]').textContent()).toContain('Health');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await waitForMapIdle(page);
    expect(await contrastFailures(page)).toEqual([]);
    await saveScreenshot(page, 'resident-english');
    expect(s.foreignRequests()).toEqual([]);
  });

  it('"my location" uses the phone\'s position for the rings and the list', async () => {
    const page = await s.newPage('phone', 'resident-geolocation', {
      geolocation: { longitude: TAOYUAN[0], latitude: TAOYUAN[1] }, permissions: ['geolocation'],
    });
    await page.goto('/');
    await waitForMapIdle(page);
    await page.locator('#locate').click();
    await page.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
    expect(page.url()).toContain(`#o=${TAOYUAN[0].toFixed(5)},${TAOYUAN[1].toFixed(5)}`);
    await waitForMapIdle(page);
    await saveScreenshot(page, 'resident-phone-my-location');
  });

  it('draws footbridges and steps so they stand out, with metro lines and no missing glyphs', async () => {
    const ways = (await s.app.db.selectFrom('ways').select(['highway', 'bridge', 'name'])
      .select((eb) => [eb.fn<number>('ST_X', [eb.fn('ST_Centroid', ['geom'])]).as('lon'), eb.fn<number>('ST_Y', [eb.fn('ST_Centroid', ['geom'])]).as('lat')])
      .where('highway', 'in', ['footway', 'steps']).where('bridge', '=', true).execute());
    const bridge = ways.find((w) => w.highway === 'footway')!;
    const page = await s.newPage('desktop', 'resident-footbridge');
    await page.goto('/');
    await waitForMapIdle(page);
    await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 17 }), [bridge.lon, bridge.lat]);
    await waitForMapIdle(page);
    const layers = await page.evaluate(() => [...new Set((window as any).__map.queryRenderedFeatures()
      .map((f: any) => f.layer.id))]);
    expect(layers).toContain('street-footbridge');
    await saveScreenshot(page, 'resident-footbridge-z17');
    expect(s.foreignRequests()).toEqual([]);
  });
});
