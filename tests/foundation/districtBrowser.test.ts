// The pages take the district from the service, not from their code: the resident map's subtitle names the
// district of data/district.json (GET /api/district/info) and the map opens on its centre and zoom, and a district admin, who has no street of
// their own, finds the admin tabs opened on the district file's default_street.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { saveScreenshot, signInToAdmin, startStaffBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';

const district = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data', 'district.json'), 'utf8'));
let s: BrowserSession;
let password: string;

beforeAll(async () => {
  ({ session: s, password } = await startStaffBrowserSession({ username: 'district_admin', role: 'admin', street_code: null }));
});
afterAll(async () => { await s?.close(); });

describe('the district in the pages', () => {
  it('the resident map names the configured district, in Chinese and in English', { timeout: 120_000 }, async () => {
    const page = await s.newPage('desktop', 'district-resident');
    await page.goto('/');
    await expect.poll(() => page.locator('.subtitle').textContent()).toContain(district.name_zh);
    await expect.poll(() => page.locator('.maplibregl-canvas').getAttribute('aria-label', { timeout: 30_000 }), { timeout: 30_000 }).toContain(`${district.name_zh}地图`);
    await waitForMapIdle(page);
    // The map opens on the district file's centre and zoom (no place in the address).
    const view = await page.evaluate(() => { const map = (window as any).__map; return { center: map.getCenter().toArray() as number[], zoom: map.getZoom() as number }; });
    expect(view.center[0]).toBeCloseTo(district.center[0], 4);
    expect(view.center[1]).toBeCloseTo(district.center[1], 4);
    expect(view.zoom).toBeCloseTo(district.zoom, 1);
    await saveScreenshot(page, 'district-resident-desktop');
    const phone = await s.newPage('phone', 'district-resident-en');
    await phone.goto('/?lang=en');
    await expect.poll(() => phone.locator('.subtitle').textContent()).toContain(district.name_en);
    await waitForMapIdle(phone);
    await saveScreenshot(phone, 'district-resident-phone-en');
  });

  it('an admin without a street of their own opens the desks and reports tabs on the default street', async () => {
    const streets = (await s.app.inject('/api/streets')).json() as { code: string; name: string }[];
    const defaultName = streets.find((x) => x.code === district.default_street)!.name;
    // Not simply the first street of the list: the choice comes from the district file.
    expect(streets[0].code).not.toBe(district.default_street);
    for (const [viewport, tab] of [['desktop', '#desks'], ['phone', '#reports']] as const) {
      const page = await s.newPage(viewport, `district-admin-${tab.slice(1)}`);
      await signInToAdmin(page, tab, 'district_admin', password);
      const select = page.getByRole('combobox', { name: '街道' }).first();
      await expect.poll(() => select.inputValue(), { timeout: 20_000 }).toBe(district.default_street);
      expect(await select.locator('option:checked').textContent()).toBe(defaultName);
      await saveScreenshot(page, `district-admin-${tab.slice(1)}-${viewport}`);
    }
  });
});
