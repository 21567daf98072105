// The time a resident asks about, in a real Chromium, on the real network: a compound passage from 津港路
// to 友谊北路 is published with a gate shut 22:00–06:00. At 10:00 on a weekday (the page's clock) the
// resident map and the phone page walk through it; picking 22:30 ("其他时间") sends at= and the same
// service is farther, exactly as /api/reach says for that time; "中午" brings it back. The phone page in
// 大字 mode keeps the choice in its address and says which services are open at the time picked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { loginAs } from '../helper.ts';

const PASSAGE: [number, number][] = [[117.1957561, 39.1023177], [117.19753, 39.10232]];
const PASSAGE_GATE: [number, number] = [117.19665, 39.10232];
const ON_JINGANG: [number, number] = [117.1945, 39.1025];
// A weekday in the district, 10:00 (the browser runs in Asia/Shanghai).
const WEEKDAY_10 = new Date('2026-12-09T10:00:00+08:00');
const DAY = '2026-12-09';

let s: BrowserSession;
/** A category whose nearest service from ON_JINGANG is nearer through the passage, and the site whose walk it shortens. */
let category: string;
let siteId: number;
let siteCategory: string;

const minutesOf = (walkS: number) => Math.max(1, Math.ceil(walkS / 60 - 1e-9));

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  const admin = await loginAs(s.app, 'admin');
  const reachAt = async (at: string) => (await s.app.inject(`/api/reach?lon=${ON_JINGANG[0]}&lat=${ON_JINGANG[1]}&per_category=1&at=${at}`)).json();
  const before = await reachAt(`${DAY}T10:00`);
  const path = await admin.inject({ method: 'POST', url: '/api/network/corrections', payload: { street_code: '120103003000', kind: 'path', geometry: { type: 'LineString', coordinates: PASSAGE }, note: '示例：小区内部通道' } });
  expect(path.statusCode, path.body).toBe(201);
  const preview = await admin.inject({ method: 'POST', url: `/api/network/corrections/${path.json().id}/preview`, payload: {} });
  const sites = (preview.json().sites as { site_id: number; profile: string; category_id: string; before: { walk_s: number } | null; after: { walk_s: number } | null }[])
    .filter((c) => c.profile === 'standard' && c.after && c.after.walk_s < 14 * 60 && c.after.walk_s < (c.before?.walk_s ?? 3600) - 5);
  expect(sites.length).toBeGreaterThan(0);
  siteId = sites[0].site_id;
  siteCategory = sites[0].category_id;
  expect((await admin.inject({ method: 'POST', url: `/api/network/corrections/${path.json().id}/publish`, payload: { version: 1 } })).statusCode).toBe(200);
  const gate = await admin.inject({ method: 'POST', url: '/api/network/corrections', payload: { street_code: '120103003000', kind: 'gate', geometry: { type: 'Point', coordinates: PASSAGE_GATE }, opening_hours: 'Mo-Su 06:00-22:00' } });
  expect(gate.statusCode, gate.body).toBe(201);
  expect((await admin.inject({ method: 'POST', url: `/api/network/corrections/${gate.json().id}/publish`, payload: { version: 1 } })).statusCode).toBe(200);
  const day = await reachAt(`${DAY}T10:00`);
  const night = await reachAt(`${DAY}T22:30`);
  const nearer = Object.keys(day.nearest).filter((c) => day.nearest[c][0] && day.nearest[c][0].walk_s < (before.nearest[c][0]?.walk_s ?? 3600) - 5
    && (night.nearest[c][0]?.walk_s ?? 3600) > day.nearest[c][0].walk_s + 5);
  expect(nearer.length, 'a category nearer through the passage by day').toBeGreaterThan(0);
  category = nearer[0];
}, 240_000);
afterAll(async () => { await s?.close(); });

