// Packed rings (`/api/reach?rings=packed`, what the pages ask for): unpacked, the very numbers of the
// GeoJSON rings, for real places on the Hexi network and both profiles; over HTTP the rest of the answer
// is the same too, a third of the bytes, and a bad value is a 400 naming the field in both languages.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackRings, type PackedRings } from '../../server/network/packedRings.ts';
import { hexiEngine, randomPlaceNearNetwork, seededRandom, syntheticPoints } from './hexiNetwork.ts';
import { buildTestApp, type TestApp } from '../helper.ts';

describe('packed rings in the engine', () => {
  it('unpack to exactly the GeoJSON rings: 150 real places × standard and elderly, 5/10/15 and 3/7/20/30 minutes', () => {
    const engine = hexiEngine();
    engine.points.setAll(syntheticPoints(200));
    const rnd = seededRandom(14);
    let vertices = 0;
    for (let i = 0; i < 150; i++) {
      const place = randomPlaceNearNetwork(rnd, 30);
      for (const profile of ['standard', 'elderly']) {
        const minutes = i % 3 === 0 ? [3, 7, 20, 30] : [5, 10, 15];
        let geo, packed;
        try {
          geo = engine.reach(place, { profile, minutes, perCategory: 3 });
          packed = engine.reach(place, { profile, minutes, perCategory: 3, ringFormat: 'packed' });
        } catch { continue; } // a place off the network for this profile: not this test's question
        expect(packed.rings.encoding).toBe('delta');
        expect(packed.rings.decimals).toBe(5);
        for (const f of packed.rings.features) for (const poly of f.polygons) for (const ring of poly) {
          expect(ring.length % 2).toBe(0);
          expect(ring.length).toBeGreaterThanOrEqual(6);
          expect(ring.every(Number.isInteger)).toBe(true);
          vertices += ring.length / 2;
        }
        expect(unpackRings(packed.rings)).toEqual(geo.rings);
        expect(packed.nearest).toEqual(geo.nearest);
      }
    }
    expect(vertices).toBeGreaterThan(100_000);
  });
});

describe('/api/reach?rings=packed', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('is the GeoJSON answer with its rings packed, at about a third of the bytes, plain and compressed', async () => {
    for (const place of [[117.1935, 39.1047], [117.2136, 39.0952], [117.2398, 39.0801]]) {
      const base = `/api/reach?lon=${place[0]}&lat=${place[1]}&minutes=5,10,15`;
      const geo = await t.app.inject({ url: base });
      const packed = await t.app.inject({ url: `${base}&rings=packed` });
      expect(geo.statusCode).toBe(200);
      expect(packed.statusCode).toBe(200);
      const { rings, ...rest } = packed.json() as { rings: PackedRings };
      const { rings: geoRings, ...geoRest } = geo.json();
      expect(rest).toEqual(geoRest);
      expect(unpackRings(rings)).toEqual(geoRings);
      expect(geoRings.features.flatMap((f: { geometry: { coordinates: unknown[] } }) => f.geometry.coordinates).length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(rings).length).toBeLessThan(JSON.stringify(geoRings).length * 0.45);
      expect(packed.rawPayload.length).toBeLessThan(geo.rawPayload.length);
      for (const [encoding, decode] of [['br', zlib.brotliDecompressSync], ['gzip', zlib.gunzipSync]] as const) {
        for (let round = 0; round < 2; round++) { // fresh, then from the cache
          const z = await t.app.inject({ url: `${base}&rings=packed`, headers: { 'accept-encoding': encoding } });
          expect(z.headers['content-encoding']).toBe(encoding);
          expect(decode(z.rawPayload).equals(packed.rawPayload)).toBe(true);
          expect(z.rawPayload.length).toBeLessThanOrEqual(12 * 1024);
        }
      }
    }
  });

  it('a place far from any way is still a 422 saying how far, packed or not', async () => {
    // 272 m from the nearest mapped way, a compound's interior (the place reachPool.test.ts refuses).
    for (const suffix of ['', '&rings=packed']) {
      const res = await t.app.inject({ url: `/api/reach?lon=117.19372&lat=39.10697${suffix}` });
      expect(res.statusCode).toBe(422);
      expect(res.json().field).toBe('lon');
      expect(res.json().nearest_m).toBeGreaterThan(250);
      expect(res.json().message_zh).toContain('米');
    }
  });

  it('a board site too; an unknown format is a 400 naming the field in Chinese and English', async () => {
    const site = await t.app.db.selectFrom('board_sites').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const geo = (await t.app.inject({ url: `/api/reach?site=${site.id}` })).json();
    const packed = (await t.app.inject({ url: `/api/reach?site=${site.id}&rings=packed` })).json();
    expect(unpackRings(packed.rings)).toEqual(geo.rings);
    expect(packed.origin.site.id).toBe(site.id);
    const bad = await t.app.inject({ url: `/api/reach?site=${site.id}&rings=polyline` });
    expect(bad.statusCode).toBe(400);
    const body = bad.json();
    expect(body.field ?? body.message).toMatch(/rings/);
    expect(body.message).toMatch(/rings/);
    expect(body.message_zh).toMatch(/rings/);
  });
});
