// The rotation planner on the real network and sample data, for a small street: the sample street cut
// down to two of its communities (the other compounds closed in this test's own database copy). Over
// two months it visits every compound once, the compounds with the most coverage gaps first, and a
// published (staff-edited) month shapes the next month's proposal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { DAYINGMEN, monthAfter, TAOYUAN } from './fixtures.ts';

// 津港路社区 (elder care missing west of 友谊北路) and 庆荣里社区 (kindergarten missing in the north-east)
const COMMUNITIES = ['120103003013', '120103003004'];

let t: TestApp;
let editor: LoggedIn, viewer: LoggedIn;
let compoundIds: number[];
const gapsByCompound = new Map<number, number>();

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [editor, viewer] = await Promise.all([loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'viewer')]);
  await t.app.db.updateTable('compounds').set({ status: 'closed' })
    .where('street_code', '=', TAOYUAN).where('community_code', 'not in', COMMUNITIES).execute();
  await t.app.dataEvents.publish(t.app.db, { kind: 'compounds', street: TAOYUAN });
  compoundIds = (await t.app.db.selectFrom('compounds').select('id').where('street_code', '=', TAOYUAN).where('status', '=', 'active').execute()).map((r) => r.id);
  // Gap counts as the coverage page shows them (an independent route over the same analysis).
  const coverage = (await viewer.inject(`/api/coverage?street=${TAOYUAN}&profile=standard&limit=10000`)).json();
  for (const id of compoundIds) gapsByCompound.set(id, 0);
  for (const row of coverage.rows) if (row.status === 'gap' && gapsByCompound.has(row.compound_id)) gapsByCompound.set(row.compound_id, gapsByCompound.get(row.compound_id)! + 1);
});
afterAll(async () => { await t?.close(); });

