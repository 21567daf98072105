// The owner is told: after a stranger's failed sign-ins with their username (from another address),
// the owner signs in at once in /admin and reads how many attempts failed and when, in a banner they
// can dismiss. Played in Chromium on a phone and on a desktop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { saveScreenshot, startBrowserSession, type BrowserSession, type ViewportName } from '../browser/harness.ts';

let s: BrowserSession;
let password: string;
beforeAll(async () => {
  s = await startBrowserSession();
  password = generatePassword();
  await createStaffUser(s.app.db, { username: 'taoyuan_owner', password, role: 'editor', street_code: '120103003000' });
});
afterAll(async () => { await s?.close(); });

const strangerTries = async (times: number) => {
  for (let i = 0; i < times; i += 1) {
    const res = await s.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.66', payload: { username: 'taoyuan_owner', password: `guess-${i}` } });
    expect([401, 429]).toContain(res.statusCode);
  }
};

describe('the owner is told of failed sign-ins', () => {
  for (const [viewport, attempts] of [['phone', 7], ['desktop', 2]] as [ViewportName, number][]) {
    it(`shows the count and time after ${attempts} failed attempts by a stranger (${viewport})`, async () => {
      await strangerTries(attempts);
      const page = await s.newPage(viewport, `notice-${viewport}`);
      await page.goto('/admin');
      await page.getByLabel('用户名').fill('taoyuan_owner');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      const banner = page.locator('.admin-notice');
      await banner.waitFor({ timeout: 60_000 });
      const text = await banner.innerText();
      expect(text).toContain(`有 ${attempts} 次使用您的用户名登录失败`);
      expect(text).toMatch(/最近一次：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
      await saveScreenshot(page, `signin-notice-${viewport}`);
      await banner.getByRole('button', { name: '知道了' }).click();
      await banner.waitFor({ state: 'detached' });
      await page.reload();
      await page.locator('.admin-tabs').waitFor();
      expect(await page.locator('.admin-notice').count()).toBe(0);
    }, 240_000);
  }
});
