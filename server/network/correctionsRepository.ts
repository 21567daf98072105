// SQL of the network corrections (路网纠错): the table beside the imported ways, read by the walking
// service (published ones, to build its graph) and written by the correction routes inside commitEdit.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { NetworkCorrection } from './corrections.ts';
import type { LonLat } from '../geo.ts';

export type CorrectionKind = 'path' | 'closure' | 'gate' | 'crossing';
export type CorrectionStatus = 'draft' | 'published' | 'retired';

/** The kind-specific fields, stored as jsonb. */
export interface CorrectionAttributes {
  level?: 'ground' | 'bridge' | 'tunnel';
  steps?: boolean;
  step_free_only?: boolean;
  valid_from?: string | null;
  valid_to?: string | null;
  opening_hours?: string | null;
  step_free?: boolean;
  crossing?: 'signalised' | 'zebra' | 'none';
  wait_s?: number | null;
}

export interface CorrectionRow {
  id: number;
  street_code: string;
  kind: CorrectionKind;
  status: CorrectionStatus;
  geometry: { type: 'LineString'; coordinates: LonLat[] } | { type: 'Point'; coordinates: LonLat };
  attributes: CorrectionAttributes;
  note: string | null;
  version: number;
  /** Set by a network import whose new base this correction no longer fits (networkImport.ts), with why. */
  needs_review: boolean;
  review_reason: string | null;
  review_reason_zh: string | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface CorrectionDraft {
  street_code: string;
  kind: CorrectionKind;
  geometry: CorrectionRow['geometry'];
  attributes: CorrectionAttributes;
  note: string | null;
}

const columns = ['id', 'street_code', 'kind', 'status', 'attributes', 'note', 'version', 'needs_review', 'review_reason', 'review_reason_zh', 'created_by', 'created_at', 'updated_at'] as const;
const parse = (r: Record<string, unknown>): CorrectionRow => ({
  ...(r as unknown as CorrectionRow),
  geometry: JSON.parse(r.geojson as string),
  attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) as CorrectionAttributes,
});
const select = (db: Kysely<Database> | Transaction<Database>) =>
  db.selectFrom('network_corrections').select([...columns, sql<string>`ST_AsGeoJSON(geom)`.as('geojson')]);

export async function listCorrections(db: Kysely<Database>, filter: { street?: string; status?: CorrectionStatus }): Promise<CorrectionRow[]> {
  let q = select(db).orderBy('id');
  if (filter.street) q = q.where('street_code', '=', filter.street);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.execute()).map(parse);
}

export async function findCorrection(db: Kysely<Database> | Transaction<Database>, id: number): Promise<CorrectionRow | undefined> {
  const r = await select(db).where('id', '=', id).executeTakeFirst();
  return r ? parse(r) : undefined;
}

export async function lockCorrection(trx: Transaction<Database>, id: number): Promise<CorrectionRow | undefined> {
  const r = await select(trx).where('id', '=', id).forUpdate().executeTakeFirst();
  return r ? parse(r) : undefined;
}

