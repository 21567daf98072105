// The boards tab as the 桃园街道 editor would use it on a laptop and a phone: the warning that the QR
// codes lead nowhere (the test server's address is loopback), print boxes large enough to hit, ticked by
// their whole row label and by community, with a count; then a print confirmed as posted (张贴确认).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, type BrowserSession, type ViewportName } from '../browser/harness.ts';

const TAOYUAN = '120103003000';
let s: BrowserSession;
let password: string;

beforeAll(async () => {
  s = await startBrowserSession();
  password = generatePassword();
  await createStaffUser(s.app.db, { username: 'taoyuan_poster', password, role: 'editor', street_code: TAOYUAN, display_name: '李编辑' });
}, 180_000);
afterAll(async () => { await s?.close(); });

async function openBoardsTab(viewport: ViewportName, label: string): Promise<Page> {
  const page = await s.newPage(viewport, label);
  await page.goto('/admin#boards');
  await page.getByLabel('用户名').fill('taoyuan_poster');
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.record-list input.site-pick').first().waitFor({ timeout: 60_000 });
  return page;
}

describe('boards tab: warning, selection, posting', () => {
  it('warns above the print buttons that the QR codes lead nowhere, and offers usable print boxes', async () => {
    const page = await openBoardsTab('desktop', 'boards-select-desktop');
    const banner = page.getByRole('alert');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('二维码无法使用');
    expect(await banner.innerText()).toContain('指向本机');
    // The banner comes before the print buttons in the page.
    const bannerBox = (await banner.boundingBox())!;
    const printAllBox = (await page.getByRole('button', { name: '打印本街道全部展板' }).boundingBox())!;
    expect(bannerBox.y).toBeLessThan(printAllBox.y);

    const boxes = page.locator('.record-list input.site-pick');
    expect(await boxes.count()).toBe(61);
    const box = (await boxes.first().boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(24);
    expect(box.height).toBeGreaterThanOrEqual(24);
    const row = (await page.locator('.pick-row label').first().boundingBox())!;
    expect(row.height).toBeGreaterThanOrEqual(44);
    expect(row.width).toBeGreaterThanOrEqual(44);

    // The site's name ticks its box; the count follows.
    await page.locator('.pick-row .site-name').nth(2).click();
    expect(await boxes.nth(2).isChecked()).toBe(true);
    await page.getByText('已选 1 / 61 块').waitFor();
    // A community's box ticks all its sites.
    const firstGroup = page.locator('.pick-group').first();
    const inGroup = await firstGroup.locator('input.site-pick').count();
    expect(inGroup).toBeGreaterThan(1);
    await firstGroup.locator('.pick-head').click();
    const checked = await firstGroup.locator('input.site-pick:checked').count();
    expect(checked).toBe(inGroup);
    const total = inGroup + (2 < inGroup ? 0 : 1);
    await page.getByText(`已选 ${total} / 61 块`).waitFor();
    await page.getByRole('button', { name: `打印所选 ${total} 块` }).waitFor();
    await saveScreenshot(page, 'boards-select-desktop');
    // Unticking the community clears its sites again.
    await firstGroup.locator('.pick-head').click();
    expect(await firstGroup.locator('input.site-pick:checked').count()).toBe(0);
  }, 180_000);

  it('fits a phone: the warning, the boxes and the count at 390 px', async () => {
    const page = await openBoardsTab('phone', 'boards-select-phone');
    await page.getByRole('alert').waitFor();
    await page.locator('.pick-row .site-name').nth(0).tap();
    await page.getByText('已选 1 / 61 块').waitFor();
    const row = (await page.locator('.pick-row label').first().boundingBox())!;
    expect(row.height).toBeGreaterThanOrEqual(44);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'boards-select-phone');
    await page.locator('.record-list').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'boards-select-phone-list');
  }, 180_000);

  it('prints two boards, lists them as printed-not-posted, and confirms one as posted', async () => {
    const page = await openBoardsTab('desktop', 'boards-posting');
    const boxes = page.locator('.record-list input.site-pick');
    await page.locator('.pick-row .site-name').nth(0).click();
    await page.locator('.pick-row .site-name').nth(1).click();
    await page.getByRole('button', { name: '打印所选 2 块' }).click();
    await page.getByText('二维码地址居民无法打开').waitFor();
    await page.getByRole('link', { name: /下载/ }).waitFor({ timeout: 180_000 });
    const unposted = page.locator('.unposted-row');
    await unposted.nth(1).waitFor({ timeout: 60_000 });
    expect(await unposted.count()).toBe(2);
    const first = unposted.first();
    const siteId = Number(await first.getAttribute('data-site'));
    expect([Number(await boxes.nth(0).getAttribute('value')), Number(await boxes.nth(1).getAttribute('value'))]).toContain(siteId);
    const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
    expect(await first.getByLabel('张贴日期').inputValue()).toBe(today);
    expect(await first.getByLabel('张贴人').inputValue()).toBe('李编辑');
    await first.getByLabel('张贴人').fill('王师傅');
    await first.getByRole('button', { name: '确认已张贴' }).click();
    await page.getByText(`${today} 由 王师傅 张贴`).waitFor({ timeout: 30_000 });
    expect(await page.locator('.unposted-row').count()).toBe(1);
    await saveScreenshot(page, 'boards-posting', true);
    // The same lists on a phone: the confirm form wraps instead of widening the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.unposted-row').first().scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'boards-posting-phone');
    expect(s.foreignRequests()).toEqual([]);
  }, 300_000);
});
