// Geometry of the board map in page points: the projection fitted to the rings, geometries projected,
// clipped and simplified into path data, and the polyline helpers the label placement walks along.
import { geoArea, geoMercator, geoPath, type GeoProjection } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { Pt, Rect } from './collisions.ts';
import type { BoardContent } from './content.ts';
import { LENGTHS_AT_A1 } from './paper.ts';

/** A way from the `ways` table, for drawing and naming streets. */
export interface StreetWay {
  name: string | null; highway: string; bridge: boolean; tunnel: boolean; coordinates: Position[];
  /** minLon, minLat, maxLon, maxLat */
  bbox?: [number, number, number, number];
}

/** The ways whose bounds meet `bbox` (ways without bounds are kept). */
export function streetsWithin(ways: readonly StreetWay[], bbox: [number, number, number, number]): StreetWay[] {
  const [x0, y0, x1, y1] = bbox;
  return ways.filter((w) => !w.bbox || (w.bbox[0] <= x1 && w.bbox[2] >= x0 && w.bbox[1] <= y1 && w.bbox[3] >= y0));
}

/** A polygon's rings turned the way d3-geo expects (clockwise exterior), whatever the input winding. */
function d3Winding(geometry: MultiPolygon): MultiPolygon {
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((poly) => {
      const a = geoArea({ type: 'Polygon', coordinates: poly });
      return a > 2 * Math.PI ? poly.map((ring) => ring.slice().reverse()) : poly;
    }),
  };
}

/** The non-empty rings, wound for d3-geo, outermost (most minutes) first. */
export function ringFeatures(content: BoardContent): Feature<MultiPolygon, { minutes: number }>[] {
  return content.rings.features
    .filter((f) => f.geometry.coordinates.length > 0)
    .map((f) => ({ ...f, geometry: d3Winding(f.geometry) }))
    .sort((a, b) => b.properties.minutes - a.properties.minutes);
}

/**
 * The Mercator projection that fits the largest ring, the listed points and the site into `frame`,
 * with room for markers at the edge, clipped to the frame; and the frame's extent in lon/lat.
 */
export function fitMapProjection(content: BoardContent, frame: Rect, s: number): { projection: GeoProjection; bbox: [number, number, number, number] } {
  const rings = ringFeatures(content);
  const fit: FeatureCollection<Geometry> = {
    type: 'FeatureCollection',
    features: [
      ...(rings.length ? [rings[0] as Feature<Geometry>] : []),
      ...[...content.rows.map((r) => [r.lon, r.lat]), [content.site.lon, content.site.lat]].map((c) => ({
        type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: c },
      })),
    ],
  };
  const pad = Math.max(LENGTHS_AT_A1.markerHeight * s * 1.4, Math.min(frame.w, frame.h) * 0.045);
  const projection = geoMercator().fitExtent(
    [[frame.x + pad, frame.y + pad], [frame.x + frame.w - pad, frame.y + frame.h - pad]], fit,
  );
  projection.clipExtent([[frame.x, frame.y], [frame.x + frame.w, frame.y + frame.h]]);
  const corners = [
    projection.invert!([frame.x, frame.y])!, projection.invert!([frame.x + frame.w, frame.y + frame.h])!,
  ];
  const bbox: [number, number, number, number] = [
    Math.min(corners[0][0], corners[1][0]), Math.min(corners[0][1], corners[1][1]),
    Math.max(corners[0][0], corners[1][0]), Math.max(corners[0][1], corners[1][1]),
  ];
  return { projection, bbox };
}

/** Points along a polyline at distance `d` from its start. */
export function pointAt(line: Pt[], cum: number[], d: number): Pt {
  let i = 1;
  while (i < line.length - 1 && cum[i] < d) i++;
  const seg = cum[i] - cum[i - 1] || 1;
  const f = Math.min(1, Math.max(0, (d - cum[i - 1]) / seg));
  return [line[i - 1][0] + f * (line[i][0] - line[i - 1][0]), line[i - 1][1] + f * (line[i][1] - line[i - 1][1])];
}

/** Cumulative length at each vertex of a polyline. */
export function lineLength(pts: Pt[]): number[] {
  const cum = [0];
  for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
  return cum;
}

export interface NamedLine { name: string; rank: number; pts: Pt[] }

