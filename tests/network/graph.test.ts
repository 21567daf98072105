// The walking graph built from the real Hexi network: connectivity, the joining rules, the kerb gap.
import { describe, it, expect } from 'vitest';
import { buildWalkingGraph, EDGE_STEPS, type WalkingWayInput } from '../../server/network/walkingGraph.ts';
import { loadRoadsGeoJson } from '../../server/network/osmWays.ts';
import { hexiGraph, ROADS_PATH, servedWays } from './hexiNetwork.ts';

const way = (id: number, coordinates: [number, number][], extra: Partial<WalkingWayInput> = {}): WalkingWayInput => ({
  id, highway: 'residential', name: null, layer: 0, bridge: false, tunnel: false, coordinates, ...extra,
});

describe('walking graph on the real Hexi network', () => {
  const g = hexiGraph();

  it('is one network: the largest component holds more than 95% of the nodes', () => {
    expect(g.report.nodes).toBeGreaterThan(6000);
    expect(g.report.largestComponentShare).toBeGreaterThan(0.95);
    expect(g.componentSizes[0]).toBe(g.report.largestComponents[0]);
  });

  it('has consistent CSR adjacency and positive edge lengths', () => {
    expect(g.adjOffsets[g.nodeCount]).toBe(2 * g.edgeCount);
    const bad: number[] = [];
    for (let e = 0; e < g.edgeCount; e++) if (!(g.edgeLengthM[e] > 0) || g.edgeFrom[e] === g.edgeTo[e]) bad.push(e);
    expect(bad).toEqual([]);
  });

  it('leaves out elevated and sunken trunk roads but keeps trunk roads at grade', () => {
    const input = loadRoadsGeoJson(ROADS_PATH);
    const trunk = input.filter((w) => w.highway === 'trunk' || w.highway === 'trunk_link');
    const elevated = new Set(trunk.filter((w) => w.bridge || w.tunnel || w.layer !== 0).map((w) => w.id));
    const atGrade = new Set(trunk.filter((w) => !elevated.has(w.id)).map((w) => w.id));
    expect(elevated.size).toBeGreaterThan(50);
    expect(atGrade.size).toBeGreaterThan(10);
    // The served graph reads the database, whose ids are its own: match the file's ways by geometry.
    const key = (w: WalkingWayInput) => JSON.stringify(w.coordinates.map(([x, y]) => [x.toFixed(7), y.toFixed(7)]));
    const servedById = new Map(servedWays.map((w) => [w.id, w]));
    // (kerb connectors the builder adds have ids of their own and no row)
    const inGraph = new Set(g.ways.flatMap((w) => { const row = servedById.get(w.id); return row ? [key(row)] : []; }));
    expect(inGraph.size).toBeGreaterThan(1000);
    const byId = new Map(input.map((w) => [w.id, w]));
    expect([...elevated].filter((id) => inGraph.has(key(byId.get(id)!)))).toEqual([]);
    expect([...atGrade].filter((id) => !inGraph.has(key(byId.get(id)!)))).toEqual([]);
  });

  it('joins the stairs of the 解放南路 footbridge to the street across the kerb gap', () => {
    // The stairs end on the unmapped sidewalk, 2–12 m from 解放南路's centreline.
    const stairFoot = findNode(117.2255818, 39.0557356);
    expect(stairFoot).toBeGreaterThanOrEqual(0);
    expect(g.nodeComponent[stairFoot]).toBe(0);
    expect(g.report.kerbConnectors).toBeGreaterThan(0);
    let steps = 0;
    for (let e = 0; e < g.edgeCount; e++) if (g.edgeFlags[e] & EDGE_STEPS && g.nodeComponent[g.edgeFrom[e]] === 0) steps++;
    expect(steps).toBeGreaterThan(20);
  });

  function findNode(lon: number, lat: number): number {
    for (let v = 0; v < g.nodeCount; v++) if (g.nodeLon[v] === lon && g.nodeLat[v] === lat) return v;
    return -1;
  }
});

describe('level rules for joining ways', () => {
  it('a bridge does not touch the street it crosses at an interior vertex', () => {
    const g = buildWalkingGraph([
      way(1, [[117.0, 39.0], [117.001, 39.0], [117.002, 39.0]]),
      way(2, [[117.001, 38.999], [117.001, 39.0], [117.001, 39.001]], { highway: 'footway', layer: 1, bridge: true }),
    ], { kerbGapM: 0 });
    expect(g.nodeCount).toBe(6);
    expect(g.componentSizes.length).toBe(2);
  });

  it('ways on the same level join at a shared interior vertex', () => {
    const g = buildWalkingGraph([
      way(1, [[117.0, 39.0], [117.001, 39.0], [117.002, 39.0]]),
      way(2, [[117.001, 38.999], [117.001, 39.0], [117.001, 39.001]]),
    ], { kerbGapM: 0 });
    expect(g.nodeCount).toBe(5);
    expect(g.componentSizes.length).toBe(1);
  });

  it('a way endpoint joins everything at its coordinate (stairs landing on a bridge deck)', () => {
    const g = buildWalkingGraph([
      way(1, [[117.0, 39.0], [117.001, 39.0], [117.002, 39.0]], { highway: 'footway', layer: 1, bridge: true }),
      way(2, [[117.001, 38.999], [117.001, 39.0]], { highway: 'steps' }),
    ], { kerbGapM: 0 });
    expect(g.nodeCount).toBe(4);
    expect(g.componentSizes.length).toBe(1);
  });

  it('non-walkable ways are ignored', () => {
    const g = buildWalkingGraph([
      way(1, [[117.0, 39.0], [117.001, 39.0]], { highway: 'trunk', layer: 1, bridge: true }),
      way(2, [[117.0, 39.0], [117.0, 39.001]], { highway: 'motorway' }),
    ]);
    expect(g.edgeCount).toBe(0);
    expect(g.report.waysWalkable).toBe(0);
  });
});