const propose = async (month: string, visits: number) => {
  const res = await viewer.inject(`/api/desks/rotation?street=${TAOYUAN}&month=${month}&visits=${visits}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('rotation planner', () => {
  const m1 = monthAfter(1);
  const m2 = monthAfter(2);

  it('has a small street to plan: 13 compounds with differing gap counts', () => {
    expect(compoundIds).toHaveLength(13);
    const counts = [...gapsByCompound.values()];
    expect(Math.max(...counts)).toBeGreaterThan(Math.min(...counts));
  });

  let firstMonth: any[];
  it('proposes next month with the compounds that have the most coverage gaps first', async () => {
    const p = await propose(m1, 7);
    expect(p.cycle_months).toBe(2);
    expect(p.ranking.map((r: any) => r.compound_id).sort()).toEqual([...compoundIds].sort());
    // The planner's gap counts are the coverage page's.
    for (const r of p.ranking) expect(r.gap_count, r.compound_name).toBe(gapsByCompound.get(r.compound_id));
    // Nobody has been visited yet: all due, ordered by gaps.
    const gapsInOrder = p.ranking.map((r: any) => r.gap_count);
    expect(gapsInOrder).toEqual([...gapsInOrder].sort((a, b) => b - a));
    expect(p.visits).toHaveLength(7);
    expect(p.visits.map((v: any) => v.compound_id)).toEqual(p.ranking.slice(0, 7).map((r: any) => r.compound_id));
    const maxGaps = Math.max(...gapsByCompound.values());
    expect(p.visits[0].reason.gap_count).toBe(maxGaps);
    // Distinct weekdays of that month, in order, spread over it.
    const dates = p.visits.map((v: any) => v.date);
    expect(new Set(dates).size).toBe(7);
    expect([...dates].sort()).toEqual(dates);
    expect(dates.every((d: string) => d.startsWith(m1) && !['周六', '周日'].includes(p.visits[dates.indexOf(d)].weekday_zh))).toBe(true);
    expect(Number(dates[6].slice(8)) - Number(dates[0].slice(8))).toBeGreaterThanOrEqual(14);
    // A compound missing elder care within target gets the old-age allowance check at its desk.
    const elderGap = p.visits.find((v: any) => v.reason.gap_categories.includes('elder_care'));
    expect(elderGap.services).toContain('elderly_allowance');
    firstMonth = p.visits;
  });

  it('publishes the month after staff edit it, and then covers every other compound the month after', async () => {
    const edited = firstMonth.map((v: any, i: number) => ({
      date: v.date, start_time: i === 0 ? '14:00' : v.start_time, end_time: i === 0 ? '16:30' : v.end_time,
      place: v.place, services: v.services, partners: i === 0 ? ['桃园街道社区卫生服务中心'] : [],
    }));
    expect((await viewer.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: edited } })).statusCode).toBe(403);
    const res = await editor.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: edited } });
    expect(res.statusCode, res.body).toBe(201);
    const published = res.json();
    expect(published).toHaveLength(7);
    expect(published[0]).toMatchObject({ origin: 'rotation', start_time: '14:00', end_time: '16:30', partners: ['桃园街道社区卫生服务中心'] });

    const p2 = await propose(m2, 7);
    const visitedFirst = new Set(firstMonth.map((v: any) => v.compound_id));
    const second = p2.visits.map((v: any) => v.compound_id);
    // The six compounds not yet visited come first; the seventh desk returns to a compound of last month.
    expect(second).toHaveLength(7);
    expect(second.slice(0, 6).some((id: number) => visitedFirst.has(id))).toBe(false);
    expect(new Set([...visitedFirst, ...second.slice(0, 6)])).toEqual(new Set(compoundIds));
    expect(p2.visits[6].reason.due).toBe(false);
    // Last month's compounds are not due again yet, and the planner knows when they were visited.
    const again = p2.ranking.filter((r: any) => visitedFirst.has(r.compound_id));
    expect(again.every((r: any) => !r.due && r.days_since_last_visit > 0 && r.last_visit_date.startsWith(m1))).toBe(true);
    // Among the due ones, most gaps first again.
    const dueGaps = p2.ranking.filter((r: any) => r.due).map((r: any) => r.gap_count);
    expect(dueGaps).toEqual([...dueGaps].sort((a, b) => b - a));
  });

  it('skips a compound that already has a visit in the month, and refuses a publish with a bad visit as a whole', async () => {
    const p = await propose(m1, 3);
    expect(p.skipped.map((s: any) => s.compound_id).sort()).toEqual(firstMonth.map((v: any) => v.compound_id).sort());
    const before = await t.app.db.selectFrom('desk_visits').select('id').execute();
    const bad = await editor.inject({
      method: 'POST', url: '/api/desks/rotation/publish',
      payload: { street_code: TAOYUAN, visits: [
        { date: `${m2}-10`, start_time: '09:00', end_time: '11:00', place: p.visits[0].place, services: ['policy'] },
        { date: `${m2}-11`, start_time: '11:00', end_time: '09:00', place: p.visits[0].place, services: ['policy'] },
      ] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('visits.1.end_time');
    expect(await t.app.db.selectFrom('desk_visits').select('id').execute()).toHaveLength(before.length);
  });
});

describe('rotation publish: every visit in the list is checked against the editor\'s street', () => {
  it('refuses (403, the visit\'s field named) a foreign street inside the list, by code or by place, and stores nothing', async () => {
    const admin = await loginAs(t.app, 'admin');
    const month = monthAfter(1);
    const own = { date: `${month}-12`, start_time: '09:00', end_time: '11:00', services: ['policy'] };
    const ownSite = await t.app.db.selectFrom('board_sites').select('id').where('street_code', '=', TAOYUAN).where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const ownPlace = { kind: 'site', site_id: ownSite.id };
    // A board site of another street, made by the district admin (the sample has sites only in 桃园街道).
    const foreignSite = await admin.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '大营门测试服务中心', street_code: DAYINGMEN, lon: 117.2101, lat: 39.1108 } });
    expect(foreignSite.statusCode, foreignSite.body).toBe(201);
    expect(foreignSite.json().properties.street_code).toBe(DAYINGMEN);
    const count = async () => (await t.app.db.selectFrom('desk_visits').select(t.app.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await count());

    const byCode = await editor.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: [
      { ...own, place: ownPlace },
      { ...own, date: `${month}-13`, street_code: DAYINGMEN, place: { kind: 'point', lon: 117.2101, lat: 39.1108, name: '大营门' } },
    ] } });
    expect(byCode.statusCode, byCode.body).toBe(403);
    expect(byCode.json()).toMatchObject({ field: 'visits.1.street_code', message: expect.stringContaining(DAYINGMEN), message_zh: expect.stringContaining('其他街道') });

    const bySite = await editor.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: [
      { ...own, place: { kind: 'site', site_id: foreignSite.json().id } },
    ] } });
    expect(bySite.statusCode, bySite.body).toBe(403);
    expect(bySite.json().field).toBe('visits.0.place');
    expect(Number(await count())).toBe(before);
    const audit = await t.app.db.selectFrom('audit_log').select('id').where('street_code', '=', DAYINGMEN).where('entity', '=', 'desk_visit').execute();
    expect(audit).toHaveLength(0);

    // The district admin may publish in any street, but one rotation is one street: a mixed list is a 400.
    const mixed = await admin.inject({ method: 'POST', url: '/api/desks/rotation/publish', payload: { street_code: TAOYUAN, visits: [
      { ...own, place: { kind: 'site', site_id: foreignSite.json().id } },
    ] } });
    expect(mixed.statusCode, mixed.body).toBe(400);
    expect(mixed.json().field).toBe('visits.0.place');
    expect(Number(await count())).toBe(before);
  });
});
