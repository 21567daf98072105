// Runs on the server leg (DATABASE_URL set): the embedded engine and the PostGIS server, loaded from
// the same files by the same migrations, answer the same API requests with the same points, and the
// walking engine built from each one's own tables gives the same minutes and rings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import area from '@turf/area';
import { buildTestApp, type TestApp } from '../helper.ts';
import { seededRandom } from '../random.ts';

const onServerLeg = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onServerLeg)('embedded and PostGIS server agree', () => {
  let server: TestApp;
  let embedded: TestApp;
  beforeAll(async () => {
    [server, embedded] = await Promise.all([buildTestApp(), buildTestApp({}, 'embedded')]);
  });
  afterAll(async () => { await Promise.all([server?.close(), embedded?.close()]); });

  it('runs on two different engines', async () => {
    expect((await server.app.inject('/api/health')).json().engine).toBe('postgres');
    expect((await embedded.app.inject('/api/health')).json().engine).toBe('embedded');
  });

  it.each([
    '/api/points',
    '/api/points?category=elder_care',
    '/api/points?category=health,shopping&street=120103003000',
    '/api/points?bbox=117.195,39.100,117.205,39.106',
    '/api/points?q=%E8%8F%9C%E5%B8%82%E5%9C%BA',
    '/api/sites?street=120103003000',
    '/api/sites?kind=service_center',
  ])('%s', async (url) => {
    const a = (await server.app.inject(url)).json();
    const b = (await embedded.app.inject(url)).json();
    const strip = (fc: any) => fc.features.map((f: any) => ({ ...f, properties: { ...f.properties, updated_at: undefined } }));
    expect(a.features.length).toBeGreaterThan(0);
    expect(strip(a)).toEqual(strip(b));
  });

  /** Places around the sample street's board sites (up to ~400 m off), the same on both engines. */
  async function places(n: number, seed: number): Promise<[number, number][]> {
    const sites = (await server.app.inject('/api/sites?street=120103003000')).json().features as { geometry: { coordinates: [number, number] } }[];
    expect(sites.length).toBeGreaterThan(20);
    const rnd = seededRandom(seed);
    return Array.from({ length: n }, () => {
      const [lon, lat] = sites[Math.floor(rnd() * sites.length)].geometry.coordinates;
      return [+(lon + (rnd() - 0.5) * 0.009).toFixed(6), +(lat + (rnd() - 0.5) * 0.007).toFixed(6)];
    });
  }

  it('/api/reach: the same statuses, nearest points and minutes, and rings of the same area, from 300 places', async () => {
    let compared = 0, refused = 0, worstAreaShare = 0;
    for (const [lon, lat] of await places(300, 11)) {
      const url = `/api/reach?lon=${lon}&lat=${lat}&minutes=5,10,15&per_category=3`;
      const [a, b] = await Promise.all([server.app.inject(url), embedded.app.inject(url)]);
      expect(a.statusCode, url).toBe(b.statusCode);
      if (a.statusCode === 422) { refused += 1; continue; }
      expect(a.statusCode, url).toBe(200);
      compared += 1;
      const ra = a.json(), rb = b.json();
      const minutesOf = (r: any) => Object.fromEntries(Object.entries(r.nearest as Record<string, { id: number; walk_s: number }[]>)
        .map(([cat, list]) => [cat, list.map((p) => `${p.id}:${Math.round(p.walk_s)}`)]));
      expect(minutesOf(ra), url).toEqual(minutesOf(rb));
      for (const [i, f] of ra.rings.features.entries()) {
        const areaA = area(f), areaB = area(rb.rings.features[i]);
        expect(areaA, `${url} ${f.properties.minutes}-min ring`).toBeGreaterThan(0);
        const share = Math.abs(areaA - areaB) / areaA;
        worstAreaShare = Math.max(worstAreaShare, share);
        expect(share, `${url} ${f.properties.minutes}-min ring area`).toBeLessThanOrEqual(0.001);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(250);
    console.log(`/api/reach on both engines: ${compared} places compared, ${refused} refused by both (422), worst ring-area difference ${(worstAreaShare * 100).toFixed(4)} %`);
  });

  it('/api/route: the same walking metres and seconds for 150 pairs of places, for each profile', async () => {
    const ps = await places(300, 29);
    let compared = 0;
    for (let i = 0; i < ps.length; i += 2) {
      const profile = ['standard', 'elderly', 'step_free'][i % 3];
      const url = `/api/route?from=${ps[i].join(',')}&to=${ps[i + 1].join(',')}&profile=${profile}`;
      const [a, b] = await Promise.all([server.app.inject(url), embedded.app.inject(url)]);
      expect(a.statusCode, url).toBe(b.statusCode);
      if (a.statusCode !== 200) continue;
      compared += 1;
      const pa = a.json().properties, pb = b.json().properties;
      expect(Math.abs(pa.walk_m - pb.walk_m), url).toBeLessThanOrEqual(0.5);
      expect(Math.abs(pa.walk_s - pb.walk_s), url).toBeLessThanOrEqual(0.5);
    }
    expect(compared).toBeGreaterThanOrEqual(100);
  });
});
