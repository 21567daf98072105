// Residents find what they came for (issue 15), in a real Chromium on the real network and sample set:
// the 78-year-old at the 津港路 gate (site 50, 老年人步行, 大字, a weekday lunchtime) finds the elder canteen
// by search, pinyin initials and kind, sees it open on the row and gets a walking link; the phone page
// opened from a board's QR code lists the board's numbers for its profile and language; after a printed
// point is closed, that page says what changed since the print, as the office's reprint list does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, startBrowserSession, type BrowserSession } from '../browser/harness.ts';
import { loginAs } from '../helper.ts';
import { boardQrUrl, type BoardContent } from '../../server/boards/content.ts';
import { recordPrint } from '../../server/boards/repository.ts';

const SITE = 50; // 津港路正门, a compound gate in 桃园街道 (sample set)
const TAOYUAN = '120103003000';
const CANTEEN = '庆荣里老人家食堂'; // Mo-Su 10:30-13:00,16:30-18:30; 31 min for the elderly walk from site 50
/** Wednesday 9 December 2026, 12:05 in Tianjin: lunchtime on a weekday. */
const LUNCHTIME = new Date('2026-12-09T12:05:00+08:00');

let s: BrowserSession;
beforeAll(async () => { s = await startBrowserSession(); });
afterAll(async () => { await s?.close(); });

async function boardContent(siteId: number, profile: string): Promise<BoardContent> {
  const printer = s.app.boards.printer;
  return printer.content(await printer.site(siteId), profile);
}
/** The path and query a phone opens from the board's QR code. */
const qrPath = (content: BoardContent, lang: 'zh' | 'en') => { const u = new URL(boardQrUrl(content, lang)); return `${u.pathname}${u.search}`; };

async function numberedRows(page: Page): Promise<{ id: number; number: number }[]> {
  return page.locator('#board-list li.point').evaluateAll((els) => els
    .map((e) => ({ id: Number((e as HTMLElement).dataset.pointId), number: Number(e.querySelector('summary .marker')!.textContent) }))
    .filter((r) => r.number > 0));
}

