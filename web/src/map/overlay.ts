// The layers every page draws over the basemap: walking rings, the walking route, service points
// (coloured by the shared category table, marked with the category's icon character or a number so
// colour is never the only cue), and the origin. Pure data-to-style; the pages feed it.
import { FONT_STACK } from '../../../server/palette.ts';
import type { Map as MapLibreMap, GeoJSONSource, ExpressionSpecification } from 'maplibre-gl';
import type { Category, NearestItem, RingFeature } from '../common/api.ts';
import { textColorOn } from '../common/dom.ts';

import { FALLBACK_RING, RING_COLORS, RING_FILL_OPACITY } from '../../../server/palette.ts';
import { spreadApart, type Px } from './declutter.ts';

export interface MapPoint {
  id: number; lon: number; lat: number; name: string; category: string;
  /** Board number, when the point is listed with one. */
  number?: number;
  is_sample: boolean;
}

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** The font stack of the basemap's labels (from the style's metadata), for our own labels. */
export function labelFont(map: MapLibreMap): string[] {
  const meta = map.getStyle().metadata as Record<string, unknown> | undefined;
  return (meta?.['svc:label-font'] as string[] | undefined) ?? FONT_STACK;
}

export interface OverlayOptions {
  categories: Category[];
  /** Marker radius in px (the phone page uses larger markers). */
  radius?: number;
  /** What the marker shows: the number of a listed point, else the category icon; or always the number. */
  markerText?: 'icon' | 'number';
  originLabel: string;
}

