// Approximate street and community areas, for as long as no official boundaries are imported. Every
// location the service knows for a community (its listed location, then the compounds, gates, board sites
// and service points recorded in it) seeds a Voronoi cell; a community's area is the union of its cells
// clipped to the district outline, a street's the union of its communities (the polygon union and clip
// run in PostGIS: server/areas/repository.ts). Pure TypeScript.
import * as turf from '@turf/turf';

/** A place known to lie in a community. */
export interface CommunitySeed { community_code: string; street_code: string; lon: number; lat: number }
export interface CommunityCells { community_code: string; street_code: string; cells: [number, number][][][] }

/** The Voronoi cells of the seeds, grouped by community; `bbox` bounds the outer cells. */
export function communityCells(seeds: CommunitySeed[], bbox: [number, number, number, number]): CommunityCells[] {
  // The diagram needs distinct sites: at a location named twice, the first seed keeps it.
  const seen = new Set<string>();
  const sites = seeds.filter((s) => {
    const key = `${s.lon.toFixed(6)},${s.lat.toFixed(6)}`;
    return Number.isFinite(s.lon) && Number.isFinite(s.lat) && !seen.has(key) && seen.add(key);
  });
  const pad = 0.01;
  const diagram = turf.voronoi(turf.featureCollection(sites.map((s) => turf.point([s.lon, s.lat]))),
    { bbox: [bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad] });
  const grouped = new Map<string, CommunityCells>();
  sites.forEach((s, i) => {
    const cell = diagram.features[i];
    if (!cell) return;
    const entry = grouped.get(s.community_code) ?? { community_code: s.community_code, street_code: s.street_code, cells: [] };
    entry.cells.push(cell.geometry.coordinates as [number, number][][]);
    grouped.set(s.community_code, entry);
  });
  return [...grouped.values()].sort((a, b) => a.community_code.localeCompare(b.community_code));
}
