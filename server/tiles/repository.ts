// Reads what the basemap draws: every way of the network from the database (the same table the
// walking engine is built from, on either engine), and the district's static OSM layers (server/district.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import type { Database } from '../db/schema.ts';
import type { BasemapLayers, StreetWay } from './basemap.ts';
import type { District } from '../district.ts';

/** Every way, and a digest of everything drawn from them (cheap: hashed from the rows as read). */
export async function loadStreetWays(db: Kysely<Database>): Promise<{ ways: StreetWay[]; digest: string }> {
  const rows = await db.selectFrom('ways')
    .select(['id', 'highway', 'name', 'ref', 'layer', 'bridge', 'tunnel', 'walkable', sql<string>`ST_AsGeoJSON(geom, 6)`.as('geojson')])
    .orderBy('id')
    .execute();
  const hash = crypto.createHash('sha256');
  const ways = rows.map((r) => {
    hash.update(`${r.id}|${r.highway}|${r.name ?? ''}|${r.ref ?? ''}|${r.layer}|${r.bridge}|${r.tunnel}|${r.walkable}|${r.geojson}\n`);
    return {
      id: r.id, highway: r.highway, name: r.name, ref: r.ref, layer: r.layer, bridge: r.bridge, tunnel: r.tunnel,
      walkable: r.walkable, geometry: JSON.parse(r.geojson) as LineString | MultiLineString,
    };
  });
  return { ways, digest: hash.digest('hex') };
}

interface OsmFeature<G> { type: 'Feature'; geometry: G; properties: { fclass?: string; name?: string | null; tunnel?: string; layer?: number | null } }

function readCollection<G>(file: string | null): OsmFeature<G>[] {
  if (!file || !fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { features: OsmFeature<G>[] }).features;
}

/** Metro lines and the parking / fuel / bus-station areas of the OSM extract (ODbL, see data/README.md). */
export function readStaticLayers(district: District): Omit<BasemapLayers, 'streets'> {
  const subway = readCollection<LineString | MultiLineString>(district.files.subway).map((f) => ({
    type: 'Feature' as const,
    geometry: f.geometry,
    properties: { ...(f.properties.name ? { name: f.properties.name } : {}), tunnel: f.properties.tunnel === 'T', layer: Number(f.properties.layer ?? 0) },
  })) satisfies Feature<LineString | MultiLineString>[];
  const areas = [
    ...readCollection<Polygon | MultiPolygon>(district.files.traffic_a),
    ...readCollection<Polygon | MultiPolygon>(district.files.transport_a),
  ].map((f) => ({
    type: 'Feature' as const,
    geometry: f.geometry,
    properties: { class: f.properties.fclass ?? 'area', ...(f.properties.name ? { name: f.properties.name } : {}) },
  })) satisfies Feature<Polygon | MultiPolygon>[];
  return { subway, areas };
}
