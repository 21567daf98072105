// Drawing the board's map inside the planned frame: ring fills, streets and ring outlines, then the
// north arrow and scale bar, the "you are here" disc, point markers, ring, point and street labels,
// each placed without collisions. Every placed label and marker box is returned, so tests can check
// that none overlap.
import type { GeoProjection } from 'd3-geo';
import type { Feature, Geometry, MultiPolygon } from 'geojson';
import type { Catalog } from '../catalog.ts';
import { haversineM } from '../geo.ts';
import { ringColor } from '../palette.ts';
import { boxesOverlap, CollisionIndex, rectBox, rotatedBox, type Box, type Pt, type Rect } from './collisions.ts';
import type { BoardRow } from './content.ts';
import { baselineFor, categoryOf, f1, text, type DrawItem, type PlacedLabel, type PlacedMarker } from './displayList.ts';
import { fitText, printable, textWidth } from './fonts.ts';
import { chainByName, largestOuterRing, lineLength, pathData, pointAt, ringFeatures, type StreetWay } from './mapGeometry.ts';
import { markerItems, markerMetrics, markerWidth, type MarkerMetrics } from './markers.ts';
import { BOARD_MESSAGES, type BoardMessages } from './messages.ts';
import { TYPE_AT_A1 } from './paper.ts';
import type { BoardPlan } from './plan.ts';
import { ALERT, INK, INK_SOFT, MAP_BACKGROUND, ringStyle, RULE, streetStyle } from './style.ts';

export interface BoardLayout extends BoardPlan {
  /** Map items (background, rings, streets, markers, labels), drawn before the overlay. */
  mapItems: DrawItem[];
  labels: PlacedLabel[];
  markers: PlacedMarker[];
  /** Point labels that found no free place and show the number only. */
  numberOnly: number[];
}

type Ring = Feature<MultiPolygon, { minutes: number }>;

/** What the placing steps share: the scale, the words, the projection, the frame and what is placed so far. */
interface MapState {
  s: number; t: BoardMessages; projection: GeoProjection; fr: Rect;
  index: CollisionIndex; labels: PlacedLabel[]; markers: PlacedMarker[];
  /** Labels are drawn above the markers. */
  labelItems: DrawItem[];
}

const halo = (size: number) => ({ color: '#ffffff', width: f1(size * 0.26) });

/** Streets: casings, then fills, by rank so major roads sit on top; bridges last. */
function streetItems(streets: StreetWay[], path: (g: Geometry | Feature) => string, s: number): DrawItem[] {
  const out: DrawItem[] = [];
  const styled = streets.map((w) => ({ w, st: streetStyle(w.highway) }))
    .sort((a, b) => Number(a.w.bridge) - Number(b.w.bridge) || a.st.rank - b.st.rank);
  const drawn = styled.map(({ w, st }) => ({ w, st, d: path({ type: 'LineString', coordinates: w.coordinates }) }))
    .filter((x) => x.d);
  // One path per class and layer (ground, then bridges): a few dozen elements instead of hundreds.
  for (const bridge of [false, true]) {
    const groups = new Map<number, { st: ReturnType<typeof streetStyle>; d: string[] }>();
    for (const x of drawn) {
      if (x.w.bridge !== bridge) continue;
      if (!groups.has(x.st.rank)) groups.set(x.st.rank, { st: x.st, d: [] });
      groups.get(x.st.rank)!.d.push(x.d!);
    }
    const ranks = [...groups.keys()].sort((a, b) => a - b);
    for (const r of ranks) {
      const { st, d } = groups.get(r)!;
      if (st.casing === 'none') continue;
      out.push({ kind: 'path', d: d.join(''), stroke: bridge ? '#8d8a84' : st.casing, strokeWidth: f1((st.width + 2 * st.casingWidth) * s), cap: 'round', join: 'round', fill: 'none' });
    }
    for (const r of ranks) {
      const { st, d } = groups.get(r)!;
      out.push({
        kind: 'path', d: d.join(''), stroke: st.fill, strokeWidth: f1(st.width * s), cap: st.dash ? 'butt' : 'round', join: 'round', fill: 'none',
        ...(st.dash ? { dash: st.dash.map((v) => v * s) } : {}),
      });
    }
  }
  return out;
}

