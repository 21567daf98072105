// The graph builder (server/network/walkingGraph.ts) on hand-built ways: which vertices join (level rules),
// which ways are left out, edge and node flags, the CSR adjacency, components, the report, and the
// kerb-gap connectors that tie islands to the street.
import { describe, it, expect } from 'vitest';
import {
  buildWalkingGraph, buildWalkingGraphAsync, EDGE_STEPS, EDGE_MAJOR_ROAD, EDGE_AT_GRADE, NODE_GROUND, NODE_MAJOR_JUNCTION,
  type WalkingGraph,
} from '../../../server/network/walkingGraph.ts';
import { haversineM } from '../../../server/geo.ts';
import { way, at, nodeAt, edgeBetween, neighbours, PLANE } from './handNetwork.ts';

const BRIDGE = { layer: 1, bridge: true };

/** Nodes at (x, y) (several when levels do not join there). */
function nodesAt(g: WalkingGraph, x: number, y: number): number[] {
  const [lon, lat] = at(x, y);
  const out: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (Math.abs(g.nodeLon[v] - lon) < 1e-7 && Math.abs(g.nodeLat[v] - lat) < 1e-7) out.push(v);
  return out;
}

describe('walking graph: joining vertices', () => {
  it('joins every crossing of a street grid (interior vertices on the ground) and keeps every coordinate apart', () => {
    const ways = [];
    for (let i = 0; i <= 10; i++) {
      ways.push(way('residential', Array.from({ length: 11 }, (_, j) => [i * 50, j * 50] as [number, number])));
      ways.push(way('residential', Array.from({ length: 11 }, (_, j) => [j * 50, i * 50] as [number, number])));
    }
    const g = buildWalkingGraph(ways);
    expect(g.nodeCount).toBe(121);
    expect(g.edgeCount).toBe(2 * 11 * 10);
    expect(g.report.components).toBe(1);
    // A crossing in the middle has four neighbours, a corner two.
    expect(neighbours(g, nodeAt(g, 250, 250))).toEqual([nodeAt(g, 250, 200), nodeAt(g, 200, 250), nodeAt(g, 300, 250), nodeAt(g, 250, 300)].sort((a, b) => a - b));
    expect(neighbours(g, nodeAt(g, 0, 0))).toHaveLength(2);
  });

  it('lets a bridge pass over a street without touching it, while the bridge\'s stairs land on it', () => {
    const g = buildWalkingGraph([
      way('primary', [[0, 0], [100, 0], [200, 0]]),
      way('footway', [[100, -50], [100, 0], [100, 50]], BRIDGE), // crosses at an interior vertex
      way('steps', [[100, 50], [150, 50]], BRIDGE),
      way('steps', [[150, 50], [200, 0]]), // its last vertex is the street's end: joins
    ]);
    expect(nodesAt(g, 100, 0)).toHaveLength(2);
    expect(g.report.components).toBe(1);
    expect(nodesAt(g, 200, 0)).toHaveLength(1);
    expect(nodesAt(g, 150, 50)).toHaveLength(1); // endpoints join whatever their level
  });

  it('joins, at one interior coordinate, the ways of each level among themselves', () => {
    const g = buildWalkingGraph([
      way('residential', [[0, 0], [100, 0], [200, 0]]),
      way('footway', [[100, -100], [100, 0], [100, 100]], BRIDGE),
      way('footway', [[50, -50], [100, 0], [150, 50]], BRIDGE),
      way('footway', [[50, 50], [100, 0], [150, -50]], { layer: -1, tunnel: true }),
      way('footway', [[60, 60], [100, 0], [140, -60]], { layer: -1, tunnel: true }),
    ]);
    const there = nodesAt(g, 100, 0);
    expect(there).toHaveLength(3);
    expect(there.map((v) => neighbours(g, v).length).sort()).toEqual([2, 4, 4]);
    expect(g.report.components).toBe(3);
    // Only the street's node is on the ground.
    const ground = there.filter((v) => g.nodeFlags[v] & NODE_GROUND);
    expect(ground).toHaveLength(1);
    expect(neighbours(g, ground[0])).toEqual([nodeAt(g, 0, 0), nodeAt(g, 200, 0)].sort((a, b) => a - b));
  });

  it('drops a repeated vertex instead of making a zero-length edge, and counts segments in the way', () => {
    const g = buildWalkingGraph([way('footway', [[0, 0], [0, 0], [0, 100], [0, 200]])]);
    expect(g.nodeCount).toBe(3);
    expect(g.edgeCount).toBe(2);
    expect(Array.from(g.edgeSegment)).toEqual([1, 2]);
    expect(g.edgeFrom[0]).toBe(nodeAt(g, 0, 0));
    expect(g.edgeTo[0]).toBe(nodeAt(g, 0, 100));
    expect(g.edgeLengthM[0]).toBeCloseTo(100, 6);
    expect(Array.from(g.adjOffsets)).toEqual([0, 1, 3, 4]);
    expect(neighbours(g, nodeAt(g, 0, 100))).toEqual([nodeAt(g, 0, 0), nodeAt(g, 0, 200)].sort((a, b) => a - b));
  });

  it('joins a way\'s last vertex to whatever lies there, an interior vertex of another level included', () => {
    const g = buildWalkingGraph([
      way('primary', [[0, 0], [100, 0], [200, 0]]),
      way('footway', [[100, 50], [100, 0]], BRIDGE), // a ramp coming down onto the road
    ]);
    expect(nodesAt(g, 100, 0)).toHaveLength(1);
    expect(g.report.components).toBe(1);
  });
});

