// Marching squares for the ring raster: the region where a grid of values is ≥ a level, as
// polygons with holes. Written for the walking engine's hot path (a reach draws three of these):
// each crossing point of the lattice gets one integer id, a square links its "exit" crossing to its
// "entry" crossing, and rings fall out by following the links. No hash maps, no fragment stitching,
// linear in the number of cells.
//
// Geometry: the value of cell (i, j) sits at the cell's centre (i + 0.5, j + 0.5); coordinates run
// from 0 to width and 0 to height. Outside the grid counts as below the level. Crossings are placed
// by linear interpolation between the two centres. Rings are traversed with the region on the left:
// exterior rings are counter-clockwise and holes clockwise when y points up (as in GeoJSON, RFC 7946).

export type Ring = number[][]; // closed: the first point repeated at the end
export type Polygon = Ring[]; // exterior first, then its holes

/**
 * Polygons of the set { values[offset + j·stride + i] ≥ level } for 0 ≤ i < width, 0 ≤ j < height
 * (offset and stride let a caller contour a window of a larger grid without copying it). A saddle
 * square joins its two inside corners when the mean of its four values is also ≥ level.
 */
export function contourPolygons(
  values: Float64Array, width: number, height: number, level: number, offset = 0, stride = width,
): Polygon[] {
  const flat = contourFlat(values, width, height, level, offset, stride);
  return flat.polygons.map((rings) => rings.map((r) => flatRing(flat.xy, r.start, r.end)));
}

/** A ring of a flat contour: vertices start … end − 1 of `xy` (x at 2k, y at 2k + 1), not closed. */
export interface FlatRing { start: number; end: number }

/**
 * The same polygons as contourPolygons, with every vertex in one flat array (no array per vertex:
 * the walking engine's hot path reads them once). `xy` is a scratch buffer, valid until the next call.
 */
export interface FlatContour { xy: Float64Array; polygons: FlatRing[][] }

export function contourFlat(
  values: Float64Array, width: number, height: number, level: number, offset = 0, stride = width,
): FlatContour {
  // Lattice of cell centres padded by one virtual row/column on every side (always outside):
  // padded index (p, q) = cell (p − 1, q − 1). Squares have their lower-left corner at (p, q).
  const pw = width + 2, ph = height + 2;
  const inside = scratchInside(pw * ph);
  markInside(values, width, height, level, offset, stride, inside, pw);
  // Crossing ids: horizontal lattice edge (p,q)–(p+1,q) is q·pw + p; vertical edge (p,q)–(p,q+1)
  // is pw·ph + q·pw + p. next[id] − 1 is the crossing the ring goes to from id (0: none yet).
  // All zero on entry, and again on return: following the rings clears every link it set.
  const next = scratchNext(2 * pw * ph);
  const nStarts = linkSquares(values, stride, offset, level, inside, pw, ph, next);

  const exteriors: Exterior[] = [];
  const holes: FlatRing[] = [];
  const grid: Lattice = { values, width, height, level, offset, stride, pw, vBase: pw * ph };
  let len = 0; // vertices written to xyBuf
  for (let n = 0; n < nStarts; n++) {
    const start = startsBuf[n];
    if (next[start] === 0) continue; // already part of a ring
    const first = len;
    let id = start;
    do {
      if (2 * len + 2 > xyBuf.length) { const grown = new Float64Array(2 * xyBuf.length); grown.set(xyBuf); xyBuf = grown; }
      crossing(grid, id, xyBuf, 2 * len);
      len++;
      const to = next[id] - 1;
      next[id] = 0;
      id = to;
      // A guard, never taken: every crossing a ring reaches has its link set (next[id] − 1 ≥ 0).
      if (id < 0) break;
    } while (id !== start);
    const ring = { start: first, end: len };
    const area = signedArea(xyBuf, first, len);
    if (area > 0) exteriors.push({ ring, area, holes: [], box: boxOf(xyBuf, first, len) });
    else holes.push(ring);
  }

  // Each hole belongs to the smallest exterior that contains it. A hole lies inside some exterior,
  // so when there is only one exterior, that is the one (the common case: one ring per minute). Else
  // the exteriors are tried smallest first, by their bounding box, then by the even-odd rule on the
  // flat vertices (a grid's field can have hundreds of holes and dozens of islands: no array per test).
  exteriors.sort((x, y) => x.area - y.area);
  for (const hole of holes) {
    const x = xyBuf[2 * hole.start], y = xyBuf[2 * hole.start + 1];
    const owner = exteriors.length === 1 ? exteriors[0] : exteriors.find((e) =>
      x >= e.box[0] && x <= e.box[2] && y >= e.box[1] && y <= e.box[3] && flatRingContains(xyBuf, e.ring.start, e.ring.end, x, y));
    owner?.holes.push(hole);
  }
  return { xy: xyBuf, polygons: exteriors.map((e) => [e.ring, ...e.holes]) };
}