/** Background, ring fills (outermost first so nearer rings paint over farther ones), streets, ring outlines. */
function baseMapItems(plan: BoardPlan, rings: Ring[], streets: StreetWay[]): DrawItem[] {
  const { projection, mapFrame: fr, page } = plan;
  const s = page.scale;
  const tol = 0.4 * s;
  const path = (g: Geometry | Feature) => pathData(projection, g, tol);
  const items: DrawItem[] = [];
  items.push({ kind: 'rect', x: f1(fr.x), y: f1(fr.y), w: f1(fr.w), h: f1(fr.h), fill: MAP_BACKGROUND });
  rings.forEach((r, i) => {
    const d = path(r);
    if (d) items.push({ kind: 'path', d, fill: ringStyle(r.properties.minutes, rings.length - 1 - i, rings.length).fill, evenOdd: true });
  });
  items.push(...streetItems(streets, path, s));
  // Ring outlines over the streets.
  rings.forEach((r, i) => {
    const d = path(r);
    const st = ringStyle(r.properties.minutes, rings.length - 1 - i, rings.length);
    if (d) items.push({ kind: 'path', d, fill: 'none', stroke: st.line, strokeWidth: f1(st.width * s), join: 'round', ...(st.dash ? { dash: st.dash.map((v) => v * s) } : {}) });
  });
  return items;
}

/** Pick a "nice" scale-bar length (m) of about `target` metres. */
function niceMetres(target: number): number {
  const steps = [50, 100, 200, 250, 300, 500, 1000, 2000];
  let best = steps[0];
  for (const v of steps) if (v <= target) best = v;
  return best;
}

/** North arrow (top right), an obstacle for labels. */
function northArrowItems(st: MapState): DrawItem[] {
  const { s, t, fr, index } = st;
  const size = TYPE_AT_A1.pointLabel * s;
  const ax = fr.x + fr.w - size * 1.8, ay = fr.y + size * 0.8;
  const aw = size * 1.1, ah = size * 1.5;
  const items: DrawItem[] = [];
  items.push({ kind: 'rect', x: f1(ax - size * 0.6), y: f1(ay - size * 0.3), w: f1(aw + size * 0.6), h: f1(ah + size * 1.6), rx: f1(size * 0.3), fill: '#ffffff', stroke: RULE, strokeWidth: f1(1 * s) });
  const cx = ax - size * 0.6 + (aw + size * 0.6) / 2;
  items.push({ kind: 'path', d: `M${f1(cx)} ${f1(ay)}L${f1(cx + aw / 2)} ${f1(ay + ah)}L${f1(cx)} ${f1(ay + ah * 0.72)}L${f1(cx - aw / 2)} ${f1(ay + ah)}Z`, fill: INK });
  items.push(text(t.north, cx, ay + ah + size * 1.05, size, { weight: 'bold', anchor: 'middle' }));
  index.add(rectBox(ax - size * 0.6, ay - size * 0.3, aw + size * 0.6, ah + size * 1.6));
  return items;
}

/** Scale bar (bottom left): metres per point measured across the map's middle; an obstacle for labels. */
function scaleBarItems(st: MapState): DrawItem[] {
  const { s, t, fr, index, projection } = st;
  const size = TYPE_AT_A1.pointLabel * s;
  const midY = fr.y + fr.h / 2;
  const a = projection.invert!([fr.x + fr.w * 0.25, midY])!, b = projection.invert!([fr.x + fr.w * 0.75, midY])!;
  const metresPerPt = haversineM(a[0], a[1], b[0], b[1]) / (fr.w * 0.5);
  const metres = niceMetres((fr.w * 0.22) * metresPerPt);
  const barW = metres / metresPerPt, barH = 7 * s;
  const sx = fr.x + size * 0.8, sy = fr.y + fr.h - size * 1.0;
  const boxX = sx - size * 0.4, boxY = sy - size * 1.7, boxW = barW + size * 0.8 + textWidth(t.metres(metres), size * 0.85), boxH = size * 2.3;
  const items: DrawItem[] = [
    { kind: 'rect', x: f1(boxX), y: f1(boxY), w: f1(boxW), h: f1(boxH), rx: f1(size * 0.3), fill: '#ffffff', stroke: RULE, strokeWidth: f1(1 * s) },
    { kind: 'rect', x: f1(sx), y: f1(sy - barH), w: f1(barW / 2), h: f1(barH), fill: INK },
    { kind: 'rect', x: f1(sx + barW / 2), y: f1(sy - barH), w: f1(barW / 2), h: f1(barH), fill: '#ffffff', stroke: INK, strokeWidth: f1(1.2 * s) },
    text('0', sx, sy - barH - size * 0.35, size * 0.85, { anchor: 'middle' }),
    text(t.metres(metres), sx + barW, sy - barH - size * 0.35, size * 0.85, { anchor: 'middle' }),
  ];
  index.add(rectBox(boxX, boxY, boxW + size * 0.4, boxH));
  return items;
}

