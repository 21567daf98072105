// The self-hosted basemap on real data: tiles decode and hold the Hexi streets by class with their
// Chinese names, footbridges and steps are their own kinds, the style needs no other host, tiles are
// cacheable and follow a change of the network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';

let t: TestApp;
beforeAll(async () => {
  // These tests are about tiles, not load shedding: when the whole suite shares two cores, building the
  // basemap can lag the event loop past the service's "busy" limit; 0 turns that check off
  // (server/http/resilience.ts).
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
});
afterAll(async () => { await t?.close(); });

/** Tile address of a lon/lat at a zoom (Web Mercator). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}
const TAOYUAN: [number, number] = [117.2009, 39.1058]; // 桃园街道, around its service centers

async function style() {
  const res = await t.app.inject('/style.json');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function decode(body: Buffer) {
  return new VectorTile(new PbfReader(body));
}

function streetsOf(tile: VectorTile) {
  const layer = tile.layers.streets;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < (layer?.length ?? 0); i++) out.push(layer.feature(i).properties);
  return out;
}

describe('basemap tiles', () => {
  it('a z14 tile over Taoyuan decodes and holds named streets of several classes', async () => {
    const s = await style();
    const [x, y] = tileOf(...TAOYUAN, 14);
    const res = await t.app.inject(`/tiles/14/${x}/${y}.pbf?v=${s.metadata['svc:version']}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const tile = decode(res.rawPayload);
    expect(tile.layers.streets.extent).toBe(4096);
    const streets = streetsOf(tile);
    const names = new Set(streets.map((p) => p.name).filter(Boolean) as string[]);
    expect(names.size).toBeGreaterThan(5);
    // every name is Chinese text from OSM, not an id
    for (const n of names) expect(n).toMatch(/[\u4e00-\u9fff]/);
    const kinds = new Set(streets.map((p) => p.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['primary', 'secondary', 'minor']));
    // the geometry is inside the tile's extent (plus the buffer)
    const g = tile.layers.streets.feature(0).loadGeometry();
    expect(g[0][0].x).toBeGreaterThan(-200);
    expect(g[0][0].x).toBeLessThan(4096 + 200);
  });

  it('draws footbridges and steps as their own kinds, and metro lines with names', async () => {
    const bridgesAndSteps = await t.app.db.selectFrom('ways')
      .select(['highway', 'bridge', sql<number>`ST_X(ST_Centroid(geom))`.as('lon'), sql<number>`ST_Y(ST_Centroid(geom))`.as('lat')])
      .where((eb) => eb.or([eb('highway', '=', 'steps'), eb.and([eb('highway', '=', 'footway'), eb('bridge', '=', true)])]))
      .execute();
    const steps = bridgesAndSteps.find((w) => w.highway === 'steps')!;
    const footbridge = bridgesAndSteps.find((w) => w.highway === 'footway')!;
    for (const [way, kind] of [[steps, 'steps'], [footbridge, 'footbridge']] as const) {
      const [x, y] = tileOf(way.lon, way.lat, 15);
      const res = await t.app.inject(`/tiles/15/${x}/${y}.pbf`);
      expect(res.statusCode).toBe(200);
      expect(streetsOf(decode(res.rawPayload)).map((p) => p.kind)).toContain(kind);
    }
    // Metro: the extract's lines cross the district; a z12 tile over its centre holds named ones.
    const s = await style();
    const [minLon, minLat, maxLon, maxLat] = s.sources.basemap.bounds;
    const [x, y] = tileOf((minLon + maxLon) / 2, (minLat + maxLat) / 2, 12);
    const tile = decode((await t.app.inject(`/tiles/12/${x}/${y}.pbf`)).rawPayload);
    const metro: string[] = [];
    for (let i = 0; i < (tile.layers.subway?.length ?? 0); i++) metro.push(String(tile.layers.subway.feature(i).properties.name ?? ''));
    expect(metro.some((n) => /天津地铁\d+号线/.test(n))).toBe(true);
  });

  it('answers 204 outside the district and 400 naming the field for an impossible address', async () => {
    expect((await t.app.inject('/tiles/14/0/0.pbf')).statusCode).toBe(204);
    const bad = await t.app.inject('/tiles/3/9/1.pbf');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('x');
    expect(bad.json().message_zh).toBeTruthy();
    const badZoom = await t.app.inject('/tiles/30/1/1.pbf');
    expect(badZoom.statusCode).toBe(400);
    expect(badZoom.json().field).toContain('z');
  });

  it('gzips for clients that accept it', async () => {
    const [x, y] = tileOf(...TAOYUAN, 14);
    const plain = await t.app.inject(`/tiles/14/${x}/${y}.pbf`);
    const zipped = await t.app.inject({ url: `/tiles/14/${x}/${y}.pbf`, headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
  });
});

describe('basemap style', () => {
  it('has no glyphs or sprite, only same-origin URLs, and the ODbL attribution', async () => {
    const s = await style();
    expect(s.glyphs).toBeUndefined();
    expect(s.sprite).toBeUndefined();
    const urls: string[] = [];
    for (const source of Object.values<any>(s.sources)) {
      if (source.url) urls.push(source.url);
      urls.push(...(source.tiles ?? []));
      expect(source.attribution).toContain('OpenStreetMap');
      expect(source.attribution).toContain('ODbL');
    }
    expect(urls.length).toBeGreaterThan(0);
    // a path on our own origin: starts with one slash, no scheme, no protocol-relative //host
    for (const u of urls) expect(u).toMatch(/^\/(?!\/)/);
    // every text layer names a font stack (drawn from local fonts)
    const symbols = s.layers.filter((l: any) => l.type === 'symbol');
    expect(symbols.length).toBeGreaterThan(0);
    for (const l of symbols) expect(l.layout['text-font'][0]).toMatch(/CJK|SC/);
  });

  it('is cacheable: versioned tile URLs are immutable, ETags give 304', async () => {
    const first = await t.app.inject('/style.json');
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await t.app.inject({ url: '/style.json', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const version = first.json().metadata['svc:version'];
    const [x, y] = tileOf(...TAOYUAN, 14);
    const tile = await t.app.inject(`/tiles/14/${x}/${y}.pbf?v=${version}`);
    expect(tile.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ url: `/tiles/14/${x}/${y}.pbf?v=${version}`, headers: { 'if-none-match': tile.headers.etag as string } })).statusCode).toBe(304);
    // an old version in the URL is served fresh, not cached for good
    expect((await t.app.inject(`/tiles/14/${x}/${y}.pbf?v=0000`)).headers['cache-control']).toBe('no-cache');
  });

  it('follows a change of the network: new version, new tile content', async () => {
    const before = (await style()).metadata['svc:version'];
    const [x, y] = tileOf(...TAOYUAN, 14);
    const oldNames = new Set(streetsOf(decode((await t.app.inject(`/tiles/14/${x}/${y}.pbf`)).rawPayload)).map((p) => p.name));
    const renamed = [...oldNames].find(Boolean) as string;
    await t.app.db.updateTable('ways').set({ name: '测试新路' }).where('name', '=', renamed).execute();
    let waited = 0;
    const rebuilt = new Promise<void>((resolve) => {
      const stop = t.app.dataEvents.on(() => { stop(); resolve(); });
    });
    await t.app.dataEvents.publish(t.app.db, { kind: 'network' });
    await rebuilt;
    let after = before;
    while (after === before && waited < 100) {
      await new Promise((r) => setTimeout(r, 50));
      waited++;
      after = (await style()).metadata['svc:version'];
    }
    expect(after).not.toBe(before);
    const newNames = new Set(streetsOf(decode((await t.app.inject(`/tiles/14/${x}/${y}.pbf?v=${after}`)).rawPayload)).map((p) => p.name));
    expect(newNames.has('测试新路')).toBe(true);
    expect(newNames.has(renamed)).toBe(false);
  });
});
