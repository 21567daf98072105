// SQL of residents' reports: insert (or merge a repeat), read by code or id with names joined, a street's
// queue, status moves, the street's counts, and the open 缺少服务 reports for the coverage map and planning.
import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ReportKind, ReportStatus } from '../db/schema.ts';
import { localTimeZone } from '../localTime.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReportRow {
  id: number; code: string; kind: ReportKind; category_id: string | null; site_id: number | null; site_name: string | null;
  point_id: number | null; point_name: string | null; source: 'site' | 'map' | 'point'; lon: number; lat: number;
  street_code: string; street_name: string; community_code: string | null; community_name: string | null;
  body: string | null; contact_phone: string | null; repeats: number; status: ReportStatus; public_reply: string | null;
  linked: { kind: string; point_id?: number; at: string; by: string } | null;
  received_at: Date; accepted_at: Date | null; closed_at: Date | null; updated_at: Date; version: number;
}

// No 0/O, 1/I/L: a code read aloud over the phone or copied by hand stays right. 31^10 ≈ 8·10^14.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newReceiptCode(): string {
  const bytes = crypto.randomBytes(10);
  let code = '';
  // 248 = 8 × 31: rejection-free enough (bytes ≥ 248 are re-drawn) to keep every letter equally likely.
  for (let i = 0; code.length < 10; i++) {
    const b = i < bytes.length ? bytes[i] : crypto.randomBytes(1)[0];
    if (b < 248) code += CODE_ALPHABET[b % 31];
  }
  return code;
}
/** A code as typed: spaces and dashes dropped, upper case; null when it cannot be a code. */
export function normalizeCode(value: string): string | null {
  const code = value.replace(/[\s-]/g, '').toUpperCase();
  return /^[0-9A-Z]{10}$/.test(code) ? code : null;
}

function selectReports(db: Db) {
  return db.selectFrom('resident_reports as r')
    .innerJoin('streets as s', 's.code', 'r.street_code')
    .leftJoin('communities as c', 'c.code', 'r.community_code')
    .leftJoin('board_sites as b', 'b.id', 'r.site_id')
    .leftJoin('service_points as p', 'p.id', 'r.point_id')
    .select([
      'r.id', 'r.code', 'r.kind', 'r.category_id', 'r.site_id', 'b.name as site_name', 'r.point_id', 'p.name as point_name', 'r.source',
      sql<number>`st_x(r.geom)`.as('lon'), sql<number>`st_y(r.geom)`.as('lat'),
      'r.street_code', 's.name as street_name', 'r.community_code', 'c.name as community_name',
      'r.body', 'r.contact_phone', 'r.repeats', 'r.status', 'r.public_reply', 'r.linked',
      'r.received_at', 'r.accepted_at', 'r.closed_at', 'r.updated_at', 'r.version',
    ]);
}

const asRow = (r: any): ReportRow => ({
  ...r, lon: Number(r.lon), lat: Number(r.lat),
  linked: typeof r.linked === 'string' ? JSON.parse(r.linked) : r.linked ?? null,
  received_at: new Date(r.received_at), accepted_at: r.accepted_at ? new Date(r.accepted_at) : null,
  closed_at: r.closed_at ? new Date(r.closed_at) : null, updated_at: new Date(r.updated_at),
});

export async function reportByCode(db: Db, code: string): Promise<ReportRow | undefined> {
  const r = await selectReports(db).where('r.code', '=', code).executeTakeFirst();
  return r && asRow(r);
}

export async function reportById(db: Db, id: number, lock = false): Promise<ReportRow | undefined> {
  if (lock) await db.selectFrom('resident_reports').select('id').where('id', '=', id).forUpdate().execute();
  const r = await selectReports(db).where('r.id', '=', id).executeTakeFirst();
  return r && asRow(r);
}

export async function listReports(db: Db, filter: { street: string; status?: string; kind?: string }): Promise<ReportRow[]> {
  let q = selectReports(db).where('r.street_code', '=', filter.street);
  if (filter.status === 'open') q = q.where('r.status', 'in', ['new', 'accepted', 'in_progress']);
  else if (filter.status && filter.status !== 'all') q = q.where('r.status', '=', filter.status as ReportStatus);
  if (filter.kind) q = q.where('r.kind', '=', filter.kind as ReportKind);
  return (await q.orderBy('r.received_at', 'asc').orderBy('r.id', 'asc').execute()).map(asRow);
}

