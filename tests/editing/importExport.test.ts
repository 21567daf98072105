// Spreadsheet import and export on the real data: a GBK CSV with good and bad rows, a GCJ-02 row checked
// against the published forward formula, dry run vs real run, matching, the audit trail, XLSX both
// ways, formula neutralisation, and an export that imports back unchanged.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';
let t: TestApp;
let admin: LoggedIn;
let editor: LoggedIn;
let viewer: LoggedIn;

beforeAll(async () => {
  // On a shared, loaded machine the embedded engine can hold the event loop past the 503 threshold;
  // load shedding is the resilience tests' subject, not this file's.
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  editor = await loginAs(t.app, 'editor', TAOYUAN);
  viewer = await loginAs(t.app, 'viewer');
});
afterAll(async () => { await t?.close(); });

/**
 * WGS84 → GCJ-02 with the published forward formula (Krasovsky ellipsoid), written out here so that the
 * service's conversion (gcoord, the inverse direction) is checked against an independent implementation.
 */
function wgsToGcj(lon: number, lat: number): [number, number] {
  const a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI;
  const x = lon - 105, y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
    + (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3
    + (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3
    + (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
    + (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3
    + (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3
    + (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
  const radLat = lat / 180 * PI;
  const magic = 1 - ee * Math.sin(radLat) ** 2;
  dLat = (dLat * 180) / ((a * (1 - ee)) / (magic * Math.sqrt(magic)) * PI);
  dLon = (dLon * 180) / (a / Math.sqrt(magic) * Math.cos(radLat) * PI);
  return [lon + dLon, lat + dLat];
}

/** Ground distance in metres (equirectangular; exact enough over a few metres). */
const metres = (a: number[], b: number[]) => {
  const k = Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * 111_320 * k, (a[1] - b[1]) * 111_320);
};

function multipart(file: Buffer, filename: string, contentType = 'text/csv') {
  const boundary = '----hexiTestBoundary7MA4YWxkTrZu0gW';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who: LoggedIn, file: Buffer, query = '', filename = 'points.csv', contentType?: string) {
  const { payload, headers } = multipart(file, filename, contentType);
  return who.inject({ method: 'POST', url: `/api/import/points${query}`, payload, headers });
}

// A real place in 桃园街道: the first gate of the sample compound 照耀里.
const GATE: [number, number] = [117.200918, 39.103252];
const gcjGate = wgsToGcj(...GATE);

/** The office's spreadsheet, Chinese headers, as Excel in China saves it (GBK). Line numbers as a person sees them. */
const OFFICE_CSV = [
  '外部编号,名称,类别,子类型,地址,电话,开放时间,经度,纬度,坐标系', // line 1
  `TY-001,照耀里日间照料中心,养老,日间照料中心,河西区绍兴道照耀里12号,022-23456789,Mo-Fr 08:00-17:00,${GATE[0] + 0.0005},${GATE[1]},WGS84`, // 2: good
  `TY-002,照耀里理发店,理发,便民理发,河西区绍兴道照耀里15号,,Mo-Su 08:00-20:00,${GATE[0]},${GATE[1] + 0.0004},WGS84`, // 3: bad category
  'TY-003,南开区的药店,健康,药店,南开区鞍山西道1号,022-27654321,24/7,117.1500,39.1300,WGS84', // 4: outside the district
  `TY-004,照耀里卫生服务站,健康,社区卫生服务站,河西区绍兴道照耀里20号,022-23450000,上午八点到下午五点,${GATE[0] + 0.0003},${GATE[1] - 0.0003},WGS84`, // 5: broken hours
  `TY-005,照耀里快递驿站,便民,快递驿站,河西区绍兴道照耀里8号,13812345678,Mo-Su 09:00-21:00,${gcjGate[0].toFixed(7)},${gcjGate[1].toFixed(7)},GCJ-02`, // 6: GCJ-02
  `TY-006,照耀里便利店,购物,便利店,"河西区绍兴道照耀里1号,底商",022-23451111转8,Mo-Su 07:00-23:00,${GATE[0] - 0.0004},${GATE[1]},`, // 7: good, quoted comma, no crs
  `TY-001,照耀里日间照料中心（重复）,养老,,,,,${GATE[0]},${GATE[1]},WGS84`, // 8: repeats line 2's external id
].join('\r\n');

describe('importing a CSV', () => {
  const gbk = iconv.encode(OFFICE_CSV, 'gbk');

  it('refuses anonymous users and viewers', async () => {
    const { payload, headers } = multipart(gbk, 'points.csv');
    expect((await t.app.inject({ method: 'POST', url: '/api/import/points', payload, headers })).statusCode).toBe(401);
    expect((await upload(viewer, gbk)).statusCode).toBe(403);
  });

  it('a dry run reports every row (line, field, reason) from a GBK file and writes nothing', async () => {
    const before = (await t.app.inject('/api/points?status=all&limit=10000')).json().total;
    const auditBefore = (await admin.inject('/api/audit?entity=point&limit=500')).json().entries.length;
    const res = await upload(editor, gbk, '?dry_run=true');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ dry_run: true, format: 'csv', encoding: 'gbk', rows_read: 7, summary: { created: 3, updated: 0, unchanged: 0, rejected: 4 } });
    const byLine = Object.fromEntries(report.rows.map((r: any) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ status: 'created', name: '照耀里日间照料中心' });
    expect(byLine[3]).toMatchObject({ status: 'rejected', field: 'category' });
    expect(byLine[3].reason_zh).toContain('未知类别“理发”');
    expect(byLine[4]).toMatchObject({ status: 'rejected', field: 'lon' });
    expect(byLine[4].reason_zh).toContain('不在河西区范围内');
    expect(byLine[5]).toMatchObject({ status: 'rejected', field: 'opening_hours' });
    expect(byLine[6]).toMatchObject({ status: 'created', name: '照耀里快递驿站' });
    expect(byLine[7]).toMatchObject({ status: 'created', name: '照耀里便利店' });
    expect(byLine[8]).toMatchObject({ status: 'rejected', field: 'external_id' });
    expect(byLine[8].reason_zh).toBe('外部编号：与第 2 行重复');
    expect((await t.app.inject('/api/points?status=all&limit=10000')).json().total).toBe(before);
    expect((await admin.inject('/api/audit?entity=point&limit=500')).json().entries.length).toBe(auditBefore);
  });

  it('the real run writes the good rows (GCJ-02 converted to within a metre), not the bad ones, each with an audit row', async () => {
    const res = await upload(editor, gbk);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.summary).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 4 });
    const created = report.rows.filter((r: any) => r.status === 'created');
    expect(created.every((r: any) => Number.isInteger(r.id))).toBe(true);

    const list = (await t.app.inject(`/api/points?street=${TAOYUAN}&q=${encodeURIComponent('照耀里')}&limit=1000`)).json().features;
    const byName = Object.fromEntries(list.map((f: any) => [f.properties.name, f]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['照耀里日间照料中心', '照耀里快递驿站', '照耀里便利店']));
    for (const rejectedName of ['照耀里理发店', '照耀里卫生服务站', '照耀里日间照料中心（重复）']) expect(byName[rejectedName]).toBeUndefined();
    expect((await t.app.inject(`/api/points?q=${encodeURIComponent('南开区的药店')}`)).json().total).toBe(0);

    const courier = byName['照耀里快递驿站'];
    expect(courier.properties).toMatchObject({ category: 'convenience', external_id: 'TY-005', source: 'import', is_sample: false, street_code: TAOYUAN });
    expect(metres(courier.geometry.coordinates, GATE)).toBeLessThan(1);
    const shop = byName['照耀里便利店'].properties;
    expect(shop).toMatchObject({ address: '河西区绍兴道照耀里1号,底商', phone: '022-23451111转8', category: 'shopping' });

    const entries = (await admin.inject(`/api/audit?entity=point&entity_id=${courier.id}`)).json().entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'import', username: editor.user.username, before: null });
    expect(entries[0].after).toMatchObject({ name: '照耀里快递驿站', external_id: 'TY-005', version: 1 });
    expect(metres([entries[0].after.lon, entries[0].after.lat], GATE)).toBeLessThan(1);
  });

  it('the same file again matches by external id: nothing is created twice', async () => {
    const report = (await upload(editor, iconv.encode(OFFICE_CSV, 'gbk'))).json();
    expect(report.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 4 });
    expect(report.rows.find((r: any) => r.line === 6)).toMatchObject({ status: 'unchanged', matched_by: 'external_id' });
  });

  it('UTF-8 with a BOM, English headers, updates by external id and by name + address; sample rows become real', async () => {
    const sample = (await t.app.inject('/api/points/1')).json().properties; // a sample point of 桃园街道
    expect(sample.is_sample).toBe(true);
    const csv = [
      'external_id,name,category,subtype,address,phone,opening_hours,lon,lat,crs',
      `TY-006,照耀里便利店,shopping,便利店,"河西区绍兴道照耀里1号,底商",022-23451111转8,Mo-Su 06:30-23:00,${GATE[0] - 0.0004},${GATE[1]},WGS84`,
      `,${sample.name},${sample.category},${sample.subtype},${sample.address},022-28000000,"${sample.opening_hours}",117.2075560,39.1071960,`,
    ].join('\n');
    const res = await upload(editor, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    const report = res.json();
    expect(report.encoding).toBe('utf-8-bom');
    expect(report.rows).toMatchObject([
      { line: 2, status: 'updated', matched_by: 'external_id', changed: ['opening_hours'] },
      { line: 3, status: 'updated', matched_by: 'name_address', id: 1 },
    ]);
    const updated = (await t.app.inject('/api/points/1')).json().properties;
    expect(updated).toMatchObject({ phone: '022-28000000', is_sample: false, source: 'import', version: sample.version + 1 });
    const [entry] = (await admin.inject('/api/audit?entity=point&entity_id=1')).json().entries;
    expect(entry).toMatchObject({ action: 'import', before: { phone: sample.phone, is_sample: true }, after: { phone: '022-28000000', is_sample: false } });
  });

  it("an editor's rows for another street are rejected", async () => {
    const csv = `name,category,lon,lat,street_code\n越界服务点,健康,${GATE[0]},${GATE[1]},120103001000\n`;
    const report = (await upload(editor, Buffer.from(csv))).json();
    expect(report.rows[0]).toMatchObject({ status: 'rejected', field: 'street_code', reason_zh: '街道：只能导入本街道的数据' });
  });

  it('a file without the required columns is refused as a whole, naming them', async () => {
    const res = await upload(editor, Buffer.from('名称,地址\n某点,某地址\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'category' });
    expect(res.json().message_zh).toBe('表头缺少列：类别、经度、纬度');
  });
});

describe('XLSX, progress and export', () => {
  it('imports an XLSX sheet (BD-09 coordinates, numeric cells) through an async job with progress', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('点位');
    sheet.addRow(['名称', '类别', '地址', '经度', '纬度', '坐标系', '外部编号']);
    // WGS84 117.2, 39.1 is BD-09 117.2128079, 39.1069441.
    sheet.addRow(['百度坐标图书室', '文化', '河西区测试路1号', 117.2128079, 39.1069441, 'BD-09', 'XL-1']);
    sheet.addRow(['', '', '', '', '', '', '']);
    sheet.addRow(['缺坐标的点', '文化', '河西区测试路2号', null, null, 'WGS84', 'XL-2']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const started = await upload(editor, file, '?async=true', 'points.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(started.statusCode).toBe(202);
    let job: any;
    for (let i = 0; i < 200; i++) {
      job = (await editor.inject(started.json().status_url)).json();
      if (job.phase === 'done' || job.phase === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job.phase).toBe('done');
    expect(job.report).toMatchObject({ format: 'xlsx', encoding: null, summary: { created: 1, rejected: 1 } });
    expect(job.report.rows).toMatchObject([{ line: 2, status: 'created' }, { line: 4, status: 'rejected', field: 'lon' }]);
    const point = (await t.app.inject(`/api/points/${job.report.rows[0].id}`)).json();
    expect(metres(point.geometry.coordinates, [117.2, 39.1])).toBeLessThan(1);
    // Someone else's job is not visible.
    expect((await admin.inject(started.json().status_url)).statusCode).toBe(404);
    // It ran through the durable queue (pg-boss, on this engine too), once, as the queue's job of the run's own id.
    // (The queue marks its job completed just after the job's own row says done.)
    let queued: { state: string }[] = [];
    for (let i = 0; i < 100 && queued[0]?.state !== 'completed'; i++) {
      if (i) await new Promise((r) => setTimeout(r, 20));
      queued = (await sql<{ state: string }>`select state::text from pgboss.job where name = 'point_import' and id = ${started.json().job_id} and data->>'run_id' = ${started.json().job_id}`.execute(t.app.db)).rows;
    }
    expect(queued).toEqual([{ state: 'completed' }]);
  });

  it('exports CSV with the filters, sample rows marked, formulas neutralised; it imports back unchanged', async () => {
    const evil = await editor.inject({
      method: 'POST', url: '/api/points',
      payload: { name: '=HYPERLINK("http://evil.example","点我")', category: 'culture', address: '@SUM(1+1)', lon: GATE[0], lat: GATE[1] + 0.0002 },
    });
    expect(evil.statusCode).toBe(201);
    expect((await t.app.inject(`/api/export/points.csv?street=${TAOYUAN}`)).statusCode).toBe(401);
    const res = await viewer.inject(`/api/export/points.csv?street=${TAOYUAN}&status=all`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = res.rawPayload.subarray(3).toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('系统编号,外部编号,名称,类别,类别名称,子类型,地址,电话,开放时间,经度,纬度,坐标系,街道,街道名称,社区,社区名称,状态,示例标记,版本,更新时间');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(text).toContain(",'@SUM(1+1),");
    const sampleLines = lines.filter((l) => l.includes(',示例,'));
    expect(sampleLines.length).toBeGreaterThan(20);
    const total = (await t.app.inject(`/api/points?street=${TAOYUAN}&status=all&limit=10000`)).json().total;
    expect(lines.length - 1).toBe(total);

    // Round trip: the export is a valid import, and nothing changes (the formula text comes back as typed).
    const again = (await upload(admin, res.rawPayload, `?street=${TAOYUAN}&dry_run=true`)).json();
    expect(again.summary.rejected).toBe(0);
    expect(again.summary.created).toBe(0);
    expect(again.rows.find((r: any) => r.id === evil.json().id)).toMatchObject({ status: 'unchanged', name: '=HYPERLINK("http://evil.example","点我")' });
  });

  it('exports XLSX (sample rows marked, notes with the attribution) and GeoJSON in GCJ-02 where asked', async () => {
    const xlsx = await viewer.inject(`/api/export/points.xlsx?street=${TAOYUAN}&category=elder_care&crs=GCJ-02&lang=en`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const [points, notes] = workbook.worksheets;
    const header = (points.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['id', 'external_id', 'name', 'category']);
    const rows = points.getSheetValues().slice(2).filter(Boolean) as unknown[][];
    expect(rows.length).toBeGreaterThan(0);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(rows.every((r) => r[col('category')] === 'elder_care' && r[col('crs')] === 'GCJ-02')).toBe(true);
    const daycare = rows.find((r) => r[col('name')] === '照耀里日间照料中心');
    expect(daycare).toBeDefined();
    const [gLon, gLat] = wgsToGcj(GATE[0] + 0.0005, GATE[1]);
    expect(metres([daycare![col('lon')] as number, daycare![col('lat')] as number], [gLon, gLat])).toBeLessThan(1);
    expect(rows.some((r) => r[col('sample_label')] === 'sample')).toBe(true);
    const noteText = (notes.getSheetValues() as unknown[][]).flat().join(' ');
    expect(noteText).toContain('© OpenStreetMap contributors, ODbL 1.0');

    const geo = await viewer.inject(`/api/export/points.geojson?street=${TAOYUAN}&sample=true`);
    expect(geo.headers['content-type']).toContain('application/geo+json');
    const fc = geo.json();
    expect(fc).toMatchObject({ type: 'FeatureCollection', contains_sample: true, attribution: '© OpenStreetMap contributors, ODbL 1.0' });
    expect(fc.features.every((f: any) => f.properties.is_sample && f.properties.sample_label === '示例')).toBe(true);
  });
});
