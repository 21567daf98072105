// The 15-minute surface on the real Hexi network and the sample set: the minutes at sampled street
// segments agree with /api/reach from the same places, shares say their weighting (residents in
// 桃园街道, street length where no compound has residents), tiles carry the score, a new point
// shows on the next request, and only staff read the figures (the tiles are public like the basemap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';

const TAOYUAN = '120103003000';
const NO_COMPOUNDS = '120103001000';

interface Sample { lon: number; lat: number; edge: number; score: number; minutes: Record<string, number | null>; targets: Record<string, number> }

let t: TestApp;
let admin: LoggedIn, viewer: LoggedIn;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  t = await buildTestApp();
  [admin, viewer] = await Promise.all([loginAs(t.app, 'admin'), loginAs(t.app, 'viewer')]);
});
afterAll(async () => { await t?.close(); });

async function samples(query: string): Promise<{ total: number; spacing_m: number; samples: Sample[] }> {
  const res = await viewer.inject(`/api/checkup/surface/samples?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('agreement with /api/reach', () => {
  it.each(['standard', 'elderly', 'step_free'])('the minutes at sampled segments of 桃园街道 equal /api/reach to 0.1 min (%s)', async (profile) => {
    const s = await samples(`street=${TAOYUAN}&profile=${profile}&every=97&limit=25`);
    expect(s.spacing_m).toBe(50);
    expect(s.total).toBeGreaterThan(500);
    expect(s.samples.length).toBeGreaterThanOrEqual(8);
    let compared = 0;
    for (const p of s.samples) {
      const res = await t.app.inject({ url: `/api/reach?lon=${p.lon}&lat=${p.lat}&profile=${profile}&minutes=5&per_category=1` });
      expect(res.statusCode, res.body).toBe(200);
      for (const [category, list] of Object.entries(res.json().nearest as Record<string, { walk_min: number }[]>)) {
        if (!list.length) continue; // beyond /api/reach's 60-minute horizon
        expect(p.minutes[category], `${p.lon},${p.lat} ${category}`).not.toBeNull();
        expect(Math.abs(p.minutes[category]! - list[0].walk_min), `${p.lon},${p.lat} ${category}: ${p.minutes[category]} vs ${list[0].walk_min}`).toBeLessThanOrEqual(0.1);
        compared++;
      }
      const within = Object.entries(p.minutes).filter(([c, m]) => m !== null && m <= p.targets[c]).length;
      expect(p.score).toBe(within);
    }
    expect(compared).toBeGreaterThanOrEqual(s.samples.length * 5);
  });
});

describe('shares and their weighting', () => {
  it('桃园街道 is weighted by residents (equal to /api/coverage), a street without compounds by street length', async () => {
    const res = await viewer.inject(`/api/checkup/surface?street=${TAOYUAN}`);
    expect(res.statusCode, res.body).toBe(200);
    const ty = res.json();
    expect(ty.categories).toHaveLength(10);
    const cov = (await viewer.inject(`/api/coverage?street=${TAOYUAN}&limit=1`)).json();
    for (const c of ty.categories) {
      expect(c.weighting).toBe('residents');
      expect(c.share).toBe(cov.summary.by_category[c.category].share_residents_covered);
      expect(c.length_share).toBeGreaterThanOrEqual(0);
    }
    expect(ty.sampled_m).toBeGreaterThan(10_000);
    expect(ty.mean_score_weighting).toBe('street_length');

    const other = (await viewer.inject(`/api/checkup/surface?street=${NO_COMPOUNDS}`)).json();
    expect(other.categories).toHaveLength(10);
    for (const c of other.categories) {
      expect(c.weighting).toBe('street_length');
      expect(c.share).toBe(c.length_share);
      expect(c.residents_share).toBeNull();
    }
    expect(other.sampled_m).toBeGreaterThan(10_000);
  });

  it('answers 400 naming the field for an unknown street or profile', async () => {
    const a = await viewer.inject('/api/checkup/surface?street=120103999000');
    expect(a.statusCode).toBe(400);
    expect(a.json()).toMatchObject({ field: 'street' });
    expect(a.json().message_zh).toContain('街道');
    const b = await viewer.inject('/api/checkup/surface?profile=running');
    expect(b.statusCode).toBe(400);
    expect(b.json().field).toBe('profile');
  });
});

describe('tiles and recomputation', () => {
  const tileAt = (lon: number, lat: number, z: number) => {
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    return { x, y };
  };

  it('serves the score and minutes as a vector tile; a new elder-care point changes the surface on the next request', async () => {
    const before = (await viewer.inject('/api/checkup/surface')).json();
    const { x, y } = tileAt(117.1955, 39.1032, 15);
    const res = await t.app.inject(`/api/checkup/tiles/standard/15/${x}/${y}.pbf?v=${before.version}`);
    expect(res.statusCode).toBe(200);
    const layer = new VectorTile(new PbfReader(res.rawPayload)).layers.checkup;
    expect(layer.length).toBeGreaterThan(10);
    const f = layer.feature(0).properties;
    expect(f.score).toBeGreaterThanOrEqual(0);
    expect(f.score).toBeLessThanOrEqual(10);

    // West of 友谊北路 elder care is over 10 minutes away; a canteen there makes it near.
    const near = async () => (await samples('bbox=117.1935,39.1020,117.1975,39.1044&every=1')).samples;
    const old = await near();
    expect(old.length).toBeGreaterThan(2);
    expect(Math.min(...old.map((s) => s.minutes.elder_care!))).toBeGreaterThan(5);
    const add = await admin.inject({ method: 'POST', url: '/api/points', payload: { name: '测试老人家食堂', category: '养老', subtype: '老人家食堂', street_code: TAOYUAN, lon: 117.1955, lat: 39.1032 } });
    expect(add.statusCode, add.body).toBe(201);
    const after = (await viewer.inject('/api/checkup/surface')).json();
    expect(after.version).not.toBe(before.version);
    const now = await near();
    expect(Math.min(...now.map((s) => s.minutes.elder_care!))).toBeLessThan(2);
  });

  it('tile addresses out of range are a 400 naming the field', async () => {
    const res = await t.app.inject('/api/checkup/tiles/standard/3/9/1.pbf');
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('x');
  });
});

describe('who may read', () => {
  it('anonymous gets 401 for the figures; a viewer reads them', async () => {
    for (const url of ['/api/checkup/surface', '/api/checkup/surface/samples', '/api/checkup/history?category=elder_care', '/api/checkup/snapshots']) {
      expect((await t.app.inject(url)).statusCode, url).toBe(401);
    }
    expect((await viewer.inject('/api/checkup/snapshots')).statusCode).toBe(200);
  });
});
