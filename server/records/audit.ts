// The audit trail: every change to office data is written here in the same transaction as the change,
// with who, when, what, and the record before and after.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { StaffIdentity } from './staff.ts';

export interface AuditEntry {
  staff: Pick<StaffIdentity, 'id' | 'username'> | null;
  /** The name typed when nobody is signed in (a failed sign-in); ignored when staff is given. */
  username?: string;
  action: string; // create | update | close | reopen | restore | import | login | ...
  entity: string; // point | site | compound | gate | desk_visit | staff_user | ...
  entity_id: string | number;
  street_code?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(trx: Transaction<Database> | Kysely<Database>, entry: AuditEntry): Promise<void> {
  await trx.insertInto('audit_log').values({
    user_id: entry.staff?.id ?? null,
    username: entry.staff?.username ?? entry.username ?? null,
    action: entry.action,
    entity: entry.entity,
    entity_id: String(entry.entity_id),
    street_code: entry.street_code ?? null,
    before: entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
    after: entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
  }).execute();
}
