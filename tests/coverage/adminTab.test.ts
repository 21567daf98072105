// The coverage tab of /admin in a real Chromium, as the 桃园街道 editor: the map of compounds by gaps,
// a compound's categories against the targets, the 14-street overview, a what-if click by 津港路 that
// draws rings and newly covers the 津港路 compounds, a suggestion run, and a target override.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';

const TAOYUAN = '120103003000';
let s: BrowserSession;
let page: Page;
let password: string;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  password = generatePassword();
  await createStaffUser(s.app.db, { username: 'taoyuan_planner', password, role: 'editor', street_code: TAOYUAN });
  page = await s.newPage('desktop', 'coverage-admin');
  await page.setViewportSize({ width: 1400, height: 1000 });
});
afterAll(async () => { await s?.close(); });

/** Features of a GeoJSON source as the map holds them. */
const sourceFeatures = (id: string) => page.evaluate((sourceId) => {
  const map = (window as any).__map;
  return (map.getSource(sourceId)._data?.geojson ?? map.getSource(sourceId)._data)?.features?.map((f: any) => f.properties) ?? [];
}, id) as Promise<Record<string, any>[]>;

async function clickAt(lon: number, lat: number): Promise<void> {
  const point = await page.evaluate(([x, y]) => (window as any).__map.project([x, y]), [lon, lat]);
  const box = (await page.locator('.coverage-map canvas').boundingBox())!;
  await page.mouse.click(box.x + point.x, box.y + point.y);
}

describe('coverage tab', () => {
  it('shows the compounds by gaps, a compound\'s categories, the street table and the 14-street overview', async () => {
    await page.goto('/admin#coverage');
    await page.getByLabel('用户名').fill('taoyuan_planner');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('table.coverage-overview-table tbody tr').first().waitFor({ timeout: 60_000 });
    await waitForMapIdle(page);
    const compounds = await sourceFeatures('cov-compounds');
    expect(compounds).toHaveLength(53);
    expect(compounds.filter((c) => Number(c.label) > 0).length).toBeGreaterThan(30);
    const overview = page.locator('table.coverage-overview-table tbody tr');
    expect(await overview.count()).toBe(14);
    expect(await page.locator('table.coverage-overview-table tbody tr.no-data').count()).toBe(13);
    expect(await page.locator('table.coverage-overview-table tbody tr.no-data').first().innerText()).toContain('无数据');
    expect(await page.locator('table.coverage-by-category tbody tr').count()).toBe(10);
    // the editor of this street can change targets here
    expect(await page.locator('table.coverage-by-category input.target-input').count()).toBe(10);

    await page.locator('table.coverage-worst-table tbody tr', { hasText: '津港路' }).first().click();
    const detail = page.locator('table.coverage-compound');
    await detail.waitFor();
    expect(await page.locator('.coverage-side h3').innerText()).toContain('津港路');
    expect(await detail.locator('tr[data-category="elder_care"]').innerText()).toContain('缺口');
    expect(await detail.locator('tr[data-category="health"]').innerText()).toContain('已覆盖');
    await waitForMapIdle(page);
    await saveScreenshot(page, 'coverage-admin-gaps', true);
  });

  it('what-if: a click by 津港路 draws the rings and newly covers the 津港路 compounds', async () => {
    await page.getByRole('button', { name: '新增试算' }).click();
    expect(await page.locator('select[name="category"]').inputValue()).toBe('elder_care');
    await clickAt(117.1955, 39.1032);
    const headline = page.locator('.coverage-whatif .headline');
    await headline.waitFor({ timeout: 30_000 });
    expect(await headline.innerText()).toMatch(/新增覆盖 9 个小区/);
    expect(await page.locator('table.coverage-newly').innerText()).toContain('津港路');
    await waitForMapIdle(page);
    expect((await sourceFeatures('cov-rings')).map((r) => r.minutes).sort((a, b) => a - b)).toEqual([5, 10, 15]);
    expect(await sourceFeatures('cov-newly')).toHaveLength(9);
    await saveScreenshot(page, 'coverage-admin-whatif', true);
  });

  it('suggests sites, the best on 津港路, and shows it on the map', async () => {
    await page.getByRole('button', { name: '选址建议' }).click();
    await page.getByRole('button', { name: '生成建议' }).click();
    const rows = page.locator('table.coverage-suggestions tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.first().innerText()).toMatch(/交口附近|旁/);
    await waitForMapIdle(page);
    expect((await sourceFeatures('cov-points')).map((p) => p.label)).toContain('1');
    await saveScreenshot(page, 'coverage-admin-suggest', true);
  });

  it('the street editor overrides a target and the table follows; then returns it to the default', async () => {
    await page.getByRole('button', { name: '缺口分析' }).click();
    const row = page.locator('table.coverage-by-category tr[data-category="elder_care"]');
    const before = await row.locator('td').nth(1).innerText();
    await row.locator('input.target-input').fill('20');
    await row.getByRole('button', { name: '保存' }).click();
    await page.locator('.admin-status', { hasText: '已保存' }).waitFor({ timeout: 30_000 });
    await page.locator('table.coverage-by-category tr[data-category="elder_care"] button', { hasText: '恢复默认' }).waitFor();
    const after = await page.locator('table.coverage-by-category tr[data-category="elder_care"] td').nth(1).innerText();
    expect(after).not.toBe(before);
    expect(after).toContain('100%');
    await page.locator('table.coverage-by-category tr[data-category="elder_care"] button', { hasText: '恢复默认' }).click();
    await page.waitForFunction((text) => document.querySelector('table.coverage-by-category tr[data-category="elder_care"] td:nth-child(2)')?.textContent === text, before);
    expect(s.failedResponses).toEqual([]);
    // Chromium asks for /favicon.ico, which the pages do not have (yet); its 404 is the only console error allowed.
    const favicon = s.requests.some((r) => r.url.endsWith('/favicon.ico'));
    expect(s.pageErrors.filter((e) => !(favicon && e.endsWith('Failed to load resource: the server responded with a status of 404 (Not Found)')))).toEqual([]);
    expect(s.foreignRequests()).toEqual([]);
  });
});
