// The check-up report (体检报告) on the sample data: made as a job with progress, a vector A4 PDF with the
// CJK font embedded, whose per-category figures (read back with pdftotext) equal /api/coverage; it lists
// the changes since the last snapshot, carries the 示例 mark and the OSM attribution; Chinese by default,
// English on request; an editor gets only their street's report, anonymous 401. The pages are rendered
// to PNG under test-artifacts/checkup/ for a person to look at.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';
const OTHER_STREET = '120103001000';
const OUT = path.resolve('test-artifacts/checkup');

let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, viewer: LoggedIn;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  fs.mkdirSync(OUT, { recursive: true });
  t = await buildTestApp();
  [admin, editor, viewer] = await Promise.all([loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'viewer')]);
});
afterAll(async () => { await t?.close(); });

async function report(as: LoggedIn, body: Record<string, unknown>, name: string): Promise<{ text: string; pdf: Buffer; stages: Set<string> }> {
  const start = await as.inject({ method: 'POST', url: '/api/checkup/reports', payload: body });
  expect(start.statusCode, start.body).toBe(202);
  const id = start.json().id;
  const stages = new Set<string>();
  let job = start.json();
  for (let i = 0; i < 600 && job.status !== 'done' && job.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = (await as.inject(`/api/checkup/reports/${id}`)).json();
    stages.add(job.stage);
    expect(job.progress).toBeGreaterThanOrEqual(0);
    expect(job.progress).toBeLessThanOrEqual(1);
  }
  expect(job.status, JSON.stringify(job)).toBe('done');
  expect(job.progress).toBe(1);
  const file = await as.inject(job.file);
  expect(file.statusCode).toBe(200);
  expect(file.headers['content-type']).toBe('application/pdf');
  const pdf = file.rawPayload;
  const pdfPath = path.join(OUT, `${name}.pdf`);
  fs.writeFileSync(pdfPath, pdf);
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-r', '70', '-png', pdfPath, path.join(OUT, name)]);
  return { text, pdf, stages };
}

/** The category table's row for a category: "养老 10 分钟 47 / 60 77.4 % 12,345 / 20,000 61.7 % …". */
function categoryRow(text: string, name: string) {
  const line = text.split('\n').find((l) => new RegExp(`^\\s*${name}\\s+\\d+ (分钟|min)\\s`).test(l));
  expect(line, `row for ${name}`).toBeDefined();
  const m = line!.match(/(\d+) (?:分钟|min)\s+(\d+) \/ (\d+)\s+([\d.]+ %|—)\s+([\d,]+) \/ ([\d,]+)\s+([\d.]+ %|—)/);
  expect(m, line).not.toBeNull();
  const num = (s: string) => Number(s.replace(/,/g, ''));
  const share = (s: string) => (s === '—' ? null : Math.round(Number(s.replace(' %', '')) * 10) / 1000);
  return { target: num(m![1]), covered: num(m![2]), known: num(m![3]), share: share(m![4]), residentsCovered: num(m![5]), residentsKnown: num(m![6]), residentsShare: share(m![7]) };
}

