// Accounts and the audit trail in a real Chromium, as the people would do it: the district admin creates
// an editor in the 人员 tab (the password shown once), the editor signs in and changes their password in
// the 修改密码 dialog, the admin resets it, and the 修改记录 tab tells all of it as sentences, filtered by
// that person and exported as CSV. Screenshots of each screen at phone and desktop size.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse as parseCsv } from 'csv-parse/sync';
import { saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';

const TAOYUAN = '120103003000';
const adminName = `ui_admin_${process.pid}`;
const adminPassword = generatePassword();
const editorName = `wang_${process.pid}`;

let s: BrowserSession;
let admin: Page;
let editor: Page;
let editorPassword = '';

beforeAll(async () => {
  s = await startBrowserSession();
  await createStaffUser(s.app.db, { username: adminName, password: adminPassword, role: 'admin', display_name: '区管理员' });
  admin = await s.newPage('desktop', 'admin');
  admin.on('dialog', (d) => void d.accept());
}, 300_000);
afterAll(async () => { await s?.close(); });

async function signIn(page: Page, username: string, password: string, tab: string): Promise<void> {
  await page.goto(`/admin#${tab}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.admin-user').waitFor();
}

const onceDialog = (page: Page) => page.locator('dialog[open]').filter({ has: page.locator('.once-password') });

describe('accounts and the audit trail in /admin', () => {
  it('the admin creates an editor; the password is shown once', async () => {
    await signIn(admin, adminName, adminPassword, 'staff');
    await admin.locator(`.staff-table tr[data-username="${adminName}"]`).waitFor();
    await admin.getByRole('button', { name: '新建账号' }).click();
    const form = admin.locator('dialog[open] form');
    await form.getByLabel('用户名').fill(editorName);
    await form.getByLabel('姓名').fill('王编辑');
    await form.getByLabel('角色', { exact: false }).first().selectOption('editor');
    await form.locator('select[name="street_code"]').selectOption(TAOYUAN);
    expect(await form.locator('label', { has: admin.locator('select[name="street_code"]') }).textContent()).toMatch(/^街道/);
    await saveScreenshot(admin, 'accounts-create-dialog-desktop');
    await form.getByRole('button', { name: '新建' }).click();
    const once = onceDialog(admin);
    await once.waitFor();
    editorPassword = await once.locator('.once-password').inputValue();
    expect(editorPassword).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(await once.locator('h2').textContent()).toBe(`账号 ${editorName} 的密码（只显示这一次）`);
    await saveScreenshot(admin, 'accounts-password-once-desktop');
    await once.getByRole('button', { name: '我已记下，关闭' }).click();
    const row = admin.locator(`.staff-table tr[data-username="${editorName}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('王编辑');
    expect(await row.textContent()).toContain('街道编辑');
    expect(await row.textContent()).toContain('桃园街道');
    expect(await row.textContent()).toContain('从未登录');
    // The password is nowhere on the page once the dialog is closed.
    expect(await admin.content()).not.toContain(editorPassword);
    await saveScreenshot(admin, 'accounts-staff-tab-desktop');
  });

  it('the editor signs in and changes their own password in the dialog', async () => {
    editor = await s.newPage('phone', 'editor');
    await signIn(editor, editorName, editorPassword, 'history');
    expect(await editor.locator('.admin-user').textContent()).toContain('王编辑 · 街道编辑 · 桃园街道');
    // Editors have no 人员 tab.
    expect(await editor.getByRole('tab', { name: '人员' }).count()).toBe(0);
    await editor.getByRole('button', { name: '修改密码' }).click();
    const dialog = editor.locator('dialog[open]');
    await dialog.getByLabel('当前密码').fill('not the password');
    await dialog.getByLabel('新密码', { exact: true }).fill('wang-new-passphrase-2026');
    await dialog.getByLabel('再次输入新密码').fill('wang-new-passphrase-2026');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.locator('.admin-error:not([hidden])').waitFor();
    expect(await dialog.locator('.admin-error').textContent()).toContain('当前密码：不正确');
    await dialog.getByLabel('当前密码').fill(editorPassword);
    await saveScreenshot(editor, 'accounts-password-dialog-phone');
    await dialog.getByRole('button', { name: '保存' }).click();
    await editor.locator('.admin-status', { hasText: '密码已修改' }).waitFor();
    expect(await editor.locator('dialog[open]').count()).toBe(0);
    editorPassword = 'wang-new-passphrase-2026';
  });

  it('the admin resets it: a new password once, and the editor is signed out', async () => {
    await admin.reload();
    const row = admin.locator(`.staff-table tr[data-username="${editorName}"]`);
    await row.waitFor();
    expect(await row.textContent()).not.toContain('从未登录');
    await row.getByRole('button', { name: '重置密码' }).click();
    const once = onceDialog(admin);
    await once.waitFor();
    const reset = await once.locator('.once-password').inputValue();
    expect(reset).toHaveLength(20);
    await once.getByRole('button', { name: '我已记下，关闭' }).click();
    // The editor's session ended: the next request brings the sign-in form back.
    await editor.reload();
    await editor.getByRole('button', { name: '登录' }).waitFor();
    await editor.getByLabel('用户名').fill(editorName);
    await editor.getByLabel('密码').fill(editorPassword);
    await editor.getByRole('button', { name: '登录' }).click();
    await editor.locator('.admin-signin .admin-error:not([hidden])').waitFor();
    expect(await editor.locator('.admin-signin .admin-error').textContent()).toContain('用户名或密码错误');
    await editor.getByLabel('密码').fill(reset);
    await editor.getByRole('button', { name: '登录' }).click();
    await editor.locator('.admin-user').waitFor();
  });

  it('the audit tells all of it as sentences, filters by the person and exports the CSV', async () => {
    await admin.getByRole('tab', { name: '修改记录' }).click();
    await admin.locator('.history tr[data-audit-id]').first().waitFor();
    const said = await admin.locator('.history td.sentence').allTextContents();
    expect(said).toContain(`区管理员 新建账号 ${editorName}（编辑，桃园街道）`);
    expect(said).toContain('王编辑 修改了自己的密码');
    expect(said).toContain(`区管理员 重置了账号 ${editorName} 的密码`);
    expect(said.filter((x) => x.startsWith('王编辑 登录')).length).toBeGreaterThanOrEqual(2);
    await saveScreenshot(admin, 'accounts-audit-tab-desktop');

    await admin.getByLabel('人员').fill(editorName);
    await admin.getByRole('button', { name: '筛选', exact: true }).click();
    await admin.waitForFunction((who) => [...document.querySelectorAll<HTMLElement>('.history tr[data-audit-id]')].every((tr) => tr.dataset.username === who), editorName);
    const mine = await admin.locator('.history td.sentence').allTextContents();
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine).toContain('王编辑 修改了自己的密码');
    await saveScreenshot(admin, 'accounts-audit-filtered-desktop');

    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: '导出 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const rows: string[][] = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['编号', '时间', '人员', '操作', '记录类型', '记录编号', '街道', '说明']);
    expect(rows.length - 1).toBe(mine.length);
    expect(rows.slice(1).every((r) => r[2] === editorName)).toBe(true);
    expect(rows.map((r) => r[7])).toContain('王编辑 修改了自己的密码');
  });

  it('looks right on a phone and on a desktop', async () => {
    const phone = await s.newPage('phone', 'admin-phone');
    phone.on('dialog', (d) => void d.accept());
    await signIn(phone, adminName, adminPassword, 'staff');
    await phone.locator(`.staff-table tr[data-username="${editorName}"]`).waitFor();
    await saveScreenshot(phone, 'accounts-staff-tab-phone', true);
    await phone.getByRole('button', { name: '修改密码' }).click();
    await phone.locator('dialog[open]').waitFor();
    await saveScreenshot(phone, 'accounts-password-dialog-phone-admin');
    await phone.getByRole('button', { name: '取消' }).click();
    await phone.getByRole('tab', { name: '修改记录' }).click();
    await phone.locator('.history tr[data-audit-id]').first().waitFor();
    await saveScreenshot(phone, 'accounts-audit-tab-phone');
    await admin.getByRole('button', { name: '修改密码' }).click();
    await admin.locator('dialog[open]').waitFor();
    await saveScreenshot(admin, 'accounts-password-dialog-desktop');
    await admin.getByRole('button', { name: '取消' }).click();
    // Nothing in these screens fails or leaves the host.
    // (The browser logs the expected 400/401 answers of the wrong passwords above as failed loads.)
    expect(s.pageErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(s.foreignRequests()).toEqual([]);
  });
});
