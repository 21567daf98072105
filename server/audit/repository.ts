// SQL of the audit trail: one filtered, paged query shared by the list and the CSV export, and the
// names (staff, streets, communities, categories, accounts) the sentence presenter needs for a page.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Catalog } from '../catalog.ts';
import { addDays, fromLocal } from '../localTime.ts';
import type { AuditNames, AuditRow } from './presenter.ts';

export interface AuditFilter {
  /** who did it (a sign-in row: the username that was tried) */
  username?: string;
  entity?: string;
  entity_id?: string;
  /** part of the record's name (or its id) */
  record?: string;
  action?: string;
  street?: string;
  /** local dates (the district time zone), both inclusive */
  from?: string;
  to?: string;
  before_id?: number;
  /** for street staff: only these entities, and only this street when given */
  onlyEntities?: readonly string[];
  onlyStreet?: string | null;
}

export interface StoredAuditRow extends AuditRow { at: Date; user_id: number | null }

const parse = (value: unknown): Record<string, unknown> | null => {
  if (value === null || value === undefined) return null;
  const v = typeof value === 'string' ? JSON.parse(value) : value;
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null;
};

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Newest first, at most `limit` rows (the caller asks one more to know whether a next page exists). */
export async function findAuditRows(db: Kysely<Database>, f: AuditFilter, limit: number): Promise<StoredAuditRow[]> {
  let q = db.selectFrom('audit_log')
    .select(['id', 'at', 'user_id', 'username', 'action', 'entity', 'entity_id', 'street_code', 'before', 'after'])
    .orderBy('id', 'desc').limit(limit);
  if (f.onlyEntities) q = q.where('entity', 'in', [...f.onlyEntities]);
  if (f.onlyStreet) q = q.where('street_code', '=', f.onlyStreet);
  if (f.username) q = q.where('username', '=', f.username);
  if (f.entity) q = q.where('entity', '=', f.entity);
  if (f.entity_id) q = q.where('entity_id', '=', f.entity_id);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.street) q = q.where('street_code', '=', f.street);
  if (f.before_id) q = q.where('id', '<', f.before_id);
  if (f.from) q = q.where('at', '>=', fromLocal(f.from, '00:00'));
  if (f.to) q = q.where('at', '<', fromLocal(addDays(f.to, 1), '00:00'));
  if (f.record) {
    const text = f.record.trim();
    const like = likePattern(text);
    q = q.where(sql<boolean>`(entity_id = ${text}
      or coalesce(after->>'name', '') ilike ${like} or coalesce(before->>'name', '') ilike ${like}
      or coalesce(after->>'title', '') ilike ${like} or coalesce(after->>'place_name', '') ilike ${like}
      or coalesce(after->>'username', '') ilike ${like})`);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id), at: new Date(r.at as unknown as string), user_id: r.user_id, username: r.username, action: r.action,
    entity: r.entity, entity_id: r.entity_id, street_code: r.street_code, before: parse(r.before), after: parse(r.after),
  }));
}

/** The names the presenter needs for these rows: small tables read whole, staff only for the usernames seen. */
export async function namesForAudit(db: Kysely<Database>, catalog: Catalog, rows: StoredAuditRow[]): Promise<AuditNames> {
  const usernames = [...new Set(rows.map((r) => r.username).filter((u): u is string => !!u))];
  const accountIds = [...new Set(rows.filter((r) => r.entity === 'staff_user' && /^[0-9]{1,9}$/.test(r.entity_id)).map((r) => Number(r.entity_id)))];
  const [streets, communities, staff, accounts] = await Promise.all([
    db.selectFrom('streets').select(['code', 'name']).execute(),
    db.selectFrom('communities').select(['code', 'name']).execute(),
    usernames.length ? db.selectFrom('staff_users').select(['username', 'display_name']).where('username', 'in', usernames).execute() : [],
    accountIds.length ? db.selectFrom('staff_users').select(['id', 'username']).where('id', 'in', accountIds).execute() : [],
  ]);
  return {
    streets: new Map(streets.map((s) => [s.code, s.name])),
    communities: new Map(communities.map((c) => [c.code, c.name])),
    categories: new Map(catalog.categories.map((c) => [c.id, { zh: c.name_zh, en: c.name_en }])),
    staff: new Map(staff.filter((s) => s.display_name).map((s) => [s.username, s.display_name!])),
    accounts: new Map(accounts.map((a) => [String(a.id), a.username])),
  };
}
