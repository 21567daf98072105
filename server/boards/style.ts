// Line widths of the board map, and the paper's own inks. Ring, street and marker-text colours come from
// the one table of screen and paper (server/palette.ts); category colours from data/categories.json.
import { RING_FILL_OPACITY, ringColor, STREET_COLORS, textColorOn, tint } from '../palette.ts';

export const INK = '#1d1d1f';
export const INK_SOFT = '#55585e';
export const PAPER = '#ffffff';
export const MAP_BACKGROUND = '#f2f0eb';
export const ACCENT = '#1f5aa6';
export const ALERT = '#c62828';
export const RULE = '#c9cdd3';
export const ROW_SHADE = '#f4f6f8';
export const HEADER_SHADE = '#e6ebf1';

export interface RingStyle { fill: string; line: string; width: number; dash?: number[] }
/** Widths at A1 from the inside out; the outermost ring is dashed so that the limit of the circle reads at a glance. */
const RING_WIDTHS: { width: number; dash?: number[] }[] = [
  { width: 2.8 },
  { width: 2.4 },
  { width: 3.6, dash: [14, 8] },
];

/**
 * The style of the ring of `minutes`, the i-th counted from the inside of `count` rings: the screen's
 * ring colour (its fill as the tint it shows over the map), the outermost always dashed.
 */
export function ringStyle(minutes: number, i: number, count: number): RingStyle {
  const shape = i === count - 1 ? RING_WIDTHS[RING_WIDTHS.length - 1] : RING_WIDTHS[Math.min(i, RING_WIDTHS.length - 2)];
  const color = ringColor(minutes);
  return { ...shape, fill: tint(color.fill, RING_FILL_OPACITY), line: color.line };
}

export interface StreetStyle { width: number; fill: string; casing: string; casingWidth: number; dash?: number[]; rank: number }

/** Widths in points at A1 (the layout scales them), by OSM highway class; colours as on the basemap. */
const MAJOR: StreetStyle = { width: 12, fill: STREET_COLORS.primary.fill, casing: STREET_COLORS.primary.casing, casingWidth: 1.6, rank: 5 };
const SECONDARY: StreetStyle = { width: 10, fill: STREET_COLORS.secondary.fill, casing: STREET_COLORS.secondary.casing, casingWidth: 1.4, rank: 4 };
const TERTIARY: StreetStyle = { width: 8, fill: STREET_COLORS.tertiary.fill, casing: STREET_COLORS.tertiary.casing, casingWidth: 1.3, rank: 3 };
const MINOR: StreetStyle = { width: 5.5, fill: STREET_COLORS.minor.fill, casing: STREET_COLORS.minor.casing, casingWidth: 1.1, rank: 2 };
const SERVICE: StreetStyle = { width: 3.2, fill: STREET_COLORS.service.fill, casing: STREET_COLORS.service.casing, casingWidth: 0.9, rank: 1 };
const FOOT: StreetStyle = { width: 1.6, fill: STREET_COLORS.footway.fill, casing: 'none', casingWidth: 0, dash: [5, 3.5], rank: 0 };

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

/** Text colour on a filled marker: the same rule as on screen. */
export const textOn = textColorOn;
