// SQL for street and community areas: deriving the approximate ones, reading them for checks and maps,
// and replacing them with official boundaries.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DistrictOutline } from '../records/validation.ts';
import { communityCells, type CommunitySeed } from './derive.ts';

export type AreaSource = 'approximate' | 'official';
export interface AreaRow {
  code: string; level: 'street' | 'community'; street_code: string; source: AreaSource;
  polygons: [number, number][][][]; imported_at: string; imported_by: string | null; source_note: string | null;
}

/** Every location known to lie in a community, the listed community location first. */
async function communitySeeds(db: Kysely<Database>): Promise<CommunitySeed[]> {
  const { rows } = await sql<CommunitySeed>`
    select community_code, street_code, lon, lat from (
      select 0 as rank, code as community_code, street_code, ST_X(approx_geom) as lon, ST_Y(approx_geom) as lat, code as k
        from communities where approx_geom is not null
      union all
      select 1, c.code, c.street_code, ST_X(x.geom), ST_Y(x.geom), x.id::text from compounds x
        join communities c on c.code = x.community_code and c.street_code = x.street_code
        where x.status = 'active' and x.geom is not null
      union all
      select 2, c.code, c.street_code, ST_X(g.geom), ST_Y(g.geom), g.id::text from compound_gates g
        join compounds x on x.id = g.compound_id
        join communities c on c.code = x.community_code and c.street_code = x.street_code
        where g.status = 'active' and x.status = 'active'
      union all
      select 3, c.code, c.street_code, ST_X(s.geom), ST_Y(s.geom), s.id::text from board_sites s
        join communities c on c.code = s.community_code and c.street_code = s.street_code
        where s.status = 'active'
      union all
      select 4, c.code, c.street_code, ST_X(p.geom), ST_Y(p.geom), p.id::text from service_points p
        join communities c on c.code = p.community_code and c.street_code = p.street_code
        where p.status = 'active'
    ) seeds order by rank, k`.execute(db);
  return rows.map((r) => ({ ...r, lon: Number(r.lon), lat: Number(r.lat) }));
}

const multiPolygon = (polygons: unknown) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({ type: 'MultiPolygon', coordinates: polygons })}), 4326)`;

/**
 * (Re)derives the approximate areas from the known community locations, clipped to the district outline.
 * Official areas are left as they are; a street area is the union of its communities' areas.
 */
export async function deriveApproximateAreas(db: Kysely<Database>, district: DistrictOutline): Promise<number> {
  const groups = communityCells(await communitySeeds(db), district.bbox);
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('division_areas').where('source', '=', 'approximate').execute();
    const official = new Set((await trx.selectFrom('division_areas').select('code').execute()).map((r) => r.code));
    const outline = multiPolygon(district.polygons);
    for (const g of groups) {
      if (official.has(g.community_code)) continue;
      await sql`
        insert into division_areas (code, level, street_code, source, geom, source_note)
        select ${g.community_code}, 'community', ${g.street_code}, 'approximate',
               ST_Multi(ST_CollectionExtract(ST_Intersection(ST_Union(ST_MakeValid(cells.geom)), ${outline}), 3)),
               '由社区位置推算（泰森多边形）'
          from (select ST_SetSRID(ST_GeomFromGeoJSON(c), 4326) as geom
                  from jsonb_array_elements(${JSON.stringify(g.cells.map((coordinates) => ({ type: 'Polygon', coordinates })))}::jsonb) c) cells
        having not ST_IsEmpty(ST_CollectionExtract(ST_Intersection(ST_Union(ST_MakeValid(cells.geom)), ${outline}), 3))`.execute(trx);
    }
    await sql`
      insert into division_areas (code, level, street_code, source, geom, source_note)
      select street_code, 'street', street_code, 'approximate', ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)), '由社区位置推算（泰森多边形）'
        from division_areas where level = 'community'
         and street_code not in (select code from division_areas where level = 'street')
       group by street_code`.execute(trx);
    const { count } = await trx.selectFrom('division_areas').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    return Number(count);
  });
}

export async function listAreas(db: Kysely<Database> | Transaction<Database>, filter: { level?: 'street' | 'community'; street?: string } = {}): Promise<AreaRow[]> {
  let q = db.selectFrom('division_areas as a').leftJoin('staff_users as u', 'u.id', 'a.imported_by').select([
    'a.code', 'a.level', 'a.street_code', 'a.source', 'a.imported_at', 'a.source_note', 'u.username as imported_by',
    sql<string>`ST_AsGeoJSON(a.geom, 6)`.as('geojson'),
  ]);
  if (filter.level) q = q.where('a.level', '=', filter.level);
  if (filter.street) q = q.where('a.street_code', '=', filter.street);
  const rows = await q.orderBy('a.level', 'desc').orderBy('a.code').execute();
  return rows.map(({ geojson, imported_at, ...r }) => ({
    ...r, imported_at: new Date(imported_at).toISOString(),
    polygons: (JSON.parse(geojson) as { coordinates: [number, number][][][] }).coordinates,
  }));
}
