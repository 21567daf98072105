// Walking profiles are data (data/profiles.json, read and checked by server/catalog.ts); this module
// turns a profile into the per-edge cost array (seconds) that every search uses.

import type { WalkingProfile } from '../catalog.ts';
import {
  type WalkingGraph, EDGE_STEPS, EDGE_MAJOR_ROAD, EDGE_SECONDARY_ROAD, EDGE_AT_GRADE, NODE_MAJOR_JUNCTION, NODE_SECONDARY_JUNCTION,
} from './walkingGraph.ts';
import { overlayStateAt, type DistrictTime } from './corrections.ts';

// The profile type and its checked reader live in the catalog (one reader of data/profiles.json).
export { DEFAULT_PROFILES_PATH, loadWalkingProfiles, type WalkingProfile } from '../catalog.ts';

const costCache = new WeakMap<WalkingGraph, Map<string, Float64Array>>();

/** A step-free profile (it never climbs steps): gates and closures marked for step-free walking stop it. */
export const isStepFree = (profile: WalkingProfile) => profile.excluded_highways.includes('steps');

/**
 * The key of the costs a profile has at a time: the same for every time at which the same gates are shut
 * and the same closures in force (so answers and snapped point sets can be cached under it).
 */
export function costStateKey(graph: WalkingGraph, profile: WalkingProfile, at?: DistrictTime): string {
  return `${JSON.stringify(profile)}#${overlayStateAt(graph.overlay, at).key}`;
}

/**
 * Seconds to walk each edge under a profile (cached per graph, profile and overlay state):
 * length / speed, × steps_time_factor on steps, + half of major_crossing_sec at each end of an
 * at-grade non-major edge that ends on a major junction. Entering the junction from a side street
 * and leaving on the far side pays the full crossing; walking along the major road pays nothing;
 * turning off it pays half (the centreline graph cannot see which sidewalk one is on, so half is
 * the expected cost). Steps, bridges and connectors never pay it. Excluded classes cost Infinity.
 * Corrections (graph.overlay) then apply: a crossing replaces the general rule at its junction
 * (signalised: its mean wait, for everyone, half on each side street's edge; zebra: half the general
 * figure; none: the side streets' edges there cannot be used; edges inside the junction pay nothing).
 * At a secondary junction (NODE_SECONDARY_JUNCTION), where the general rule charges nothing, a crossing
 * correction prices the same way the at-grade edges below secondary class ending there; the secondary
 * road's own edges, like a major road's, never pay. A closure in force or a gate shut at `at` (no `at`: gates open) makes
 * its edges unusable, and so do closures and gates that are not step-free, for a step-free profile.
 * Costs are symmetric, so the graph stays undirected — the multi-source searches rely on that.
 */
export function edgeCostsSec(graph: WalkingGraph, profile: WalkingProfile, at?: DistrictTime): Float64Array {
  let perGraph = costCache.get(graph);
  if (!perGraph) { perGraph = new Map(); costCache.set(graph, perGraph); }
  const overlay = graph.overlay;
  const state = overlayStateAt(overlay, at);
  const key = `${JSON.stringify(profile)}#${state.key}`;
  const cached = perGraph.get(key);
  if (cached) return cached;

  const excluded = new Uint8Array(graph.highwayClasses.length);
  graph.highwayClasses.forEach((c, i) => { if (profile.excluded_highways.includes(c)) excluded[i] = 1; });
  const halfCrossing = profile.major_crossing_sec / 2;
  const crossings = overlay?.crossings;
  const crossingHalf = (v: number): number => {
    const c = crossings?.get(v);
    if (!c) return halfCrossing;
    if (c.kind === 'none') return Infinity;
    return c.kind === 'signalised' ? c.waitSec / 2 : halfCrossing / 2;
  };
  // Whether an at-grade, non-major edge is a side street at node v: at a major junction every such edge is;
  // at a secondary junction only those below secondary class (the secondary road itself is walked along).
  const sideAt = (v: number, flags: number): boolean => {
    const nf = graph.nodeFlags[v];
    if (nf & NODE_MAJOR_JUNCTION) return true;
    return (nf & NODE_SECONDARY_JUNCTION) !== 0 && !(flags & EDGE_SECONDARY_ROAD);
  };
  // What a side street's edge pays at v: the general rule at a major junction, only a correction at a secondary one.
  const sidePay = (v: number): number => (graph.nodeFlags[v] & NODE_MAJOR_JUNCTION ? crossingHalf(v) : crossings?.has(v) ? crossingHalf(v) : 0);
  const cost = new Float64Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++) {
    if (excluded[graph.edgeClass[e]]) { cost[e] = Infinity; continue; }
    const flags = graph.edgeFlags[e];
    let sec = graph.edgeLengthM[e] / profile.speed_mps;
    if (flags & EDGE_STEPS) sec *= profile.steps_time_factor;
    if ((flags & EDGE_AT_GRADE) && !(flags & EDGE_MAJOR_ROAD)) {
      const a = graph.edgeFrom[e], b = graph.edgeTo[e];
      const sa = sideAt(a, flags), sb = sideAt(b, flags);
      const ca = crossings?.get(a), cb = crossings?.get(b);
      if (sa && sb && ca && cb && ca.id === cb.id) {
        // Inside one corrected junction (the median of a dual carriageway): its crossing is paid once, outside.
        if (ca.kind === 'none') sec = Infinity;
      } else {
        if (sa) sec += sidePay(a);
        if (sb) sec += sidePay(b);
      }
    }
    cost[e] = sec;
  }
  if (overlay) {
    const stepFree = isStepFree(profile);
    for (const [e, list] of overlay.edgeClosures) {
      if (list.some((i) => state.activeClosures[i] && (!overlay.closures[i].stepFreeOnly || stepFree))) cost[e] = Infinity;
    }
    for (let e = 0; e < graph.edgeCount; e++) {
      const g = overlay.edgeGate[e];
      if (g < 0) continue;
      if (state.closedGates[g] || (stepFree && !overlay.gates[g].stepFree)) cost[e] = Infinity;
    }
  }
  if (perGraph.size > 64) perGraph.clear();
  perGraph.set(key, cost);
  return cost;
}

/** A key shared by profiles that may use exactly the same edges (they snap identically). */
export function exclusionKey(profile: WalkingProfile): string {
  return [...profile.excluded_highways].sort().join(',');
}
