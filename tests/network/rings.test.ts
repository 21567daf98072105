// Rings on the real network: nested, elderly inside standard, covering every place reached well
// within the minutes, and never covering a place that needs more walking than the ring says.
import { describe, it, expect } from 'vitest';
import Flatbush from 'flatbush';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { haversineM } from '../../server/geo.ts';
import { TravelTimeSearch, seedsOf } from '../../server/network/travelTimes.ts';
import type { RingCollection } from '../../server/network/rings.ts';
import { hexiGraph, hexiEngine, seededRandom, randomPlaceNearNetwork } from './hexiNetwork.ts';

const g = hexiGraph();
const engine = hexiEngine();
const { cellM, offStreetM } = engine.ringOptions;
const MINUTES = [5, 10, 15];

/**
 * The ring's promise, checked independently of the raster: a place counts as reached in t seconds if
 * some network position reached in t0 lies within `offStreetM` + one cell diagonal of it (the
 * allowance plus the raster's resolution) and t0 + straight-line metres / speed = t.
 * TOLERANCE_S covers the contour's linear interpolation.
 */
const REACH_M = offStreetM + cellM * Math.SQRT2;
const TOLERANCE_S = 5;

const edgeIndex = new Flatbush(g.edgeCount);
for (let e = 0; e < g.edgeCount; e++) {
  const a = g.edgeFrom[e], b = g.edgeTo[e];
  edgeIndex.add(Math.min(g.nodeX[a], g.nodeX[b]), Math.min(g.nodeY[a], g.nodeY[b]), Math.max(g.nodeX[a], g.nodeX[b]), Math.max(g.nodeY[a], g.nodeY[b]));
}
edgeIndex.finish();

function placeTimeSec(search: TravelTimeSearch, costs: Float64Array, speed: number, origin: ReturnType<typeof engine.locate>, lon: number, lat: number) {
  const x = g.plane.x(lon), y = g.plane.y(lat);
  let best = Infinity;
  for (const e of edgeIndex.search(x - REACH_M, y - REACH_M, x + REACH_M, y + REACH_M)) {
    const c = costs[e];
    if (c === Infinity) continue;
    const a = g.edgeFrom[e], b = g.edgeTo[e], ta = search.timeTo(a), tb = search.timeTo(b);
    const n = Math.max(1, Math.ceil(g.edgeLengthM[e]));
    for (let j = 0; j <= n; j++) {
      const f = j / n;
      const d = haversineM(lon, lat, g.nodeLon[a] + f * (g.nodeLon[b] - g.nodeLon[a]), g.nodeLat[a] + f * (g.nodeLat[b] - g.nodeLat[a]));
      if (d > REACH_M) continue;
      let t = Math.min(ta + f * c, tb + (1 - f) * c);
      if (e === origin.edge) t = Math.min(t, origin.snapDistM / speed + Math.abs(f - origin.t) * c);
      best = Math.min(best, t + d / speed);
    }
  }
  // the origin's own access leg
  const dOrigin = haversineM(lon, lat, origin.lon, origin.lat);
  if (dOrigin <= REACH_M) best = Math.min(best, dOrigin / speed);
  return best;
}

const inside = (rings: RingCollection, minutes: number, lon: number, lat: number) =>
  booleanPointInPolygon([lon, lat], rings.features.find((f) => f.properties.minutes === minutes)!);

describe('rings', () => {
  const rnd = seededRandom(2024);
  const origins = Array.from({ length: 12 }, () => randomPlaceNearNetwork(rnd, 30));

  it('come as one MultiPolygon per requested minute, with the minutes on each', () => {
    const rings = engine.rings(origins[0], 'standard', [15, 5, 10]);
    expect(rings.features.map((f) => f.properties.minutes)).toEqual([5, 10, 15]);
    for (const f of rings.features) {
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(f.geometry.coordinates.length).toBeGreaterThan(0);
    }
    expect(inside(rings, 5, origins[0][0], origins[0][1])).toBe(true);
  });

  it('never cover a place that takes longer to reach than the ring says (node positions inside each ring)', () => {
    let checked = 0;
    for (const o of origins) {
      for (const profile of ['standard', 'elderly', 'step_free']) {
        const p = engine.profile(profile), costs = engine.costs(profile);
        const loc = engine.locate(o, profile);
        const rings = engine.rings(loc, profile, MINUTES);
        const search = new TravelTimeSearch(g).start(costs, seedsOf(g, costs, loc, p.speed_mps, 0)).runTo(MINUTES.at(-1)! * 60 + 600);
        for (let v = 0; v < g.nodeCount; v++) {
          if (Math.abs(g.nodeX[v] - g.plane.x(loc.lon)) > 1500 || Math.abs(g.nodeY[v] - g.plane.y(loc.lat)) > 1500) continue;
          for (const m of MINUTES) {
            if (!inside(rings, m, g.nodeLon[v], g.nodeLat[v])) continue;
            checked++;
            const t = placeTimeSec(search, costs, p.speed_mps, loc, g.nodeLon[v], g.nodeLat[v]);
            if (t > m * 60 + TOLERANCE_S) {
              throw new Error(`${profile} from ${o}: node ${v} (${g.nodeLon[v]}, ${g.nodeLat[v]}) is inside the ${m}-min ring but needs ${(t / 60).toFixed(1)} min`);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('cover every node reached with a cell of walking to spare', () => {
    const margin = cellM * Math.SQRT2 / engine.profile('standard').speed_mps;
    for (const o of origins) {
      const rings = engine.rings(o, 'standard', MINUTES);
      const { nodes, timesSec } = engine.travelTimes(o, 'standard', 15 * 60);
      nodes.forEach((v, i) => {
        for (const m of MINUTES) {
          if (timesSec[i] <= m * 60 - margin) {
            expect(inside(rings, m, g.nodeLon[v], g.nodeLat[v]), `node ${v} at ${timesSec[i].toFixed(0)} s, ${m}-min ring from ${o}`).toBe(true);
          }
        }
      });
    }
  });

  it('nest: each ring inside the next, and elderly rings inside standard rings', () => {
    for (const o of origins) {
      const standard = engine.rings(o, 'standard', MINUTES);
      const elderly = engine.rings(o, 'elderly', MINUTES);
      for (const [i, m] of MINUTES.entries()) {
        const larger = MINUTES[i + 1];
        for (const poly of standard.features[i].geometry.coordinates) for (const ring of poly) for (const [lon, lat] of ring) {
          if (larger) expect(inside(standard, larger, lon, lat), `standard ${m} ⊂ ${larger} from ${o}`).toBe(true);
        }
        for (const poly of elderly.features[i].geometry.coordinates) for (const ring of poly) for (const [lon, lat] of ring) {
          expect(inside(standard, m, lon, lat), `elderly ${m} ⊂ standard ${m} from ${o}`).toBe(true);
        }
      }
    }
  });
});
