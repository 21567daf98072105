// Edge costs (server/network/profiles.ts) on a hand-built junction of a primary road: speed, steps,
// the crossing wait at major junctions (and who pays it), excluded classes, and the corrections that
// price edges — crossings, closures and gates — plus the cache and the keys.
//
//   a primary road along y = 0 (x 0…200) with a junction at (100,0): a residential street north to
//   (100,400), a footway south to (100,−100), steps to (150,−50), a footbridge to (50,50);
//   a dual carriageway: primaries along y = 300 and y = 320, crossed by the residential street.
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph, NODE_MAJOR_JUNCTION, NODE_SECONDARY_JUNCTION, type WalkingGraph } from '../../../server/network/walkingGraph.ts';
import { edgeCostsSec, costStateKey, exclusionKey, isStepFree, loadWalkingProfiles } from '../../../server/network/profiles.ts';
import { buildCorrectedGraph, nearestCrossingJunctionM, parseDistrictTime } from '../../../server/network/corrections.ts';
import type { NetworkOverlay, CrossingKind } from '../../../server/network/overlay.ts';
import { way, nodeAt, edgeBetween, profile, at } from './handNetwork.ts';

function network() {
  const g = buildWalkingGraph([
    way('primary', [[0, 0], [100, 0], [200, 0]]),
    way('residential', [[100, 0], [100, 100], [100, 200], [100, 300], [100, 320], [100, 400]]),
    way('footway', [[100, 0], [100, -100]]),
    way('steps', [[100, 0], [150, -50]]),
    way('footway', [[100, 0], [50, 50]], { layer: 1, bridge: true }),
    way('primary', [[0, 300], [100, 300], [200, 300]]),
    way('primary', [[0, 320], [100, 320], [200, 320]]),
  ]);
  const e = (a: [number, number], b: [number, number]) => edgeBetween(g, nodeAt(g, ...a), nodeAt(g, ...b));
  return {
    g,
    major: e([0, 0], [100, 0]), major2: e([100, 0], [200, 0]), side: e([100, 0], [100, 100]), quiet: e([100, 100], [100, 200]),
    south: e([100, 0], [100, -100]), steps: e([100, 0], [150, -50]), bridge: e([100, 0], [50, 50]),
    toMedian: e([100, 200], [100, 300]), median: e([100, 300], [100, 320]), fromMedian: e([100, 320], [100, 400]),
    j300: nodeAt(g, 100, 300), j320: nodeAt(g, 100, 320),
  };
}

const P = profile({ speed_mps: 2, major_crossing_sec: 40, steps_time_factor: 3 });
const STEP_FREE = profile({ id: 'sf' as never, speed_mps: 2, major_crossing_sec: 40, excluded_highways: ['steps'] });
const time = (text: string) => parseDistrictTime(text)!;

function withOverlay(g: WalkingGraph, over: Partial<NetworkOverlay>): WalkingGraph {
  const overlay: NetworkOverlay = {
    edgeGate: new Int32Array(g.edgeCount).fill(-1), gates: [], edgeClosures: new Map(), closures: [],
    crossings: new Map(), unplaced: [], applied: [], ...over,
  };
  return { ...g, overlay };
}

describe('edge costs of a profile', () => {
  it('walks each edge at the profile\'s speed, climbs steps slower, and waits at a major junction from a side street', () => {
    const n = network();
    const c = edgeCostsSec(n.g, P);
    expect(c).toHaveLength(n.g.edgeCount);
    expect(c[n.major]).toBeCloseTo(50, 6); // along the major road: no wait
    expect(c[n.major2]).toBeCloseTo(50, 6);
    expect(c[n.side]).toBeCloseTo(50 + 20, 6); // half the crossing at its junction end
    expect(c[n.south]).toBeCloseTo(50 + 20, 6);
    expect(c[n.quiet]).toBeCloseTo(50, 6);
    expect(c[n.steps]).toBeCloseTo((Math.hypot(50, 50) / 2) * 3, 2); // steps never pay the crossing
    expect(c[n.bridge]).toBeCloseTo(Math.hypot(50, 50) / 2, 2); // nor does a footbridge
    // Between the carriageways both ends are junctions: half at each.
    expect(c[n.median]).toBeCloseTo(10 + 20 + 20, 6);
    expect(c[n.toMedian]).toBeCloseTo(50 + 20, 6);
    expect(c[n.fromMedian]).toBeCloseTo(40 + 20, 6);
  });

  it('makes excluded classes unusable and leaves the rest as they were', () => {
    const n = network();
    const free = edgeCostsSec(n.g, STEP_FREE);
    expect(free[n.steps]).toBe(Infinity);
    expect(free[n.side]).toBeCloseTo(70, 6);
    expect(free[n.bridge]).toBeCloseTo(Math.hypot(50, 50) / 2, 2);
    expect(Array.from(free).filter((x) => x === Infinity)).toHaveLength(1);
  });

  it('follows the real profiles file: the elderly are slower and wait; step-free never climbs', () => {
    const n = network();
    const byId = new Map(loadWalkingProfiles().map((p) => [p.id, p]));
    const standard = edgeCostsSec(n.g, byId.get('standard')!), elderly = edgeCostsSec(n.g, byId.get('elderly')!);
    const stepFree = edgeCostsSec(n.g, byId.get('step_free')!);
    expect(elderly[n.side] - standard[n.side]).toBeGreaterThan(100 / 0.8 - 100 / 1.1);
    expect(stepFree[n.steps]).toBe(Infinity);
    expect(elderly[n.steps]).toBeGreaterThan(standard[n.steps]);
  });
});

