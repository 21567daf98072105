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
