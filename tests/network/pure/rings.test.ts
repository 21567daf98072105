// Rings (server/network/rings.ts) from searches on a hand-built network walked at 0.5 m/s (two seconds a
// metre): which places lie inside each minute's ring, where its outline runs, the access leg from an
// origin off the street, edges that cannot be used, and the options.
//
//   a street up x = 0 from (0,−1000) to (0,1000), a vertex every 200 m; a branch east along y = 200 to
//   (600,200); a flight of steps west from (0,0) to (−200,0), which the costs here forbid.
//
// Later tests draw their own (ringsOn): a lone short street, a lone long street, square blocks.
import { describe, it, expect } from 'vitest';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { buildWalkingGraph } from '../../../server/network/walkingGraph.ts';
import { EdgeSnapper, type SnappedLocation } from '../../../server/network/snapping.ts';
import { TravelTimeSearch, seedsOf } from '../../../server/network/travelTimes.ts';
import { ringsFromSearch, ringSearchMarginSec, DEFAULT_RING_OPTIONS, type RingOptions, type RingFeature } from '../../../server/network/rings.ts';
import { way, at, PLANE } from './handNetwork.ts';

const SPEED = 0.5;

function network() {
  const g = buildWalkingGraph([
    way('residential', Array.from({ length: 11 }, (_, i) => [0, -1000 + i * 200] as [number, number])),
    way('footway', [[0, 200], [200, 200], [400, 200], [600, 200]]),
    way('steps', [[0, 0], [-200, 0]]),
  ]);
  const costs = new Float64Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) costs[e] = g.highwayClasses[g.edgeClass[e]] === 'steps' ? Infinity : g.edgeLengthM[e] / SPEED;
  return { g, costs, snapper: new EdgeSnapper(g) };
}

function ringsFrom(x: number, y: number, minutes: number[], opts: RingOptions = DEFAULT_RING_OPTIONS) {
  const n = network();
  const origin = n.snapper.snap(...at(x, y), n.costs) as SnappedLocation;
  expect(origin.ok).toBe(true);
  const search = new TravelTimeSearch(n.g).start(n.costs, seedsOf(n.g, n.costs, origin, SPEED, 0));
  search.runTo(Math.max(...minutes) * 60 + ringSearchMarginSec(opts, SPEED));
  return ringsFromSearch(n.g, search, origin, SPEED, minutes, opts);
}

/** Rings on any hand-drawn network at 0.5 m/s; `cost` may override an edge's seconds (by its length). */
function ringsOn(
  ways: ReturnType<typeof way>[], x: number, y: number, minutes: number[], opts: RingOptions = DEFAULT_RING_OPTIONS,
  cost: (lengthM: number) => number = (m) => m / SPEED,
) {
  const g = buildWalkingGraph(ways);
  const costs = new Float64Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) costs[e] = cost(g.edgeLengthM[e]);
  const origin = new EdgeSnapper(g).snap(...at(x, y), costs) as SnappedLocation;
  expect(origin.ok).toBe(true);
  const search = new TravelTimeSearch(g).start(costs, seedsOf(g, costs, origin, SPEED, 0));
  search.runTo(Math.max(...minutes) * 60 + ringSearchMarginSec(opts, SPEED));
  return ringsFromSearch(g, search, origin, SPEED, minutes, opts);
}

const inside = (ring: RingFeature, x: number, y: number) => booleanPointInPolygon(at(x, y), ring);

/** The ring's extent in metres on the test plane. */
function extent(ring: RingFeature) {
  const xs: number[] = [], ys: number[] = [];
  for (const poly of ring.geometry.coordinates) for (const r of poly) for (const [lon, lat] of r) { xs.push(PLANE.x(lon)); ys.push(PLANE.y(lat)); }
  return { west: Math.min(...xs), east: Math.max(...xs), south: Math.min(...ys), north: Math.max(...ys) };
}