describe('the time asked about', () => {
  it('resident map: now (10:00) walks through the gate, 22:30 goes round, 中午 comes back; each as /api/reach says for that time', async () => {
    const page = await s.newPage('desktop', 'time-resident');
    await page.clock.setFixedTime(WEEKDAY_10);
    await page.goto(`/#o=${ON_JINGANG[0]},${ON_JINGANG[1]}`);
    const first = page.locator(`#results .group[data-category="${category}"] .result-item .min`).first();
    await first.waitFor({ timeout: 30_000 });
    // The walk in minutes to a tenth, as the page holds it (data-walk-min) and /api/reach answers it.
    const shown = async () => Number(await first.getAttribute('data-walk-min'));
    const api = async (at: string) => (await s.app.inject(`/api/reach?lon=${ON_JINGANG[0].toFixed(6)}&lat=${ON_JINGANG[1].toFixed(6)}&per_category=3&at=${at}`)).json().nearest[category][0].walk_min;
    expect(await shown()).toBe(await api(`${DAY}T10:00`));

    const night = page.waitForResponse((r) => r.url().includes('/api/reach') && r.url().includes(`at=${DAY}T22%3A30`));
    await page.locator('#time-choice').selectOption('at');
    await page.locator('#time-at').fill('22:30');
    await page.locator('#time-at').dispatchEvent('change');
    await night;
    await page.locator('#results .muted', { hasText: '22:30' }).waitFor();
    expect(await shown()).toBe(await api(`${DAY}T22:30`));
    expect(await shown()).toBeGreaterThan(await api(`${DAY}T10:00`));
    expect(page.url()).toContain('t=22:30');
    await waitForMapIdle(page);
    await saveScreenshot(page, 'time-resident-2230');

    await page.locator('#time-choice').selectOption('noon');
    await page.locator('#results .muted', { hasText: '12:00' }).waitFor();
    expect(await shown()).toBe(await api(`${DAY}T12:00`));
    expect(await shown()).toBeLessThan(await api(`${DAY}T22:30`));
  }, 180_000);

  it('phone page in 大字: the board site\'s list follows the time picked, keeps it in the address, and says what is open then', async () => {
    const page = await s.newPage('phone', 'time-phone');
    await page.clock.setFixedTime(WEEKDAY_10);
    await page.goto(`/m/site/${siteId}`);
    await page.locator('#list .point').first().waitFor({ timeout: 30_000 });
    await page.locator('#large-text').click();
    const row = page.locator(`#list .group[data-category="${siteCategory}"] .point .min`).first();
    const shown = async () => Number(await row.getAttribute('data-walk-min'));
    const api = async (at: string) => (await s.app.inject(`/api/reach?site=${siteId}&per_category=50&at=${at}`)).json().nearest[siteCategory][0].walk_min;
    const byDay = await shown();
    expect(byDay).toBe(await api(`${DAY}T10:00`));

    await page.locator('#time-choice').selectOption('at');
    await page.locator('#time-at').fill('22:30');
    await page.locator('#time-at').dispatchEvent('change');
    await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/t=22(:|%3A)30/);
    await expect.poll(shown, { timeout: 20_000 }).toBe(await api(`${DAY}T22:30`));
    expect(await shown()).toBeGreaterThan(byDay);
    // Open states are for 22:30: nothing with daytime hours says it is open.
    const states = await page.locator('#list .open-state[data-state]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
    expect(states.length).toBeGreaterThan(3);
    expect(states).toContain('closed');
    await saveScreenshot(page, 'time-phone-large-2230', true);

    // Opened again from the address, the page answers for 22:30 at once.
    await page.reload();
    await page.locator('#list .point').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#time-choice').inputValue()).toBe('at');
    expect(await page.locator('#time-at').inputValue()).toBe('22:30');
    await expect.poll(shown, { timeout: 20_000 }).toBe(await api(`${DAY}T22:30`));
    // The control is big enough to tap in 大字 mode.
    const box = await page.locator('#time-choice').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);

    const desktop = await s.newPage('desktop', 'time-phone-desktop');
    await desktop.clock.setFixedTime(WEEKDAY_10);
    await desktop.goto(`/m/site/${siteId}?lang=en&t=evening`);
    await desktop.locator('#list .point').first().waitFor({ timeout: 30_000 });
    expect(await desktop.locator('#time-choice').inputValue()).toBe('evening');
    expect(await desktop.locator('#time-choice-label').textContent()).toBe('Time');
    await saveScreenshot(desktop, 'time-phone-desktop-en');
  }, 180_000);
  it('a phone set to another time zone asks about the district\'s clock: "now" and 中午 are Tianjin\'s, not New York\'s', async () => {
    // 10:00 in the district is 21:00 the evening before in New York.
    const page = await s.newPage('phone', 'time-phone-newyork', { timezoneId: 'America/New_York' });
    await page.clock.setFixedTime(WEEKDAY_10);
    const asked = page.waitForRequest((r) => r.url().includes('/api/reach?'));
    await page.goto(`/m/site/${siteId}`);
    expect(new URL((await asked).url()).searchParams.get('at')).toBe(`${DAY}T10:00`);
    await page.locator('#list .point').first().waitFor({ timeout: 30_000 });
    const noon = page.waitForRequest((r) => r.url().includes('/api/reach?') && r.url().includes('at='));
    await page.locator('#time-choice').selectOption('noon');
    expect(new URL((await noon).url()).searchParams.get('at')).toBe(`${DAY}T12:00`);
  });
});
