// Street and community areas on the real Hexi data: approximate areas derived from community locations
// hold every sample record of 桃园街道; a record's position is checked against its street (an editor
// cannot move one into another street: 403 naming the field), its community follows its position, and
// official boundaries imported by the district admin replace the approximate ones and refuse where those
// only asked for confirmation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { AreaIndex, metresOutside, type AreaShape } from '../../server/records/placement.ts';
import { besideBoundary as beside } from './areaPositions.ts';
import { plusDays, shanghaiToday } from '../desks/fixtures.ts';

const TAOYUAN = '120103003000'; // 桃园街道: the sample street
const FAR_STREET = '120103012000'; // the street holding 117.245, 39.06
// The first gate of the sample compound 照耀里, on the real network, well inside 桃园街道.
const GATE_LON = 117.200918;
const GATE_LAT = 39.103252;

let t: TestApp;
let admin: LoggedIn;
let editor: LoggedIn; // 桃园街道
let approximate: AreaShape[];

type AreaFeature = { geometry: { coordinates: [number, number][][][] }; properties: AreaShape & { label: string } };
const shapeOf = (f: AreaFeature): AreaShape => ({ ...f.properties, polygons: f.geometry.coordinates });

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  admin = await loginAs(t.app, 'admin');
  editor = await loginAs(t.app, 'editor', TAOYUAN);
  const res = await t.app.inject('/api/areas');
  expect(res.statusCode).toBe(200);
  approximate = (res.json().features as AreaFeature[]).map(shapeOf);
});
afterAll(async () => { await t?.close(); });

const newPoint = (over: Record<string, unknown> = {}) => ({
  name: '测试便民服务点', category: '养老', subtype: '老人家食堂', lon: GATE_LON + 0.0004, lat: GATE_LAT, ...over,
});
const street = (code: string) => approximate.find((a) => a.level === 'street' && a.code === code)!;
const besideBoundary = (area: AreaShape, metres: number) => beside(approximate, area, metres);

describe('approximate areas', () => {
  it('every street and community has an approximate area, labelled 近似边界', async () => {
    const streets = approximate.filter((a) => a.level === 'street');
    const communities = approximate.filter((a) => a.level === 'community');
    expect(streets).toHaveLength(14);
    expect(communities.length).toBeGreaterThanOrEqual(130);
    const res = (await t.app.inject('/api/areas?level=street')).json();
    expect(res.tolerance_m).toBe(50);
    expect(res.features).toHaveLength(14);
    for (const f of res.features as AreaFeature[]) {
      expect(f.properties.source).toBe('approximate');
      expect(f.properties.label).toBe(`${f.properties.name}（近似边界）`);
    }
    // 117.245, 39.06 (the example) lies in one street only, and not in 桃园街道.
    const holding = streets.filter((s) => metresOutside(s, 117.245, 39.06) === 0).map((s) => s.code);
    expect(holding).toEqual([FAR_STREET]);
  });

  it('every sample record of 桃园街道 lies inside its approximate street area and its community', async () => {
    const taoyuan = street(TAOYUAN);
    const points = (await t.app.inject(`/api/points?street=${TAOYUAN}`)).json().features as { geometry: { coordinates: [number, number] }; properties: { name: string; community_code: string | null } }[];
    const compounds = (await t.app.inject(`/api/compounds?street=${TAOYUAN}`)).json().compounds as { name: string; lon: number; lat: number; community_code: string }[];
    const gates = (await t.app.inject(`/api/gates?street=${TAOYUAN}`)).json().gates as { name: string; lon: number; lat: number }[];
    expect(points.length).toBeGreaterThan(30);
    expect(compounds.length).toBeGreaterThan(50);
    expect(gates.length).toBeGreaterThan(50);
    const positions = [
      ...points.map((p) => ({ name: p.properties.name, lon: p.geometry.coordinates[0], lat: p.geometry.coordinates[1], community: p.properties.community_code })),
      ...compounds.map((c) => ({ name: c.name, lon: c.lon, lat: c.lat, community: c.community_code })),
      ...gates.map((g) => ({ name: g.name, lon: g.lon, lat: g.lat, community: null })),
    ];
    const outside = positions.filter((p) => metresOutside(taoyuan, p.lon, p.lat) > 0).map((p) => p.name);
    expect(outside).toEqual([]);
    const inOtherCommunity = positions.filter((p) => p.community)
      .filter((p) => metresOutside(approximate.find((a) => a.code === p.community)!, p.lon, p.lat) > 0).map((p) => p.name);
    expect(inOtherCommunity).toEqual([]);
  });
});

