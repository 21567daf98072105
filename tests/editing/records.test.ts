// Editing through the API on the real Hexi data: role checks, optimistic versions, soft delete, restore,
// the audit trail, and the walking engine seeing a new point on the very next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000'; // 桃园街道: the sample street
const DAYINGMEN = '120103001000'; // 大营门街道: another street
// The first gate of the sample compound 照耀里, on the real network.
const GATE_LON = 117.200918;
const GATE_LAT = 39.103252;

let t: TestApp;
let admin: LoggedIn;
let editor: LoggedIn; // 桃园街道
let otherEditor: LoggedIn; // 大营门街道
let viewer: LoggedIn;

beforeAll(async () => {
  // On a shared, loaded machine the embedded engine can hold the event loop past the 503 threshold;
  // load shedding is the resilience tests' subject, not this file's.
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  editor = await loginAs(t.app, 'editor', TAOYUAN);
  otherEditor = await loginAs(t.app, 'editor', DAYINGMEN);
  viewer = await loginAs(t.app, 'viewer');
});
afterAll(async () => { await t?.close(); });

const newPoint = (over: Record<string, unknown> = {}) => ({
  name: '测试老人家食堂', category: '养老', subtype: '老人家食堂', address: '河西区绍兴道测试地址',
  phone: '022-23456789', opening_hours: 'Mo-Fr 10:30-13:00', lon: GATE_LON + 0.0004, lat: GATE_LAT, ...over,
});

async function history(entity: string, id: number | string) {
  const res = await admin.inject({ url: `/api/audit?entity=${entity}&entity_id=${id}` });
  expect(res.statusCode).toBe(200);
  return res.json().entries as { id: number; action: string; username: string; before: any; after: any; changed: string[] }[];
}

describe('who may write', () => {
  it('an anonymous write gets 401, for every kind of write', async () => {
    const writes = [
      { method: 'POST' as const, url: '/api/points', payload: newPoint() },
      { method: 'PATCH' as const, url: '/api/points/1', payload: { version: 1, name: 'x' } },
      { method: 'DELETE' as const, url: '/api/points/1' },
      { method: 'POST' as const, url: '/api/sites', payload: { kind: 'service_center', name: 'x', lon: GATE_LON, lat: GATE_LAT } },
      { method: 'POST' as const, url: '/api/compounds', payload: { name: 'x' } },
      { method: 'POST' as const, url: '/api/gates', payload: { compound_id: 1, name: 'x', lon: GATE_LON, lat: GATE_LAT } },
    ];
    for (const w of writes) {
      const res = await t.app.inject(w);
      expect(res.statusCode, `${w.method} ${w.url}`).toBe(401);
      expect(res.json().message_zh).toBe('请先登录');
    }
    const stored = (await t.app.inject('/api/points/1')).json();
    expect(stored.properties.version).toBe(1);
  });

  it("a viewer's write gets 403 and changes nothing", async () => {
    const before = (await t.app.inject('/api/points?status=all&limit=10000')).json().total;
    const res = await viewer.inject({ method: 'POST', url: '/api/points', payload: newPoint() });
    expect(res.statusCode).toBe(403);
    const patch = await viewer.inject({ method: 'PATCH', url: '/api/points/1', payload: { version: 1, name: '查看员改名' } });
    expect(patch.statusCode).toBe(403);
    expect((await t.app.inject('/api/points?status=all&limit=10000')).json().total).toBe(before);
    expect((await t.app.inject('/api/points/1')).json().properties.name).not.toBe('查看员改名');
  });

  it("a street editor writing another street's point gets 403", async () => {
    // A sample point of 桃园街道, written by the editor of 大营门街道.
    const point = (await t.app.inject('/api/points/1')).json();
    expect(point.properties.street_code).toBe(TAOYUAN);
    const patch = await otherEditor.inject({ method: 'PATCH', url: '/api/points/1', payload: { version: point.properties.version, name: '越权修改' } });
    expect(patch.statusCode).toBe(403);
    expect(patch.json().message_zh).toBe('只能编辑本街道的数据');
    expect((await otherEditor.inject({ method: 'DELETE', url: '/api/points/1' })).statusCode).toBe(403);
    // Nor may the 桃园 editor create a point in 大营门街道, or move one of theirs there.
    const create = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ street_code: DAYINGMEN }) });
    expect(create.statusCode).toBe(403);
    const move = await editor.inject({ method: 'PATCH', url: '/api/points/1', payload: { version: point.properties.version, street_code: DAYINGMEN } });
    expect(move.statusCode).toBe(403);
    const after = (await t.app.inject('/api/points/1')).json();
    expect(after.properties).toMatchObject({ name: point.properties.name, street_code: TAOYUAN, version: point.properties.version, status: 'active' });
  });

  it("an editor's new point lands in their own street without naming it", async () => {
    const res = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ name: '编辑默认街道' }) });
    expect(res.statusCode).toBe(201);
    expect(res.json().properties).toMatchObject({ street_code: TAOYUAN, category: 'elder_care', is_sample: false, version: 1, source: 'manual' });
  });

  it('an admin can create, edit, close, reopen and restore in any street', async () => {
    const created = await admin.inject({ method: 'POST', url: '/api/points', payload: newPoint({ name: '区管理员新建', street_code: DAYINGMEN, lon: 117.209, lat: 39.113 }) });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const edited = await admin.inject({ method: 'PATCH', url: `/api/points/${id}`, payload: { version: 1, name: '区管理员改名', phone: '13812345678' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().properties).toMatchObject({ name: '区管理员改名', phone: '13812345678', version: 2 });
    const closed = await admin.inject({ method: 'DELETE', url: `/api/points/${id}?version=2` });
    expect(closed.json().properties).toMatchObject({ status: 'closed', version: 3 });
    // Closed points leave the public list but are still there for staff (status=all).
    const listed = (await t.app.inject(`/api/points?street=${DAYINGMEN}`)).json();
    expect(listed.features.map((f: any) => f.id)).not.toContain(id);
    const reopened = await admin.inject({ method: 'POST', url: `/api/points/${id}/reopen`, payload: { version: 3 } });
    expect(reopened.json().properties).toMatchObject({ status: 'active', version: 4 });

    const entries = await history('point', id);
    expect(entries.map((e) => e.action)).toEqual(['reopen', 'close', 'update', 'create']);
    const createEntry = entries[3];
    const restored = await admin.inject({ method: 'POST', url: `/api/points/${id}/restore`, payload: { audit_id: createEntry.id, version: 4 } });
    expect(restored.statusCode).toBe(200);
    expect(restored.json().properties).toMatchObject({ name: '区管理员新建', phone: '022-23456789', status: 'active', version: 5 });
    const [restoreEntry] = await history('point', id);
    expect(restoreEntry).toMatchObject({ action: 'restore', username: admin.user.username });
    expect(restoreEntry.after.restored_from).toBe(createEntry.id);
    expect(restoreEntry.changed).toEqual(expect.arrayContaining(['name', 'phone']));
  });
});

