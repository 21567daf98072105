// The foundation on real data: import counts, sample placement on the walkable network, API filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';
import { readOsmRoads } from '../../server/seed/network.ts';
import { duplicateCommunityCodes, readDivisions } from '../../server/seed/divisions.ts';
import { readSample } from '../../server/seed/sample.ts';
import { PROJECT_ROOT } from '../../server/config.ts';
import path from 'node:path';

const dataRoot = path.join(PROJECT_ROOT, 'data');
let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

describe('import', () => {
  it('loads every part of every OSM way, with its length', async () => {
    const expected = readOsmRoads(path.join(dataRoot, 'osm', 'hexi_osm_roads.geojson'));
    const row = await t.app.db.selectFrom('ways')
      .select([sql<number>`count(*)`.as('n'), sql<number>`sum(length_m)`.as('m'), sql<number>`sum(ST_Length(geom::geography))`.as('geo_m')])
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(expected.length);
    expect(Number(row.n)).toBeGreaterThan(1817); // 16 MultiLineStrings are split into parts
    // ~487 km per the data's provenance; turf and PostGIS agree on the length to 0.5 %
    expect(Number(row.m) / 1000).toBeGreaterThan(480);
    expect(Number(row.m) / 1000).toBeLessThan(495);
    expect(Math.abs(Number(row.m) - Number(row.geo_m)) / Number(row.geo_m)).toBeLessThan(0.005);
  });

  it('marks elevated trunk roads unwalkable and keeps steps walkable', async () => {
    const rows = await t.app.db.selectFrom('ways').select(['highway', 'bridge', 'layer', 'walkable']).execute();
    expect(rows.filter((r) => r.highway === 'trunk' && r.bridge).every((r) => !r.walkable)).toBe(true);
    expect(rows.filter((r) => r.highway === 'steps').every((r) => r.walkable)).toBe(true);
    expect(rows.filter((r) => r.highway === 'residential').every((r) => r.walkable)).toBe(true);
  });

  it('loads the 14 streets and 141 communities with their official codes', async () => {
    const divisions = readDivisions(path.join(dataRoot, 'divisions', 'hexi_divisions.csv'));
    const streets = await t.app.db.selectFrom('streets').selectAll().execute();
    const communities = await t.app.db.selectFrom('communities').selectAll().execute();
    expect(streets).toHaveLength(14);
    // 141 rows, one official code listed twice in the source (see duplicateCommunityCodes)
    expect(divisions.filter((d) => d.level === 'community')).toHaveLength(141);
    expect(duplicateCommunityCodes(divisions).map((d) => d.code)).toEqual(['120103006003']);
    expect(communities).toHaveLength(140);
    expect(streets.find((s) => s.code === '120103003000')?.name).toBe('桃园街道');
    expect(communities.filter((c) => c.street_code === '120103003000').map((c) => c.name)).toContain('连荣里社区居委会');
  });

  it('loads the sample set: 8 centers, 53 compounds with gates, points in all 10 categories, all flagged', async () => {
    const sample = readSample(path.join(dataRoot, 'sample', 'taoyuan-sample.json'));
    const centers = await t.app.db.selectFrom('board_sites').select('is_sample').where('kind', '=', 'service_center').execute();
    const compounds = await t.app.db.selectFrom('compounds').select('is_sample').execute();
    const gates = await t.app.db.selectFrom('compound_gates').select('is_sample').execute();
    const points = await t.app.db.selectFrom('service_points').select(['category_id', 'is_sample']).execute();
    expect(centers).toHaveLength(8);
    expect(compounds.length).toBeGreaterThanOrEqual(53);
    expect(gates.length).toBe(sample.compounds.reduce((n, c) => n + c.gates.length, 0));
    expect(points.length).toBeGreaterThanOrEqual(30);
    expect(new Set(points.map((p) => p.category_id)).size).toBe(10);
    for (const rows of [centers, compounds, gates, points]) expect(rows.every((r) => r.is_sample)).toBe(true);
  });

  it('places every sample point, gate and site within 150 m of a walkable way', async () => {
    const far = await sql<{ kind: string; id: number; d: number }>`
      with things as (
        select 'point' as kind, id, geom from service_points
        union all select 'gate', id, geom from compound_gates
        union all select 'site', id, geom from board_sites)
      select t.kind, t.id, (select min(ST_Distance(t.geom::geography, w.geom::geography)) from ways w
                            where w.walkable and ST_DWithin(t.geom, w.geom, 0.01)) as d
      from things t`.execute(t.app.db);
    const offenders = far.rows.filter((r) => r.d === null || Number(r.d) > 150);
    expect(offenders).toEqual([]);
    expect(far.rows.length).toBeGreaterThan(150);
  });
});

describe('read API', () => {
  it('reports the engine and the loaded data in /api/health', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.engine).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded');
    expect(body.network.walkable_ways).toBeGreaterThan(1600);
    expect(body.points.sample).toBe(body.points.active);
    expect(body.sites).toBe(61);
  });

  it('filters points by category, street and bbox, and marks sample rows', async () => {
    const all = (await t.app.inject('/api/points')).json();
    const elder = (await t.app.inject('/api/points?category=elder_care,health')).json();
    expect(elder.features.length).toBeGreaterThan(0);
    expect(elder.features.every((f: any) => ['elder_care', 'health'].includes(f.properties.category))).toBe(true);
    expect(elder.features.length).toBeLessThan(all.features.length);
    expect(all.contains_sample).toBe(true);
    expect(all.features.every((f: any) => f.properties.is_sample && f.properties.sample_label === '示例')).toBe(true);
    expect(all.attribution).toContain('OpenStreetMap');

    const west = (await t.app.inject('/api/points?bbox=117.18,39.09,117.198,39.12')).json();
    expect(west.features.length).toBeGreaterThan(0);
    expect(west.features.every((f: any) => f.geometry.coordinates[0] <= 117.198)).toBe(true);

    const otherStreet = (await t.app.inject('/api/points?street=120103001000')).json();
    expect(otherStreet.features).toHaveLength(0);
  });

  it('answers bad parameters with a 400 that names the parameter', async () => {
    for (const [url, field] of [
      ['/api/points?category=parks', 'category'],
      ['/api/points?bbox=117,39', 'bbox'],
      ['/api/points?street=abc', 'street'],
      ['/api/points?limit=-3', 'limit'],
      ['/api/points?colour=red', 'colour'],
      ['/api/points/zero', 'id'],
      ['/api/sites?kind=tower', 'kind'],
    ] as const) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field, url).toBe(field);
      expect(res.json().message, url).toContain(field);
    }
    expect((await t.app.inject('/api/points/999999')).statusCode).toBe(404);
  });

  it('lists board sites with the URL their QR code opens', async () => {
    const sites = (await t.app.inject('/api/sites?street=120103003000')).json();
    expect(sites.features).toHaveLength(61);
    const center = sites.features.find((f: any) => f.properties.kind === 'service_center');
    expect(center.properties.mobile_url).toBe(`http://test.local/m/site/${center.properties.id}`);
  });
});
