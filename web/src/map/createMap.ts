// Creates a MapLibre map on our own basemap (/style.json), with the worker served from our origin and
// every relative URL of the style resolved against the page, so no request can leave the host.
// The map is exposed as `window.__map` (and `window.__mapReady`) for the browser tests.
import { FONT_STACK_CSS } from '../../../server/palette.ts';
import { Map as MapLibreMap, NavigationControl, ScaleControl, AttributionControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

setWorkerUrl(workerUrl);

declare global {
  interface Window { __map?: MapLibreMap; __mapReady?: boolean }
}

export { hasWebGL2 } from '../common/webgl.ts';

export interface CreateMapOptions {
  container: HTMLElement;
  center?: [number, number];
  zoom?: number;
  /** Label for the map region (screen readers). */
  ariaLabel: string;
  compactAttribution?: boolean;
}

export function createMap(options: CreateMapOptions): Promise<MapLibreMap> {
  const map = new MapLibreMap({
    container: options.container,
    style: '/style.json',
    center: options.center ?? [117.2009, 39.1058],
    zoom: options.zoom ?? 14,
    minZoom: 10,
    maxZoom: 19,
    attributionControl: false,
    transformRequest: (url) => ({ url: new URL(url, location.href).href }),
    // Chinese labels drawn from local fonts; there is no glyph server.
    localIdeographFontFamily: FONT_STACK_CSS,
  });
  map.addControl(new AttributionControl({ compact: options.compactAttribution ?? false }), 'bottom-right');
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.getCanvas().setAttribute('aria-label', options.ariaLabel);
  window.__map = map;
  return new Promise((resolve, reject) => {
    map.once('load', () => { window.__mapReady = true; resolve(map); });
    // Only a style that cannot load is fatal; a failed tile leaves a gap and the map goes on.
    let styleLoaded = false;
    map.once('style.load', () => { styleLoaded = true; });
    map.on('error', (e) => { if (!styleLoaded) reject(e.error ?? new Error('map style failed to load')); });
  });
}