export interface ReportDraft {
  kind: ReportKind; category_id: string | null; site_id: number | null; point_id: number | null; source: 'site' | 'map' | 'point';
  lon: number; lat: number; street_code: string; community_code: string | null; body: string | null; contact_phone: string | null;
  device_key: string; address_key: string;
}

/** How near (metres) a repeat from one device must be to the open report it repeats, when neither names a site or point. */
export const MERGE_RADIUS_M = 80;
export const MERGE_DAYS = 14;

/**
 * An open report from the same device about the same thing (same kind and category, and the same site or
 * point, or a place within MERGE_RADIUS_M), received in the last MERGE_DAYS days. Locked for the merge.
 */
export async function findRepeat(trx: Transaction<Database>, d: ReportDraft): Promise<number | undefined> {
  let q = trx.selectFrom('resident_reports').select('id')
    .where('device_key', '=', d.device_key).where('kind', '=', d.kind)
    .where('status', 'in', ['new', 'accepted', 'in_progress'])
    .where('received_at', '>', sql<Date>`now() - make_interval(days => ${MERGE_DAYS})`);
  q = d.category_id ? q.where('category_id', '=', d.category_id) : q.where('category_id', 'is', null);
  if (d.point_id) q = q.where('point_id', '=', d.point_id);
  else q = q.where('point_id', 'is', null).where(sql<boolean>`st_dwithin(geom::geography, st_setsrid(st_makepoint(${d.lon}, ${d.lat}), 4326)::geography, ${MERGE_RADIUS_M})`);
  const row = await q.orderBy('received_at', 'desc').limit(1).forUpdate().executeTakeFirst();
  return row?.id;
}

export async function mergeRepeat(trx: Transaction<Database>, id: number, d: ReportDraft): Promise<void> {
  await trx.updateTable('resident_reports').set({
    repeats: sql`repeats + 1`,
    // a later word or number is kept only where the first report had none
    body: sql`coalesce(body, ${d.body})`, contact_phone: sql`coalesce(contact_phone, ${d.contact_phone})`,
    updated_at: sql`now()`,
  }).where('id', '=', id).execute();
}

export async function insertReport(trx: Transaction<Database>, d: ReportDraft): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const code = newReceiptCode();
    const taken = await trx.selectFrom('resident_reports').select('id').where('code', '=', code).executeTakeFirst();
    if (taken && attempt < 5) continue;
    const { id } = await trx.insertInto('resident_reports').values({
      code, kind: d.kind, category_id: d.category_id, site_id: d.site_id, point_id: d.point_id, source: d.source,
      geom: sql`st_setsrid(st_makepoint(${d.lon}, ${d.lat}), 4326)`, street_code: d.street_code, community_code: d.community_code,
      body: d.body, contact_phone: d.contact_phone, device_key: d.device_key, address_key: d.address_key, linked: null,
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  }
}

