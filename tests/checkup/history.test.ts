// Coverage history on the sample data: snapshots taken on demand by the district admin record the data
// version and the targets in force; across two edits (an elder canteen added west of 友谊北路, then
// closed) the history shows both changes with their dates, and the sentence for the meeting reads
// "桃园街道，养老：77.4 % → 94.3 %".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';

let t: TestApp;
let admin: LoggedIn, editor: LoggedIn, viewer: LoggedIn;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [admin, editor, viewer] = await Promise.all([loginAs(t.app, 'admin'), loginAs(t.app, 'editor', TAOYUAN), loginAs(t.app, 'viewer')]);
});
afterAll(async () => { await t?.close(); });

async function snapshot() {
  const res = await admin.inject({ method: 'POST', url: '/api/checkup/snapshots' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; taken_at: string; data_version: string; points: number };
}

describe('snapshots and history', () => {
  it('only the district admin takes a snapshot', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/checkup/snapshots' })).statusCode).toBe(401);
    expect((await viewer.inject({ method: 'POST', url: '/api/checkup/snapshots' })).statusCode).toBe(403);
    expect((await editor.inject({ method: 'POST', url: '/api/checkup/snapshots' })).statusCode).toBe(403);
  });

  it('across a point added and a point closed, shows both changes with their dates and the shares in between', async () => {
    const first = await snapshot();
    const add = await admin.inject({ method: 'POST', url: '/api/points', payload: { name: '津港路老人家食堂', category: '养老', subtype: '老人家食堂', street_code: TAOYUAN, lon: 117.1955, lat: 39.1032 } });
    expect(add.statusCode, add.body).toBe(201);
    const pointId = add.json().id ?? add.json().properties.id;
    const second = await snapshot();
    expect(second.data_version).not.toBe(first.data_version);
    expect(second.points).toBe(first.points + 1);

    const mid = (await viewer.inject(`/api/checkup/history?street=${TAOYUAN}&category=elder_care`)).json();
    expect(mid.change.text_zh).toContain('桃园街道，养老：77.4 % → 94.3 %');
    expect(mid.change.text_en).toContain('77.4 % → 94.3 %');
    expect(mid.change.measure).toBe('compounds');
    expect(mid.change.targets_changed).toBe(false);

    const close = await admin.inject({ method: 'DELETE', url: `/api/points/${pointId}?version=1` });
    expect(close.statusCode, close.body).toBe(200);
    const third = await snapshot();

    const res = await viewer.inject(`/api/checkup/history?street=${TAOYUAN}&category=elder_care`);
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.series.map((s: any) => s.compounds_share)).toEqual([0.774, 0.943, 0.774]);
    expect(h.series.every((s: any) => s.target_min === 10 && s.weighting === 'residents')).toBe(true);
    expect(h.changes).toHaveLength(2);
    const [added, closed] = h.changes;
    expect(added.date).toBe(second.taken_at);
    expect(added.from_date).toBe(first.taken_at);
    expect(added.points_added.map((p: any) => p.id)).toEqual([pointId]);
    expect(added.points_closed).toEqual([]);
    expect(added.gaps_closed.filter((g: any) => g.category === 'elder_care')).toHaveLength(9);
    expect(added.gaps_opened).toEqual([]);
    expect(closed.date).toBe(third.taken_at);
    expect(closed.points_closed.map((p: any) => p.id)).toEqual([pointId]);
    expect(closed.points_added).toEqual([]);
    expect(closed.gaps_opened.filter((g: any) => g.category === 'elder_care')).toHaveLength(9);
    expect(new Date(closed.date).getTime()).toBeGreaterThan(new Date(added.date).getTime());

    const list = (await viewer.inject('/api/checkup/snapshots')).json().snapshots;
    expect(list.map((s: any) => s.id)).toEqual([first.id, second.id, third.id]);
    expect(list.every((s: any) => s.kind === 'on_demand')).toBe(true);
  });

  it('a change of target is flagged, not read as progress', async () => {
    const put = await admin.inject({ method: 'PUT', url: `/api/coverage/settings/${TAOYUAN}/elder_care`, payload: { targets: { standard: 15 } } });
    expect(put.statusCode, put.body).toBe(200);
    await snapshot();
    const h = (await viewer.inject(`/api/checkup/history?street=${TAOYUAN}&category=elder_care`)).json();
    expect(h.series.at(-1).target_min).toBe(15);
    expect(h.change.targets_changed).toBe(true);
    expect(h.change.text_zh).toContain('期间目标有调整');
    expect(h.changes.at(-1).targets_changed).toEqual([{ area: TAOYUAN, category: 'elder_care', from: 10, to: 15 }]);
  });

  it('bad input is a 400 naming the field', async () => {
    const res = await viewer.inject('/api/checkup/history?category=flying');
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('category');
  });
});
