// Residents' voice in a real Chromium: in large-text mode on a 390×844 phone, a resident sends a 缺少服务
// report from a board's phone page in three taps (反馈, the service, 发送) and gets a receipt code; the
// report appears in that street's 居民反馈 queue in /admin and not in another street's; staff accept and
// resolve it with a public reply; the receipt page /r/:code shows the status and the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, waitForMapIdle, type BrowserSession } from '../browser/harness.ts';
import { DAYINGMEN, taoyuanSites, TAOYUAN, type SiteFeature } from '../desks/fixtures.ts';

let s: BrowserSession;
let site: SiteFeature;
const password = generatePassword();
const REPLY = '已联系区民政局，计划在社区服务中心增设老年助餐点。';

beforeAll(async () => {
  s = await startBrowserSession();
  await createStaffUser(s.app.db, { username: 'voice_taoyuan', password, role: 'editor', street_code: TAOYUAN, display_name: '桃园编辑' });
  await createStaffUser(s.app.db, { username: 'voice_dayingmen', password, role: 'editor', street_code: DAYINGMEN, display_name: '大营门编辑' });
  site = (await taoyuanSites(s.app)).find((x) => x.kind === 'service_center')!;
}, 600_000);
afterAll(async () => { await s?.close(); });

async function signIn(page: Page, username: string, tab = 'reports'): Promise<void> {
  await page.goto(`/admin#${tab}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.admin-user').waitFor();
  if (tab === 'reports') await page.locator('#reports-list').waitFor();
}

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe('a report from the phone page to the street office and back', () => {
  let code = '';

  it('sends a 缺少服务 report in three taps in large-text mode and shows the receipt code', async () => {
    const page = await s.newPage('phone', 'report-phone');
    await page.addInitScript(() => localStorage.setItem('svc.largeText', '1'));
    await page.goto(`/m/site/${site.id}`);
    const open = page.locator('#report-site');
    await open.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.classList.contains('large'))).toBe(true);
    await open.click(); // tap 1
    const dialog = page.locator('dialog.report-dialog');
    await dialog.waitFor();
    await dialog.locator('.report-category[data-category="elder_care"]').click(); // tap 2
    expect(await dialog.locator('.report-category[data-category="elder_care"]').getAttribute('aria-pressed')).toBe('true');
    for (const selector of ['#report-site', '.report-category', '.report-kind', '.report-send', '.report-cancel']) {
      const b = await box(page, selector);
      expect(b.height, selector).toBeGreaterThanOrEqual(60);
      expect(b.width, selector).toBeGreaterThanOrEqual(60);
    }
    expect(await dialog.textContent()).toContain('电话只用于街道办回电联系您，不会公开');
    await dialog.locator('#report-phone').fill('13700001111');
    await saveScreenshot(page, 'reports-phone-form');
    await dialog.locator('.report-send').click(); // tap 3
    await page.locator('#report-code').waitFor();
    code = (await page.locator('#report-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{10}$/);
    expect(await page.locator('#report-link').getAttribute('href')).toBe(`/r/${code}`);
    await saveScreenshot(page, 'reports-phone-receipt-code');
    const stored = await s.app.db.selectFrom('resident_reports').select(['street_code', 'kind', 'category_id', 'site_id']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(stored).toEqual({ street_code: TAOYUAN, kind: 'service_missing', category_id: 'elder_care', site_id: site.id });
  });

  it('appears in the street\'s queue and not in another street\'s', async () => {
    const other = await s.newPage('desktop', 'reports-dayingmen');
    await signIn(other, 'voice_dayingmen');
    await other.locator('#reports-counts .reports-counts').waitFor();
    expect(await other.locator(`#reports-list [data-code="${code}"]`).count()).toBe(0);
    expect(await other.locator('#reports-street').inputValue()).toBe(DAYINGMEN);
    await saveScreenshot(other, 'reports-admin-other-street');

    const page = await s.newPage('desktop', 'reports-taoyuan');
    await signIn(page, 'voice_taoyuan');
    const card = page.locator(`#reports-list [data-code="${code}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('缺少服务');
    expect(await card.textContent()).toContain('13700001111');
    await waitForMapIdle(page);
    await saveScreenshot(page, 'reports-admin-queue');

    await card.locator('button[data-to="accepted"]').click();
    await page.locator('.admin-status', { hasText: '已保存' }).waitFor();
    const accepted = page.locator(`#reports-list [data-code="${code}"]`);
    await accepted.locator('button[data-to="resolved"]').waitFor();
    // Closing without a reply is refused, in words.
    await accepted.locator('button[data-to="resolved"]').click();
    await page.locator('.admin-status', { hasText: '公开答复' }).waitFor();
    await accepted.locator('textarea').fill(REPLY);
    await accepted.locator('button[data-to="resolved"]').click();
    await page.locator('.admin-status', { hasText: '已保存' }).waitFor();
    await page.locator('#reports-status').selectOption('all');
    await page.locator(`#reports-list [data-code="${code}"] .st`, { hasText: '已办结' }).waitFor();
    await saveScreenshot(page, 'reports-admin-resolved');
  });

  it('shows open 缺少服务 reports on the coverage map as demand, and the weighting option in suggestions', async () => {
    // A second, still open report of the same kind (the first one is resolved and leaves the demand layer).
    const phone = await s.newPage('phone', 'report-phone-2');
    await phone.goto(`/m/site/${site.id}`);
    await phone.locator('#report-site').click();
    await phone.locator('dialog .report-category[data-category="health"]').click();
    await phone.locator('dialog .report-send').click();
    await phone.locator('#report-code').waitFor();
    const page = await s.newPage('desktop', 'reports-coverage');
    await signIn(page, 'voice_taoyuan', 'coverage');
    await page.locator('table.coverage-overview-table tbody tr').first().waitFor({ timeout: 60_000 });
    await waitForMapIdle(page);
    const demand = await page.evaluate(() => (window as any).__map.querySourceFeatures('cov-demand').map((f: any) => f.properties.category));
    expect(demand).toContain('health');
    expect(demand).not.toContain('elder_care');
    await page.getByRole('button', { name: '选址建议' }).click();
    await page.locator('#coverage-weight-reports').waitFor();
    await saveScreenshot(page, 'reports-coverage-demand');
  }, 240_000);

  it('offers 反馈 on the resident map for the place and for each service row', async () => {
    const page = await s.newPage('desktop', 'reports-resident');
    await page.goto(`/#o=${site.lon.toFixed(5)},${site.lat.toFixed(5)}`);
    await page.locator('#report-here').waitFor({ timeout: 30_000 });
    expect(await page.locator('.items .report-open').count()).toBeGreaterThan(3);
    await page.locator('.items .report-open').first().click();
    await page.locator('dialog.report-dialog').waitFor();
    expect(await page.locator('dialog .report-kind[data-kind="info_wrong"]').getAttribute('aria-pressed')).toBe('true');
    await saveScreenshot(page, 'reports-resident-form');
  });

  it('shows the status and the reply on the receipt page, in Chinese and in English', async () => {
    const page = await s.newPage('phone', 'report-receipt');
    await page.addInitScript(() => localStorage.setItem('svc.largeText', '1'));
    await page.goto(`/r/${code}`);
    expect(await page.locator('[data-status]').textContent()).toBe('已办结');
    expect(await page.locator('[data-reply]').textContent()).toBe(REPLY);
    expect(await page.textContent('body')).not.toContain('13700001111');
    await saveScreenshot(page, 'reports-receipt-page', true);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('[data-status]').textContent()).toBe('Resolved');
    await saveScreenshot(page, 'reports-receipt-page-en', true);
    const missing = await page.goto('/r/NOPE');
    expect(missing!.status()).toBe(404);
    expect(await page.textContent('h1')).toContain('没有找到');
    expect(s.foreignRequests()).toEqual([]);
  });
});
