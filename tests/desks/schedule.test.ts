// Desk schedules on the real data: a recurring rule expands to the right local dates across a month
// boundary, a cancelled date drops out of the schedule but stays visible as cancelled (API and iCalendar),
// plan edits follow through, writes obey the roles, versions and audit of points, and residents near a
// board site see the visits within its 15-minute walk with walking minutes from the real network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { expandPlan } from '../../server/desks/recurrence.ts';
import { topUpPlans } from '../../server/desks/plugin.ts';
import { PLAN_HORIZON_DAYS } from '../../server/desks/writes.ts';
import {
  DAYINGMEN, lastDayOf, metresBetween, monthAfter, nthWeekdays, plusDays, shanghaiToday, taoyuanSites, TAOYUAN, type SiteFeature,
} from './fixtures.ts';

let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, otherEditor: LoggedIn, viewer: LoggedIn;
let sites: SiteFeature[];
let center: SiteFeature; // 照耀里社区党群服务中心

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [admin, editor, otherEditor, viewer] = await Promise.all([
    loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'editor', DAYINGMEN), loginAs(t.app, 'viewer'),
  ]);
  sites = await taoyuanSites(t.app);
  center = sites.find((s) => s.name === '照耀里社区党群服务中心')!;
});
afterAll(async () => { await t?.close(); });

const visitBody = (over: Record<string, unknown> = {}) => ({
  date: plusDays(shanghaiToday(), 3), start_time: '09:00', end_time: '11:30',
  place: { kind: 'site', site_id: center.id }, services: ['policy', 'anti_fraud'],
  partners: ['桃园派出所'], contact_phone: '022-24168691', note: '请携带身份证', ...over,
});

