// The 路网 tab in a real Chromium: the district admin draws a path into a compound with terra-draw (mouse
// clicks on the map), saves it as a draft, previews it (the ring after it appears where there was none) and
// publishes it; the resident map then answers the place with rings, where before it could not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, signInToAdmin, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.ts';
import { importNetwork, readExtract } from '../../server/network/networkImport.ts';

// The place 272 m from the nearest mapped way, and that way's nearest point.
const PLACE: [number, number] = [117.19372, 39.10697];
const STREET_POINT: [number, number] = [117.1957316, 39.1050791];

let s: BrowserSession;
const adminName = `net_admin_${process.pid}`;
const password = generatePassword();

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  await createStaffUser(s.app.db, { username: adminName, password, role: 'admin', street_code: null, display_name: '区管理员' });
});
afterAll(async () => { await s?.close(); });

async function pixelOf(page: Page, lngLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = (window as any).__map;
    const q = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + q.x, y: r.top + q.y };
  }, lngLat);
}

describe('路网 tab', () => {
  it('draw a path, preview, publish, and the resident map answers the place', async () => {
    const page = await s.newPage('desktop', 'network-desktop');
    // Before: the resident map cannot answer the place (off the network).
    const before = await s.app.inject(`/api/reach?lon=${PLACE[0]}&lat=${PLACE[1]}`);
    expect(before.statusCode).toBe(422);

    await signInToAdmin(page, '', adminName, password);
    await page.locator('.admin-user').waitFor();
    await page.getByRole('tab', { name: '路网' }).click();
    await page.locator('.network-form').waitFor();
    await page.waitForFunction(() => (window as any).__map?.getSource('corrections'));
    await page.locator('.map-box').scrollIntoViewIfNeeded();
    await page.evaluate((c) => (window as any).__map.jumpTo({ center: c, zoom: 16.2 }), [(PLACE[0] + STREET_POINT[0]) / 2, (PLACE[1] + STREET_POINT[1]) / 2]);
    await waitForMapIdle(page);

    await page.getByRole('button', { name: '在地图上绘制' }).click();
    const a = await pixelOf(page, STREET_POINT);
    const b = await pixelOf(page, PLACE);
    await page.mouse.move(a.x, a.y);
    await page.mouse.click(a.x, a.y);
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2);
    await page.mouse.move(b.x, b.y);
    await page.mouse.click(b.x, b.y);
    await page.mouse.click(b.x, b.y); // a second click on the last point ends the line
    await page.locator('.network-form [name="note"]').fill('示例：小区内部通道');
    await saveScreenshot(page, 'network-desktop-drawn');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.locator('.record-list tr[data-id]').first().waitFor();
    const list = (await s.app.inject({ method: 'GET', url: '/api/network/corrections', headers: {} })).statusCode;
    expect(list).toBe(401); // staff only
    const stored = await s.app.db.selectFrom('network_corrections').selectAll().execute();
    expect(stored.length).toBe(1);
    expect(stored[0].status).toBe('draft');

    await page.locator('.record-list tr[data-id]').first().click();
    await page.getByRole('button', { name: '预览' }).click();
    await page.locator('.network-preview h3').waitFor();
    const sides = await page.evaluate(async () => (await (window as any).__map.getSource('preview').getData()).features.map((f: any) => f.properties.side));
    expect(sides).toContain('after');
    expect(sides).not.toContain('before'); // before, the place had no ring at all
    await waitForMapIdle(page);
    await saveScreenshot(page, 'network-desktop-preview');

    await page.getByRole('button', { name: '发布' }).click();
    await page.locator('.record-list td', { hasText: '已发布' }).waitFor();
    await saveScreenshot(page, 'network-desktop-published');
    const phone = await s.newPage('phone', 'network-phone');
    await signInToAdmin(phone, '', adminName, password);
    await phone.locator('.admin-user').waitFor();
    await phone.getByRole('tab', { name: '路网' }).click();
    await phone.locator('.record-list tr[data-id]').first().waitFor();
    await waitForMapIdle(phone);
    await saveScreenshot(phone, 'network-phone', true);

    // The resident map now answers the place with its rings.
    const resident = await s.newPage('desktop', 'network-resident');
    await resident.goto(`/#o=${PLACE[0]},${PLACE[1]}`);
    await resident.locator('#results .result-item').first().waitFor({ timeout: 30_000 });
    await waitForMapIdle(resident);
    const rings = await resident.evaluate(() => (window as any).__map.querySourceFeatures('rings').map((f: any) => f.properties.minutes));
    expect(new Set(rings)).toEqual(new Set([5, 10, 15]));
    await saveScreenshot(resident, 'network-resident-after');
  }, 240_000);

  it('a correction an import could not re-anchor shows 需复核 with the reason, and the admin reads the latest import report', async () => {
    // The import itself and its marking are proven in import.test.ts; here, what the office sees of them.
    const extract = await readExtract(path.join(PROJECT_ROOT, 'data', 'osm', 'hexi_osm_roads.geojson'));
    const report = await importNetwork(s.app.db, extract, { source: 'hexi_osm_roads.geojson', dryRun: false, profiles: s.app.catalog.profiles, maxSnapM: s.app.config.maxSnapM });
    await s.app.dataEvents.publish(s.app.db, { kind: 'network' });
    const [c] = await s.app.db.selectFrom('network_corrections').select('id').orderBy('id').execute();
    await s.app.db.updateTable('network_corrections').set({ needs_review: true, review_reason: 'the way it joined is gone from the new network', review_reason_zh: '它连接的道路已不在新路网中' }).where('id', '=', c.id).execute();

    for (const size of ['desktop', 'phone'] as const) {
      const page = await s.newPage(size, `network-review-${size}`);
      await signInToAdmin(page, '', adminName, password);
      await page.locator('.admin-user').waitFor();
      await page.getByRole('tab', { name: '路网' }).click();
      const badge = page.locator(`.record-list tr[data-id="${c.id}"] .badge.review`);
      await badge.waitFor();
      expect(await badge.textContent()).toBe('需复核');
      expect(await badge.getAttribute('title')).toContain('它连接的道路已不在新路网中');
      await page.locator(`.record-list tr[data-id="${c.id}"]`).click();
      const reason = page.locator('.network-history .field-warning');
      await reason.waitFor();
      expect(await reason.textContent()).toContain('需复核：它连接的道路已不在新路网中');
      const imports = page.locator('.network-imports li');
      await imports.first().waitFor();
      const lines = await imports.allTextContents();
      expect(lines).toHaveLength(5);
      expect(lines[0]).toContain('hexi_osm_roads.geojson');
      expect(lines[1]).toContain(`现有可步行道路 ${report.km.after} 公里`);
      expect(lines[4]).toContain(`${report.board_sites.sites_checked} 个中`);
      await reason.scrollIntoViewIfNeeded();
      await saveScreenshot(page, `network-review-${size}`, true);
    }
  }, 240_000);
});
