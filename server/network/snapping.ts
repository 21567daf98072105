// Snapping: attaches a lon/lat (an origin, a gate, a service point) to the exact position on the
// nearest usable walkable edge — a partial edge, not the nearest vertex — within a maximum distance.
// A point that cannot be attached gets a failure report saying how far the network is.

import Flatbush from 'flatbush';
import { haversineM, projectOnSegment } from '../geo.ts';
import type { WalkingGraph } from './walkingGraph.ts';

/** Default maximum snapping distance in metres. */
export const DEFAULT_MAX_SNAP_M = 150;
/**
 * Components smaller than this share of the largest are not snapped to: a point next to an
 * isolated fragment (a park path, an unconnected ramp) would otherwise be marooned on it.
 */
export const MIN_SNAP_COMPONENT_SHARE = 0.1;

/** A point attached to the network. `t` runs from edgeFrom[edge] (0) to edgeTo[edge] (1). */
export interface SnappedLocation {
  ok: true;
  lon: number;
  lat: number;
  edge: number;
  t: number;
  snapLon: number;
  snapLat: number;
  /** Straight-line metres from the point to its position on the edge (walked as an access leg). */
  snapDistM: number;
}

export interface SnapFailure {
  ok: false;
  lon: number;
  lat: number;
  reason: 'too_far' | 'invalid_coordinates';
  /** Distance to the nearest usable edge, if there is one at all. */
  nearestM: number | null;
  maxSnapM: number;
}

export type SnapResult = SnappedLocation | SnapFailure;

export class EdgeSnapper {
  private readonly index: Flatbush;
  private readonly snappable: Uint8Array;

  constructor(readonly graph: WalkingGraph, minComponentShare = MIN_SNAP_COMPONENT_SHARE) {
    const g = graph;
    this.index = new Flatbush(Math.max(1, g.edgeCount));
    this.snappable = new Uint8Array(g.edgeCount);
    const minSize = (g.componentSizes[0] ?? 0) * minComponentShare;
    for (let e = 0; e < g.edgeCount; e++) {
      const a = g.edgeFrom[e], b = g.edgeTo[e];
      this.index.add(Math.min(g.nodeX[a], g.nodeX[b]), Math.min(g.nodeY[a], g.nodeY[b]),
        Math.max(g.nodeX[a], g.nodeX[b]), Math.max(g.nodeY[a], g.nodeY[b]));
      this.snappable[e] = g.componentSizes[g.nodeComponent[a]] >= minSize ? 1 : 0;
    }
    if (g.edgeCount === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
  }

  /**
   * Attach (lon, lat) to the nearest edge whose cost is finite in `costs` (so a step-free origin is
   * never put on stairs) within `maxSnapM` metres.
   */
  snap(lon: number, lat: number, costs: Float64Array, maxSnapM = DEFAULT_MAX_SNAP_M): SnapResult {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      return { ok: false, lon, lat, reason: 'invalid_coordinates', nearestM: null, maxSnapM };
    }
    const g = this.graph;
    const px = g.plane.x(lon), py = g.plane.y(lat);
    const usable = (e: number) => this.snappable[e] === 1 && costs[e] !== Infinity;
    let best = -1, bestDist = Infinity, bestT = 0;
    const consider = (e: number) => {
      const a = g.edgeFrom[e], b = g.edgeTo[e];
      const { t, dist } = projectOnSegment(px, py, g.nodeX[a], g.nodeY[a], g.nodeX[b], g.nodeY[b]);
      if (dist < bestDist) { best = e; bestDist = dist; bestT = t; }
    };
    // A bbox search is enough: the planar distance never exceeds the box test's reach.
    for (const e of this.index.search(px - maxSnapM, py - maxSnapM, px + maxSnapM, py + maxSnapM)) {
      if (usable(e)) consider(e);
    }
    if (best < 0 || bestDist > maxSnapM) {
      // The box reaches maxSnapM along each axis only: an edge in its corner may be farther than one just outside.
      for (const e of this.index.neighbors(px, py, 8, Infinity, usable)) consider(e);
      return { ok: false, lon, lat, reason: 'too_far', nearestM: best < 0 ? null : Math.round(bestDist), maxSnapM };
    }
    const a = g.edgeFrom[best], b = g.edgeTo[best];
    const snapLon = g.nodeLon[a] + bestT * (g.nodeLon[b] - g.nodeLon[a]);
    const snapLat = g.nodeLat[a] + bestT * (g.nodeLat[b] - g.nodeLat[a]);
    return { ok: true, lon, lat, edge: best, t: bestT, snapLon, snapLat, snapDistM: haversineM(lon, lat, snapLon, snapLat) };
  }
}
