// WCAG 2.x A/AA on every /admin tab (axe-core in a real Chromium): a district admin signs in, opens each
// tab of the registry (web/src/admin/tabs.ts) in turn at 1280×800 and at 390×844, waits until it has
// rendered, and axe finds no critical or serious violation. The counts per tab are written to
// test-artifacts/admin-axe.{json,md}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveArtifact, saveScreenshot, signInToAdmin, startStaffBrowserSession, type BrowserSession, type ViewportName } from '../browser/harness.ts';
import { axeSerious, type AxeViolation } from '../browser/elderly.ts';
import { ADMIN_TABS } from '../../web/src/admin/tabs.ts';

interface Row { tab: string; viewport: ViewportName; violations: AxeViolation[] }
const rows: Row[] = [];
let s: BrowserSession;
let password = '';
const username = `axe_admin_${process.pid}`;

beforeAll(async () => {
  ({ session: s, password } = await startStaffBrowserSession({ username, role: 'admin', street_code: null }));
});
afterAll(async () => {
  if (rows.length) {
    saveArtifact('admin-axe.json', rows);
    const md = ['| tab | size | critical | serious | rules |', '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.tab} | ${r.viewport === 'phone' ? '390×844' : '1280×800'} | ${r.violations.filter((v) => v.impact === 'critical').length} | ${r.violations.filter((v) => v.impact === 'serious').length} | ${r.violations.map((v) => v.id).join(', ') || '—'} |`)];
    saveArtifact('admin-axe.md', `${md.join('\n')}\n`);
  }
  await s?.close();
});

/** Opens a tab by its button and waits until it has mounted (no loading line left) and the network is quiet. */
async function openTab(page: Page, id: string): Promise<void> {
  await page.locator(`#tab-${id}`).click();
  await page.locator(`#tab-${id}[aria-selected="true"]`).waitFor();
  const container = page.locator(`.admin-tab-${id}`);
  await container.waitFor();
  await page.waitForFunction((sel) => {
    const c = document.querySelector(sel);
    return !!c && c.childElementCount > 0 && !c.querySelector('.admin-loading');
  }, `.admin-tab-${id}`, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
}

for (const viewport of ['desktop', 'phone'] as ViewportName[]) {
  describe(`/admin at ${viewport === 'phone' ? '390×844' : '1280×800'}`, () => {
    it('every tab: 0 critical and 0 serious axe violations (WCAG 2.x A/AA)', async () => {
      const page = await s.newPage(viewport, `admin-axe-${viewport}`, { bypassCSP: true });
      page.on('dialog', (d) => void d.dismiss());
      await signInToAdmin(page, '', username, password);
      await page.locator('.admin-user').waitFor();
      const tabIds = await page.locator('.admin-tabs [role=tab]').evaluateAll((els) => els.map((e) => e.id.replace(/^tab-/, '')));
      // A district admin sees every tab of the registry.
      expect(tabIds).toEqual(ADMIN_TABS.map((t) => t.id));
      const found: Row[] = [];
      for (const id of tabIds) {
        await openTab(page, id);
        // The district overview table comes after the tab's first answer: check the tab with it in place.
        if (id === 'coverage') await page.locator('.coverage-overview-table tbody tr').first().waitFor({ timeout: 60_000 });
        const violations = await axeSerious(page);
        found.push({ tab: id, viewport, violations });
        await saveScreenshot(page, `admin-axe-${viewport}-${id}`);
      }
      rows.push(...found);
      expect(found.length).toBeGreaterThanOrEqual(12);
      expect(found.filter((r) => r.violations.length)).toEqual([]);
      expect(s.pageErrors).toEqual([]);
    }, 300_000); // twelve tabs, each mounted and checked, on a shared two-core machine
  });
}

describe('/admin behind the first view (1280×800)', () => {
  it('a record opened in the points tab, the new-point form and the password dialog: 0 critical and 0 serious', async () => {
    const page = await s.newPage('desktop', 'admin-axe-states', { bypassCSP: true });
    await signInToAdmin(page, '#points', username, password);
    await page.locator('.record-list tr[data-id]').first().waitFor({ timeout: 30_000 });
    const states: Row[] = [];
    await page.locator('.record-list tr[data-id]').first().click();
    await page.locator('.record-form').waitFor();
    await page.waitForLoadState('networkidle');
    states.push({ tab: 'points: a record opened', viewport: 'desktop', violations: await axeSerious(page) });
    await page.getByRole('button', { name: '新建', exact: true }).first().click();
    await page.locator('.record-form [name="name"]').waitFor();
    states.push({ tab: 'points: new-point form', viewport: 'desktop', violations: await axeSerious(page) });
    await saveScreenshot(page, 'admin-axe-desktop-points-new');
    await page.locator('[data-action="password"]').click();
    await page.locator('dialog[open]').waitFor();
    states.push({ tab: 'password dialog', viewport: 'desktop', violations: await axeSerious(page) });
    await saveScreenshot(page, 'admin-axe-desktop-password');
    rows.push(...states);
    // The check can fail: a nameless button put into the panel is a critical violation.
    await page.keyboard.press('Escape');
    await page.evaluate(() => document.querySelector('.admin-panel')!.append(document.createElement('button')));
    expect((await axeSerious(page)).map((v) => v.id)).toContain('button-name');
    expect(states).toHaveLength(3);
    expect(states.filter((r) => r.violations.length)).toEqual([]);
  }, 180_000);
});