describe('two editors, one point', () => {
  it('an edit based on an old version gets 409 with the current record, and the stored record is unchanged', async () => {
    const created = (await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ name: '版本测试点' }) })).json();
    const first = await editor.inject({ method: 'PATCH', url: `/api/points/${created.id}`, payload: { version: 1, name: '甲的修改' } });
    expect(first.statusCode).toBe(200);
    const stale = await admin.inject({ method: 'PATCH', url: `/api/points/${created.id}`, payload: { version: 1, name: '乙的修改', address: '乙的地址' } });
    expect(stale.statusCode).toBe(409);
    const body = stale.json();
    expect(body.field).toBe('version');
    expect(body.message_zh).toContain('已被他人修改');
    expect(body.current.properties).toMatchObject({ name: '甲的修改', version: 2 });
    const stored = (await t.app.inject(`/api/points/${created.id}`)).json().properties;
    expect(stored).toMatchObject({ name: '甲的修改', address: '河西区绍兴道测试地址', version: 2 });
    // A stale close is refused the same way.
    expect((await admin.inject({ method: 'DELETE', url: `/api/points/${created.id}?version=1` })).statusCode).toBe(409);
    expect((await history('point', created.id)).map((e) => e.action)).toEqual(['update', 'create']);
  });
});

describe('validation', () => {
  it('names each field in Chinese and English, all problems at once', async () => {
    const res = await editor.inject({
      method: 'POST', url: '/api/points',
      payload: { name: '  ', category: '理发', lon: 116.397, lat: 39.909, phone: '12345', opening_hours: '早上八点到晚上五点' },
    });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { field: string; message: string; message_zh: string }[];
    const byField = Object.fromEntries(errors.map((e) => [e.field, e]));
    expect(Object.keys(byField).sort()).toEqual(['category', 'lon', 'name', 'opening_hours', 'phone']);
    expect(byField.name.message_zh).toBe('名称：必填');
    expect(byField.category.message_zh).toMatch(/^类别：未知类别“理发”/);
    expect(byField.lon.message_zh).toContain('不在河西区范围内');
    expect(byField.phone.message_zh).toMatch(/^电话：/);
    expect(byField.opening_hours.message_zh).toMatch(/^开放时间：/);
    expect(byField.opening_hours.message).toMatch(/^opening_hours: /);
  });

  it('accepts the phone and hours forms offices use, and normalizes full-width input', async () => {
    const res = await editor.inject({
      method: 'POST', url: '/api/points',
      payload: newPoint({ name: '电话格式', phone: '０２２－２３４５６７８９转８０１ / 13912345678', opening_hours: '周一至周五 8:30-12:00，14:00-17:30；法定节假日休息' }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().properties.phone).toBe('022-23456789转801 / 13912345678');
    expect(res.json().properties.opening_hours).toBe('Mo-Fr 08:30-12:00,14:00-17:30; PH off');
  });

  it('converts GCJ-02 input to WGS84', async () => {
    // WGS84 117.2000, 39.1000 is GCJ-02 117.2063012, 39.1010171 (the published GCJ-02 forward formula).
    const res = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ name: '高德坐标', lon: 117.2063012, lat: 39.1010171, crs: 'GCJ-02' }) });
    expect(res.statusCode).toBe(201);
    const [lon, lat] = res.json().geometry.coordinates;
    expect(Math.abs(lon - 117.2) * 86_400).toBeLessThan(1); // metres per degree of longitude at 39.1°N ≈ 86,400
    expect(Math.abs(lat - 39.1) * 111_000).toBeLessThan(1);
  });
});

