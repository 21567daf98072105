// Mobile service desk (流动办公桌) places on a map: one square marker per place, drawn in a colour no
// service category uses and marked 桌, so a desk never reads as a service point; grey and struck through
// when every visit there is cancelled. The popup takes a DOM node, never HTML, so data stays text.
import { Popup, type Map as MapLibreMap, type GeoJSONSource } from 'maplibre-gl';
import { labelFont } from './overlay.ts';

export interface DeskPlace {
  /** "lon,lat" to six decimals: visits at one place share a marker. */
  key: string;
  lon: number;
  lat: number;
  name: string;
  /** Every visit listed at this place is cancelled. */
  cancelled: boolean;
}

export const DESK_LAYER = 'desks-marker';
export const DESK_COLOR = '#00695c';
const CANCELLED_COLOR = '#6b6b6b';
const SIZE = 30; // CSS pixels

/** (CanvasRenderingContext2D.roundRect is missing from the older WebViews some phones still run.) */
function roundedSquare(g: CanvasRenderingContext2D, at: number, side: number, r: number): void {
  const end = at + side;
  g.beginPath();
  g.moveTo(at + r, at);
  g.arcTo(end, at, end, end, r);
  g.arcTo(end, end, at, end, r);
  g.arcTo(at, end, at, at, r);
  g.arcTo(at, at, end, at, r);
  g.closePath();
}

/** A rounded square with a white rim and 桌 in it; crossed out for a place whose visits are all cancelled. */
function deskIcon(map: MapLibreMap, color: string, crossed: boolean): ImageData {
  const ratio = 2;
  const px = SIZE * ratio;
  const canvas = document.createElement('canvas');
  canvas.width = px; canvas.height = px;
  const g = canvas.getContext('2d')!;
  const r = 7 * ratio, inset = 2 * ratio;
  roundedSquare(g, inset, px - 2 * inset, r);
  g.fillStyle = color; g.fill();
  g.lineWidth = 2.5 * ratio; g.strokeStyle = '#ffffff'; g.stroke();
  g.lineWidth = 1 * ratio; g.strokeStyle = 'rgba(0,0,0,0.55)';
  roundedSquare(g, inset * 0.5, px - inset, r + inset * 0.5); g.stroke();
  g.fillStyle = '#ffffff';
  g.font = `700 ${17 * ratio}px ${labelFont(map).map((f) => `'${f}'`).join(', ')}, sans-serif`;
  g.textAlign = 'center'; g.textBaseline = 'middle';
  g.fillText('桌', px / 2, px / 2 + ratio);
  if (crossed) {
    g.strokeStyle = '#ffffff'; g.lineWidth = 3 * ratio; g.lineCap = 'round';
    g.beginPath(); g.moveTo(inset * 3, px - inset * 3); g.lineTo(px - inset * 3, inset * 3); g.stroke();
  }
  return g.getImageData(0, 0, px, px);
}

/** Adds the desk source and layer, below `beforeLayer` (service points stay on top and clickable). */
export function addDeskLayer(map: MapLibreMap, beforeLayer?: string): void {
  map.addImage('desk', deskIcon(map, DESK_COLOR, false), { pixelRatio: 2 });
  map.addImage('desk-cancelled', deskIcon(map, CANCELLED_COLOR, true), { pixelRatio: 2 });
  map.addSource('desks', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: DESK_LAYER, type: 'symbol', source: 'desks',
    layout: {
      'icon-image': ['case', ['get', 'cancelled'], 'desk-cancelled', 'desk'],
      'icon-allow-overlap': true, 'icon-ignore-placement': true,
      // A place still visited is drawn over a cancelled one.
      'symbol-sort-key': ['case', ['get', 'cancelled'], 0, 1],
    },
  }, beforeLayer && map.getLayer(beforeLayer) ? beforeLayer : undefined);
}

export function setDeskPlaces(map: MapLibreMap, places: readonly DeskPlace[]): void {
  (map.getSource('desks') as GeoJSONSource).setData({
    type: 'FeatureCollection',
    features: places.map((p) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { key: p.key, name: p.name, cancelled: p.cancelled },
    })),
  });
}

/** The desk place under a screen point, if any. */
export function deskPlaceAt(map: MapLibreMap, point: { x: number; y: number }): string | null {
  const hit = map.queryRenderedFeatures([point.x, point.y], { layers: [DESK_LAYER] })[0];
  return hit ? String(hit.properties.key) : null;
}

const popups = new WeakMap<MapLibreMap, Popup>();

/**
 * Opens the one desk popup of this map below a place, with the given content (built from text nodes),
 * and pans the map so that all of it shows: on a phone the map is only half the screen high.
 */
export function showDeskPopup(map: MapLibreMap, at: [number, number], content: HTMLElement): void {
  closeDeskPopup(map);
  const margin = 8;
  const bottomMargin = 40; // clear of the scale bar and the attribution
  const box = map.getContainer().getBoundingClientRect();
  content.style.maxHeight = `${Math.max(120, box.height - 2 * SIZE - margin - bottomMargin)}px`;
  content.style.overflowY = 'auto';
  const popup = new Popup({ anchor: 'top', maxWidth: '300px', offset: SIZE / 2 + 2, focusAfterOpen: false, className: 'desk-popup' })
    .setLngLat(at).setDOMContent(content).addTo(map);
  popups.set(map, popup);
  const r = popup.getElement().getBoundingClientRect();
  const markerY = r.top - SIZE / 2 - 2;
  const dy = Math.min(Math.max(0, r.bottom - (box.bottom - bottomMargin)), Math.max(0, markerY - box.top - SIZE));
  const dx = r.left < box.left + margin ? r.left - box.left - margin : r.right > box.right - margin ? r.right - box.right + margin : 0;
  if (dx || dy) map.panBy([dx, dy], { duration: 300 });
}

export function closeDeskPopup(map: MapLibreMap): void {
  popups.get(map)?.remove();
  popups.delete(map);
}
