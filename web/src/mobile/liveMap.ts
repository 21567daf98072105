// The live map of the phone page, loaded only after the list is on screen and only where WebGL2 exists
// (MapLibre is most of the page's weight).
import type { Category, RingFeature } from '../common/api.ts';
import { createMap } from '../map/createMap.ts';
import { addOverlay, setOrigin, setPoints, setRings, type MapPoint } from '../map/overlay.ts';

export async function showLiveMap(container: HTMLElement, options: {
  site: [number, number]; rings: RingFeature[]; points: MapPoint[]; categories: Category[];
  ariaLabel: string; hereLabel: string; ringLabel: (m: number) => string;
}): Promise<void> {
  const map = await createMap({ container, center: options.site, zoom: 14.6, ariaLabel: options.ariaLabel, compactAttribution: true });
  addOverlay(map, { categories: options.categories, radius: 12, markerText: 'number', originLabel: options.hereLabel });
  setRings(map, options.rings, options.ringLabel);
  setPoints(map, options.points, options.categories);
  setOrigin(map, options.site);
  // Frame the 15-minute ring.
  let [minX, minY, maxX, maxY] = [options.site[0], options.site[1], options.site[0], options.site[1]];
  for (const f of options.rings) for (const poly of f.geometry.coordinates) for (const [lon, lat] of poly[0]) {
    minX = Math.min(minX, lon); maxX = Math.max(maxX, lon); minY = Math.min(minY, lat); maxY = Math.max(maxY, lat);
  }
  map.fitBounds([[minX, minY], [maxX, maxY]], { padding: 16, duration: 0 });
  // Two fingers to pan, so that a thumb scrolling the page does not get stuck in the map.
  map.dragPan.disable();
  map.touchZoomRotate.disableRotation();
  map.scrollZoom.disable();
  container.addEventListener('touchstart', (e) => { if (e.touches.length > 1) map.dragPan.enable(); else map.dragPan.disable(); }, { passive: true });
  if (!matchMedia('(pointer: coarse)').matches) { map.dragPan.enable(); map.scrollZoom.enable(); }
}
