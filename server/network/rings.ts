// Rings (isochrones): one travel-time field is rasterised on a metric grid from the reached edges —
// including the partial edge where time runs out and the origin's own edge — plus a short off-street
// allowance, then contoured (marching squares, ./contour.ts) at each requested minute. Rings nest by
// construction.

import { contourFlat } from './contour.ts';
import { drawRing, drawRingPacked, type RingPrecision } from './ringSimplify.ts';
import type { PackedRingFeature, PackedRings } from './packedRings.ts';
import type { Feature, FeatureCollection, MultiPolygon, Position } from 'geojson';
import type { WalkingGraph } from './walkingGraph.ts';
import type { SnappedLocation } from './snapping.ts';
import type { TravelTimeSearch } from './travelTimes.ts';

export interface RingOptions extends RingPrecision {
  /** Grid cell size in metres (10–20 m is sensible). */
  cellM: number;
  /**
   * Off-street allowance in metres: a ring also covers land within this distance of a reached
   * position on the network, walked in a straight line at the profile speed (a doorway, a forecourt,
   * the sidewalk side of a wide road). Beyond it, land counts as unreached.
   */
  offStreetM: number;
}

// 5 decimals (≈ 1 m) and outlines within 3 m outside the contour: well inside the allowance and the
// cell, and a third of the vertices (the answer's bytes are mostly ring coordinates).
export const DEFAULT_RING_OPTIONS: RingOptions = { cellM: 15, offStreetM: 25, decimals: 5, simplifyM: 3 };

export type RingFeature = Feature<MultiPolygon, { minutes: number }>;
export type RingCollection = FeatureCollection<MultiPolygon, { minutes: number }>;
/** How rings are written: GeoJSON, or packed as integer differences (./packedRings.ts). */
export type RingFormat = 'geojson' | 'packed';
export type RingsIn<F extends RingFormat> = F extends 'packed' ? PackedRings : RingCollection;

/**
 * How far past the largest ring the search must run so the field around the outer boundary is
 * known (a cell and a half of walking).
 */
export function ringSearchMarginSec(opts: RingOptions, speedMps: number): number {
  return (1.5 * opts.cellM) / speedMps;
}

/**
 * Contour the travel-time field of a finished search (run to at least max(minutes)·60 + margin).
 * `origin` is the snapped origin whose access leg and edge are part of the field. `format` 'packed'
 * writes the same rings as integer differences (no array per vertex).
 */
