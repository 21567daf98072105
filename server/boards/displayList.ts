// The board's display list: the drawing items the layout produces and svg.ts writes out, the boxes
// placed on the map, and the few primitives every part of the layout draws with.
import type { Catalog, Category } from '../catalog.ts';
import type { Box, Pt } from './collisions.ts';
import type { Weight } from './fonts.ts';
import type { BoardLang } from './messages.ts';
import { INK } from './style.ts';

export interface TextItem {
  kind: 'text';
  text: string;
  x: number; y: number; // baseline position
  size: number;
  weight: Weight;
  fill: string;
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, clockwise, about `origin` (default: the baseline point x, y). */
  rotate?: number;
  origin?: Pt;
  /** A white (or given) outline drawn as a separate stroked copy under the text. */
  halo?: { color: string; width: number };
  opacity?: number;
}
export interface RectItem { kind: 'rect'; x: number; y: number; w: number; h: number; rx?: number; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[] }
export interface PathItem {
  kind: 'path'; d: string; fill?: string; stroke?: string; strokeWidth?: number; dash?: number[];
  cap?: 'round' | 'butt'; join?: 'round' | 'miter'; evenOdd?: boolean;
}
export interface CircleItem { kind: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string; strokeWidth?: number }
export type DrawItem = TextItem | RectItem | PathItem | CircleItem;

/** A label placed on the map. `box` is what it covers (rotated for street names). */
export interface PlacedLabel { kind: 'you' | 'ring' | 'point' | 'street'; text: string; box: Box; pointId?: number }
/** A marker on the map; `at` is the true position, `box` where the marker is drawn (moved off a neighbour if needed). */
export interface PlacedMarker { pointId: number | null; number: number | null; at: Pt; box: Box; displaced: boolean }

/** Page coordinates are written with two decimals. */
export const f1 = (v: number) => Math.round(v * 100) / 100;

/** Baseline for text of `size` vertically centred on `cy` (CJK ideographs span −0.12…0.88 em). */
export const baselineFor = (cy: number, size: number) => cy + 0.36 * size;

export function text(t: string, x: number, y: number, size: number, opts: Partial<TextItem> = {}): TextItem {
  return { kind: 'text', text: t, x: f1(x), y: f1(y), size: f1(size), weight: 'regular', fill: INK, ...opts };
}

/** A category from the catalog, or a grey stand-in for an id the catalog no longer has. */
export function categoryOf(catalog: Catalog, id: string): Category {
  return catalog.categoryById.get(id) ?? {
    id, name_zh: id, name_en: id, color: '#777777', icon: '?', dimension: '', target_minutes: {}, subtypes: [],
  };
}

export const categoryName = (c: Category, lang: BoardLang) => (lang === 'zh' ? c.name_zh : c.name_en);
