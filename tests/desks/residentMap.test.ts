// The resident map (/) shows the mobile service desks coming near the chosen place, in a real Chromium
// on the sample set's recurring desks: from a board's phone page to the full map (phone), and by the map
// centre (desktop). The next visit is listed with its date and weekday, time window, services and the
// walking minutes to the desk; a cancelled one says so; the desk places are markers of their own with a
// popup; the street calendar is linked; English too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs } from '../helper.ts';
import { contrastFailures } from '../browser/a11y.ts';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { taoyuanSites, TAOYUAN, type SiteFeature } from './fixtures.ts';

let s: BrowserSession;
let origin: SiteFeature;
const REASON = '志愿者培训，本次暂停';
let cancelledId: number;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  // A board site with no desk of its own, 500–700 m from the sample desks at 照耀里 and 元兴新里.
  origin = (await taoyuanSites(s.app)).find((x) => x.name === '庆荣里社区党群服务中心')!;
  // Call off the second visit still on near it, so that the list has a cancelled one whatever the date.
  const near = (await s.app.inject(`/api/desks/upcoming?lon=${origin.lon}&lat=${origin.lat}&limit=8`)).json();
  const second = near.visits.filter((v: any) => v.status === 'scheduled')[1];
  expect(second, JSON.stringify(near.visits.map((v: any) => v.date))).toBeTruthy();
  const editor = await loginAs(s.app, 'editor', TAOYUAN);
  const { version } = (await editor.inject(`/api/desks/staff/visits/${second.id}`)).json();
  const cancel = await editor.inject({ method: 'POST', url: `/api/desks/visits/${second.id}/cancel`, payload: { version, reason: REASON } });
  expect(cancel.statusCode, cancel.body).toBe(200);
  cancelledId = second.id;
});
afterAll(async () => { await s?.close(); });

/** What the page should show, asked of the API for the place the page chose (its hash). */
async function expectedFor(page: Page) {
  const [lon, lat] = new URL(page.url()).hash.match(/o=([\d.]+),([\d.]+)/)!.slice(1).map(Number);
  const answer = (await s.app.inject(`/api/desks/upcoming?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&limit=8&days=60`)).json();
  const next = answer.next;
  // Walking minutes and weekday worked out here, not taken from the answer under test.
  const route = (await s.app.inject(`/api/route?from=${lon.toFixed(6)},${lat.toFixed(6)}&to=${next.place.lon},${next.place.lat}`)).json();
  const weekday = new Date(`${next.date}T00:00:00Z`).getUTCDay();
  return { answer, next, walkMin: Math.max(1, Math.ceil(route.properties.walk_min)), weekday };
}

async function checkNextVisit(page: Page, lang: 'zh' | 'en') {
  const desks = page.locator('#desks[data-state="ready"]');
  await desks.waitFor({ timeout: 30_000 });
  const { answer, next, walkMin, weekday } = await expectedFor(page);
  expect(next.walk_min).toBeGreaterThan(1); // a desk some minutes away, not at the start
  const rows = page.locator('#desks .desk-visit');
  expect(await rows.count()).toBe(answer.visits.length);
  const first = page.locator(`#desks .desk-visit[data-visit-id="${answer.visits[0].id}"]`);
  const row = page.locator(`#desks .desk-visit[data-visit-id="${next.id}"]`);
  expect(await first.count()).toBe(1);
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  const [, m, d] = next.date.split('-').map(Number);
  if (lang === 'zh') {
    expect(text).toContain(`${m}月${d}日（${['周日', '周一', '周二', '周三', '周四', '周五', '周六'][weekday]}）`);
    expect(text).toContain(`步行约 ${walkMin} 分钟`);
    for (const service of next.services) expect(text).toContain(service.name_zh);
  } else {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    expect(text).toContain(`${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][weekday]} ${d} ${months[m - 1]}`);
    expect(text).toContain(`about ${walkMin} min walk`);
    for (const service of next.services) expect(text).toContain(service.name_en);
  }
  expect(text).toContain(`${next.start_time}–${next.end_time}`);
  expect(text).toContain(next.place.name);
  expect(text).toContain(lang === 'zh' ? '示例' : 'Sample');
  return { answer, next };
}

