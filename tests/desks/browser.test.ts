// The phone view behind a board's QR code lists the next desk visits at and near the site, in a real
// Chromium against the running service: visits booked through the staff API appear on /m/site/:id with
// date and weekday (明天 for tomorrow), time window, place, services and the walking minutes to the desk
// (worked out here with /api/route, for the profile the resident picks); a cancelled one is shown struck
// through with its reason, not left out; the first three are open and the rest behind "再显示"; the
// site's calendar link serves text/calendar; English too; AA contrast at phone size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs } from '../helper.ts';
import { contrastFailures } from '../browser/a11y.ts';
import { saveElementScreenshot, saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';
import { metresBetween, plusDays, shanghaiToday, taoyuanSites, TAOYUAN, withoutSampleDesks, type SiteFeature } from './fixtures.ts';

let s: BrowserSession;
let site: SiteFeature;
let neighbour: SiteFeature;
const REASON = '因雨改期';
/** The visits booked, in date order: [days from today, place, services, start, end]. */
const BOOKED: [number, 'site' | 'neighbour', string[], string, string][] = [
  [1, 'neighbour', ['traffic'], '09:00', '11:00'], // cancelled below
  [2, 'site', ['haircut', 'doctor', 'elderly_allowance'], '14:00', '17:00'],
  [4, 'neighbour', ['legal', 'policy'], '09:00', '11:30'],
  [6, 'site', ['anti_fraud'], '14:30', '16:30'],
  [9, 'neighbour', ['home_repair', 'housing_fees'], '08:30', '10:30'],
];
const ids: number[] = [];

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  // The sample plans' visits nearby fall on different days of the week: this test books its own.
  await withoutSampleDesks(s.app);
  const editor = await loginAs(s.app, 'editor', TAOYUAN);
  const sites = await taoyuanSites(s.app);
  site = sites.find((x) => x.name === '照耀里社区党群服务中心')!;
  // A compound gate a few minutes' walk away (not the site's own compound), still within 15 minutes for the elderly.
  neighbour = sites.filter((x) => x.kind === 'compound_gate' && x.compound_id !== site.compound_id && metresBetween(x, site) > 200)
    .sort((a, b) => metresBetween(a, site) - metresBetween(b, site))[0];
  const today = shanghaiToday();
  for (const [days, where, services, start_time, end_time] of BOOKED) {
    const res = await editor.inject({
      method: 'POST', url: '/api/desks/visits',
      payload: {
        date: plusDays(today, days), start_time, end_time, place: { kind: 'site', site_id: (where === 'site' ? site : neighbour).id }, services,
        ...(where === 'site' ? { partners: ['桃园街道社区卫生服务中心'], contact_phone: '022-24168691' } : {}),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    ids.push(res.json().id);
  }
  const cancel = await editor.inject({ method: 'POST', url: `/api/desks/visits/${ids[0]}/cancel`, payload: { version: 1, reason: REASON } });
  expect(cancel.statusCode, cancel.body).toBe(200);
});
afterAll(async () => { await s?.close(); });

/** Walking minutes from the site to the neighbouring gate as /api/route gives them, rounded up. */
async function minutesToNeighbour(profile: string): Promise<number> {
  const route = (await s.app.inject(`/api/route?from=${site.lon},${site.lat}&to=${neighbour.lon},${neighbour.lat}&profile=${profile}`)).json();
  return Math.max(1, Math.ceil(route.properties.walk_min - 1e-9));
}

const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function dateText(days: number, lang: 'zh' | 'en'): string {
  const date = plusDays(shanghaiToday(), days);
  const d = new Date(`${date}T00:00:00Z`);
  return lang === 'zh' ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日（${WEEKDAY_ZH[d.getUTCDay()]}）`
    : `${WEEKDAY_EN[d.getUTCDay()]} ${d.getUTCDate()} ${MONTH_EN[d.getUTCMonth()]}`;
}

const rowText = async (page: Page, i: number) =>
  (await page.locator(`#desk .desk-visit[data-visit-id="${ids[i]}"]`).innerText()).replace(/\s+/g, ' ');

describe('phone view of a board site', () => {
  it('lists the next desk visits at and near the site, the cancelled one struck through, and links the site calendar', async () => {
    const page = await s.newPage('phone', 'desk-phone');
    await page.goto(`/m/site/${site.id}`);
    const desk = page.locator('#desk');
    await desk.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await desk.locator('h2').innerText()).toContain('流动办公桌');
    // All five in date order, the cancelled one included; three open, two behind "再显示 2 次".
    const listed = await desk.locator('.desk-visit').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.visitId)));
    expect(listed).toEqual(ids);
    const visible = await desk.locator('.desk-visit:visible').count();
    expect(visible).toBe(3);
    const more = desk.locator('.desk-more summary');
    expect(await more.innerText()).toBe('再显示 2 次');

    // Tomorrow's visit at the neighbouring gate: cancelled, struck through, with the reason and the walk.
    const walk = await minutesToNeighbour('standard');
    expect(walk).toBeGreaterThan(1);
    const cancelled = page.locator(`#desk .desk-visit[data-visit-id="${ids[0]}"]`);
    expect(await cancelled.getAttribute('data-status')).toBe('cancelled');
    const c = await rowText(page, 0);
    for (const part of [dateText(1, 'zh'), '09:00–11:00', '明天', '已取消', `取消原因：${REASON}`, neighbour.name, `步行约 ${walk} 分钟`, '交管业务']) expect(c).toContain(part);
    expect(await cancelled.locator('.when').evaluate((e) => getComputedStyle(e).textDecorationLine)).toBe('line-through');
    // The day after tomorrow at the site itself: no walk.
    const next = await rowText(page, 1);
    for (const part of [dateText(2, 'zh'), '14:00–17:00', '就在本站点', '可办：便民理发、医生坐诊、高龄补贴认证']) expect(next).toContain(part);
    expect(next).not.toContain('已取消');
    const third = await rowText(page, 2);
    for (const part of [dateText(4, 'zh'), '09:00–11:30', neighbour.name, `步行约 ${walk} 分钟`, '法律咨询']) expect(third).toContain(part);
    await desk.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'desks-phone-visits');

    await more.click();
    expect(await desk.locator('.desk-visit:visible').count()).toBe(5);
    expect(await rowText(page, 4)).toContain(dateText(9, 'zh'));
    expect(await contrastFailures(page)).toEqual([]);
    // Large enough for older eyes: visit text at the page's 18 px, the expander and the link easy to tap.
    expect(await desk.locator('.desk-visit .services').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(18);
    for (const target of [more, desk.locator('a.calendar-link')]) expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    await saveElementScreenshot(desk, 'desks-phone-visits-all');

    // The calendar link hands the site's feed to the phone: text/calendar, the cancelled visit marked so.
    const link = desk.locator('a.calendar-link');
    expect(await link.innerText()).toContain('日历');
    expect(await link.getAttribute('href')).toBe(`/api/desks/site/${site.id}.ics`);
    const feed = await page.evaluate(async (href) => {
      const res = await fetch(href);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    }, (await link.evaluate((a) => (a as HTMLAnchorElement).href)));
    expect(feed.status).toBe(200);
    expect(feed.type).toMatch(/^text\/calendar/);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.body).toContain('STATUS:CANCELLED');

    // The elderly walk: the same desks, the minutes to the gate for that pace.
    const slow = await minutesToNeighbour('elderly');
    expect(slow).toBeGreaterThan(walk);
    await page.locator('.profiles [data-profile="elderly"]').click();
    await expect.poll(() => rowText(page, 2).catch(() => ''), { timeout: 30_000 }).toContain(`步行约 ${slow} 分钟`);
    expect(await page.locator('#desk .desk-visit').count()).toBe(5);
    expect(s.foreignRequests()).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });

  it('in English and in large-text mode', async () => {
    const page = await s.newPage('phone', 'desk-phone-english');
    await page.goto(`/m/site/${site.id}?lang=en`);
    const desk = page.locator('#desk');
    await desk.waitFor({ state: 'visible', timeout: 30_000 });
    const walk = await minutesToNeighbour('standard');
    expect(await desk.locator('h2').innerText()).toContain('Mobile service desk');
    const c = await rowText(page, 0);
    for (const part of [dateText(1, 'en'), 'Tomorrow', 'Cancelled', `Reason: ${REASON}`, `about ${walk} min walk`]) expect(c).toContain(part);
    expect(await rowText(page, 1)).toContain('At this site');
    expect(await desk.locator('.desk-more summary').innerText()).toBe('Show 2 more');
    expect(await desk.locator('a.calendar-link').innerText()).toContain('phone calendar');
    await page.locator('#large-text').click();
    expect(await contrastFailures(page)).toEqual([]);
    await desk.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'desks-phone-english-large');
    expect(s.foreignRequests()).toEqual([]);
    expect(s.failedResponses).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
