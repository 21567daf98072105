// SQL for service points (read side). Writes live beside it once editing exists.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Bbox } from '../http/geojson.ts';

export interface PointFilters {
  categories?: string[];
  street?: string;
  bbox?: Bbox;
  status?: 'active' | 'closed' | 'all';
  sample?: boolean;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface ServicePointRow {
  id: number;
  external_id: string | null;
  name: string;
  category_id: string;
  dimension_id: string;
  subtype: string | null;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  street_code: string | null;
  community_code: string | null;
  source: string;
  is_sample: boolean;
  status: 'active' | 'closed';
  version: number;
  created_at: Date;
  updated_at: Date;
  lon: number;
  lat: number;
}

export function selectPoints(db: Kysely<Database>) {
  return db.selectFrom('service_points').select([
    'id', 'external_id', 'name', 'category_id', 'dimension_id', 'subtype', 'address', 'phone', 'opening_hours',
    'street_code', 'community_code', 'source', 'is_sample', 'status', 'version', 'created_at', 'updated_at',
    sql<number>`ST_X(geom)`.as('lon'),
    sql<number>`ST_Y(geom)`.as('lat'),
  ]);
}

function applyFilters<QB extends SelectQueryBuilder<Database, 'service_points', any>>(query: QB, f: PointFilters): QB {
  let q = query;
  const status = f.status ?? 'active';
  if (status !== 'all') q = q.where('status', '=', status) as QB;
  if (f.categories?.length) q = q.where('category_id', 'in', f.categories) as QB;
  if (f.street) q = q.where('street_code', '=', f.street) as QB;
  if (f.sample !== undefined) q = q.where('is_sample', '=', f.sample) as QB;
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    q = q.where(sql<boolean>`geom && ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326)`) as QB;
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('name', 'like', like), eb('address', 'like', like), eb('subtype', 'like', like)])) as QB;
  }
  return q;
}

export async function listPoints(db: Kysely<Database>, filters: PointFilters): Promise<ServicePointRow[]> {
  let q = applyFilters(selectPoints(db), filters).orderBy('category_id').orderBy('id');
  if (filters.limit !== undefined) q = q.limit(filters.limit);
  if (filters.offset !== undefined) q = q.offset(filters.offset);
  return (await q.execute()) as ServicePointRow[];
}

export async function countPoints(db: Kysely<Database>, filters: PointFilters): Promise<number> {
  const row = await applyFilters(db.selectFrom('service_points').select((eb) => eb.fn.countAll<number>().as('n')), filters)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getPoint(db: Kysely<Database>, id: number): Promise<ServicePointRow | undefined> {
  return (await selectPoints(db).where('id', '=', id).executeTakeFirst()) as ServicePointRow | undefined;
}
