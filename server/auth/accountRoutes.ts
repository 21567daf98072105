// Staff accounts (the 人员 tab of /admin): the district admin lists, creates, changes, deactivates accounts
// and resets passwords (a generated password is shown once); everyone changes their own password.
// Every change is audited in the same transaction; ending sessions is part of the same change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { generatePassword, verifyPassword } from './passwords.ts';
import { sessionHashOf } from './plugin.ts';
import {
  createStaffUser, endStaffSessions, listStaffAccounts, lockStaffAccount, setStaffPassword, staffPasswordHash,
  updateStaffAccount, type StaffAccount,
} from './users.ts';
import { Account, AccountListed, Role } from './schemas.ts';

const StreetOrNull = Type.Union([Type.String({ pattern: '^[0-9]{12}$' }), Type.Null()]);
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
const Errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const adminOnly = app.requireStaff(['admin']);

  const lockOrThrow = async (trx: Parameters<typeof lockStaffAccount>[0], id: number): Promise<StaffAccount> => {
    const row = await lockStaffAccount(trx, id);
    if (!row) throw notFound(`staff account ${id}`, `账号（${id}）不存在`);
    return row;
  };

  app.get('/api/users', {
    preHandler: adminOnly,
    schema: {
      tags: ['auth'], summary: 'Staff accounts with their last sign-in (district admin)',
      response: { 200: Type.Array(AccountListed), 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async () => (await listStaffAccounts(app.db)).map((r) => ({
    ...r, last_login_at: iso(r.last_login_at), created_at: iso(r.created_at as Date)!,
  })));

  app.post('/api/users', {
    preHandler: adminOnly,
    schema: {
      tags: ['auth'], summary: 'Create a staff account (district admin); the generated password is returned once',
      body: Type.Object({
        username: Type.String({ minLength: 3, maxLength: 40 }),
        role: Role,
        street_code: Type.Optional(StreetOrNull),
        display_name: Type.Optional(Type.String({ maxLength: 60 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ user: Account, password: Type.String() }), ...Errors, 409: ErrorResponse },
    },
  }, async (request, reply) => {
    const password = generatePassword();
    const user = await app.db.transaction().execute(async (trx) => {
      const created = await createStaffUser(trx, { ...request.body, display_name: request.body.display_name?.trim() || null, password });
      await recordAudit(trx, { staff: request.staff, action: 'create', entity: 'staff_user', entity_id: created.id, street_code: created.street_code, after: created });
      return { ...created, active: true };
    });
    return reply.code(201).send({ user, password });
  });

  app.patch('/api/users/:id', {
    preHandler: adminOnly,
    schema: {
      tags: ['auth'],
      summary: 'Change role, street, display name or active state (district admin); deactivating ends every session of the account',
      params: IdParam,
      body: Type.Object({
        role: Type.Optional(Role),
        street_code: Type.Optional(StreetOrNull),
        display_name: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
        active: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Account, ...Errors, 404: ErrorResponse },
    },
  }, async (request) => {
    const { id } = request.params;
    const change = request.body;
    // The admin's own role and active state stay: the district must never lose its last admin by a slip.
    if (id === request.staff!.id && change.role !== undefined && change.role !== 'admin') {
      throw badRequest('role', 'you cannot change your own role', '角色：不能修改自己的角色');
    }
    if (id === request.staff!.id && change.active === false) {
      throw badRequest('active', 'you cannot deactivate your own account', '状态：不能停用自己的账号');
    }
    return app.db.transaction().execute(async (trx) => {
      const before = await lockOrThrow(trx, id);
      const after = await updateStaffAccount(trx, before, change);
      const roleOrStreetChanged = after.role !== before.role || after.street_code !== before.street_code;
      // A deactivated account, or one whose role or street changed, signs in again with its new rights.
      if (!after.active || roleOrStreetChanged) await endStaffSessions(trx, id);
      const action = before.active && !after.active ? 'deactivate' : !before.active && after.active ? 'reactivate' : 'update';
      await recordAudit(trx, { staff: request.staff, action, entity: 'staff_user', entity_id: id, street_code: after.street_code, before, after });
      return after;
    });
  });

  app.post('/api/users/:id/password', {
    preHandler: adminOnly,
    schema: {
      tags: ['auth'], summary: "Reset an account's password (district admin): a new generated password, returned once; every session of the account ends",
      params: IdParam,
      response: { 200: Type.Object({ user: Account, password: Type.String() }), ...Errors, 404: ErrorResponse },
    },
  }, async (request) => {
    const { id } = request.params;
    if (id === request.staff!.id) {
      throw badRequest('id', 'change your own password with POST /api/auth/password', '账号：自己的密码请在“修改密码”中修改');
    }
    const password = generatePassword();
    const user = await app.db.transaction().execute(async (trx) => {
      const account = await lockOrThrow(trx, id);
      await setStaffPassword(trx, id, password);
      await recordAudit(trx, {
        staff: request.staff, action: 'reset_password', entity: 'staff_user', entity_id: id, street_code: account.street_code,
        after: { username: account.username, role: account.role },
      });
      return account;
    });
    return { user, password };
  });

  app.post('/api/auth/password', {
    preHandler: app.requireStaff(),
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'], summary: 'Change your own password (the current one is required); your other sessions end',
      body: Type.Object({
        current_password: Type.String({ minLength: 1, maxLength: 200 }),
        new_password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...Errors, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const staff = request.staff!;
    const { current_password: current, new_password: next } = request.body;
    const hash = await staffPasswordHash(app.db, staff.id);
    if (!hash || !(await verifyPassword(hash, current))) {
      throw badRequest('current_password', 'the current password is wrong', '当前密码：不正确');
    }
    if (next === current) throw badRequest('new_password', 'must differ from the current password', '新密码：不能与当前密码相同');
    await app.db.transaction().execute(async (trx) => {
      await setStaffPassword(trx, staff.id, next, sessionHashOf(request));
      await recordAudit(trx, {
        staff, action: 'change_password', entity: 'staff_user', entity_id: staff.id, street_code: staff.street_code,
        after: { username: staff.username },
      });
    });
    return reply.code(204).send(null);
  });
};
