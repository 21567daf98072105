// The Dijkstra core (server/network/travelTimes.ts) on a five-node hand-built network with chosen edge
// costs: exact seconds, metres, labels, the order nodes settle in, the time limit and its resumption,
// and where an arrival on an edge comes from.
//
//   E (0,400)
//   |  CE: cannot be used (Infinity)
//   C (0,300) ---- DC: 5 s
//   |  BC: 24 s      \
//   B (0,100) ---- D (100,100)   BD: 7 s
//   |  AB: 10 s
//   A (0,0)
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph } from '../../../server/network/walkingGraph.ts';
import { TravelTimeSearch, seedsOf, arrivalAt, type Seed } from '../../../server/network/travelTimes.ts';
import type { SnappedLocation } from '../../../server/network/snapping.ts';
import { way, nodeAt, edgeBetween } from './handNetwork.ts';

function network() {
  const g = buildWalkingGraph([
    way('footway', [[0, 0], [0, 100], [0, 300], [0, 400]]),
    way('footway', [[0, 100], [100, 100], [0, 300]]),
  ]);
  const A = nodeAt(g, 0, 0), B = nodeAt(g, 0, 100), C = nodeAt(g, 0, 300), D = nodeAt(g, 100, 100), E = nodeAt(g, 0, 400);
  const AB = edgeBetween(g, A, B), BC = edgeBetween(g, B, C), CE = edgeBetween(g, C, E), BD = edgeBetween(g, B, D), DC = edgeBetween(g, D, C);
  const costs = new Float64Array(g.edgeCount);
  costs[AB] = 10; costs[BC] = 24; costs[CE] = Infinity; costs[BD] = 7; costs[DC] = 5;
  return { g, costs, A, B, C, D, E, AB, BC, CE, BD, DC };
}

const seed = (node: number, timeSec = 0, label = 0, metres = 0): Seed => ({ node, timeSec, metres, label });

/** A place on edge `edge`, `t` of the way from its edgeFrom, `snapDistM` off the street. */
function place(edge: number, t: number, snapDistM: number): SnappedLocation {
  return { ok: true, lon: 0, lat: 0, edge, t, snapLon: 0, snapLat: 0, snapDistM };
}