describe('edge costs with corrections', () => {
  const crossing = (n: ReturnType<typeof network>, kind: CrossingKind, ids = [7, 7]) => new Map([
    [n.j300, { id: ids[0], kind, waitSec: 30 }], [n.j320, { id: ids[1], kind, waitSec: 30 }],
  ]);

  it('a signalised crossing costs its mean wait, paid half on each side, and nothing inside the junction', () => {
    const n = network();
    const c = edgeCostsSec(withOverlay(n.g, { crossings: crossing(n, 'signalised') }), P);
    expect(c[n.toMedian]).toBeCloseTo(50 + 15, 6);
    expect(c[n.median]).toBeCloseTo(10, 6);
    expect(c[n.fromMedian]).toBeCloseTo(40 + 15, 6);
    expect(c[n.side]).toBeCloseTo(70, 6); // the other junction keeps the general rule
  });

  it('a zebra costs half the general figure; no crossing at all closes the side streets there', () => {
    const n = network();
    const zebra = edgeCostsSec(withOverlay(n.g, { crossings: crossing(n, 'zebra') }), P);
    expect(zebra[n.toMedian]).toBeCloseTo(50 + 10, 6);
    expect(zebra[n.median]).toBeCloseTo(10, 6);
    const none = edgeCostsSec(withOverlay(n.g, { crossings: crossing(n, 'none') }), P);
    expect([none[n.toMedian], none[n.median], none[n.fromMedian]]).toEqual([Infinity, Infinity, Infinity]);
    expect(none[n.quiet]).toBeCloseTo(50, 6);
  });

  it('two different corrected crossings on the median\'s ends are each paid', () => {
    const n = network();
    const c = edgeCostsSec(withOverlay(n.g, {
      crossings: new Map([[n.j300, { id: 7, kind: 'signalised' as const, waitSec: 30 }], [n.j320, { id: 8, kind: 'zebra' as const, waitSec: 0 }]]),
    }), P);
    expect(c[n.median]).toBeCloseTo(10 + 15 + 10, 6);
  });

  it('a closure in force makes its edges unusable; a step-free-only one only for step-free walkers', () => {
    const n = network();
    const g = withOverlay(n.g, {
      closures: [
        { id: 1, stepFreeOnly: false, validFrom: '2026-01-01', validTo: '2026-01-31' },
        { id: 2, stepFreeOnly: true, validFrom: null, validTo: null },
      ],
      edgeClosures: new Map([[n.quiet, [0]], [n.south, [1]]]),
    });
    const during = edgeCostsSec(g, P, time('2026-01-31T10:00'));
    expect(during[n.quiet]).toBe(Infinity);
    expect(during[n.south]).toBeCloseTo(70, 6);
    expect(edgeCostsSec(g, P, time('2026-02-01T10:00'))[n.quiet]).toBeCloseTo(50, 6);
    expect(edgeCostsSec(g, P, time('2025-12-31T23:59'))[n.quiet]).toBeCloseTo(50, 6);
    const stepFree = edgeCostsSec(g, STEP_FREE, time('2026-02-01T10:00'));
    expect(stepFree[n.south]).toBe(Infinity);
    expect(stepFree[n.quiet]).toBeCloseTo(50, 6);
  });

  it('without a time, a closure counts by today\'s date', () => {
    const n = network();
    const g = withOverlay(n.g, {
      closures: [{ id: 1, stepFreeOnly: false, validFrom: null, validTo: '2000-01-01' }, { id: 2, stepFreeOnly: false, validFrom: '2000-01-01', validTo: null }],
      edgeClosures: new Map([[n.quiet, [0]], [n.south, [1, 0]]]),
    });
    const c = edgeCostsSec(g, P);
    expect(c[n.quiet]).toBeCloseTo(50, 6);
    expect(c[n.south]).toBe(Infinity);
  });

  it('a gate shut at the time, or one a wheelchair cannot pass, makes its edge unusable', () => {
    const n = network();
    const edgeGate = new Int32Array(n.g.edgeCount).fill(-1);
    edgeGate[n.major2] = 0;
    edgeGate[n.fromMedian] = 1;
    const g = withOverlay(n.g, {
      edgeGate,
      gates: [{ id: 1, openingHours: 'Mo-Su 07:00-19:00', stepFree: true }, { id: 2, openingHours: null, stepFree: false }],
    });
    expect(edgeCostsSec(g, P, time('2026-03-02T10:00'))[n.major2]).toBeCloseTo(50, 6);
    expect(edgeCostsSec(g, P, time('2026-03-02T21:00'))[n.major2]).toBe(Infinity);
    expect(edgeCostsSec(g, P)[n.major2]).toBeCloseTo(50, 6); // no time: gates open
    expect(edgeCostsSec(g, P, time('2026-03-02T21:00'))[n.fromMedian]).toBeCloseTo(60, 6);
    const stepFree = edgeCostsSec(g, STEP_FREE, time('2026-03-02T10:00'));
    expect(stepFree[n.fromMedian]).toBe(Infinity);
    expect(stepFree[n.major2]).toBeCloseTo(50, 6);
  });
});

