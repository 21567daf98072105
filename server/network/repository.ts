// SQL the walking engine needs: the walkable ways (to build the graph) and the active service points
// (to fill the point index), all at once or by id after an edit.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WalkingWayInput } from './walkingGraph.ts';
import type { LonLat } from '../geo.ts';
import type { NetworkCorrection } from './corrections.ts';
import { barrierRule, crossingRule } from './walkingRules.ts';

/** A service point as the engine keeps it: enough to answer "nearest" without another query. */
export interface WalkingPoint {
  id: number;
  category_id: string;
  lon: number;
  lat: number;
  name: string;
  subtype: string | null;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  street_code: string | null;
  is_sample: boolean;
}

/** The walkable ways as graph input. The `walkable` column was set by the importer from walkingRules.ts. */
export async function loadWalkingWays(db: Kysely<Database>): Promise<WalkingWayInput[]> {
  const rows = await db.selectFrom('ways')
    .select(['id', 'highway', 'name', 'layer', 'bridge', 'tunnel', 'foot', 'access', sql<string>`ST_AsGeoJSON(geom)`.as('geojson')])
    .where('walkable', '=', true)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id, highway: r.highway, name: r.name, layer: r.layer, bridge: r.bridge, tunnel: r.tunnel,
    ...(r.foot ? { foot: r.foot } : {}), ...(r.access ? { access: r.access } : {}),
    coordinates: (JSON.parse(r.geojson) as { coordinates: LonLat[] }).coordinates,
  }));
}

function selectWalkingPoints(db: Kysely<Database>) {
  return db.selectFrom('service_points').select([
    'id', 'category_id', 'name', 'subtype', 'address', 'phone', 'opening_hours', 'street_code', 'is_sample', 'status',
    sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat'),
  ]);
}

const toWalkingPoint = (r: WalkingPoint & { status: string }): WalkingPoint => ({
  id: r.id, category_id: r.category_id, lon: Number(r.lon), lat: Number(r.lat), name: r.name, subtype: r.subtype,
  address: r.address, phone: r.phone, opening_hours: r.opening_hours, street_code: r.street_code, is_sample: r.is_sample,
});

/** Every active service point. */
export async function loadActivePoints(db: Kysely<Database>): Promise<WalkingPoint[]> {
  const rows = await selectWalkingPoints(db).where('status', '=', 'active').execute();
  return rows.map(toWalkingPoint);
}

/** The given points as they are now: `active` holds the active ones; ids missing from it are gone or closed. */
export async function loadPointsById(db: Kysely<Database>, ids: readonly number[]): Promise<WalkingPoint[]> {
  if (ids.length === 0) return [];
  const rows = await selectWalkingPoints(db).where('id', 'in', [...ids]).where('status', '=', 'active').execute();
  return rows.map(toWalkingPoint);
}

/**
 * The imported extract's tagged nodes as the overlay entries the walking rules make of them: barriers
 * (gates with hours, private or stile-like) and crossings (signals, zebras, none). Their ids are the
 * negative node ids, so they never meet a correction's; a street office's correction at the same place
 * is applied after them and wins.
 */
export async function loadBaseNodeCorrections(db: Kysely<Database>): Promise<NetworkCorrection[]> {
  const rows = await db.selectFrom('network_nodes')
    .select(['id', 'barrier', 'crossing', 'opening_hours', 'wheelchair', 'access', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')])
    .where((eb) => eb.or([eb('barrier', 'is not', null), eb('crossing', 'is not', null)]))
    .orderBy('id').execute();
  const out: NetworkCorrection[] = [];
  for (const r of rows) {
    const lon = Number(r.lon), lat = Number(r.lat);
    const barrier = barrierRule(r);
    if (barrier) out.push({ id: -r.id, kind: 'gate', lon, lat, ...barrier });
    const crossing = crossingRule(r);
    // The tag is read where the general rule prices a crossing (trunk/primary), not at every secondary road.
    if (crossing) out.push({ id: -r.id, kind: 'crossing', lon, lat, ...crossing, junctions: 'major' });
  }
  return out;
}