describe('an editor cannot place a record in another street', () => {
  it('moving a point far into another street is refused with 403 naming lon, even with confirmation', async () => {
    const created = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint() });
    expect(created.statusCode).toBe(201);
    const point = created.json();
    expect(point.properties.street_code).toBe(TAOYUAN);
    for (const confirm of [false, true]) {
      const moved = await editor.inject({
        method: 'PATCH', url: `/api/points/${point.properties.id}`,
        payload: { version: point.properties.version, lon: 117.245, lat: 39.06, ...(confirm ? { confirm_outside_area: true } : {}) },
      });
      expect(moved.statusCode).toBe(403);
      expect(moved.json().field).toBe('lon');
      expect(moved.json().street_at).toBe(FAR_STREET);
      expect(moved.json().message_zh).toContain('街道编辑只能在本街道范围内');
    }
    const stored = (await t.app.inject(`/api/points/${point.properties.id}`)).json();
    expect(stored.geometry.coordinates).toEqual(point.geometry.coordinates);
    expect(stored.properties.version).toBe(point.properties.version);
  });

  it('creating a site, a compound or a gate far in another street is refused with 403 naming lon', async () => {
    const site = await editor.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '测试站点', lon: 117.245, lat: 39.06 } });
    expect(site.statusCode).toBe(403);
    expect(site.json().field).toBe('lon');
    const compound = await editor.inject({ method: 'POST', url: '/api/compounds', payload: { name: '测试小区', lon: 117.245, lat: 39.06 } });
    expect(compound.statusCode).toBe(403);
    expect(compound.json().field).toBe('lon');
    const own = (await t.app.inject(`/api/compounds?street=${TAOYUAN}`)).json().compounds[0];
    const gate = await editor.inject({ method: 'POST', url: '/api/gates', payload: { compound_id: own.id, name: '测试门', lon: 117.245, lat: 39.06 } });
    expect(gate.statusCode).toBe(403);
    expect(gate.json().field).toBe('lon');
  });

  it('just outside the approximate line, the write asks for confirmation (422 naming lon) and then keeps the street', async () => {
    const [lon, lat] = besideBoundary(street(TAOYUAN), 150);
    const asked = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon, lat }) });
    expect(asked.statusCode).toBe(422);
    expect(asked.json()).toMatchObject({ field: 'lon', needs_confirmation: true, confirm_field: 'confirm_outside_area', area_source: 'approximate' });
    expect(asked.json().distance_m).toBeGreaterThanOrEqual(148);
    const confirmed = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon, lat, confirm_outside_area: true }) });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().properties.street_code).toBe(TAOYUAN);
    // Within the tolerance (30 m of a 50 m allowance) nothing is asked.
    const [nearLon, nearLat] = besideBoundary(street(TAOYUAN), 30);
    const near = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon: nearLon, lat: nearLat }) });
    expect(near.statusCode).toBe(201);
  });

  it("an admin's street_code that disagrees with the position is named (422 approximate, 400 far off)", async () => {
    const [lon, lat] = besideBoundary(street(TAOYUAN), 150);
    const asked = await admin.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon, lat, street_code: TAOYUAN }) });
    expect(asked.statusCode).toBe(422);
    expect(asked.json().field).toBe('street_code');
    const far = await admin.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon: 117.245, lat: 39.06, street_code: TAOYUAN }) });
    expect(far.statusCode).toBe(400);
    expect(far.json().field).toBe('street_code');
    const right = await admin.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon: 117.245, lat: 39.06, street_code: FAR_STREET }) });
    expect(right.statusCode).toBe(201);
  });
});

