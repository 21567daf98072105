// Small hand-built walking networks for the pure engine tests (no database, no HTTP): ways are drawn in
// metres on a local plane in Hexi and turned into lon/lat, so a test can state exact lengths and minutes.
// North–south segments have exact haversine lengths (a metre of latitude is the same everywhere).

import { LocalPlane, type LonLat } from '../../../server/geo.ts';
import type { WalkingGraph, WalkingWayInput } from '../../../server/network/walkingGraph.ts';
import type { WalkingProfile } from '../../../server/network/profiles.ts';

/** The plane the tests draw on (near 天津市河西区). */
export const PLANE = new LocalPlane(117.22, 39.1);

export const at = (x: number, y: number): LonLat => [PLANE.lon(x), PLANE.lat(y)];

let nextId = 1;
/** A ground-level way through the given points (metres east, north of the plane's centre). */
export function way(highway: string, points: [number, number][], extra: Partial<WalkingWayInput> = {}): WalkingWayInput {
  return {
    id: nextId++, highway, name: null, layer: 0, bridge: false, tunnel: false,
    coordinates: points.map(([x, y]) => at(x, y)), ...extra,
  };
}

/** The node at (x, y) metres; throws if none is there (within 1 cm). */
export function nodeAt(g: WalkingGraph, x: number, y: number): number {
  const [lon, lat] = at(x, y);
  const found: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) {
    if (Math.abs(g.nodeLon[v] - lon) < 1e-7 && Math.abs(g.nodeLat[v] - lat) < 1e-7) found.push(v);
  }
  if (found.length !== 1) throw new Error(`expected one node at ${x},${y}, found ${found.length}`);
  return found[0];
}

/** The edge joining nodes a and b (either direction); throws if there is none. */
export function edgeBetween(g: WalkingGraph, a: number, b: number): number {
  for (let e = 0; e < g.edgeCount; e++) {
    if ((g.edgeFrom[e] === a && g.edgeTo[e] === b) || (g.edgeFrom[e] === b && g.edgeTo[e] === a)) return e;
  }
  throw new Error(`no edge between ${a} and ${b}`);
}

/** Neighbour nodes of v, sorted. */
export function neighbours(g: WalkingGraph, v: number): number[] {
  return Array.from(g.adjNode.subarray(g.adjOffsets[v], g.adjOffsets[v + 1])).sort((a, b) => a - b);
}

/** A profile with round figures, so expected seconds are easy to state. */
export function profile(over: Partial<WalkingProfile> = {}): WalkingProfile {
  return {
    id: 'test', name_zh: '测试步行', name_en: 'Test walk', speed_mps: 1,
    excluded_highways: [], steps_time_factor: 1, major_crossing_sec: 0, ...over,
  } as WalkingProfile;
}