async function schedule(query: string) {
  const res = await t.app.inject(`/api/desks/visits?street=${TAOYUAN}&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().visits as any[];
}

describe('recurring plans', () => {
  const m1 = monthAfter(1);
  const m2 = monthAfter(2);
  const expected = [...nthWeekdays(m1, 3, [2, 4]), ...nthWeekdays(m2, 3, [2, 4])];
  let planId: number;

  it('expands "2nd and 4th Wednesday, 14:00–17:00" to the right local dates and instants across a month boundary', () => {
    const occurrences = expandPlan(
      { rule: 'FREQ=MONTHLY;BYDAY=2WE,4WE', startDate: `${m1}-01`, untilDate: lastDayOf(m2), startTime: '14:00', endTime: '17:00' },
      `${m1}-01`, lastDayOf(m2),
    );
    expect(occurrences.map((o) => o.date)).toEqual(expected);
    // 14:00 in Shanghai is 06:00 UTC
    expect(occurrences.map((o) => o.startsAt.toISOString())).toEqual(expected.map((d) => `${d}T06:00:00.000Z`));
    expect(occurrences.map((o) => o.endsAt.toISOString())).toEqual(expected.map((d) => `${d}T09:00:00.000Z`));
  });

  it('stores a plan\'s occurrences as visits; a cancelled date leaves the schedule but shows as cancelled', async () => {
    const res = await editor.inject({
      method: 'POST', url: '/api/desks/plans',
      payload: {
        title: '照耀里社区流动办公桌', rule: 'FREQ=MONTHLY;BYDAY=2WE,4WE', start_date: `${m1}-01`, until_date: lastDayOf(m2),
        start_time: '14:00', end_time: '17:00', place: { kind: 'site', site_id: center.id },
        services: ['legal', 'haircut', 'elderly_allowance'], partners: ['天津市律师协会'], contact_phone: '022-24168691',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json();
    planId = plan.id;
    expect(plan.rule_zh).toBe('每月第2、4个周三');
    expect(plan.next_dates.map((d: any) => d.date)).toEqual(expected.slice(0, 4));

    const all = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}`);
    expect(all.map((v) => v.date)).toEqual(expected);
    expect(all.every((v) => v.status === 'scheduled' && v.start_time === '14:00' && v.end_time === '17:00' && v.weekday_zh === '周三')).toBe(true);
    expect(all[0].recurrence.zh).toBe('每月第2、4个周三');
    expect(all[0].services.map((s: any) => s.name_zh)).toEqual(['法律咨询', '便民理发', '高龄补贴认证']);

    // Cancel the first date of the second month (the one right after the boundary).
    const target = all[2];
    const cancel = await editor.inject({ method: 'POST', url: `/api/desks/visits/${target.id}/cancel`, payload: { version: 1, reason: '因雨改期' } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');

    const scheduled = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}&status=scheduled`);
    expect(scheduled.map((v) => v.date)).toEqual(expected.filter((d) => d !== target.date));
    const after = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}`);
    expect(after.map((v) => v.date)).toEqual(expected);
    expect(after[2]).toMatchObject({ id: target.id, status: 'cancelled', cancel_reason: '因雨改期' });
  });

  it('publishes valid iCalendar: CRLF, folded lines, UTC times, escaped text, the cancelled date as STATUS:CANCELLED', async () => {
    const res = await t.app.inject(`/api/desks/street/${TAOYUAN}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const text = res.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare LF or CR
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = text.replace(/\r\n /g, '');
    const events = unfolded.split('BEGIN:VEVENT').slice(1).map((e) => e.split('END:VEVENT')[0]);
    const planEvents = events.filter((e) => e.includes(`UID:desk-plan-${planId}-`));
    expect(planEvents).toHaveLength(expected.length);
    const cancelledUid = `UID:desk-plan-${planId}-${expected[2].replace(/-/g, '')}@test.local`;
    const cancelled = planEvents.find((e) => e.includes(cancelledUid))!;
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain(`DTSTART:${expected[2].replace(/-/g, '')}T060000Z`);
    expect(planEvents.filter((e) => e.includes('STATUS:CONFIRMED'))).toHaveLength(expected.length - 1);
    // RFC 5545 TEXT escaping: the comma between partner names would otherwise split the value
    expect(cancelled).toMatch(/DESCRIPTION:服务项目：法律咨询、便民理发、高龄补贴认证\\n合作单位：天津市律师协会/);
    expect(cancelled).toContain('SUMMARY:【已取消】流动办公桌');
  });

  it('moves the plan\'s future dates when the plan is edited, leaving the cancelled one alone; a dropped date shows as cancelled', async () => {
    const plan = (await editor.inject(`/api/desks/plans/${planId}`)).json();
    const res = await editor.inject({ method: 'PATCH', url: `/api/desks/plans/${planId}`, payload: { version: plan.version, start_time: '15:00', end_time: '17:30' } });
    expect(res.statusCode, res.body).toBe(200);
    let visits = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}`);
    expect(visits.map((v) => `${v.date} ${v.start_time} ${v.status}`)).toEqual(expected.map((d, i) => (i === 2 ? `${d} 14:00 cancelled` : `${d} 15:00 scheduled`)));

    // A new rule: the 2nd Wednesday only. The 4th Wednesdays were announced, so they show as cancelled.
    const res2 = await editor.inject({ method: 'PATCH', url: `/api/desks/plans/${planId}`, payload: { version: res.json().version, rule: 'FREQ=MONTHLY;BYDAY=2WE' } });
    expect(res2.statusCode, res2.body).toBe(200);
    visits = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}`);
    expect(visits.map((v) => `${v.date} ${v.status}`)).toEqual(expected.map((d, i) => `${d} ${i === 0 ? 'scheduled' : 'cancelled'}`));
    expect(visits[1].cancel_reason).toBe('计划调整，本次取消');
    expect(visits[2].cancel_reason).toBe('因雨改期');

    // Ending the plan cancels what is left, and says why.
    const ended = await editor.inject({ method: 'POST', url: `/api/desks/plans/${planId}/cancel`, payload: { version: res2.json().version, reason: '社区改为固定窗口服务' } });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().status).toBe('closed');
    visits = await schedule(`plan=${planId}&from=${m1}-01&to=${lastDayOf(m2)}`);
    expect(visits.every((v) => v.status === 'cancelled')).toBe(true);
    expect(visits[0].cancel_reason).toBe('社区改为固定窗口服务');
  });

  it('stores an open-ended plan up to the horizon and tops it up as the horizon moves on, once', async () => {
    const res = await editor.inject({
      method: 'POST', url: '/api/desks/plans',
      payload: { title: '每周三便民理发', rule: 'FREQ=WEEKLY;BYDAY=WE', start_date: shanghaiToday(), start_time: '09:00', end_time: '11:00', place: { kind: 'site', site_id: center.id }, services: ['haircut'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json();
    expect(plan.materialized_until).toBe(plusDays(shanghaiToday(), PLAN_HORIZON_DAYS));
    const count = async (planId?: number) => {
      let q = t.app.db.selectFrom('desk_visits').select(sql<number>`count(*)`.as('n')).where('plan_id', 'is not', null);
      if (planId) q = q.where('plan_id', '=', planId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    const before = await count(plan.id);
    const allBefore = await count();
    expect(before).toBeGreaterThanOrEqual(25);
    // Four weeks later the horizon has moved four weeks: four more Wednesdays, and a second run adds none.
    // (The top-up serves every open-ended plan: the sample set's plans grow too, and are counted apart.)
    const later = new Date(Date.now() + 28 * 86_400_000);
    const created = await topUpPlans(t.app, later);
    expect(await count(plan.id)).toBe(before + 4);
    expect(await count()).toBe(allBefore + created);
    expect(await topUpPlans(t.app, later)).toBe(0);
    expect(await count(plan.id)).toBe(before + 4);
  });

  it('refuses a malformed rule with a 400 on the rule field (and does not hang on it)', async () => {
    for (const rule of ['FREQ=WEEKLY;INTERVAL=abc', 'FREQ=HOURLY', 'FREQ=WEEKLY;BYDAY=2WE', 'FREQ=MONTHLY;BYDAY=5WE;BYMONTH=2;COUNT=1', 'FREQ=WEEKLY;UNTIL=20270101']) {
      const res = await editor.inject({
        method: 'POST', url: '/api/desks/plans',
        payload: { title: '测试', rule, start_date: `${m1}-01`, start_time: '09:00', end_time: '10:00', place: { kind: 'site', site_id: center.id }, services: ['policy'] },
      });
      expect(res.statusCode, rule).toBe(400);
      expect(res.json().field, rule).toBe('rule');
      expect(res.json().message_zh, rule).toMatch(/^重复规则：/);
    }
  });
});

describe('who may change visits', () => {
  it('anonymous 401, viewer 403, another street\'s editor 403; the editor of the street and the admin may', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() })).statusCode).toBe(401);
    expect((await viewer.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() })).statusCode).toBe(403);
    expect((await otherEditor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() })).statusCode).toBe(403);
    const mine = await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() });
    expect(mine.statusCode, mine.body).toBe(201);
    expect((await admin.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() })).statusCode).toBe(201);
    const id = mine.json().id;
    expect((await otherEditor.inject({ method: 'POST', url: `/api/desks/visits/${id}/cancel`, payload: { version: 1, reason: 'x' } })).statusCode).toBe(403);
    expect((await viewer.inject({ method: 'PATCH', url: `/api/desks/visits/${id}`, payload: { version: 1, note: 'x' } })).statusCode).toBe(403);
  });

  it('answers a stale version with 409 and the current visit, and leaves it unchanged', async () => {
    const created = (await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody() })).json();
    const first = await editor.inject({ method: 'PATCH', url: `/api/desks/visits/${created.id}`, payload: { version: 1, start_time: '09:30' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 2, start_time: '09:30' });
    const stale = await admin.inject({ method: 'PATCH', url: `/api/desks/visits/${created.id}`, payload: { version: 1, start_time: '08:00' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().field).toBe('version');
    expect(stale.json().current).toMatchObject({ id: created.id, version: 2, start_time: '09:30' });
    const now = (await t.app.inject(`/api/desks/visits/${created.id}`)).json();
    expect(now.start_time).toBe('09:30');
  });

  it('names the field of every bad input, in Chinese too', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ date: '2026-02-30' }, 'date'],
      [{ date: plusDays(shanghaiToday(), 800) }, 'date'],
      [{ start_time: '15:00', end_time: '14:00' }, 'end_time'],
      [{ services: ['fortune_telling'] }, 'services'],
      [{ contact_phone: '12345abc' }, 'contact_phone'],
      [{ place: { kind: 'site', site_id: 999999 } }, 'place.site_id'],
      [{ place: { kind: 'point', lon: 116.4, lat: 39.9, name: '天安门' } }, 'lon'],
      [{ place: { kind: 'point', lon: 117.2, lat: 39.1 } }, 'place.name'],
      [{ start_time: '25:00' }, 'start_time'],
    ];
    for (const [over, field] of cases) {
      const res = await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody(over) });
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.json().field, JSON.stringify(over)).toBe(field);
      expect(res.json().message_zh, JSON.stringify(over)).toBeTruthy();
    }
  });

  it('writes every change to the audit log in the same transaction', async () => {
    const created = (await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody({ note: '审计测试' }) })).json();
    await editor.inject({ method: 'PATCH', url: `/api/desks/visits/${created.id}`, payload: { version: 1, services: ['doctor'] } });
    await editor.inject({ method: 'POST', url: `/api/desks/visits/${created.id}/cancel`, payload: { version: 2, reason: '医生临时有事' } });
    await editor.inject({ method: 'POST', url: `/api/desks/visits/${created.id}/reinstate`, payload: { version: 3 } });
    const rows = await t.app.db.selectFrom('audit_log').select(['action', 'username', 'before', 'after'])
      .where('entity', '=', 'desk_visit').where('entity_id', '=', String(created.id)).orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'cancel', 'reinstate']);
    expect(rows.every((r) => r.username === editor.user.username)).toBe(true);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as any;
    expect(parse(rows[1].before).services).toEqual(['policy', 'anti_fraud']);
    expect(parse(rows[1].after).services).toEqual(['doctor']);
    expect(parse(rows[2].after)).toMatchObject({ status: 'cancelled', cancel_reason: '医生临时有事' });
  });
});

describe('what residents near a site see', () => {
  let gateSite: SiteFeature, neighbour: SiteFeature;
  let atSite: any, nearby: any, far: any;

  beforeAll(async () => {
    // A compound gate site and another gate site 300–700 m away in a straight line.
    gateSite = sites.find((s) => s.kind === 'compound_gate' && s.name.startsWith('照耀里'))!;
    neighbour = sites.filter((s) => s.kind === 'compound_gate' && s.id !== gateSite.id)
      .map((s) => ({ s, d: metresBetween(s, gateSite) })).filter((x) => x.d > 300 && x.d < 700)
      .sort((a, b) => a.d - b.d)[0].s;
    // A walkable place far from the site, in another street (so only an admin may place a desk there).
    const farPlace = await sql<{ lon: number; lat: number }>`
      select ST_X(ST_StartPoint(geom)) as lon, ST_Y(ST_StartPoint(geom)) as lat from ways
      where walkable and highway = 'residential'
      order by ST_Distance(geom, ST_SetSRID(ST_MakePoint(${gateSite.lon}, ${gateSite.lat}), 4326)) desc limit 1`.execute(t.app.db);
    const today = shanghaiToday();
    atSite = (await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody({ date: plusDays(today, 40), place: { kind: 'site', site_id: gateSite.id }, services: ['haircut'] }) })).json();
    nearby = (await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visitBody({ date: plusDays(today, 41), place: { kind: 'site', site_id: neighbour.id }, services: ['doctor'] }) })).json();
    // A map point must lie in its street's area (server/records/placement.ts): the visit belongs to the street there.
    const farStreet = await sql<{ street_code: string }>`
      select street_code from division_areas where level = 'street'
      order by ST_Distance(geom, ST_SetSRID(ST_MakePoint(${farPlace.rows[0].lon}, ${farPlace.rows[0].lat}), 4326)) limit 1`.execute(t.app.db);
    expect(farStreet.rows[0].street_code).not.toBe(TAOYUAN);
    const farRes = await admin.inject({
      method: 'POST', url: '/api/desks/visits',
      payload: visitBody({ date: plusDays(today, 40), street_code: farStreet.rows[0].street_code, place: { kind: 'point', lon: Number(farPlace.rows[0].lon), lat: Number(farPlace.rows[0].lat), name: '远处路口' } }),
    });
    expect(farRes.statusCode, farRes.body).toBe(201);
    far = farRes.json();
  });

  it('lists the visit at the site and the one within 15 minutes, with walking minutes that match /api/route; not the far one', async () => {
    const res = await t.app.inject(`/api/desks/upcoming?site=${gateSite.id}&days=60&limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const ids = body.visits.map((v: any) => v.id);
    expect(ids).toContain(atSite.id);
    expect(ids).toContain(nearby.id);
    expect(ids).not.toContain(far.id);
    const here = body.visits.find((v: any) => v.id === atSite.id);
    expect(here).toMatchObject({ at_site: true, walk_min: 0, services: [{ id: 'haircut', name_zh: '便民理发' }] });
    const near = body.visits.find((v: any) => v.id === nearby.id);
    const route = (await t.app.inject(`/api/route?from=${gateSite.lon},${gateSite.lat}&to=${neighbour.lon},${neighbour.lat}`)).json();
    expect(near.at_site).toBe(false);
    expect(near.walk_min).toBe(route.properties.walk_min);
    expect(near.walk_min).toBeLessThanOrEqual(15);
    // A walk is never shorter than the straight line at the profile's speed (1.1 m/s).
    expect(near.walk_m).toBeGreaterThanOrEqual(Math.floor(metresBetween(gateSite, neighbour)));
    // Every listed visit is within 15 minutes or at the site, and they come in time order.
    expect(body.visits.every((v: any) => v.at_site || v.walk_min <= 15)).toBe(true);
    const starts = body.visits.map((v: any) => v.starts_at);
    expect([...starts].sort()).toEqual(starts);
    expect(body.ical_url).toBe(`http://test.local/api/desks/site/${gateSite.id}.ics`);
  });

  it('shows a cancelled visit as cancelled and makes the next one "next"; the elderly walk takes longer', async () => {
    const cancel = await editor.inject({ method: 'POST', url: `/api/desks/visits/${atSite.id}/cancel`, payload: { version: 1, reason: '理发师生病' } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const body = (await t.app.inject(`/api/desks/upcoming?site=${gateSite.id}&days=60&limit=100`)).json();
    const here = body.visits.find((v: any) => v.id === atSite.id);
    expect(here).toMatchObject({ status: 'cancelled', cancel_reason: '理发师生病' });
    expect(body.next.status).toBe('scheduled');
    expect(body.visits.filter((v: any) => v.status === 'scheduled')[0].id).toBe(body.next.id);

    const elderly = (await t.app.inject(`/api/desks/upcoming?site=${gateSite.id}&days=60&limit=100&profile=elderly`)).json();
    const standardNear = body.visits.find((v: any) => v.id === nearby.id);
    const elderlyNear = elderly.visits.find((v: any) => v.id === nearby.id);
    if (elderlyNear) expect(elderlyNear.walk_min).toBeGreaterThan(standardNear.walk_min);
    else expect(standardNear.walk_min * 1.1 / 0.8).toBeGreaterThan(15);
  });

  it('lists a street\'s visits, and a site\'s calendar holds exactly the visits near it', async () => {
    const street = (await t.app.inject(`/api/desks/upcoming?street=${TAOYUAN}&days=60&limit=100`)).json();
    const ids = street.visits.map((v: any) => v.id);
    expect(ids).toEqual(expect.arrayContaining([atSite.id, nearby.id]));
    expect(ids).not.toContain(far.id);
    expect(street.visits.every((v: any) => v.walk_min === null)).toBe(true);

    const ics = (await t.app.inject(`/api/desks/site/${gateSite.id}.ics`)).body.replace(/\r\n /g, '');
    expect(ics).toContain(`UID:desk-visit-${atSite.id}@test.local`);
    expect(ics).toContain(`UID:desk-visit-${nearby.id}@test.local`);
    expect(ics).not.toContain(`UID:desk-visit-${far.id}@test.local`);
    expect(ics).toContain(`URL:http://test.local/m/site/${gateSite.id}`);
  });

  it('answers for a place on the map (the resident map): the visits within its walk, with walks from that place', async () => {
    const at = `lon=${gateSite.lon}&lat=${gateSite.lat}`;
    const res = await t.app.inject(`/api/desks/upcoming?${at}&days=60&limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ site: null, street_code: null, ical_url: null, within_minutes: 15 });
    const ids = body.visits.map((v: any) => v.id);
    expect(ids).toEqual(expect.arrayContaining([atSite.id, nearby.id]));
    expect(ids).not.toContain(far.id);
    // A place is not a site: nothing is "at" it, every visit has its walk.
    expect(body.visits.every((v: any) => v.at_site === false && v.walk_min !== null && v.walk_min <= 15)).toBe(true);
    const route = (await t.app.inject(`/api/route?from=${gateSite.lon},${gateSite.lat}&to=${neighbour.lon},${neighbour.lat}`)).json();
    expect(body.visits.find((v: any) => v.id === nearby.id).walk_min).toBe(route.properties.walk_min);
    expect(body.visits.find((v: any) => v.id === atSite.id).walk_min).toBeLessThan(1);

    for (const [url, status, field] of [
      [`/api/desks/upcoming?lon=${gateSite.lon}`, 400, 'lat'],
      [`/api/desks/upcoming?lat=${gateSite.lat}`, 400, 'lon'],
      [`/api/desks/upcoming?${at}&site=${gateSite.id}`, 400, 'site'],
      [`/api/desks/upcoming?${at}&street=${TAOYUAN}`, 400, 'site'],
      [`/api/desks/upcoming?lon=200&lat=${gateSite.lat}`, 400, 'lon'],
      ['/api/desks/upcoming?lon=116.3975&lat=39.9087', 422, 'lon'], // Beijing: no walkable way near
    ] as const) {
      const bad = await t.app.inject(url);
      expect(bad.statusCode, url).toBe(status);
      expect(bad.json().field, url).toBe(field);
      expect(bad.json().message_zh, url).toBeTruthy();
    }
  });

  it('answers bad questions with a 400 naming the parameter, and an unknown site with 404', async () => {
    for (const [url, field] of [
      ['/api/desks/upcoming', 'site'],
      [`/api/desks/upcoming?site=${gateSite.id}&street=${TAOYUAN}`, 'site'],
      [`/api/desks/upcoming?site=${gateSite.id}&profile=running`, 'profile'],
      [`/api/desks/upcoming?site=${gateSite.id}&minutes=90`, 'minutes'],
      ['/api/desks/street/12345.ics', 'code'],
      ['/api/desks/site/abc.ics', 'id'],
      [`/api/desks/visits?street=${TAOYUAN}&from=2026-13-01`, 'from'],
    ] as const) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field, url).toBe(field);
    }
    expect((await t.app.inject('/api/desks/upcoming?site=999999')).statusCode).toBe(404);
    expect((await t.app.inject('/api/desks/site/999999.ics')).statusCode).toBe(404);
  });
});
