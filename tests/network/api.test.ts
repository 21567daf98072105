// The walking routes through the app (inject), on a fresh copy of the seeded database: answers,
// every documented error, and points that change being answered at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';
import { loadCatalog } from '../../server/catalog.ts';

// These tests are about walking answers, not load shedding: on a busy 2-core machine the event-loop
// monitor (server/http/resilience.ts) would otherwise answer some of them 503.
process.env.MAX_EVENT_LOOP_DELAY_MS ??= '60000';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

const catalog = loadCatalog();
// 桃园街道, in the middle of the sample set.
const PLACE = { lon: 117.1935, lat: 39.1047 };

async function aSite() {
  return t.app.db.selectFrom('board_sites').select(['id', 'name', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')])
    .where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
}

describe('GET /api/reach', () => {
  it('answers rings, the profile and the nearest points of every category', async () => {
    const res = await t.app.inject(`/api/reach?lon=${PLACE.lon}&lat=${PLACE.lat}&profile=elderly&minutes=5,10,15&per_category=2`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.profile).toMatchObject({ id: 'elderly', speed_mps: catalog.profileById.get('elderly')!.speed_mps });
    expect(body.origin.snap_distance_m).toBeLessThan(150);
    expect(body.rings.type).toBe('FeatureCollection');
    expect(body.rings.features.map((f: { properties: { minutes: number } }) => f.properties.minutes)).toEqual([5, 10, 15]);
    expect(body.rings.features[2].geometry.type).toBe('MultiPolygon');
    expect(Object.keys(body.nearest).sort()).toEqual(catalog.categories.map((c) => c.id).sort());
    const lists = Object.values(body.nearest) as { walk_m: number; straight_m: number; walk_min: number; walk_s: number }[][];
    // The sample street has every category somewhere: from its centre most lists are not empty.
    expect(lists.flat().length).toBeGreaterThanOrEqual(10);
    for (const list of lists) {
      expect(list.length).toBeLessThanOrEqual(2);
      for (const n of list) {
        expect(n.walk_m).toBeGreaterThanOrEqual(n.straight_m);
        expect(Math.abs(n.walk_min - n.walk_s / 60)).toBeLessThanOrEqual(0.051);
      }
    }
    expect(body.contains_sample).toBe(true);
  });

  it('answers from a board site', async () => {
    const site = await aSite();
    const res = await t.app.inject(`/api/reach?site=${site.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().origin.site).toMatchObject({ id: site.id, name: site.name });
    expect(res.json().origin.lon).toBeCloseTo(Number(site.lon), 7);
    expect((await t.app.inject('/api/reach?site=999999')).statusCode).toBe(404);
  });

  it.each([
    ['lat=39.1', 'lon'],
    [`lon=${PLACE.lon}`, 'lat'],
    ['lon=east&lat=39.1', 'lon'],
    ['lon=117.2&lat=123', 'lat'],
    [`lon=${PLACE.lon}&lat=${PLACE.lat}&profile=jogging`, 'profile'],
    [`lon=${PLACE.lon}&lat=${PLACE.lat}&minutes=0`, 'minutes'],
    [`lon=${PLACE.lon}&lat=${PLACE.lat}&minutes=5,61`, 'minutes'],
    [`lon=${PLACE.lon}&lat=${PLACE.lat}&minutes=ten`, 'minutes'],
    [`site=1&lon=${PLACE.lon}&lat=${PLACE.lat}`, 'site'],
  ])('400 naming the parameter: ?%s', async (query, field) => {
    const res = await t.app.inject(`/api/reach?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toContain(field);
  });

  it('422 for a place outside the network area, saying how far the network is', async () => {
    const res = await t.app.inject('/api/reach?lon=117.05&lat=39.1');
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/outside the walking network/);
    expect(res.json().nearest_m).toBeGreaterThan(1000);
  });

  it('answers a point that staff add or close in the very next request', async () => {
    const query = `/api/reach?lon=${PLACE.lon}&lat=${PLACE.lat}&categories=emergency&per_category=1`;
    const before = (await t.app.inject(query)).json().nearest.emergency[0];

    const { id } = await t.app.db.insertInto('service_points').values({
      name: '测试应急点', category_id: 'emergency', dimension_id: catalog.categoryById.get('emergency')!.dimension,
      geom: sql`ST_SetSRID(ST_MakePoint(${PLACE.lon}, ${PLACE.lat}), 4326)`,
    }).returning('id').executeTakeFirstOrThrow();
    await t.app.dataEvents.publish(t.app.db, { kind: 'points', ids: [id] });
    const added = (await t.app.inject(query)).json().nearest.emergency[0];
    expect(added.id).toBe(id);
    expect(added.walk_m).toBeLessThan(before?.walk_m ?? Infinity);

    await t.app.db.updateTable('service_points').set({ status: 'closed' }).where('id', '=', id).execute();
    await t.app.dataEvents.publish(t.app.db, { kind: 'points', ids: [id] });
    const closed = (await t.app.inject(query)).json().nearest.emergency[0];
    expect(closed?.id).toBe(before?.id);
  });
});

describe('GET /api/route', () => {
  it('returns the walk as a LineString Feature with walk_m and walk_min', async () => {
    const site = await aSite();
    const res = await t.app.inject(`/api/route?from=${PLACE.lon},${PLACE.lat}&to=${site.lon},${site.lat}&profile=step_free`);
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(f.type).toBe('Feature');
    expect(f.geometry.type).toBe('LineString');
    expect(f.geometry.coordinates[0]).toEqual([PLACE.lon, PLACE.lat]);
    expect(f.properties.walk_m).toBeGreaterThanOrEqual(f.properties.straight_m);
    expect(f.properties.walk_min).toBeGreaterThan(0);
    expect(f.properties.profile).toBe('step_free');
  });

  it.each([
    ['to=117.2,39.1', 'from'],
    ['from=117.2&to=117.2,39.1', 'from'],
    ['from=117.2,39.1&to=north', 'to'],
    ['from=117.2,39.1&to=117.2,39.1&profile=fly', 'profile'],
  ])('400 naming the parameter: ?%s', async (query, field) => {
    const res = await t.app.inject(`/api/route?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });

  it('422 when an end is outside the network area', async () => {
    const res = await t.app.inject(`/api/route?from=${PLACE.lon},${PLACE.lat}&to=117.05,39.1`);
    expect(res.statusCode).toBe(422);
    expect(res.json().field).toBe('to');
  });
});
