// Residents' reports on the real data: the public form (signed token, honeypot, field-named 400s, limits
// per address counted in the database, repeats merged), the receipt that never shows a phone, and the
// street office's queue, roles, versioned status moves with a required public reply, counts, exports
// and the 信息有误 → point edit conversion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { DAYINGMEN, taoyuanSites, TAOYUAN, type SiteFeature } from '../desks/fixtures.ts';
import { loadFormKey, signFormToken } from '../../server/reports/formToken.ts';
import { REPORT_LIMITS } from '../../server/reports/limits.ts';

const PHONE = '13912345678';
let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, otherEditor: LoggedIn, viewer: LoggedIn;
let site: SiteFeature;
let point: { id: number; name: string; street_code: string };
let key: Buffer;
let deviceCounter = 0;

/** A fresh device's token, signed as the token route signs it (the route itself is tested below). */
const tokenFor = (device = `test-device-${process.pid}-${++deviceCounter}-xxxxxxxx`) => signFormToken(key, device).token;
const send = (payload: Record<string, unknown>, address = '10.1.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/reports', payload: { token: tokenFor(), ...payload }, remoteAddress: address });

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [admin, editor, otherEditor, viewer] = await Promise.all([
    loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'editor', DAYINGMEN), loginAs(t.app, 'viewer'),
  ]);
  site = (await taoyuanSites(t.app)).find((s) => s.kind === 'service_center')!;
  point = (await t.app.db.selectFrom('service_points').select(['id', 'name', 'street_code']).where('street_code', '=', TAOYUAN)
    .where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()) as typeof point;
  key = await loadFormKey(t.app.db);
});
afterAll(async () => { await t?.close(); });

const storedCount = async () => Number((await t.app.db.selectFrom('resident_reports').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the public form', () => {
  it('issues a token for a device through GET /api/reports/token and accepts a 缺少服务 report from a board site', async () => {
    const tok = await t.app.inject('/api/reports/token');
    expect(tok.statusCode).toBe(200);
    const { token, device } = tok.json();
    expect(device).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const again = await t.app.inject(`/api/reports/token?device=${device}`);
    expect(again.json().device).toBe(device);
    const res = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.1.0.2',
      payload: { token, kind: 'service_missing', category: 'elder_care', site_id: site.id, phone: PHONE, text: '附近没有老年食堂，看 http://spam.example.com/x 和 www.ads.cn' } });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'service_missing', category: 'elder_care', status: 'new', merged: false, street_name: '桃园街道' });
    expect(body.code).toMatch(/^[0-9A-Z]{10}$/);
    expect(body.receipt_url).toBe(`http://test.local/r/${body.code}`);
    expect(res.body).not.toContain(PHONE);
    const stored = await t.app.db.selectFrom('resident_reports').selectAll().where('code', '=', body.code).executeTakeFirstOrThrow();
    expect(stored.street_code).toBe(TAOYUAN);
    expect(stored.contact_phone).toBe(PHONE);
    expect(stored.body).toBe('附近没有老年食堂，看 和');
  });

  it('refuses bad input with a 400 naming the field, in English and Chinese', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'complaint', lon: site.lon, lat: site.lat }, 'kind'],
      [{ kind: 'blocked', lon: 116.397, lat: 39.909 }, 'lon'],
      [{ kind: 'other', site_id: site.id, text: '很'.repeat(301) }, 'text'],
      [{ kind: 'service_missing', site_id: site.id }, 'category'],
      [{ kind: 'service_missing', category: 'casino', site_id: site.id }, 'category'],
      [{ kind: 'other', site_id: site.id, phone: '12345' }, 'phone'],
      [{ kind: 'other', site_id: site.id, token: 'v1.abc.1.2.forged' }, 'token'],
      [{ kind: 'other', site_id: site.id, token: `${tokenFor().slice(0, -3)}AAA` }, 'token'],
      [{ kind: 'other', site_id: site.id, token: signFormToken(key, 'expired-device-xxxxxxxx', Date.now() - 3 * 3600_000).token }, 'token'],
      [{ kind: 'other', site_id: site.id, website: 'http://bot' }, 'website'],
      [{ kind: 'other' }, 'lon'],
    ];
    const before = await storedCount();
    for (const [payload, field] of cases) {
      const res = await send(payload, '10.1.0.3');
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      const err = res.json();
      expect(err.field).toBe(field);
      expect(err.message).toContain(field);
      expect(err.message_zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await storedCount()).toBe(before);
  });

  it('merges repeats from one device about the same point, and keeps other devices apart', async () => {
    const token = tokenFor();
    const first = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.1.0.4', payload: { token, kind: 'info_wrong', point_id: point.id, text: '电话打不通' } });
    expect(first.statusCode, first.body).toBe(201);
    const repeat = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.1.0.4', payload: { token, kind: 'info_wrong', point_id: point.id, phone: PHONE } });
    expect(repeat.statusCode, repeat.body).toBe(200);
    expect(repeat.json()).toMatchObject({ merged: true, code: first.json().code });
    const stored = await t.app.db.selectFrom('resident_reports').select(['repeats', 'body', 'contact_phone']).where('code', '=', first.json().code).executeTakeFirstOrThrow();
    expect(stored).toEqual({ repeats: 2, body: '电话打不通', contact_phone: PHONE });
    const other = await send({ kind: 'info_wrong', point_id: point.id }, '10.1.0.4');
    expect(other.statusCode).toBe(201);
    expect(other.json().code).not.toBe(first.json().code);
  });

  it('answers 1,000 reports from one address with 429 past the limit, stores nothing more, and leaves other addresses alone', async () => {
    const limit = Math.min(...REPORT_LIMITS.filter((l) => l.scope === 'address').map((l) => l.max));
    const before = await storedCount();
    const codes: number[] = [];
    let firstRefusal: any = null;
    for (let i = 0; i < 1000; i++) {
      const res = await send({ kind: 'blocked', lon: site.lon + (i % 50) * 0.0002, lat: site.lat + Math.floor(i / 50) * 0.0001 }, '10.9.9.9');
      codes.push(res.statusCode);
      if (res.statusCode === 429 && !firstRefusal) firstRefusal = res;
    }
    expect(codes.filter((c) => c === 201)).toHaveLength(limit);
    expect(codes.slice(limit).every((c) => c === 429)).toBe(true);
    expect(firstRefusal.json().message).toMatch(/Too many reports/);
    expect(firstRefusal.json().message_zh).toMatch(/提交太频繁/);
    expect(Number(firstRefusal.headers['retry-after'])).toBeGreaterThan(0);
    expect(await storedCount()).toBe(before + limit);
    const elsewhere = await send({ kind: 'blocked', lon: site.lon, lat: site.lat }, '10.9.9.10');
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    expect(await storedCount()).toBe(before + limit + 1);
  });

  it('limits one device across addresses too', async () => {
    const device = `one-phone-${process.pid}-xxxxxxxxxxxx`;
    const max = Math.min(...REPORT_LIMITS.filter((l) => l.scope === 'device').map((l) => l.max));
    const statuses: number[] = [];
    for (let i = 0; i < max + 3; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: `10.2.${i}.1`,
        payload: { token: signFormToken(key, device).token, kind: 'other', lon: site.lon + i * 0.001, lat: site.lat, text: `第${i}条` } });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, max).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(max)).toEqual([429, 429, 429]);
  });
});

