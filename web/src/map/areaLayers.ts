// Street and community areas on any staff map: official outlines solid, approximate ones dashed and
// labelled 近似边界. One drawing for the editing maps and the coverage map.
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/**
 * Street and community areas (GET /api/areas) as outlines with labels: official ones solid, approximate
 * ones dashed and labelled 近似边界, so nobody mistakes a derived line for the official one.
 */
export function addAreaLayers(map: MapLibreMap, font: string[]): void {
  map.addSource('areas', { type: 'geojson', data: EMPTY });
  const official: ExpressionSpecification = ['==', ['get', 'source'], 'official'];
  const approximate: ExpressionSpecification = ['==', ['get', 'source'], 'approximate'];
  const street: ExpressionSpecification = ['==', ['get', 'level'], 'street'];
  const community: ExpressionSpecification = ['==', ['get', 'level'], 'community'];
  map.addLayer({ id: 'areas-community-line', type: 'line', source: 'areas', minzoom: 14, filter: ['all', community],
    paint: { 'line-color': '#c51b7d', 'line-width': 0.8, 'line-opacity': 0.5, 'line-dasharray': [2, 2] } });
  map.addLayer({ id: 'areas-street-official', type: 'line', source: 'areas', filter: ['all', street, official],
    paint: { 'line-color': '#c51b7d', 'line-width': 2.5 } });
  // A boundary two streets share is drawn twice, out of phase: gaps twice the dash keep it dashed.
  map.addLayer({ id: 'areas-street-approximate', type: 'line', source: 'areas', filter: ['all', street, approximate],
    paint: { 'line-color': '#c51b7d', 'line-width': 2, 'line-dasharray': [1.5, 3] } });
  map.addLayer({ id: 'areas-community-label', type: 'symbol', source: 'areas', minzoom: 15, filter: ['all', community],
    layout: { 'text-field': ['get', 'name'], 'text-font': font, 'text-size': 11, 'text-optional': true },
    paint: { 'text-color': '#8e0152', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } });
  map.addLayer({ id: 'areas-street-label', type: 'symbol', source: 'areas', maxzoom: 15, filter: ['all', street],
    layout: { 'text-field': ['get', 'label'], 'text-font': font, 'text-size': 13, 'text-optional': true },
    paint: { 'text-color': '#8e0152', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
  void fetch('/api/areas', { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : EMPTY))
    .then((fc) => (map.getSource('areas') as GeoJSONSource | undefined)?.setData(fc))
    .catch(() => { /* the map works without outlines */ });
}
