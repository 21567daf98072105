// Ring colours by minutes, shared by the live map and the static picture (kept apart from MapLibre so
// that the static picture does not pull the map library into the page).
export const RING_COLORS: Record<number, { fill: string; line: string }> = {
  5: { fill: '#1a9850', line: '#0f6b37' },
  10: { fill: '#f0b400', line: '#8a5f00' },
  15: { fill: '#3f6fb5', line: '#24487f' },
};
export const FALLBACK_RING = { fill: '#777777', line: '#444444' };
export const ringColor = (minutes: number) => RING_COLORS[minutes] ?? FALLBACK_RING;
