// Routes that only the admin pages call, each asked directly (before, only the status-class sweeps reached
// them): the desk plan preview (/admin 流动办公桌), the street list and district outline every staff page
// loads, and the coverage tab's compound map. Real data: the seeded Hexi streets and the Taoyuan sample set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';

let t: TestApp;
let editor: LoggedIn;
beforeAll(async () => {
  t = await buildTestApp();
  editor = await loginAs(t.app, 'editor', TAOYUAN);
});
afterAll(async () => { await t?.close(); });

describe('POST /api/desks/plans/preview', () => {
  const body = { rule: 'FREQ=MONTHLY;BYDAY=2WE,4WE', start_date: '2027-01-01', start_time: '09:00', end_time: '11:30', months: 2 };

  it('answers 401 without a session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/desks/plans/preview', payload: body });
    expect(res.statusCode).toBe(401);
  });

  it('lists the dates the rule gives (the 2nd and 4th Wednesday) in local time, and saves nothing', async () => {
    const plansBefore = await t.app.db.selectFrom('desk_plans').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await editor.inject({ method: 'POST', url: '/api/desks/plans/preview', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    // Two months from 2027-01-01 (62 days, to 2027-03-04): March's second Wednesday (the 10th) is past the end.
    expect(preview.dates.map((d: { date: string }) => d.date)).toEqual(['2027-01-13', '2027-01-27', '2027-02-10', '2027-02-24']);
    expect(new Set(preview.dates.map((d: { weekday_zh: string }) => d.weekday_zh))).toEqual(new Set(['周三']));
    // 09:00–11:30 in Tianjin (UTC+8, no daylight saving) is 01:00–03:30 UTC.
    expect(preview.dates[0]).toMatchObject({ starts_at: '2027-01-13T01:00:00.000Z', ends_at: '2027-01-13T03:30:00.000Z' });
    expect(preview.rule).toContain('FREQ=MONTHLY');
    expect(preview.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(preview.en).toMatch(/Wednesday|We/);
    const plansAfter = await t.app.db.selectFrom('desk_plans').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(plansAfter.n)).toBe(Number(plansBefore.n));
  });

  it('stops at until_date', async () => {
    const res = await editor.inject({ method: 'POST', url: '/api/desks/plans/preview', payload: { ...body, until_date: '2027-01-31' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().dates.map((d: { date: string }) => d.date)).toEqual(['2027-01-13', '2027-01-27']);
  });

  it('answers 400 naming the field: a rule it cannot read, a day that does not exist, an end before the start', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...body, rule: 'FREQ=SOMETIMES' }, 'rule'],
      [{ ...body, start_date: '2027-02-30' }, 'start_date'],
      [{ ...body, end_time: '08:00' }, 'end_time'],
    ];
    for (const [payload, field] of cases) {
      const res = await editor.inject({ method: 'POST', url: '/api/desks/plans/preview', payload });
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      const error = res.json();
      expect(error.field).toBe(field);
      expect(error.message).toBeTruthy();
      expect(error.message_zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('GET /api/streets and /api/district', () => {
  it('lists the streets of Hexi District with their communities', async () => {
    const res = await t.app.inject('/api/streets');
    expect(res.statusCode).toBe(200);
    const streets: { code: string; name: string; communities: { code: string; name: string; lon: number; lat: number }[] }[] = res.json();
    expect(streets.length).toBeGreaterThanOrEqual(13);
    for (const s of streets) {
      expect(s.code).toMatch(/^120103\d{6}$/);
      expect(s.name).toMatch(/街道$|镇$/);
    }
    const taoyuan = streets.find((s) => s.code === TAOYUAN)!;
    expect(taoyuan.name).toBe('桃园街道');
    expect(taoyuan.communities.length).toBeGreaterThan(3);
    for (const c of taoyuan.communities) expect(c.code.startsWith(TAOYUAN.slice(0, 9))).toBe(true);
  });

  it('outlines the district: the Taoyuan sample sites inside, Beijing and Tianjin station outside', async () => {
    const res = await t.app.inject('/api/district');
    expect(res.statusCode).toBe(200);
    const district = res.json();
    expect(district.type).toBe('Feature');
    expect(district.geometry.type).toBe('MultiPolygon');
    const sites = (await t.app.inject(`/api/sites?street=${TAOYUAN}`)).json().features as { geometry: { coordinates: [number, number] } }[];
    expect(sites.length).toBeGreaterThan(5);
    for (const s of sites) expect(booleanPointInPolygon(s.geometry.coordinates, district), JSON.stringify(s.geometry.coordinates)).toBe(true);
    expect(booleanPointInPolygon([116.397, 39.909], district)).toBe(false); // Tiananmen, Beijing
    expect(booleanPointInPolygon([117.2108, 39.1364], district)).toBe(false); // Tianjin railway station, Hedong
  });
});

describe('GET /api/coverage/compounds', () => {
  it('is for staff: 401 without a session', async () => {
    expect((await t.app.inject(`/api/coverage/compounds?street=${TAOYUAN}`)).statusCode).toBe(401);
  });

  it('maps the compounds of a street with, per category, minutes against the target, and counts the gaps', async () => {
    const viewer = await loginAs(t.app, 'viewer');
    const res = await viewer.inject(`/api/coverage/compounds?street=${TAOYUAN}`);
    expect(res.statusCode, res.body).toBe(200);
    const features = res.json().features as { id: number; geometry: { coordinates: number[] }; properties: {
      street_code: string; gaps: number; unknown: number; categories: Record<string, { walk_min: number | null; target_min: number; status: string }>;
    } }[];
    expect(features.length).toBeGreaterThan(5);
    let gaps = 0;
    for (const f of features) {
      expect(f.properties.street_code).toBe(TAOYUAN);
      const rows = Object.values(f.properties.categories);
      expect(rows).toHaveLength(10);
      expect(f.properties.gaps).toBe(rows.filter((r) => r.status === 'gap').length);
      expect(f.properties.unknown).toBe(rows.filter((r) => r.status === 'unknown').length);
      for (const r of rows) if (r.status === 'gap' && r.walk_min !== null) expect(r.walk_min).toBeGreaterThan(r.target_min);
      gaps += f.properties.gaps;
    }
    // The sample set is made to have gaps (缺什么补什么 needs something to show).
    expect(gaps).toBeGreaterThan(0);
    // The whole district's map holds this street's compounds and others.
    const all = (await viewer.inject('/api/coverage/compounds')).json().features as { properties: { street_code: string } }[];
    expect(all.length).toBeGreaterThanOrEqual(features.length);
  });

  it('answers 400 naming the street for an unknown street code', async () => {
    const viewer = await loginAs(t.app, 'viewer');
    const res = await viewer.inject('/api/coverage/compounds?street=120103999000');
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('street');
    expect(res.json().message_zh).toMatch(/[\u4e00-\u9fff]/);
  });
});