describe('rings on a hand-built network', () => {
  // Origin on the street at (0,100): a place at (0,y) is 2·|y − 100| s away, a place on the branch at
  // (x,200) 2·(100 + x) s; off the street, the straight distance is added, up to 25 m. Rings of 4 and 8
  // minutes: 120 m and 240 m of walking.
  // Computed in each test, not once for the file: the mutation run counts which test runs which line.
  const originRings = () => {
    const rings = ringsFrom(0, 100, [8, 4, 4]);
    const [two, four] = rings.features;
    return { rings, two, four };
  };

  it('gives one ring per distinct minute, smallest first', () => {
    const { rings, two, four } = originRings();
    expect(rings.type).toBe('FeatureCollection');
    expect(rings.features.map((f) => f.properties.minutes)).toEqual([4, 8]);
    expect(two.geometry.type).toBe('MultiPolygon');
    expect(two.geometry.coordinates).toHaveLength(1);
    expect(four.geometry.coordinates).toHaveLength(1);
  });

  it('holds the places reached within its minutes and not the others', () => {
    const { rings, two, four } = originRings();
    const expectations: [number, number, boolean, boolean][] = [
      // x, y, inside 4 min, inside 8 min (comments: metres walked)
      [0, 100, true, true],
      [0, 0, true, true], // 100 m
      [0, 200, true, true], // 100 m, at the branch
      [10, 100, true, true], // 10 m off the street (the outline runs between cell centres, 15 m apart)
      [-10, 150, true, true],
      [40, 100, false, false], // beyond the off-street allowance
      [0, -60, false, true], // 160 m
      [0, 300, false, true], // 200 m
      [100, 200, false, true], // 200 m along the branch
      [100, 210, false, true],
      [100, 185, false, true], // 15 m south of the branch
      [0, -190, false, false], // 290 m
      [0, 390, false, false],
      [190, 200, false, false],
      [-60, 0, false, false], // only over the steps, which cannot be used
      [-150, 0, false, false],
    ];
    for (const [x, y, in2, in4] of expectations) {
      expect(inside(two, x, y), `(${x},${y}) in the 2-minute ring`).toBe(in2);
      expect(inside(four, x, y), `(${x},${y}) in the 4-minute ring`).toBe(in4);
    }
  });

  it('ends where the time runs out (within rounding and the 3 m outward simplification)', () => {
    const { two, four } = originRings();
    // Cell centres lie 2.5 m east of the street and 2.5 m north of the branch: the outline crosses their
    // lines where 2·(distance along + 2.5) s is the ring's time.
    const e4 = extent(four);
    expect(e4.south).toBeGreaterThan(-145); expect(e4.south).toBeLessThan(-133); // 100 − 237.5
    expect(e4.north).toBeGreaterThan(333); expect(e4.north).toBeLessThan(345); // 100 + 237.5
    expect(e4.east).toBeGreaterThan(130); expect(e4.east).toBeLessThan(145); // 237.5 − 100
    expect(e4.west).toBeGreaterThan(-33); expect(e4.west).toBeLessThan(-20); // the allowance
    const e2 = extent(two);
    expect(e2.south).toBeGreaterThan(-25); expect(e2.south).toBeLessThan(-13); // 100 − 117.5
    expect(e2.north).toBeGreaterThan(213); expect(e2.north).toBeLessThan(225);
    expect(e2.east).toBeGreaterThan(15); expect(e2.east).toBeLessThan(45); // the allowance and 17.5 m along the branch
  });

  it('writes lon/lat with five decimals, as the default options say', () => {
    const { rings, two, four } = originRings();
    let vertices = 0;
    for (const poly of four.geometry.coordinates) {
      for (const ring of poly) {
        for (const [lon, lat] of ring) {
          expect(Math.round(lon * 1e5) / 1e5).toBe(lon);
          expect(Math.round(lat * 1e5) / 1e5).toBe(lat);
          vertices++;
        }
      }
    }
    expect(vertices).toBeGreaterThan(8);
    const explicit = ringsFrom(0, 100, [4, 8], { cellM: 15, offStreetM: 25, decimals: 5, simplifyM: 3 });
    expect(explicit).toEqual(rings);
  });

  it('includes the access leg from an origin off the street', () => {
    // From (60,500): 60 m to the street at (0,500), then along it.
    const [ring] = ringsFrom(60, 500, [4]).features;
    expect(inside(ring, 60, 500)).toBe(true);
    expect(inside(ring, 30, 500)).toBe(true);
    expect(inside(ring, 0, 540)).toBe(true); // 100 m
    expect(inside(ring, 0, 590)).toBe(false); // 150 m
    expect(inside(ring, 0, 410)).toBe(false);
    expect(inside(ring, 90, 500)).toBe(false);
  });

  it('walks a long access leg at the profile\'s speed, from the origin towards the street', () => {
    // From (300,320) to the branch at (300,200): 120 m off the street, more than twice the allowance.
    const [ring] = ringsFrom(300, 320, [2]).features; // 60 m of walking
    expect(inside(ring, 300, 310)).toBe(true);
    expect(inside(ring, 300, 275)).toBe(true); // 45 m down the leg
    expect(inside(ring, 300, 230)).toBe(false); // 90 m
    expect(inside(ring, 300, 200)).toBe(false); // the street, 120 m
    expect(inside(ring, 300, 365)).toBe(false); // away from the street
  });

  it('widens with the off-street allowance and follows the cell size', () => {
    const wide = ringsFrom(0, 100, [4], { cellM: 10, offStreetM: 60, decimals: 6, simplifyM: 0 }).features[0];
    expect(inside(wide, 45, 100)).toBe(true);
    expect(inside(wide, 75, 100)).toBe(false);
    const e = extent(wide);
    expect(e.west).toBeLessThan(-50);
    expect(e.south).toBeGreaterThan(-30); // still 120 m along the street
  });

  it('gives an empty ring for a minute nobody reaches, and no rings for no minutes', () => {
    const none = ringsFrom(0, 100, [0, 2]);
    expect(none.features[0]).toEqual({ type: 'Feature', properties: { minutes: 0 }, geometry: { type: 'MultiPolygon', coordinates: [] } });
    expect(none.features[1].geometry.coordinates).toHaveLength(1);
    expect(ringsFrom(0, 100, [2]).features).toHaveLength(1);
    const n = network();
    const origin = n.snapper.snap(...at(0, 100), n.costs) as SnappedLocation;
    const search = new TravelTimeSearch(n.g).start(n.costs, seedsOf(n.g, n.costs, origin, SPEED, 0)).runTo(600);
    expect(ringsFromSearch(n.g, search, origin, SPEED, [])).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('asks for a cell and a half of walking past the largest ring', () => {
    expect(ringSearchMarginSec({ ...DEFAULT_RING_OPTIONS, cellM: 20 }, 0.8)).toBeCloseTo(37.5, 12);
    expect(ringSearchMarginSec(DEFAULT_RING_OPTIONS, 1.5)).toBeCloseTo(15, 12);
  });

  it('draws every way between two reached crossings', () => {
    // 12 minutes (360 m): the crossings at (0,−200), (0,400) and (200,200) are reached, and so is every
    // way joining two of them.
    const [ring] = ringsFrom(0, 100, [12]).features;
    for (const [x, y] of [[0, 300], [0, -100], [0, 450], [0, -250], [200, 200], [250, 200]]) {
      expect(inside(ring, x, y), `(${x},${y})`).toBe(true);
    }
    for (const [x, y] of [[0, 480], [0, -280], [280, 200], [-100, 0]]) expect(inside(ring, x, y), `(${x},${y})`).toBe(false);
  });

  it('keeps an origin 70 m beyond a dead end, or beside a crossing, inside its ring, in every direction', () => {
    // 70 m of the 120 m of 4 minutes are the access leg, 50 m are left along the street.
    const cases: [number, number, number, number][] = [
      // origin, the street's position it snaps to
      [0, -1070, 0, -1000], [0, 1070, 0, 1000], [670, 200, 600, 200], [-70, 600, 0, 600],
    ];
    for (const [x, y, sx, sy] of cases) {
      const [ring] = ringsFrom(x, y, [4]).features;
      expect(inside(ring, x, y), `origin (${x},${y})`).toBe(true);
      expect(inside(ring, (x + sx) / 2, (y + sy) / 2), `half-way from (${x},${y})`).toBe(true);
      expect(inside(ring, sx, sy), `street from (${x},${y})`).toBe(true);
    }
  });

  it('runs along a way in both directions from an origin between its crossings', () => {
    // From (300,200) on the branch: 8 minutes are 240 m each way, past both crossings (100 m away).
    const [ring] = ringsFrom(300, 200, [8]).features;
    for (const x of [300, 200, 100, 80, 400, 500, 520]) expect(inside(ring, x, 200), `(${x},200)`).toBe(true);
    for (const x of [40, 560]) expect(inside(ring, x, 200), `(${x},200)`).toBe(false);
  });

  it('ends 25 m from a street reached all over, measured as a circle, however far the grid reaches', () => {
    // A 80 m street, (502.5,−605) to (502.5,−525), reached from (502.5,−560) in at most 90 s of the 4
    // minutes: the ring is the 25 m allowance round it, and the grid holds little more than the ring.
    const exact = { cellM: 15, offStreetM: 25, decimals: 7, simplifyM: 0 };
    const street = () => [way('residential', [[502.5, -605], [502.5, -565], [502.5, -525]])];
    const [ring] = ringsOn(street(), 502.5, -560, [4], exact).features;
    expect(ring.geometry.coordinates).toHaveLength(1);
    for (const [x, y] of [[502.5, -560], [502.5, -525], [502.5, -625], [502.5, -505], [485, -560], [520, -560]]) {
      expect(inside(ring, x, y), `(${x},${y}) within 25 m`).toBe(true);
    }
    for (const [x, y] of [
      [502.5, -489], [502.5, -636], // 36 and 31 m beyond the ends
      [540, -560], [465, -560], // 37.5 m to either side
      [517.5, -502.5], // 15 m east and 22.5 m north of the end: 27 m away
    ]) {
      expect(inside(ring, x, y), `(${x},${y}) beyond 25 m`).toBe(false);
    }
    // Ways of prohibitive cost (1,000 km of walking) running 1 km out from both ends and the middle widen the
    // grid in every direction and add no reached place: the ring is the same to the last decimal. (They are
    // symmetric about the street's centre, the centre of the network's plane and of its grid lattice.)
    const far = 1e6;
    const widened = [
      ...street(),
      way('footway', [[502.5, -525], [502.5, 475]]), way('footway', [[502.5, -605], [502.5, -1605]]),
      way('footway', [[502.5, -565], [1502.5, -565]]), way('footway', [[502.5, -565], [-497.5, -565]]),
    ];
    const [same] = ringsOn(widened, 502.5, -560, [4], exact, (m) => (m > 900 ? far : m / SPEED)).features;
    expect(same).toEqual(ring);
  });

  it('leaves a hole in the middle of a block reached all round', () => {
    // A 200 m square block, (1000,1000)–(1200,1200), entered at the middle of its west side; its far
    // side's middle is 400 m away (800 s). In 15 minutes every side is reached, and the block's middle,
    // more than 25 m from every side, is not.
    const block = () => [
      way('residential', [[1000, 1000], [1200, 1000]]), way('residential', [[1200, 1000], [1200, 1200]]),
      way('residential', [[1200, 1200], [1000, 1200]]), way('residential', [[1000, 1200], [1000, 1000]]),
    ];
    const [ring] = ringsOn(block(), 1000, 1100, [15]).features;
    expect(ring.geometry.coordinates).toHaveLength(1);
    expect(ring.geometry.coordinates[0]).toHaveLength(2); // the outline and one hole
    for (const [x, y] of [[1000, 1100], [1100, 1010], [1190, 1100], [1100, 1190], [1215, 1215], [1020, 1050]]) {
      expect(inside(ring, x, y), `(${x},${y})`).toBe(true);
    }
    for (const [x, y] of [[1100, 1100], [1050, 1150], [1150, 1050], [1240, 1100], [960, 1100]]) {
      expect(inside(ring, x, y), `(${x},${y})`).toBe(false);
    }
    // An 80 m block has a hole of about 30 m. Written to whole thousandths of a degree (≈ 90 m by 110 m),
    // the hole shrinks to fewer than three distinct vertices and is left out (not written as an empty or
    // null ring) while the outline, 130 m across, remains.
    const small = () => [way('residential', [[1000, 1000], [1080, 1000], [1080, 1080], [1000, 1080], [1000, 1000]])];
    const fine = ringsOn(small(), 1000, 1040, [15], { ...DEFAULT_RING_OPTIONS, decimals: 7, simplifyM: 0 }).features[0];
    expect(fine.geometry.coordinates.map((p) => p.length)).toEqual([2]);
    const coarse = ringsOn(small(), 1000, 1040, [15], { ...DEFAULT_RING_OPTIONS, decimals: 3, simplifyM: 0 }).features[0];
    expect(coarse.geometry.coordinates).toHaveLength(1);
    expect(coarse.geometry.coordinates[0]).toHaveLength(1);
    expect(coarse.geometry.coordinates[0][0].length).toBeGreaterThanOrEqual(4);
    for (const [lon, lat] of coarse.geometry.coordinates[0][0]) {
      expect(Number.isFinite(lon) && Number.isFinite(lat)).toBe(true);
    }
    // At whole hundredths (≈ 1 km) even the outline has fewer than three vertices: the ring has no polygon.
    const none = ringsOn(small(), 1000, 1040, [15], { ...DEFAULT_RING_OPTIONS, decimals: 2, simplifyM: 0 }).features[0];
    expect(none).toEqual({ type: 'Feature', properties: { minutes: 15 }, geometry: { type: 'MultiPolygon', coordinates: [] } });
  });

  it('draws the same rings from a search run farther than they need, or reused from another origin', () => {
    // The search need only reach 8 minutes and the margin; one run to an hour, after a first start from
    // the far south end, has settled every node, many beyond the rings' field.
    const n = network();
    const origin = n.snapper.snap(...at(0, 100), n.costs) as SnappedLocation;
    const south = n.snapper.snap(...at(0, -990), n.costs) as SnappedLocation;
    const search = new TravelTimeSearch(n.g).start(n.costs, seedsOf(n.g, n.costs, south, SPEED, 0)).runTo(3600);
    search.start(n.costs, seedsOf(n.g, n.costs, origin, SPEED, 0)).runTo(3600);
    expect(search.settledCount).toBeGreaterThan(10);
    const exact = { cellM: 15, offStreetM: 25, decimals: 7, simplifyM: 0 };
    expect(ringsFromSearch(n.g, search, origin, SPEED, [4, 8], exact)).toEqual(ringsFrom(0, 100, [4, 8], exact));
  });

  it('lets the walk go on off-street from where the access leg meets the street', () => {
    // From (212,100) to a lone street along y = 0: 100 m to (212,0) (200 s), then 27.5 m of the 4¼ minutes
    // (255 s) are left. (219,−22) lies 23 m on, across the street (246 s); 30 m on is too far.
    const street = () => [way('residential', [[0, 0], [400, 0]])];
    const [ring] = ringsOn(street(), 212, 100, [4.25], { cellM: 15, offStreetM: 25, decimals: 7, simplifyM: 0 }).features;
    expect(inside(ring, 212, 0)).toBe(true);
    expect(inside(ring, 219, -22)).toBe(true);
    expect(inside(ring, 212, -30)).toBe(false);
    expect(inside(ring, 245, 0)).toBe(false); // 33 m along the street
  });
});
