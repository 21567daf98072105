// 民情日记: residents' requests recorded at a desk visit and followed until closed (事事有回应，件件有着落).
// A request is resolved on the spot (即办, closed at once with a resolution note) or registered for
// follow-up and moves registered → assigned → in progress → closed; each step leaves a dated note.
// The contact columns are private: only admins and the editors of the request's street see them.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DeskRequestStatus } from '../db/schema.ts';
import type { StaffIdentity } from '../auth/users.ts';
import { toLocal } from '../localTime.ts';
import type { DeskRequest } from './schemas.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const STATUS_ZH: Record<DeskRequestStatus, string> = {
  registered: '已登记', assigned: '已交办', in_progress: '办理中', closed: '已办结',
};

/** The follow-up steps a request may take; closing always needs a resolution note. */
export const NEXT_STATUS: Record<DeskRequestStatus, DeskRequestStatus[]> = {
  registered: ['assigned'],
  assigned: ['assigned', 'in_progress'],
  in_progress: ['assigned', 'closed'],
  closed: [],
};

export interface RequestRow {
  id: number;
  visit_id: number;
  visit_starts_at: Date;
  street_code: string;
  topic_id: string;
  topic_name_zh: string;
  topic_name_en: string;
  description: string;
  compound_id: number | null;
  compound_name: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  resolved_on_site: boolean;
  status: DeskRequestStatus;
  assignee: string | null;
  resolution_note: string | null;
  received_at: Date;
  assigned_at: Date | null;
  started_at: Date | null;
  closed_at: Date | null;
  version: number;
}

export function selectRequests(db: Db) {
  return db.selectFrom('desk_requests as r')
    .innerJoin('desk_visits as v', 'v.id', 'r.visit_id')
    .innerJoin('desk_request_topics as t', 't.id', 'r.topic_id')
    .leftJoin('compounds as c', 'c.id', 'r.compound_id')
    .select([
      'r.id', 'r.visit_id', 'v.starts_at as visit_starts_at', 'r.street_code', 'r.topic_id', 't.name_zh as topic_name_zh',
      't.name_en as topic_name_en', 'r.description', 'r.compound_id', 'c.name as compound_name', 'r.contact_name',
      'r.contact_phone', 'r.resolved_on_site', 'r.status', 'r.assignee', 'r.resolution_note', 'r.received_at',
      'r.assigned_at', 'r.started_at', 'r.closed_at', 'r.version',
    ]);
}

export async function getRequest(db: Db, id: number, lock = false): Promise<RequestRow | undefined> {
  let q = selectRequests(db).where('r.id', '=', id);
  if (lock) q = q.forUpdate('r');
  return (await q.executeTakeFirst()) as RequestRow | undefined;
}

export async function listRequests(db: Db, f: { street?: string; status?: 'open' | 'closed' | 'all'; visitId?: number }): Promise<RequestRow[]> {
  let q = selectRequests(db);
  if (f.street) q = q.where('r.street_code', '=', f.street);
  if (f.visitId) q = q.where('r.visit_id', '=', f.visitId);
  if (f.status === 'open') q = q.where('r.status', '<>', 'closed');
  if (f.status === 'closed') q = q.where('r.status', '=', 'closed');
  // Oldest open requests first: they are the ones to chase.
  return (await q.orderBy('r.received_at').orderBy('r.id').execute()) as RequestRow[];
}

export async function requestNotes(db: Db, requestId: number) {
  return db.selectFrom('desk_request_notes').select(['id', 'at', 'username', 'status_from', 'status_to', 'note'])
    .where('request_id', '=', requestId).orderBy('id').execute();
}