describe('a crossing of a secondary road (issue 12: 友谊北路 at 津港路)', () => {
  //   a secondary dual carriageway along x = 0 and x = 20 (y −200…200); a footway from (−100,0) across both
  //   carriageways to (120,0); a residential street leaving the west carriageway at (0,−100); a secondary
  //   street meeting it at (0,100) (secondary × secondary); a primary crossing both at y = 200.
  function secondary() {
    const ways = [
      way('secondary', [[0, -200], [0, -100], [0, 0], [0, 100], [0, 200]]),
      way('secondary', [[20, -200], [20, 0], [20, 200]]),
      way('footway', [[-100, 0], [0, 0], [20, 0], [120, 0]]),
      way('residential', [[-100, -100], [0, -100]]),
      way('secondary', [[-100, 100], [0, 100]]),
      way('primary', [[-100, 200], [0, 200], [20, 200], [120, 200]]),
    ];
    const g = buildWalkingGraph(ways);
    const e = (a: [number, number], b: [number, number]) => edgeBetween(g, nodeAt(g, ...a), nodeAt(g, ...b));
    return {
      ways, g,
      west: e([-100, 0], [0, 0]), across: e([0, 0], [20, 0]), east: e([20, 0], [120, 0]),
      along: e([0, -100], [0, 0]), alongEast: e([20, -200], [20, 0]), residential: e([-100, -100], [0, -100]),
      jw: nodeAt(g, 0, 0), je: nodeAt(g, 20, 0),
    };
  }

  it('marks a secondary road meeting a lower at-grade way, not two secondaries, not a major junction', () => {
    const n = secondary();
    const flagged = (x: number, y: number) => n.g.nodeFlags[nodeAt(n.g, x, y)] & (NODE_MAJOR_JUNCTION | NODE_SECONDARY_JUNCTION);
    expect(flagged(0, 0)).toBe(NODE_SECONDARY_JUNCTION);
    expect(flagged(20, 0)).toBe(NODE_SECONDARY_JUNCTION);
    expect(flagged(0, -100)).toBe(NODE_SECONDARY_JUNCTION);
    expect(flagged(0, 100)).toBe(0); // secondary × secondary
    expect(flagged(0, 200)).toBe(NODE_MAJOR_JUNCTION); // the primary: the general rule's junction
    expect(n.g.report.secondaryJunctions).toBe(3);
  });

  it('the general rule crosses a secondary road for free; a signal costs its wait, half on each side, nothing inside', () => {
    const n = secondary();
    const free = edgeCostsSec(n.g, P);
    expect([free[n.west], free[n.across], free[n.east]]).toEqual([50, 10, 50].map((x) => expect.closeTo(x, 2))); // east–west: within 1 cm
    const crossings = new Map([[n.jw, { id: 9, kind: 'signalised' as const, waitSec: 60 }], [n.je, { id: 9, kind: 'signalised' as const, waitSec: 60 }]]);
    const c = edgeCostsSec(withOverlay(n.g, { crossings }), P);
    expect(c[n.west]).toBeCloseTo(50 + 30, 2);
    expect(c[n.across]).toBeCloseTo(10, 2);
    expect(c[n.east]).toBeCloseTo(50 + 30, 2);
    // The secondary road itself is walked along without a wait; another secondary junction keeps the free rule.
    expect(c[n.along]).toBeCloseTo(50, 6);
    expect(c[n.alongEast]).toBeCloseTo(100, 6);
    expect(c[n.residential]).toBeCloseTo(50, 2);
    const none = edgeCostsSec(withOverlay(n.g, { crossings: new Map([...crossings].map(([v, x]) => [v, { ...x, kind: 'none' as const }])) }), P);
    expect([none[n.west], none[n.across], none[n.east]]).toEqual([Infinity, Infinity, Infinity]);
    expect(none[n.along]).toBeCloseTo(50, 6);
  });

  it('an office\'s crossing stands at a secondary junction; an extract\'s crossing tag only at a major one', () => {
    const n = secondary();
    const [lon, lat] = at(10, 0);
    expect(nearestCrossingJunctionM(n.g, lon, lat)).toBeCloseTo(10, 3);
    expect(nearestCrossingJunctionM(n.g, ...at(-60, 50))).toBeNull(); // nearest junction 64 m away
    const office = buildCorrectedGraph(n.ways, [{ id: 3, kind: 'crossing', lon, lat, crossing: 'signalised', wait_s: 60 }]);
    expect([...office.overlay!.crossings.keys()].sort()).toEqual([nodeAt(office, 0, 0), nodeAt(office, 20, 0)].sort());
    const tagged = buildCorrectedGraph(n.ways, [{ id: -3, kind: 'crossing', lon, lat, crossing: 'signalised', wait_s: 30, junctions: 'major' }]);
    expect(tagged.overlay!.unplaced).toEqual([-3]);
    expect(edgeCostsSec(tagged, P)[edgeBetween(tagged, nodeAt(tagged, -100, 0), nodeAt(tagged, 0, 0))]).toBeCloseTo(50, 2);
  });
});

