// Positions at a chosen distance outside a street's area, for the area tests (API and browser).
import { metresOutside, type AreaShape } from '../../server/records/placement.ts';

/**
 * A position `metres` outside the street's area, next to the middle of one of its outer edges, that lies
 * in another street's area (so inside the district).
 */
export function besideBoundary(approximate: AreaShape[], area: AreaShape, metres: number): [number, number] {
  const kx = 111_320 * Math.cos((39.1 * Math.PI) / 180);
  const others = approximate.filter((a) => a.level === 'street' && a.code !== area.code);
  const ring = area.polygons[0][0];
  for (let i = 1; i < ring.length; i += 1) {
    const [ax, ay] = ring[i - 1];
    const [bx, by] = ring[i];
    const len = Math.hypot((bx - ax) * kx, (by - ay) * 111_320);
    if (len < 200) continue;
    const [mx, my] = [(ax + bx) / 2, (ay + by) / 2];
    for (const sign of [1, -1]) {
      // The unit normal of the edge in metres, turned back into degrees.
      const nx = (-(by - ay) * 111_320) / len, ny = ((bx - ax) * kx) / len;
      const p: [number, number] = [mx + (sign * nx * metres) / kx, my + (sign * ny * metres) / 111_320];
      const d = metresOutside(area, p[0], p[1]);
      if (Math.abs(d - metres) < 5 && others.some((o) => metresOutside(o, p[0], p[1]) === 0)) {
        return [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
      }
    }
  }
  throw new Error(`no edge of ${area.code} has room for a point ${metres} m outside`);
}
