// Creates a MapLibre map on our own basemap (/style.json), with the worker served from our origin and
// every relative URL of the style resolved against the page, so no request can leave the host.
// The map is exposed as `window.__map` (and `window.__mapReady`) for the browser tests.
import { FONT_STACK_CSS } from '../../../server/palette.ts';
import { Map as MapLibreMap, NavigationControl, ScaleControl, AttributionControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { loadDistrict } from '../common/district.ts';

setWorkerUrl(workerUrl);

declare global {
  interface Window { __map?: MapLibreMap; __mapReady?: boolean }
}

export { hasWebGL2 } from '../common/webgl.ts';

export interface CreateMapOptions {
  container: HTMLElement;
  /** Where the map opens (e.g. a place in the URL hash); the district's centre (district file) when not given. */
  center?: [number, number];
  /** The district's zoom when not given. */
  zoom?: number;
  /** Label for the map region (screen readers). */
  ariaLabel: string;
  compactAttribution?: boolean;
}

export async function createMap(options: CreateMapOptions): Promise<MapLibreMap> {
  // The first view is the district's (GET /api/district/info, fetched once per page and already asked for
  // by every page that draws a map), unless the caller names one.
  const district = await loadDistrict();
  const center = options.center ?? (district ? [district.center[0], district.center[1]] as [number, number] : undefined);
  const map = new MapLibreMap({
    container: options.container,
    style: '/style.json',
    center,
    zoom: options.zoom ?? district?.zoom,
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