/** "You are here": the site's disc box, and the red tag beside it (placed first, so never dropped). */
function placeYouAreHere(st: MapState, youAt: Pt, youR: number): void {
  const { s, t, index } = st;
  const youBox = rectBox(youAt[0] - youR, youAt[1] - youR, 2 * youR, 2 * youR);
  index.add(youBox);
  st.markers.push({ pointId: null, number: null, at: youAt, box: youBox, displaced: false });

  const size = TYPE_AT_A1.pointLabel * s * 1.1;
  const w = textWidth(t.youAreHere, size, 'bold') + size * 0.9, h = size * 1.55;
  const g = youR * 0.5;
  const cands = [
    [youAt[0] - w / 2, youAt[1] - youR - g - h], [youAt[0] + youR + g, youAt[1] - h / 2], [youAt[0] - youR - g - w, youAt[1] - h / 2],
    [youAt[0] - w / 2, youAt[1] + youR + g], [youAt[0] + youR, youAt[1] - youR - h], [youAt[0] - youR - w, youAt[1] - youR - h],
    [youAt[0] + youR, youAt[1] + youR], [youAt[0] - youR - w, youAt[1] + youR],
  ].map(([x, y]) => rectBox(x, y, w, h));
  // Placed before the point markers, so only the frame can refuse it; then it is never dropped.
  let k = index.placeFirst(cands);
  if (k < 0) { k = 0; index.add(cands[0]); }
  const b = cands[k];
  st.labelItems.push({ kind: 'rect', x: f1(b.minX), y: f1(b.minY), w: f1(w), h: f1(h), rx: f1(h * 0.25), fill: ALERT, stroke: '#ffffff', strokeWidth: f1(2 * s) });
  st.labelItems.push(text(t.youAreHere, b.minX + w / 2, baselineFor(b.minY + h / 2, size), size, { weight: 'bold', fill: '#ffffff', anchor: 'middle' }));
  st.labels.push({ kind: 'you', text: t.youAreHere, box: b });
}

/** Where a marker of width `w` may go: at the point, then outwards on a spiral around it. */
function markerCandidates(at: Pt, m: MarkerMetrics): Pt[] {
  const candidates: Pt[] = [[at[0], at[1]]];
  for (let r = 0.7; r <= 8; r += 0.45) {
    const steps = Math.max(8, Math.round(r * 10));
    for (let k = 0; k < steps; k++) {
      const ang = (k / steps) * 2 * Math.PI - Math.PI / 2;
      candidates.push([at[0] + Math.cos(ang) * r * m.h * 1.1, at[1] + Math.sin(ang) * r * m.h]);
    }
  }
  return candidates;
}

/**
 * Point markers, nearest first: at the point if free, else on the nearest free spot of a spiral
 * around it, with a leader line back to the true position. Returns the leaders and the markers' items.
 */