export function ringsFromSearch<F extends RingFormat = 'geojson'>(
  graph: WalkingGraph,
  search: TravelTimeSearch,
  origin: SnappedLocation,
  speedMps: number,
  minutes: readonly number[],
  opts: RingOptions = DEFAULT_RING_OPTIONS,
  format?: F,
): RingsIn<F> {
  const packed = format === 'packed';
  const sorted = [...new Set(minutes)].sort((a, b) => a - b);
  if (sorted.length === 0) {
    const none: PackedRings | RingCollection = packed ? { encoding: 'delta', decimals: opts.decimals, features: [] } : { type: 'FeatureCollection', features: [] };
    return none as RingsIn<F>;
  }
  const costs = search.edgeCosts;
  const maxSec = sorted[sorted.length - 1] * 60;
  const fieldLimit = maxSec + ringSearchMarginSec(opts, speedMps);
  const { nodeX, nodeY, edgeFrom, edgeTo, edgeLengthM, adjOffsets, adjEdge, plane } = graph;
  const cell = opts.cellM, R = opts.offStreetM;

  // Reached nodes (settled within the field limit; settledOrder is sorted by time).
  let reachedCount = 0;
  while (reachedCount < search.settledCount && search.time[search.settledOrder[reachedCount]] <= fieldLimit) reachedCount++;
  const nodeTime = (v: number) => (search.isSettled(v) && search.time[v] <= fieldLimit ? search.time[v] : Infinity);

  // Edges to draw: every edge with a reached end, plus the origin's edge; bbox of all of them.
  const ox = plane.x(origin.lon), oy = plane.y(origin.lat);
  let minX = ox, maxX = ox, minY = oy, maxY = oy;
  const edges: number[] = [origin.edge];
  for (let k = 0; k < reachedCount; k++) {
    const v = search.settledOrder[k];
    for (let i = adjOffsets[v]; i < adjOffsets[v + 1]; i++) {
      const e = adjEdge[i];
      if (costs[e] === Infinity || e === origin.edge) continue;
      const u = edgeFrom[e] === v ? edgeTo[e] : edgeFrom[e];
      if (nodeTime(u) < Infinity && u < v) continue; // drawn from its other end
      edges.push(e);
    }
    if (nodeX[v] < minX) minX = nodeX[v]; if (nodeX[v] > maxX) maxX = nodeX[v];
    if (nodeY[v] < minY) minY = nodeY[v]; if (nodeY[v] > maxY) maxY = nodeY[v];
  }
  for (const e of edges) {
    for (let end = 0; end < 2; end++) {
      const v = end === 0 ? edgeFrom[e] : edgeTo[e];
      if (nodeX[v] < minX) minX = nodeX[v]; if (nodeX[v] > maxX) maxX = nodeX[v];
      if (nodeY[v] < minY) minY = nodeY[v]; if (nodeY[v] > maxY) maxY = nodeY[v];
    }
  }

  // Grid on a global lattice (multiples of the cell size from the plane's centre), so fields of
  // different profiles or origins share cell centres and nest exactly.
  const pad = R + 2 * cell;
  const gx0 = Math.floor((minX - pad) / cell), gy0 = Math.floor((minY - pad) / cell);
  const nx = Math.ceil((maxX + pad) / cell) - gx0, ny = Math.ceil((maxY + pad) / cell) - gy0;
  // Stored negated (a ring encloses values ≥ its level); unreached = −(maxSec + 60 s).
  const field = scratchField(nx * ny);
  field.fill(-(maxSec + 60));
  const secPerM = 1 / speedMps;

  const raster: Raster = { field, nx, ny, gx0, gy0, cell, R, R2: R * R, secPerM };
  const step = cell;

  // The access leg from the origin point to its snapped position (walked at profile speed).
  const sx = plane.x(origin.snapLon), sy = plane.y(origin.snapLat);
  const access = origin.snapDistM * secPerM;
  const accessSamples = Math.max(1, Math.ceil(origin.snapDistM / step));
  for (let j = 0; j <= accessSamples; j++) {
    const h = j / accessSamples;
    stampCells(raster, ox + h * (sx - ox), oy + h * (sy - oy), h * access, NaN, NaN);
  }

  // Reached nodes, each stamped once at its own time (the search has no node costs, so no edge reaches
  // a settled node earlier than the node's time).
  for (let k = 0; k < reachedCount; k++) {
    const v = search.settledOrder[k];
    stampCells(raster, nodeX[v], nodeY[v], search.time[v], NaN, NaN);
  }

  // Reached edges, sampled every cell between their ends (with the allowance radius well above a
  // cell, the band along a way stays closed); an end is sampled here only when its node is not reached
  // (the partial edge where time runs out, or a way up to a closed gate). Time along an edge is linear
  // from whichever end (or the origin's own position) reaches it first.
  for (const e of edges) {
    const a = edgeFrom[e], b = edgeTo[e], c = costs[e];
    const ta = nodeTime(a), tb = nodeTime(b);
    const ax = nodeX[a], ay = nodeY[a], bx = nodeX[b], by = nodeY[b];
    const k = Math.max(1, Math.ceil(edgeLengthM[e] / step));
    const j0 = ta < Infinity ? 1 : 0, j1 = tb < Infinity ? k - 1 : k;
    // Pruning by the sample before (see stamp) holds when time along the way is no faster than
    // walking straight along the drawn segment; the origin's own edge has a third start in its middle, so it is done in full.
    const prune = e !== origin.edge && c >= Math.hypot(bx - ax, by - ay) * secPerM;
    for (let j = j0; j <= j1; j++) {
      const f = j / k;
      const fromA = ta + f * c, fromB = tb + (1 - f) * c;
      let t = Math.min(fromA, fromB);
      if (e === origin.edge) t = Math.min(t, access + Math.abs(f - origin.t) * c);
      if (t > fieldLimit) continue;
      // The sample before on the way from whichever end reaches this one: j − 1 (node a at j = 1)
      // coming from a, j + 1 (node b at j = k − 1) coming from b. Both were stamped: times grow away
      // from the end that reaches them, so an earlier sample is within the limit when this one is.
      let pf = NaN;
      if (prune) pf = fromA <= fromB ? (j - 1) / k : (j + 1) / k;
      stampCells(raster, ax + f * (bx - ax), ay + f * (by - ay), t, ax + pf * (bx - ax), ay + pf * (by - ay));
    }
  }

  // Windows of all levels in one pass over the field (most cells are unreached and fail the first test).
  const levels = sorted.map((m) => -m * 60);
  const L = levels.length, outer = levels[0] <= levels[L - 1] ? levels[0] : levels[L - 1];
  const win = new Int32Array(4 * L);
  for (let l = 0; l < L; l++) { win[4 * l] = nx; win[4 * l + 1] = -1; win[4 * l + 2] = ny; win[4 * l + 3] = -1; }
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i < nx; i++) {
      const v = field[row + i];
      if (v < outer) continue;
      for (let l = 0; l < L; l++) {
        if (v < levels[l]) continue;
        const w = 4 * l;
        if (i < win[w]) win[w] = i; if (i > win[w + 1]) win[w + 1] = i;
        if (j < win[w + 2]) win[w + 2] = j; if (j > win[w + 3]) win[w + 3] = j;
      }
    }
  }

  const packedFeatures: PackedRingFeature[] = [], features: RingFeature[] = [];
  sorted.forEach((m, l) => {
    const level = levels[l];
    let i0 = win[4 * l], i1 = win[4 * l + 1], j0 = win[4 * l + 2], j1 = win[4 * l + 3];
    const polygonsOut: (Position[][] | number[][])[] = [];
    if (i1 >= 0) {
      i0 = Math.max(0, i0 - 1); j0 = Math.max(0, j0 - 1); i1 = Math.min(nx - 1, i1 + 1); j1 = Math.min(ny - 1, j1 + 1);
      const wx = i1 - i0 + 1, wy = j1 - j0 + 1;
      const { xy, polygons } = contourFlat(field, wx, wy, level, j0 * nx + i0, nx);
      const ox0 = gx0 + i0, oy0 = gy0 + j0;
      const to = {
        lon0: plane.lon(ox0 * cell), lonPerUnit: plane.lon(cell) - plane.lon(0),
        lat0: plane.lat(oy0 * cell), latPerUnit: plane.lat(cell) - plane.lat(0),
      };
      const draw = packed ? drawRingPacked : drawRing;
      for (const poly of polygons) {
        const exterior = draw(xy, poly[0].start, poly[0].end, to, opts);
        if (!exterior) continue;
        const rings: (Position[] | number[])[] = [exterior];
        for (let h = 1; h < poly.length; h++) {
          const hole = draw(xy, poly[h].start, poly[h].end, to, opts);
          if (hole) rings.push(hole);
        }
        polygonsOut.push(rings as Position[][] | number[][]);
      }
    }
    if (packed) packedFeatures.push({ minutes: m, polygons: polygonsOut as number[][][] });
    else features.push({ type: 'Feature', properties: { minutes: m }, geometry: { type: 'MultiPolygon', coordinates: polygonsOut as Position[][][] } });
  });
  const out: PackedRings | RingCollection = packed
    ? { encoding: 'delta', decimals: opts.decimals, features: packedFeatures }
    : { type: 'FeatureCollection', features };
  return out as RingsIn<F>;
}