/** Grow `parts[first]` by every unused part that meets one of its ends; returns the chain and its highest rank. */
function growChain(parts: { rank: number; pts: Pt[] }[], first: number, unused: Set<number>): { rank: number; pts: Pt[] } {
  const key = (p: Pt) => `${Math.round(p[0] * 2)},${Math.round(p[1] * 2)}`;
  let chain = parts[first].pts.slice();
  let rank = parts[first].rank;
  for (let grew = true; grew;) {
    grew = false;
    for (const i of unused) {
      const p = parts[i].pts;
      const [h, tl] = [key(chain[0]), key(chain[chain.length - 1])];
      if (key(p[0]) === tl) chain = chain.concat(p.slice(1));
      else if (key(p[p.length - 1]) === tl) chain = chain.concat(p.slice(0, -1).reverse());
      else if (key(p[p.length - 1]) === h) chain = p.slice(0, -1).concat(chain);
      else if (key(p[0]) === h) chain = p.slice(1).reverse().concat(chain);
      else continue;
      rank = Math.max(rank, parts[i].rank);
      unused.delete(i); grew = true;
    }
  }
  return { rank, pts: chain };
}

/** Join same-named ways end to end (in page coordinates) so a long street gets one long line to label. */
export function chainByName(lines: NamedLine[]): NamedLine[] {
  const byName = new Map<string, { rank: number; pts: Pt[] }[]>();
  for (const l of lines) {
    if (!byName.has(l.name)) byName.set(l.name, []);
    byName.get(l.name)!.push({ rank: l.rank, pts: l.pts });
  }
  const out: NamedLine[] = [];
  for (const [name, parts] of byName) {
    const unused = new Set(parts.map((_, i) => i));
    while (unused.size) {
      const first = unused.values().next().value as number;
      unused.delete(first);
      out.push({ name, ...growChain(parts, first, unused) });
    }
  }
  return out;
}

export function largestOuterRing(g: MultiPolygon | Polygon): Position[] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: Position[] = [], bestN = -1;
  for (const p of polys) if (p[0] && p[0].length > bestN) { best = p[0]; bestN = p[0].length; }
  return best;
}

/** Records what d3-geo draws (after projection and clipping) as polylines in page points. */
class PolylineRecorder {
  lines: { pts: Pt[]; closed: boolean }[] = [];
  private current: Pt[] | null = null;
  moveTo(x: number, y: number): void { this.current = [[x, y]]; this.lines.push({ pts: this.current, closed: false }); }
  lineTo(x: number, y: number): void { this.current?.push([x, y]); }
  closePath(): void { if (this.lines.length) this.lines[this.lines.length - 1].closed = true; this.current = null; }
  arc(): void { /* points are not drawn through this path */ }
  rect(): void { /* unused */ }
}

/** Douglas–Peucker on page coordinates: vertices closer than `tol` to the simplified line go. */
function simplify(pts: Pt[], tol: number): Pt[] {
  if (pts.length <= 2) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const len = Math.hypot(bx - ax, by - ay);
    let worst = -1, worstD = tol;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i];
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > worstD) { worstD = d; worst = i; }
    }
    if (worst > 0) { keep[worst] = 1; stack.push([a, worst], [worst, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}

/**
 * Path data for a geometry, projected and clipped by d3-geo, simplified to `tol` points (far below
 * what print shows) and written with one decimal: rings from the travel-time grid have a vertex
 * every few metres, which is slow for the PDF writer and invisible on paper.
 */
export function pathData(projection: GeoProjection, geometry: Geometry | Feature, tol: number): string {
  const rec = new PolylineRecorder();
  geoPath(projection, rec as unknown as CanvasRenderingContext2D)(geometry as Feature);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  let d = '';
  for (const line of rec.lines) {
    const pts = line.closed && line.pts.length > 3 ? simplify(line.pts.concat([line.pts[0]]), tol).slice(0, -1) : simplify(line.pts, tol);
    if (pts.length < 2) continue;
    d += `M${r1(pts[0][0])} ${r1(pts[0][1])}`;
    for (let i = 1; i < pts.length; i++) d += `L${r1(pts[i][0])} ${r1(pts[i][1])}`;
    if (line.closed) d += 'Z';
  }
  return d;
}
