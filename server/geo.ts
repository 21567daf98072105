// Small geodesy helpers for the walking engine: great-circle metres between lon/lat points and a
// local metric plane (equirectangular about a fixed centre) for snapping and the ring raster.
// At district scale (≈10 km) the plane's distance error is far below a metre per kilometre.

export type LonLat = [lon: number, lat: number];

/** Mean Earth radius used everywhere in the engine (metres). */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. Edge lengths and straight-line distances both use it, so a
 * walked path (a chain of such arcs) can never be shorter than the straight line. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** A local plane in metres about (lon0, lat0). */
export class LocalPlane {
  readonly mPerDegLon: number;
  readonly mPerDegLat: number;
  constructor(readonly lon0: number, readonly lat0: number) {
    this.mPerDegLat = EARTH_RADIUS_M * RAD;
    this.mPerDegLon = this.mPerDegLat * Math.cos(lat0 * RAD);
  }
  x(lon: number): number { return (lon - this.lon0) * this.mPerDegLon; }
  y(lat: number): number { return (lat - this.lat0) * this.mPerDegLat; }
  lon(x: number): number { return this.lon0 + x / this.mPerDegLon; }
  lat(y: number): number { return this.lat0 + y / this.mPerDegLat; }
}

/** Closest point of segment a–b to p in the plane: fraction t ∈ [0,1] along a→b and distance. */
export function projectOnSegment(
  px: number, py: number, ax: number, ay: number, bx: number, by: number,
): { t: number; dist: number } {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0; else if (t > 1) t = 1;
  return { t, dist: Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) };
}

/** Whether a point lies inside a closed ring (even-odd ray test, in the ring's own coordinates). */
export function ringContains(ring: [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