/** The field being drawn: its grid (origin gx0, gy0 in cells of the global lattice) and the allowance. */
interface Raster { field: Float64Array; nx: number; ny: number; gx0: number; gy0: number; cell: number; R: number; R2: number; secPerM: number }

/**
 * Stamps one reached position (x, y at time t) into the field: every cell centre within the allowance
 * gets t plus the straight walk to it, unless it holds an earlier time already.
 *
 * A stamp may name the sample before it on the same stretch of way (px, py; NaN when none): where
 * time along the way grows at least as fast as walking straight (c ≥ length / speed), a cell within
 * the allowance of that earlier sample already holds a time no later than this one can give it, so
 * only the cells newly in reach are worked out. The result is the same field, with fewer square roots.
 */
function stampCells(r: Raster, x: number, y: number, t: number, px: number, py: number): void {
  const { field, nx, ny, gx0, gy0, cell, R, R2, secPerM } = r;
  const j0 = Math.max(0, Math.ceil((y - R) / cell - 0.5) - gy0), j1 = Math.min(ny - 1, Math.floor((y + R) / cell - 0.5) - gy0);
  const best = -t;
  const prev = px === px; // not NaN
  for (let j = j0; j <= j1; j++) {
    const cy = (gy0 + j + 0.5) * cell;
    const dy = cy - y;
    const half = Math.sqrt(Math.max(0, R2 - dy * dy)); // the row's span inside the allowance circle
    const i0 = Math.max(0, Math.ceil((x - half) / cell - 0.5) - gx0), i1 = Math.min(nx - 1, Math.floor((x + half) / cell - 0.5) - gx0);
    const row = j * nx;
    const ey2 = prev ? (cy - py) * (cy - py) : 0;
    for (let i = i0; i <= i1; i++) {
      if (field[row + i] >= best) continue; // already reached at least as early
      const cx = (gx0 + i + 0.5) * cell;
      if (prev && (cx - px) * (cx - px) + ey2 <= R2) continue; // the earlier sample's cell
      const dx = cx - x;
      const v = -(t + Math.sqrt(dx * dx + dy * dy) * secPerM);
      if (v > field[row + i]) field[row + i] = v;
    }
  }
}

// The field's buffer is kept between calls (single-threaded, never re-entered): a 15-minute field is
// about 25,000 cells, and a fresh one per reach was most of the engine's garbage.
let fieldBuf = new Float64Array(0);
function scratchField(n: number): Float64Array {
  if (fieldBuf.length < n) fieldBuf = new Float64Array(Math.ceil(n * 1.25));
  return fieldBuf.subarray(0, n);
}
