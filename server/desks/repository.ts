// SQL for reading desk visits, plans, the office's lists (and writing those lists), the visit reports and
// the compounds a rotation may visit. Local dates are read with to_char (never as JS Dates, which would
// shift them by the server's zone).
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, DeskPlaceKind, DeskServicesTable } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** What a visit and a plan both hold: the place, the services and the public contact. */
export interface DeskOfferFields {
  place_kind: DeskPlaceKind;
  site_id: number | null;
  gate_id: number | null;
  compound_id: number | null;
  compound_name: string | null;
  place_name: string;
  lon: number;
  lat: number;
  services: string[];
  partners: string[];
  contact_phone: string | null;
  note: string | null;
}

export interface VisitRow extends DeskOfferFields {
  id: number;
  street_code: string;
  street_name: string;
  origin: 'manual' | 'plan' | 'rotation';
  plan_id: number | null;
  plan_rule: string | null;
  occurrence_date: string | null;
  status: 'scheduled' | 'cancelled';
  cancel_reason: string | null;
  starts_at: Date;
  ends_at: Date;
  detached: boolean;
  is_sample: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** jsonb arrays come back parsed from pg and as text from some drivers: accept both. */
export function jsonList(value: unknown): string[] {
  const v = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(v) ? v.map(String) : [];
}

function normaliseVisit(row: Record<string, unknown>): VisitRow {
  return {
    ...(row as unknown as VisitRow),
    starts_at: new Date(row.starts_at as string),
    ends_at: new Date(row.ends_at as string),
    services: jsonList(row.services),
    partners: jsonList(row.partners),
  };
}

export function selectVisits(db: Db) {
  return db.selectFrom('desk_visits as v')
    .innerJoin('streets as st', 'st.code', 'v.street_code')
    .leftJoin('compounds as cp', 'cp.id', 'v.compound_id')
    .leftJoin('desk_plans as p', 'p.id', 'v.plan_id')
    .select([
      'v.id', 'v.street_code', 'st.name as street_name', 'v.origin', 'v.plan_id', 'p.rrule as plan_rule',
      sql<string | null>`to_char(v.occurrence_date, 'YYYY-MM-DD')`.as('occurrence_date'),
      'v.status', 'v.cancel_reason', 'v.starts_at', 'v.ends_at', 'v.place_kind', 'v.site_id', 'v.gate_id', 'v.compound_id',
      'cp.name as compound_name', 'v.place_name', sql<number>`ST_X(v.geom)`.as('lon'), sql<number>`ST_Y(v.geom)`.as('lat'),
      'v.services', 'v.partners', 'v.contact_phone', 'v.note', 'v.detached', 'v.is_sample', 'v.version', 'v.created_at', 'v.updated_at',
    ]);
}

export async function getVisit(db: Db, id: number, lock = false): Promise<VisitRow | undefined> {
  let q = selectVisits(db).where('v.id', '=', id);
  if (lock) q = q.forUpdate('v');
  const row = await q.executeTakeFirst();
  return row ? normaliseVisit(row) : undefined;
}

export interface VisitFilters {
  street?: string;
  /** Instants: visits ending after `from` and starting before `to`. */
  from?: Date;
  to?: Date;
  status?: 'scheduled' | 'cancelled' | 'all';
  planId?: number;
  /** Only visits whose place lies within this lon/lat box (a cheap first cut before walking). */
  bbox?: [number, number, number, number];
  limit?: number;
}

export async function listVisits(db: Db, f: VisitFilters): Promise<VisitRow[]> {
  let q = selectVisits(db);
  if (f.street) q = q.where('v.street_code', '=', f.street);
  if (f.from) q = q.where('v.ends_at', '>', f.from);
  if (f.to) q = q.where('v.starts_at', '<', f.to);
  if (f.status && f.status !== 'all') q = q.where('v.status', '=', f.status);
  if (f.planId) q = q.where('v.plan_id', '=', f.planId);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    q = q.where(sql<boolean>`v.geom && ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326)`);
  }
  q = q.orderBy('v.starts_at').orderBy('v.id');
  if (f.limit) q = q.limit(f.limit);
  return (await q.execute()).map(normaliseVisit);
}

