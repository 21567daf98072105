// The numbered marker pill that stands for a point on the map and in the legend's first column.
import type { Category } from '../catalog.ts';
import { baselineFor, f1, text, type DrawItem } from './displayList.ts';
import { textWidth } from './fonts.ts';
import { LENGTHS_AT_A1, TYPE_AT_A1 } from './paper.ts';
import { INK, textOn } from './style.ts';

export interface MarkerMetrics { h: number; size: number; padX: number; iconW: number; gap: number }

/** The pill's measures at page scale `s`. */
export function markerMetrics(s: number): MarkerMetrics {
  const h = LENGTHS_AT_A1.markerHeight * s;
  return { h, size: TYPE_AT_A1.marker * s, padX: 0.12 * h, iconW: h - 0.24 * h, gap: 0.14 * h };
}

/** Width of the pill "(icon) number". */
export function markerWidth(m: MarkerMetrics, number: number): number {
  return m.padX + m.iconW + m.gap + textWidth(String(number), m.size, 'bold') + 0.32 * m.h;
}

/** The pill: the category colour, the icon in a white disc on the left, the number on the right. */
export function markerItems(m: MarkerMetrics, x: number, y: number, number: number, category: Category, s: number): DrawItem[] {
  const w = markerWidth(m, number);
  const fg = textOn(category.color);
  const discR = m.iconW / 2;
  const discCx = x + m.padX + discR, cy = y + m.h / 2;
  return [
    { kind: 'rect', x: f1(x), y: f1(y), w: f1(w), h: f1(m.h), rx: f1(m.h / 2), fill: category.color, stroke: '#ffffff', strokeWidth: f1(2.4 * s) },
    { kind: 'circle', cx: f1(discCx), cy: f1(cy), r: f1(discR), fill: '#ffffff' },
    text(category.icon, discCx, baselineFor(cy, m.size * 0.82), m.size * 0.82, { weight: 'bold', fill: fg === '#000000' ? INK : category.color, anchor: 'middle' }),
    text(String(number), x + m.padX + m.iconW + m.gap, baselineFor(cy, m.size), m.size, { weight: 'bold', fill: fg }),
  ];
}
