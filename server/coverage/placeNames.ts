// Names for a place on the walking network the way a street office says them: the nearest named street
// and the nearest junction of that street with another named street ("友谊北路与津港路交口附近"),
// from the OSM way names the graph's edges carry. Pure: a graph and a position in, a name out.
import type { WalkingGraph } from '../network/walkingGraph.ts';

/** A junction farther than this from the place is not "near" it. */
const JUNCTION_NEAR_M = 350;
/** A street farther than this is named with its distance. */
const STREET_NEAR_M = 120;

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The place's nearest named street and cross street, as Chinese text. */
export function placeName(graph: WalkingGraph, lon: number, lat: number): string {
  const near = nearestStreets(graph, lon, lat);
  if (!near.street) return '附近无具名道路';
  if (near.streetM > STREET_NEAR_M) return `${near.street}附近（约 ${Math.round(near.streetM / 10) * 10} 米）`;
  if (near.cross) return `${near.street}与${near.cross}交口附近`;
  return `${near.street}旁`;
}

export function nearestStreets(graph: WalkingGraph, lon: number, lat: number): { street: string | null; streetM: number; cross: string | null; junctionM: number | null } {
  const { nodeX, nodeY, edgeFrom, edgeTo, edgeWay, ways, adjOffsets, adjEdge, plane } = graph;
  const px = plane.x(lon), py = plane.y(lat);
  const nameOf = (e: number) => {
    const n = ways[edgeWay[e]]?.name;
    return n && n.trim() ? n.trim() : null;
  };
  let street: string | null = null, streetM = Infinity;
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = edgeFrom[e], b = edgeTo[e];
    // cheap reject before the segment arithmetic
    if (Math.abs(nodeX[a] - px) > streetM + 2000 && Math.abs(nodeX[b] - px) > streetM + 2000) continue;
    const name = nameOf(e);
    if (!name) continue;
    const d = segmentDistance(px, py, nodeX[a], nodeY[a], nodeX[b], nodeY[b]);
    if (d < streetM) { streetM = d; street = name; }
  }
  if (!street) return { street: null, streetM: Infinity, cross: null, junctionM: null };
  // The nearest node where an edge of the street meets an edge of another named street.
  let cross: string | null = null, junctionM = Infinity;
  for (let v = 0; v < graph.nodeCount; v++) {
    const d = Math.hypot(nodeX[v] - px, nodeY[v] - py);
    if (d > JUNCTION_NEAR_M || d >= junctionM) continue;
    let onStreet = false, other: string | null = null;
    for (let k = adjOffsets[v]; k < adjOffsets[v + 1]; k++) {
      const name = nameOf(adjEdge[k]);
      if (name === street) onStreet = true;
      else if (name && !other) other = name;
    }
    if (onStreet && other) { cross = other; junctionM = d; }
  }
  return { street, streetM, cross, junctionM: cross ? junctionM : null };
}