describe('travel-time search on a hand-built network', () => {
  it('settles every node at its least time, in order, through the cheaper detour', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A, 0, 7)]).runAll();
    expect([n.A, n.B, n.D, n.C].map((v) => s.timeTo(v))).toEqual([0, 10, 17, 22]);
    expect(Array.from(s.settledOrder.subarray(0, s.settledCount))).toEqual([n.A, n.B, n.D, n.C]);
    expect(s.settledCount).toBe(4);
    // C is reached over B–D–C (22 s), not straight up B–C (34 s); metres follow the path taken.
    expect(s.prevEdge[n.C]).toBe(n.DC);
    expect(s.prevEdge[n.D]).toBe(n.BD);
    expect(s.prevEdge[n.B]).toBe(n.AB);
    expect(s.prevEdge[n.A]).toBe(-1);
    expect(s.metres[n.B]).toBeCloseTo(100, 6);
    expect(s.metres[n.C]).toBeCloseTo(n.g.edgeLengthM[n.AB] + n.g.edgeLengthM[n.BD] + n.g.edgeLengthM[n.DC], 6);
    expect([n.A, n.B, n.C, n.D].map((v) => s.label[v])).toEqual([7, 7, 7, 7]);
    expect(s.edgeCosts).toBe(n.costs);
  });

  it('never crosses an edge that cannot be used, even when run to no limit', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runAll();
    expect(s.isSettled(n.E)).toBe(false);
    expect(s.timeTo(n.E)).toBe(Infinity);
    expect(s.exhausted).toBe(true);
  });

  it('stops at the limit (a node at exactly the limit is settled) and resumes to a larger one', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runTo(10);
    expect(s.settledCount).toBe(2);
    expect(s.timeTo(n.B)).toBe(10);
    expect(s.isSettled(n.D)).toBe(false);
    expect(s.timeTo(n.D)).toBe(Infinity);
    expect(s.limitSec).toBe(10);
    expect(s.exhausted).toBe(false);
    s.runTo(5); // a smaller limit settles nothing and keeps the larger one
    expect(s.limitSec).toBe(10);
    expect(s.settledCount).toBe(2);
    s.runTo(20);
    expect(s.limitSec).toBe(20);
    expect(s.timeTo(n.D)).toBe(17);
    expect(s.isSettled(n.C)).toBe(false);
    s.runTo(22);
    expect(s.timeTo(n.C)).toBe(22);
    expect(s.exhausted).toBe(false); // C's first, stale entry (34 s, straight up B–C) is still queued
    s.runAll();
    expect(s.exhausted).toBe(true);
    expect(s.settledCount).toBe(4);
  });

  it('labels each node with the seed that reaches it first', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A, 0, 1), seed(n.C, 0, 2)]).runAll();
    expect(s.label[n.B]).toBe(1); // 10 s from A, 12 s from C
    expect(s.label[n.D]).toBe(2); // 17 s from A, 5 s from C
    expect(s.timeTo(n.B)).toBe(10);
    expect(s.timeTo(n.D)).toBe(5);
  });

  it('keeps the earlier of two seeds on one node, in either order, and skips unreachable seeds', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g);
    for (const seeds of [[seed(n.A, 5, 1, 50), seed(n.A, 3, 2, 30)], [seed(n.A, 3, 2, 30), seed(n.A, 5, 1, 50)]]) {
      s.start(n.costs, seeds).runAll();
      expect(s.timeTo(n.A)).toBe(3);
      expect(s.metres[n.A]).toBe(30);
      expect(s.label[n.A]).toBe(2);
      expect(s.timeTo(n.B)).toBe(13);
    }
    s.start(n.costs, [seed(n.E, Infinity, 4), seed(n.B, 1, 5)]).runAll();
    expect(s.isSettled(n.E)).toBe(false);
    expect(s.timeTo(n.A)).toBe(11);
  });

  it('forgets the previous search on start, also when the generation counter wraps', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runAll();
    s.start(n.costs, [seed(n.C)]);
    expect(s.settledCount).toBe(0);
    expect(s.limitSec).toBe(0);
    expect(s.isSettled(n.A)).toBe(false);
    s.runTo(0);
    expect(s.isSettled(n.C)).toBe(true);
    expect(s.isSettled(n.A)).toBe(false);
    // Four billion starts later: the marks of old searches must not read as this one's.
    (s as unknown as { gen: number }).gen = 0xfffffffe;
    s.start(n.costs, [seed(n.C)]).runTo(6);
    expect(s.isSettled(n.C)).toBe(true);
    expect(s.isSettled(n.D)).toBe(true);
    expect(s.isSettled(n.A)).toBe(false);
    expect(s.isSettled(n.B)).toBe(false);
    s.runAll();
    expect(s.timeTo(n.A)).toBe(22);
    s.start(n.costs, [seed(n.B)]).runAll(); // and the search after that one
    expect([n.A, n.B, n.C, n.D].map((v) => s.timeTo(v))).toEqual([10, 0, 12, 7]);
  });

  it('on a tie keeps what came first: the first of two equal seeds, the first of two equal paths', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A, 4, 1, 40), seed(n.A, 4, 2, 50)]).runAll();
    expect([s.label[n.A], s.metres[n.A]]).toEqual([1, 40]);
    // B is 12 s from both seeds: from A (starting at 2 s) up A–B, and from C over D. A settles first.
    s.start(n.costs, [seed(n.C, 0, 2), seed(n.A, 2, 1)]).runAll();
    expect(s.timeTo(n.B)).toBe(12);
    expect(s.label[n.B]).toBe(1);
    expect(s.prevEdge[n.B]).toBe(n.AB);
  });
});

