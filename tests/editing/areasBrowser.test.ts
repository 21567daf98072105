// Street areas in /admin, in a real Chromium: the editing map draws the approximate street outlines
// (dashed, labelled 近似边界); a street editor who places a point just outside the approximate line sees
// the warning and a confirmation box before saving, and saves only after ticking it; a point placed
// inside gets its community from the position; another street's point shows its street read-only; the
// district admin sees the boundaries tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import type { AreaShape } from '../../server/records/placement.ts';
import { besideBoundary } from './areaPositions.ts';

const TAOYUAN = '120103003000';
const DAYINGMEN = '120103001000';
// Beside the first gate of the sample compound 照耀里, on the real network.
const INSIDE: [number, number] = [117.2014, 39.1036];

let s: BrowserSession;
const editorName = `area_editor_${process.pid}`;
const adminName = `area_admin_${process.pid}`;
const password = generatePassword();
let approximate: AreaShape[];
let foreignPointId = 0;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  await createStaffUser(s.app.db, { username: editorName, password, role: 'editor', street_code: TAOYUAN, display_name: '桃园街道编辑' });
  await createStaffUser(s.app.db, { username: adminName, password, role: 'admin', street_code: null, display_name: '区管理员' });
  const fc = (await s.app.inject('/api/areas')).json() as { features: { geometry: { coordinates: [number, number][][][] }; properties: AreaShape }[] };
  approximate = fc.features.map((f) => ({ ...f.properties, polygons: f.geometry.coordinates }));
  // A point of 大营门街道 (created straight in the database: the editor only reads it).
  const { id } = await s.app.db.insertInto('service_points').values({
    name: '大营门测试老人家食堂', category_id: 'elder_care', dimension_id: 'welfare', street_code: DAYINGMEN, source: 'manual', is_sample: false,
    geom: (await import('kysely')).sql`ST_SetSRID(ST_MakePoint(117.209, 39.113), 4326)`,
  } as never).returning('id').executeTakeFirstOrThrow();
  foreignPointId = id;
});
afterAll(async () => { await s?.close(); });

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.admin-user').waitFor();
}

async function clickMapAt(page: Page, lngLat: [number, number]): Promise<void> {
  await page.locator('.map-box').scrollIntoViewIfNeeded();
  await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 16.5 }), lngLat);
  await waitForMapIdle(page);
  const at = await page.evaluate((ll) => {
    const map = (window as any).__map;
    const q = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + q.x, y: r.top + q.y };
  }, lngLat);
  await page.mouse.click(at.x, at.y);
}

const field = (page: Page, name: string) => page.locator(`.record-form [name="${name}"]`);

describe.each(['desktop', 'phone'] as const)('areas in /admin (%s)', (viewport) => {
  let page: Page;
  beforeAll(async () => {
    page = await s.newPage(viewport, `areas-${viewport}`);
    page.on('dialog', (d) => void d.accept());
    await signIn(page, editorName);
    await page.locator('.record-list tr[data-id]').first().waitFor();
    await waitForMapIdle(page);
  });

  it('draws the approximate street outlines with their 近似边界 labels', async () => {
    await page.waitForFunction(() => ((window as any).__map.getSource('areas')?._data?.features?.length ?? 0) > 0
      || ((window as any).__map.querySourceFeatures('areas').length > 0));
    await page.locator('.map-box').scrollIntoViewIfNeeded();
    await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 13.5 }), INSIDE);
    await waitForMapIdle(page);
    const labels = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['areas-street-label'] })
      .map((f: any) => f.properties.label as string));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((l: string) => l.endsWith('（近似边界）'))).toBe(true);
    expect(labels).toContain('桃园街道（近似边界）');
    await saveScreenshot(page, `areas-map-outlines-${viewport}`);
  });

  it('warns before saving a point just outside the approximate line, and saves it after the confirmation', async () => {
    const outside = besideBoundary(approximate, approximate.find((a) => a.code === TAOYUAN && a.level === 'street')!, 150);
    await page.locator('[data-action="new"]').click();
    if (viewport === 'desktop') await clickMapAt(page, outside);
    else {
      // On the phone the coordinates are typed (as from a GPS reading), the other way to place a point.
      await field(page, 'lon').fill(String(outside[0]));
      await field(page, 'lat').fill(String(outside[1]));
    }
    expect(Number(await field(page, 'lon').inputValue())).toBeCloseTo(outside[0], 4);
    await field(page, 'name').fill(`边界外测试点${viewport}`);
    await field(page, 'category').selectOption('elder_care');
    const box = page.locator('.record-form .area-confirm');
    await box.waitFor({ state: 'visible' });
    expect(await box.textContent()).toContain('超出桃园街道近似边界');
    await box.scrollIntoViewIfNeeded();
    await saveScreenshot(page, `areas-form-warning-${viewport}`);
    // Saving without the tick sends nothing.
    const sent: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/points')) sent.push(r.postData() ?? ''); });
    await page.locator('[data-action="save"]').click();
    await page.locator('.admin-status', { hasText: '请先核实并勾选确认' }).waitFor();
    expect(sent).toHaveLength(0);
    await page.locator('[data-action="confirm-area"]').check();
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/points'));
    await page.locator('[data-action="save"]').click();
    const res = await created;
    expect(res.status()).toBe(201);
    expect(JSON.parse(sent[0]).confirm_outside_area).toBe(true);
    expect((await res.json()).properties.street_code).toBe(TAOYUAN);
  });

  it('sets the community from the position of a new point', async () => {
    await page.locator('[data-action="new"]').click();
    await clickMapAt(page, INSIDE);
    const community = await field(page, 'community_code').inputValue();
    expect(community).toMatch(/^1201030030\d\d$/);
    const holding = approximate.filter((a) => a.level === 'community' && a.street_code === TAOYUAN)
      .find((a) => a.code === community);
    expect(holding).toBeDefined();
    expect(await page.locator('.record-form .area-confirm').isVisible()).toBe(false);
  });

  it("shows another street's point read-only with its street named", async () => {
    await page.evaluate((id) => { location.hash = `#points/${id}`; location.reload(); }, foreignPointId);
    await page.locator('.record-form h2').waitFor();
    await page.waitForFunction(() => document.querySelector('.record-form h2')?.textContent?.includes('大营门测试老人家食堂'));
    const street = field(page, 'street_code');
    expect(await street.isDisabled()).toBe(true);
    expect(await street.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent)).toBe('大营门街道');
    await street.scrollIntoViewIfNeeded();
    await saveScreenshot(page, `areas-readonly-other-street-${viewport}`);
  });
});

describe('the boundaries tab (district admin)', () => {
  it('lists each street with its boundary source and offers the import', async () => {
    const page = await s.newPage('desktop', 'areas-admin');
    await signIn(page, adminName);
    await page.getByRole('tab', { name: '边界' }).click();
    await page.locator('.areas-table tr[data-code]').first().waitFor();
    expect(await page.locator('.areas-table tr[data-code]').count()).toBe(14);
    expect(await page.locator('.areas-table tr[data-code="120103003000"]').textContent()).toContain('近似边界');
    expect(await page.locator('.area-import input[type="file"]').count()).toBe(1);
    await saveScreenshot(page, 'areas-admin-tab-desktop', true);
  });
});