describe('the community follows the position', () => {
  it('a point without a community gets the one whose area holds it, and a new one when moved', async () => {
    const communities = approximate.filter((a) => a.level === 'community' && a.street_code === TAOYUAN);
    const holding = (lon: number, lat: number) => communities.filter((c) => metresOutside(c, lon, lat) === 0).map((c) => c.code);
    const [first] = holding(GATE_LON + 0.0004, GATE_LAT);
    expect(first).toMatch(/^1201030030\d\d$/);
    const created = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint() });
    expect(created.statusCode).toBe(201);
    expect(created.json().properties.community_code).toBe(first);
    // Move it to a position deep inside another community of the street (a sample compound of it).
    const compounds = (await t.app.inject(`/api/compounds?street=${TAOYUAN}`)).json().compounds as { lon: number; lat: number; community_code: string }[];
    const elsewhere = compounds.find((c) => c.community_code !== first && holding(c.lon, c.lat)[0] === c.community_code)!;
    expect(elsewhere).toBeDefined();
    const moved = await editor.inject({
      method: 'PATCH', url: `/api/points/${created.json().properties.id}`,
      payload: { version: created.json().properties.version, lon: elsewhere.lon, lat: elsewhere.lat },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().properties.community_code).toBe(elsewhere.community_code);
  });

  it('a picked community is kept when it holds the position, and questioned when it does not', async () => {
    const communities = approximate.filter((a) => a.level === 'community' && a.street_code === TAOYUAN);
    const here = communities.find((c) => metresOutside(c, GATE_LON + 0.0004, GATE_LAT) === 0)!;
    const kept = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ community_code: here.code }) });
    expect(kept.statusCode).toBe(201);
    expect(kept.json().properties.community_code).toBe(here.code);
    // A community of the street whose area lies 100–400 m away: approximate, so it needs confirmation.
    const away = communities.find((c) => { const d = metresOutside(c, GATE_LON + 0.0004, GATE_LAT); return d > 100 && d < 400; })!;
    expect(away).toBeDefined();
    const asked = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ community_code: away.code }) });
    expect(asked.statusCode).toBe(422);
    expect(asked.json().field).toBe('community_code');
    const confirmed = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ community_code: away.code, confirm_outside_area: true }) });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().properties.community_code).toBe(away.code);
  });
});

describe('desk visits at a map point', () => {
  it("an editor's desk visit at a point far in another street is refused with 403 naming place.lon", async () => {
    const visit = (lon: number, lat: number) => ({
      date: plusDays(shanghaiToday(), 5), start_time: '09:00', end_time: '11:00', services: ['policy'],
      place: { kind: 'point', lon, lat, name: '测试路口' },
    });
    const far = await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visit(117.245, 39.06) });
    expect(far.statusCode).toBe(403);
    expect(far.json().field).toBe('place.lon');
    const own = await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: visit(GATE_LON + 0.0004, GATE_LAT) });
    expect(own.statusCode, own.body).toBe(201);
  });
});

describe('spreadsheet rows', () => {
  it("a row placed far in another street is rejected naming lon; a row without a community gets the one at its position", async () => {
    const csv = `name,category,lon,lat\n越界导入点,健康,117.245,39.06\n本街道导入点,健康,${GATE_LON + 0.0004},${GATE_LAT}\n`;
    const boundary = '----hexiAreaTestBoundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="points.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(csv), Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await editor.inject({ method: 'POST', url: '/api/import/points', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.statusCode).toBe(200);
    const rows = res.json().rows as { line: number; status: string; field?: string; id?: number }[];
    expect(rows.find((r) => r.line === 2)).toMatchObject({ status: 'rejected', field: 'lon' });
    const created = rows.find((r) => r.line === 3)!;
    expect(created.status).toBe('created');
    const point = (await t.app.inject(`/api/points/${created.id}`)).json();
    const holding = approximate.filter((a) => a.level === 'community' && metresOutside(a, GATE_LON + 0.0004, GATE_LAT) === 0).map((a) => a.code);
    expect(holding).toHaveLength(1);
    expect(point.properties.community_code).toBe(holding[0]);
  });
});

