// The ring promise, checked against references that share no code with the engine: the rings /api/reach
// serves (from this leg's database) are tested at random places of the land, block interiors and the river
// included, against a plain Dijkstra written here over the database's ways, with lengths on the WGS84
// ellipsoid and the straight off-street leg; and elderly rings are tested inside standard rings by area.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Flatbush from 'flatbush';
import FlatQueue from 'flatqueue';
import area from '@turf/area';
import difference from '@turf/difference';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection } from '@turf/helpers';
import type { Feature, MultiPolygon } from 'geojson';
import { buildTestApp, type TestApp } from '../helper.ts';
import { vincentyM } from '../geodesy.ts';
import { seededRandom } from '../random.ts';
import { servedWays, randomPlaceNearNetwork } from './hexiNetwork.ts';
import { KERB_GAP_M } from '../../server/network/walkingRules.ts';

const MINUTES = [5, 10, 15];
/**
 * The promise as documented (docs/walking.md): 25 m off the street plus one 15 m raster cell's diagonal,
 * and 5 s. Written out, not read from the engine, so that a wider allowance there fails here.
 */
const REACH_M = 25 + 15 * Math.SQRT2;
const TOLERANCE_S = 5;
/** The engine measures on a sphere; the reference on the ellipsoid is shortened by the largest gap between the two. */
const SPHERE_SLACK = 0.004;

/**
 * A lower bound of the engine's network: every way joined at every shared coordinate whatever its level
 * (so bridges touch what they cross), and every way's ends joined to any edge within the kerb gap. More
 * joins and shorter lengths can only make the reference faster, so a place it needs more time for than a
 * ring says is a real break of the promise.
 */
class ReferenceNetwork {
  readonly lon: number[] = [];
  readonly lat: number[] = [];
  readonly adj: { to: number; m: number }[][] = [];
  readonly edges: [number, number, number][] = [];
  private index!: Flatbush;
  private readonly ids = new Map<string, number>();

  constructor(ways: readonly { coordinates: [number, number][] | number[][] }[]) {
    for (const w of ways) {
      for (let i = 1; i < w.coordinates.length; i++) this.link(this.node(w.coordinates[i - 1]), this.node(w.coordinates[i]));
    }
    this.buildIndex();
    const ends = ways.flatMap((w) => [w.coordinates[0], w.coordinates.at(-1)!]).map((c) => this.node(c));
    for (const v of ends) {
      for (const { e, f, d } of this.edgesNear(this.lon[v], this.lat[v], KERB_GAP_M)) {
        const [a, b] = this.edges[e];
        if (a === v || b === v) continue;
        const mid = this.node([this.lon[a] + f * (this.lon[b] - this.lon[a]), this.lat[a] + f * (this.lat[b] - this.lat[a])], false);
        this.link(mid, a); this.link(mid, b);
        this.addArc(v, mid, d);
      }
    }
  }

  private node(c: number[], share = true): number {
    const key = `${c[0].toFixed(7)},${c[1].toFixed(7)}`;
    const known = share ? this.ids.get(key) : undefined;
    if (known !== undefined) return known;
    const id = this.lon.length;
    this.lon.push(c[0]); this.lat.push(c[1]); this.adj.push([]);
    if (share) this.ids.set(key, id);
    return id;
  }

  private addArc(a: number, b: number, m: number) {
    this.adj[a].push({ to: b, m }); this.adj[b].push({ to: a, m });
  }

  private link(a: number, b: number) {
    if (a === b) return;
    const m = vincentyM(this.lon[a], this.lat[a], this.lon[b], this.lat[b]) * (1 - SPHERE_SLACK);
    this.addArc(a, b, m);
    this.edges.push([a, b, m]);
  }

  private buildIndex() {
    this.index = new Flatbush(this.edges.length);
    for (const [a, b] of this.edges) {
      this.index.add(Math.min(this.lon[a], this.lon[b]), Math.min(this.lat[a], this.lat[b]), Math.max(this.lon[a], this.lon[b]), Math.max(this.lat[a], this.lat[b]));
    }
    this.index.finish();
  }

  /** Edges with a position within `radiusM` of a place: the nearest such position (fraction along, metres). */
  edgesNear(lon: number, lat: number, radiusM: number): { e: number; f: number; d: number }[] {
    const dLat = radiusM / 110_000, dLon = radiusM / (110_000 * Math.cos(lat * Math.PI / 180));
    const out: { e: number; f: number; d: number }[] = [];
    for (const e of this.index.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      if (e >= this.edges.length) continue;
      const [a, b, m] = this.edges[e];
      const n = Math.max(1, Math.ceil(m));
      let best = { f: 0, d: Infinity };
      for (let j = 0; j <= n; j++) {
        const f = j / n;
        const d = vincentyM(lon, lat, this.lon[a] + f * (this.lon[b] - this.lon[a]), this.lat[a] + f * (this.lat[b] - this.lat[a])) * (1 - SPHERE_SLACK);
        if (d < best.d) best = { f, d };
      }
      if (best.d <= radiusM) out.push({ e, ...best });
    }
    return out;
  }

