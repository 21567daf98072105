// Login, logout and the current staff member. Staff accounts and passwords: accountRoutes.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../http/geojson.ts';
import { HttpError } from '../http/errors.ts';
import { recordAudit } from '../records/audit.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { endSession, signInNotice, startSession } from './plugin.ts';
import { SessionInfo } from './schemas.ts';
import { markSignedIn, staffUserByName } from './users.ts';
import {
  clearSigninFailures, countSigninAttempt, recordSigninFailure, refusedSignInsSince, SIGNIN_ADDRESS_LIMIT, SIGNIN_THROTTLE, signinWaitSeconds, throttleAddress,
} from './throttle.ts';


/** "45 seconds" / "45秒", "3 minutes" / "3分钟": how long a throttled sign-in must wait. */
function waitText(seconds: number, lang: 'zh' | 'en'): string {
  if (seconds < 120) return lang === 'zh' ? `${seconds}秒` : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return lang === 'zh' ? `${minutes}分钟` : `${minutes} minutes`;
}

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Staff sign-in; sets the session cookie and returns the CSRF token',
      description: `At most ${SIGNIN_ADDRESS_LIMIT.max} attempts per ${SIGNIN_ADDRESS_LIMIT.windowSeconds} s from one address, whatever the username `
        + '(429 with Retry-After beyond; counted in the database, so it holds across instances). '
        + `After ${SIGNIN_THROTTLE.freeFailures} failed attempts for one username from one address, further attempts for that `
        + `username from that address wait a delay (${SIGNIN_THROTTLE.baseDelaySeconds} s, doubling with each failure, at most `
        + `${SIGNIN_THROTTLE.maxDelaySeconds / 60} min): 429 with Retry-After. Other addresses are not affected, and unknown usernames `
        + 'get exactly the same answers as real ones. The answer tells the owner how many attempts failed since the last sign-in.',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 40 }),
        password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false }),
      response: { 200: SessionInfo, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const address = throttleAddress(request.ip);
    // Per address, whatever the username: counted in the database, so the limit holds across instances.
    const addressWait = await countSigninAttempt(app.db, address);
    if (addressWait) {
      reply.header('retry-after', String(addressWait));
      throw new HttpError(429, `Too many sign-in attempts from your address; try again in ${waitText(addressWait, 'en')}`, undefined,
        `您的网络登录尝试过于频繁，请${waitText(addressWait, 'zh')}后再试`, { retry_after_s: addressWait });
    }
    // Until sign-in succeeds, every step is the same whether or not the username exists: the throttle is
    // keyed by the name as typed, an unknown name is verified against a dummy hash, and a refusal writes
    // the same two rows (throttle, audit). The owner's notice is read from those audit rows later.
    const user = await staffUserByName(app.db, username);
    // The audit names the account when the username is one (entity_id '' when it is not).
    const account = { staff: null, username, entity: 'staff_user', entity_id: user ? String(user.id) : '', street_code: user?.street_code ?? null };
    const wait = await signinWaitSeconds(app.db, username, address);
    if (wait) {
      await recordAudit(app.db, { ...account, action: 'login_throttled', after: { username, address, retry_after_s: wait } });
      reply.header('retry-after', String(wait));
      throw new HttpError(429, `Too many failed sign-ins for this username from your address; try again in ${waitText(wait, 'en')}`, undefined,
        `此用户名从您的网络登录失败次数过多，请${waitText(wait, 'zh')}后再试`, { retry_after_s: wait });
    }
    const ok = await verifyPassword(user?.password_hash ?? await dummyPasswordHash(), password);
    if (!user || !ok || !user.active) {
      const reason = !user ? 'unknown_username' : !ok ? 'wrong_password' : 'inactive_account';
      const { failures, delaySeconds } = await recordSigninFailure(app.db, username, address);
      await recordAudit(app.db, {
        ...account, action: 'login_failed', after: { username, address, reason, failures, ...(delaySeconds ? { delay_s: delaySeconds } : {}) },
      });
      throw new HttpError(401, 'Wrong username or password', undefined, '用户名或密码错误');
    }
    await clearSigninFailures(app.db, username, address);
    // The owner is told of attempts refused with their username since their previous sign-in.
    const refused = await refusedSignInsSince(app.db, user.username, user.last_login_at);
    const history = { failed_logins: refused.count, last_failed_login_at: refused.last, last_login_at: user.last_login_at };
    await markSignedIn(app.db, user.id);
    const csrf = await startSession(app, request, reply, user.id, history);
    await recordAudit(app.db, { staff: user, action: 'login', entity: 'staff_user', entity_id: user.id, street_code: user.street_code, after: { address } });
    return {
      user: { id: user.id, username: user.username, role: user.role, street_code: user.street_code, display_name: user.display_name },
      csrf_token: csrf,
      sign_in: signInNotice(history),
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
  }, async (request) => ({ user: request.staff!, csrf_token: request.sessionCsrf!, sign_in: request.signInNotice! }));
};
