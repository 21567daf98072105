// Every record inside a batch gets the street check of a single write. A street editor (桃园街道) sends
// each route that takes a list one item of another street (大营门街道) inside its list: the answer names
// the item, and nothing of it is stored. Routes: print jobs (site_ids), rotation publish (visits),
// and the point import (rows of a file, which are reported one by one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { DAYINGMEN, monthAfter, TAOYUAN } from '../desks/fixtures.ts';

let t: TestApp;
let admin: LoggedIn;
let editor: LoggedIn;
let ownSites: number[];
let foreignSite: number;
/** A place inside 大营门街道 (the site the district admin adds there). */
const FOREIGN_PLACE = { lon: 117.2101, lat: 39.1108 };

const countRows = async (table: 'board_jobs' | 'desk_visits' | 'service_points') =>
  Number((await t.app.db.selectFrom(table).select(t.app.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const foreignAudit = async () =>
  (await t.app.db.selectFrom('audit_log').select(['id', 'action', 'entity']).where('street_code', '=', DAYINGMEN).where('user_id', '=', editor.user.id).execute());

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  editor = await loginAs(t.app, 'editor', TAOYUAN);
  ownSites = (await t.app.db.selectFrom('board_sites').select('id').where('street_code', '=', TAOYUAN).where('status', '=', 'active').orderBy('id').limit(2).execute()).map((r) => r.id);
  // The sample has board sites only in 桃园街道: the district admin adds one in 大营门街道.
  const site = await admin.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '大营门测试服务中心', street_code: DAYINGMEN, ...FOREIGN_PLACE } });
  expect(site.statusCode, site.body).toBe(201);
  foreignSite = site.json().id;
});
afterAll(async () => { await t?.close(); });

describe('a foreign street inside a list is refused like a single foreign write', () => {
  it('print jobs: a site of another street in site_ids is a 403 naming site_ids.N; no job is stored', async () => {
    expect(ownSites).toHaveLength(2);
    const jobsBefore = await countRows('board_jobs');
    const res = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [...ownSites, foreignSite], size: 'A4' } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ field: 'site_ids.2', message: expect.stringContaining(DAYINGMEN), message_zh: expect.stringContaining('其他街道') });
    // By parameter too: the street itself.
    const byStreet = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { street: DAYINGMEN, size: 'A4' } });
    expect(byStreet.statusCode, byStreet.body).toBe(403);
    expect(byStreet.json().field).toBe('street');
    expect(await countRows('board_jobs')).toBe(jobsBefore);
    expect(await foreignAudit()).toEqual([]);
  });

  it('rotation publish: a visit of another street (by code or by place) is a 403 naming visits.N; no visit is stored', async () => {
    const month = monthAfter(1);
    const own = { date: `${month}-12`, start_time: '09:00', end_time: '11:00', services: ['policy'], place: { kind: 'site', site_id: ownSites[0] } };
    const visitsBefore = await countRows('desk_visits');
    const byCode = await editor.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: [
      own, { ...own, date: `${month}-13`, street_code: DAYINGMEN, place: { kind: 'point', ...FOREIGN_PLACE, name: '大营门' } },
    ] } });
    expect(byCode.statusCode, byCode.body).toBe(403);
    expect(byCode.json()).toMatchObject({ field: 'visits.1.street_code', message_zh: expect.stringContaining('其他街道') });
    const byPlace = await editor.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: [
      own, own, { ...own, date: `${month}-14`, place: { kind: 'site', site_id: foreignSite } },
    ] } });
    expect(byPlace.statusCode, byPlace.body).toBe(403);
    expect(byPlace.json().field).toBe('visits.2.place');
    expect(await countRows('desk_visits')).toBe(visitsBefore);
    expect(await foreignAudit()).toEqual([]);
  });

  it('point import: a row of another street, or matching another street\'s point, is refused naming its line and street_code; nothing of it is stored', async () => {
    // A point of 大营门街道 that a row will try to overwrite by name and address.
    const target = await admin.inject({ method: 'POST', url: '/api/points', payload: {
      name: '大营门社区卫生服务站', category: 'health', address: '河西区大营门测试路1号', street_code: DAYINGMEN, ...FOREIGN_PLACE,
    } });
    expect(target.statusCode, target.body).toBe(201);
    const targetId = target.json().properties.id;
    const targetVersion = target.json().properties.version;
    const csv = [
      'name,category,address,phone,lon,lat,street_code',
      `桃园批量测试点,文化,河西区桃园测试路1号,,117.2012,39.1034,${TAOYUAN}`, // line 2: own street
      `越界批量测试点,文化,河西区大营门测试路2号,,${FOREIGN_PLACE.lon},${FOREIGN_PLACE.lat},${DAYINGMEN}`, // line 3: another street
      `大营门社区卫生服务站,健康,河西区大营门测试路1号,022-99999999,117.2012,39.1034,${TAOYUAN}`, // line 4: another street's point
    ].join('\n');
    const boundary = '----hexiBatchStreets';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="points.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(csv), Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    // By parameter: the whole file into another street is a 403 naming the parameter.
    const byParam = await editor.inject({ method: 'POST', url: `/api/import/points?street=${DAYINGMEN}`, payload, headers });
    expect(byParam.statusCode, byParam.body).toBe(403);
    expect(byParam.json().field).toBe('street');

    // By row: the import reports each row; the foreign ones are refused as a single write would be.
    const res = await editor.inject({ method: 'POST', url: '/api/import/points', payload, headers });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.summary).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 2 });
    expect(report.rows).toMatchObject([
      { line: 2, status: 'created' },
      { line: 3, status: 'rejected', field: 'street_code', reason_zh: expect.stringContaining('只能导入本街道') },
      { line: 4, status: 'rejected', field: 'street_code', reason_zh: expect.stringContaining('其他街道') },
    ]);
    expect(await t.app.db.selectFrom('service_points').select('id').where('name', '=', '越界批量测试点').execute()).toEqual([]);
    const after = (await t.app.inject(`/api/points/${targetId}`)).json().properties;
    expect(after).toMatchObject({ version: targetVersion, street_code: DAYINGMEN, phone: null });
    expect(await foreignAudit()).toEqual([]);
  });
});
