// Snapping (server/network/snapping.ts) on a hand-built network: the exact position on the right edge
// from every side, stairs refused when the profile cannot use them, small fragments left alone, and
// failures that say how far the network is.
//
//   main component (20 nodes): a street up x = 0 (y 0…1000, a node every 100 m), a footway along
//   y = 1000 (x 0…800), and a flight of steps from (0,500) west to (−60,500);
//   island (2 nodes): a footway (500,300)–(500,340), far from everything.
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph } from '../../../server/network/walkingGraph.ts';
import { EdgeSnapper, DEFAULT_MAX_SNAP_M, type SnapResult, type SnappedLocation } from '../../../server/network/snapping.ts';
import { way, at, nodeAt, edgeBetween } from './handNetwork.ts';

function network() {
  const g = buildWalkingGraph([
    way('residential', Array.from({ length: 11 }, (_, i) => [0, i * 100] as [number, number])),
    way('footway', Array.from({ length: 9 }, (_, i) => [i * 100, 1000] as [number, number])),
    way('steps', [[0, 500], [-60, 500]]),
    way('footway', [[500, 300], [500, 340]]),
  ]);
  const steps = edgeBetween(g, nodeAt(g, 0, 500), nodeAt(g, -60, 500));
  const all = new Float64Array(g.edgeCount).fill(1);
  const stepFree = all.slice();
  stepFree[steps] = Infinity;
  return { g, steps, all, stepFree };
}

function ok(r: SnapResult): SnappedLocation {
  if (!r.ok) throw new Error(`expected a snap, got ${r.reason} (nearest ${r.nearestM} m)`);
  return r;
}

