// The boards tab of /admin in a real Chromium, as the 桃园街道 editor: the street's 61 board sites,
// a print job for two chosen boards with its progress and download link, the needs-reprint list
// naming a board after one of its points is renamed, and a viewer who may look but not print.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';

const TAOYUAN = '120103003000';
let s: BrowserSession;
let page: Page;
let password: string;

beforeAll(async () => {
  s = await startBrowserSession();
  password = generatePassword();
  await createStaffUser(s.app.db, { username: 'taoyuan_printer', password, role: 'editor', street_code: TAOYUAN });
  page = await s.newPage('desktop', 'boards-admin');
  await page.setViewportSize({ width: 1400, height: 1000 });
});
afterAll(async () => { await s?.close(); });

describe('boards tab', () => {
  it('prints two chosen boards with progress and a download, then lists a board whose point was renamed', async () => {
    await page.goto('/admin#boards');
    await page.getByLabel('用户名').fill('taoyuan_printer');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    const rows = page.locator('.record-list input.site-pick');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(61);
    await page.getByText('从未打印：61 块').waitFor();

    await rows.nth(4).check();
    await rows.nth(11).check();
    await page.getByRole('button', { name: '打印所选 2 块' }).click();
    const download = page.getByRole('link', { name: /下载/ });
    await download.waitFor({ timeout: 180_000 });
    expect(await page.locator('.report-table').first().innerText()).toContain('2 / 2 块');
    const href = await download.getAttribute('href');
    const zip = await page.request.get(href!);
    expect(zip.status()).toBe(200);
    expect(zip.headers()['content-type']).toBe('application/zip');
    await page.getByText('所有已打印的展板内容都是最新的。').waitFor();
    await page.getByText('从未打印：59 块').waitFor();

    // Rename a point that board #5 lists, through the API as this editor would in the points tab.
    const siteId = Number(await rows.nth(4).getAttribute('value'));
    const content = await s.app.boards.printer.content(await s.app.boards.printer.site(siteId), 'standard');
    const target = content.rows[0];
    const point = await page.request.get(`/api/points/${target.point_id}`);
    const csrf = await page.evaluate(async () => (await (await fetch('/api/auth/me')).json()).csrf_token as string);
    const renamed = await page.request.patch(`/api/points/${target.point_id}`, {
      headers: { 'x-csrf-token': csrf }, data: { version: (await point.json()).properties.version, name: `${target.name}（已搬迁）` },
    });
    expect(renamed.status()).toBe(200);
    await page.reload();
    const reprint = page.locator('.report-table').nth(1);
    await reprint.getByText('更名：').first().waitFor({ timeout: 60_000 });
    expect(await reprint.innerText()).toContain(`${target.name}→${target.name}（已搬迁）`);
    await expect(page.getByRole('button', { name: '重新打印这些展板' }).isEnabled()).resolves.toBe(true);
    await saveScreenshot(page, 'boards-admin', true);
  }, 300_000);

  it('lets a viewer look but not print', async () => {
    const viewerPassword = generatePassword();
    await createStaffUser(s.app.db, { username: 'district_viewer', password: viewerPassword, role: 'viewer', street_code: null });
    const viewer = await s.newPage('desktop', 'boards-viewer');
    await viewer.goto('/admin#boards');
    await viewer.getByLabel('用户名').fill('district_viewer');
    await viewer.getByLabel('密码').fill(viewerPassword);
    await viewer.getByRole('button', { name: '登录' }).click();
    await viewer.getByText('查看员只能查看，不能发起打印。').waitFor({ timeout: 60_000 });
    expect(await viewer.getByRole('button', { name: '打印本街道全部展板' }).isDisabled()).toBe(true);
    expect(s.foreignRequests()).toEqual([]);
  }, 120_000);
});
