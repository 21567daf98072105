// Staff accounts: creation (from the CLI and by the district admin), lookup, and the sign-in stamp.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem } from './passwords.ts';

import type { StaffIdentity, StaffRole } from '../records/staff.ts';

export type { StaffIdentity, StaffRole };
export const STAFF_ROLES: StaffRole[] = ['admin', 'editor', 'viewer'];

export interface NewStaffUser {
  username: string;
  password: string;
  role: StaffRole;
  street_code?: string | null;
  display_name?: string | null;
  phone?: string | null;
}

export async function createStaffUser(db: Kysely<Database>, user: NewStaffUser): Promise<StaffIdentity> {
  if (!/^[A-Za-z0-9_.-]{3,40}$/.test(user.username)) {
    throw new HttpError(400, 'username: use 3-40 letters, digits, dot, dash or underscore', 'username', 'username：用户名应为3-40位字母、数字、点、横线或下划线');
  }
  if (!STAFF_ROLES.includes(user.role)) throw new HttpError(400, `role: must be one of ${STAFF_ROLES.join(', ')}`, 'role', 'role：角色不正确');
  const problem = passwordProblem(user.password);
  if (problem) throw new HttpError(400, `password: ${problem}`, 'password', 'password：密码太弱（至少12位）');
  if (user.role === 'editor' && !user.street_code) {
    throw new HttpError(400, 'street_code: a street editor needs a street', 'street_code', 'street_code：街道编辑必须指定街道');
  }
  if (user.street_code) {
    const street = await db.selectFrom('streets').select('code').where('code', '=', user.street_code).executeTakeFirst();
    if (!street) throw new HttpError(400, `street_code: unknown street ${user.street_code}`, 'street_code', 'street_code：街道不存在');
  }
  const existing = await db.selectFrom('staff_users').select('id').where('username', '=', user.username).executeTakeFirst();
  if (existing) throw new HttpError(409, `username: ${user.username} already exists`, 'username', 'username：用户名已存在');
  const row = await db.insertInto('staff_users').values({
    username: user.username,
    password_hash: await hashPassword(user.password),
    role: user.role,
    street_code: user.role === 'admin' ? (user.street_code ?? null) : (user.street_code ?? null),
    display_name: user.display_name ?? null,
    phone: user.phone ?? null,
  }).returning(['id', 'username', 'role', 'street_code', 'display_name']).executeTakeFirstOrThrow();
  return row;
}

// ---------------------------------------------------------------------------------------------
// Account management (the 人员 tab): listing, changes by the district admin, passwords.

const IDENTITY_COLUMNS = ['id', 'username', 'role', 'street_code', 'display_name', 'active'] as const;
export interface StaffAccount extends StaffIdentity { active: boolean }

export async function listStaffAccounts(db: Kysely<Database>) {
  return db.selectFrom('staff_users')
    .select([...IDENTITY_COLUMNS, 'last_login_at', 'created_at']).orderBy('username').execute();
}

/** The account row locked for a change, or undefined. */
export async function lockStaffAccount(trx: Kysely<Database>, id: number): Promise<StaffAccount | undefined> {
  return trx.selectFrom('staff_users').select([...IDENTITY_COLUMNS]).where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface StaffAccountChange { role?: StaffRole; street_code?: string | null; display_name?: string | null; active?: boolean }

/** Applies a change after checking the role/street rule the table also enforces (an editor needs a street). */
export async function updateStaffAccount(trx: Kysely<Database>, before: StaffAccount, change: StaffAccountChange): Promise<StaffAccount> {
  const role = change.role ?? before.role;
  const street = change.street_code !== undefined ? change.street_code : before.street_code;
  if (role === 'editor' && !street) {
    throw new HttpError(400, 'street_code: a street editor needs a street', 'street_code', 'street_code：街道编辑必须指定街道');
  }
  if (change.street_code) {
    const known = await trx.selectFrom('streets').select('code').where('code', '=', change.street_code).executeTakeFirst();
    if (!known) throw new HttpError(400, `street_code: unknown street ${change.street_code}`, 'street_code', 'street_code：街道不存在');
  }
  const display = change.display_name !== undefined ? (change.display_name?.trim() || null) : before.display_name;
  return trx.updateTable('staff_users')
    .set({ role, street_code: street, display_name: display, active: change.active ?? before.active })
    .where('id', '=', before.id)
    .returning([...IDENTITY_COLUMNS]).executeTakeFirstOrThrow();
}

/** Sets a new password (checked against the rules), clears any lockout, and ends the account's sessions but one. */
export async function setStaffPassword(trx: Kysely<Database>, id: number, password: string, keepSessionHash?: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) {
    throw new HttpError(400, `new_password: ${problem}`, 'new_password', `新密码：太弱（至少${MIN_PASSWORD_LENGTH}位，不能过于重复）`);
  }
  await trx.updateTable('staff_users').set({ password_hash: await hashPassword(password), failed_logins: 0, locked_until: null })
    .where('id', '=', id).execute();
  let end = trx.deleteFrom('staff_sessions').where('staff_id', '=', id);
  if (keepSessionHash) end = end.where('id_hash', '<>', keepSessionHash);
  await end.execute();
}

export async function endStaffSessions(trx: Kysely<Database>, id: number): Promise<void> {
  await trx.deleteFrom('staff_sessions').where('staff_id', '=', id).execute();
}

export async function staffPasswordHash(db: Kysely<Database>, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('staff_users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

/** The whole staff_users row of a username (password hash included, for sign-in), or undefined. */
export async function staffUserByName(db: Kysely<Database>, username: string) {
  return db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** Stamps a successful sign-in (the database's clock, as the session rows use). */
export async function markSignedIn(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable('staff_users').set({ last_login_at: sql`now()` }).where('id', '=', id).execute();
}
