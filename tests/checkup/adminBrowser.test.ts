// The check-up panel of the coverage tab in a real Chromium, as the district admin: the 15-minute score
// layer drawn from our own vector tiles with its legend and the shares saying their weighting, a snapshot
// taken and its sentence, and the report made as a job with a download link. Screenshots at phone and
// desktop widths go to test-artifacts/ for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, signInToAdmin, startStaffBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';

let s: BrowserSession;
let password: string;

beforeAll(async () => {
  ({ session: s, password } = await startStaffBrowserSession({ username: 'district_checkup', role: 'admin', street_code: null }));
});
afterAll(async () => { await s?.close(); });

async function signIn(page: Page): Promise<void> {
  await signInToAdmin(page, '#coverage', 'district_checkup', password);
  await page.locator('.checkup-share-list li').first().waitFor({ timeout: 90_000 });
  await waitForMapIdle(page);
}

describe('check-up panel', () => {
  it('draws the score layer from our tiles, takes a snapshot and makes the report', async () => {
    const page = await s.newPage('desktop', 'checkup-admin');
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page);
    expect(await page.locator('.checkup-share-list li').count()).toBe(10);
    expect(await page.locator('.checkup-share-list').innerText()).toContain('按居民');
    await page.getByLabel('在地图上显示 15 分钟得分').check();
    await waitForMapIdle(page);
    const drawn = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['checkup-score'] }).length);
    expect(drawn).toBeGreaterThan(50);
    expect(await page.locator('.checkup-legend').isVisible()).toBe(true);
    expect(await page.locator('.checkup-step').count()).toBe(11);

    await page.getByRole('button', { name: '立即生成快照' }).click();
    await page.locator('.checkup-sentence', { hasText: '养老' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.checkup-sentence').innerText()).toMatch(/桃园街道，养老：\d+\.\d % → \d+\.\d %/);
    expect(await page.locator('.checkup-chart svg circle').count()).toBe(1);

    await page.getByRole('button', { name: '生成体检报告（PDF）' }).click();
    await page.getByRole('link', { name: '下载体检报告' }).waitFor({ timeout: 120_000 });
    await saveScreenshot(page, 'checkup-admin-desktop', true);
    expect(s.foreignRequests()).toEqual([]);
  });

  it('reads on a phone', async () => {
    const page = await s.newPage('phone', 'checkup-phone');
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page);
    await page.getByLabel('在地图上显示 15 分钟得分').check();
    await waitForMapIdle(page);
    await page.locator('.checkup-panel').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'checkup-admin-phone', false);
    expect(await page.locator('.checkup-legend').isVisible()).toBe(true);
  });

  it('the resident map toggles the score layer with its legend, from our own tiles', async () => {
    for (const [viewport, name] of [['desktop', 'checkup-resident-desktop'], ['phone', 'checkup-resident-phone']] as const) {
      const page = await s.newPage(viewport, name);
      await page.goto('/');
      await waitForMapIdle(page);
      await page.evaluate(() => (window as any).__map.jumpTo({ center: [117.2035, 39.1025], zoom: 15 }));
      await waitForMapIdle(page);
      const toggle = page.getByRole('button', { name: '15分钟得分图' });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await waitForMapIdle(page);
      const drawn = await page.evaluate(() => (window as any).__map.queryRenderedFeatures({ layers: ['score-layer'] }).length);
      expect(drawn, viewport).toBeGreaterThan(20);
      expect(await page.locator('.score-legend').isVisible()).toBe(true);
      await saveScreenshot(page, name, false);
    }
    expect(s.foreignRequests()).toEqual([]);
  }, 240_000);
});
