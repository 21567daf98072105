// SQL for the check-up: coverage snapshots (write, list), the data version and date, the active points a
// snapshot records, and the desk figures a report prints (requests received/resolved, visits held).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface SnapshotPoint { id: number; name: string; category: string; street_code: string | null; is_sample: boolean }
export interface SnapshotGap { id: number; name: string; street_code: string }

export interface SnapshotRow {
  id: number;
  taken_at: string;
  kind: 'monthly' | 'on_demand';
  period: string;
  data_version: string;
  data_date: string | null;
  targets: Record<string, Record<string, Record<string, number>>>;
  shares: Record<string, Record<string, Record<string, SnapshotShare>>>;
  points: SnapshotPoint[];
  gaps: Record<string, Record<string, SnapshotGap[]>>;
  taken_by_name: string | null;
}

/** One category's figures in one area under one profile, as a snapshot keeps them. */
export interface SnapshotShare {
  share: number | null;
  weighting: 'residents' | 'street_length';
  compounds_share: number | null;
  compounds_covered: number;
  compounds_gap: number;
  residents_covered: number;
  residents_counted: number;
  length_share: number | null;
  target_min: number;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export async function activePoints(db: Kysely<Database>): Promise<SnapshotPoint[]> {
  const rows = await db.selectFrom('service_points').select(['id', 'name', 'category_id', 'street_code', 'is_sample'])
    .where('status', '=', 'active').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, category: r.category_id, street_code: r.street_code, is_sample: r.is_sample }));
}

/** The latest audited edit and the network's content hash make the data version; the date is the latest edit to points or compounds. */
export async function dataVersion(db: Kysely<Database>, networkVersion: string): Promise<{ version: string; date: string | null }> {
  const [audit, dates] = await Promise.all([
    db.selectFrom('audit_log').select(sql<number | null>`max(id)`.as('id')).executeTakeFirst(),
    sql<{ d: Date | string | null }>`select greatest((select max(updated_at) from service_points), (select max(updated_at) from compounds)) as d`.execute(db),
  ]);
  return { version: `audit-${audit?.id ?? 0}.net-${networkVersion}`, date: iso(dates.rows[0]?.d ?? null) };
}

export async function insertSnapshot(db: Kysely<Database>, s: Omit<SnapshotRow, 'id' | 'taken_at'> & { taken_by: number | null }): Promise<SnapshotRow> {
  const row = await db.insertInto('checkup_snapshots').values({
    kind: s.kind, period: s.period, data_version: s.data_version, data_date: s.data_date,
    targets: JSON.stringify(s.targets), shares: JSON.stringify(s.shares), points: JSON.stringify(s.points), gaps: JSON.stringify(s.gaps),
    taken_by: s.taken_by, taken_by_name: s.taken_by_name,
  }).returningAll().executeTakeFirstOrThrow();
  return present(row);
}

function present(r: any): SnapshotRow {
  return {
    id: r.id, taken_at: iso(r.taken_at)!, kind: r.kind, period: r.period, data_version: r.data_version, data_date: iso(r.data_date),
    targets: json(r.targets), shares: json(r.shares), points: json(r.points), gaps: json(r.gaps), taken_by_name: r.taken_by_name,
  };
}

/** Every snapshot, oldest first (a few hundred rows over years: one a month plus those asked for). */
export async function listSnapshots(db: Kysely<Database>): Promise<SnapshotRow[]> {
  const rows = await db.selectFrom('checkup_snapshots').selectAll().orderBy('taken_at').orderBy('id').execute();
  return rows.map(present);
}

export async function hasSnapshotFor(db: Kysely<Database>, period: string): Promise<boolean> {
  const r = await db.selectFrom('checkup_snapshots').select('id').where('period', '=', period).limit(1).executeTakeFirst();
  return r !== undefined;
}

export interface DeskFigures { requests_received: number; requests_resolved: number; visits_held: number; visits_planned: number }

/** Desk requests received and resolved, and visits held (scheduled, already ended) in [from, to). */
export async function deskFigures(db: Kysely<Database>, street: string | null, from: Date, to: Date): Promise<DeskFigures> {
  const byStreet = (q: any) => (street ? q.where('street_code', '=', street) : q);
  const [received, resolved, held, planned] = await Promise.all([
    byStreet(db.selectFrom('desk_requests').select(sql<number>`count(*)`.as('n')).where('received_at', '>=', from).where('received_at', '<', to)).executeTakeFirst(),
    byStreet(db.selectFrom('desk_requests').select(sql<number>`count(*)`.as('n')).where('status', '=', 'closed').where('closed_at', '>=', from).where('closed_at', '<', to)).executeTakeFirst(),
    byStreet(db.selectFrom('desk_visits').select(sql<number>`count(*)`.as('n')).where('status', '=', 'scheduled').where('ends_at', '>=', from).where('ends_at', '<', to).where('ends_at', '<=', new Date())).executeTakeFirst(),
    byStreet(db.selectFrom('desk_visits').select(sql<number>`count(*)`.as('n')).where('status', '=', 'scheduled').where('starts_at', '>', new Date()).where('starts_at', '<', new Date(Date.now() + 31 * 86400_000))).executeTakeFirst(),
  ]);
  return { requests_received: Number(received?.n ?? 0), requests_resolved: Number(resolved?.n ?? 0), visits_held: Number(held?.n ?? 0), visits_planned: Number(planned?.n ?? 0) };
}

/** A street's code and name; throws (Kysely's NoResultError) when the street is gone. */
export async function getStreet(db: Kysely<Database>, code: string): Promise<{ code: string; name: string }> {
  return db.selectFrom('streets').select(['code', 'name']).where('code', '=', code).executeTakeFirstOrThrow();
}
