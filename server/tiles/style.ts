// The basemap style (MapLibre style spec v8): a calm light map so that the category colours of the
// service points stand out, streets by class, footbridges and steps drawn so they cannot be missed.
// No `glyphs`: labels are drawn from the phone's or PC's own CJK fonts, so no font request leaves the host.
import { ODBL_ATTRIBUTION } from '../http/geojson.ts';
import { BASEMAP_MAX_ZOOM, BASEMAP_MIN_ZOOM, type StreetKind } from './basemap.ts';
import { FONT_STACK, RING_COLORS, RING_FILL_OPACITY, STREET_COLORS, textColorOn } from '../palette.ts';
import { loadCatalog } from '../catalog.ts';

/** Font families for labels (server/palette.ts); MapLibre turns the stack into a CSS font list. */
export const LABEL_FONT = FONT_STACK;

export const ATTRIBUTION_HTML = '© <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">OpenStreetMap</a> contributors, ODbL 1.0';

type Stops = [number, number][];
const interpolate = (stops: Stops) => ['interpolate', ['exponential', 1.6], ['zoom'], ...stops.flat()];
const ROAD_KINDS: StreetKind[] = ['service', 'minor', 'tertiary', 'secondary', 'primary', 'trunk'];
const ROAD_WIDTH: Record<string, Stops> = {
  trunk: [[10, 1.2], [13, 3], [16, 12], [18, 30]],
  primary: [[10, 1], [13, 2.6], [16, 11], [18, 26]],
  secondary: [[11, 0.8], [13, 2], [16, 9], [18, 22]],
  tertiary: [[12, 0.6], [14, 2.4], [16, 7], [18, 18]],
  minor: [[13, 0.5], [15, 2.5], [16, 5], [18, 13]],
  service: [[14, 0.5], [16, 3], [18, 9]],
};
const ROAD_MIN_ZOOM: Record<string, number> = { trunk: 8, primary: 10, secondary: 11, tertiary: 12, minor: 13, service: 14 };

export interface StyleOptions {
  version: string;
  bounds: [number, number, number, number];
  /** The district's name (the style's title). */
  districtName: string;
}