function placeMarkers(st: MapState, order: BoardRow[], catalog: Catalog, m: MarkerMetrics, markerAt: Map<number, Box>): DrawItem[] {
  const { s, index, projection } = st;
  const leaderItems: DrawItem[] = [];
  const pills: DrawItem[] = [];
  for (const row of order) {
    const at = projection([row.lon, row.lat]);
    if (!at) continue;
    const w = markerWidth(m, row.number);
    const cat = categoryOf(catalog, row.category_id);
    let placed: Box | undefined;
    let displaced = false;
    for (const [cx, cy] of markerCandidates(at as Pt, m)) {
      const box = rectBox(cx - w / 2, cy - m.h / 2, w, m.h);
      if (index.fits(box)) { placed = box; displaced = cx !== at[0] || cy !== at[1]; break; }
    }
    if (!placed) { placed = rectBox(at[0] - w / 2, at[1] - m.h / 2, w, m.h); displaced = false; }
    index.add(placed);
    markerAt.set(row.point_id, placed);
    st.markers.push({ pointId: row.point_id, number: row.number, at: at as Pt, box: placed, displaced });
    if (displaced) {
      const mx = (placed.minX + placed.maxX) / 2, my = (placed.minY + placed.maxY) / 2;
      leaderItems.push({ kind: 'path', d: `M${f1(at[0])} ${f1(at[1])}L${f1(mx)} ${f1(my)}`, stroke: INK_SOFT, strokeWidth: f1(1.6 * s), fill: 'none' });
      leaderItems.push({ kind: 'circle', cx: f1(at[0]), cy: f1(at[1]), r: f1(4.5 * s), fill: cat.color, stroke: '#ffffff', strokeWidth: f1(1.5 * s) });
      index.add(rectBox(at[0] - 5 * s, at[1] - 5 * s, 10 * s, 10 * s));
    }
    pills.push(...markerItems(m, placed.minX, placed.minY, row.number, cat, s));
  }
  return [...leaderItems, ...pills];
}

/** Ring labels: "5分钟" on each ring's outline, at the first free spot, preferring the top. */
function placeRingLabels(st: MapState, rings: Ring[]): void {
  const { s, t, index, projection } = st;
  for (const r of rings.slice().reverse()) {
    const size = TYPE_AT_A1.ringLabel * s;
    const label = t.minutes(r.properties.minutes);
    const w = textWidth(label, size, 'bold') + size * 0.4, h = size * 1.2;
    const outer = largestOuterRing(r.geometry).map((c) => projection(c as [number, number])).filter(Boolean) as Pt[];
    if (outer.length < 3) continue;
    const cum = lineLength(outer);
    const total = cum[cum.length - 1];
    const samples: Pt[] = [];
    for (let k = 0; k < 48; k++) samples.push(pointAt(outer, cum, (k / 48) * total));
    samples.sort((a, b) => a[1] - b[1] || a[0] - b[0]); // topmost first: labels read like a contour key
    const cands = samples.map(([x, y]) => rectBox(x - w / 2, y - h / 2, w, h));
    const k = index.placeFirst(cands);
    if (k < 0) continue;
    const b = cands[k];
    st.labelItems.push(text(label, (b.minX + b.maxX) / 2, baselineFor((b.minY + b.maxY) / 2, size), size, { weight: 'bold', fill: ringColor(r.properties.minutes).line, anchor: 'middle', halo: halo(size) }));
    st.labels.push({ kind: 'ring', text: label, box: b });
  }
}

/** Boxes for a label w×h beside the marker box `mb`: right, left, above, below, then the corners; near, then farther. */
function besideMarker(mb: Box, w: number, h: number, size: number): Box[] {
  const cands: Box[] = [];
  for (const g of [0.2 * size, 0.7 * size]) {
    const cy = (mb.minY + mb.maxY) / 2, cx = (mb.minX + mb.maxX) / 2;
    cands.push(
      rectBox(mb.maxX + g, cy - h / 2, w, h), rectBox(mb.minX - g - w, cy - h / 2, w, h),
      rectBox(cx - w / 2, mb.minY - g - h, w, h), rectBox(cx - w / 2, mb.maxY + g, w, h),
      rectBox(mb.maxX + g * 0.5, mb.minY - h - g * 0.5, w, h), rectBox(mb.maxX + g * 0.5, mb.maxY + g * 0.5, w, h),
      rectBox(mb.minX - w - g * 0.5, mb.minY - h - g * 0.5, w, h), rectBox(mb.minX - w - g * 0.5, mb.maxY + g * 0.5, w, h),
    );
  }
  return cands;
}

