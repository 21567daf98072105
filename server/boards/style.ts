// Colours and line widths of the board map (category colours come from data/categories.json).

export const INK = '#1d1d1f';
export const INK_SOFT = '#55585e';
export const PAPER = '#ffffff';
export const MAP_BACKGROUND = '#f2f0eb';
export const ACCENT = '#1f5aa6';
export const ALERT = '#c62828';
export const RULE = '#c9cdd3';
export const ROW_SHADE = '#f4f6f8';
export const HEADER_SHADE = '#e6ebf1';

export const RING_STROKE = '#2c64a8';

export interface RingStyle { fill: string; width: number; dash?: number[] }
/**
 * Rings from the inside out (5, 10, 15 minutes): the nearer, the deeper the fill; the outermost ring
 * is dashed so that the limit of the circle reads at a glance. Widths at A1.
 */
const RING_STYLES: RingStyle[] = [
  { fill: '#9fc3ea', width: 2.8 },
  { fill: '#c4dbf2', width: 2.4 },
  { fill: '#e2edf9', width: 3.6, dash: [14, 8] },
];

/** The style of the i-th ring counted from the inside of `count` rings (the outermost is always dashed). */
export function ringStyle(i: number, count: number): RingStyle {
  if (i === count - 1) return RING_STYLES[RING_STYLES.length - 1];
  return RING_STYLES[Math.min(i, RING_STYLES.length - 2)];
}

export interface StreetStyle { width: number; fill: string; casing: string; casingWidth: number; dash?: number[]; rank: number }

/** Widths in points at A1 (the layout scales them), by OSM highway class. */
const MAJOR: StreetStyle = { width: 12, fill: '#fde7b0', casing: '#c8a35c', casingWidth: 1.6, rank: 5 };
const SECONDARY: StreetStyle = { width: 10, fill: '#fff6da', casing: '#c4b48d', casingWidth: 1.4, rank: 4 };
const TERTIARY: StreetStyle = { width: 8, fill: '#ffffff', casing: '#b9b4aa', casingWidth: 1.3, rank: 3 };
const MINOR: StreetStyle = { width: 5.5, fill: '#ffffff', casing: '#c2beb6', casingWidth: 1.1, rank: 2 };
const SERVICE: StreetStyle = { width: 3.2, fill: '#ffffff', casing: '#cdc9c1', casingWidth: 0.9, rank: 1 };
const FOOT: StreetStyle = { width: 1.6, fill: '#8c8a86', casing: 'none', casingWidth: 0, dash: [5, 3.5], rank: 0 };

export function streetStyle(highway: string): StreetStyle {
  switch (highway) {
    case 'motorway': case 'motorway_link': case 'trunk': case 'trunk_link': case 'primary': case 'primary_link': return MAJOR;
    case 'secondary': case 'secondary_link': return SECONDARY;
    case 'tertiary': case 'tertiary_link': return TERTIARY;
    case 'residential': case 'unclassified': case 'living_street': case 'road': return MINOR;
    case 'service': return SERVICE;
    default: return FOOT; // footway, path, pedestrian, steps, cycleway
  }
}

/** Relative luminance (WCAG) of a #rrggbb colour. */
export function luminance(hex: string): number {
  const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

/** Text colour on a filled marker: white on dark colours, ink on light ones (yellow, pink). */
export function textOn(hex: string): string {
  return luminance(hex) > 0.3 ? INK : '#ffffff';
}