describe('the elderly resident at site 50 in 大字 mode, at a weekday lunchtime', () => {
  let page: Page;
  beforeAll(async () => {
    page = await s.newPage('phone', 'find-elderly');
    await page.clock.setFixedTime(LUNCHTIME);
    await page.addInitScript(() => localStorage.setItem('svc.largeText', '1'));
    await page.goto(`/m/site/${SITE}?profile=elderly`);
    await page.locator('#board-list').waitFor({ timeout: 30_000 });
  });

  it('opens in large type with the elderly walk chosen, services before the desk schedule', async () => {
    expect(await page.evaluate(() => document.documentElement.classList.contains('large'))).toBe(true);
    expect(await page.locator('.profiles [data-profile="elderly"]').getAttribute('aria-checked')).toBe('true');
    const body = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#board-list .point .name')!).fontSize));
    expect(body).toBeGreaterThanOrEqual(18);
    await page.locator('#desk').waitFor();
    const [listTop, deskTop] = await page.evaluate(() => ['#board-list', '#desk'].map((q) => document.querySelector(q)!.getBoundingClientRect().top));
    expect(listTop).toBeLessThan(deskTop);
    // No elder care within 15 minutes: the category still shows its nearest few, the canteen among them.
    const group = page.locator('#board-list .group[data-category="elder_care"]');
    expect(await group.getAttribute('data-missing')).toBe('true');
    expect(await group.locator('li.point .name').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(CANTEEN)]));
    await saveScreenshot(page, 'find-elderly-large-list');
  });

  it('finds the canteen by its kind typed in Chinese, open now until 13:00 on the row, with a walking link', async () => {
    await page.locator('#search').fill('老人家食堂');
    const results = page.locator('#results li.point');
    await expect.poll(() => results.count()).toBe(1);
    const rowEl = results.first();
    expect(await rowEl.locator('.name').textContent()).toContain(CANTEEN);
    expect(await rowEl.locator('.min').textContent()).toBe('31分钟');
    await expect.poll(() => rowEl.locator('.open-state').textContent()).toBe('营业中 · 到 13:00');
    expect(await rowEl.locator('.open-state').getAttribute('data-state')).toBe('open');
    await rowEl.locator('summary').click();
    expect(await rowEl.locator('.hours').textContent()).toContain('每天 10:30-13:00, 16:30-18:30');
    const amap = await rowEl.locator('a.nav-link[data-app="amap"]').getAttribute('href');
    expect(amap).toMatch(/^https:\/\/uri\.amap\.com\/navigation\?/);
    expect(new URL(amap!).searchParams.get('mode')).toBe('walk');
    expect(await rowEl.locator('a.tel').count()).toBe(1);
    const box = await rowEl.locator('summary').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
    await saveScreenshot(page, 'find-elderly-search');
  });

  it('finds it by pinyin initials and by the kind filter; "open now" keeps it, a 15-minute limit does not', async () => {
    await page.locator('#search').fill('lrjst');
    await expect.poll(() => page.locator('#results li.point .name').allTextContents()).toEqual([expect.stringContaining(CANTEEN)]);
    await page.locator('#clear-find').click();
    expect(await page.locator('#results').isHidden()).toBe(true);
    await page.locator('#filters > summary').click();
    await page.locator('#subtype').selectOption('老人家食堂');
    await expect.poll(() => page.locator('#results li.point .name').allTextContents()).toEqual([expect.stringContaining(CANTEEN)]);
    await page.locator('#when').selectOption('now');
    await expect.poll(() => page.locator('#results li.point .name').allTextContents()).toEqual([expect.stringContaining(CANTEEN)]);
    await page.locator('#within').selectOption('15');
    await expect.poll(() => page.locator('#results li.point').count()).toBe(0);
    expect(await page.locator('#results .none').isVisible()).toBe(true);
    await page.locator('#within').selectOption('');
    // At 14:00 the canteen is closed: the chosen-time filter leaves it out.
    await page.locator('#when').selectOption('at');
    await page.locator('#at').fill('2026-12-09T14:00');
    await expect.poll(() => page.locator('#results li.point').count()).toBe(0);
    await page.locator('#clear-find').click();
    // Closed at 14:00 on the row: the list says when it opens again.
    await page.clock.setFixedTime(new Date('2026-12-09T14:00:00+08:00'));
    await page.reload();
    await page.locator('#search').fill('老人家食堂');
    await expect.poll(() => page.locator('#results li.point .open-state').textContent()).toBe('已休息 · 今天 16:30 开门');
  });
});

describe('the phone page opened from a board\'s QR code', () => {
  for (const [profile, lang] of [['elderly', 'zh'], ['standard', 'en'], ['elderly', 'en']] as const) {
    it(`lists the board's numbered services (${profile}, ${lang})`, async () => {
      const content = await boardContent(SITE, profile);
      expect(content.rows.length).toBeGreaterThan(3);
      const url = qrPath(content, lang);
      expect(url).toBe(`/m/site/${SITE}?${profile === 'standard' ? '' : `profile=${profile}&`}${lang === 'en' ? 'lang=en&' : ''}v=${content.version}`);
      const page = await s.newPage('phone', `find-qr-${profile}-${lang}`);
      await page.goto(url);
      await page.locator('#board-list').waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      expect(await page.locator(`.profiles [data-profile="${profile}"]`).getAttribute('aria-checked')).toBe('true');
      expect(await numberedRows(page)).toEqual(content.rows.map((r) => ({ id: r.point_id, number: r.number })));
      await page.locator('#changes').waitFor();
      expect(await page.locator('#changes').getAttribute('data-changed')).toBe('false');
      if (lang === 'en') {
        // No Chinese punctuation in the page's own English words (names and addresses are data).
        expect(await page.locator('#summary').innerText()).not.toMatch(/[、：（）]/);
        await page.locator('#board-list li.point summary').first().click();
        expect(await page.locator('#board-list li.point .details .k').first().textContent()).toMatch(/^[A-Za-z]+: $/);
        await saveScreenshot(page, `find-qr-${profile}-en`);
      }
      await page.context().close();
    });
  }

  it('says what changed since the print when a point on the printed board was closed; the reprint list agrees', async () => {
    const content = await boardContent(SITE, 'elderly');
    await recordPrint(s.app.db, {
      site_id: SITE, street_code: content.site.street_code, profile: 'elderly', size: 'A1', orientation: 'portrait', lang: 'zh',
      content_version: content.version, snapshot: content.snapshot, job_id: null, printed_by: null, printed_by_name: null,
    });
    const closedRow = content.rows.find((r) => r.category_id === 'health')!;
    expect(closedRow).toBeDefined();
    const editor = await loginAs(s.app, 'editor', TAOYUAN);
    const point = (await s.app.inject(`/api/points/${closedRow.point_id}`)).json();
    const closed = await editor.inject({ method: 'DELETE', url: `/api/points/${closedRow.point_id}?version=${point.properties.version}` });
    expect(closed.statusCode, closed.body).toBe(200);

    const page = await s.newPage('phone', 'find-changed');
    await page.goto(qrPath(content, 'zh'));
    await page.locator('#changes').waitFor({ timeout: 30_000 });
    expect(await page.locator('#changes').getAttribute('data-changed')).toBe('true');
    const said = await page.locator('#changes').innerText();
    expect(said).toContain('这块展板印好以后，信息有变化');
    expect(said).toContain(`已关闭或不再列出：${closedRow.name}`);
    expect((await numberedRows(page)).map((r) => r.id)).not.toContain(closedRow.point_id);
    await saveScreenshot(page, 'find-changed-since-print');

    const report = (await editor.inject(`/api/boards/reprint?street=${TAOYUAN}`)).json();
    const entry = report.needs_reprint.find((e: any) => e.site_id === SITE && e.profile === 'elderly');
    expect(entry.printed_version).toBe(content.version);
    expect(entry.changes.removed.map((p: any) => p.id)).toEqual([closedRow.point_id]);
    const api = (await s.app.inject(`/api/boards/${SITE}/changes?profile=elderly&since=${content.version}`)).json();
    expect(api.changes).toEqual(entry.changes);
  });
});

