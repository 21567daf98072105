// Staff accounts: creation (from the CLI and by the district admin) and lookup.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export type StaffRole = 'admin' | 'editor' | 'viewer';
export const STAFF_ROLES: StaffRole[] = ['admin', 'editor', 'viewer'];

export interface StaffIdentity { id: number; username: string; role: StaffRole; street_code: string | null; display_name: string | null }

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
