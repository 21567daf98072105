// The sample set's mobile service desks in a freshly seeded database (the suite's template, made by
// prepareDatabase): recurring plans of 桃园街道 stored with their visits from the seeding day on, so that
// residents see visits ahead; every plan and visit marked sample; one upcoming visit called off.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';
import { PROJECT_ROOT } from '../../server/config.ts';
import { topUpPlans } from '../../server/desks/plugin.ts';
import { nthWeekdays, plusDays, shanghaiToday, TAOYUAN } from './fixtures.ts';

const sample = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data', 'sample', 'taoyuan-sample.json'), 'utf8'));

let t: TestApp;
/** When the template was seeded (Shanghai date), as the seed recorded it. */
let seededOn: string;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  const row = await t.app.db.selectFrom('app_settings').select('value').where('key', '=', 'sample_loaded').executeTakeFirstOrThrow();
  const at = (typeof row.value === 'string' ? JSON.parse(row.value) : row.value).at as string;
  seededOn = new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
});
afterAll(async () => { await t?.close(); });

const plans = () => t.app.db.selectFrom('desk_plans')
  .select(['id', 'title', 'rrule', 'street_code', 'is_sample', 'status', 'until_date', 'start_time', 'end_time', 'place_name']).orderBy('id').execute();

describe('sample desks of a fresh database', () => {
  it('has the sample file\'s recurring plans for 桃园街道, open-ended, all marked sample', async () => {
    const rows = await plans();
    expect(rows.map((p) => p.title)).toEqual(sample.desk_plans.map((p: any) => p.title));
    expect(rows.map((p) => p.rrule)).toEqual(sample.desk_plans.map((p: any) => p.rule));
    expect(rows.every((p) => p.is_sample && p.status === 'active' && p.until_date === null && p.street_code === TAOYUAN)).toBe(true);
    const zhaoyaoli = rows.find((p) => p.rrule === 'FREQ=MONTHLY;BYDAY=2WE,4WE')!;
    expect(zhaoyaoli).toMatchObject({ start_time: '14:00', end_time: '17:00', place_name: '照耀里社区党群服务中心' });
  });

  it('shows residents visits ahead, every one marked sample, on the 2nd and 4th Wednesdays at 照耀里', async () => {
    const res = await t.app.inject(`/api/desks/upcoming?street=${TAOYUAN}&days=60&limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    const visits = res.json().visits as any[];
    expect(visits.filter((v) => v.status === 'scheduled').length).toBeGreaterThanOrEqual(6);
    expect(visits.every((v) => v.is_sample === true && v.sample_label === '示例' && v.origin === 'plan')).toBe(true);
    expect(res.json().next).not.toBeNull();
    // Dates counted here, not by the code under test: the 2nd and 4th Wednesdays of this month and the next two.
    const months = [0, 1, 2].map((n) => plusDays(`${shanghaiToday().slice(0, 7)}-01`, n * 31).slice(0, 7));
    const wednesdays = new Set(months.flatMap((m) => nthWeekdays(m, 3, [2, 4])));
    const atZhaoyaoli = visits.filter((v) => v.place.name === '照耀里社区党群服务中心');
    expect(atZhaoyaoli.length).toBeGreaterThanOrEqual(3);
    expect(atZhaoyaoli.every((v) => wednesdays.has(v.date) && v.start_time === '14:00' && v.end_time === '17:00' && v.weekday_zh === '周三')).toBe(true);
    expect(atZhaoyaoli[0].recurrence.zh).toBe('每月第2、4个周三');
    expect(atZhaoyaoli[0].services.map((s: any) => s.name_zh)).toEqual(['便民理发', '医生坐诊', '高龄补贴认证']);
  });

  it('has one visit called off: the second after the seeding day at 照耀里, cancelled with its reason, still listed', async () => {
    const all = await t.app.db.selectFrom('desk_visits').select(['id', 'status', 'cancel_reason', 'is_sample', 'plan_id', 'place_name', 'starts_at'])
      .where('is_sample', '=', true).orderBy('starts_at').execute();
    const cancelled = all.filter((v) => v.status === 'cancelled');
    expect(cancelled).toHaveLength(1);
    const reason = sample.desk_plans.find((p: any) => p.cancel).cancel.reason;
    expect(cancelled[0]).toMatchObject({ cancel_reason: reason, place_name: '照耀里社区党群服务中心' });
    const ofPlan = all.filter((v) => v.plan_id === cancelled[0].plan_id);
    // Occurrences on or after the seeding day: the first is on, the second is the cancelled one.
    const fromSeeding = ofPlan.filter((v) => new Date(new Date(v.starts_at).getTime() + 8 * 3600_000).toISOString().slice(0, 10) >= seededOn);
    expect(fromSeeding[0].status).toBe('scheduled');
    expect(fromSeeding[1].id).toBe(cancelled[0].id);
    // Cancelled, not missing: the schedule and the street calendar still carry it.
    const detail = (await t.app.inject(`/api/desks/visits/${cancelled[0].id}`)).json();
    expect(detail).toMatchObject({ status: 'cancelled', cancel_reason: reason, is_sample: true });
  });

  it('keeps marking as sample the visits the top-up adds as the horizon moves on, and says so in calendars', async () => {
    const later = new Date(Date.now() + 45 * 86_400_000);
    expect(await topUpPlans(t.app, later)).toBeGreaterThan(0);
    const unmarked = await t.app.db.selectFrom('desk_visits as v').innerJoin('desk_plans as p', 'p.id', 'v.plan_id')
      .select('v.id').where('p.is_sample', '=', true).where('v.is_sample', '=', false).execute();
    expect(unmarked).toEqual([]);
    const ics = (await t.app.inject(`/api/desks/street/${TAOYUAN}.ics`)).body.replace(/\r\n /g, '');
    expect(ics).toContain('示例数据，仅用于演示');
  });
});