/** A flat ring's vertices as a closed ring of positions. */
function flatRing(xy: Float64Array, start: number, end: number): Ring {
  const ring: Ring = [];
  for (let k = start; k < end; k++) ring.push([xy[2 * k], xy[2 * k + 1]]);
  ring.push(ring[0]);
  return ring;
}

interface Exterior { ring: FlatRing; area: number; holes: FlatRing[]; box: [number, number, number, number] }

/** [minX, minY, maxX, maxY] of vertices start … end − 1. */
function boxOf(xy: Float64Array, start: number, end: number): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let k = start; k < end; k++) {
    const x = xy[2 * k], y = xy[2 * k + 1];
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Whether (x, y) lies inside the ring of vertices start … end − 1 (closed back to start), by the even-odd
 * rule: a ray to the right crosses its edges an odd number of times. Rings of one contour never touch, so
 * a hole's vertex is never on an exterior's boundary and the rule's treatment of the boundary never matters.
 */
function flatRingContains(xy: Float64Array, start: number, end: number, x: number, y: number): boolean {
  let inside = false;
  for (let i = start, j = end - 1; i < end; j = i++) {
    const xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
    if ((yi > y) !== (yj > y) && x < xi + ((xj - xi) * (y - yi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}
interface Lattice { values: Float64Array; width: number; height: number; level: number; offset: number; stride: number; pw: number; vBase: number }

function markInside(values: Float64Array, width: number, height: number, level: number, offset: number, stride: number, inside: Uint8Array, pw: number): void {
  for (let j = 0; j < height; j++) {
    const row = offset + j * stride, prow = (j + 1) * pw + 1;
    for (let i = 0; i < width; i++) inside[prow + i] = values[row + i] >= level ? 1 : 0;
  }
}

/** Links every square's exit crossing to its entry crossing; returns how many links (in startsBuf). */
function linkSquares(values: Float64Array, stride: number, offset: number, level: number, inside: Uint8Array, pw: number, ph: number, next: Int32Array): number {
  const vBase = pw * ph;
  let n = 0;
  const link = (from: number, to: number) => {
    next[from] = to + 1;
    if (n === startsBuf.length) { const grown = new Int32Array(2 * n); grown.set(startsBuf); startsBuf = grown; }
    startsBuf[n++] = from;
  };
  for (let q = 0; q < ph - 1; q++) {
    const rowStart = q * pw;
    // Corners carried along the row: a, d on the square's left side, b, c on its right.
    let a = inside[rowStart], d = inside[rowStart + pw];
    for (let p = 0; p < pw - 1; p++) {
      const k = rowStart + p;
      const b = inside[k + 1], c = inside[k + pw + 1];
      const code = a | (b << 1) | (c << 2) | (d << 3);
      a = b; d = c;
      if (code === 0 || code === 15) continue;
      // Square edges walked counter-clockwise: bottom a→b, right b→c, top c→d, left d→a.
      const bottom = k, right = vBase + k + 1, top = k + pw, left = vBase + k;
      // An edge whose start is inside and end outside is an exit; the reverse an entry. The ring
      // leaves the square boundary at an exit and rejoins it at an entry.
      switch (code) {
        case 1: link(bottom, left); break; // a
        case 2: link(right, bottom); break; // b
        case 3: link(right, left); break; // a b
        case 4: link(top, right); break; // c
        case 6: link(top, bottom); break; // b c
        case 7: link(top, left); break; // a b c
        case 8: link(left, top); break; // d
        case 9: link(bottom, top); break; // a d
        case 11: link(right, top); break; // a b d
        case 12: link(left, right); break; // c d
        case 13: link(bottom, right); break; // a c d
        case 14: link(left, bottom); break; // b c d
        case 5: { // a and c inside: exits on bottom and top, entries on right and left
          if (centreInside(values, offset + (q - 1) * stride + p - 1, stride, level)) { link(bottom, right); link(top, left); }
          else { link(bottom, left); link(top, right); }
          break;
        }
        case 10: { // b and d inside: exits on right and left, entries on bottom and top
          if (centreInside(values, offset + (q - 1) * stride + p - 1, stride, level)) { link(right, top); link(left, bottom); }
          else { link(right, bottom); link(left, top); }
          break;
        }
      }
    }
  }
  return n;
}

function latticeValue(g: Lattice, p: number, q: number): number {
  return p >= 1 && q >= 1 && p <= g.width && q <= g.height ? g.values[g.offset + (q - 1) * g.stride + (p - 1)] : -Infinity;
}

/** A crossing's position, interpolated between the two centres of its lattice edge, written at out[at], out[at + 1]. */
function crossing(g: Lattice, id: number, out: Float64Array, at: number): void {
  const vertical = id >= g.vBase;
  const k = vertical ? id - g.vBase : id;
  const p = k % g.pw, q = (k - p) / g.pw;
  const v0 = latticeValue(g, p, q), v1 = vertical ? latticeValue(g, p, q + 1) : latticeValue(g, p + 1, q);
  const t = v0 === -Infinity || v1 === -Infinity ? 0.5 : (g.level - v0) / (v1 - v0);
  // padded (p, q) is cell (p − 1, q − 1), whose centre is at (p − 0.5, q − 0.5)
  if (vertical) { out[at] = p - 0.5; out[at + 1] = q - 0.5 + t; }
  else { out[at] = p - 0.5 + t; out[at + 1] = q - 0.5; }
}

function centreInside(values: Float64Array, k: number, stride: number, level: number): boolean {
  // The square's corners are cells k, k+1, k+stride+1, k+stride; a saddle never touches the virtual
  // border (two of its corners are inside, on opposite diagonals), so all four are real.
  return (values[k] + values[k + 1] + values[k + stride + 1] + values[k + stride]) / 4 >= level;
}

// Scratch buffers kept between calls (a reach contours three levels; fresh arrays were most of the
// garbage). Single-threaded and never re-entered, so one of each suffices.
let insideBuf = new Uint8Array(0);
let nextBuf = new Int32Array(0);
let startsBuf = new Int32Array(1024);
let xyBuf = new Float64Array(8192);
function scratchInside(n: number): Uint8Array {
  // Cleared so that the virtual border reads as outside (markInside writes every real cell).
  if (insideBuf.length < n) insideBuf = new Uint8Array(Math.ceil(n * 1.25));
  const view = insideBuf.subarray(0, n);
  view.fill(0);
  return view;
}
function scratchNext(n: number): Int32Array {
  if (nextBuf.length < n) nextBuf = new Int32Array(Math.ceil(n * 1.25));
  return nextBuf.subarray(0, n);
}

/** Twice-halved shoelace sum of vertices start … end − 1 (closed back to start). */
function signedArea(xy: Float64Array, start: number, end: number): number {
  let s = 0;
  for (let n = start; n < end; n++) {
    const m = n + 1 === end ? start : n + 1;
    s += xy[2 * n] * xy[2 * m + 1] - xy[2 * m] * xy[2 * n + 1];
  }
  return s / 2;
}