const geomOf = (g: CorrectionDraft['geometry']) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(g)}), 4326)`;

export async function insertCorrection(trx: Transaction<Database>, d: CorrectionDraft, createdBy: number | null): Promise<CorrectionRow> {
  const { id } = await trx.insertInto('network_corrections').values({
    street_code: d.street_code, kind: d.kind, geom: geomOf(d.geometry), attributes: JSON.stringify(d.attributes), note: d.note, created_by: createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  return (await findCorrection(trx, id))!;
}

export async function updateCorrection(trx: Transaction<Database>, id: number, d: CorrectionDraft, status?: CorrectionStatus): Promise<CorrectionRow> {
  await trx.updateTable('network_corrections').set({
    street_code: d.street_code, kind: d.kind, geom: geomOf(d.geometry), attributes: JSON.stringify(d.attributes), note: d.note,
    ...(status ? { status } : {}), version: sql`version + 1`, updated_at: sql`now()`,
    // An edit is checked against the network as it is now, so it settles a review an import asked for.
    needs_review: false, review_reason: null, review_reason_zh: null,
  }).where('id', '=', id).execute();
  return (await findCorrection(trx, id))!;
}

export async function setCorrectionStatus(trx: Transaction<Database>, id: number, status: CorrectionStatus): Promise<CorrectionRow> {
  await trx.updateTable('network_corrections').set({ status, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
  return (await findCorrection(trx, id))!;
}

/** A stored correction as the graph builder takes it. */
export function toNetworkCorrection(r: Pick<CorrectionRow, 'id' | 'kind' | 'geometry' | 'attributes'>): NetworkCorrection {
  const a = r.attributes;
  if (r.kind === 'path') return { id: r.id, kind: 'path', coordinates: r.geometry.coordinates as LonLat[], level: a.level ?? 'ground', steps: a.steps === true };
  if (r.kind === 'closure') {
    return { id: r.id, kind: 'closure', coordinates: r.geometry.coordinates as LonLat[], step_free_only: a.step_free_only === true, valid_from: a.valid_from ?? null, valid_to: a.valid_to ?? null };
  }
  const [lon, lat] = r.geometry.coordinates as LonLat;
  if (r.kind === 'gate') return { id: r.id, kind: 'gate', lon, lat, opening_hours: a.opening_hours ?? null, step_free: a.step_free !== false };
  return { id: r.id, kind: 'crossing', lon, lat, crossing: a.crossing ?? 'zebra', wait_s: a.wait_s ?? null };
}

/** The published corrections, for the graph. */
export async function loadPublishedCorrections(db: Kysely<Database>): Promise<NetworkCorrection[]> {
  return (await listCorrections(db, { status: 'published' })).map(toNetworkCorrection);
}

/** A published or retired correction that changed the network near a place after a time (a reason a board changed). */
export interface CorrectionChange { id: number; kind: CorrectionKind; status: CorrectionStatus; street_code: string; note: string | null; changed_at: Date }

/**
 * Corrections published or retired after `since` within `radiusM` of a place. A walk of at most
 * radiusM metres cannot reach beyond that circle, so nothing farther away can change it.
 */
/** A place asking which corrections changed near it: within `radiusM` metres, after `since`. */
export interface ChangedNearQuestion { lon: number; lat: number; radiusM: number; since: Date }

/**
 * The published or retired corrections changed after each place's `since` within its radius, oldest change
 * first: one query for all the places (a street's boards are asked together), answers in the places' order.
 */
export async function correctionsChangedNear(db: Kysely<Database>, places: readonly ChangedNearQuestion[]): Promise<CorrectionChange[][]> {
  const out: CorrectionChange[][] = places.map(() => []);
  if (places.length === 0) return out;
  const asked = sql.join(places.map((q, i) => sql`(${i}::int, ${q.lon}::float8, ${q.lat}::float8, ${q.radiusM}::float8, ${q.since.toISOString()}::timestamptz)`));
  const rows = await sql<{ place: number; id: number; kind: string; status: string; street_code: string; note: string; updated_at: Date }>`
    select q.place, c.id, c.kind, c.status, c.street_code, c.note, c.updated_at
    from (values ${asked}) as q(place, lon, lat, radius_m, since)
    join network_corrections c on c.status in ('published', 'retired') and c.updated_at > q.since
      and st_dwithin(c.geom::geography, st_setsrid(st_makepoint(q.lon, q.lat), 4326)::geography, q.radius_m)
    order by q.place, c.updated_at, c.id`.execute(db);
  for (const r of rows.rows) {
    out[r.place].push({ id: r.id, kind: r.kind as CorrectionKind, status: r.status as CorrectionStatus, street_code: r.street_code, note: r.note, changed_at: new Date(r.updated_at) });
  }
  return out;
}

/** The audit entries of one record (by entity and id), newest first, as stored. */
export async function auditEntriesOf(db: Kysely<Database>, entity: string, entityId: number) {
  return db.selectFrom('audit_log').select(['id', 'at', 'username', 'action', 'before', 'after'])
    .where('entity', '=', entity).where('entity_id', '=', String(entityId)).orderBy('id', 'desc').execute();
}

/** Every active board site with its location: the places a correction's preview measures walks from. */
export async function activeSiteLocations(db: Kysely<Database>): Promise<{ id: number; name: string; lon: number; lat: number }[]> {
  const rows = await db.selectFrom('board_sites').select(['id', 'name', sql<number>`ST_X(${sql.ref('geom')})`.as('lon'), sql<number>`ST_Y(${sql.ref('geom')})`.as('lat')])
    .where('status', '=', 'active').execute();
  return rows.map((s) => ({ id: s.id, name: s.name, lon: Number(s.lon), lat: Number(s.lat) }));
}