describe('the receipt and the street office', () => {
  let report: any;
  beforeAll(async () => {
    const res = await send({ kind: 'other', site_id: site.id, text: '宣传栏的字太小', phone: PHONE }, '10.3.0.1');
    expect(res.statusCode, res.body).toBe(201);
    report = res.json();
  });

  it('keeps the phone out of every public answer: the form answer, the receipt API and the receipt page', async () => {
    const api = await t.app.inject(`/api/reports/${report.code}`);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ code: report.code, status: 'new', kind: 'other', public_reply: null });
    const lower = await t.app.inject(`/api/reports/${report.code.toLowerCase()}`);
    expect(lower.statusCode).toBe(200);
    const page = await t.app.inject(`/r/${report.code}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('已收到');
    const en = await t.app.inject(`/r/${report.code}?lang=en`);
    expect(en.body).toContain('Received');
    for (const body of [api.body, lower.body, page.body, en.body, JSON.stringify(report)]) {
      expect(body).not.toContain(PHONE);
      expect(body).not.toContain('宣传栏的字太小');
    }
    const missing = await t.app.inject('/r/ZZZZZZZZZZ');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect(missing.body).toContain('没有找到这个回执号');
    expect((await t.app.inject('/api/reports/ZZZZZZZZZZ')).statusCode).toBe(404);
  });

  it('shows the report only in its own street\'s queue; an editor of another street gets 403', async () => {
    const own = await editor.inject(`/api/reports/queue?street=${TAOYUAN}`);
    expect(own.statusCode).toBe(200);
    const mine = own.json().reports.find((r: any) => r.code === report.code);
    expect(mine).toMatchObject({ street_code: TAOYUAN, phone: PHONE, has_phone: true, text: '宣传栏的字太小', age_days: 0 });
    const other = await admin.inject(`/api/reports/queue?street=${DAYINGMEN}&status=all`);
    expect(other.statusCode).toBe(200);
    expect(other.json().reports.some((r: any) => r.code === report.code)).toBe(false);
    expect((await otherEditor.inject(`/api/reports/queue?street=${TAOYUAN}`)).statusCode).toBe(403);
    expect((await otherEditor.inject(`/api/reports/queue/${mine.id}`)).statusCode).toBe(403);
    const move = await otherEditor.inject({ method: 'POST', url: `/api/reports/queue/${mine.id}/status`, payload: { to: 'accepted', version: mine.version } });
    expect(move.statusCode).toBe(403);
    const byViewer = await viewer.inject(`/api/reports/queue?street=${TAOYUAN}`);
    const seen = byViewer.json().reports.find((r: any) => r.code === report.code);
    expect(seen.has_phone).toBe(true);
    expect(seen).not.toHaveProperty('phone');
    expect(byViewer.body).not.toContain(PHONE);
    expect((await viewer.inject({ method: 'POST', url: `/api/reports/queue/${mine.id}/status`, payload: { to: 'accepted', version: mine.version } })).statusCode).toBe(403);
    const kindFilter = await editor.inject(`/api/reports/queue?street=${TAOYUAN}&kind=service_missing`);
    expect(kindFilter.json().reports.length).toBeGreaterThan(0);
    expect(kindFilter.json().reports.every((r: any) => r.kind === 'service_missing')).toBe(true);
  });

  it('moves the status with versions (409 when stale), needs a public reply to close, audits, and the receipt shows it', async () => {
    const id = (await editor.inject(`/api/reports/queue?street=${TAOYUAN}`)).json().reports.find((r: any) => r.code === report.code).id;
    const accepted = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'accepted', version: 1 } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', version: 2 });
    const stale = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'in_progress', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current.version).toBe(2);
    const noReply = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'resolved', version: 2 } });
    expect(noReply.statusCode).toBe(400);
    expect(noReply.json().field).toBe('public_reply');
    const skip = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'new', version: 2 } });
    expect(skip.statusCode).toBe(400);
    expect(skip.json().field).toBe('to');
    const reply = '已更换大字宣传栏，感谢您的反馈。';
    const resolved = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'resolved', version: 2, public_reply: reply } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', public_reply: reply, version: 3 });
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'resident_report').where('entity_id', '=', String(id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['status', 'status']);
    expect(JSON.stringify(audit)).not.toContain(PHONE);
    const receipt = await t.app.inject(`/api/reports/${report.code}`);
    expect(receipt.json()).toMatchObject({ status: 'resolved', public_reply: reply, status_name: { zh: '已办结' } });
    expect(receipt.json().closed_at).not.toBeNull();
    const page = await t.app.inject(`/r/${report.code}`);
    expect(page.body).toContain(reply);
    expect(page.body).toContain('已办结');
    const closedAgain = await editor.inject({ method: 'POST', url: `/api/reports/queue/${id}/status`, payload: { to: 'rejected', version: 3, public_reply: 'x' } });
    expect(closedAgain.statusCode).toBe(400);
  });

  it('counts the street\'s reports: received, resolved, median days, by kind and month', async () => {
    const res = await viewer.inject(`/api/reports/counts?street=${TAOYUAN}`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    const stored = await t.app.db.selectFrom('resident_reports').select(['status', 'kind']).where('street_code', '=', TAOYUAN).execute();
    expect(c.received).toBe(stored.length);
    expect(c.resolved).toBe(stored.filter((s) => s.status === 'resolved').length);
    expect(c.resolved).toBeGreaterThanOrEqual(1);
    expect(c.median_days_to_close).toBe(0);
    expect(c.by_kind.find((k: any) => k.kind === 'other')).toMatchObject({ kind_zh: '其他', resolved: 1 });
    expect(c.by_month).toHaveLength(1);
    expect(c.by_month[0].received).toBe(stored.length);
    expect((await otherEditor.inject(`/api/reports/counts?street=${TAOYUAN}`)).statusCode).toBe(403);
  });

  it('exports CSV and XLSX with phones for the street\'s editor and without them for a viewer', async () => {
    const csvEditor = await editor.inject(`/api/reports/export.csv?street=${TAOYUAN}`);
    expect(csvEditor.statusCode).toBe(200);
    expect(csvEditor.body).toContain('联系电话');
    expect(csvEditor.body).toContain(PHONE);
    const csvViewer = await viewer.inject(`/api/reports/export.csv?street=${TAOYUAN}`);
    expect(csvViewer.statusCode).toBe(200);
    expect(csvViewer.body).toContain(report.code);
    expect(csvViewer.body).not.toContain('联系电话');
    expect(csvViewer.body).not.toContain(PHONE);
    for (const [who, expectPhone] of [[viewer, false], [editor, true]] as const) {
      const xlsx = await who.inject(`/api/reports/export.xlsx?street=${TAOYUAN}`);
      expect(xlsx.statusCode).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as any);
      const cells = book.worksheets[0].getSheetValues().flat().map(String).join('|');
      expect(cells).toContain(report.code);
      expect(cells.includes(PHONE)).toBe(expectPhone);
    }
  });

  it('turns an 信息有误 report about a point into a prefilled point edit and links it; other kinds are refused naming the field', async () => {
    const sent = await send({ kind: 'info_wrong', point_id: point.id, text: '已经搬走了' }, '10.3.0.2');
    const row = (await editor.inject(`/api/reports/queue?street=${TAOYUAN}`)).json().reports.find((r: any) => r.code === sent.json().code);
    const res = await editor.inject({ method: 'POST', url: `/api/reports/queue/${row.id}/convert`, payload: { version: row.version } });
    expect(res.statusCode, res.body).toBe(200);
    const { report: linked, draft } = res.json();
    expect(draft).toMatchObject({ kind: 'point_edit', point_id: point.id, point: { name: point.name } });
    expect(draft.note).toContain('已经搬走了');
    expect(linked).toMatchObject({ status: 'accepted', linked: { kind: 'point_edit', point_id: point.id } });
    const missing = (await editor.inject(`/api/reports/queue?street=${TAOYUAN}&kind=service_missing`)).json().reports[0];
    const refused = await editor.inject({ method: 'POST', url: `/api/reports/queue/${missing.id}/convert`, payload: { version: missing.version } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().field).toBe('kind');
  });

  it('turns 这里有路 into a draft path from the nearest way to the place, and 此路不通 into a draft closure of the way there', async () => {
    // a place inside a Taoyuan compound, off the mapped ways (the site's own position moved 40 m north-east)
    const [lon, lat] = [site.lon + 0.0003, site.lat + 0.0003];
    const convert = async (kind: string) => {
      const sent = await send({ kind, lon, lat, text: `测试${kind}` }, `10.3.1.${kind.length}`);
      expect(sent.statusCode, sent.body).toBe(201);
      const row = (await editor.inject(`/api/reports/queue?street=${TAOYUAN}&kind=${kind}`)).json().reports.find((r: any) => r.code === sent.json().code);
      expect((await otherEditor.inject({ method: 'POST', url: `/api/reports/queue/${row.id}/convert`, payload: { version: row.version } })).statusCode).toBe(403);
      const res = await editor.inject({ method: 'POST', url: `/api/reports/queue/${row.id}/convert`, payload: { version: row.version } });
      expect(res.statusCode, res.body).toBe(200);
      const { report: linked, draft } = res.json();
      expect(draft.kind).toBe('network_correction');
      expect(linked).toMatchObject({ status: 'accepted', linked: { kind: 'network_correction', correction_id: draft.correction.id } });
      const stored = await viewer.inject(`/api/network/corrections/${draft.correction.id}`);
      expect(stored.statusCode).toBe(200);
      expect(stored.json()).toMatchObject({ status: 'draft', street_code: TAOYUAN });
      expect(stored.json().note).toContain(`测试${kind}`);
      const audit = await t.app.db.selectFrom('audit_log').select('action').where('entity', '=', 'network_correction').where('entity_id', '=', draft.correction.id).execute();
      expect(audit.map((a) => a.action)).toEqual(['create']);
      return stored.json();
    };
    const path = await convert('path_missing');
    expect(path.kind).toBe('path');
    const coords = path.geometry.coordinates as [number, number][];
    expect(coords).toHaveLength(2);
    expect(coords[1][0]).toBeCloseTo(lon, 6);
    expect(coords[1][1]).toBeCloseTo(lat, 6);
    const engine = await t.app.walking.engine();
    const onWay = engine.snapper.snap(coords[0][0], coords[0][1], engine.costs('standard'), 1);
    expect(onWay.ok).toBe(true);
    const closure = await convert('blocked');
    expect(closure.kind).toBe('closure');
    const ends = closure.geometry.coordinates as [number, number][];
    expect(ends).toHaveLength(2);
    for (const [x, y] of ends) expect(engine.snapper.snap(x, y, engine.costs('standard'), 1).ok).toBe(true);
  });

  it('gives the coverage map the open 缺少服务 reports as demand by category', async () => {
    const res = await viewer.inject(`/api/reports/demand?street=${TAOYUAN}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.features.length).toBeGreaterThan(0);
    expect(body.by_category.elder_care).toBeGreaterThanOrEqual(1);
    expect(body.features.every((f: any) => f.properties.category && f.properties.street_code === TAOYUAN)).toBe(true);
    expect(res.body).not.toContain(PHONE);
  });
});
