// Walking minutes from a board site to nearby desk places, on the real network (app.walking). Places
// are first cut by straight-line distance (a walk is never shorter than the straight line), then each
// distinct place gets one walking route from the site.
import type { WalkingEngine } from '../network/walkingEngine.ts';
import { haversineM } from '../geo.ts';

export interface DeskPlace { lon: number; lat: number }
export interface DeskWalk { walk_min: number; walk_m: number }

/**
 * Walking minutes from `origin` to each place within `minutes` (key "lon,lat"); places farther, or
 * off the network, are left out. Throws OutsideNetworkError when the origin itself is off the network.
 */
export function walksToPlaces(
  engine: WalkingEngine<any>, origin: DeskPlace, places: readonly DeskPlace[], profile: string, minutes: number,
): Map<string, DeskWalk> {
  const out = new Map<string, DeskWalk>();
  const radius = engine.reachRadiusM(profile, minutes);
  const from = engine.locate([origin.lon, origin.lat], profile, 'site');
  for (const place of places) {
    const key = placeKey(place);
    if (out.has(key) || haversineM(origin.lon, origin.lat, place.lon, place.lat) > radius) continue;
    const snapped = engine.snap(place.lon, place.lat, profile);
    if (!snapped.ok) continue;
    const route = engine.route(from, snapped, profile);
    if (!route || route.properties.walk_min > minutes) continue;
    out.set(key, { walk_min: route.properties.walk_min, walk_m: route.properties.walk_m });
  }
  return out;
}

export const placeKey = (p: DeskPlace) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`;
