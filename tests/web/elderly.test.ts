// 适老化 (MIIT's elderly-friendly rules) and WCAG 2.1 A/AA (axe-core) on every public page, in a real
// Chromium at 390×844 and 1280×800, in the normal and the 大字 mode: main text ≥ 18 px in 大字, a setting
// that reaches ≥ 30 px without horizontal scrolling at 390 px, line height ≥ 1.3, touch targets ≥ 44 px
// (≥ 60 px in 大字), no horizontal scrolling, 0 critical or serious axe violations. The worst value of
// each rule on each page is written to test-artifacts/elderly-a11y.{json,md} (and copied into docs/resident.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveArtifact, saveScreenshot, startBrowserSession, type BrowserSession, type ViewportName } from '../browser/harness.ts';
import { axeSerious, measureElderly, type AxeViolation, type ElderlyMeasures } from '../browser/elderly.ts';

interface PublicPage { name: string; url: string; ready: (page: Page) => Promise<void> }
const mapReady = async (page: Page) => { await page.locator('#panel').waitFor(); await page.waitForLoadState('networkidle'); };
const phoneReady = async (page: Page) => { await page.locator('#board-list').waitFor({ timeout: 30_000 }); await page.waitForLoadState('networkidle'); };
const PAGES: PublicPage[] = [
  { name: 'resident map', url: '/', ready: mapReady },
  {
    name: 'resident map with results', url: '/#o=117.19541,39.10245',
    ready: async (page) => { await mapReady(page); await page.locator('#results .group, #results .result-item').first().waitFor({ timeout: 30_000 }); },
  },
  { name: 'phone page (elderly)', url: '/m/site/50?profile=elderly', ready: phoneReady },
  { name: 'phone page (English)', url: '/m/site/50?lang=en', ready: phoneReady },
  { name: 'phone page, unknown site', url: '/m/site/abc', ready: (page) => page.locator('.error').waitFor() },
  { name: 'error page', url: '/no-such-page', ready: (page) => page.locator('h1').waitFor() },
  // a resident's receipt (回执), for a report sent in beforeAll
  { name: 'report receipt', get url() { return `/r/${receiptCode}`; }, ready: (page) => page.locator('h1').waitFor() },
];
let receiptCode = '';

interface Row { page: string; viewport: ViewportName; mode: 'normal' | '大字'; measures: ElderlyMeasures; axe: AxeViolation[] }
const rows: Row[] = [];
let s: BrowserSession;
beforeAll(async () => {
  s = await startBrowserSession();
  const tok = (await s.app.inject('/api/reports/token')).json();
  const sent = await s.app.inject({ method: 'POST', url: '/api/reports', payload: { token: tok.token, kind: 'service_missing', category: 'elder_care', site_id: 50 } });
  expect(sent.statusCode, sent.body).toBe(201);
  receiptCode = sent.json().code;
});
afterAll(async () => {
  if (rows.length) {
    saveArtifact('elderly-a11y.json', rows);
    const md = ['| page | size | mode | main text px (worst) | line height (worst) | touch target px (worst) | horizontal scroll px | axe critical+serious |', '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.page} | ${r.viewport === 'phone' ? '390×844' : '1280×800'} | ${r.mode} | ${r.measures.mainTextPx.value} | ${r.measures.lineHeight.value} | ${r.measures.touchTargetPx.value} | ${r.measures.horizontalScrollPx} | ${r.axe.length} |`)];
    saveArtifact('elderly-a11y.md', `${md.join('\n')}\n`);
  }
  await s?.close();
});

for (const p of PAGES) {
  describe(p.name, () => {
    for (const viewport of ['phone', 'desktop'] as ViewportName[]) {
      for (const mode of ['normal', '大字'] as const) {
        it(`${viewport}, ${mode}: 0 serious axe violations, targets ≥ ${mode === '大字' ? 60 : 44} px, line height ≥ 1.3${mode === '大字' ? ', text ≥ 18 px' : ''}, no sideways scroll`, async () => {
          const page = await s.newPage(viewport, `elderly-${p.name}-${viewport}-${mode}`, { bypassCSP: true });
          await page.addInitScript((large) => localStorage.setItem('svc.largeText', large ? '1' : '0'), mode === '大字');
          await page.goto(p.url);
          await p.ready(page);
          const measures = await measureElderly(page);
          const axe = await axeSerious(page);
          rows.push({ page: p.name, viewport, mode, measures, axe });
          await saveScreenshot(page, `elderly-${p.name}-${viewport}-${mode}`);
          expect(axe).toEqual([]);
          expect(measures.horizontalScrollPx).toBe(0);
          expect(measures.lineHeight.value, measures.lineHeight.where).toBeGreaterThanOrEqual(1.3);
          expect(measures.touchTargetPx.value, measures.touchTargetPx.where).toBeGreaterThanOrEqual(mode === '大字' ? 60 : 44);
          if (mode === '大字') expect(measures.mainTextPx.value, measures.mainTextPx.where).toBeGreaterThanOrEqual(18);
          await page.context().close();
        });
      }
    }
  });
}

describe('the largest setting (特大) on the phone page at 390 px', () => {
  it('sets the services list at ≥ 30 px without sideways scrolling, and is remembered', async () => {
    const page = await s.newPage('phone', 'elderly-huge');
    await page.goto('/m/site/50?profile=elderly');
    await phoneReady(page);
    await page.locator('#huge-text').click();
    expect(await page.locator('#huge-text').getAttribute('aria-pressed')).toBe('true');
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#board-list .point .name')!).fontSize));
    expect(size).toBeGreaterThanOrEqual(30);
    const m = await measureElderly(page);
    expect(m.horizontalScrollPx).toBe(0);
    expect(m.touchTargetPx.value, m.touchTargetPx.where).toBeGreaterThanOrEqual(60);
    await saveScreenshot(page, 'elderly-huge-phone');
    await page.reload();
    await phoneReady(page);
    expect(await page.evaluate(() => document.documentElement.classList.contains('huge'))).toBe(true);
    rows.push({ page: 'phone page (elderly)', viewport: 'phone', mode: '大字', measures: { ...m, mainTextPx: { value: size, where: '特大: list text' } }, axe: [] });
    await page.context().close();
  });
});