describe('cost cache and keys', () => {
  it('gives the same array for the same profile and state, and another for another state', () => {
    const n = network();
    const edgeGate = new Int32Array(n.g.edgeCount).fill(-1);
    edgeGate[n.major2] = 0;
    const g = withOverlay(n.g, { edgeGate, gates: [{ id: 1, openingHours: 'Mo-Su 07:00-19:00', stepFree: true }] });
    const morning = edgeCostsSec(g, P, time('2026-03-02T10:00'));
    expect(edgeCostsSec(g, P, time('2026-03-02T11:00'))).toBe(morning);
    expect(edgeCostsSec(g, P, time('2026-03-02T21:00'))).not.toBe(morning);
    expect(costStateKey(g, P, time('2026-03-02T10:00'))).toBe(costStateKey(g, P, time('2026-03-02T11:00')));
    expect(costStateKey(g, P, time('2026-03-02T10:00'))).not.toBe(costStateKey(g, P, time('2026-03-02T21:00')));
    expect(costStateKey(g, P, time('2026-03-02T10:00'))).not.toBe(costStateKey(g, STEP_FREE, time('2026-03-02T10:00')));
    expect(costStateKey(g, P, time('2026-03-02T10:00'))).toBe(`${JSON.stringify(P)}#0|`);
    expect(costStateKey(n.g, P)).toBe(`${JSON.stringify(P)}#`);
  });

  it('keeps at most 65 cost arrays per graph, then starts afresh', () => {
    const n = network();
    const first = edgeCostsSec(n.g, P);
    const others = Array.from({ length: 65 }, (_, i) => profile({ speed_mps: 1 + i / 100 }));
    others.slice(0, 64).forEach((p) => edgeCostsSec(n.g, p));
    expect(edgeCostsSec(n.g, P)).toBe(first); // 65 kept
    edgeCostsSec(n.g, others[64]);
    const again = edgeCostsSec(n.g, P);
    expect(again).not.toBe(first);
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it('keys profiles by the classes they exclude, in any order', () => {
    expect(exclusionKey(profile({ excluded_highways: ['steps', 'footway'] }))).toBe('footway,steps');
    expect(exclusionKey(profile({ excluded_highways: ['footway', 'steps'] }))).toBe('footway,steps');
    expect(exclusionKey(profile())).toBe('');
    expect(isStepFree(STEP_FREE)).toBe(true);
    expect(isStepFree(P)).toBe(false);
  });
});
