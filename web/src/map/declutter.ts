// Keeps markers readable where service points crowd together (a clinic and a pharmacy in one building):
// overlapping circles are pushed apart on the screen, and a thin leader line joins each moved marker to
// its true place. Pure: screen positions in, screen positions out.
export type Px = [number, number];

/**
 * Moves circles apart until no two centres are closer than `minDist` (or `iterations` run out).
 * Points that start on the same spot fan out in a fixed order, so the picture is the same every time.
 */
export function spreadApart(points: readonly Px[], minDist: number, iterations = 60, fixed: readonly Px[] = []): Px[] {
  const pos = points.map(([x, y]) => [x, y] as Px);
  const n = pos.length;
  for (let it = 0; it < iterations; it++) {
    let moved = false;
    // Fixed marks (the "you are here" dot) never move; markers step out of their way.
    for (const [fx, fy] of fixed) {
      for (let i = 0; i < n; i++) {
        let dx = pos[i][0] - fx;
        let dy = pos[i][1] - fy;
        let d = Math.hypot(dx, dy);
        if (d >= minDist) continue;
        if (d < 1e-6) { const a = (i * 2.399963) % (2 * Math.PI); dx = Math.cos(a); dy = Math.sin(a); d = 1; }
        pos[i][0] += (dx / d) * (minDist - d + 0.01);
        pos[i][1] += (dy / d) * (minDist - d + 0.01);
        moved = true;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pos[j][0] - pos[i][0];
        let dy = pos[j][1] - pos[i][1];
        let d = Math.hypot(dx, dy);
        if (d >= minDist) continue;
        if (d < 1e-6) { const a = (j * 2.399963) % (2 * Math.PI); dx = Math.cos(a); dy = Math.sin(a); d = 1; }
        const push = (minDist - d) / 2 + 0.01;
        const ux = dx / d, uy = dy / d;
        pos[i][0] -= ux * push; pos[i][1] -= uy * push;
        pos[j][0] += ux * push; pos[j][1] += uy * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return pos;
}
