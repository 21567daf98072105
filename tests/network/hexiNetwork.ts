// Shared fixtures for the walking-engine tests: the real Hexi network as the service serves it (read from
// the ways table of the database engine under test, exactly as server/network/service.ts reads it), the
// real profiles, and a deterministic random source. Test points are placed at seeded random positions
// near the real network; they are synthetic, the network is not.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { buildWalkingGraph, type WalkingGraph } from '../../server/network/walkingGraph.ts';
import { loadWalkingWays } from '../../server/network/repository.ts';
import { loadWalkingProfiles } from '../../server/network/profiles.ts';
import { WalkingEngine } from '../../server/network/walkingEngine.ts';
import type { CategorisedPoint } from '../../server/network/servicePoints.ts';
import type { WalkingWayInput } from '../../server/network/walkingGraph.ts';

/** The file the seed loads the ways from (graph.test.ts checks the import against it). */
export const ROADS_PATH = fileURLToPath(new URL('../../data/osm/hexi_osm_roads.geojson', import.meta.url));

/**
 * The ways as the service reads them from this leg's database (embedded or server), once per test file.
 * The mutation run (npm run test:mutation) reads them once per run from the same template with the same
 * loadWalkingWays, and hands over the file, so that each mutant does not pay for opening a database.
 */
export const servedWays: WalkingWayInput[] = await (async () => {
  const waysFile = inject('servedWaysFile');
  if (waysFile) return JSON.parse(fs.readFileSync(waysFile, 'utf8')) as WalkingWayInput[];
  // Imported here, not above: the helper loads the whole app, which the mutation run has no use for.
  const { openTestDatabase } = await import('../helper.ts');
  const database = await openTestDatabase();
  try { return await loadWalkingWays(database.handle.db); } finally { await database.drop(); }
})();

let graph: WalkingGraph | null = null;
export function hexiGraph(): WalkingGraph {
  graph ??= buildWalkingGraph(servedWays);
  return graph;
}

export function hexiEngine<P extends CategorisedPoint = CategorisedPoint>(): WalkingEngine<P> {
  return new WalkingEngine<P>(hexiGraph(), loadWalkingProfiles());
}

export { seededRandom } from '../random.ts';
import { seededRandom } from '../random.ts';

/** A random node of the largest component. */
export function randomMainNode(rnd: () => number): number {
  const g = hexiGraph();
  for (;;) {
    const v = Math.floor(rnd() * g.nodeCount);
    if (g.nodeComponent[v] === 0) return v;
  }
}

/** A lon/lat up to `jitterM` metres from a random node of the main component. */
export function randomPlaceNearNetwork(rnd: () => number, jitterM = 40): [number, number] {
  const g = hexiGraph();
  const v = randomMainNode(rnd);
  const dx = (rnd() * 2 - 1) * jitterM, dy = (rnd() * 2 - 1) * jitterM;
  return [g.plane.lon(g.nodeX[v] + dx), g.plane.lat(g.nodeY[v] + dy)];
}

export const CATEGORY_IDS = ['elder_care', 'health', 'education', 'culture', 'sports', 'transport',
  'convenience', 'shopping', 'government', 'emergency'];

/** `n` synthetic service points spread over the network, categories in turn. */
export function syntheticPoints(n: number, seed = 7): CategorisedPoint[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const [lon, lat] = randomPlaceNearNetwork(rnd, 60);
    return { id: i + 1, category_id: CATEGORY_IDS[i % CATEGORY_IDS.length], lon, lat };
  });
}
