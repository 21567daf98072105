// Board maps on the real Hexi network and the Taoyuan sample set, checked as a person would: the PDF
// rendered to PNG, its QR code scanned back, its fonts listed, its text read; the legend compared with
// /api/reach for the same site and profile; label boxes tested pairwise for overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';
import { PER_CATEGORY_LIMIT } from '../../server/boards/content.ts';
import { layoutCollisions, type BoardLayout } from '../../server/boards/layout.ts';
import { decodeQr, pdfFonts, pdfPageSizePt, pdfTextCompact, polygonsIntersect, printedLegend, renderPng, saveArtifact } from './boardCheck.ts';

// This file draws boards in the test process itself (to inspect layouts) and runs the embedded
// database in it, which on a busy machine can stall the event loop past the service's overload guard
// (a stall that spans a whole sampling interval reads as an infinite delay), and the next request
// would get a 503. That guard is tested in tests/reliability; here it is set out of the way.
process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // 0 turns the check off

/** Tests that draw several posters: generous on a shared 2-core machine (a board takes about a second alone). */
const HEAVY = 240_000;

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

const TAOYUAN = '120103003000';

async function siteIds(kind?: string): Promise<number[]> {
  const res = await t.app.inject({ url: `/api/sites?street=${TAOYUAN}${kind ? `&kind=${kind}` : ''}` });
  return res.json().features.map((f: { id: number }) => f.id);
}