describe('the walking engine follows edits', () => {
  it('a point added through the API appears in /api/reach on the next request, and leaves when closed', async () => {
    const reach = () => t.app.inject(`/api/reach?lon=${GATE_LON}&lat=${GATE_LAT}&categories=emergency&per_category=3&minutes=5`);
    const before = await reach();
    expect(before.statusCode).toBe(200);
    expect(before.json().nearest.emergency.map((p: any) => p.name)).not.toContain('照耀里AED测试点');

    const created = await editor.inject({
      method: 'POST', url: '/api/points',
      payload: newPoint({ name: '照耀里AED测试点', category: 'emergency', subtype: 'AED设备点', lon: GATE_LON, lat: GATE_LAT, opening_hours: '24/7' }),
    });
    expect(created.statusCode).toBe(201);
    const after = (await reach()).json().nearest.emergency;
    expect(after[0]).toMatchObject({ id: created.json().id, name: '照耀里AED测试点' });
    expect(after[0].walk_min).toBeLessThan(1);

    await editor.inject({ method: 'DELETE', url: `/api/points/${created.json().id}` });
    expect((await reach()).json().nearest.emergency.map((p: any) => p.id)).not.toContain(created.json().id);
  });
});

describe('board sites, compounds and gates', () => {
  it('a compound and its gate are created, edited with versions and closed; a gate site hangs at the gate', async () => {
    const compound = await editor.inject({
      method: 'POST', url: '/api/compounds',
      payload: { name: '测试新村', community_code: '120103003001', address: '河西区绍兴道测试新村', households: 320, residents: 900 },
    });
    expect(compound.statusCode).toBe(201);
    const c = compound.json();
    expect(c).toMatchObject({ street_code: TAOYUAN, community_name: expect.any(String), lon: null, gate_count: 0, version: 1 });

    const gate = await editor.inject({ method: 'POST', url: '/api/gates', payload: { compound_id: c.id, name: '南门', lon: GATE_LON + 0.0002, lat: GATE_LAT - 0.0002, step_free: false } });
    expect(gate.statusCode).toBe(201);
    const g = gate.json();
    expect(g).toMatchObject({ compound_id: c.id, street_code: TAOYUAN, step_free: false, version: 1 });
    expect((await t.app.inject(`/api/compounds/${c.id}`)).json()).toMatchObject({ gate_count: 1, gates: [{ id: g.id, name: '南门' }] });

    const stale = await admin.inject({ method: 'PATCH', url: `/api/gates/${g.id}`, payload: { version: 1, name: '北门' } });
    expect(stale.statusCode).toBe(200);
    const conflict = await editor.inject({ method: 'PATCH', url: `/api/gates/${g.id}`, payload: { version: 1, name: '西门' } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().current).toMatchObject({ name: '北门', version: 2 });

    // The other street's editor can touch neither the compound nor its gate.
    expect((await otherEditor.inject({ method: 'PATCH', url: `/api/compounds/${c.id}`, payload: { version: 1, name: '越权' } })).statusCode).toBe(403);
    expect((await otherEditor.inject({ method: 'POST', url: '/api/gates', payload: { compound_id: c.id, name: '越权门', lon: GATE_LON, lat: GATE_LAT } })).statusCode).toBe(403);

    const site = await editor.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'compound_gate', name: '测试新村北门', gate_id: g.id } });
    expect(site.statusCode).toBe(201);
    expect(site.json().geometry.coordinates).toEqual([GATE_LON + 0.0002, GATE_LAT - 0.0002]);
    expect(site.json().properties).toMatchObject({ kind: 'compound_gate', compound_id: c.id, gate_id: g.id, street_code: TAOYUAN, compound_name: '测试新村' });
    const moved = await editor.inject({ method: 'PATCH', url: `/api/sites/${site.json().id}`, payload: { version: 1, lon: GATE_LON + 0.0003, lat: GATE_LAT - 0.0002 } });
    expect(moved.json().geometry.coordinates).toEqual([GATE_LON + 0.0003, GATE_LAT - 0.0002]);
    const closedSite = await editor.inject({ method: 'DELETE', url: `/api/sites/${site.json().id}` });
    expect(closedSite.json().properties.status).toBe('closed');
    expect((await t.app.inject(`/api/reach?site=${site.json().id}`)).statusCode).toBe(404);

    const closed = await editor.inject({ method: 'DELETE', url: `/api/compounds/${c.id}?version=1` });
    expect(closed.json()).toMatchObject({ status: 'closed', version: 2 });
    expect((await t.app.inject(`/api/compounds?street=${TAOYUAN}`)).json().compounds.map((x: any) => x.id)).not.toContain(c.id);
    // A gate cannot be added to a closed compound.
    const late = await editor.inject({ method: 'POST', url: '/api/gates', payload: { compound_id: c.id, name: '东门', lon: GATE_LON, lat: GATE_LAT } });
    expect(late.statusCode).toBe(400);
    expect(late.json().message_zh).toBe(`小区：小区 ${c.id} 已停用`);

    expect((await history('compound', c.id)).map((e) => e.action)).toEqual(['close', 'create']);
    expect((await history('gate', g.id)).map((e) => e.action)).toEqual(['update', 'create']);
    expect((await history('site', site.json().id)).map((e) => e.action)).toEqual(['close', 'update', 'create']);
  });

  it('a service-center site is placed on the map and validated like a point', async () => {
    const outside = await editor.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '区外站点', lon: 117.15, lat: 39.2 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().field).toBe('lon');
    const created = await editor.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '测试社区服务中心', community_code: '120103003001', lon: GATE_LON, lat: GATE_LAT } });
    expect(created.statusCode).toBe(201);
    expect(created.json().properties).toMatchObject({ street_code: TAOYUAN, community_code: '120103003001', mobile_url: `http://test.local/m/site/${created.json().id}` });
  });
});