describe('snapping on a hand-built network', () => {
  it('has the components the test relies on', () => {
    const { g } = network();
    expect(Array.from(g.componentSizes)).toEqual([20, 2]);
  });

  it('puts a point on the exact position of the nearest edge, from each side', () => {
    const n = network();
    const snapper = new EdgeSnapper(n.g);
    const cases: { p: [number, number]; a: [number, number]; b: [number, number]; t: number; on: [number, number] }[] = [
      { p: [30, 250], a: [0, 200], b: [0, 300], t: 0.5, on: [0, 250] },
      { p: [-30, 270], a: [0, 200], b: [0, 300], t: 0.7, on: [0, 270] },
      { p: [420, 1030], a: [400, 1000], b: [500, 1000], t: 0.2, on: [420, 1000] },
      { p: [460, 970], a: [400, 1000], b: [500, 1000], t: 0.6, on: [460, 1000] },
    ];
    for (const c of cases) {
      const s = ok(snapper.snap(...at(...c.p), n.all));
      expect(s.edge).toBe(edgeBetween(n.g, nodeAt(n.g, ...c.a), nodeAt(n.g, ...c.b)));
      expect(n.g.edgeFrom[s.edge]).toBe(nodeAt(n.g, ...c.a));
      expect(s.t).toBeCloseTo(c.t, 4);
      const [lon, lat] = at(...c.on);
      expect(s.snapLon).toBeCloseTo(lon, 8);
      expect(s.snapLat).toBeCloseTo(lat, 8);
      expect(s.snapDistM).toBeCloseTo(30, 2);
      expect([s.lon, s.lat]).toEqual(at(...c.p));
    }
  });

  it('never puts a step-free walker on stairs: the street beside them instead', () => {
    const n = network();
    const snapper = new EdgeSnapper(n.g);
    const onSteps = ok(snapper.snap(...at(-50, 510), n.all));
    expect(onSteps.edge).toBe(n.steps);
    expect(onSteps.snapDistM).toBeCloseTo(10, 2);
    const stepFree = ok(snapper.snap(...at(-50, 510), n.stepFree));
    expect(stepFree.edge).toBe(edgeBetween(n.g, nodeAt(n.g, 0, 500), nodeAt(n.g, 0, 600)));
    expect(stepFree.t).toBeCloseTo(0.1, 4);
    expect(stepFree.snapDistM).toBeCloseTo(Math.hypot(50, 0), 1);
  });

  it('snaps to a fragment of at least a tenth of the largest component, and not to a smaller one', () => {
    const n = network();
    const island = edgeBetween(n.g, nodeAt(n.g, 500, 300), nodeAt(n.g, 500, 340));
    const s = ok(new EdgeSnapper(n.g).snap(...at(520, 320), n.all)); // 2 nodes = 20 × 0.1
    expect(s.edge).toBe(island);
    expect(s.snapDistM).toBeCloseTo(20, 2);
    const strict = new EdgeSnapper(n.g, 0.11).snap(...at(520, 320), n.all);
    expect(strict).toMatchObject({ ok: false, reason: 'too_far', nearestM: 520, maxSnapM: DEFAULT_MAX_SNAP_M });
  });

  it('refuses a point beyond the limit and says how far the nearest usable street is', () => {
    const n = network();
    const snapper = new EdgeSnapper(n.g);
    // Inside the search box but not within the limit (a corner of the box).
    expect(snapper.snap(...at(900, 1100), n.all, 120)).toMatchObject({ ok: false, reason: 'too_far', nearestM: 141, maxSnapM: 120 });
    // Nothing in the search box at all: the nearest street is found anyway.
    expect(snapper.snap(...at(300, 600), n.all, 100)).toMatchObject({ ok: false, reason: 'too_far', nearestM: 300 });
    // The nearest edge is stairs, which a step-free walker cannot use: the distance is to the street.
    expect(snapper.snap(...at(-55, 460), n.stepFree, 30)).toMatchObject({ ok: false, nearestM: 55 });
    expect(snapper.snap(...at(-55, 460), n.all, 30)).toMatchObject({ ok: false, nearestM: 40 });
    // A small limit, the point beside the middle of a long east–west edge (its ends far outside the search box).
    const mid = ok(snapper.snap(...at(450, 1005), n.all, 10));
    expect(mid.edge).toBe(edgeBetween(n.g, nodeAt(n.g, 400, 1000), nodeAt(n.g, 500, 1000)));
    expect(mid.t).toBeCloseTo(0.5, 4);
    // Within the limit, just.
    expect(ok(snapper.snap(...at(30, 250), n.all, 31)).snapDistM).toBeCloseTo(30, 2);
    expect(snapper.snap(...at(30, 250), n.all, 29)).toMatchObject({ ok: false, nearestM: 30, maxSnapM: 29 });
    // The nearest edge beyond the limit, not merely the nearest in the search box's corner: 110 m, not 113 m.
    const two = buildWalkingGraph([way('footway', [[0, 0], [100, 0]]), way('footway', [[290, -200], [290, 300]])]);
    expect(new EdgeSnapper(two).snap(...at(180, 80), new Float64Array(two.edgeCount).fill(1), 100))
      .toMatchObject({ ok: false, reason: 'too_far', nearestM: 110, maxSnapM: 100 });
    // The first edge of the graph (edge 0) as the nearest one beyond the limit.
    expect(n.g.edgeFrom[0]).toBe(nodeAt(n.g, 0, 0));
    expect(n.g.edgeTo[0]).toBe(nodeAt(n.g, 0, 100));
    expect(snapper.snap(...at(-30, 50), n.all, 20)).toMatchObject({ ok: false, nearestM: 30 });
    // No usable edge at all.
    expect(snapper.snap(...at(30, 250), new Float64Array(n.g.edgeCount).fill(Infinity))).toMatchObject({ ok: false, reason: 'too_far', nearestM: null });
  });

  it('refuses coordinates that are not a lon/lat, and accepts the extreme ones', () => {
    const n = network();
    const snapper = new EdgeSnapper(n.g);
    for (const [lon, lat] of [[NaN, 39.1], [117.2, NaN], [Infinity, 39.1], [117.2, -Infinity], [180.5, 39.1], [-180.5, 39.1], [117.2, 90.5], [117.2, -90.5]]) {
      expect(snapper.snap(lon, lat, n.all), `${lon},${lat}`).toEqual({ ok: false, lon, lat, reason: 'invalid_coordinates', nearestM: null, maxSnapM: DEFAULT_MAX_SNAP_M });
    }
    for (const [lon, lat] of [[180, 39.1], [-180, 39.1], [117.2, 90], [117.2, -90]]) {
      expect(snapper.snap(lon, lat, n.all), `${lon},${lat}`).toMatchObject({ ok: false, reason: 'too_far' });
    }
  });

  it('works on an empty network (nothing to snap to)', () => {
    const g = buildWalkingGraph([]);
    const r = new EdgeSnapper(g).snap(...at(0, 0), new Float64Array(0));
    expect(r).toMatchObject({ ok: false, reason: 'too_far', nearestM: null });
  });
});
