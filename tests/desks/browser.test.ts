// The phone view behind a board's QR code shows the next desk visit, in a real Chromium against the
// running service: a visit booked through the staff API appears on /m/site/:id with its date, time and
// services; a cancelled earlier visit nearby is not announced as the next one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helper.ts';
import { saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';
import { metresBetween, plusDays, shanghaiToday, taoyuanSites, TAOYUAN, withoutSampleDesks, type SiteFeature } from './fixtures.ts';

let s: BrowserSession;
let site: SiteFeature;
let dayAfterTomorrow: string;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  // The sample plans' visits nearby would be "next" on some days of the week: this test books its own.
  await withoutSampleDesks(s.app);
  const editor = await loginAs(s.app, 'editor', TAOYUAN);
  const sites = await taoyuanSites(s.app);
  site = sites.find((x) => x.name === '照耀里社区党群服务中心')!;
  const neighbour = sites.filter((x) => x.kind === 'compound_gate')
    .sort((a, b) => metresBetween(a, site) - metresBetween(b, site))[0];
  const today = shanghaiToday();
  dayAfterTomorrow = plusDays(today, 2);
  // Tomorrow at the nearest compound gate, cancelled; the day after tomorrow at the site itself.
  const early = await editor.inject({
    method: 'POST', url: '/api/desks/visits',
    payload: { date: plusDays(today, 1), start_time: '09:00', end_time: '11:00', place: { kind: 'site', site_id: neighbour.id }, services: ['traffic'] },
  });
  expect(early.statusCode, early.body).toBe(201);
  const cancel = await editor.inject({ method: 'POST', url: `/api/desks/visits/${early.json().id}/cancel`, payload: { version: 1, reason: '因雨改期' } });
  expect(cancel.statusCode, cancel.body).toBe(200);
  const next = await editor.inject({
    method: 'POST', url: '/api/desks/visits',
    payload: {
      date: dayAfterTomorrow, start_time: '14:00', end_time: '17:00', place: { kind: 'site', site_id: site.id },
      services: ['haircut', 'doctor', 'elderly_allowance'], partners: ['桃园街道社区卫生服务中心'], contact_phone: '022-24168691',
    },
  });
  expect(next.statusCode, next.body).toBe(201);
});
afterAll(async () => { await s?.close(); });

describe('phone view of a board site', () => {
  it('shows the next desk visit at the site: date, weekday, time window and services', async () => {
    const page = await s.newPage('phone', 'desk-phone');
    await page.goto(`/m/site/${site.id}`);
    const desk = page.locator('#desk');
    await desk.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await desk.innerText()).replace(/\s+/g, ' ');
    const weekday = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'][new Date(`${dayAfterTomorrow}T00:00:00Z`).getUTCDay()];
    expect(text).toContain('流动办公桌');
    expect(text).toContain(dayAfterTomorrow);
    expect(text).toContain(weekday);
    expect(text).toContain('14:00');
    expect(text).toContain('17:00');
    expect(text).toContain('便民理发');
    expect(text).toContain('医生坐诊');
    expect(text).toContain('就在本站点');
    // The cancelled visit of tomorrow is not announced as the next one.
    expect(text).not.toContain('交管业务');
    await desk.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'desks-phone-next-visit');
    expect(s.foreignRequests()).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