describe('the audit trail', () => {
  it('records who, when, what, before and after for each write; street staff read only their street', async () => {
    const created = (await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ name: '审计测试点' }) })).json();
    await editor.inject({ method: 'PATCH', url: `/api/points/${created.id}`, payload: { version: 1, opening_hours: 'Mo-Su 09:00-18:00' } });
    const [update, create] = await history('point', created.id);
    expect(create).toMatchObject({ action: 'create', username: editor.user.username, before: null });
    expect(create.after).toMatchObject({ name: '审计测试点', opening_hours: 'Mo-Fr 10:30-13:00', version: 1 });
    expect(update.before).toMatchObject({ opening_hours: 'Mo-Fr 10:30-13:00', version: 1 });
    expect(update.after).toMatchObject({ opening_hours: 'Mo-Su 09:00-18:00', version: 2 });
    expect(update.changed).toEqual(['opening_hours']);

    expect((await t.app.inject('/api/audit')).statusCode).toBe(401);
    const mine = (await editor.inject({ url: '/api/audit?limit=500' })).json().entries as { street_code: string; entity: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.street_code))).toEqual(new Set([TAOYUAN]));
    const theirs = (await otherEditor.inject({ url: `/api/audit?entity=point&entity_id=${created.id}` })).json().entries;
    expect(theirs).toEqual([]);
    // Sign-ins and staff accounts are the district admin's to read.
    expect(mine.some((e) => e.entity === 'staff_user')).toBe(false);
    expect(((await admin.inject({ url: '/api/audit?entity=staff_user' })).json().entries as unknown[]).length).toBeGreaterThan(0);
  });
});