export async function moveReport(trx: Transaction<Database>, id: number, to: ReportStatus, publicReply: string | null): Promise<void> {
  await trx.updateTable('resident_reports').set({
    status: to,
    ...(publicReply !== null ? { public_reply: publicReply } : {}),
    ...(to === 'accepted' ? { accepted_at: sql`coalesce(accepted_at, now())` } : {}),
    ...(to === 'in_progress' ? { accepted_at: sql`coalesce(accepted_at, now())` } : {}),
    ...(to === 'resolved' || to === 'rejected' ? { closed_at: sql`now()` } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
}

export async function linkReport(trx: Transaction<Database>, id: number, linked: Record<string, unknown>, accept: boolean): Promise<void> {
  await trx.updateTable('resident_reports').set({
    linked: JSON.stringify(linked),
    ...(accept ? { status: 'accepted' as const, accepted_at: sql`coalesce(accepted_at, now())` } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
}

export async function streetCounts(db: Db, street: string) {
  const totals = await db.selectFrom('resident_reports').where('street_code', '=', street).select([
    sql<number>`count(*)::int`.as('received'),
    sql<number>`(count(*) filter (where status in ('new', 'accepted', 'in_progress')))::int`.as('open'),
    sql<number>`(count(*) filter (where status = 'resolved'))::int`.as('resolved'),
    sql<number>`(count(*) filter (where status = 'rejected'))::int`.as('rejected'),
    sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from closed_at - received_at) / 86400) filter (where closed_at is not null)`.as('median_days'),
  ]).executeTakeFirstOrThrow();
  const byKind = await db.selectFrom('resident_reports').where('street_code', '=', street)
    .select(['kind', sql<number>`count(*)::int`.as('received'), sql<number>`(count(*) filter (where status = 'resolved'))::int`.as('resolved')])
    .groupBy('kind').orderBy('kind').execute();
  const byMonth = await db.selectFrom('resident_reports').where('street_code', '=', street)
    .select([sql<string>`to_char(received_at at time zone ${localTimeZone()}, 'YYYY-MM')`.as('month'), sql<number>`count(*)::int`.as('received'),
      sql<number>`(count(*) filter (where status = 'resolved'))::int`.as('resolved')])
    .groupBy(sql`1`).orderBy(sql`1`).execute();
  return {
    received: Number(totals.received), open: Number(totals.open), resolved: Number(totals.resolved), rejected: Number(totals.rejected),
    median_days_to_close: totals.median_days === null ? null : Math.round(Number(totals.median_days) * 10) / 10,
    by_kind: byKind.map((k) => ({ kind: k.kind, received: Number(k.received), resolved: Number(k.resolved) })),
    by_month: byMonth.map((m) => ({ month: m.month, received: Number(m.received), resolved: Number(m.resolved) })),
  };
}

export interface DemandReport { id: number; category_id: string; street_code: string; lon: number; lat: number; repeats: number; status: ReportStatus; received_at: Date }

/** Open (not closed) 缺少服务 reports: demand that planning and the coverage map show. */
export async function openServiceDemand(db: Db, filter: { category?: string; street?: string } = {}): Promise<DemandReport[]> {
  let q = db.selectFrom('resident_reports')
    .select(['id', 'category_id', 'street_code', sql<number>`st_x(geom)`.as('lon'), sql<number>`st_y(geom)`.as('lat'), 'repeats', 'status', 'received_at'])
    .where('kind', '=', 'service_missing').where('status', 'in', ['new', 'accepted', 'in_progress']);
  if (filter.category) q = q.where('category_id', '=', filter.category);
  if (filter.street) q = q.where('street_code', '=', filter.street);
  return (await q.orderBy('id').execute()).map((r) => ({
    id: r.id, category_id: r.category_id!, street_code: r.street_code, lon: Number(r.lon), lat: Number(r.lat),
    repeats: Number(r.repeats), status: r.status, received_at: new Date(r.received_at),
  }));
}

/** Reports received since a date and how many of them are resolved (a street, or the district with null): the check-up report's section. */
export async function receivedSince(db: Db, street: string | null, since: Date): Promise<{ received: number; resolved: number }> {
  let q = db.selectFrom('resident_reports').where('received_at', '>=', since).select([
    sql<number>`count(*)::int`.as('received'),
    sql<number>`(count(*) filter (where status = 'resolved'))::int`.as('resolved'),
  ]);
  if (street) q = q.where('street_code', '=', street);
  const row = await q.executeTakeFirstOrThrow();
  return { received: Number(row.received), resolved: Number(row.resolved) };
}

/** The editable fields and location of the service point a report is about (throws when it is gone). */
export async function reportedPoint(db: Db, pointId: number) {
  return db.selectFrom('service_points')
    .select(['id', 'name', 'category_id', 'subtype', 'address', 'phone', 'opening_hours', 'street_code', 'community_code', 'version', 'status',
      (e) => e.fn<number>('st_x', ['geom']).as('lon'), (e) => e.fn<number>('st_y', ['geom']).as('lat')])
    .where('id', '=', pointId).executeTakeFirstOrThrow();
}

/** The location of an active board site, or undefined when there is no such active site. */
export async function activeSiteLocation(db: Db, siteId: number): Promise<{ lon: number; lat: number } | undefined> {
  return db.selectFrom('board_sites').select([(e) => e.fn<number>('st_x', ['geom']).as('lon'), (e) => e.fn<number>('st_y', ['geom']).as('lat')])
    .where('id', '=', siteId).where('status', '=', 'active').executeTakeFirst();
}

/** The location of a service point (of any status), or undefined when there is none. */
export async function pointLocation(db: Db, pointId: number): Promise<{ lon: number; lat: number } | undefined> {
  return db.selectFrom('service_points').select([(e) => e.fn<number>('st_x', ['geom']).as('lon'), (e) => e.fn<number>('st_y', ['geom']).as('lat')])
    .where('id', '=', pointId).executeTakeFirst();
}
