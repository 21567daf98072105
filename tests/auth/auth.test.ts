// Staff authentication: argon2 hashes, session cookies, CSRF, session fixation, lockout, roles, logout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helper.ts';
import { createStaffUser } from '../../server/auth/users.ts';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? raw : [String(raw ?? '')]);
};

describe('staff sign-in', () => {
  it('stores an argon2id hash, never the password, and there is no default account', async () => {
    const before = await t.app.db.selectFrom('staff_users').select('id').execute();
    expect(before).toHaveLength(0);
    await createStaffUser(t.app.db, { username: 'hash_check', password: 'correct horse battery', role: 'viewer' });
    const row = await t.app.db.selectFrom('staff_users').select('password_hash').where('username', '=', 'hash_check').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('correct horse');
  });

  it('refuses weak passwords and editors without a street', async () => {
    await expect(createStaffUser(t.app.db, { username: 'weak1', password: 'short', role: 'viewer' })).rejects.toThrow(/password/);
    await expect(createStaffUser(t.app.db, { username: 'nostreet', password: 'a-long-enough-passphrase', role: 'editor' })).rejects.toThrow(/street/);
  });

  it('sets a Secure, HttpOnly, SameSite cookie and a fresh session id on every login (no fixation)', async () => {
    await createStaffUser(t.app.db, { username: 'cookie_check', password: 'a-long-enough-passphrase', role: 'viewer' });
    const first = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'cookie_check', password: 'a-long-enough-passphrase' } });
    expect(first.statusCode).toBe(200);
    const [cookie] = cookieOf(first);
    expect(cookie).toMatch(/hexi_sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sid1 = cookie.split(';')[0];
    // An attacker-planted (or old) session id is replaced, and the old one stops working.
    const second = await t.app.inject({
      method: 'POST', url: '/api/auth/login', headers: { cookie: sid1 },
      payload: { username: 'cookie_check', password: 'a-long-enough-passphrase' },
    });
    const sid2 = cookieOf(second)[0].split(';')[0];
    expect(sid2).not.toBe(sid1);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: sid1 } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: sid2 } })).statusCode).toBe(200);
  });

  it('answers a wrong password with 401 and locks the account after repeated failures', async () => {
    await createStaffUser(t.app.db, { username: 'lock_check', password: 'a-long-enough-passphrase', role: 'viewer' });
    const attempt = (password: string) => t.app.inject({
      method: 'POST', url: '/api/auth/login', payload: { username: 'lock_check', password },
      remoteAddress: `10.0.0.${Math.floor(Math.random() * 200) + 1}`,
    });
    for (let i = 0; i < 5; i += 1) expect((await attempt('wrong password here')).statusCode).toBe(401);
    const locked = await attempt('a-long-enough-passphrase');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().message_zh).toContain('15分钟');
  });

  it('rate-limits sign-in attempts from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.7', payload: { username: `nobody${i}`, password: 'x' } });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('requires the CSRF token for state-changing requests, and logout ends the session', async () => {
    const admin = await loginAs(t.app, 'admin');
    const noToken = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: admin.cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().message).toMatch(/CSRF/);
    const wrongToken = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrongToken.statusCode).toBe(403);
    expect((await admin.inject('/api/auth/me')).statusCode).toBe(200);
    const out = await admin.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect((await admin.inject('/api/auth/me')).statusCode).toBe(401);
  });

  it('lets only the district admin manage staff accounts, and returns a generated password once', async () => {
    const viewer = await loginAs(t.app, 'viewer');
    const editor = await loginAs(t.app, 'editor', '120103003000');
    const admin = await loginAs(t.app, 'admin');
    const body = { username: 'new_editor', role: 'editor', street_code: '120103001000' };
    expect((await t.app.inject({ method: 'POST', url: '/api/users', payload: body })).statusCode).toBe(401);
    expect((await viewer.inject({ method: 'POST', url: '/api/users', payload: body })).statusCode).toBe(403);
    expect((await editor.inject({ method: 'POST', url: '/api/users', payload: body })).statusCode).toBe(403);
    const created = await admin.inject({ method: 'POST', url: '/api/users', payload: body });
    expect(created.statusCode).toBe(201);
    const { password } = created.json();
    expect(password).toHaveLength(20);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'new_editor', password } });
    expect(login.json().user).toMatchObject({ role: 'editor', street_code: '120103001000' });
    const list = (await admin.inject('/api/users')).json();
    expect(JSON.stringify(list)).not.toMatch(/argon2|password/);
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('entity', '=', 'staff_user').where('action', '=', 'create').execute();
    expect(audit.some((a) => JSON.stringify(a.after).includes('new_editor'))).toBe(true);
  });

  it('ends every session of a deactivated account', async () => {
    const admin = await loginAs(t.app, 'admin');
    const victim = await loginAs(t.app, 'viewer');
    expect((await victim.inject('/api/auth/me')).statusCode).toBe(200);
    const res = await admin.inject({ method: 'PATCH', url: `/api/users/${victim.user.id}`, payload: { active: false } });
    expect(res.statusCode).toBe(200);
    expect((await victim.inject('/api/auth/me')).statusCode).toBe(401);
  });
});
