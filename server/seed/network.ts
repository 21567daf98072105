// Loads the district's OpenStreetMap street network (its roads file, server/district.ts) into the ways
// table at first start. Walking rules live in server/network/walkingRules.ts; reading and writing the ways in baseWays.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { replaceWays, type NetworkWay } from '../network/baseWays.ts';

export { readOsmRoads, type NetworkWay, type OsmRoadFeature } from '../network/baseWays.ts';

/** Replaces the ways table with the given network in one transaction. */
export async function loadNetwork(db: Kysely<Database>, ways: NetworkWay[]): Promise<void> {
  await db.transaction().execute((trx) => replaceWays(trx, ways, { ways: ways.length }));
}
