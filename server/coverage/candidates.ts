// Candidate locations for a new service point: positions along the walkable network, about one per
// `spacingM` metres, inside an area. Only ground-level street edges of the main network that the
// profile may use are sampled (no stairs, no bridges, no kerb connectors), so a candidate is always a
// place where a door could open onto the street.
import { EDGE_AT_GRADE, type WalkingGraph } from '../network/walkingGraph.ts';

export interface CandidateArea { minLon: number; minLat: number; maxLon: number; maxLat: number }

export interface NetworkCandidate {
  lon: number;
  lat: number;
  /** Name of the street the candidate lies on, when OSM has one. */
  road: string | null;
}

/** An area grown by `marginM` metres on every side. */
export function growArea(area: CandidateArea, marginM: number, graph: WalkingGraph): CandidateArea {
  const dLon = marginM / graph.plane.mPerDegLon, dLat = marginM / graph.plane.mPerDegLat;
  return { minLon: area.minLon - dLon, minLat: area.minLat - dLat, maxLon: area.maxLon + dLon, maxLat: area.maxLat + dLat };
}

/** The bounding area of some lon/lat positions (undefined when there are none). */
export function areaOf(positions: Iterable<{ lon: number; lat: number }>): CandidateArea | undefined {
  let a: CandidateArea | undefined;
  for (const p of positions) {
    if (!a) a = { minLon: p.lon, minLat: p.lat, maxLon: p.lon, maxLat: p.lat };
    else {
      a.minLon = Math.min(a.minLon, p.lon); a.maxLon = Math.max(a.maxLon, p.lon);
      a.minLat = Math.min(a.minLat, p.lat); a.maxLat = Math.max(a.maxLat, p.lat);
    }
  }
  return a;
}

/**
 * Positions along usable edges inside `area`, at most one per `spacingM` × `spacingM` cell of the
 * graph's metric plane (edges are walked in half-spacing steps, the first position in a cell wins).
 * Deterministic: the same graph, costs and area give the same list.
 */
export function sampleNetworkCandidates(
  graph: WalkingGraph, costs: Float64Array, area: CandidateArea, spacingM: number,
): NetworkCandidate[] {
  const { edgeFrom, edgeTo, edgeLengthM, edgeFlags, nodeLon, nodeLat, nodeX, nodeY, nodeComponent, plane } = graph;
  const inside = (v: number) => nodeLon[v] >= area.minLon && nodeLon[v] <= area.maxLon && nodeLat[v] >= area.minLat && nodeLat[v] <= area.maxLat;
  const taken = new Set<string>();
  const out: NetworkCandidate[] = [];
  const step = spacingM / 2;
  for (let e = 0; e < graph.edgeCount; e++) {
    if (!(edgeFlags[e] & EDGE_AT_GRADE) || !Number.isFinite(costs[e])) continue;
    const a = edgeFrom[e], b = edgeTo[e];
    if (nodeComponent[a] !== 0 || !(inside(a) || inside(b))) continue;
    const k = Math.max(1, Math.ceil(edgeLengthM[e] / step));
    for (let j = 0; j <= k; j++) {
      const f = j / k;
      const x = nodeX[a] + f * (nodeX[b] - nodeX[a]), y = nodeY[a] + f * (nodeY[b] - nodeY[a]);
      const lon = plane.lon(x), lat = plane.lat(y);
      if (lon < area.minLon || lon > area.maxLon || lat < area.minLat || lat > area.maxLat) continue;
      const cell = `${Math.floor(x / spacingM)},${Math.floor(y / spacingM)}`;
      if (taken.has(cell)) continue;
      taken.add(cell);
      out.push({ lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6, road: graph.ways[graph.edgeWay[e]]?.name ?? null });
    }
  }
  return out;
}