describe('walking graph: ways, flags and the report', () => {
  const input = [
    way('primary', [[0, 0], [100, 0], [200, 0]], { name: '友谊路' }),
    way('footway', [[100, 0], [100, 100]]),
    way('steps', [[200, 0], [200, 30]]),
    way('footway', [[0, 0], [0, 100]], BRIDGE),
    way('primary', [[200, 0], [300, 0]]),
    way('motorway', [[0, 0], [0, -100]]),
    way('trunk', [[300, 0], [400, 0]], BRIDGE),
    way('footway', [[300, 0]]),
    way('footway', [[300, 50], [300, 0]], { foot: 'no' }),
  ];

  it('leaves out what a pedestrian cannot use, and ways of fewer than two vertices', () => {
    const g = buildWalkingGraph(input);
    expect(g.report.waysIn).toBe(9);
    expect(g.report.waysWalkable).toBe(5);
    expect(g.ways.map((w) => w.id)).toEqual(input.slice(0, 5).map((w) => w.id));
    expect(g.ways[0]).toEqual({ id: input[0].id, highway: 'primary', name: '友谊路' });
    expect(nodesAt(g, 0, -100)).toEqual([]);
    expect(nodesAt(g, 400, 0)).toEqual([]);
    expect(nodesAt(g, 300, 50)).toEqual([]);
  });

  it('flags steps, major roads and at-grade edges, and classes every edge', () => {
    const g = buildWalkingGraph(input);
    const flagsOf = (a: [number, number], b: [number, number]) => g.edgeFlags[edgeBetween(g, nodeAt(g, ...a), nodeAt(g, ...b))];
    const classOf = (a: [number, number], b: [number, number]) => g.highwayClasses[g.edgeClass[edgeBetween(g, nodeAt(g, ...a), nodeAt(g, ...b))]];
    expect(flagsOf([0, 0], [100, 0])).toBe(EDGE_MAJOR_ROAD | EDGE_AT_GRADE);
    expect(flagsOf([100, 0], [100, 100])).toBe(EDGE_AT_GRADE);
    expect(flagsOf([200, 0], [200, 30])).toBe(EDGE_STEPS);
    expect(flagsOf([0, 0], [0, 100])).toBe(0);
    expect(classOf([0, 0], [100, 0])).toBe('primary');
    expect(classOf([200, 0], [300, 0])).toBe('primary');
    expect(classOf([200, 0], [200, 30])).toBe('steps');
    expect(classOf([0, 0], [0, 100])).toBe('footway');
    expect(g.highwayClasses).toEqual(['primary', 'footway', 'steps']);
    expect(g.edgeWay[edgeBetween(g, nodeAt(g, 200, 0), nodeAt(g, 300, 0))]).toBe(4);
  });

  it('marks a junction where a major road meets an at-grade minor way, and nowhere else', () => {
    const g = buildWalkingGraph(input);
    const junctions = [];
    for (let v = 0; v < g.nodeCount; v++) if (g.nodeFlags[v] & NODE_MAJOR_JUNCTION) junctions.push(v);
    // (100,0): a footway on the ground. Not (0,0): only a bridge there; not (200,0): steps and primary only.
    expect(junctions).toEqual([nodeAt(g, 100, 0)]);
    expect(g.report.majorJunctions).toBe(1);
    expect(g.nodeFlags[nodeAt(g, 0, 100)] & NODE_GROUND).toBe(0);
    expect(g.nodeFlags[nodeAt(g, 0, 0)] & NODE_GROUND).toBe(NODE_GROUND);
    expect(g.nodeFlags[nodeAt(g, 200, 30)] & NODE_GROUND).toBe(NODE_GROUND);
  });

  it('reports lengths, counts and components', () => {
    const g = buildWalkingGraph(input);
    let total = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      const a = g.edgeFrom[e], b = g.edgeTo[e];
      expect(g.edgeLengthM[e]).toBe(haversineM(g.nodeLon[a], g.nodeLat[a], g.nodeLon[b], g.nodeLat[b]));
      total += g.edgeLengthM[e];
    }
    expect(g.edgeCount).toBe(6);
    expect(g.nodeCount).toBe(7);
    expect(g.report).toMatchObject({
      nodes: 7, edges: 6, stepsEdges: 1, components: 1, largestComponents: [7], largestComponentShare: 1, kerbConnectors: 0,
      totalLengthKm: Math.round(total) / 1000,
    });
    expect(total).toBeCloseTo(530, 2);
  });

  it('places the plane at the centre of the network\'s box and gives every node its metres on it', () => {
    const g = buildWalkingGraph(input);
    const [lonW, latS] = at(0, 0), [lonE, latN] = at(300, 100);
    expect(g.plane.lon0).toBeCloseTo((lonW + lonE) / 2, 12);
    expect(g.plane.lat0).toBeCloseTo((latS + latN) / 2, 12);
    const v = nodeAt(g, 300, 0);
    expect(g.nodeX[v]).toBeCloseTo(150, 2);
    expect(g.nodeY[v]).toBeCloseTo(-50, 2);
    // Whatever order the vertices come in.
    const h = buildWalkingGraph([way('footway', [[0, 400], [-100, 0], [300, 100], [100, 200]])]);
    const [w, s] = at(-100, 0), [e, n] = at(300, 400);
    expect(h.plane.lon0).toBeCloseTo((w + e) / 2, 12);
    expect(h.plane.lat0).toBeCloseTo((s + n) / 2, 12);
  });

  it('lists each edge once at each end in the adjacency', () => {
    const g = buildWalkingGraph(input);
    expect(g.adjOffsets[g.nodeCount]).toBe(2 * g.edgeCount);
    for (let v = 0; v < g.nodeCount; v++) {
      for (let i = g.adjOffsets[v]; i < g.adjOffsets[v + 1]; i++) {
        const e = g.adjEdge[i];
        expect([g.edgeFrom[e], g.edgeTo[e]].sort()).toEqual([v, g.adjNode[i]].sort());
      }
    }
    expect(neighbours(g, nodeAt(g, 200, 0))).toEqual([nodeAt(g, 100, 0), nodeAt(g, 200, 30), nodeAt(g, 300, 0)].sort((a, b) => a - b));
  });

  it('builds the same graph when it yields to the event loop', async () => {
    const g = buildWalkingGraph(input);
    const h = await buildWalkingGraphAsync(input);
    expect(Array.from(h.edgeFrom)).toEqual(Array.from(g.edgeFrom));
    expect(Array.from(h.edgeLengthM)).toEqual(Array.from(g.edgeLengthM));
    expect(h.report).toEqual(g.report);
  });

  it('builds an empty graph from nothing walkable', () => {
    const g = buildWalkingGraph(input);
    const e = buildWalkingGraph([way('motorway', [[0, 0], [100, 0]])]);
    expect(e.nodeCount).toBe(0);
    expect(e.report).toMatchObject({ waysIn: 1, waysWalkable: 0, nodes: 0, edges: 0, components: 0, largestComponentShare: 0 });
    expect([e.plane.lon0, e.plane.lat0]).toEqual([0, 0]);
    expect(e.highwayClasses).toEqual([]);
  });
});

