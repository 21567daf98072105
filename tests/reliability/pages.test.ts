// Names typed by staff reach residents' phones: the phone page behind a board's QR code, the resident
// map, and the staff pages. Markup in a name must show as text and never become an element — checked
// in the DOM (the CSP would also stop an injected script from running, so "nothing ran" proves little).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { loginAs } from '../helper.ts';

const SITE_NAME = '<img src=x id=injected-site onerror="window.__xss=1">展板\u202E测试';
const POINT_NAME = '<b id=injected-point>粗体</b><script>window.__xss=2</script>驿站';
let session: BrowserSession;
let siteId: number;

beforeAll(async () => {
  session = await startBrowserSession();
  const admin = await loginAs(session.app, 'admin');
  const { rows: [site] } = await sql<{ id: number; version: number; lon: number; lat: number }>`
    select id, version, ST_X(geom) as lon, ST_Y(geom) as lat from board_sites
    where status = 'active' and street_code = '120103003000' order by id limit 1`.execute(session.app.db);
  siteId = site.id;
  const renamed = await admin.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, payload: { version: site.version, name: SITE_NAME } });
  expect(renamed.statusCode, renamed.body).toBe(200);
  // A convenience point right at the site: the nearest of its category on the phone page.
  const created = await admin.inject({
    method: 'POST', url: '/api/points',
    payload: { name: POINT_NAME, category: 'convenience', lon: site.lon + 0.0002, lat: site.lat, street_code: '120103003000' },
  });
  expect(created.statusCode, created.body).toBe(201);
});
afterAll(async () => { await session?.close(); });

async function expectInert(page: Page, label: string): Promise<void> {
  const found = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: number }).__xss ?? null,
    injected: [...document.querySelectorAll('#injected-site, #injected-point, img[src="x"]')].map((e) => e.outerHTML),
    inlineScripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
  }));
  expect(found, label).toEqual({ xss: null, injected: [], inlineScripts: 0 });
}

describe('markup in names stays text on the pages', () => {
  it('the phone page behind the QR code shows the site and point names as text', async () => {
    const page = await session.newPage('phone', 'phone');
    await page.goto(`/m/site/${siteId}`);
    await page.waitForFunction(() => document.body.innerText.includes('展板'), undefined, { timeout: 60_000 });
    await page.waitForFunction(() => document.body.innerText.includes('驿站'), undefined, { timeout: 60_000 });
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain('<img src=x');
    // The right-to-left override in the name was dropped on input: the title reads 展板测试, and the sample
    // badge stays after it instead of being pulled into reversed text.
    expect(text).toContain('展板测试');
    expect(text).not.toContain('\u202E');
    // The point's row is drawn when it comes into view (the list's groups are laid out only on screen),
    // so it is brought into view and its rendered text read there.
    const row = page.locator('#board-list li.point').filter({ hasText: '<b id=injected-point>' }).first();
    await row.scrollIntoViewIfNeeded();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('<b id=injected-point>');
    await expectInert(page, 'phone page');
    await saveScreenshot(page, 'reliability-phone-hostile-names');
  });

  it('the resident map lists the point by its name as text', async () => {
    const page = await session.newPage('desktop', 'map');
    await page.goto('/');
    await waitForMapIdle(page, 60_000);
    // Whatever the map shows of the point (labels are drawn by the map, lists by the page), no element is made from it.
    await expectInert(page, 'resident map');
    await saveScreenshot(page, 'reliability-map-hostile-names');
  });

  it('the staff pages show the names as text', async () => {
    const page = await session.newPage('desktop', 'admin');
    const password = 'hostile-names-admin-password';
    const { createStaffUser } = await import('../../server/auth/users.ts');
    await createStaffUser(session.app.db, { username: 'pages_admin', password, role: 'admin' });
    const login = await page.request.post('/api/auth/login', { data: { username: 'pages_admin', password } });
    expect(login.status()).toBe(200);
    await page.goto('/admin');
    await page.waitForLoadState('networkidle');
    await expectInert(page, 'admin');
    await saveScreenshot(page, 'reliability-admin-hostile-names');
    expect(session.foreignRequests()).toEqual([]);
  });
});