/**
 * Point names beside their markers (nearest points first); a name that finds no free place is
 * left out and the marker's number (and the legend) carries it. Returns those points' ids.
 */
function placePointLabels(st: MapState, order: BoardRow[], markerAt: Map<number, Box>): number[] {
  const numberOnly: number[] = [];
  for (const row of order) {
    const mb = markerAt.get(row.point_id);
    if (!mb) continue;
    const size = TYPE_AT_A1.pointLabel * st.s;
    const name = fitText(printable(row.name), size, size * 10);
    const w = textWidth(name, size) + size * 0.3, h = size * 1.2;
    const cands = besideMarker(mb, w, h, size);
    const k = st.index.placeFirst(cands);
    if (k < 0) { numberOnly.push(row.point_id); continue; }
    const b = cands[k];
    st.labelItems.push(text(name, b.minX + size * 0.15, baselineFor((b.minY + b.maxY) / 2, size), size, { fill: INK, halo: halo(size) }));
    st.labels.push({ kind: 'point', text: name, box: b, pointId: row.point_id });
  }
  return numberOnly;
}

interface StreetChain { name: string; rank: number; pts: Pt[]; cum: number[] }
interface StreetSpot { box: Box; c: Pt; angle: number; score: number }

/** Straight enough: every vertex between distances d0 and d1 within `maxDev` of the chord a–b. */
function straightBetween(chain: StreetChain, d0: number, d1: number, a: Pt, b: Pt, len: number, maxDev: number): boolean {
  for (let i = 0; i < chain.pts.length; i++) {
    if (chain.cum[i] <= d0 || chain.cum[i] >= d1) continue;
    const [px, py] = chain.pts[i];
    const dev = Math.abs((b[0] - a[0]) * (a[1] - py) - (a[0] - px) * (b[1] - a[1])) / len;
    if (dev > maxDev) return false;
  }
  return true;
}

/** Spots along a street chain where a w×h name lies on a straight stretch, nearest the site first. */
function streetSpots(chain: StreetChain, w: number, h: number, s: number, youAt: Pt, already: Pt[], spacing: number): StreetSpot[] {
  const cands: StreetSpot[] = [];
  const total = chain.cum[chain.cum.length - 1];
  const step = Math.max(w / 4, 6 * s);
  for (let d = w / 2; d <= total - w / 2; d += step) {
    const a = pointAt(chain.pts, chain.cum, d - w / 2), b = pointAt(chain.pts, chain.cum, d + w / 2);
    // Straight enough: every vertex between a and b within a fifth of the text height of the chord.
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < w * 0.92) continue;
    if (!straightBetween(chain, d - w / 2, d + w / 2, a, b, len, h * 0.2)) continue;
    let angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
    if (angle > Math.PI / 2) angle -= Math.PI;
    if (angle < -Math.PI / 2) angle += Math.PI;
    const c: Pt = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    if (already.some((p) => Math.hypot(p[0] - c[0], p[1] - c[1]) < spacing)) continue;
    cands.push({ box: rotatedBox(c[0], c[1], w, h, angle), c, angle, score: Math.hypot(c[0] - youAt[0], c[1] - youAt[1]) });
  }
  return cands.sort((x, y) => x.score - y.score);
}