async function checkCancelled(page: Page) {
  const row = page.locator(`#desks .desk-visit[data-visit-id="${cancelledId}"]`);
  // Listed among the first three, or behind "show more".
  if (!(await row.isVisible())) await page.locator('#desks .desk-more summary').click();
  expect(await row.getAttribute('data-status')).toBe('cancelled');
  const text = await row.innerText();
  expect(text).toContain('已取消');
  expect(text).toContain(REASON);
}

/** The desk markers drawn, by place key. */
async function deskMarkers(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['desks-marker'] }).map((f: any) => f.properties.key));
}

describe('desks on the resident map', () => {
  it('phone: from a board\'s phone page to the full map, the next desk visits near the site', async () => {
    const page = await s.newPage('phone', 'desks-resident-phone');
    await page.goto(`/m/site/${origin.id}`);
    await page.locator('#desk').waitFor({ timeout: 30_000 });
    await page.locator('.foot a[href^="/#o="]').click();
    await page.waitForURL(/\/#o=/);
    const { next } = await checkNextVisit(page, 'zh');
    await checkCancelled(page);
    const calendar = page.locator('#desks a.calendar-link');
    expect(await calendar.getAttribute('href')).toBe(`/api/desks/street/${TAOYUAN}.ics`);
    const ics = await s.app.inject(`/api/desks/street/${TAOYUAN}.ics`);
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    await page.locator('#desks').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'desks-resident-phone-list');

    // Tapping the visit brings the map into view with the desk's popup.
    await waitForMapIdle(page);
    const key = `${next.place.lon.toFixed(6)},${next.place.lat.toFixed(6)}`;
    await page.locator(`#desks .desk-visit[data-visit-id="${next.id}"]`).click();
    const popup = page.locator('.desk-popup');
    await popup.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await popup.innerText()).toContain(next.place.name);
    await waitForMapIdle(page);
    expect(await deskMarkers(page)).toContain(key);
    await saveScreenshot(page, 'desks-resident-phone-popup');
    expect(s.pageErrors.filter((e) => e.startsWith('[desks-resident-phone]'))).toEqual([]);
  });

  it('desktop: the map centre as the start; desk markers of their own open a popup', async () => {
    const page = await s.newPage('desktop', 'desks-resident-desktop');
    await page.goto('/');
    await waitForMapIdle(page);
    await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 15 }), [origin.lon, origin.lat]);
    await waitForMapIdle(page);
    await page.locator('#query-center').click();
    const { answer, next } = await checkNextVisit(page, 'zh');
    await checkCancelled(page);
    await waitForMapIdle(page);
    const keys = await deskMarkers(page);
    const places = new Set(answer.visits.map((v: any) => `${v.place.lon.toFixed(6)},${v.place.lat.toFixed(6)}`));
    expect(new Set(keys)).toEqual(places);
    // Not a service point: the desk layer is its own, and a click on a desk opens its popup.
    const points = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['points-circle'] }).map((f: any) => f.properties.id));
    expect(points.length).toBeGreaterThan(0);
    const px = await page.evaluate((ll) => {
      const map = (window as any).__map;
      const p = map.project(ll);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, [next.place.lon, next.place.lat]);
    await page.mouse.click(px.x, px.y);
    const popup = page.locator('.desk-popup');
    await popup.waitFor({ state: 'visible', timeout: 15_000 });
    const popupText = await popup.innerText();
    expect(popupText).toContain(next.place.name);
    expect(popupText).toContain(next.start_time);
    // The click opened the desk, it did not move the start.
    expect(new URL(page.url()).hash).toContain(`o=${origin.lon.toFixed(5)}`);
    await waitForMapIdle(page);
    expect(await contrastFailures(page)).toEqual([]);
    await saveScreenshot(page, 'desks-resident-desktop');
    await page.keyboard.press('Escape');
    await popup.waitFor({ state: 'hidden' });
    expect(s.pageErrors.filter((e) => e.startsWith('[desks-resident-desktop]'))).toEqual([]);
  });

  it('in English, with the same visits', async () => {
    const page = await s.newPage('phone', 'desks-resident-english');
    await page.goto(`/?lang=en#o=${origin.lon.toFixed(5)},${origin.lat.toFixed(5)}`);
    await checkNextVisit(page, 'en');
    expect(await page.locator('#desks h2').innerText()).toContain('Mobile service desk');
    expect(await page.locator('#desks a.calendar-link').innerText()).toContain('phone calendar');
    await page.locator('#desks').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'desks-resident-english');
    expect(s.foreignRequests()).toEqual([]);
    expect(s.failedResponses).toEqual([]);
  });
});
