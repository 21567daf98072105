// Bytes on the wire: JSON answers go out compressed when the client accepts it (and decompress to the
// very same answer), plain when it does not; a fresh reach answer from a real place fits in 12 KB;
// tiles, which the tile route compresses itself, are not compressed twice.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';

process.env.MAX_EVENT_LOOP_DELAY_MS ??= '60000';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

// 桃园街道, in the middle of the sample set.
const PLACE = { lon: 117.1935, lat: 39.1047 };
const MAX_WIRE_BYTES = 12 * 1024;

const decode: Record<string, (b: Buffer) => Buffer> = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync };

describe('compressed answers', () => {
  it('/api/reach: br or gzip when accepted, decompressing to the same JSON as the plain answer', async () => {
    const url = `/api/reach?lon=${PLACE.lon}&lat=${PLACE.lat}&minutes=5,10,15`;
    const plain = await t.app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json().rings.features).toHaveLength(3);
    for (const [accept, encoding] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['gzip;q=1, br;q=0.5', 'gzip']] as const) {
      // Twice each: the first compresses a fresh (or cached plain) answer, the second comes from the cache.
      for (let round = 0; round < 2; round++) {
        const res = await t.app.inject({ url, headers: { 'accept-encoding': accept } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-encoding'], `${accept}, round ${round}`).toBe(encoding);
        expect(res.headers.vary).toMatch(/accept-encoding/i);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
        expect(decode[encoding](res.rawPayload).equals(plain.rawPayload), `${accept}, round ${round}`).toBe(true);
      }
    }
    // Asking plainly again after compressed answers were cached still gets the plain bytes.
    const again = await t.app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.rawPayload.equals(plain.rawPayload)).toBe(true);
  });

  it('other JSON answers too, and errors; small answers stay plain', async () => {
    const categories = await t.app.inject({ url: '/api/categories', headers: { 'accept-encoding': 'gzip' } });
    const plain = await t.app.inject({ url: '/api/categories' });
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    expect(categories.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(categories.rawPayload).toString('utf8'))).toEqual(plain.json());
    const bad = await t.app.inject({ url: '/api/reach?lon=east&lat=39.1', headers: { 'accept-encoding': 'br' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-encoding']).toBeUndefined(); // under 1 KB: not worth a compressor
    expect(bad.json().message).toMatch(/lon/);
  });

  it('a basemap tile is gzipped once by its own route, never twice', async () => {
    const style = (await t.app.inject('/style.json')).json();
    const [lon, lat] = [PLACE.lon, PLACE.lat];
    const n = 2 ** 14;
    const x = Math.floor(((lon + 180) / 360) * n);
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
    const url = `/tiles/14/${x}/${y}.pbf?v=${style.metadata['svc:version']}`;
    const zipped = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const once = zlib.gunzipSync(zipped.rawPayload);
    expect(once[0] === 0x1f && once[1] === 0x8b).toBe(false); // a protobuf, not another gzip layer
    expect(once.equals((await t.app.inject(url)).rawPayload)).toBe(true);
  });
});

describe('fresh reach answer size', () => {
  it('every active board site and 20 more real places: at most 12 KB on the wire (br and gzip)', async () => {
    const sites = await t.app.db.selectFrom('board_sites')
      .select([sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')]).where('status', '=', 'active').execute();
    const points = await t.app.db.selectFrom('service_points')
      .select([sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')]).where('status', '=', 'active').orderBy('id').limit(20).execute();
    const places = [...sites, ...points].map((p) => [Number(p.lon), Number(p.lat)]);
    expect(sites.length).toBeGreaterThan(0);
    expect(places.length).toBeGreaterThanOrEqual(20);
    let largest = 0;
    for (const [lon, lat] of places) {
      for (const encoding of ['br', 'gzip']) {
        const res = await t.app.inject({ url: `/api/reach?lon=${lon}&lat=${lat}&minutes=5,10,15&per_category=3`, headers: { 'accept-encoding': encoding } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.rawPayload.length, `${encoding} answer from ${lon},${lat}`).toBeLessThanOrEqual(MAX_WIRE_BYTES);
        largest = Math.max(largest, res.rawPayload.length);
      }
    }
    expect(largest).toBeGreaterThan(1024);
  });
});