describe('error pages are pages', () => {
  for (const [url, status] of [['/m/site/abc', 404], ['/m/site/99999', 404], ['/no-such-page', 404]] as const) {
    it(`${url} answers ${status} with a readable page in the browser`, async () => {
      const page = await s.newPage('phone', 'find-errors');
      const res = await page.goto(url);
      expect(res!.status()).toBe(status);
      expect(res!.headers()['content-type']).toMatch(/^text\/html/);
      await page.locator('h1, .error').first().waitFor();
      expect(await page.locator('body').innerText()).toMatch(/没有找到/);
      await saveScreenshot(page, `find-error-${url.replace(/\W+/g, '-')}`);
      await page.context().close();
    });
  }
  it('the API keeps its JSON errors', async () => {
    const res = await s.app.inject({ url: '/api/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().message_zh).toBeTruthy();
  });
});

describe('the resident map\'s language switch', () => {
  it('keeps the picked category, the place and the map view', async () => {
    const page = await s.newPage('phone', 'find-lang-switch');
    await page.goto('/#o=117.19541,39.10245&p=elderly');
    await page.waitForFunction(() => Boolean((window as any).__map), undefined, { timeout: 30_000 });
    await page.locator('.chip[data-category="elder_care"]').click();
    // the resident pans after the place's results are in (on a phone their arrival brings the place into view)
    await page.locator('#results .group, #results .result-item').first().waitFor({ timeout: 30_000 });
    await page.evaluate(() => (window as any).__map.jumpTo({ center: [117.2, 39.1], zoom: 15.5 }));
    await page.locator('header button.lang:not(#large-text)').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en' && Boolean((window as any).__map), undefined, { timeout: 30_000 });
    expect(await page.locator('.chip[data-category="elder_care"]').getAttribute('aria-pressed')).toBe('true');
    const view = await page.evaluate(() => { const m = (window as any).__map; return { lon: m.getCenter().lng, lat: m.getCenter().lat, zoom: m.getZoom() }; });
    expect(view.lon).toBeCloseTo(117.2, 3);
    expect(view.lat).toBeCloseTo(39.1, 3);
    expect(view.zoom).toBeCloseTo(15.5, 1);
    expect(page.url()).toContain('o=117.19541,39.10245');
    expect(page.url()).toContain('p=elderly');
    await saveScreenshot(page, 'find-lang-switch-en');
    await page.context().close();
  });
});
