// Staff authentication: database-backed sessions (any instance can answer), argon2 passwords,
// HttpOnly + Secure + SameSite=Lax cookies, a CSRF token per session required on every state-changing
// request, sign-in rate limiting per address and throttling per (username, address) (throttle.ts).
// Decorates the app with
// `requireStaff(roles?)`, `identifyStaff`, `assertStreetAccess(request, street)`; sets `request.staff`.
import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { databaseRateLimitStore } from '../http/rateLimitStore.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { sql } from 'kysely';
import { HttpError } from '../http/errors.ts';
import { dummyPasswordHash } from './passwords.ts';
import type { StaffIdentity, StaffRole } from './users.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: 401 without a valid session, 403 for other roles or a missing/wrong CSRF token on writes. */
    requireStaff(roles?: StaffRole[]): preHandlerAsyncHookHandler;
    /** preHandler: sets request.staff when a valid session cookie is present; never fails. */
    identifyStaff: preHandlerAsyncHookHandler;
    /** 403 unless the staff member may write in that street; `field` names the input that placed the record there. */
    assertStreetAccess(request: FastifyRequest, streetCode: string | null | undefined, field?: string): void;
  }
  interface FastifyRequest {
    staff: StaffIdentity | null;
    sessionCsrf: string | null;
    /** What the owner is told for this session about refused sign-ins before it began. */
    signInNotice: SignInNotice | null;
  }
}

/** Refused sign-in attempts with this account's username between the previous sign-in and this one. */
export interface SignInNotice { failed_attempts: number; last_failed_at: string | null; previous_sign_in_at: string | null }

export const SESSION_COOKIE = 'svc_sid';
export const CSRF_HEADER = 'x-csrf-token';
const IDLE_MS = 12 * 3600_000;
const ABSOLUTE_MS = 7 * 24 * 3600_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const tokensEqual = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const unauthorized = () => new HttpError(401, 'Sign in required', undefined, '请先登录');
export const forbidden = (why: string, whyZh: string, field?: string) => new HttpError(403, why, field, whyZh);

async function authPlugin(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  // Counted in the database, so a group of instances gives each address a route's limit once.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(() => app.db) });
  app.decorateRequest('staff', null);
  app.decorateRequest('sessionCsrf', null);
  app.decorateRequest('signInNotice', null);
  // Made now, not on the first unknown username, so that answer takes no longer than any other.
  await dummyPasswordHash();

  async function loadSession(request: FastifyRequest): Promise<void> {
    if (request.staff) return;
    const sid = request.cookies[SESSION_COOKIE];
    if (!sid || sid.length > 200) return;
    const row = await app.db.selectFrom('staff_sessions as s')
      .innerJoin('staff_users as u', 'u.id', 's.staff_id')
      .select(['u.id', 'u.username', 'u.role', 'u.street_code', 'u.display_name', 's.csrf_token', 's.last_seen_at', 's.id_hash',
        's.failed_logins_before', 's.last_failed_login_at', 's.previous_login_at'])
      .where('s.id_hash', '=', sha256(sid))
      .where('u.active', '=', true)
      .where('s.expires_at', '>', sql<Date>`now()`)
      .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${IDLE_MS / 1000})`)
      .executeTakeFirst();
    if (!row) return;
    request.staff = { id: row.id, username: row.username, role: row.role, street_code: row.street_code, display_name: row.display_name };
    request.sessionCsrf = row.csrf_token;
    request.signInNotice = {
      failed_attempts: row.failed_logins_before,
      last_failed_at: isoOrNull(row.last_failed_login_at),
      previous_sign_in_at: isoOrNull(row.previous_login_at),
    };
    if (Date.now() - new Date(row.last_seen_at).getTime() > 60_000) {
      await app.db.updateTable('staff_sessions').set({ last_seen_at: sql`now()` }).where('id_hash', '=', row.id_hash).execute();
    }
  }

  app.decorate('identifyStaff', async (request: FastifyRequest) => { await loadSession(request); });

  app.decorate('requireStaff', (roles?: StaffRole[]) => async (request: FastifyRequest) => {
    await loadSession(request);
    if (!request.staff) throw unauthorized();
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !request.sessionCsrf || !tokensEqual(sent, request.sessionCsrf)) {
        throw forbidden('CSRF token missing or invalid: send the X-CSRF-Token header from /api/auth/me', 'CSRF 校验失败，请刷新页面后重试');
      }
    }
    if (roles && !roles.includes(request.staff.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${request.staff.role}`, '您的角色无权进行此操作');
    }
  });

  app.decorate('assertStreetAccess', (request: FastifyRequest, streetCode: string | null | undefined, field?: string) => {
    const staff = request.staff;
    if (!staff) throw unauthorized();
    if (staff.role === 'admin') return;
    if (staff.role === 'editor' && streetCode && staff.street_code === streetCode) return;
    if (staff.role === 'viewer') throw forbidden('Viewers have read-only access', '查看员只有只读权限');
    if (field) {
      throw forbidden(`${field}: belongs to street ${streetCode ?? '(none)'}; you edit street ${staff.street_code}`,
        `${field}：属于其他街道（${streetCode ?? '无'}），只能编辑本街道的数据`, field);
    }
    throw forbidden(`This record belongs to street ${streetCode ?? '(none)'}; you edit street ${staff.street_code}`, '只能编辑本街道的数据');
  });
}