describe('walking graph: components', () => {
  it('numbers components largest first', () => {
    const g = buildWalkingGraph([
      way('footway', [[0, 0], [0, 100]]),
      way('footway', [[500, 0], [500, 100], [500, 200], [500, 300]]),
      way('footway', [[1000, 0], [1000, 100], [1000, 200]]),
    ], { kerbGapM: 0 });
    expect(Array.from(g.componentSizes)).toEqual([4, 3, 2]);
    expect(g.nodeComponent[nodeAt(g, 500, 200)]).toBe(0);
    expect(g.nodeComponent[nodeAt(g, 1000, 0)]).toBe(1);
    expect(g.nodeComponent[nodeAt(g, 0, 100)]).toBe(2);
    expect(g.report.largestComponents).toEqual([4, 3, 2]);
    expect(g.report.largestComponentShare).toBeCloseTo(4 / 9, 12);
  });
});

describe('walking graph: kerb-gap connectors', () => {
  // The street: (0,0) to (400,0), nodes every 100 m. Islands end short of it.
  const street = () => way('residential', [[0, 0], [100, 0], [200, 0], [300, 0], [400, 0]]);

  it('joins an island\'s dead end to the nearest point of the street, inserting a vertex there', () => {
    const g = buildWalkingGraph([street(), way('footway', [[150, 90], [150, 15]])]);
    expect(g.report.kerbConnectors).toBe(1);
    expect(g.report.components).toBe(1);
    const landing = nodeAt(g, 150, 0);
    const end = nodeAt(g, 150, 15);
    const c = edgeBetween(g, end, landing);
    expect(g.highwayClasses[g.edgeClass[c]]).toBe('connector');
    expect(g.edgeFlags[c]).toBe(0);
    expect(g.edgeLengthM[c]).toBeCloseTo(15, 2);
    expect(neighbours(g, landing)).toEqual([nodeAt(g, 100, 0), end, nodeAt(g, 200, 0)].sort((a, b) => a - b));
    expect(g.edgeSegment[edgeBetween(g, landing, nodeAt(g, 200, 0))]).toBe(2); // the street's vertices count on after the insert
    expect(g.ways.at(-1)).toEqual({ id: -1, highway: 'connector', name: null });
  });

  it('inserts several landings on one street in order along it, and lands on a vertex when that is nearest', () => {
    const g = buildWalkingGraph([
      street(),
      way('footway', [[260, 80], [260, 10]]),
      way('footway', [[230, 80], [230, -12]]),
      way('footway', [[110, 80], [110, 10]]),
      way('footway', [[-10, 80], [-10, 5]]), // before the street's first vertex: lands on it
      way('footway', [[410, 80], [410, 5]]), // past its last
    ]);
    expect(g.report.kerbConnectors).toBe(5);
    expect(g.report.components).toBe(1);
    const order: [number, number][] = [[0, 0], [100, 0], [110, 0], [200, 0], [230, 0], [260, 0], [300, 0], [400, 0]];
    for (let i = 0; i + 1 < order.length; i++) edgeBetween(g, nodeAt(g, ...order[i]), nodeAt(g, ...order[i + 1]));
    expect(neighbours(g, nodeAt(g, 0, 0))).toEqual([nodeAt(g, 100, 0), nodeAt(g, -10, 5)].sort((a, b) => a - b));
    expect(neighbours(g, nodeAt(g, 400, 0))).toEqual([nodeAt(g, 300, 0), nodeAt(g, 410, 5)].sort((a, b) => a - b));
    expect(g.report.waysWalkable).toBe(6 + 5);
  });

  it('leaves alone what the rule does not cover', () => {
    const g = buildWalkingGraph([
      street(),
      way('footway', [[100, 90], [100, 21]]), // 21 m: beyond the gap
      way('footway', [[200, 90], [200, 10]], BRIDGE), // not on the ground
      way('footway', [[300, -100], [300, -60], [320, -60], [310, -70]]), // its own edge is 10 m from its end
      way('footway', [[120, -40], [150, -10], [180, -40]]), // only its middle vertex is near
      way('footway', [[0, 10], [0, 80]]), // the street's end (0,0) is not joined to this island from the street …
    ]);
    expect(g.report.kerbConnectors).toBe(1); // … but this island's end (0,10) lands on the street's first vertex
    expect(g.report.components).toBe(5);
    edgeBetween(g, nodeAt(g, 0, 10), nodeAt(g, 0, 0));
    const wider = buildWalkingGraph([street(), way('footway', [[100, 90], [100, 21]])], { kerbGapM: 25 });
    expect(wider.report).toMatchObject({ kerbConnectors: 1, components: 1 });
    const off = buildWalkingGraph([street(), way('footway', [[150, 90], [150, 15]])], { kerbGapM: 0 });
    expect(off.report).toMatchObject({ kerbConnectors: 0, components: 2 });
    // 0 is off even for an island that ends right on a street, between its vertices.
    const onIt = buildWalkingGraph([way('residential', [[0, 0], [0, 300]]), way('footway', [[80, 150], [0, 150]])], { kerbGapM: 0 });
    expect(onIt.report).toMatchObject({ kerbConnectors: 0, components: 2 });
    // A footbridge of the main network passing 10 m from an island's end is not a kerb.
    const overhead = buildWalkingGraph([
      street(), way('footway', [[400, 0], [400, 100], [250, 100]], BRIDGE), way('footway', [[250, 200], [250, 110]]),
    ]);
    expect(overhead.report).toMatchObject({ kerbConnectors: 0, components: 2 });
  });

  it('lands on the nearest of several streets, at the right place along a street running north', () => {
    const g = buildWalkingGraph([
      way('residential', [[0, 0], [0, 400]]), // one long edge
      way('residential', [[0, 400], [300, 400], [300, 0], [0, 0]]),
      way('footway', [[90, 200], [15, 200]]), // 15 m from (0,200)
      way('footway', [[200, 300], [285, 300]]), // 15 m from (300,300)
      way('footway', [[150, 150], [150, 385]]), // 15 m from (150,400)
    ]);
    expect(g.report.kerbConnectors).toBe(3);
    edgeBetween(g, nodeAt(g, 15, 200), nodeAt(g, 0, 200));
    edgeBetween(g, nodeAt(g, 0, 0), nodeAt(g, 0, 200));
    edgeBetween(g, nodeAt(g, 285, 300), nodeAt(g, 300, 300));
    edgeBetween(g, nodeAt(g, 150, 385), nodeAt(g, 150, 400));
    // Two streets 35 m apart, an island end between them: the nearer one.
    const between = buildWalkingGraph([
      way('residential', [[0, 0], [400, 0], [400, 35], [0, 35], [0, 0]]),
      way('footway', [[150, -60], [150, -80]]), // a 2-node island to keep the loop the largest
      way('footway', [[200, 100], [200, 50], [150, 15]]),
      way('footway', [[250, 100], [300, 60], [250, 20]]),
    ]);
    expect(between.report.kerbConnectors).toBe(2);
    edgeBetween(between, nodeAt(between, 150, 15), nodeAt(between, 150, 0));
    edgeBetween(between, nodeAt(between, 250, 20), nodeAt(between, 250, 35));
  });

  it('joins an island to another island, but never from the largest component', () => {
    const g = buildWalkingGraph([
      street(),
      way('footway', [[1000, 0], [1000, 100], [1000, 200]]), // island A (3 nodes)
      way('footway', [[1010, 100], [1100, 100]]), // island B, ends 10 m from A
      way('residential', [[0, 15], [-300, 15]]), // a second, bigger street whose end lies 15 m from the first's
      way('residential', [[-300, 15], [-300, 300], [-200, 300], [-100, 300], [0, 300], [0, 200]]),
    ]);
    expect(g.report.kerbConnectors).toBe(2);
    edgeBetween(g, nodeAt(g, 1010, 100), nodeAt(g, 1000, 100));
    edgeBetween(g, nodeAt(g, 0, 15), nodeAt(g, 0, 0));
    expect(g.report.components).toBe(2);
    expect(Array.from(g.componentSizes)).toEqual([12, 5]);
  });
});
