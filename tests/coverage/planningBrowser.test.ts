// The planning panels of the coverage tab in a real Chromium, as the 桃园街道 editor, on a desktop
// (1280×800) and a phone (390×844): the district overview's bands and 无数据, the exact fewest-sites
// answer beside greedy with the map fitted to it, saving scenarios, comparing two, and a draft point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, signInToAdmin, startStaffBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';

const TAOYUAN = '120103003000';
let s: BrowserSession;
let password: string;

beforeAll(async () => {
  ({ session: s, password } = await startStaffBrowserSession({ username: 'taoyuan_plan2', role: 'editor', street_code: TAOYUAN }));
});
afterAll(async () => { await s?.close(); });

async function signIn(page: Page): Promise<void> {
  await signInToAdmin(page, '#coverage', 'taoyuan_plan2', password);
  await page.locator('table.coverage-overview-table tbody tr').first().waitFor({ timeout: 60_000 });
}

const pointsOnMap = (page: Page) => page.evaluate(() => {
  const map = (window as any).__map;
  const src = map.getSource('cov-points');
  return ((src._data?.geojson ?? src._data)?.features ?? []).length as number;
});

describe('planning panels', () => {
  it('desktop: overview bands, the exact answer beside greedy, two scenarios compared, a draft point', async () => {
    const page = await s.newPage('desktop', 'planning-desktop');
    await signIn(page);
    // district overview: grey 无数据 rows, pooled shares say what they pool, cells carry their gap counts
    const noData = page.locator('table.coverage-overview-table tbody tr.no-data td.band-nodata');
    expect(await noData.count()).toBe(13);
    expect(await noData.first().innerText()).toContain('无数据');
    expect(await page.locator('table.coverage-overview-table thead').innerText()).toContain('10 类合计');
    const taoyuanCells = page.locator(`table.coverage-overview-table tr[data-street="${TAOYUAN}"] td[class^="band-"]`);
    expect(await taoyuanCells.count()).toBe(10);
    expect(await page.locator('.overview-legend').innerText()).toContain('缺口小区数');
    expect(await page.locator('.coverage-legend').innerText()).toContain('缺口类别数');

    await page.getByRole('button', { name: '最少新增点' }).click();
    await page.getByRole('button', { name: '精确求解' }).click();
    const panel = page.locator('.coverage-fewest');
    await panel.waitFor({ timeout: 60_000 });
    expect(await panel.innerText()).toContain('HiGHS 已证明最优');
    const exact = Number(await panel.locator('.exact .big').innerText());
    const greedy = Number(await panel.locator('.greedy .big').innerText());
    expect(exact).toBeGreaterThan(0);
    expect(exact).toBeLessThanOrEqual(greedy);
    expect(await page.locator('table.coverage-exact-sites tbody tr').count()).toBe(exact);
    await waitForMapIdle(page);
    expect(await pointsOnMap(page)).toBe(exact);
    expect(await page.locator('.coverage-legend').innerText()).toContain('新服务点位置');
    await saveScreenshot(page, 'planning-fewest-1280');

    // save the exact answer as scenario 甲, the best suggestion as scenario 乙
    await panel.getByRole('button', { name: '全部加入方案' }).click();
    await page.getByLabel('方案名称').fill('最少点方案');
    await page.getByRole('button', { name: '保存方案' }).click();
    await page.locator('.scenario-card', { hasText: '最少点方案' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '选址建议' }).click();
    await page.getByRole('button', { name: '生成建议' }).click();
    await page.locator('table.coverage-suggestions tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('table.coverage-suggestions thead').innerText()).toContain('新增人口（边际）');
    await page.locator('.coverage-side').getByRole('button', { name: '全部加入方案' }).click();
    await page.getByLabel('方案名称').fill('建议方案');
    await page.getByRole('button', { name: '保存方案' }).click();
    await page.locator('.scenario-card', { hasText: '建议方案' }).waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: '对比' }).click();
    const table = page.locator('table.coverage-compare-table');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.innerText()).toContain('重叠');
    await page.locator('.scenario-card', { hasText: '最少点方案' }).getByRole('button', { name: '转为规划草稿服务点' }).first().click();
    await page.locator('.scenario-card', { hasText: '最少点方案' }).locator('.badge', { hasText: '已转草稿' }).waitFor({ timeout: 30_000 });
    await waitForMapIdle(page);
    await saveScreenshot(page, 'planning-scenarios-1280');
    await saveScreenshot(page, 'planning-overview-1280', true);
    expect(s.foreignRequests()).toEqual([]);
  }, 300_000);

  it('phone: the exact answer and the scenarios fit a 390 px screen', async () => {
    const page = await s.newPage('phone', 'planning-phone');
    await signIn(page);
    await page.getByRole('button', { name: '最少新增点' }).click();
    await page.getByRole('button', { name: '精确求解' }).click();
    await page.locator('.coverage-fewest').waitFor({ timeout: 60_000 });
    await waitForMapIdle(page);
    await page.locator('.coverage-fewest').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'planning-fewest-390');
    await page.getByRole('button', { name: '规划方案' }).click();
    await page.locator('.scenario-card').first().waitFor({ timeout: 30_000 });
    await page.locator('.coverage-scenarios').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'planning-scenarios-390');
    // nothing wider than the screen except inside the scrolling table box
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }, 300_000);
});