export interface VisitCounts { received: number; resolved_on_site: number; closed_later: number; open: number }

/** Per visit: requests received, resolved on the spot (即办), closed after follow-up, still open. */
export async function visitReports(db: Db, visitIds: readonly number[]): Promise<Map<number, VisitCounts>> {
  const out = new Map<number, VisitCounts>();
  for (const id of visitIds) out.set(id, { received: 0, resolved_on_site: 0, closed_later: 0, open: 0 });
  if (!visitIds.length) return out;
  const rows = await db.selectFrom('desk_requests').select([
    'visit_id',
    sql<number>`count(*)`.as('received'),
    sql<number>`count(*) filter (where resolved_on_site)`.as('resolved_on_site'),
    sql<number>`count(*) filter (where not resolved_on_site and status = 'closed')`.as('closed_later'),
    sql<number>`count(*) filter (where status <> 'closed')`.as('open'),
  ]).where('visit_id', 'in', [...visitIds]).groupBy('visit_id').execute();
  for (const r of rows) {
    out.set(r.visit_id, { received: Number(r.received), resolved_on_site: Number(r.resolved_on_site), closed_later: Number(r.closed_later), open: Number(r.open) });
  }
  return out;
}

/** A desk service of the office's list, as drafts check against and answers name. */
export interface ServiceRef { id: string; name_zh: string; name_en: string; fills_category: string | null; active: boolean }

export async function loadServices(db: Db): Promise<ServiceRef[]> {
  return db.selectFrom('desk_services').select(['id', 'name_zh', 'name_en', 'fills_category', 'active'])
    .orderBy('sort_order').orderBy('id').execute();
}

export async function loadTopics(db: Db) {
  return db.selectFrom('desk_request_topics').select(['id', 'name_zh', 'name_en', 'active']).orderBy('sort_order').orderBy('id').execute();
}

export interface PlanRow extends DeskOfferFields {
  id: number;
  street_code: string;
  title: string;
  rrule: string;
  start_date: string;
  until_date: string | null;
  start_time: string;
  end_time: string;
  materialized_until: string | null;
  status: 'active' | 'closed';
  is_sample: boolean;
  version: number;
  updated_at: Date;
}

export function selectPlans(db: Db) {
  return db.selectFrom('desk_plans as p')
    .leftJoin('compounds as cp', 'cp.id', 'p.compound_id')
    .select([
      'p.id', 'p.street_code', 'p.title', 'p.rrule',
      sql<string>`to_char(p.start_date, 'YYYY-MM-DD')`.as('start_date'),
      sql<string | null>`to_char(p.until_date, 'YYYY-MM-DD')`.as('until_date'),
      'p.start_time', 'p.end_time', 'p.place_kind', 'p.site_id', 'p.gate_id', 'p.compound_id', 'cp.name as compound_name', 'p.place_name',
      sql<number>`ST_X(p.geom)`.as('lon'), sql<number>`ST_Y(p.geom)`.as('lat'),
      'p.services', 'p.partners', 'p.contact_phone', 'p.note',
      sql<string | null>`to_char(p.materialized_until, 'YYYY-MM-DD')`.as('materialized_until'),
      'p.status', 'p.is_sample', 'p.version', 'p.updated_at',
    ]);
}

const normalisePlan = (row: Record<string, unknown>): PlanRow => ({
  ...(row as unknown as PlanRow), services: jsonList(row.services), partners: jsonList(row.partners),
});

export async function getPlan(db: Db, id: number, lock = false): Promise<PlanRow | undefined> {
  let q = selectPlans(db).where('p.id', '=', id);
  if (lock) q = q.forUpdate('p');
  const row = await q.executeTakeFirst();
  return row ? normalisePlan(row) : undefined;
}