describe('official boundaries', () => {
  const officialTaoyuan = () => {
    const area = street(TAOYUAN);
    return {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { XZQDM: TAOYUAN, XZQMC: '桃园街道' }, geometry: { type: 'MultiPolygon', coordinates: area.polygons } }],
    };
  };

  it('bad uploads get 400 naming the field, and only the district admin may import', async () => {
    const byEditor = await editor.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: officialTaoyuan() } });
    expect(byEditor.statusCode).toBe(403);
    const unknownCode = officialTaoyuan();
    unknownCode.features[0].properties.XZQDM = '120104003000';
    const badCode = await admin.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: unknownCode } });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().field).toBe('geojson.features.0.properties.XZQDM');
    const bowtie = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: TAOYUAN }, geometry: { type: 'Polygon', coordinates: [[[117.19, 39.10], [117.21, 39.11], [117.21, 39.10], [117.19, 39.11], [117.19, 39.10]]] } }] };
    const invalid = await admin.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: bowtie } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().field).toBe('geojson.features.0.geometry');
    const elsewhere = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: TAOYUAN }, geometry: { type: 'Polygon', coordinates: [[[116.3, 39.9], [116.31, 39.9], [116.31, 39.91], [116.3, 39.9]]] } }] };
    const far = await admin.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: elsewhere } });
    expect(far.statusCode).toBe(400);
    expect(far.json().field).toBe('geojson.features.0.geometry');
    expect(far.json().message_zh).toContain('坐标系');
    const notGeojson = await admin.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: { type: 'Feature' } } });
    expect(notGeojson.statusCode).toBe(400);
    expect(notGeojson.json().field).toBe('geojson');
    // Nothing changed.
    const after = (await t.app.inject(`/api/areas?level=street&street=${TAOYUAN}`)).json().features[0];
    expect(after.properties.source).toBe('approximate');
  });

  it('an imported official boundary replaces the approximate one, audited, and refuses where that only asked', async () => {
    const [lon, lat] = besideBoundary(street(TAOYUAN), 150);
    const imported = await admin.inject({ method: 'POST', url: '/api/areas/official', payload: { geojson: officialTaoyuan(), source_note: '测试：由近似边界复制' } });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ imported: 1, codes: [TAOYUAN], replaced: [{ code: TAOYUAN, source: 'approximate' }] });
    const shown = (await t.app.inject(`/api/areas?level=street&street=${TAOYUAN}`)).json().features[0];
    expect(shown.properties).toMatchObject({ source: 'official', label: '桃园街道', source_note: '测试：由近似边界复制' });
    const audit = (await admin.inject({ url: '/api/audit?entity=division_areas' })).json().entries;
    expect(audit[0]).toMatchObject({ action: 'import', username: admin.user.username });

    // 150 m outside: the editor is refused (403 naming lon) and confirming does not help.
    const refused = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon, lat, confirm_outside_area: true }) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ field: 'lon', area_source: 'official' });
    // The admin's street_code that disagrees with the position: 400 naming street_code.
    const adminRefused = await admin.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon, lat, street_code: TAOYUAN, confirm_outside_area: true }) });
    expect(adminRefused.statusCode).toBe(400);
    expect(adminRefused.json().field).toBe('street_code');
    // 30 m outside the official line is within the tolerance.
    const [nearLon, nearLat] = besideBoundary(street(TAOYUAN), 30);
    const near = await editor.inject({ method: 'POST', url: '/api/points', payload: newPoint({ lon: nearLon, lat: nearLat }) });
    expect(near.statusCode).toBe(201);
    // Other streets are still approximate.
    const others = (await t.app.inject('/api/areas?level=street')).json().features as AreaFeature[];
    expect(others.filter((f) => f.properties.source === 'official').map((f) => f.properties.code)).toEqual([TAOYUAN]);
  });

  it('the index the checks use agrees with what /api/areas shows', async () => {
    const index = await (t.app as unknown as { areaIndex(): Promise<AreaIndex> }).areaIndex();
    expect(index.streets.get(TAOYUAN)?.source).toBe('official');
    expect(index.streetAt(117.245, 39.06)?.code).toBe(FAR_STREET);
  });
});
