// Fresh /api/reach answers computed on a reach worker thread (REACH_WORKERS=1, server/network/reachPool.ts):
// the same bytes as the main thread's, plain and compressed; an edit and a network correction in the very
// next answer; a place off the network still 422 with the distance; a killed worker replaced with no
// request lost. On a fresh copy of the seeded database, the engine under test.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { reachAnswerJson, type ReachQuestion } from '../../server/network/reachAnswer.ts';
import { BROTLI_OPTIONS, GZIP_OPTIONS, negotiatedEncoding } from '../../server/http/compression.ts';
import type { ReachPool } from '../../server/network/reachPool.ts';

// These tests are about answers, not load shedding.
process.env.MAX_EVENT_LOOP_DELAY_MS ??= '60000';

const TAOYUAN = '120103003000';
const PLACE = { lon: 117.1935, lat: 39.1047 }; // 桃园街道, in the middle of the sample set
// 272 m from the nearest mapped way (a compound interior): a published path makes it reachable.
const OFF_NETWORK: [number, number] = [117.19372, 39.10697];

let t: TestApp;
let pool: ReachPool;
let admin: LoggedIn;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until every worker's engine is at the main engine's state. */
async function workersCaughtUp(): Promise<void> {
  await t.app.walking.engine();
  for (let i = 0; i < 600; i++) {
    const s = pool.stats();
    if (s.workers > 0 && s.current === s.workers) return;
    await sleep(100);
  }
  throw new Error(`reach workers never caught up: ${JSON.stringify(pool.stats())}`);
}

/** What the main thread computes for the same question (the function the route calls with no workers). */
async function mainThreadJson(lon: number, lat: number, extra: Partial<ReachQuestion> = {}): Promise<string> {
  return reachAnswerJson(await t.app.walking.engine(), { place: [lon, lat], profile: 'standard', minutes: [5, 10, 15], perCategory: 3, withRoutes: false, ...extra });
}

const reach = (lon: number, lat: number, encoding = 'identity', extra = '') =>
  t.app.inject({ url: `/api/reach?lon=${lon}&lat=${lat}&profile=standard&minutes=5,10,15${extra}`, headers: { 'accept-encoding': encoding } });

function decoded(res: Awaited<ReturnType<typeof reach>>): string {
  const enc = res.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(res.rawPayload).toString();
  if (enc === 'gzip') return zlib.gunzipSync(res.rawPayload).toString();
  return res.rawPayload.toString();
}

beforeAll(async () => {
  t = await buildTestApp({ reachWorkers: 1 });
  pool = t.app.reachPool!;
  admin = await loginAs(t.app, 'admin');
  await workersCaughtUp();
});
afterAll(async () => { await t?.close(); });

