// SQL for board sites (where a board hangs: a community service center or a compound gate).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface BoardSiteRow {
  id: number;
  kind: 'service_center' | 'compound_gate';
  name: string;
  street_code: string;
  street_name: string;
  community_code: string | null;
  community_name: string | null;
  compound_id: number | null;
  compound_name: string | null;
  gate_id: number | null;
  is_sample: boolean;
  status: 'active' | 'closed';
  version: number;
  updated_at: Date;
  lon: number;
  lat: number;
}

export function selectSites(db: Kysely<Database>) {
  return db.selectFrom('board_sites as s')
    .innerJoin('streets as st', 'st.code', 's.street_code')
    .leftJoin('communities as c', 'c.code', 's.community_code')
    .leftJoin('compounds as cp', 'cp.id', 's.compound_id')
    .select([
      's.id', 's.kind', 's.name', 's.street_code', 'st.name as street_name', 's.community_code',
      'c.name as community_name', 's.compound_id', 'cp.name as compound_name', 's.gate_id', 's.is_sample',
      's.status', 's.version', 's.updated_at',
      sql<number>`ST_X(s.geom)`.as('lon'),
      sql<number>`ST_Y(s.geom)`.as('lat'),
    ]);
}

export async function listSites(db: Kysely<Database>, f: { street?: string; kind?: string; status?: string }): Promise<BoardSiteRow[]> {
  let q = selectSites(db);
  if (f.street) q = q.where('s.street_code', '=', f.street);
  if (f.kind) q = q.where('s.kind', '=', f.kind as BoardSiteRow['kind']);
  if ((f.status ?? 'active') !== 'all') q = q.where('s.status', '=', (f.status ?? 'active') as BoardSiteRow['status']);
  return (await q.orderBy('s.street_code').orderBy('s.kind', 'desc').orderBy('s.id').execute()) as BoardSiteRow[];
}

export async function getSite(db: Kysely<Database>, id: number): Promise<BoardSiteRow | undefined> {
  return (await selectSites(db).where('s.id', '=', id).executeTakeFirst()) as BoardSiteRow | undefined;
}
