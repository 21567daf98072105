// A static picture of the walking circle for phones without WebGL2: the rings and the numbered points
// drawn as a small SVG from the same /api/reach answer (built as DOM nodes, so no text becomes markup).
import type { RingFeature } from '../common/api.ts';
import { textColorOn } from '../common/dom.ts';
import { ringColor } from '../../../server/palette.ts';

const NS = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface PicturePoint { lon: number; lat: number; number: number; color: string }

export function circlePicture(options: {
  site: [number, number]; rings: RingFeature[]; points: PicturePoint[]; title: string; hereLabel: string; ringLabel: (m: number) => string;
}): SVGSVGElement {
  const { site, rings, points } = options;
  const size = 360;
  const k0 = Math.cos((site[1] * Math.PI) / 180);
  // Fit the largest ring (or the points) into the square, with a margin.
  let maxD = 0.002;
  const extend = (lon: number, lat: number) => { maxD = Math.max(maxD, Math.abs((lon - site[0]) * k0), Math.abs(lat - site[1])); };
  for (const f of rings) for (const poly of f.geometry.coordinates) for (const ring of poly) for (const [lon, lat] of ring) extend(lon, lat);
  for (const p of points) extend(p.lon, p.lat);
  const scale = (size / 2 - 14) / maxD;
  const x = (lon: number) => size / 2 + (lon - site[0]) * k0 * scale;
  const y = (lat: number) => size / 2 - (lat - site[1]) * scale;
  const root = svg('svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', class: 'circle-picture' });
  root.append(svg('title', {}, options.title));
  root.append(svg('rect', { x: 0, y: 0, width: size, height: size, fill: '#f4f2ec' }));
  for (const f of [...rings].sort((a, b) => b.properties.minutes - a.properties.minutes)) {
    const c = ringColor(f.properties.minutes);
    const d = f.geometry.coordinates.map((poly) => poly.map((ring) => `M${ring.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join('L')}Z`).join('')).join('');
    root.append(svg('path', { d, fill: c.fill, 'fill-opacity': 0.2, stroke: c.line, 'stroke-width': 2, 'stroke-dasharray': '6 3', 'fill-rule': 'evenodd' }));
  }
  for (const p of points) {
    root.append(svg('circle', { cx: x(p.lon).toFixed(1), cy: y(p.lat).toFixed(1), r: 11, fill: p.color, stroke: '#ffffff', 'stroke-width': 2 }));
    root.append(svg('text', { x: x(p.lon).toFixed(1), y: (y(p.lat) + 4.5).toFixed(1), 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 700, fill: textColorOn(p.color) }, String(p.number)));
  }
  root.append(svg('circle', { cx: size / 2, cy: size / 2, r: 8, fill: '#111111', stroke: '#ffffff', 'stroke-width': 3 }));
  root.append(svg('text', { x: size / 2, y: size / 2 + 24, 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 700, fill: '#111111', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, options.hereLabel));
  return root;
}
