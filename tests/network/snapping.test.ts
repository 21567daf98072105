// Snapping and the point index on the real network: exact positions on edges, refusal far from the
// network, step-free points never on stairs, and points that change are answered at once.
import { describe, it, expect } from 'vitest';
import { haversineM } from '../../server/geo.ts';
import { EDGE_STEPS } from '../../server/network/walkingGraph.ts';
import { OutsideNetworkError } from '../../server/network/walkingEngine.ts';
import { hexiGraph, hexiEngine, seededRandom, randomPlaceNearNetwork, syntheticPoints } from './hexiNetwork.ts';

const g = hexiGraph();

describe('snapping', () => {
  const engine = hexiEngine();

  it('attaches a point to the exact position on the nearest edge, not to a vertex', () => {
    const rnd = seededRandom(5);
    let interior = 0;
    for (let k = 0; k < 200; k++) {
      const [lon, lat] = randomPlaceNearNetwork(rnd, 60);
      const s = engine.snap(lon, lat, 'standard');
      if (!s.ok) throw new Error(`(${lon}, ${lat}) did not snap: ${s.reason}`);
      expect(s.t).toBeGreaterThanOrEqual(0);
      expect(s.t).toBeLessThanOrEqual(1);
      expect(s.snapDistM).toBeLessThanOrEqual(60 * Math.SQRT2 + 1);
      expect(Math.abs(haversineM(lon, lat, s.snapLon, s.snapLat) - s.snapDistM)).toBeLessThan(0.01);
      if (s.t > 0.01 && s.t < 0.99) interior++;
    }
    expect(interior).toBeGreaterThan(100);
  });

  it('refuses a point 1 km outside the network and says how far the network is', () => {
    let west = 0;
    for (let v = 1; v < g.nodeCount; v++) if (g.nodeLon[v] < g.nodeLon[west]) west = v;
    const lon = g.plane.lon(g.nodeX[west] - 1000), lat = g.nodeLat[west];
    const s = engine.snap(lon, lat, 'standard');
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.reason).toBe('too_far');
      expect(s.nearestM).toBeGreaterThanOrEqual(990);
    }
    expect(() => engine.reach([lon, lat], { profile: 'standard', minutes: [15] })).toThrow(OutsideNetworkError);
    expect(() => engine.reach([lon, lat], { profile: 'standard', minutes: [15] })).toThrow(/outside the walking network/);
  });

  it('never puts a step-free walker on stairs', () => {
    let stairs = 0, snappedAside = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      if (!(g.edgeFlags[e] & EDGE_STEPS) || g.nodeComponent[g.edgeFrom[e]] !== 0) continue;
      stairs += 1;
      const lon = (g.nodeLon[g.edgeFrom[e]] + g.nodeLon[g.edgeTo[e]]) / 2, lat = (g.nodeLat[g.edgeFrom[e]] + g.nodeLat[g.edgeTo[e]]) / 2;
      const std = engine.snap(lon, lat, 'standard'), free = engine.snap(lon, lat, 'step_free');
      expect(std.ok && g.edgeFlags[std.edge] & EDGE_STEPS).toBeTruthy();
      if (!free.ok) continue;
      snappedAside += 1;
      expect(g.edgeFlags[free.edge] & EDGE_STEPS).toBe(0);
    }
    // The real network has stairs (footbridges), and most of their midpoints have a step-free way nearby.
    expect(stairs).toBeGreaterThanOrEqual(10);
    expect(snappedAside).toBeGreaterThanOrEqual(stairs / 2);
  });
});

describe('point index', () => {
  it('answers with a point as soon as it is added, moved or removed', () => {
    const engine = hexiEngine();
    engine.points.setAll(syntheticPoints(300));
    const origin = randomPlaceNearNetwork(seededRandom(77));
    const before = engine.nearest(origin, { profile: 'standard', perCategory: 1, categories: ['health'] }).health[0];

    const s = engine.snap(origin[0], origin[1], 'standard');
    if (!s.ok) throw new Error('origin did not snap');
    const clinic = { id: 'new-clinic', category_id: 'health', lon: s.snapLon, lat: s.snapLat };
    engine.points.upsert(clinic);
    const added = engine.nearest(origin, { profile: 'standard', perCategory: 1, categories: ['health'] }).health[0];
    expect(added.point.id).toBe('new-clinic');
    expect(added.walk_m).toBeLessThanOrEqual(Math.ceil(s.snapDistM) + 1);

    engine.points.upsert({ ...clinic, lon: clinic.lon + 0.05 }); // moved 4 km east
    const moved = engine.nearest(origin, { profile: 'standard', perCategory: 1, categories: ['health'] }).health[0];
    expect(moved.point.id).not.toBe('new-clinic');

    engine.points.remove('new-clinic');
    const removed = engine.nearest(origin, { profile: 'standard', perCategory: 1, categories: ['health'] }).health[0];
    expect(removed.point.id).toBe(before.point.id);
    expect(removed.walk_s).toBe(before.walk_s);
  });

  it('reports points it cannot snap instead of moving them', () => {
    const engine = hexiEngine();
    engine.points.setAll([{ id: 1, category_id: 'health', lon: 116.9, lat: 39.0 }]);
    const view = engine.points.view('', engine.costs('standard'));
    expect(view.unsnapped.map((u) => u.point.id)).toEqual([1]);
    expect(view.byCategory.size).toBe(0);
  });
});
