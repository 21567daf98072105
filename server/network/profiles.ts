// Walking profiles are data (data/profiles.json, read and checked by server/catalog.ts); this module
// turns a profile into the per-edge cost array (seconds) that every search uses.

import type { WalkingProfile } from '../catalog.ts';
import {
  type WalkingGraph, EDGE_STEPS, EDGE_MAJOR_ROAD, EDGE_AT_GRADE, NODE_MAJOR_JUNCTION,
} from './walkingGraph.ts';

// The profile type and its checked reader live in the catalog (one reader of data/profiles.json).
export { DEFAULT_PROFILES_PATH, loadWalkingProfiles, type WalkingProfile } from '../catalog.ts';

const costCache = new WeakMap<WalkingGraph, Map<string, Float64Array>>();

/**
 * Seconds to walk each edge under a profile (cached per graph and profile id):
 * length / speed, × steps_time_factor on steps, + half of major_crossing_sec at each end of an
 * at-grade non-major edge that ends on a major junction. Entering the junction from a side street
 * and leaving on the far side pays the full crossing; walking along the major road pays nothing;
 * turning off it pays half (the centreline graph cannot see which sidewalk one is on, so half is
 * the expected cost). Steps, bridges and connectors never pay it. Excluded classes cost Infinity.
 * Costs are symmetric, so the graph stays undirected — the multi-source searches rely on that.
 */
export function edgeCostsSec(graph: WalkingGraph, profile: WalkingProfile): Float64Array {
  let perGraph = costCache.get(graph);
  if (!perGraph) { perGraph = new Map(); costCache.set(graph, perGraph); }
  const key = JSON.stringify(profile);
  const cached = perGraph.get(key);
  if (cached) return cached;

  const excluded = new Uint8Array(graph.highwayClasses.length);
  graph.highwayClasses.forEach((c, i) => { if (profile.excluded_highways.includes(c)) excluded[i] = 1; });
  const halfCrossing = profile.major_crossing_sec / 2;
  const cost = new Float64Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++) {
    if (excluded[graph.edgeClass[e]]) { cost[e] = Infinity; continue; }
    const flags = graph.edgeFlags[e];
    let sec = graph.edgeLengthM[e] / profile.speed_mps;
    if (flags & EDGE_STEPS) sec *= profile.steps_time_factor;
    if (halfCrossing > 0 && (flags & EDGE_AT_GRADE) && !(flags & EDGE_MAJOR_ROAD)) {
      if (graph.nodeFlags[graph.edgeFrom[e]] & NODE_MAJOR_JUNCTION) sec += halfCrossing;
      if (graph.nodeFlags[graph.edgeTo[e]] & NODE_MAJOR_JUNCTION) sec += halfCrossing;
    }
    cost[e] = sec;
  }
  perGraph.set(key, cost);
  return cost;
}

/** A key shared by profiles that may use exactly the same edges (they snap identically). */
export function exclusionKey(profile: WalkingProfile): string {
  return [...profile.excluded_highways].sort().join(',');
}