  /** Metres from a place to every node: the straight leg to the nearest network position, then the network. */
  distancesFrom(lon: number, lat: number, maxSnapM: number): Float64Array {
    const dist = new Float64Array(this.lon.length).fill(Infinity);
    const queue = new FlatQueue<number>();
    const near = this.edgesNear(lon, lat, maxSnapM);
    const snap = Math.min(...near.map((x) => x.d));
    for (const { e, f, d } of near) {
      if (d > snap + 0.5) continue;
      const [a, b, m] = this.edges[e];
      for (const [v, along] of [[a, f * m], [b, (1 - f) * m]] as const) {
        if (d + along < dist[v]) { dist[v] = d + along; queue.push(v, dist[v]); }
      }
    }
    while (queue.length) {
      const d = queue.peekValue()!, v = queue.pop()!;
      if (d > dist[v]) continue;
      for (const { to, m } of this.adj[v]) {
        if (d + m < dist[to]) { dist[to] = d + m; queue.push(to, d + m); }
      }
    }
    return dist;
  }

  /** Least metres to reach a place: a network position within REACH_M, then straight. */
  placeMetres(dist: Float64Array, lon: number, lat: number): number {
    let best = Infinity;
    for (const { e } of this.edgesNear(lon, lat, REACH_M)) {
      const [a, b, m] = this.edges[e];
      const n = Math.max(1, Math.ceil(m));
      for (let j = 0; j <= n; j++) {
        const f = j / n;
        const d = vincentyM(lon, lat, this.lon[a] + f * (this.lon[b] - this.lon[a]), this.lat[a] + f * (this.lat[b] - this.lat[a])) * (1 - SPHERE_SLACK);
        if (d > REACH_M) continue;
        best = Math.min(best, Math.min(dist[a] + f * m, dist[b] + (1 - f) * m) + d);
      }
    }
    return best;
  }
}

let t: TestApp;
let reference: ReferenceNetwork;
let speed: number;
beforeAll(async () => {
  t = await buildTestApp();
  reference = new ReferenceNetwork(servedWays);
  speed = (await t.app.inject('/api/categories')).json().profiles.find((p: { id: string }) => p.id === 'standard').speed_mps;
});
afterAll(async () => { await t?.close(); });

const rnd = seededRandom(4711);
const origins = Array.from({ length: 6 }, () => randomPlaceNearNetwork(rnd, 30));
type Ring = Feature<MultiPolygon, { minutes: number }>;
const reach = async (o: [number, number], profile: string): Promise<Ring[]> => {
  const res = await t.app.inject(`/api/reach?lon=${o[0]}&lat=${o[1]}&profile=${profile}&minutes=5,10,15&per_category=1`);
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  return res.json().rings.features;
};

describe('the ring promise against an independent reference', () => {
  it('a random place of the land inside a ring can be walked to within its minutes (block interiors and the river included)', async () => {
    let inside = 0, outside = 0;
    const worst = { over: -Infinity, where: '' };
    for (const o of origins) {
      const rings = await reach(o, 'standard');
      const dist = reference.distancesFrom(o[0], o[1], 150);
      // Places drawn uniformly over the 15-minute ring's box: streets, courtyards, parks and water alike.
      const coords = rings[2].geometry.coordinates.flat(2);
      const [w, s, e, n] = [Math.min(...coords.map((c) => c[0])), Math.min(...coords.map((c) => c[1])), Math.max(...coords.map((c) => c[0])), Math.max(...coords.map((c) => c[1]))];
      for (let k = 0; k < 500; k++) {
        const lon = w + rnd() * (e - w), lat = s + rnd() * (n - s);
        const refSec = reference.placeMetres(dist, lon, lat) / speed;
        for (const [i, m] of MINUTES.entries()) {
          if (!booleanPointInPolygon([lon, lat], rings[i])) { outside += 1; continue; }
          inside += 1;
          const over = refSec - (m * 60 + TOLERANCE_S);
          if (over > worst.over) worst.over = over, worst.where = `${lon.toFixed(6)},${lat.toFixed(6)} in the ${m}-min ring from ${o}`;
          expect(refSec, `${lon},${lat} is inside the ${m}-min ring from ${o}`).toBeLessThanOrEqual(m * 60 + TOLERANCE_S);
        }
      }
    }
    expect(inside).toBeGreaterThan(1000);
    expect(outside).toBeGreaterThan(1000);
    console.log(`ring promise: ${inside} (place, ring) pairs inside, ${outside} outside; closest to the limit: ${worst.over.toFixed(1)} s over at ${worst.where}`);
  });

  it('rings are not empty, and each elderly ring lies inside the standard ring of the same minutes (area of the difference)', async () => {
    let pairs = 0, worstShare = 0;
    for (const o of origins) {
      const [standard, elderly] = [await reach(o, 'standard'), await reach(o, 'elderly')];
      for (const i of MINUTES.keys()) {
        const a = area(elderly[i]);
        expect(a, `elderly ${MINUTES[i]} min from ${o}`).toBeGreaterThan(5_000);
        expect(area(standard[i])).toBeGreaterThan(a);
        const outsideStandard = difference(featureCollection([elderly[i], standard[i]]));
        const share = outsideStandard ? area(outsideStandard) / a : 0;
        worstShare = Math.max(worstShare, share);
        expect(share, `elderly ${MINUTES[i]} min outside standard, from ${o}`).toBeLessThanOrEqual(0.001);
        if (i > 0) {
          const spill = difference(featureCollection([standard[i - 1], standard[i]]));
          expect(spill ? area(spill) / area(standard[i - 1]) : 0, `standard ${MINUTES[i - 1]} ⊂ ${MINUTES[i]} from ${o}`).toBeLessThanOrEqual(0.001);
        }
        pairs += 1;
      }
    }
    expect(pairs).toBe(origins.length * MINUTES.length);
    console.log(`elderly inside standard: worst share of an elderly ring outside its standard ring ${(worstShare * 100).toFixed(4)} %`);
  });
});