describe('the 桃园街道 report', () => {
  it('is a job with progress; its figures equal /api/coverage; it lists the changes since the last snapshot', async () => {
    expect((await admin.inject({ method: 'POST', url: '/api/checkup/snapshots' })).statusCode).toBe(201);
    const add = await admin.inject({ method: 'POST', url: '/api/points', payload: { name: '津港路老人家食堂', category: '养老', subtype: '老人家食堂', street_code: TAOYUAN, lon: 117.1955, lat: 39.1032 } });
    expect(add.statusCode, add.body).toBe(201);
    // a resident's report from the same corner, through the public form (server/reports/)
    const tok = (await t.app.inject('/api/reports/token')).json();
    const sent = await t.app.inject({ method: 'POST', url: '/api/reports', payload: { token: tok.token, kind: 'other', lon: 117.1955, lat: 39.1032, text: '体检报告测试' } });
    expect(sent.statusCode, sent.body).toBe(201);

    const { text, pdf, stages } = await report(editor, { street: TAOYUAN }, 'taoyuan-zh');
    expect(stages.size).toBeGreaterThanOrEqual(1);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const fonts = execFileSync('pdffonts', [path.join(OUT, 'taoyuan-zh.pdf')], { encoding: 'utf8' });
    expect(fonts).toMatch(/NotoSansSC.*yes\s+yes/); // embedded, subset
    const pages = Number(execFileSync('pdfinfo', [path.join(OUT, 'taoyuan-zh.pdf')], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(execFileSync('pdfinfo', [path.join(OUT, 'taoyuan-zh.pdf')], { encoding: 'utf8' })).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);

    expect(text).toContain('桃园街道 15分钟生活圈体检报告');
    expect(text).toContain('示例数据');
    expect(text).toContain('© OpenStreetMap contributors, ODbL 1.0');
    expect(text).toContain('数据日期');

    const cov = (await viewer.inject(`/api/coverage?street=${TAOYUAN}&limit=1`)).json();
    let checked = 0;
    for (const c of cov.categories as { id: string; name_zh: string }[]) {
      const row = categoryRow(text, c.name_zh);
      const s = cov.summary.by_category[c.id];
      expect(row.covered, c.name_zh).toBe(s.covered);
      expect(row.known, c.name_zh).toBe(s.covered + s.gaps);
      expect(row.share, c.name_zh).toBe(s.share_covered);
      expect(row.residentsCovered, c.name_zh).toBe(s.residents_covered);
      expect(row.residentsKnown, c.name_zh).toBe(s.residents_covered + s.residents_gap);
      expect(row.residentsShare, c.name_zh).toBe(s.share_residents_covered);
      checked++;
    }
    expect(checked).toBe(10);
    // the canteen added since the snapshot, and the nine elder-care gaps it closed
    expect(text).toMatch(/新增服务点 \(1\)\s+津港路老人家食堂/);
    expect(text).toMatch(/消除的缺口 \(9\)/);
    expect(text).toContain('建议选址及新增试算');
    expect(text).toContain('收到诉求');
    // residents' reports since the snapshot: the one sent above, not yet resolved
    expect(text).toMatch(/居民反映（居民报告）\s+收到 1 · 办结 0/);
    expect(text).not.toContain('尚未接入');
    // the history page: elder care runs from the snapshot's figure (the history API's) to today's (/api/coverage's)
    const hist = (await viewer.inject(`/api/checkup/history?street=${TAOYUAN}&category=elder_care`)).json();
    const first = hist.series[0];
    const today = cov.summary.by_category.elder_care.share_residents_covered;
    expect(today).toBeGreaterThan(first.share);
    expect(text).toContain('历次快照的覆盖率');
    const pctOf = (v: number) => `${(v * 100).toFixed(1)} %`;
    expect(text).toMatch(new RegExp(`养老\\s+${pctOf(first.share)} → ${pctOf(today)}（${first.taken_at.slice(0, 10)} 快照 → 今天）`));
  });

  it('is available in English', async () => {
    const { text } = await report(viewer, { street: TAOYUAN, lang: 'en' }, 'taoyuan-en');
    expect(text).toContain('15-minute check-up report');
    expect(text).toContain('Streets © OpenStreetMap contributors, ODbL 1.0');
    const cov = (await viewer.inject(`/api/coverage?street=${TAOYUAN}&limit=1`)).json();
    const elder = categoryRow(text, 'Elder care');
    expect(elder.share).toBe(cov.summary.by_category.elder_care.share_covered);
  });
});

describe('the district report', () => {
  it('covers the whole district with a row per street; its figures equal /api/coverage', async () => {
    const { text } = await report(admin, {}, 'district-zh');
    expect(text).toContain('河西区 15分钟生活圈体检报告');
    expect(text).toContain('各街道覆盖率');
    const cov = (await viewer.inject('/api/coverage?limit=1')).json();
    const row = categoryRow(text, '养老');
    expect(row.covered).toBe(cov.summary.by_category.elder_care.covered);
    expect(row.share).toBe(cov.summary.by_category.elder_care.share_covered);
    // 桃园街道's row gives the residents shares of /api/coverage; streets without compounds are weighted by street length
    const ty = (await viewer.inject('/api/coverage?street=120103003000&limit=1')).json().summary.by_category;
    const tyLine = text.split('\n').find((l) => /^\s*桃园街道\s+[\d.]+ %/.test(l));
    expect(tyLine).toBeDefined();
    expect(tyLine).toContain(`${(ty.elder_care.share_residents_covered * 100).toFixed(1)} %`);
    expect(tyLine).toContain('按居民');
    expect(text.split('\n').filter((l) => /街道\s.*按街道长度\s*$/.test(l)).length).toBe(13);
  });
});

describe('who may have a report', () => {
  it('anonymous 401; an editor only their own street; a stranger cannot read another\'s job', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/checkup/reports', payload: { street: TAOYUAN } })).statusCode).toBe(401);
    const other = await editor.inject({ method: 'POST', url: '/api/checkup/reports', payload: { street: OTHER_STREET } });
    expect(other.statusCode).toBe(403);
    expect(other.json().field).toBe('street');
    expect(other.json().message_zh).toContain('本街道');
    expect((await editor.inject({ method: 'POST', url: '/api/checkup/reports', payload: {} })).statusCode).toBe(403);
    const bad = await viewer.inject({ method: 'POST', url: '/api/checkup/reports', payload: { street: '120103999000' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('street');
    const mine = await viewer.inject({ method: 'POST', url: '/api/checkup/reports', payload: { street: OTHER_STREET } });
    expect(mine.statusCode).toBe(202);
    expect((await editor.inject(`/api/checkup/reports/${mine.json().id}`)).statusCode).toBe(404);
  });
});