/** The style document served at /style.json. Tile URLs are same-origin paths carrying the data version. */
export function basemapStyle({ version, bounds, districtName }: StyleOptions): Record<string, unknown> {
  const catalog = loadCatalog();
  const center = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2];
  const layers: Record<string, unknown>[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#f4f2ec' } },
    {
      id: 'areas', type: 'fill', source: 'basemap', 'source-layer': 'areas', minzoom: 13,
      paint: {
        'fill-color': ['match', ['get', 'class'], 'parking', '#e4e1ee', 'fuel', '#f1dfd6', 'bus_station', '#d9e6f2', '#e8e4dc'],
        'fill-outline-color': '#b8b2c6',
      },
    },
    {
      id: 'subway-tunnel', type: 'line', source: 'basemap', 'source-layer': 'subway', filter: ['==', ['get', 'tunnel'], true],
      paint: { 'line-color': '#2f6db5', 'line-opacity': 0.55, 'line-width': interpolate([[10, 1], [16, 3]]), 'line-dasharray': [3, 2] },
    },
  ];
  // Casings first (all kinds), then fills, so crossing streets merge instead of cutting each other.
  for (const kind of ROAD_KINDS) {
    layers.push({
      id: `street-${kind}-casing`, type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: ROAD_MIN_ZOOM[kind],
      filter: ['==', ['get', 'kind'], kind],
      layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': ['get', 'rank'] },
      paint: {
        'line-color': ['case', ['get', 'bridge'], '#6b625a', STREET_COLORS[kind].casing],
        'line-width': interpolate(ROAD_WIDTH[kind].map(([z, w]) => [z, w + (z >= 14 ? 2 : 0.8)] as [number, number])),
      },
    });
  }
  layers.push({
    id: 'street-pedestrian-casing', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 14,
    filter: ['==', ['get', 'kind'], 'pedestrian'],
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': STREET_COLORS.pedestrian.casing, 'line-width': interpolate([[14, 3], [16, 7.5], [18, 16]]) },
  });
  layers.push({
    id: 'street-pedestrian', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 13,
    filter: ['==', ['get', 'kind'], 'pedestrian'],
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': STREET_COLORS.pedestrian.fill, 'line-width': interpolate([[13, 1.5], [16, 6], [18, 14]]) },
  });
  for (const kind of ROAD_KINDS) {
    layers.push({
      id: `street-${kind}`, type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: ROAD_MIN_ZOOM[kind],
      filter: ['==', ['get', 'kind'], kind],
      layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': ['get', 'rank'] },
      paint: { 'line-color': STREET_COLORS[kind].fill, 'line-width': interpolate(ROAD_WIDTH[kind]) },
    });
  }
  layers.push(
    {
      id: 'street-footway', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 14,
      filter: ['==', ['get', 'kind'], 'footway'],
      paint: { 'line-color': STREET_COLORS.footway.fill, 'line-width': interpolate([[14, 1], [18, 2.5]]), 'line-dasharray': [2, 1.5] },
    },
    // Footbridges: drawn like a bridge deck (dark purple edges, light purple deck) above the roads they cross.
    {
      id: 'street-footbridge-casing', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 13,
      filter: ['==', ['get', 'kind'], 'footbridge'],
      layout: { 'line-cap': 'butt' },
      paint: { 'line-color': STREET_COLORS.footbridge.casing, 'line-width': interpolate([[13, 3.5], [16, 9], [18, 16]]) },
    },
    {
      id: 'street-footbridge', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 13,
      filter: ['==', ['get', 'kind'], 'footbridge'],
      layout: { 'line-cap': 'butt' },
      paint: { 'line-color': STREET_COLORS.footbridge.fill, 'line-width': interpolate([[13, 1.5], [16, 5], [18, 10]]) },
    },
    // Steps: short red rungs (a ladder), visible from afar because they stop a wheelchair.
    {
      id: 'street-steps', type: 'line', source: 'basemap', 'source-layer': 'streets', minzoom: 14,
      filter: ['==', ['get', 'kind'], 'steps'],
      paint: { 'line-color': STREET_COLORS.steps.fill, 'line-width': interpolate([[14, 3], [16, 6], [18, 10]]), 'line-dasharray': [0.35, 0.35] },
    },
    {
      id: 'subway', type: 'line', source: 'basemap', 'source-layer': 'subway', filter: ['!=', ['get', 'tunnel'], true],
      paint: { 'line-color': '#2f6db5', 'line-width': interpolate([[10, 1.2], [16, 4]]) },
    },
    {
      id: 'label-subway', type: 'symbol', source: 'basemap', 'source-layer': 'subway', minzoom: 13,
      filter: ['has', 'name'],
      layout: {
        'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 12,
        'symbol-spacing': 500, 'text-max-angle': 30, 'text-padding': 4,
      },
      paint: { 'text-color': '#1f4f8a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    },
    {
      id: 'label-streets', type: 'symbol', source: 'basemap', 'source-layer': 'streets', minzoom: 12,
      filter: ['all', ['has', 'name'], ['match', ['get', 'kind'], ['footway', 'steps'], false, true],
        ['any', ['match', ['get', 'kind'], ['trunk', 'primary', 'secondary'], true, false], ['>=', ['zoom'], 14]]],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 12, 11, 15, 13, 17, 15],
        'symbol-spacing': 280,
        'text-max-angle': 30,
        'text-padding': 6,
        'symbol-sort-key': ['-', 20, ['get', 'rank']],
      },
      paint: { 'text-color': '#3b362f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
    },
    // Named so that a resident knows what the purple deck and the red rungs are.
    {
      id: 'label-footbridge', type: 'symbol', source: 'basemap', 'source-layer': 'streets', minzoom: 16,
      filter: ['==', ['get', 'kind'], 'footbridge'],
      layout: {
        'symbol-placement': 'line-center', 'text-field': ['coalesce', ['get', 'name'], '人行天桥'], 'text-font': LABEL_FONT,
        'text-size': 12, 'text-offset': [0, -1.1], 'text-padding': 4,
      },
      paint: { 'text-color': '#4a2166', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
    },
    {
      id: 'label-steps', type: 'symbol', source: 'basemap', 'source-layer': 'streets', minzoom: 17,
      filter: ['==', ['get', 'kind'], 'steps'],
      layout: { 'symbol-placement': 'line-center', 'text-field': '台阶', 'text-font': LABEL_FONT, 'text-size': 11, 'text-offset': [0, -1], 'text-padding': 4 },
      paint: { 'text-color': '#8e1b10', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
    },
    {
      id: 'label-areas', type: 'symbol', source: 'basemap', 'source-layer': 'areas', minzoom: 15,
      filter: ['has', 'name'],
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 12 },
      paint: { 'text-color': '#31577f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    },
  );
  return {
    version: 8,
    name: `${districtName} 15分钟综合服务圈 底图`,
    metadata: {
      'svc:version': version, 'svc:label-font': LABEL_FONT,
      // The colour table and walking speeds the overlays draw with (server/palette.ts, data/*.json).
      'svc:rings': RING_COLORS, 'svc:ring-fill-opacity': RING_FILL_OPACITY,
      'svc:categories': Object.fromEntries(catalog.categories.map((c) => [c.id, { color: c.color, text: textColorOn(c.color) }])),
      'svc:profiles': Object.fromEntries(catalog.profiles.map((p) => [p.id, { speed_mps: p.speed_mps }])),
    },
    center,
    zoom: 13,
    sources: {
      basemap: {
        type: 'vector',
        tiles: [`/tiles/{z}/{x}/{y}.pbf?v=${version}`],
        minzoom: BASEMAP_MIN_ZOOM,
        maxzoom: BASEMAP_MAX_ZOOM,
        bounds,
        attribution: ATTRIBUTION_HTML,
      },
    },
    layers,
  };
}

export { ODBL_ATTRIBUTION };
