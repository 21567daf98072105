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

/** lon = lon0 + lonPerUnit · x, lat = lat0 + latPerUnit · y: how a contour's lattice units map to degrees. */
export interface LatticeToLonLat { lon0: number; lonPerUnit: number; lat0: number; latPerUnit: number }

/**
 * A contour ring (region on the left) in lattice units, vertices start … end − 1 of the flat `xy`
 * (x at 2k, y at 2k + 1; closed back to its first vertex, whether or not that is repeated), written
 * as lon/lat rounded and simplified outward. Returns null when rounding leaves fewer than three
 * distinct vertices.
 */
export function drawRing(xy: Float64Array, start: number, end: number, to: LatticeToLonLat, precision: RingPrecision): Position[] | null {
  const n = outline(xy, start, end, to, precision);
  if (n < 0) return null;
  const scale = 10 ** precision.decimals, xs = xsBuf, ys = ysBuf, keep = keepBuf;
  const out: Position[] = new Array(keptCount + 1);
  let m = 0;
  for (let k = 0; k < n; k++) if (keep[k]) out[m++] = [xs[k] / scale, ys[k] / scale];
  out[m] = out[0];
  return out;
}

/**
 * The same ring packed (./packedRings.ts): its kept vertices as integers of the lattice of
 * `precision.decimals`, the first one whole and each next one as the difference from the one before,
 * x and y in turn, without the closing copy. Decoded, it is exactly what drawRing gives.
 */
export function drawRingPacked(xy: Float64Array, start: number, end: number, to: LatticeToLonLat, precision: RingPrecision): number[] | null {
  const n = outline(xy, start, end, to, precision);
  if (n < 0) return null;
  const xs = xsBuf, ys = ysBuf, keep = keepBuf;
  // Small integers (`| 0`: |lon|, |lat| · 10^5 fit in 32 bits), so the array stays one of V8's small-integer
  // arrays: no conversion to doubles while it fills, and JSON.stringify's fast path for it. Made at its final
  // size: grown by push, these arrays survived young-generation collections (a reach on the 1M-node grid had
  // 12 % of its bytes promoted and spent 15 % of its time collecting; made whole, 2 % and 4 %).
  const out: number[] = new Array(2 * keptCount);
  let px = 0, py = 0, m = 0;
  for (let k = 0; k < n; k++) {
    if (!keep[k]) continue;
    out[m++] = (xs[k] - px) | 0; out[m++] = (ys[k] - py) | 0;
    px = xs[k]; py = ys[k];
  }
  return out;
}

// How many vertices the last outline kept.
let keptCount = 0;

/**
 * Rounds and simplifies a ring into the scratch buffers: xs/ys hold its n distinct rounded vertices
 * (integer lattice units), keep[k] marks those drawn (keptCount of them). Returns n, or −1 when
 * rounding leaves fewer than three.
 */
function outline(xy: Float64Array, start: number, end: number, to: LatticeToLonLat, precision: RingPrecision): number {
  const scale = 10 ** precision.decimals;
  // Integer grid units: exact cross products (|coordinate| < 2^25 at 5 decimals, products < 2^53).
  const n0 = end - start;
  if (xsBuf.length < n0 + 1) { xsBuf = new Float64Array(2 * n0 + 1); ysBuf = new Float64Array(2 * n0 + 1); keepBuf = new Uint8Array(2 * n0 + 1); }
  const xs = xsBuf, ys = ysBuf;
  let n = 0;
  for (let k = start; k < end; k++) {
    const x = Math.round((to.lon0 + to.lonPerUnit * xy[2 * k]) * scale), y = Math.round((to.lat0 + to.latPerUnit * xy[2 * k + 1]) * scale);
    if (n > 0 && x === xs[n - 1] && y === ys[n - 1]) continue;
    xs[n] = x; ys[n] = y; n++;
  }
  if (n > 1 && xs[n - 1] === xs[0] && ys[n - 1] === ys[0]) n--; // the closing copy, put back below
  if (n < 3) return -1;
  xs[n] = xs[0]; ys[n] = ys[0];

  const keep = keepBuf;
  keep.fill(0, 0, n + 1);
  let kept = n;
  if (precision.simplifyM > 0) {
    // Metres per grid unit at this latitude, for the tolerance only (the side test is exact).
    const mPerUnitY = 111_320 / scale, mPerUnitX = mPerUnitY * Math.cos((ys[0] / scale) * Math.PI / 180);
    // Anchors: vertex 0 and the vertex farthest from it; the ring is closed at index n (= vertex 0).
    let far = 1, farD = -1;
    for (let k = 1; k < n; k++) {
      const dx = (xs[k] - xs[0]) * mPerUnitX, dy = (ys[k] - ys[0]) * mPerUnitY, d = dx * dx + dy * dy;
      if (d > farD) { farD = d; far = k; }
    }
    keep[0] = keep[far] = keep[n] = 1;
    let top = 0;
    const stack = stackOf(4 * n);
    stack[top++] = 0; stack[top++] = far; stack[top++] = far; stack[top++] = n;
    const eps2 = precision.simplifyM * precision.simplifyM;
    while (top > 0) {
      const j = stack[--top], i = stack[--top];
      if (j - i < 2) continue;
      const ax = xs[i], ay = ys[i], ux = xs[j] - ax, uy = ys[j] - ay;
      const cx = ux * mPerUnitX, cy = uy * mPerUnitY, len2 = cx * cx + cy * cy;
      // A vertex right of the chord (outside the region) must stay, or the ring would shrink there;
      // otherwise the one farthest left stays if it is beyond the tolerance. Distance from the chord's
      // line is |cross| · mPerUnitX · mPerUnitY / |chord| metres, so "beyond the tolerance" is
      // cross > eps · |chord| / (mPerUnitX · mPerUnitY) in grid units: no division per vertex.
      // Both kinds in one pass, each test rarely true (a new extreme), so the branches predict well.
      let splitRight = -1, worstRight = 0, splitLeft = -1;
      let worstLeft = len2 > 0 ? Math.sqrt(eps2 * len2) / (mPerUnitX * mPerUnitY) : 0;
      for (let k = i + 1; k < j; k++) {
        const cross = ux * (ys[k] - ay) - uy * (xs[k] - ax); // exact, in grid units
        if (cross < worstRight) { worstRight = cross; splitRight = k; }
        else if (cross > worstLeft) { worstLeft = cross; splitLeft = k; }
      }
      const split = splitRight >= 0 ? splitRight : splitLeft;
      if (split < 0) continue;
      keep[split] = 1;
      stack[top++] = i; stack[top++] = split; stack[top++] = split; stack[top++] = j;
    }
    kept = 0;
    for (let k = 0; k < n; k++) kept += keep[k];
    if (kept < 3) { keep.fill(1, 0, n); kept = n; }
  } else {
    keep.fill(1, 0, n);
  }
  keptCount = kept;
  return n;
}

// Scratch buffers kept between calls (the engine is single-threaded and never re-entered).
let xsBuf = new Float64Array(0), ysBuf = new Float64Array(0), keepBuf = new Uint8Array(0), stackBuf = new Int32Array(0);
function stackOf(n: number): Int32Array {
  if (stackBuf.length < n) stackBuf = new Int32Array(n);
  return stackBuf;
}
