// The district is data, not code (issue 12): no file of the service or its pages names the example
// district, and the same code, pointed by DISTRICT_FILE at another district's files, serves that district:
// its name, its time zone, its streets and its ways. The second district is made up here (示例区, 示例):
// a small grid of ways in the Geofabrik schema of data/osm/*_roads.geojson and a divisions CSV in the
// format of data/divisions/*.csv, loaded into a new, empty database on the engine under test.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT, loadConfig } from '../../server/config.ts';
import { openDatabase, type DatabaseHandle } from '../../server/db/engine.ts';
import { prepareDatabase } from '../../server/seed/index.ts';
import { loadCatalog } from '../../server/catalog.ts';
import { readDistrictFile } from '../../server/district.ts';
import { buildApp } from '../../server/app.ts';
import { loginAs } from '../helper.ts';

describe('no code names the example district', () => {
  it('server/, web/src and the page entries hold no "Hexi", "河西" or its division code 120103', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|css|html|json)$/.test(entry.name)) files.push(full);
      }
    };
    walk(path.join(PROJECT_ROOT, 'server'));
    walk(path.join(PROJECT_ROOT, 'web', 'src'));
    for (const page of fs.readdirSync(path.join(PROJECT_ROOT, 'web'))) if (page.endsWith('.html')) files.push(path.join(PROJECT_ROOT, 'web', page));
    expect(files.length).toBeGreaterThan(150);
    const hits = files.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${path.relative(PROJECT_ROOT, file)}:${i + 1}` }))
      .filter(({ line }) => /hexi|河西|120103/i.test(line))
      .map(({ at, line }) => `${at}: ${line.trim().slice(0, 120)}`));
    expect(hits).toEqual([]);
  });

  it('the shipped district file is checked on the way in: a bad time zone, missing file, centre, zoom or country is refused, naming the key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'district-file-'));
    try {
      const good = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data', 'district.json'), 'utf8'));
      const write = (content: object) => {
        const file = path.join(dir, 'district.json');
        fs.writeFileSync(file, JSON.stringify(content));
        return file;
      };
      const absolute = (p: string) => path.join(PROJECT_ROOT, 'data', p);
      const base = { ...good, divisions: absolute(good.divisions), network: { roads: absolute(good.network.roads) }, sample: undefined };
      expect(readDistrictFile(write(base)).name_zh).toBe(good.name_zh);
      expect(() => readDistrictFile(write({ ...base, time_zone: 'Mars/Olympus' }))).toThrow(/"time_zone"/);
      expect(() => readDistrictFile(write({ ...base, network: { roads: path.join(dir, 'missing.geojson') } }))).toThrow(/"network.roads"/);
      expect(() => readDistrictFile(write({ ...base, extent: [1, 2, 0, 3] }))).toThrow(/"extent"/);
      // The first map view and the place of opening hours: given, or the middle of the extent and zoom 14.
      const shipped = readDistrictFile(write(base));
      expect({ center: shipped.center, zoom: shipped.zoom, country_code: shipped.country_code, region: shipped.region })
        .toEqual({ center: good.center, zoom: good.zoom, country_code: good.country_code, region: good.region });
      const bare = readDistrictFile(write({ ...base, center: undefined, zoom: undefined, country_code: undefined, region: undefined }));
      const [w, s, e, n] = good.extent;
      expect(bare.center).toEqual([(w + e) / 2, (s + n) / 2]);
      expect({ zoom: bare.zoom, country_code: bare.country_code, region: bare.region }).toEqual({ zoom: 14, country_code: null, region: null });
      for (const center of [[w - 1, s], [w], 'middle', [e, null]]) {
        expect(() => readDistrictFile(write({ ...base, center }))).toThrow(/"center".*地图初始中心/);
      }
      for (const zoom of [3, 25, '14']) expect(() => readDistrictFile(write({ ...base, zoom }))).toThrow(/"zoom".*缩放级别/);
      for (const country_code of ['chn', 'c1', 12]) expect(() => readDistrictFile(write({ ...base, country_code }))).toThrow(/"country_code"/);
      expect(readDistrictFile(write({ ...base, country_code: 'CN' })).country_code).toBe('cn');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A made-up district: a 5 × 5 grid of residential ways 150 m apart, one street, two communities. */
const ORIGIN = { lon: 101.77, lat: 36.62 };
const STEP = { lon: 150 / (111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180)), lat: 150 / 111_320 };
const STREET = '990101001000';

function writeSecondDistrict(dir: string): string {
  const features = [];
  const at = (i: number, j: number) => [+(ORIGIN.lon + i * STEP.lon).toFixed(7), +(ORIGIN.lat + j * STEP.lat).toFixed(7)];
  for (let k = 0; k < 5; k++) {
    for (const [name, coordinates] of [[`示例东西路${k + 1}`, [0, 1, 2, 3, 4].map((i) => at(i, k))], [`示例南北路${k + 1}`, [0, 1, 2, 3, 4].map((j) => at(k, j))]] as const) {
      features.push({
        type: 'Feature',
        properties: { highway: k === 2 ? 'tertiary' : 'residential', geofabrik_code: 5115, name, ref: null, oneway: 'F', maxspeed: 0, layer: 0.0, bridge: 'F', tunnel: 'F', wemap_id: null },
        geometry: { type: 'LineString', coordinates },
      });
    }
  }
  fs.mkdirSync(path.join(dir, 'osm'));
  fs.writeFileSync(path.join(dir, 'osm', 'sample_roads.geojson'), JSON.stringify({ type: 'FeatureCollection', name: 'sample_roads', features }));
  fs.mkdirSync(path.join(dir, 'divisions'));
  fs.writeFileSync(path.join(dir, 'divisions', 'sample_divisions.csv'), [
    'level,code,name,parent_code,parent_name,approx_lon,approx_lat',
    `street,${STREET},示例街道,990101000000,示例区,,`,
    `community,990101001001,示例东社区居委会,${STREET},示例街道,${at(3, 2).join(',')}`,
    `community,990101001002,示例西社区居委会,${STREET},示例街道,${at(1, 2).join(',')}`,
  ].join('\n') + '\n');
  const file = path.join(dir, 'district.json');
  fs.writeFileSync(file, JSON.stringify({
    code: '990101000000', name_zh: '示例区', name_en: 'Sample District (示例)', city_zh: '示例市', city_en: 'Sample City',
    time_zone: 'Asia/Urumqi',
    extent: [ORIGIN.lon - 0.01, ORIGIN.lat - 0.01, ORIGIN.lon + 0.02, ORIGIN.lat + 0.02],
    default_street: STREET,
    divisions: 'divisions/sample_divisions.csv',
    network: { roads: 'osm/sample_roads.geojson' },
  }, null, 2));
  return file;
}

describe('DISTRICT_FILE: the same service for another district', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'district-second-'));
  let app: FastifyInstance;
  let handle: DatabaseHandle;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    const districtFile = writeSecondDistrict(dir);
    if (process.env.DATABASE_URL) {
      const name = `district_test_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      handle = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
    } else {
      handle = await openDatabase({ dataDir: path.join(dir, 'db') });
    }
    // As main.ts does it: the configured district file, then the database prepared for it, then the app.
    const config = loadConfig({ districtFile, publicBaseUrl: 'http://test.local' });
    await prepareDatabase(handle.db, { district: readDistrictFile(config.districtFile), catalog: loadCatalog(), loadSample: true });
    app = await buildApp({ config, database: handle, logger: false });
    await app.ready();
  }, 600_000); // a new database of its own, migrated and loaded, on a machine shared with other suites

  afterAll(async () => {
    await app?.close();
    await handle?.close();
    await dropDatabase();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the district and its time zone, and lists its own street and communities', async () => {
    const info = await app.inject('/api/district/info');
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({ code: '990101000000', name_zh: '示例区', name_en: 'Sample District (示例)', time_zone: 'Asia/Urumqi', utc_offset_minutes: 360, default_street: STREET });
    const outline = await app.inject('/api/district');
    expect(outline.json().properties.name).toContain('示例区');
    const [west, south, east, north] = outline.json().properties.bbox;
    expect(west).toBeLessThan(ORIGIN.lon);
    expect(east).toBeGreaterThan(ORIGIN.lon + 4 * STEP.lon);
    expect(south).toBeLessThan(ORIGIN.lat);
    expect(north).toBeGreaterThan(ORIGIN.lat + 4 * STEP.lat);
    const streets = (await app.inject('/api/streets')).json();
    expect(streets.map((s: { code: string; name: string }) => [s.code, s.name])).toEqual([[STREET, '示例街道']]);
    expect(streets[0].communities.map((c: { name: string }) => c.name).sort()).toEqual(['示例东社区居委会', '示例西社区居委会']);
    expect((await app.inject('/style.json')).json().name).toContain('示例区');
    // No sample file in this district: nothing invented is loaded.
    expect((await app.inject('/api/points')).json().features).toEqual([]);
  });

  it('answers a reach from one of its ways: the grid within 15 minutes of its middle', async () => {
    const middle = { lon: ORIGIN.lon + 2 * STEP.lon, lat: ORIGIN.lat + 2 * STEP.lat };
    const res = await app.inject(`/api/reach?lon=${middle.lon}&lat=${middle.lat}`);
    expect(res.statusCode, res.body).toBe(200);
    const reach = res.json();
    expect(reach.origin.snap_distance_m).toBeLessThan(5);
    const rings = reach.rings.features as { properties: { minutes: number }; geometry: { coordinates: number[][][][] } }[];
    expect(rings.map((r) => r.properties.minutes)).toContain(15);
    // The 15-minute ring (about 1 km of walking) covers the whole 600 m grid, corner to corner.
    const fifteen = rings.find((r) => r.properties.minutes === 15)!;
    const lons = fifteen.geometry.coordinates.flat(2).map((c) => c[0]);
    expect(Math.min(...lons)).toBeLessThanOrEqual(ORIGIN.lon + 1e-4);
    expect(Math.max(...lons)).toBeGreaterThanOrEqual(ORIGIN.lon + 4 * STEP.lon - 1e-4);
  });

  it('refuses a place outside the district, naming that district in both languages; local times are its own', async () => {
    const editor = await loginAs(app, 'editor', STREET);
    // A place in the example district the code once named: outside this one.
    const res = await editor.inject({ method: 'POST', url: '/api/points', payload: { name: '示例 服务点', category: 'convenience', lon: 117.2009, lat: 39.1032 } });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json();
    expect(body.field).toBe('lon');
    expect(body.message).toContain('outside Sample District (示例)');
    expect(body.message_zh).toContain('不在示例区范围内');
    const inside = await editor.inject({
      method: 'POST', url: '/api/points',
      payload: { name: '示例 便民店', category: 'convenience', lon: ORIGIN.lon + 2 * STEP.lon, lat: ORIGIN.lat + 2 * STEP.lat + 0.0002 },
    });
    expect(inside.statusCode, inside.body).toBe(201);
    expect(inside.json().properties).toMatchObject({ street_code: STREET, name: '示例 便民店' });
    const badAt = await app.inject(`/api/reach?lon=${ORIGIN.lon}&lat=${ORIGIN.lat}&at=tonight`);
    expect(badAt.statusCode).toBe(400);
    expect(badAt.json().message).toContain('Asia/Urumqi');
  });
});
