// Loads the OpenStreetMap street network (data/osm/hexi_osm_roads.geojson) into the ways table at first
// start. Walking rules live in server/network/walkingRules.ts; reading and writing the ways in baseWays.ts.
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { replaceWays, type NetworkWay } from '../network/baseWays.ts';

export { readOsmRoads, type NetworkWay, type OsmRoadFeature } from '../network/baseWays.ts';

export function defaultRoadsFile(dataRoot: string): string {
  return path.join(dataRoot, 'osm', 'hexi_osm_roads.geojson');
}

/** Replaces the ways table with the given network in one transaction. */
export async function loadNetwork(db: Kysely<Database>, ways: NetworkWay[]): Promise<void> {
  await db.transaction().execute((trx) => replaceWays(trx, ways, { ways: ways.length }));
}