/** Street names along straight stretches of their streets, major streets first, near the site first; at most twice each. */
function placeStreetLabels(st: MapState, streets: StreetWay[], youAt: Pt): void {
  const { s, fr, index, projection } = st;
  const size = TYPE_AT_A1.streetLabel * s;
  const named = streets.filter((w) => w.name && w.name.trim()).map((w) => ({
    name: printable(w.name!), rank: streetStyle(w.highway).rank,
    // Unclipped: parts outside the frame are refused by the collision index's area test.
    pts: w.coordinates.map((c) => projection(c as [number, number]) as Pt),
  })).filter((l) => l.name);
  const chains = chainByName(named).map((c) => ({ ...c, cum: lineLength(c.pts) }))
    .sort((a, b) => b.rank - a.rank || b.cum[b.cum.length - 1] - a.cum[a.cum.length - 1]);
  const placedAt = new Map<string, Pt[]>();
  const spacing = Math.hypot(fr.w, fr.h) * 0.33;
  for (const chain of chains) {
    const w = textWidth(chain.name, size) + size * 0.5, h = size * 1.15;
    if (chain.cum[chain.cum.length - 1] < w * 1.05) continue;
    const already = placedAt.get(chain.name) ?? [];
    if (already.length >= 2) continue;
    for (const cand of streetSpots(chain, w, h, s, youAt, already, spacing)) {
      if (already.some((p) => Math.hypot(p[0] - cand.c[0], p[1] - cand.c[1]) < spacing)) continue;
      if (!index.fits(cand.box)) continue;
      index.add(cand.box);
      already.push(cand.c);
      placedAt.set(chain.name, already);
      st.labelItems.push(text(chain.name, cand.c[0], baselineFor(cand.c[1], size), size, {
        fill: INK_SOFT, anchor: 'middle', rotate: f1((cand.angle * 180) / Math.PI), origin: [f1(cand.c[0]), f1(cand.c[1])], halo: halo(size),
      }));
      st.labels.push({ kind: 'street', text: chain.name, box: cand.box });
      if (already.length >= 2) break;
    }
  }
}

export function layoutBoard(plan: BoardPlan, streets: StreetWay[]): BoardLayout {
  const { page, content, catalog, projection, mapFrame: fr, lang } = plan;
  const s = page.scale;
  const rings = ringFeatures(content);
  const mapItems = baseMapItems(plan, rings, streets);

  const st: MapState = {
    s, t: BOARD_MESSAGES[lang], projection, fr,
    index: new CollisionIndex({ x: fr.x + 2 * s, y: fr.y + 2 * s, w: fr.w - 4 * s, h: fr.h - 4 * s }),
    labels: [], markers: [], labelItems: [],
  };
  // Map furniture first: north arrow (top right) and scale bar (bottom left) are obstacles.
  const furniture = [...northArrowItems(st), ...scaleBarItems(st)];

  const m = markerMetrics(s);
  const youAt = projection([content.site.lon, content.site.lat])! as Pt;
  const youR = m.h * 0.55;
  placeYouAreHere(st, youAt, youR);

  const order = content.rows.slice().sort((a, b) => a.walk_min - b.walk_min || a.number - b.number);
  const markerAt = new Map<number, Box>();
  const markerLayer = placeMarkers(st, order, catalog, m, markerAt);
  placeRingLabels(st, rings);
  const numberOnly = placePointLabels(st, order, markerAt);
  placeStreetLabels(st, streets, youAt);

  mapItems.push(...markerLayer);
  // The you-are-here disc above the markers.
  mapItems.push({ kind: 'circle', cx: f1(youAt[0]), cy: f1(youAt[1]), r: f1(youR), fill: ALERT, stroke: '#ffffff', strokeWidth: f1(3 * s) });
  mapItems.push({ kind: 'circle', cx: f1(youAt[0]), cy: f1(youAt[1]), r: f1(youR * 0.35), fill: '#ffffff' });
  mapItems.push(...st.labelItems, ...furniture);
  mapItems.push({ kind: 'rect', x: f1(fr.x), y: f1(fr.y), w: f1(fr.w), h: f1(fr.h), fill: 'none', stroke: INK, strokeWidth: f1(2 * s) });

  return { ...plan, mapItems, labels: st.labels, markers: st.markers, numberOnly };
}

/** Every pair of placed label boxes and every label/marker pair that overlap (for tests and checks). */
export function layoutCollisions(layout: Pick<BoardLayout, 'labels' | 'markers'>): string[] {
  const out: string[] = [];
  const { labels, markers } = layout;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (boxesOverlap(labels[i].box, labels[j].box)) out.push(`label "${labels[i].text}" × label "${labels[j].text}"`);
    }
    for (const mk of markers) {
      if (boxesOverlap(labels[i].box, mk.box)) out.push(`label "${labels[i].text}" × marker ${mk.number ?? 'you'}`);
    }
  }
  return out;
}
