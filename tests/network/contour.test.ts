// The rings' marching squares (server/network/contour.ts), checked against what a contour must be:
// every cell at or above the level inside, every cell below it outside, exteriors counter-clockwise
// with their holes clockwise, and areas that agree with d3-contour and with geometry.
import { describe, it, expect } from 'vitest';
import { contours } from 'd3-contour';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { contourPolygons, type Polygon } from '../../server/network/contour.ts';
import { seededRandom } from './hexiNetwork.ts';

function signedArea(ring: number[][]): number {
  let s = 0;
  for (let n = 0; n < ring.length - 1; n++) s += ring[n][0] * ring[n + 1][1] - ring[n + 1][0] * ring[n][1];
  return s / 2;
}

const area = (polygons: Polygon[]) => polygons.reduce((sum, poly) => sum + poly.reduce((s, ring) => s + signedArea(ring), 0), 0);

/** A bumpy travel-time-like field: a cone from a few origins plus noise, with islands and holes. */
function bumpyField(rnd: () => number, w: number, h: number): Float64Array {
  const origins = Array.from({ length: 3 }, () => [rnd() * w, rnd() * h]);
  const f = new Float64Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const d = Math.min(...origins.map(([x, y]) => Math.hypot(i - x, j - y)));
      f[j * w + i] = -(d * 10 + 60 * Math.sin(i / 3.1) * Math.cos(j / 2.3) + rnd() * 30);
    }
  }
  return f;
}

