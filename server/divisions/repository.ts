// SQL for the reference answers: the figures /api/health reports about the loaded data, and the streets
// with their communities.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A street by its code (12 digits), or undefined: what a route checks before it takes a street code from a request. */
export async function findStreet(db: Kysely<Database>, code: string): Promise<{ code: string; name: string } | undefined> {
  return db.selectFrom('streets').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
}

export interface DataFigures {
  postgis: string;
  network: { ways: number; walkable_ways: number; km: number };
  points: { active: number; sample: number };
  sites: number; compounds: number; streets: number;
}

/** Counts of the loaded network, points, sites, compounds and streets, and the PostGIS version. */
export async function dataFigures(db: Kysely<Database>): Promise<DataFigures> {
  const [network, points, counts, postgis] = await Promise.all([
    db.selectFrom('ways').select([
      sql<number>`count(*)`.as('ways'),
      sql<number>`count(*) filter (where walkable)`.as('walkable_ways'),
      sql<number>`coalesce(sum(length_m), 0) / 1000`.as('km'),
    ]).executeTakeFirstOrThrow(),
    db.selectFrom('service_points').select([
      sql<number>`count(*) filter (where status = 'active')`.as('active'),
      sql<number>`count(*) filter (where is_sample)`.as('sample'),
    ]).executeTakeFirstOrThrow(),
    sql<{ sites: number; compounds: number; streets: number }>`
      select (select count(*) from board_sites where status = 'active') as sites,
             (select count(*) from compounds where status = 'active') as compounds,
             (select count(*) from streets) as streets`.execute(db),
    sql<{ v: string }>`select postgis_lib_version() as v`.execute(db),
  ]);
  return {
    postgis: postgis.rows[0].v,
    network: { ways: Number(network.ways), walkable_ways: Number(network.walkable_ways), km: Math.round(Number(network.km) * 10) / 10 },
    points: { active: Number(points.active), sample: Number(points.sample) },
    sites: Number(counts.rows[0].sites),
    compounds: Number(counts.rows[0].compounds),
    streets: Number(counts.rows[0].streets),
  };
}

export interface StreetWithCommunities {
  code: string; name: string;
  communities: { code: string; name: string; lon: number | null; lat: number | null }[];
}

/** The streets in code order, each with its communities (code order) and their approximate locations. */
export async function streetsWithCommunities(db: Kysely<Database>): Promise<StreetWithCommunities[]> {
  const streets = await db.selectFrom('streets').select(['code', 'name']).orderBy('code').execute();
  const communities = await db.selectFrom('communities')
    .select(['code', 'name', 'street_code', sql<number | null>`ST_X(approx_geom)`.as('lon'), sql<number | null>`ST_Y(approx_geom)`.as('lat')])
    .orderBy('code').execute();
  return streets.map((s) => ({
    ...s,
    communities: communities.filter((c) => c.street_code === s.code).map(({ code, name, lon, lat }) => ({ code, name, lon, lat })),
  }));
}
