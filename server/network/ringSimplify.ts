// Drawing a contour ring at the precision its promise needs: vertices rounded to a lon/lat grid
// (5 decimals ≈ 1 m), then simplified within a few metres, only ever outward. A ring that only grows
// never drops a place it reached, and since every kept vertex is a rounded contour vertex, a smaller
// ring (or a slower profile's ring) still lies inside a larger one: rounding keeps the order of the
// crossings along each lattice edge, and the larger ring's simplified outline encloses its rounded one.

import type { Position } from 'geojson';

export interface RingPrecision {
  /** Decimals of the lon/lat written out (5 ≈ 1 m). */
  decimals: number;
  /** How far (metres) a simplified outline may run outside the contour. 0 keeps every vertex. */
  simplifyM: number;
}

/**
 * A closed ring (first point repeated at the end, region on the left) given as lon/lat pairs, rounded
 * and simplified outward. Returns null when rounding leaves fewer than three distinct vertices.
 */
export function drawRing(lonLat: readonly (readonly number[])[], precision: RingPrecision): Position[] | null {
  const scale = 10 ** precision.decimals;
  // Integer grid units: exact cross products (|coordinate| < 2^25 at 5 decimals, products < 2^53).
  const n0 = lonLat.length;
  const xs = new Float64Array(n0), ys = new Float64Array(n0);
  let n = 0;
  for (let k = 0; k < n0; k++) {
    const x = Math.round(lonLat[k][0] * scale), y = Math.round(lonLat[k][1] * scale);
    if (n > 0 && x === xs[n - 1] && y === ys[n - 1]) continue;
    xs[n] = x; ys[n] = y; n++;
  }
  if (n > 1 && xs[n - 1] === xs[0] && ys[n - 1] === ys[0]) n--; // drop the closing copy for now
  if (n < 3) return null;

  const keep = new Uint8Array(n + 1);
  if (precision.simplifyM > 0) {
    // Metres per grid unit at this latitude, for the tolerance only (the side test is exact).
    const mPerUnitY = 111_320 / scale, mPerUnitX = mPerUnitY * Math.cos((ys[0] / scale) * Math.PI / 180);
    const px = (k: number) => xs[k % n], py = (k: number) => ys[k % n];
    // Anchors: vertex 0 and the vertex farthest from it; the ring is closed at index n (= vertex 0).
    let far = 1, farD = -1;
    for (let k = 1; k < n; k++) {
      const dx = (xs[k] - xs[0]) * mPerUnitX, dy = (ys[k] - ys[0]) * mPerUnitY, d = dx * dx + dy * dy;
      if (d > farD) { farD = d; far = k; }
    }
    keep[0] = keep[far] = keep[n] = 1;
    const stack = [0, far, far, n];
    const eps2 = precision.simplifyM * precision.simplifyM;
    while (stack.length) {
      const j = stack.pop()!, i = stack.pop()!;
      if (j - i < 2) continue;
      const ax = px(i), ay = py(i), bx = px(j), by = py(j);
      const cx = (bx - ax) * mPerUnitX, cy = (by - ay) * mPerUnitY, len2 = cx * cx + cy * cy;
      // A vertex right of the chord (outside the region) must stay, or the ring would shrink there;
      // otherwise the one farthest left stays if it is beyond the tolerance.
      let split = -1, worstRight = 0, worstLeft2 = eps2;
      for (let k = i + 1; k < j; k++) {
        const cross = (bx - ax) * (py(k) - ay) - (by - ay) * (px(k) - ax); // exact, in grid units
        if (cross < 0) {
          const m = -cross;
          if (m > worstRight) { worstRight = m; split = k; }
        } else if (worstRight === 0 && cross > 0) {
          const dx = (px(k) - ax) * mPerUnitX, dy = (py(k) - ay) * mPerUnitY;
          const along = len2 > 0 ? (dx * cx + dy * cy) / len2 : 0;
          const ex = dx - along * cx, ey = dy - along * cy, d2 = ex * ex + ey * ey;
          if (d2 > worstLeft2) { worstLeft2 = d2; split = k; }
        }
      }
      if (split < 0) continue;
      keep[split] = 1;
      stack.push(i, split, split, j);
    }
    let kept = 0;
    for (let k = 0; k < n; k++) kept += keep[k];
    if (kept < 3) keep.fill(1);
  } else {
    keep.fill(1);
  }
  const out: Position[] = [];
  for (let k = 0; k < n; k++) if (keep[k]) out.push([xs[k] / scale, ys[k] / scale]);
  out.push(out[0]);
  return out;
}