describe('contour (marching squares)', () => {
  const rnd = seededRandom(77);
  const fields = Array.from({ length: 6 }, (_, n) => ({ w: 40 + n * 11, h: 35 + n * 7 })).map(({ w, h }) => ({ w, h, f: bumpyField(rnd, w, h) }));
  const LEVELS = [-150, -300, -450];

  it('puts every cell at or above the level inside and every other cell outside', () => {
    let checked = 0, holes = 0;
    for (const { w, h, f } of fields) {
      for (const level of LEVELS) {
        const polygons = contourPolygons(f, w, h, level);
        holes += polygons.reduce((n, p) => n + p.length - 1, 0);
        const shape = { type: 'Feature' as const, properties: {}, geometry: { type: 'MultiPolygon' as const, coordinates: polygons } };
        for (let j = 0; j < h; j++) {
          for (let i = 0; i < w; i++) {
            expect(booleanPointInPolygon([i + 0.5, j + 0.5], shape), `cell ${i},${j} at level ${level}`).toBe(f[j * w + i] >= level);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50_000);
    expect(holes, 'the fields are bumpy enough to have holes').toBeGreaterThan(5);
  });

  it('closes every ring; exteriors run counter-clockwise and holes clockwise (RFC 7946)', () => {
    for (const { w, h, f } of fields) {
      for (const level of LEVELS) {
        for (const [exterior, ...holes] of contourPolygons(f, w, h, level)) {
          for (const ring of [exterior, ...holes]) expect(ring[0]).toEqual(ring.at(-1));
          expect(signedArea(exterior)).toBeGreaterThan(0);
          for (const hole of holes) expect(signedArea(hole)).toBeLessThan(0);
        }
      }
    }
  });

  it('encloses the same area as d3-contour (which it replaced on the hot path)', () => {
    for (const { w, h, f } of fields) {
      for (const level of LEVELS) {
        const ours = area(contourPolygons(f, w, h, level));
        const theirs = Math.abs(contours().size([w, h]).contour(Array.from(f), level).coordinates
          .reduce((sum, poly) => sum + poly.reduce((s, ring) => s + signedArea(ring), 0), 0));
        // The two may resolve an ambiguous (saddle) square differently: a fraction of a cell each.
        expect(Math.abs(ours - theirs)).toBeLessThan(Math.max(2, 0.01 * theirs));
      }
    }
  });

  it('contours a window of a larger grid (offset and stride) exactly as a copy of that window', () => {
    const { w, h, f } = fields[3];
    const i0 = 7, j0 = 5, ww = w - 15, wh = h - 9;
    const copy = new Float64Array(ww * wh);
    for (let j = 0; j < wh; j++) copy.set(f.subarray((j0 + j) * w + i0, (j0 + j) * w + i0 + ww), j * ww);
    for (const level of LEVELS) expect(contourPolygons(f, ww, wh, level, j0 * w + i0, w)).toEqual(contourPolygons(copy, ww, wh, level));
  });

  it('draws an annulus as one polygon with one hole of the right size', () => {
    const w = 120, h = 120, f = new Float64Array(w * h);
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) f[j * w + i] = -Math.abs(Math.hypot(i + 0.5 - 60, j + 0.5 - 60) - 40);
    const polygons = contourPolygons(f, w, h, -10);
    expect(polygons).toHaveLength(1);
    expect(polygons[0]).toHaveLength(2);
    const expected = Math.PI * (50 ** 2 - 30 ** 2);
    expect(Math.abs(area(polygons) - expected) / expected).toBeLessThan(0.01);
  });

  it('is empty below every value and closes around the whole grid at its edge', () => {
    const f = new Float64Array(20 * 10).fill(-5);
    expect(contourPolygons(f, 20, 10, 0)).toEqual([]);
    const all = contourPolygons(f, 20, 10, -10);
    expect(all).toHaveLength(1);
    // the grid's outline, each corner cut by a triangle of ½ × ½ cell
    expect(area(all)).toBeCloseTo(20 * 10 - 4 * 0.125, 6);
  });
});

/** A width × height field from rows written top row last (row j = y from j to j + 1), for hand-made cases. */
function field(rows: number[][]): { f: Float64Array; w: number; h: number } {
  const h = rows.length, w = rows[0].length;
  const f = new Float64Array(w * h);
  rows.forEach((row, j) => row.forEach((v, i) => { f[j * w + i] = v; }));
  return { f, w, h };
}

/** A closed ring as its distinct vertices, rotated to start at the smallest (x, then y): order and direction kept. */
function canonical(ring: number[][]): string[] {
  const pts = ring.slice(0, -1).map(([x, y]) => `${+x.toFixed(6)},${+y.toFixed(6)}`);
  const coords = ring.slice(0, -1);
  let k = 0;
  coords.forEach(([x, y], n) => { if (x < coords[k][0] || (x === coords[k][0] && y < coords[k][1])) k = n; });
  return [...pts.slice(k), ...pts.slice(0, k)];
}

describe('contour, exact geometry on hand-made fields', () => {
  it('puts each crossing where the level lies between the two cell centres, counter-clockwise', () => {
    // one cell at 10 among zeros; the level at 7.5 lies three quarters of the way from 0 to 10,
    // so each vertex sits a quarter cell from the centre (1.5, 1.5)
    const { f, w, h } = field([[0, 0, 0], [0, 10, 0], [0, 0, 0]]);
    const polygons = contourPolygons(f, w, h, 7.5);
    expect(polygons).toHaveLength(1);
    expect(polygons[0]).toHaveLength(1);
    expect(canonical(polygons[0][0])).toEqual(['1.25,1.5', '1.5,1.25', '1.75,1.5', '1.5,1.75']);
    // the same cell at a lower level (4: four tenths of the way up from 0), the vertices move out to 0.6 cell
    expect(canonical(contourPolygons(f, w, h, 4)[0][0])).toEqual(['0.9,1.5', '1.5,0.9', '2.1,1.5', '1.5,2.1']);
  });

  it('interpolates along each edge by its own two values', () => {
    // the inside cell (1, 1) = 10 with neighbours 0 (left), 5 (right), 2 (below), 6 (above); level 8
    const { f, w, h } = field([[0, 2, 0], [0, 10, 5], [0, 6, 0]]);
    const ring = canonical(contourPolygons(f, w, h, 8)[0][0]);
    // left: 1.5 − (10−8)/(10−0) = 1.3; right: 1.5 + 2/5 = 1.9; below: 1.5 − 2/8 = 1.25; above: 1.5 + 2/4 = 2.0
    expect(ring).toEqual(['1.3,1.5', '1.5,1.25', '1.9,1.5', '1.5,2']);
  });

  it('meets the grid edge half a cell out from an inside cell on the border', () => {
    // cell (0, 0) alone inside, in the corner: the virtual border beyond it is outside, crossed at the midpoint
    const { f, w, h } = field([[10, 0], [0, 0]]);
    expect(canonical(contourPolygons(f, w, h, 5)[0][0])).toEqual(['0,0.5', '0.5,0', '1,0.5', '0.5,1']);
    // the top-right corner cell of a 3 × 2 grid: its outer vertices lie on x = 3 and y = 2
    const r = field([[0, 0, 0], [0, 0, 10]]);
    expect(canonical(contourPolygons(r.f, r.w, r.h, 5)[0][0])).toEqual(['2,1.5', '2.5,1', '3,1.5', '2.5,2']);
  });

  it('joins a saddle\'s two inside cells when the square\'s mean reaches the level, and keeps them apart otherwise', () => {
    for (const [name, rows] of [
      ['a c inside (code 5)', [[0, 0, 0, 0], [0, 10, 0, 0], [0, 0, 10, 0], [0, 0, 0, 0]]],
      ['b d inside (code 10)', [[0, 0, 0, 0], [0, 0, 10, 0], [0, 10, 0, 0], [0, 0, 0, 0]]],
    ] as const) {
      const { f, w, h } = field(rows as unknown as number[][]);
      // mean of the square = 5: joined at level 5, apart at 5.5
      const joined = contourPolygons(f, w, h, 5);
      expect(joined, name).toHaveLength(1);
      expect(joined[0], name).toHaveLength(1);
      expect(canonical(joined[0][0]), name).toHaveLength(8);
      const apart = contourPolygons(f, w, h, 5.5);
      expect(apart, name).toHaveLength(2);
      for (const p of apart) expect(canonical(p[0]), name).toHaveLength(4);
      // joined, the region is one piece with the square's centre (2, 2) inside; apart, the centre is outside
      const has = (ps: Polygon[]) => booleanPointInPolygon([2, 2], { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: ps } });
      expect(has(joined), name).toBe(true);
      expect(has(apart), name).toBe(false);
    }
  });

  it('gives each hole to the smallest ring around it: an annulus inside the hole of another annulus', () => {
    // rings of radius 6–8 (outer) and 2–4 (inner) around (10, 10): two polygons, each with its own hole
    const w = 20, h = 20, f = new Float64Array(w * h);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const r = Math.hypot(i + 0.5 - 10, j + 0.5 - 10);
        f[j * w + i] = (r >= 6 && r <= 8) || (r >= 2 && r <= 4) ? 1 : 0;
      }
    }
    const polygons = contourPolygons(f, w, h, 0.5);
    expect(polygons).toHaveLength(2);
    const [inner, outer] = [...polygons].sort((a, b) => signedArea(a[0]) - signedArea(b[0]));
    expect(inner).toHaveLength(2);
    expect(outer).toHaveLength(2);
    // the inner annulus's hole is the small one around the centre; the outer's lies between the two annuli
    expect(Math.abs(signedArea(inner[1]))).toBeLessThan(Math.abs(signedArea(outer[1])));
    expect(Math.abs(signedArea(inner[1]))).toBeLessThan(signedArea(inner[0]));
    const box = (ring: number[][]) => [Math.min(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[0]))];
    expect(box(inner[1])[0]).toBeGreaterThan(box(inner[0])[0]);
    expect(box(outer[1])[0]).toBeLessThan(box(inner[0])[0]);
    expect(box(outer[1])[0]).toBeGreaterThan(box(outer[0])[0]);
  });

  it('gives a hole to the ring that holds it when a smaller ring\'s box also covers the hole', () => {
    // a thin C-shaped island wraps round a square ring from outside: its box covers the ring's hole and its
    // area is smaller, so it sorts first; only the point-in-ring test gives the hole to the square ring
    const rows = Array.from({ length: 30 }, () => new Array(30).fill(0));
    for (let j = 8; j <= 20; j++) for (let i = 8; i <= 20; i++) if (!(i >= 11 && i <= 17 && j >= 11 && j <= 17)) rows[j][i] = 1;
    for (let j = 3; j <= 25; j++) rows[j][3] = 1;
    for (let i = 3; i <= 25; i++) { rows[3][i] = 1; rows[25][i] = 1; }
    const { f, w, h } = field(rows);
    const polygons = contourPolygons(f, w, h, 0.5);
    expect(polygons).toHaveLength(2);
    const island = polygons.find((p) => Math.min(...p[0].map((v) => v[0])) < 4)!;
    const square = polygons.find((p) => p !== island)!;
    expect(signedArea(island[0]), 'the island is the smaller').toBeLessThan(signedArea(square[0]));
    expect(island, 'the island has no hole').toHaveLength(1);
    expect(square, 'the square ring keeps its hole').toHaveLength(2);
    const shape = { type: 'Feature' as const, properties: {}, geometry: { type: 'MultiPolygon' as const, coordinates: polygons } };
    let checked = 0;
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) { expect(booleanPointInPolygon([i + 0.5, j + 0.5], shape), `${i},${j}`).toBe(rows[j][i] === 1); checked++; }
    expect(checked).toBe(w * h);
  });

  it('gives the same answer when called again after a larger grid (its scratch buffers are reused)', () => {
    const small = field([[0, 0, 0], [0, 10, 0], [0, 0, 0]]);
    const first = contourPolygons(small.f, small.w, small.h, 7.5);
    // every third cell of every third row: 10,000 separate islands, far more links than the first buffer holds
    const big = new Float64Array(300 * 300).map((_, n) => (n % 3 === 0 && Math.floor(n / 300) % 3 === 0 ? 1 : 0));
    const islands = contourPolygons(big, 300, 300, 0.5);
    expect(islands).toHaveLength(10_000);
    for (const p of islands) expect(p[0]).toHaveLength(5);
    expect(contourPolygons(small.f, small.w, small.h, 7.5)).toEqual(first);
  });
});
