// 民情日记 on the real data: requests recorded at a visit, resolved on the spot or followed through
// assigned → in progress → closed (closing needs a resolution note), a street's open list with ages,
// the visit's report counts, and the residents' contacts kept out of every public answer, export and
// the audit log, and out of the staff answers of roles that may not see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { DAYINGMEN, plusDays, shanghaiToday, taoyuanSites, TAOYUAN, type SiteFeature } from './fixtures.ts';

const CONTACT_NAME = '王秀英阿姨';
const CONTACT_PHONE = '13812345678';

let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, otherEditor: LoggedIn, viewer: LoggedIn;
let site: SiteFeature;
let visit: any;
const ids: Record<string, number> = {};

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [admin, editor, otherEditor, viewer] = await Promise.all([
    loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'editor', DAYINGMEN), loginAs(t.app, 'viewer'),
  ]);
  site = (await taoyuanSites(t.app)).find((s) => s.kind === 'compound_gate')!;
  // Yesterday's desk at a compound gate: requests are recorded at (or after) the table.
  const res = await editor.inject({
    method: 'POST', url: '/api/desks/visits',
    payload: {
      date: plusDays(shanghaiToday(), -1), start_time: '09:00', end_time: '11:30', place: { kind: 'site', site_id: site.id },
      services: ['policy', 'legal', 'home_repair'], partners: ['桃园街道司法所'], contact_phone: '022-28350000',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  visit = res.json();
});
afterAll(async () => { await t?.close(); });

const record = (payload: Record<string, unknown>, as: LoggedIn = editor) =>
  as.inject({ method: 'POST', url: `/api/desks/visits/${visit.id}/requests`, payload });

describe('recording requests at a visit', () => {
  it('records requests resolved on the spot (with a resolution note) and registered ones (with a private contact)', async () => {
    const a = await record({ topic: 'policy', description: '咨询高龄津贴申领条件', outcome: 'on_site', resolution_note: '现场讲解政策并发放材料清单' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ status: 'closed', resolved_on_site: true, status_zh: '现场办结', compound_id: site.compound_id });
    const b = await record({ topic: 'neighbours', description: '楼上漏水与邻居协商未果', outcome: 'on_site', resolution_note: '司法所现场调解，双方达成一致' });
    expect(b.statusCode, b.body).toBe(201);
    const c = await record({ topic: 'housing', description: '3号楼楼道灯损坏，夜间老人出行不便', outcome: 'follow_up', contact_name: CONTACT_NAME, contact_phone: CONTACT_PHONE });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json()).toMatchObject({ status: 'registered', resolved_on_site: false, contact_name: CONTACT_NAME, contact_phone: CONTACT_PHONE });
    const d = await record({ topic: 'environment', description: '小区垃圾桶不够用', outcome: 'follow_up', assignee: '桃园街道城管科' });
    expect(d.json()).toMatchObject({ status: 'assigned', assignee: '桃园街道城管科' });
    [ids.a, ids.b, ids.c, ids.d] = [a.json().id, b.json().id, c.json().id, d.json().id];
  });

  it('refuses incomplete requests, naming the field', async () => {
    for (const [payload, field] of [
      [{ topic: 'policy', description: '咨询', outcome: 'on_site' }, 'resolution_note'],
      [{ topic: 'astrology', description: '咨询', outcome: 'follow_up' }, 'topic'],
      [{ topic: 'policy', description: '   ', outcome: 'follow_up' }, 'description'],
      [{ topic: 'policy', description: '咨询', outcome: 'follow_up', contact_phone: '不留电话' }, 'contact_phone'],
      [{ topic: 'policy', description: '咨询', outcome: 'later' }, 'outcome'],
    ] as const) {
      const res = await record(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect((await record({ topic: 'policy', description: '咨询', outcome: 'follow_up' }, viewer)).statusCode).toBe(403);
    expect((await record({ topic: 'policy', description: '咨询', outcome: 'follow_up' }, otherEditor)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/desks/visits/${visit.id}/requests`, payload: { topic: 'policy', description: '咨询', outcome: 'follow_up' } })).statusCode).toBe(401);
  });
});

describe('following a request to its close', () => {
  it('lists the street\'s open requests, oldest first, with their age in days', async () => {
    // The request about the stair light came in five days ago.
    await sql`update desk_requests set received_at = now() - interval '5 days 2 hours' where id = ${ids.c}`.execute(t.app.db);
    const res = await editor.inject(`/api/desks/requests?street=${TAOYUAN}`);
    expect(res.statusCode).toBe(200);
    const open = res.json().requests;
    expect(open.map((r: any) => r.id)).toEqual([ids.c, ids.d]);
    expect(open[0]).toMatchObject({ age_days: 5, status_zh: '已登记', topic: { name_zh: '房屋修缮' } });
    expect(open[1].age_days).toBe(0);
  });

  it('moves registered → assigned → in progress → closed; skipping a step, or closing without a note, is refused', async () => {
    const move = (payload: Record<string, unknown>) => editor.inject({ method: 'POST', url: `/api/desks/requests/${ids.c}/status`, payload });
    let res = await move({ version: 1, status: 'closed', resolution_note: '已修' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('status');
    res = await move({ version: 1, status: 'assigned' });
    expect(res.json().field).toBe('assignee');
    res = await move({ version: 1, status: 'assigned', assignee: '物业公司' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'assigned', assignee: '物业公司', version: 2 });
    expect((await move({ version: 1, status: 'in_progress' })).statusCode).toBe(409);
    res = await move({ version: 2, status: 'in_progress', note: '物业已派电工查看' });
    expect(res.json().status).toBe('in_progress');
    res = await move({ version: 3, status: 'closed' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('resolution_note');
    const note = await editor.inject({ method: 'POST', url: `/api/desks/requests/${ids.c}/notes`, payload: { note: '电话回访王阿姨，灯已亮' } });
    expect(note.statusCode, note.body).toBe(200);
    res = await move({ version: 3, status: 'closed', resolution_note: '更换3号楼楼道灯5盏并回访' });
    expect(res.statusCode, res.body).toBe(200);
    const closed = res.json();
    expect(closed).toMatchObject({ status: 'closed', status_zh: '已办结', resolution_note: '更换3号楼楼道灯5盏并回访', age_days: 5 });
    expect(closed.notes.map((n: any) => n.status_to)).toEqual(['registered', 'assigned', 'in_progress', null, 'closed']);
    expect(closed.notes[2].note).toBe('物业已派电工查看');
    expect(closed.assigned_at && closed.started_at && closed.closed_at).toBeTruthy();
    expect((await move({ version: 4, status: 'in_progress' })).statusCode).toBe(400);

    const open = (await editor.inject(`/api/desks/requests?street=${TAOYUAN}`)).json().requests;
    expect(open.map((r: any) => r.id)).toEqual([ids.d]);
  });

  it('reports the visit the way offices do: received, resolved on site, closed later', async () => {
    const res = await t.app.inject(`/api/desks/visits/${visit.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().report).toMatchObject({ received: 4, resolved_on_site: 2, closed_later: 1, open: 1 });
    expect(res.json().report.summary_zh).toBe('收集诉求4件，现场办结2件，后续办结1件，办理中1件');
    const month = (await viewer.inject(`/api/desks/report?street=${TAOYUAN}&month=${plusDays(shanghaiToday(), -1).slice(0, 7)}`)).json();
    expect(month.totals).toMatchObject({ received: 4, resolved_on_site: 2, closed_later: 1, open: 1 });
    expect(month.visits_held).toBe(1);
  });
});

describe('residents\' contacts', () => {
  const leaks = (body: string) => body.includes(CONTACT_PHONE) || body.includes(CONTACT_NAME);

  it('never appear in a public answer, calendar or export', async () => {
    const urls = [
      `/api/desks/visits/${visit.id}`,
      `/api/desks/visits?street=${TAOYUAN}&from=${plusDays(shanghaiToday(), -3)}`,
      `/api/desks/upcoming?site=${site.id}`,
      `/api/desks/upcoming?street=${TAOYUAN}`,
      `/api/desks/street/${TAOYUAN}.ics`,
      `/api/desks/site/${site.id}.ics`,
      `/api/desks/services`, `/api/desks/topics`,
    ];
    for (const url of urls) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(leaks(res.body), url).toBe(false);
    }
    for (const url of [`/api/desks/requests?street=${TAOYUAN}&status=all`, `/api/desks/requests/${ids.c}`, `/api/desks/requests.csv?street=${TAOYUAN}`]) {
      expect((await t.app.inject(url)).statusCode, url).toBe(401);
    }
  });

  it('are shown to the street\'s editor and the admin, and hidden from viewers and other streets\' editors', async () => {
    for (const as of [editor, admin]) {
      const one = (await as.inject(`/api/desks/requests/${ids.c}`)).json();
      expect(one).toMatchObject({ contact_name: CONTACT_NAME, contact_phone: CONTACT_PHONE, contact_hidden: false });
      const csv = (await as.inject(`/api/desks/requests.csv?street=${TAOYUAN}`)).body;
      expect(csv).toContain(CONTACT_PHONE);
      expect(csv.split('\r\n')[0]).toContain('联系电话');
    }
    for (const as of [viewer, otherEditor]) {
      const list = await as.inject(`/api/desks/requests?street=${TAOYUAN}&status=all`);
      expect(list.statusCode).toBe(200);
      expect(leaks(list.body)).toBe(false);
      const c = list.json().requests.find((r: any) => r.id === ids.c);
      expect(c.contact_hidden).toBe(true);
      expect('contact_phone' in c).toBe(false);
      expect(leaks((await as.inject(`/api/desks/requests/${ids.c}`)).body)).toBe(false);
      const csv = await as.inject(`/api/desks/requests.csv?street=${TAOYUAN}`);
      expect(csv.statusCode).toBe(200);
      expect(csv.body.startsWith('\uFEFF编号')).toBe(true);
      expect(csv.body).toContain('楼道灯');
      expect(leaks(csv.body)).toBe(false);
      expect(csv.body.split('\r\n')[0]).not.toContain('联系');
    }
  });

  it('are kept out of the audit log, which only notes that a contact exists', async () => {
    const rows = await t.app.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'desk_request').execute();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.some((r) => JSON.stringify(r.after).includes('"has_contact":true'))).toBe(true);
    expect(rows.every((r) => !leaks(JSON.stringify(r.after)))).toBe(true);
  });

  it('leave CSV exports inert: a description that looks like a formula is not one', async () => {
    const res = await record({ topic: 'other', description: '=HYPERLINK("http://example.invalid","点我")', outcome: 'on_site', resolution_note: '已解释' });
    expect(res.statusCode, res.body).toBe(201);
    const csv = (await editor.inject(`/api/desks/requests.csv?street=${TAOYUAN}`)).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://example.invalid"",""点我"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});
