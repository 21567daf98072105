// SQL for changing service points: create, update (version + 1), close and reopen. Callers run these
// inside commitEdit (server/records/editing.ts) together with the audit row.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { selectPoints, type ServicePointRow } from './repository.ts';
import type { PointDraft } from '../records/validation.ts';

const pointGeom = (lon: number, lat: number) => sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;

/** What the audit log keeps of a point: every field an editor can change, plus status and version. */
export function pointSnapshot(row: ServicePointRow) {
  return {
    id: row.id, external_id: row.external_id, name: row.name, category_id: row.category_id, subtype: row.subtype,
    address: row.address, phone: row.phone, opening_hours: row.opening_hours, street_code: row.street_code,
    community_code: row.community_code, lon: row.lon, lat: row.lat, status: row.status, is_sample: row.is_sample,
    source: row.source, version: row.version,
  };
}
export type PointSnapshot = ReturnType<typeof pointSnapshot>;

/** The same snapshot for a row written in bulk (the import), built from what was written. */
export function draftSnapshot(
  id: number, d: PointDraft, state: { status: 'active' | 'closed'; is_sample: boolean; source: string; version: number },
): PointSnapshot {
  return {
    id, external_id: d.external_id, name: d.name, category_id: d.category_id, subtype: d.subtype, address: d.address,
    phone: d.phone, opening_hours: d.opening_hours, street_code: d.street_code, community_code: d.community_code,
    lon: d.lon, lat: d.lat, ...state,
  };
}

/** The editable fields of a stored point, in the validator's input shape (for merging a PATCH). */
export function pointAsInput(row: ServicePointRow) {
  return {
    name: row.name, category: row.category_id, subtype: row.subtype, address: row.address, phone: row.phone,
    opening_hours: row.opening_hours, lon: row.lon, lat: row.lat, crs: 'WGS84', street_code: row.street_code,
    community_code: row.community_code, external_id: row.external_id,
  };
}

/** Reads a point and locks it until the transaction ends, so two edits of one version cannot both pass. */
export async function lockPoint(trx: Transaction<Database>, id: number): Promise<ServicePointRow | undefined> {
  return (await selectPoints(trx).where('id', '=', id).forUpdate().executeTakeFirst()) as ServicePointRow | undefined;
}

export async function externalIdTaken(trx: Transaction<Database>, externalId: string | null, exceptId?: number): Promise<boolean> {
  if (!externalId) return false;
  let q = trx.selectFrom('service_points').select('id').where('external_id', '=', externalId);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function insertPoint(trx: Transaction<Database>, draft: PointDraft, source: string): Promise<ServicePointRow> {
  const { id } = await trx.insertInto('service_points').values({
    external_id: draft.external_id, name: draft.name, category_id: draft.category_id, dimension_id: draft.dimension_id,
    subtype: draft.subtype, address: draft.address, phone: draft.phone, opening_hours: draft.opening_hours,
    street_code: draft.street_code, community_code: draft.community_code, geom: pointGeom(draft.lon, draft.lat),
    source, is_sample: false,
  }).returning('id').executeTakeFirstOrThrow();
  return (await lockPoint(trx, id))!;
}

export async function updatePoint(
  trx: Transaction<Database>, id: number, draft: PointDraft, status?: 'active' | 'closed',
): Promise<ServicePointRow> {
  await trx.updateTable('service_points').set({
    external_id: draft.external_id, name: draft.name, category_id: draft.category_id, dimension_id: draft.dimension_id,
    subtype: draft.subtype, address: draft.address, phone: draft.phone, opening_hours: draft.opening_hours,
    street_code: draft.street_code, community_code: draft.community_code, geom: pointGeom(draft.lon, draft.lat),
    ...(status ? { status } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await lockPoint(trx, id))!;
}

export async function setPointStatus(trx: Transaction<Database>, id: number, status: 'active' | 'closed'): Promise<ServicePointRow> {
  await trx.updateTable('service_points')
    .set({ status, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id).execute();
  return (await lockPoint(trx, id))!;
}
