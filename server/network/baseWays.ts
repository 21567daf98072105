// The base network's ways as the ways table keeps them: reading the shipped Geofabrik-schema GeoJSON
// (the district's roads file, server/district.ts) and replacing the table inside a transaction. The first start
// (server/seed/network.ts) and a network import (networkImport.ts) both write through replaceWays.
import fs from 'node:fs';
import { sql, type Transaction } from 'kysely';
import { length as turfLength, lineString } from '@turf/turf';
import type { Database } from '../db/schema.ts';
import { isWalkable } from './walkingRules.ts';

export interface OsmRoadFeature {
  type: 'Feature';
  properties: {
    highway: string; name: string | null; ref: string | null; layer: number | null;
    bridge: string | null; tunnel: string | null; wemap_id: string | null;
  };
  geometry: { type: 'LineString'; coordinates: number[][] } | { type: 'MultiLineString'; coordinates: number[][][] };
}

export interface NetworkWay {
  source_ref: string | null;
  highway: string;
  name: string | null;
  ref: string | null;
  layer: number;
  bridge: boolean;
  tunnel: boolean;
  walkable: boolean;
  length_m: number;
  coordinates: [number, number][];
  /** OSM tags an .osm extract may carry (server/network/networkImport.ts); the shipped GeoJSON has none. */
  foot?: string | null;
  access?: string | null;
  wheelchair?: string | null;
  incline?: string | null;
  crossing?: string | null;
}

/** Reads the GeoJSON file and splits MultiLineStrings into one way per part. */
export function readOsmRoads(file: string): NetworkWay[] {
  const collection = JSON.parse(fs.readFileSync(file, 'utf8')) as { features: OsmRoadFeature[] };
  const ways: NetworkWay[] = [];
  for (const feature of collection.features) {
    const p = feature.properties;
    const parts = feature.geometry.type === 'LineString' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    parts.forEach((coords, i) => {
      if (coords.length < 2) return;
      const attributes = {
        highway: p.highway,
        layer: Math.round(Number(p.layer ?? 0)),
        bridge: p.bridge === 'T',
        tunnel: p.tunnel === 'T',
      };
      const coordinates = coords.map((c) => [c[0], c[1]] as [number, number]);
      ways.push({
        source_ref: p.wemap_id ? (parts.length > 1 ? `${p.wemap_id}#${i}` : p.wemap_id) : null,
        name: p.name || null,
        ref: p.ref || null,
        ...attributes,
        walkable: isWalkable(attributes),
        length_m: turfLength(lineString(coordinates), { units: 'kilometers' }) * 1000,
        coordinates,
      });
    });
  }
  return ways;
}

/** Inside the caller's transaction: the ways table becomes `ways`, and app_settings.network says when. */
export async function replaceWays(trx: Transaction<Database>, ways: NetworkWay[], note: Record<string, unknown>): Promise<void> {
  await trx.deleteFrom('ways').execute();
  for (let i = 0; i < ways.length; i += 250) {
    const batch = ways.slice(i, i + 250);
    await trx.insertInto('ways').values(batch.map((w) => ({
      source_ref: w.source_ref,
      highway: w.highway,
      name: w.name,
      ref: w.ref,
      layer: w.layer,
      bridge: w.bridge,
      tunnel: w.tunnel,
      walkable: w.walkable,
      length_m: w.length_m,
      foot: w.foot ?? null,
      access: w.access ?? null,
      wheelchair: w.wheelchair ?? null,
      incline: w.incline ?? null,
      crossing: w.crossing ?? null,
      geom: sql`ST_GeomFromText(${`LINESTRING(${w.coordinates.map((c) => `${c[0]} ${c[1]}`).join(',')})`}, 4326)`,
    }))).execute();
  }
  await trx.insertInto('app_settings')
    .values({ key: 'network', value: JSON.stringify({ loaded_at: new Date().toISOString(), ...note }) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: sql`now()` }))
    .execute();
}