describe('reach workers', () => {
  it('answer 50 random places near streets with the main thread\'s bytes, plain, br and gzip', async () => {
    const engine = await t.app.walking.engine();
    const g = engine.graph;
    let seed = 14;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const before = pool.stats().answered;
    const encodings = ['identity', 'br', 'gzip', 'gzip, deflate, br'];
    for (let i = 0; i < 50; i++) {
      const node = Math.floor(rnd() * g.nodeCount);
      const lon = Number((g.nodeLon[node] + (rnd() - 0.5) * 0.0004).toFixed(6));
      const lat = Number((g.nodeLat[node] + (rnd() - 0.5) * 0.0004).toFixed(6));
      const encoding = encodings[i % encodings.length];
      const res = await reach(lon, lat, encoding);
      let expected: string;
      try { expected = await mainThreadJson(lon, lat); } catch { expected = ''; }
      if (!expected) { expect(res.statusCode, `${lon},${lat}`).toBe(422); continue; }
      expect(res.statusCode, `${lon},${lat}`).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const json = decoded(res);
      expect(json, `${lon},${lat} (${encoding})`).toBe(expected);
      if (encoding === 'identity') {
        expect(res.headers['content-encoding']).toBeUndefined();
      } else {
        const want = encoding === 'gzip' ? 'gzip' : 'br';
        expect(res.headers['content-encoding']).toBe(want);
        expect(res.headers.vary).toBe('accept-encoding');
        // Compressed exactly as @fastify/compress would have compressed it on the main thread.
        const same = want === 'br' ? zlib.brotliCompressSync(Buffer.from(expected), BROTLI_OPTIONS) : zlib.gzipSync(Buffer.from(expected), GZIP_OPTIONS);
        expect(Buffer.compare(res.rawPayload, same)).toBe(0);
      }
    }
    // The worker answered them, not the main thread falling back.
    expect(pool.stats().answered - before).toBe(50);
    // Asked again: the cached bytes, the same answer.
    const again = await reach(PLACE.lon, PLACE.lat, 'br');
    const first = await reach(PLACE.lon, PLACE.lat, 'br');
    expect(decoded(first)).toBe(decoded(again));
  });

  it('choose the encoding @fastify/compress chooses for the same accept-encoding', async () => {
    // A board site's answer is compressed by the plugin itself on the main thread: the worker's choice must match it.
    const site = await t.app.db.selectFrom('board_sites').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const accepts = ['gzip, deflate, br', 'gzip', 'br;q=0.5, gzip;q=0.9', '*', 'x-gzip', 'identity', 'deflate', 'br;q=0, gzip;q=0', 'GZIP', 'compress, *;q=0.1'];
    for (const accept of accepts) {
      const res = await t.app.inject({ url: `/api/reach?site=${site.id}`, headers: { 'accept-encoding': accept } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'] ?? null, accept).toBe(negotiatedEncoding({ 'accept-encoding': accept }));
    }
    const off = await t.app.inject({ url: `/api/reach?site=${site.id}`, headers: { 'accept-encoding': 'br', 'x-no-compression': '1' } });
    expect(off.headers['content-encoding']).toBeUndefined();
    expect(negotiatedEncoding({ 'accept-encoding': 'br', 'x-no-compression': '1' })).toBeNull();
  });

  it('shows a point saved by staff in the very next answer', async () => {
    const q = (k: number) => reach(PLACE.lon + k * 0.00001, PLACE.lat, 'br', '&categories=elder_care&per_category=1');
    const before = JSON.parse(decoded(await q(1)));
    const created = await admin.inject({
      method: 'POST', url: '/api/points',
      payload: { name: '测试老人家食堂（线程）', category: '养老', subtype: '老人家食堂', street_code: TAOYUAN, lon: PLACE.lon, lat: PLACE.lat + 0.0001 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const next = await q(2);
    expect(next.statusCode).toBe(200);
    const category = 'elder_care';
    const list = JSON.parse(decoded(next)).nearest[category];
    expect(list[0].id).toBe(id);
    expect(before.nearest[category]?.[0]?.id).not.toBe(id);
    // Once the worker has it too, the worker answers and still lists it.
    await workersCaughtUp();
    const answered = pool.stats().answered;
    const later = await q(3);
    expect(pool.stats().answered).toBe(answered + 1);
    expect(JSON.parse(decoded(later)).nearest[category][0].id).toBe(id);
    expect(decoded(later)).toBe(await mainThreadJson(PLACE.lon + 3 * 0.00001, PLACE.lat, { categories: ['elder_care'], perCategory: 1 }));
  });

  it('shows a published network correction in the very next answer, and a place off the network is 422 with the distance', async () => {
    const refused = await reach(...OFF_NETWORK);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().field).toBe('lon');
    expect(refused.json().message).toMatch(/outside the walking network/);
    expect(refused.json().nearest_m).toBeGreaterThan(250);
    expect(refused.json().message_zh).toContain('米');

    const engine = await t.app.walking.engine();
    const street = engine.snap(OFF_NETWORK[0], OFF_NETWORK[1], 'standard', 400);
    if (!street.ok) throw new Error('no street within 400 m');
    const areas = await t.app.areaIndex();
    const { metresOutside } = await import('../../server/records/placement.ts');
    const code = [...areas.streets.values()].sort((a, b) => metresOutside(a, ...OFF_NETWORK) - metresOutside(b, ...OFF_NETWORK))[0].code;
    const created = await admin.inject({ method: 'POST', url: '/api/network/corrections', payload: { kind: 'path', street_code: code, geometry: { type: 'LineString', coordinates: [[street.snapLon, street.snapLat], OFF_NETWORK] } } });
    expect(created.statusCode, created.body).toBe(201);
    const published = await admin.inject({ method: 'POST', url: `/api/network/corrections/${created.json().id}/publish`, payload: { version: 1 } });
    expect(published.statusCode, published.body).toBe(200);

    const next = await reach(...OFF_NETWORK);
    expect(next.statusCode, next.body.slice(0, 200)).toBe(200);
    expect(next.json().origin.snap_distance_m).toBeLessThan(1);
    // The worker rebuilds its own graph; then it answers places only the correction reaches.
    await workersCaughtUp();
    const answered = pool.stats().answered;
    const nearby: [number, number] = [OFF_NETWORK[0] - 0.00002, OFF_NETWORK[1]];
    const fromWorker = await reach(...nearby, 'gzip');
    expect(fromWorker.statusCode).toBe(200);
    expect(pool.stats().answered).toBe(answered + 1);
    expect(decoded(fromWorker)).toBe(await mainThreadJson(...nearby));

    // The worker's 422 is the main thread's: same status, field, message and distance.
    const far = await reach(117.05, 39.1);
    expect(far.statusCode).toBe(422);
    expect(far.json()).toMatchObject({ field: 'lon', max_snap_m: 150 });
    expect(far.json().nearest_m).toBeGreaterThan(1000);
    expect(far.json().message).toContain(`${far.json().nearest_m} m away`);
  });

  it('replaces a killed worker; every request meanwhile is answered', async () => {
    const [worker] = pool.threads();
    const replaced = pool.stats().replaced;
    // As many as the worker's queue holds: none is computed on the main thread before the kill.
    const places = Array.from({ length: t.app.config.reachWorkerQueue }, (_, i) => [PLACE.lon + 0.0003 + i * 0.00002, PLACE.lat - 0.0002] as const);
    const failed = pool.stats().fellBack.failed;
    const all = Promise.all(places.map(([lon, lat]) => reach(lon, lat, 'br')));
    // Kill it while it holds questions.
    for (let i = 0; i < 10_000 && pool.stats().queued === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats().queued).toBeGreaterThan(0);
    await worker.terminate();
    const answers = await all;
    for (const res of answers) expect(res.statusCode).toBe(200);
    for (const [i, res] of answers.entries()) expect(decoded(res)).toBe(await mainThreadJson(...places[i]));
    // The questions it held were answered by the main thread.
    expect(pool.stats().fellBack.failed).toBeGreaterThan(failed);
    expect(pool.stats().replaced).toBe(replaced + 1);
    expect(pool.threads()[0]).not.toBe(worker);
    // Meanwhile the main thread answers (a dead worker holds nothing).
    expect((await reach(PLACE.lon + 0.0009, PLACE.lat, 'br')).statusCode).toBe(200);
    await workersCaughtUp();
    const answered = pool.stats().answered;
    const res = await reach(PLACE.lon + 0.001, PLACE.lat, 'br');
    expect(res.statusCode).toBe(200);
    expect(pool.stats().answered).toBe(answered + 1);
    expect(decoded(res)).toBe(await mainThreadJson(PLACE.lon + 0.001, PLACE.lat));
  });
});
