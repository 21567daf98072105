// Turns the OSM roads GeoJSON (the district's roads file, server/district.ts) into graph-builder input: one input
// way per LineString part, bridge/tunnel flags from 'T'/'F'. Used by tests and the benchmark; the
// running service reads the same ways from the database instead.

import { readFileSync } from 'node:fs';
import type { WalkingWayInput } from './walkingGraph.ts';
import type { LonLat } from '../geo.ts';

interface RoadFeature {
  properties: { highway: string; name?: string | null; layer?: number | string | null; bridge?: string; tunnel?: string };
  geometry: { type: 'LineString'; coordinates: LonLat[] } | { type: 'MultiLineString'; coordinates: LonLat[][] };
}

export function waysFromRoadFeatures(features: readonly RoadFeature[]): WalkingWayInput[] {
  const out: WalkingWayInput[] = [];
  features.forEach((f, i) => {
    const p = f.properties;
    const parts = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const coordinates of parts) {
      out.push({
        id: i + 1,
        highway: p.highway,
        name: p.name ?? null,
        layer: Number(p.layer ?? 0) || 0,
        bridge: p.bridge === 'T',
        tunnel: p.tunnel === 'T',
        coordinates,
      });
    }
  });
  return out;
}

export function loadRoadsGeoJson(path: string): WalkingWayInput[] {
  const fc = JSON.parse(readFileSync(path, 'utf8')) as { features: RoadFeature[] };
  return waysFromRoadFeatures(fc.features);
}