/** Admins and the editors of the request's street; never viewers, never the public. */
export function canSeeContacts(staff: StaffIdentity | null, streetCode: string): boolean {
  if (!staff) return false;
  return staff.role === 'admin' || (staff.role === 'editor' && staff.street_code === streetCode);
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function ageDays(row: Pick<RequestRow, 'received_at' | 'closed_at'>, now = new Date()): number {
  const end = row.closed_at ? new Date(row.closed_at) : now;
  return Math.max(0, Math.floor((end.getTime() - new Date(row.received_at).getTime()) / 86_400_000));
}

export function presentRequest(
  row: RequestRow, showContacts: boolean, notes?: Awaited<ReturnType<typeof requestNotes>>, now = new Date(),
): DeskRequest {
  const hasContact = Boolean(row.contact_name || row.contact_phone);
  return {
    id: row.id,
    visit_id: row.visit_id,
    visit_date: toLocal(new Date(row.visit_starts_at)).date,
    street_code: row.street_code,
    topic: { id: row.topic_id, name_zh: row.topic_name_zh, name_en: row.topic_name_en },
    description: row.description,
    compound_id: row.compound_id,
    compound_name: row.compound_name,
    ...(showContacts ? { contact_name: row.contact_name, contact_phone: row.contact_phone } : {}),
    contact_hidden: hasContact && !showContacts,
    resolved_on_site: row.resolved_on_site,
    status: row.status,
    status_zh: row.resolved_on_site ? '现场办结' : STATUS_ZH[row.status],
    assignee: row.assignee,
    resolution_note: row.resolution_note,
    received_at: iso(row.received_at)!,
    assigned_at: iso(row.assigned_at),
    started_at: iso(row.started_at),
    closed_at: iso(row.closed_at),
    age_days: ageDays(row, now),
    version: row.version,
    ...(notes ? {
      notes: notes.map((n) => ({ id: n.id, at: iso(n.at)!, username: n.username, status_from: n.status_from, status_to: n.status_to, note: n.note })),
    } : {}),
  };
}

/** What the audit log keeps of a request: everything but the contact, which is only marked as present. */
export function requestSnapshot(row: RequestRow) {
  return {
    id: row.id, visit_id: row.visit_id, street_code: row.street_code, topic_id: row.topic_id, description: row.description,
    compound_id: row.compound_id, has_contact: Boolean(row.contact_name || row.contact_phone), resolved_on_site: row.resolved_on_site,
    status: row.status, assignee: row.assignee, resolution_note: row.resolution_note, version: row.version,
  };
}

export interface RequestDraft {
  visit_id: number;
  street_code: string;
  topic_id: string;
  description: string;
  compound_id: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  on_site: boolean;
  resolution_note: string | null;
  assignee: string | null;
}

export async function insertRequest(trx: Transaction<Database>, d: RequestDraft, staff: StaffIdentity): Promise<RequestRow> {
  const status: DeskRequestStatus = d.on_site ? 'closed' : d.assignee ? 'assigned' : 'registered';
  const { id } = await trx.insertInto('desk_requests').values({
    visit_id: d.visit_id, street_code: d.street_code, topic_id: d.topic_id, description: d.description,
    compound_id: d.compound_id, contact_name: d.contact_name, contact_phone: d.contact_phone,
    resolved_on_site: d.on_site, status, assignee: d.assignee, resolution_note: d.resolution_note,
    assigned_at: d.assignee ? sql<Date>`now()` : null, closed_at: d.on_site ? sql<Date>`now()` : null, created_by: staff.id,
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('desk_request_notes').values({
    request_id: id, staff_id: staff.id, username: staff.username, status_from: null, status_to: status,
    note: d.on_site ? `现场办结：${d.resolution_note}` : d.assignee ? `登记并交办：${d.assignee}` : '登记，待交办',
  }).execute();
  return (await getRequest(trx, id, true))!;
}

export async function moveRequest(
  trx: Transaction<Database>, before: RequestRow, to: DeskRequestStatus, staff: StaffIdentity,
  fields: { assignee?: string; note?: string; resolution_note?: string },
): Promise<RequestRow> {
  await trx.updateTable('desk_requests').set({
    status: to,
    ...(to === 'assigned' ? { assignee: fields.assignee, assigned_at: sql<Date>`now()` } : {}),
    ...(to === 'in_progress' ? { started_at: sql<Date>`now()` } : {}),
    ...(to === 'closed' ? { resolution_note: fields.resolution_note, closed_at: sql<Date>`now()` } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', before.id).execute();
  const text = fields.note
    ?? (to === 'assigned' ? `交办：${fields.assignee}` : to === 'in_progress' ? '开始办理' : `办结：${fields.resolution_note}`);
  await trx.insertInto('desk_request_notes').values({
    request_id: before.id, staff_id: staff.id, username: staff.username, status_from: before.status, status_to: to, note: text,
  }).execute();
  return (await getRequest(trx, before.id, true))!;
}

export async function addRequestNote(trx: Transaction<Database>, requestId: number, staff: StaffIdentity, note: string): Promise<void> {
  await trx.insertInto('desk_request_notes').values({ request_id: requestId, staff_id: staff.id, username: staff.username, note }).execute();
  await trx.updateTable('desk_requests').set({ updated_at: sql`now()` }).where('id', '=', requestId).execute();
}
