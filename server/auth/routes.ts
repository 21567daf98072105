// Login, logout and the current staff member. Staff accounts and passwords: accountRoutes.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import { ErrorResponse } from '../http/geojson.ts';
import { HttpError } from '../http/errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { endSession, LOCKOUT, startSession } from './plugin.ts';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer')]);
const StaffUser = Type.Object({
  id: Type.Integer(), username: Type.String(), role: Role,
  street_code: Type.Union([Type.String(), Type.Null()]), display_name: Type.Union([Type.String(), Type.Null()]),
});
const SessionInfo = Type.Object({ user: StaffUser, csrf_token: Type.String() });

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/auth/login', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Staff sign-in; sets the session cookie and returns the CSRF token',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 40 }),
        password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false }),
      response: { 200: SessionInfo, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const user = await app.db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst();
    const locked = user?.locked_until && new Date(user.locked_until).getTime() > Date.now();
    if (locked) {
      throw new HttpError(429, 'Too many failed sign-ins for this account; try again in 15 minutes', undefined, '登录失败次数过多，请15分钟后再试');
    }
    const ok = await verifyPassword(user?.password_hash ?? await dummyPasswordHash(), password);
    if (!user || !ok || !user.active) {
      if (user) {
        const failures = user.failed_logins + 1;
        await app.db.updateTable('staff_users').set({
          failed_logins: failures >= LOCKOUT.afterFailures ? 0 : failures,
          locked_until: failures >= LOCKOUT.afterFailures ? new Date(Date.now() + LOCKOUT.lockMs) : null,
        }).where('id', '=', user.id).execute();
      }
      throw new HttpError(401, 'Wrong username or password', undefined, '用户名或密码错误');
    }
    await app.db.updateTable('staff_users').set({ failed_logins: 0, locked_until: null, last_login_at: sql`now()` }).where('id', '=', user.id).execute();
    const csrf = await startSession(app, request, reply, user.id);
    await recordAudit(app.db, { staff: user, action: 'login', entity: 'staff_user', entity_id: user.id, street_code: user.street_code });
    return {
      user: { id: user.id, username: user.username, role: user.role, street_code: user.street_code, display_name: user.display_name },
      csrf_token: csrf,
    };
  });

  app.post('/api/auth/logout', {
    preHandler: app.requireStaff(),
    schema: { tags: ['auth'], summary: 'Ends the session', response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse } },
  }, async (request, reply) => {
    await endSession(app, request, reply);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    preHandler: app.requireStaff(),
    schema: { tags: ['auth'], summary: 'The signed-in staff member and the CSRF token', response: { 200: SessionInfo, 401: ErrorResponse } },
  }, async (request) => ({ user: request.staff!, csrf_token: request.sessionCsrf! }));
};
