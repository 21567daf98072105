// Boxes on the page and the index that keeps labels apart. A box is a convex polygon (an axis-aligned
// rectangle, or a rotated one for a street name); two boxes collide when their polygons overlap
// (separating-axis test), touching edges excepted.

export type Pt = [number, number];
export interface Rect { x: number; y: number; w: number; h: number }

/** A box as a polygon of four corners, with its axis-aligned bounds for a quick first test. */
export interface Box {
  poly: Pt[];
  minX: number; minY: number; maxX: number; maxY: number;
}

export function rectBox(x: number, y: number, w: number, h: number): Box {
  return { poly: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]], minX: x, minY: y, maxX: x + w, maxY: y + h };
}

/** A w×h box centred on (cx, cy), turned by `angle` radians. */
export function rotatedBox(cx: number, cy: number, w: number, h: number, angle: number): Box {
  const c = Math.cos(angle), s = Math.sin(angle);
  const corners: Pt[] = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]
    .map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
  return polygonBox(corners);
}

export function polygonBox(poly: Pt[]): Box {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of poly) {
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  return { poly, minX, minY, maxX, maxY };
}

function project(poly: Pt[], ax: number, ay: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const [x, y] of poly) {
    const d = x * ax + y * ay;
    if (d < lo) lo = d; if (d > hi) hi = d;
  }
  return [lo, hi];
}

/** True when the two convex polygons overlap by more than `eps` (separating axis theorem). */
export function boxesOverlap(a: Box, b: Box, eps = 1e-6): boolean {
  if (a.maxX <= b.minX + eps || b.maxX <= a.minX + eps || a.maxY <= b.minY + eps || b.maxY <= a.minY + eps) return false;
  for (const poly of [a.poly, b.poly]) {
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % poly.length];
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const ax = -(y2 - y1) / len, ay = (x2 - x1) / len;
      const [alo, ahi] = project(a.poly, ax, ay), [blo, bhi] = project(b.poly, ax, ay);
      if (ahi <= blo + eps || bhi <= alo + eps) return false;
    }
  }
  return true;
}

export function boxInside(box: Box, area: Rect): boolean {
  return box.minX >= area.x && box.minY >= area.y && box.maxX <= area.x + area.w && box.maxY <= area.y + area.h;
}

/** Placed boxes within one area (the map frame); a candidate fits if it is inside and free. */
export class CollisionIndex {
  private readonly boxes: Box[] = [];
  constructor(readonly area: Rect) {}

  fits(box: Box): boolean {
    if (!boxInside(box, this.area)) return false;
    for (const b of this.boxes) if (boxesOverlap(b, box)) return false;
    return true;
  }

  add(box: Box): void { this.boxes.push(box); }

  /** Adds the first candidate that fits and returns its index, or -1. */
  placeFirst(candidates: Box[]): number {
    for (let i = 0; i < candidates.length; i++) {
      if (this.fits(candidates[i])) { this.add(candidates[i]); return i; }
    }
    return -1;
  }
}

/** Grow a box by `pad` on every side (a rectangle's corners move outward along both axes). */
export function padRect(r: Rect, pad: number): Rect {
  return { x: r.x - pad, y: r.y - pad, w: r.w + 2 * pad, h: r.h + 2 * pad };
}