describe('one board as PDF', () => {
  it('is a vector A1 page with embedded Noto Sans SC, whose QR code scans back to the phone page of the site', async () => {
    const [, , , , site] = await siteIds('service_center');
    const res = await t.app.inject({ url: `/api/boards/${site}.pdf?size=A1` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const version = res.headers['x-content-version'] as string;
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    const file = saveArtifact(`site-${site}-A1.pdf`, res.rawPayload);

    // A1 is 594 × 841 mm = 1683.8 × 2383.9 pt.
    const [w, h] = pdfPageSizePt(file);
    expect(w).toBeCloseTo(1683.78, 0);
    expect(h).toBeCloseTo(2383.94, 0);

    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((f) => f.embedded && f.subset)).toBe(true);
    expect(fonts.map((f) => f.name).join(' ')).toMatch(/NotoSansSC-Regular/);

    const png = renderPng(file, 45, `${file.slice(0, -4)}`);
    expect(decodeQr(png)).toEqual([`http://test.local/m/site/${site}?v=${version}`]);

    const text = pdfTextCompact(file);
    for (const words of ['15分钟综合服务圈', '您在这里', '5分钟', '10分钟', '15分钟', '标准步行', '©OpenStreetMapcontributors,ODbL1.0',
      `内容版本${version}`, '数据日期', '示例数据', `每类最多列出步行最近的${PER_CATEGORY_LIMIT}处`, '序号', '开放时间']) {
      expect(text, words).toContain(words);
    }
  }, HEAVY);

  it('scales to A4 (the same layout, smaller) and still scans; landscape swaps the sides', async () => {
    const [site] = await siteIds('compound_gate');
    const a4 = await t.app.inject({ url: `/api/boards/${site}.pdf?size=A4` });
    expect(a4.statusCode).toBe(200);
    const file = saveArtifact(`site-${site}-A4.pdf`, a4.rawPayload);
    const [w, h] = pdfPageSizePt(file);
    expect([Math.round(w), Math.round(h)]).toEqual([595, 842]);
    expect(decodeQr(renderPng(file, 150, file.slice(0, -4)))).toEqual([`http://test.local/m/site/${site}?v=${a4.headers['x-content-version']}`]);

    const land = await t.app.inject({ url: `/api/boards/${site}.pdf?size=A3&orientation=landscape` });
    const lf = saveArtifact(`site-${site}-A3-landscape.pdf`, land.rawPayload);
    const [lw, lh] = pdfPageSizePt(lf);
    expect(lw).toBeGreaterThan(lh);
    expect(decodeQr(renderPng(lf, 110, lf.slice(0, -4)))).toEqual([`http://test.local/m/site/${site}?v=${land.headers['x-content-version']}`]);
  }, HEAVY);

  it('answers bad requests with a 4xx naming the parameter', async () => {
    const bad = await t.app.inject({ url: '/api/boards/5.pdf?size=B2' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('size');
    const profile = await t.app.inject({ url: '/api/boards/5.pdf?profile=running' });
    expect(profile.statusCode).toBe(400);
    expect(profile.json().field).toBe('profile');
    const missing = await t.app.inject({ url: '/api/boards/999999.pdf' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message_zh).toContain('站点');
    const notANumber = await t.app.inject({ url: '/api/boards/abc.pdf' });
    expect(notANumber.statusCode).toBe(400);
  });

  it('answers a repeated request for an unchanged board with 304', async () => {
    const first = await t.app.inject({ url: '/api/boards/3.pdf?size=A4' });
    const again = await t.app.inject({ url: '/api/boards/3.pdf?size=A4', headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });
});

describe('what the board lists', () => {
  const cases: [number, string][] = [[1, 'standard'], [5, 'standard'], [5, 'elderly'], [8, 'step_free'], [12, 'standard'], [40, 'elderly'], [61, 'standard']];

  it('lists every point /api/reach finds within 15 minutes of the site (under the per-category limit), and nothing else', async () => {
    for (const [site, profile] of cases) {
      const reach = (await t.app.inject({ url: `/api/reach?site=${site}&profile=${profile}&minutes=5,10,15&per_category=${PER_CATEGORY_LIMIT}` })).json();
      const expected = new Set<number>();
      for (const list of Object.values(reach.nearest) as { id: number; walk_s: number }[][]) {
        for (const p of list) if (p.walk_s <= 15 * 60) expected.add(p.id);
      }
      const board = await t.app.boards.printer.board(site, { size: 'A1', orientation: 'portrait', profile, lang: 'zh' });
      const listed = new Set(board.layout.legendPointIds);
      expect([...expected].filter((id) => !listed.has(id)), `site ${site} ${profile}: missing from the legend`).toEqual([]);
      expect([...listed].filter((id) => !expected.has(id)), `site ${site} ${profile}: listed but not within 15 minutes`).toEqual([]);
      expect(board.layout.legendOverflow).toBe(0);
      // Every sample site has services within 15 minutes: an empty legend would prove nothing.
      expect(expected.size, `site ${site} ${profile}: points within 15 minutes`).toBeGreaterThanOrEqual(3);
      expect(board.content.rows.length).toBeGreaterThanOrEqual(expected.size);
      // The walking minutes printed are /api/reach's, rounded up.
      for (const row of board.content.rows) {
        const item = (reach.nearest[row.category_id] as { id: number; walk_s: number }[]).find((p) => p.id === row.point_id)!;
        expect(row.minutes).toBe(Math.max(1, Math.ceil(item.walk_s / 60 - 1e-9)));
      }
      // The rings are /api/reach's rings.
      expect(board.content.rings.features.map((f) => f.properties.minutes)).toEqual(reach.rings.features.map((f: { properties: { minutes: number } }) => f.properties.minutes));
      expect(JSON.stringify(board.content.rings.features[2].geometry)).toBe(JSON.stringify(reach.rings.features[2].geometry));
    }
  }, HEAVY);

  it('prints the name of every listed point in the PDF, with its number', async () => {
    const res = await t.app.inject({ url: '/api/boards/12.pdf?size=A2' });
    const file = saveArtifact('site-12-A2.pdf', res.rawPayload);
    const text = pdfTextCompact(file);
    const board = await t.app.boards.printer.board(12, { size: 'A2', orientation: 'portrait', profile: 'standard', lang: 'zh' });
    expect(board.content.rows.length).toBeGreaterThan(10);
    for (const row of board.content.rows) expect(text, row.name).toContain(row.name.replace(/\s+/g, ''));

    // The printed table itself (pdftotext's words under 序号, 名称 and 步行), against /api/reach: every point
    // within 15 minutes, numbered in the catalog's category order and nearest first, with its rounded-up minutes.
    const reach = (await t.app.inject({ url: `/api/reach?site=12&profile=standard&minutes=5,10,15&per_category=${PER_CATEGORY_LIMIT}` })).json();
    const categoryIds: string[] = (await t.app.inject('/api/categories')).json().categories.map((c: { id: string }) => c.id);
    expect(categoryIds).toHaveLength(10);
    const expected = categoryIds.flatMap((c) => ((reach.nearest[c] ?? []) as { id: number; name: string; walk_s: number }[])
      .filter((p) => p.walk_s <= 15 * 60)
      .sort((a, b) => a.walk_s - b.walk_s || a.id - b.id)
      .map((p) => ({ name: p.name.replace(/\s+/g, ''), minutes: Math.max(1, Math.ceil(p.walk_s / 60 - 1e-9)) })))
      .map((p, i) => ({ number: i + 1, ...p }));
    expect(expected.length).toBeGreaterThan(10);
    const printed = printedLegend(file);
    saveArtifact('site-12-A2-legend.json', JSON.stringify(printed, null, 1));
    expect(printed).toEqual(expected);
  }, HEAVY);

  it('shows the English board on request', async () => {
    const res = await t.app.inject({ url: '/api/boards/5.pdf?size=A3&lang=en' });
    const text = pdfTextCompact(saveArtifact('site-5-A3-en.pdf', res.rawPayload));
    for (const words of ['15-minuteservicecircle', 'Youarehere', 'Openinghours', 'SAMPLEDATA']) expect(text).toContain(words);
  }, HEAVY);
});

describe('label placement', () => {
  const boxesOf = (layout: BoardLayout) => layout.labels.map((l) => ({ text: l.text, poly: l.box.poly as [number, number][] }));

  it('never lets two labels overlap, or a label cover a marker, at A1 and A4, portrait and landscape', async () => {
    const ids = await siteIds();
    const sample = [ids[0], ids[4], ids[11], ids[25], ids[39], ids[52], ids[ids.length - 1]];
    let labelsChecked = 0, streetLabels = 0;
    for (const site of sample) {
      for (const [size, orientation] of [['A1', 'portrait'], ['A4', 'portrait'], ['A1', 'landscape']] as const) {
        const { layout } = await t.app.boards.printer.board(site, { size, orientation, profile: 'standard', lang: 'zh' });
        const labels = boxesOf(layout);
        const markers = layout.markers.map((m) => m.box.poly as [number, number][]);
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            expect(polygonsIntersect(labels[i].poly, labels[j].poly), `site ${site} ${size} ${orientation}: "${labels[i].text}" × "${labels[j].text}"`).toBe(false);
          }
          for (const m of markers) expect(polygonsIntersect(labels[i].poly, m), `site ${site}: "${labels[i].text}" over a marker`).toBe(false);
          // Inside the map frame.
          const f = layout.mapFrame;
          for (const [x, y] of labels[i].poly) {
            expect(x).toBeGreaterThanOrEqual(f.x); expect(x).toBeLessThanOrEqual(f.x + f.w);
            expect(y).toBeGreaterThanOrEqual(f.y); expect(y).toBeLessThanOrEqual(f.y + f.h);
          }
        }
        // Markers do not sit on each other either (crowded ones are moved out, with a leader line).
        for (let i = 0; i < markers.length; i++) {
          for (let j = i + 1; j < markers.length; j++) expect(polygonsIntersect(markers[i], markers[j]), `site ${site}: markers ${i} × ${j}`).toBe(false);
        }
        expect(layoutCollisions(layout)).toEqual([]);
        // Every listed point has a marker; names that found no place show the number only.
        expect(layout.markers.filter((m) => m.pointId !== null).length).toBe(layout.content.rows.length);
        const named = layout.labels.filter((l) => l.kind === 'point').length;
        expect(named + layout.numberOnly.length).toBe(layout.content.rows.length);
        expect(layout.labels.filter((l) => l.kind === 'you')).toHaveLength(1);
        expect(layout.labels.filter((l) => l.kind === 'ring').length).toBeGreaterThanOrEqual(2);
        labelsChecked += labels.length;
        streetLabels += layout.labels.filter((l) => l.kind === 'street').length;
      }
    }
    expect(labelsChecked).toBeGreaterThan(500);
    expect(streetLabels).toBeGreaterThan(100);
  }, HEAVY);

  it('the overlap test itself sees an overlap (it can fail)', () => {
    const a: [number, number][] = [[0, 0], [10, 0], [10, 4], [0, 4]];
    const turned: [number, number][] = [[8, -3], [12, 1], [9, 4], [5, 0]];
    expect(polygonsIntersect(a, turned)).toBe(true);
    expect(polygonsIntersect(a, [[10, 0], [20, 0], [20, 4], [10, 4]])).toBe(false); // touching edges only
  });
});

describe('the SVG', () => {
  it('is a standalone drawing in millimetres with the same content version', async () => {
    const res = await t.app.inject({ url: '/api/boards/5.svg?size=A2' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="420mm" height="594mm"/);
    expect(res.body).toContain(`data-content-version="${res.headers['x-content-version']}"`);
    expect(res.body).not.toMatch(/<script|<image|href=/i);
  });
});