export function addOverlay(map: MapLibreMap, options: OverlayOptions): void {
  const font = labelFont(map);
  const radius = options.radius ?? 13;
  map.addSource('rings', { type: 'geojson', data: EMPTY });
  map.addSource('route', { type: 'geojson', data: EMPTY });
  map.addSource('points', { type: 'geojson', data: EMPTY, promoteId: 'id' });
  map.addSource('leaders', { type: 'geojson', data: EMPTY });
  map.addSource('origin', { type: 'geojson', data: EMPTY });

  const byMinutes = (key: 'fill' | 'line'): ExpressionSpecification =>
    ['match', ['get', 'minutes'], ...Object.entries(RING_COLORS).flatMap(([m, c]) => [Number(m), c[key]]), FALLBACK_RING[key]] as unknown as ExpressionSpecification;
  // Largest ring first: the smaller ones draw on top of it and read as darker bands towards the centre.
  map.addLayer({ id: 'rings-fill', type: 'fill', source: 'rings', paint: { 'fill-color': byMinutes('fill'), 'fill-opacity': RING_FILL_OPACITY } });
  map.addLayer({ id: 'rings-line', type: 'line', source: 'rings', paint: { 'line-color': byMinutes('line'), 'line-width': 2.5, 'line-dasharray': [3, 1.5] } });
  map.addLayer({
    id: 'rings-label', type: 'symbol', source: 'rings',
    layout: {
      'symbol-placement': 'line', 'text-field': ['get', 'label'], 'text-font': font, 'text-size': 13,
      'symbol-spacing': 400, 'text-padding': 8,
    },
    paint: { 'text-color': byMinutes('line'), 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
  });
  map.addLayer({ id: 'route-casing', type: 'line', source: 'route', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 8 } });
  map.addLayer({ id: 'route-line', type: 'line', source: 'route', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#c2185b', 'line-width': 4.5 } });

  // Where a crowded marker was moved from: a thin line to a dot at the true place.
  map.addLayer({ id: 'leaders-line', type: 'line', source: 'leaders', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#333333', 'line-width': 1.2 } });
  map.addLayer({ id: 'leaders-dot', type: 'circle', source: 'leaders', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#333333', 'circle-radius': 3, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } });
  map.addLayer({
    id: 'points-circle', type: 'circle', source: 'points',
    paint: {
      'circle-color': ['get', 'color'],
      'circle-radius': ['case', ['boolean', ['feature-state', 'selected'], false], radius + 4, radius],
      'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#111111', '#ffffff'],
      'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 2],
    },
  });
  map.addLayer({
    id: 'points-text', type: 'symbol', source: 'points',
    layout: {
      // A listed point shows its number (the same as in the list beside the map), others their category's icon.
      'text-field': options.markerText === 'number' ? ['to-string', ['get', 'number']] : ['case', ['has', 'number'], ['to-string', ['get', 'number']], ['get', 'icon']],
      'text-font': font, 'text-size': Math.round(radius * 1.05), 'text-allow-overlap': true, 'text-ignore-placement': true,
    },
    paint: { 'text-color': ['get', 'text_color'] },
  });
  map.addLayer({
    id: 'origin-circle', type: 'circle', source: 'origin',
    paint: { 'circle-color': '#111111', 'circle-radius': 9, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
  });
  map.addLayer({
    id: 'origin-label', type: 'symbol', source: 'origin',
    layout: { 'text-field': options.originLabel, 'text-font': font, 'text-size': 14, 'text-offset': [0, 1.5], 'text-anchor': 'top', 'text-allow-overlap': true },
    paint: { 'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 2.2 },
  });
  placed.set(map, { points: [], categories: options.categories, radius });
  map.on('moveend', () => drawPoints(map));
}

function source(map: MapLibreMap, id: string): GeoJSONSource { return map.getSource(id) as GeoJSONSource; }

export function setRings(map: MapLibreMap, rings: RingFeature[], label: (minutes: number) => string): void {
  const sorted = [...rings].sort((a, b) => b.properties.minutes - a.properties.minutes);
  source(map, 'rings').setData({
    type: 'FeatureCollection',
    features: sorted.map((f) => ({ ...f, properties: { ...f.properties, label: label(f.properties.minutes) } })) as never,
  });
}

export function setRoute(map: MapLibreMap, line: [number, number][] | null): void {
  source(map, 'route').setData(line ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } } : EMPTY);
}

export function setOrigin(map: MapLibreMap, at: [number, number] | null): void {
  source(map, 'origin').setData(at ? { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: at } } : EMPTY);
  const state = placed.get(map);
  if (state) { state.origin = at; drawPoints(map); }
}

const placed = new WeakMap<MapLibreMap, {
  points: MapPoint[]; categories: Category[]; radius: number; origin?: [number, number] | null;
  /** Other marks the point markers step aside for (the desk places of the resident map). */
  fixed?: [number, number][];
}>();

export function setPoints(map: MapLibreMap, points: MapPoint[], categories: Category[]): void {
  const current = placed.get(map);
  placed.set(map, { points, categories, radius: current?.radius ?? 13, origin: current?.origin, fixed: current?.fixed });
  drawPoints(map);
}

/** Marks that stay where they are, like the origin: crowded point markers move out of their way. */
export function setFixedMarks(map: MapLibreMap, marks: [number, number][]): void {
  const state = placed.get(map);
  if (state) { state.fixed = marks; drawPoints(map); }
}

/** Draws the markers, spread apart on screen where they would overlap (redone after every move). */
function drawPoints(map: MapLibreMap): void {
  const state = placed.get(map);
  if (!state) return;
  const byId = new Map(state.categories.map((c) => [c.id, c]));
  const visible = visibleCategories.get(map);
  const canvas = map.getCanvas();
  const margin = 60;
  const shown = state.points.filter((p) => !visible || visible.includes(p.category));
  const screen = shown.map((p) => map.project([p.lon, p.lat]));
  // Only markers on (or near) the screen take part; the others stay where they are.
  const onScreen = screen.map((q) => q.x > -margin && q.y > -margin && q.x < canvas.clientWidth + margin && q.y < canvas.clientHeight + margin);
  const idx = shown.map((_, i) => i).filter((i) => onScreen[i]);
  const fixed = [...(state.origin ? [state.origin] : []), ...(state.fixed ?? [])].map((m) => map.project(m)).map((q) => [q.x, q.y] as Px);
  const spread = spreadApart(idx.map((i) => [screen[i].x, screen[i].y] as Px), state.radius * 2 + 2, 60, fixed);
  const at = new Map<number, [number, number]>();
  idx.forEach((i, k) => {
    const [x, y] = spread[k];
    if (Math.hypot(x - screen[i].x, y - screen[i].y) > 1.5) at.set(i, map.unproject([x, y]).toArray() as [number, number]);
  });
  const leaders: unknown[] = [];
  const features = state.points.map((p) => {
    const c = byId.get(p.category);
    const color = c?.color ?? '#666666';
    const i = shown.indexOf(p);
    const moved = i >= 0 ? at.get(i) : undefined;
    if (moved) {
      leaders.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[p.lon, p.lat], moved] } });
      leaders.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } });
    }
    return {
      type: 'Feature', id: p.id,
      geometry: { type: 'Point', coordinates: moved ?? [p.lon, p.lat] },
      properties: {
        id: p.id, name: p.name, category: p.category, color, text_color: textColorOn(color), icon: c?.icon ?? '?',
        lon: p.lon, lat: p.lat, ...(p.number !== undefined ? { number: p.number } : {}), is_sample: p.is_sample,
      },
    };
  });
  source(map, 'points').setData({ type: 'FeatureCollection', features } as never);
  source(map, 'leaders').setData({ type: 'FeatureCollection', features: leaders } as never);
}

const visibleCategories = new WeakMap<MapLibreMap, string[] | null>();

/** Shows only the given categories' points (all when `visible` is null). */
export function filterCategories(map: MapLibreMap, visible: string[] | null): void {
  const filter = visible ? ['in', ['get', 'category'], ['literal', visible]] as ExpressionSpecification : null;
  for (const id of ['points-circle', 'points-text']) map.setFilter(id, filter);
  visibleCategories.set(map, visible);
  drawPoints(map);
}

let selected: number | null = null;
export function selectPoint(map: MapLibreMap, id: number | null): void {
  if (selected !== null) map.setFeatureState({ source: 'points', id: selected }, { selected: false });
  selected = id;
  if (id !== null) map.setFeatureState({ source: 'points', id }, { selected: true });
}

export function nearestAsPoints(nearest: Record<string, NearestItem[]>): MapPoint[] {
  return Object.values(nearest).flat().map((n) => ({ id: n.id, lon: n.lon, lat: n.lat, name: n.name, category: n.category_id, is_sample: n.is_sample }));
}