export async function listPlans(db: Db, f: { street?: string; status?: 'active' | 'closed' | 'all' }): Promise<PlanRow[]> {
  let q = selectPlans(db);
  if (f.street) q = q.where('p.street_code', '=', f.street);
  if ((f.status ?? 'active') !== 'all') q = q.where('p.status', '=', (f.status ?? 'active') as 'active' | 'closed');
  return (await q.orderBy('p.street_code').orderBy('p.id').execute()).map(normalisePlan);
}

/** The latest visit (not cancelled) of each compound before an instant: what the rotation planner weighs. */
export async function lastVisitByCompound(db: Db, streetCode: string, before: Date): Promise<Map<number, Date>> {
  const rows = await db.selectFrom('desk_visits').select(['compound_id', sql<Date>`max(starts_at)`.as('last')])
    .where('street_code', '=', streetCode).where('status', '=', 'scheduled').where('starts_at', '<', before)
    .where('compound_id', 'is not', null).groupBy('compound_id').execute();
  return new Map(rows.map((r) => [r.compound_id!, new Date(r.last)]));
}

/** The office's two lists: desk services and request topics share id, names, order and the active flag. */
export type TermList = 'desk_services' | 'desk_request_topics';
/** An entry's values; only desk services have `fills_category` (leave it out for topics). */
export interface TermValues { name_zh: string; name_en: string; active: boolean; fills_category?: string | null }

/** Adds an entry at the end of its list, or updates the entry with that id. Returns the row before (for the audit) and after. */
export async function upsertTerm(trx: Transaction<Database>, list: TermList, id: string, values: TermValues) {
  // Typed as the services table, the wider of the two; a topic's values carry no fills_category.
  const table = list as 'desk_services';
  const columns = list === 'desk_services'
    ? ['id', 'name_zh', 'name_en', 'fills_category', 'active'] as const : ['id', 'name_zh', 'name_en', 'active'] as const;
  const before = await trx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
  const after = await trx.insertInto(table)
    .values({ id, ...values, sort_order: sql`(select coalesce(max(sort_order), 0) + 10 from ${sql.table(list)})` } as Insertable<DeskServicesTable>)
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .returning([...columns]).executeTakeFirstOrThrow();
  return { before, after };
}

/** The active compounds of a street (or of one community), with their first active board site and gate, for the rotation planner. */
export async function rotationCompounds(db: Db, streetCode: string, communityCode?: string) {
  let q = db.selectFrom('compounds as c')
    .select(['c.id', 'c.name', 'c.community_code', 'c.residents',
      sql<number | null>`ST_X(c.geom)`.as('lon'), sql<number | null>`ST_Y(c.geom)`.as('lat'),
      sql<number | null>`(select s.id from board_sites s where s.compound_id = c.id and s.status = 'active' order by s.id limit 1)`.as('site_id'),
      sql<string | null>`(select s.name from board_sites s where s.compound_id = c.id and s.status = 'active' order by s.id limit 1)`.as('site_name'),
      sql<number | null>`(select g.id from compound_gates g where g.compound_id = c.id and g.status = 'active' order by g.id limit 1)`.as('gate_id'),
      sql<string | null>`(select g.name from compound_gates g where g.compound_id = c.id and g.status = 'active' order by g.id limit 1)`.as('gate_name'),
    ])
    .where('c.street_code', '=', streetCode).where('c.status', '=', 'active');
  if (communityCode) q = q.where('c.community_code', '=', communityCode);
  return q.orderBy('c.id').execute();
}

/** Every request topic's id and whether it is active (a new request must name an active one). */
export async function topicStates(db: Db): Promise<{ id: string; active: boolean }[]> {
  return db.selectFrom('desk_request_topics').select(['id', 'active']).execute();
}

/** A compound's id and street, or undefined when there is no such compound. */
export async function compoundStreet(db: Db, compoundId: number): Promise<{ id: number; street_code: string } | undefined> {
  return db.selectFrom('compounds').select(['id', 'street_code']).where('id', '=', compoundId).executeTakeFirst();
}
