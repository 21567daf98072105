// Reference check: our walking distances against pgRouting's pgr_dijkstraCost on the same segment
// edges with the same costs. Runs only on a PostgreSQL server (DATABASE_URL) where pgRouting is
// available (CI's PostGIS leg installs postgresql-15-pgrouting); otherwise it is skipped, saying why.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openTestDatabase, type TestDatabase } from '../helper.ts';
import { buildWalkingGraph, type WalkingGraph } from '../../server/network/walkingGraph.ts';
import { loadWalkingWays } from '../../server/network/repository.ts';
import { edgeCostsSec, loadWalkingProfiles } from '../../server/network/profiles.ts';
import { TravelTimeSearch } from '../../server/network/travelTimes.ts';
import { seededRandom } from './hexiNetwork.ts';

async function pgRoutingAvailability(): Promise<string | null> {
  const url = process.env.DATABASE_URL;
  if (!url) return 'DATABASE_URL is not set (the reference check runs in the PostGIS leg)';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query(
      "select exists (select 1 from pg_available_extensions where name = 'pgrouting') as available, exists (select 1 from pg_proc where proname = 'pgr_dijkstra') as installed");
    if (!rows[0].available && !rows[0].installed) return 'pgRouting is not installed on the server (apt-get install postgresql-15-pgrouting)';
    return null;
  } catch (e) {
    return `cannot reach DATABASE_URL: ${(e as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skipReason = await pgRoutingAvailability();
const PAIRS_PER_PROFILE = { standard: [40, 30], elderly: [10, 20] } as const; // sources × targets
/** Agreement required, in metres of walking at the profile's speed. */
const TOLERANCE_M = 1;

describe.skipIf(skipReason !== null)(`pgRouting reference check${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let database: TestDatabase | undefined;
  afterAll(async () => { await database?.drop(); });

  it('agrees with pgr_dijkstraCost within 1 m on ≥1,000 random node pairs of the real Hexi network', async () => {
    database = await openTestDatabase();
    const graph = buildWalkingGraph(await loadWalkingWays(database.handle.db));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('create extension if not exists pgrouting');
      const profiles = loadWalkingProfiles();
      let compared = 0;
      for (const [profileId, [nSources, nTargets]] of Object.entries(PAIRS_PER_PROFILE)) {
        const profile = profiles.find((p) => p.id === profileId)!;
        const costs = edgeCostsSec(graph, profile);
        await loadEdges(client, graph, costs);
        const rnd = seededRandom(profileId.length * 1000 + 17);
        const pick = () => { for (;;) { const v = Math.floor(rnd() * graph.nodeCount); if (graph.nodeComponent[v] === 0) return v; } };
        const sources = Array.from({ length: nSources }, pick), targets = Array.from({ length: nTargets }, pick);
        const { rows } = await client.query<{ start_vid: string; end_vid: string; agg_cost: number }>(
          `select start_vid, end_vid, agg_cost from pgr_dijkstraCost(
             'select id, source, target, cost, cost as reverse_cost from walking_reference_edges',
             $1::bigint[], $2::bigint[], directed => false)`,
          [sources.map((v) => v + 1), targets.map((v) => v + 1)]);
        const reference = new Map(rows.map((r) => [`${Number(r.start_vid) - 1}>${Number(r.end_vid) - 1}`, Number(r.agg_cost)]));
        const search = new TravelTimeSearch(graph);
        for (const s of sources) {
          search.start(costs, [{ node: s, timeSec: 0, metres: 0, label: 0 }]).runAll();
          for (const t of targets) {
            const ours = search.timeTo(t);
            const theirs = s === t ? 0 : reference.get(`${s}>${t}`) ?? Infinity;
            const diffM = Math.abs(ours - theirs) * profile.speed_mps;
            if (!(diffM <= TOLERANCE_M)) {
              throw new Error(`${profileId}: nodes ${s}→${t} (${graph.nodeLon[s]},${graph.nodeLat[s]} → ${graph.nodeLon[t]},${graph.nodeLat[t]}): ours ${ours.toFixed(2)} s, pgRouting ${theirs.toFixed(2)} s (${diffM.toFixed(2)} m apart)`);
            }
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThanOrEqual(1000);
    } finally {
      await client.end();
    }
  });
});

/** The graph's segment edges with a profile's costs, as pgRouting reads them (node ids + 1). */
async function loadEdges(client: pg.Client, g: WalkingGraph, costs: Float64Array): Promise<void> {
  await client.query('drop table if exists walking_reference_edges');
  await client.query('create table walking_reference_edges (id integer primary key, source bigint, target bigint, cost float8)');
  const ids: number[] = [], sources: number[] = [], targets: number[] = [], cost: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    ids.push(e + 1); sources.push(g.edgeFrom[e] + 1); targets.push(g.edgeTo[e] + 1);
    cost.push(Number.isFinite(costs[e]) ? costs[e] : -1); // pgRouting skips negative costs
  }
  await client.query('insert into walking_reference_edges select * from unnest($1::int[], $2::bigint[], $3::bigint[], $4::float8[])', [ids, sources, targets, cost]);
}
