// The one colour table of the screen and the paper: walking-time rings, street classes, the text colour
// on a coloured marker, and the label fonts. The live map, the phone page, the admin maps and the
// printed boards all read it (category colours are data: data/categories.json, via the catalog).
// Pure TypeScript with no imports: the browser bundles this file too.

/** Ring colours by minutes: `fill` is drawn translucent on screen and as a tint on paper, `line` is the outline and its label. */
export const RING_COLORS: Record<number, { fill: string; line: string }> = {
  5: { fill: '#1a9850', line: '#0f6b37' },
  10: { fill: '#f0b400', line: '#8a5f00' },
  15: { fill: '#3f6fb5', line: '#24487f' },
};
export const FALLBACK_RING = { fill: '#777777', line: '#444444' };
export const ringColor = (minutes: number) => RING_COLORS[minutes] ?? FALLBACK_RING;
/** How strongly a ring's fill shows over the map (the screen's fill-opacity, the paper's tint). */
export const RING_FILL_OPACITY = 0.16;

/** Street colours by class, for the basemap and the board alike. */
export const STREET_COLORS = {
  trunk: { fill: '#f6b26b', casing: '#b86f22' },
  primary: { fill: '#fcd59a', casing: '#c08f3e' },
  secondary: { fill: '#fff1a6', casing: '#bfa84e' },
  tertiary: { fill: '#ffffff', casing: '#aaa294' },
  minor: { fill: '#ffffff', casing: '#c4bcad' },
  service: { fill: '#ffffff', casing: '#cfc8bb' },
  pedestrian: { fill: '#e6dbf1', casing: '#9d88ba' },
  footway: { fill: '#8c6a55', casing: '#ffffff' },
  footbridge: { fill: '#c7a2dc', casing: '#4a2166' },
  steps: { fill: '#c0392b', casing: '#ffffff' },
} as const satisfies Record<string, { fill: string; casing: string }>;

/**
 * Font families for labels, in order of preference: Debian/Android (Noto Sans CJK), iOS/macOS (PingFang),
 * Windows (Microsoft YaHei), older Linux (WenQuanYi). The map style, the pages and the board's SVG use it.
 */
export const FONT_STACK = ['Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'sans-serif'];
/** The stack as a CSS font-family value. */
export const FONT_STACK_CSS = FONT_STACK.map((f) => (f === 'sans-serif' ? f : `'${f}'`)).join(', ');

/**
 * The table as CSS custom properties for the pages' style sheets (vite.config.ts writes them on :root
 * as `virtual:palette.css`): `--font-body`, `--ring-5-fill` … `--ring-fallback-line`, `--street-trunk-fill` ….
 */
export function paletteCustomProperties(): Record<string, string> {
  const props: Record<string, string> = { '--font-body': FONT_STACK_CSS };
  for (const [minutes, c] of Object.entries(RING_COLORS)) Object.assign(props, { [`--ring-${minutes}-fill`]: c.fill, [`--ring-${minutes}-line`]: c.line });
  Object.assign(props, { '--ring-fallback-fill': FALLBACK_RING.fill, '--ring-fallback-line': FALLBACK_RING.line });
  for (const [kind, c] of Object.entries(STREET_COLORS)) Object.assign(props, { [`--street-${kind}-fill`]: c.fill, [`--street-${kind}-casing`]: c.casing });
  return props;
}

function channels(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Relative luminance (WCAG) of a #rrggbb colour. */
export function luminance(hex: string): number {
  const v = channels(hex).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

/** Black or white, whichever contrasts more with a background colour (WCAG): the text on a marker, on screen and on paper. */
export function textColorOn(hex: string): '#000000' | '#ffffff' {
  const lum = luminance(hex);
  // contrast with black = (L + 0.05) / 0.05, with white = 1.05 / (L + 0.05)
  return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? '#000000' : '#ffffff';
}

/** The opaque colour `hex` shows as at `opacity` over white paper (paper cannot blend). */
export function tint(hex: string, opacity: number): string {
  return `#${channels(hex).map((c) => Math.round(255 - (255 - c) * opacity).toString(16).padStart(2, '0')).join('')}`;
}