export const auth = fp(authPlugin, { name: 'auth' });

const isoOrNull = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** What the account had recorded before this sign-in: told to the owner for the session's lifetime. */
export interface SignInHistory { failed_logins: number; last_failed_login_at: Date | null; last_login_at: Date | null }

export function signInNotice(history: SignInHistory): SignInNotice {
  return {
    failed_attempts: history.failed_logins,
    last_failed_at: isoOrNull(history.last_failed_login_at),
    previous_sign_in_at: isoOrNull(history.last_login_at),
  };
}

/** Starts a new session (a fresh id every login: no session fixation) and sets the cookie. */
export async function startSession(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, staffId: number, history?: SignInHistory) {
  const sid = crypto.randomBytes(32).toString('base64url');
  const csrf = crypto.randomBytes(24).toString('base64url');
  const old = request.cookies[SESSION_COOKIE];
  if (old) await app.db.deleteFrom('staff_sessions').where('id_hash', '=', sha256(old)).execute();
  await app.db.insertInto('staff_sessions').values({
    id_hash: sha256(sid), staff_id: staffId, csrf_token: csrf,
    expires_at: new Date(Date.now() + ABSOLUTE_MS), ip: request.ip,
    user_agent: (request.headers['user-agent'] ?? '').slice(0, 300),
    failed_logins_before: history?.failed_logins ?? 0,
    last_failed_login_at: history?.last_failed_login_at ?? null,
    previous_login_at: history?.last_login_at ?? null,
  }).execute();
  await app.db.deleteFrom('staff_sessions').where('expires_at', '<', sql<Date>`now()`).execute();
  reply.setCookie(SESSION_COOKIE, sid, {
    path: '/', httpOnly: true, secure: app.config.cookieSecure, sameSite: 'lax', maxAge: ABSOLUTE_MS / 1000,
  });
  return csrf;
}

export async function endSession(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const sid = request.cookies[SESSION_COOKIE];
  if (sid) await app.db.deleteFrom('staff_sessions').where('id_hash', '=', sha256(sid)).execute();
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: app.config.cookieSecure, sameSite: 'lax' });
}

/** The stored hash of this request's session id (to keep the current session when ending the others). */
export function sessionHashOf(request: FastifyRequest): string | undefined {
  const sid = request.cookies[SESSION_COOKIE];
  return sid ? sha256(sid) : undefined;
}