describe('seeds and arrivals on a partial edge', () => {
  it('enters the graph through both ends of the place\'s edge, access leg at the given speed', () => {
    const n = network();
    const len = n.g.edgeLengthM[n.BC];
    expect(n.g.edgeFrom[n.BC]).toBe(n.B);
    const seeds = seedsOf(n.g, n.costs, place(n.BC, 0.25, 4), 2, 9);
    expect(seeds).toHaveLength(2);
    expect(seeds[0]).toEqual({ node: n.B, timeSec: 2 + 0.25 * 24, metres: 4 + 0.25 * len, label: 9 });
    expect(seeds[1]).toEqual({ node: n.C, timeSec: 2 + 0.75 * 24, metres: 4 + 0.75 * len, label: 9 });
  });

  it('arrives through the nearer end, with the time, metres and node of that end', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runAll();
    const len = n.g.edgeLengthM[n.BC];
    const nearB = arrivalAt(s, n.g, n.costs, place(n.BC, 0.25, 4), 2);
    expect(nearB).toEqual({ timeSec: 10 + 6 + 2, metres: s.metres[n.B] + 0.25 * len + 4, via: 'from', node: n.B, start: -1 });
    const nearC = arrivalAt(s, n.g, n.costs, place(n.BC, 0.9, 4), 2);
    expect(nearC.via).toBe('to');
    expect(nearC.node).toBe(n.C);
    expect(nearC.timeSec).toBeCloseTo(22 + 0.1 * 24 + 2, 9);
    expect(nearC.metres).toBeCloseTo(s.metres[n.C] + 0.1 * len + 4, 9);
  });

  it('prefers the edge\'s first end on a tie, and a start on the same edge over both', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runAll();
    const tie = arrivalAt(s, n.g, n.costs, place(n.BC, 0.75, 0), 1); // 10 + 18 = 22 + 6 = 28
    expect(tie).toMatchObject({ timeSec: 28, via: 'from', node: n.B });
    const starts = [{ t: 0.1, snapDistM: 50 }, { t: 0.25, snapDistM: 16 }];
    const direct = arrivalAt(s, n.g, n.costs, place(n.BC, 0.75, 0), 1, starts); // 0.5 × 24 + 16 = 28 too
    expect(direct).toEqual({ timeSec: 28, metres: 0.5 * n.g.edgeLengthM[n.BC] + 16, via: 'direct', node: -1, start: 1 });
    const nearer = arrivalAt(s, n.g, n.costs, place(n.BC, 0.9, 4), 2, [{ t: 0.8, snapDistM: 6 }]);
    expect(nearer.timeSec).toBeCloseTo(0.1 * 24 + 2 + 3, 9);
    expect(nearer.metres).toBeCloseTo(0.1 * n.g.edgeLengthM[n.BC] + 4 + 6, 9);
    expect(nearer.start).toBe(0);
    const firstBest = arrivalAt(s, n.g, n.costs, place(n.BC, 0.9, 4), 2, [{ t: 0.8, snapDistM: 6 }, { t: 0.1, snapDistM: 6 }]);
    expect(firstBest.start).toBe(0);
    expect(firstBest.timeSec).toBeCloseTo(0.1 * 24 + 2 + 3, 9);
  });

  it('does not arrive on an edge that cannot be used, not even through a settled end', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runAll();
    expect(s.isSettled(n.C)).toBe(true);
    expect(arrivalAt(s, n.g, n.costs, place(n.CE, 0.5, 0), 1)).toEqual({ timeSec: Infinity, metres: Infinity, via: 'direct', node: -1, start: -1 });
  });

  it('does not arrive through an end the search has not settled', () => {
    const n = network();
    const s = new TravelTimeSearch(n.g).start(n.costs, [seed(n.A)]).runTo(12); // B settled; D (17) and C (34) only touched
    const onDC = arrivalAt(s, n.g, n.costs, place(n.DC, 0.5, 0), 1);
    expect(onDC).toEqual({ timeSec: Infinity, metres: Infinity, via: 'direct', node: -1, start: -1 });
    s.runTo(18); // D settled at 17; C touched at 22 through D, not settled
    const nearC = arrivalAt(s, n.g, n.costs, place(n.BC, 0.99, 0), 1);
    expect(nearC.via).toBe('from');
    expect(nearC.timeSec).toBeCloseTo(10 + 0.99 * 24, 9);
  });
});
