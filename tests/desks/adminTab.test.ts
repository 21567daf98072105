// The desks tab of /admin in a real Chromium: a street editor asks the rotation planner for next
// month, drops one proposed visit, publishes the rest, and finds them in the schedule; then cancels
// one with a reason, which the schedule shows as cancelled. The sample set's visits and plans carry
// the 示例 badge every sample record shows in /admin; the editor's own do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';
import { TAOYUAN } from './fixtures.ts';

let s: BrowserSession;
let page: Page;
const username = `desk_editor_${process.pid}`;
const password = generatePassword();

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await startBrowserSession();
  await createStaffUser(s.app.db, { username, password, role: 'editor', street_code: TAOYUAN, display_name: '桃园街道编辑' });
  page = await s.newPage('desktop', 'desks-admin');
});
afterAll(async () => { await s?.close(); });

describe('desks tab', () => {
  it('proposes a rotation, publishes it after an edit, and lists and cancels the visits', async () => {
    await page.goto('/admin#desks');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: '轮换建议' }).click();
    await page.getByRole('button', { name: '生成建议' }).click();
    const rows = page.locator('table.desk-proposal tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(3);
    const firstCompound = (await rows.nth(0).locator('td').nth(2).innerText()).split('\n')[0];
    await saveScreenshot(page, 'desks-admin-rotation', true);
    // Drop the third proposal, publish the other two.
    await rows.nth(2).getByRole('button', { name: '移除' }).click();
    await page.getByRole('button', { name: '发布' }).click();
    // The schedule also lists the sample set's recurring desks (示例); the published ones are marked 轮换.
    const visits = page.locator('table.desk-visits tbody tr', { hasText: '轮换' });
    await visits.first().waitFor({ timeout: 30_000 });
    expect(await visits.count()).toBe(2);
    expect(await page.locator('.admin-status').innerText()).toContain('已发布 2 场');
    expect(await visits.nth(0).innerText()).toContain(firstCompound);

    await visits.nth(0).getByRole('button', { name: '取消本次' }).click();
    await visits.nth(0).getByPlaceholder('取消原因（居民可见）').fill('社区活动冲突');
    await visits.nth(0).getByRole('button', { name: '确定' }).click();
    const cancelledRow = page.locator('table.desk-visits tbody tr.closed', { hasText: '社区活动冲突' });
    await cancelledRow.waitFor({ timeout: 15_000 });
    const cancelled = await cancelledRow.innerText();
    expect(cancelled).toContain('已取消');
    expect(cancelled).toContain(firstCompound);
    await saveScreenshot(page, 'desks-admin-schedule', true);

    // Sample visits (the sample set's recurring desks) are badged 示例, the published ones are not.
    const sampleIds = new Set((await s.app.db.selectFrom('desk_visits').select('id').where('is_sample', '=', true).execute()).map((r) => r.id));
    const listed = await page.locator('table.desk-visits tbody tr').evaluateAll((rows) => rows.map((r) => ({
      id: Number((r as HTMLElement).dataset.visit), badge: r.querySelector('.badge.sample')?.textContent ?? null,
    })));
    const sampleRows = listed.filter((r) => sampleIds.has(r.id));
    expect(sampleRows.length).toBeGreaterThan(0);
    expect(sampleRows.every((r) => r.badge === '示例')).toBe(true);
    expect(listed.filter((r) => !sampleIds.has(r.id)).every((r) => r.badge === null)).toBe(true);
    expect(listed.filter((r) => !sampleIds.has(r.id)).length).toBe(2);
    // So are the sample plans.
    await page.getByRole('button', { name: '定期计划' }).click();
    const planRows = page.locator('.desks-body tbody tr');
    await planRows.first().waitFor({ timeout: 15_000 });
    const samplePlans = await s.app.db.selectFrom('desk_plans').select('title').where('is_sample', '=', true).execute();
    expect(samplePlans.length).toBeGreaterThan(0);
    for (const { title } of samplePlans) expect(await planRows.filter({ hasText: title }).locator('.badge.sample').innerText()).toBe('示例');
    await saveScreenshot(page, 'desks-admin-plans', true);
    expect(s.failedResponses).toEqual([]);
    expect(s.pageErrors).toEqual([]);
    expect(s.foreignRequests()).toEqual([]);
  });
});
