// Staff authentication: argon2 hashes, session cookies, CSRF, session fixation, sign-in throttling per
// (username, address) without lockout or username enumeration, the owner told of failed attempts, roles, logout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type TestApp } from '../helper.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { SIGNIN_THROTTLE } from '../../server/auth/throttle.ts';

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
    expect(cookie).toMatch(/svc_sid=/);
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

describe('sign-in throttling: no lockout by strangers, no username enumeration', () => {
  const PASSWORD = 'owner-passphrase-2026';
  /** Every attempt runs argon2 (about a second on a busy two-core machine). */
  const SLOW = 300_000;
  const signIn = (username: string, password: string, remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  /** Pushes a throttle's delay into the past, as if the stranger had waited it out. */
  const waitOut = (username: string, address: string) => sql`
    update signin_throttle set blocked_until = now() - interval '1 second'
    where username_key = ${username} and address = ${address}`.execute(t.app.db);

  it('five and more wrong passwords from a stranger delay only that stranger; the owner signs in from elsewhere and is told', async () => {
    await createStaffUser(t.app.db, { username: 'owner_ty', password: PASSWORD, role: 'editor', street_code: '120103003000' });
    const stranger = '203.0.113.9';
    for (let i = 0; i < SIGNIN_THROTTLE.freeFailures; i += 1) expect((await signIn('owner_ty', 'guess-number-' + i, stranger)).statusCode).toBe(401);
    // The stranger now waits, even with the right password...
    const delayed = await signIn('owner_ty', PASSWORD, stranger);
    expect(delayed.statusCode).toBe(429);
    const retryAfter = Number(delayed.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(SIGNIN_THROTTLE.baseDelaySeconds - 5);
    expect(retryAfter).toBeLessThanOrEqual(SIGNIN_THROTTLE.baseDelaySeconds);
    expect(delayed.json()).toMatchObject({ statusCode: 429, retry_after_s: retryAfter });
    expect(delayed.json().message).toMatch(/try again in \d+ seconds/);
    expect(delayed.json().message_zh).toMatch(/请\d+秒后再试/);
    expect((await signIn('owner_ty', 'another-guess', stranger)).statusCode).toBe(429);

    // ...while the owner, from their own address, signs in at once and is told what happened.
    const owner = await signIn('owner_ty', PASSWORD, '198.51.100.4');
    expect(owner.statusCode).toBe(200);
    expect(owner.json().sign_in).toMatchObject({ failed_attempts: SIGNIN_THROTTLE.freeFailures + 2, previous_sign_in_at: null });
    expect(Date.parse(owner.json().sign_in.last_failed_at)).toBeGreaterThan(Date.now() - 60_000);
    const cookie = cookieOf(owner)[0].split(';')[0];
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json().sign_in.failed_attempts).toBe(SIGNIN_THROTTLE.freeFailures + 2);
    // The next sign-in starts from zero and names the previous one.
    const again = await signIn('owner_ty', PASSWORD, '198.51.100.4');
    expect(again.json().sign_in).toMatchObject({ failed_attempts: 0, last_failed_at: null });
    expect(again.json().sign_in.previous_sign_in_at).not.toBeNull();

    // Delays grow: once the first has passed, one more failure from the stranger earns twice as long.
    await waitOut('owner_ty', stranger);
    expect((await signIn('owner_ty', 'guess-after-waiting', stranger)).statusCode).toBe(401);
    const longer = await signIn('owner_ty', 'guess-too-soon', stranger);
    expect(longer.statusCode).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThan(2 * SIGNIN_THROTTLE.baseDelaySeconds - 5);
    // And the owner is still not locked out, even from a third address.
    expect((await signIn('owner_ty', PASSWORD, '192.0.2.200')).statusCode).toBe(200);
  }, SLOW);

  it('a known username cannot be told from an unknown one by the answer, throttled or not (median times printed)', async () => {
    await createStaffUser(t.app.db, { username: 'real_name', password: PASSWORD, role: 'viewer' });
    const inactive = await createStaffUser(t.app.db, { username: 'gone_name', password: PASSWORD, role: 'viewer' });
    await t.app.db.updateTable('staff_users').set({ active: false }).where('id', '=', inactive.id).execute();
    const answer = (res: Awaited<ReturnType<typeof signIn>>) => ({ status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] ?? null });

    // Each name from its own address, through the same history: 5 failures, then delayed attempts.
    const history = async (username: string, password: (i: number) => string, remoteAddress: string) => {
      const answers: ReturnType<typeof answer>[] = [];
      for (let i = 0; i < SIGNIN_THROTTLE.freeFailures + 2; i += 1) answers.push(answer(await signIn(username, password(i), remoteAddress)));
      return answers;
    };
    const known = await history('real_name', (i) => `wrong-${i}`, '203.0.113.50');
    const unknown = await history('no_such_name', (i) => `wrong-${i}`, '203.0.113.51');
    const deactivated = await history('gone_name', () => PASSWORD, '203.0.113.52');
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(known[0].body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Wrong username or password', message_zh: '用户名或密码错误' });
    expect(unknown).toEqual(known);
    expect(deactivated).toEqual(known);

    // Time: the same work (argon2 against a real or a dummy hash, the same statements). Printed, not asserted.
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 7; i += 1) {
      for (const kind of ['known', 'unknown'] as const) {
        const started = performance.now();
        const res = await signIn(kind === 'known' ? 'real_name' : 'no_such_name_either', 'wrong-password', `198.18.${kind === 'known' ? 1 : 2}.${i + 1}`);
        times[kind].push(performance.now() - started);
        expect(res.statusCode).toBe(401);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`sign-in refused: median ${median(times.known).toFixed(1)} ms for a known username, ${median(times.unknown).toFixed(1)} ms for an unknown one (7 each)`);
  }, SLOW);

  it('failed, throttled and successful sign-ins are in the audit log with the name typed, the address and the reason', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < SIGNIN_THROTTLE.freeFailures; i += 1) await signIn('real_name', `audit-guess-${i}`, address);
    await signIn('real_name', 'audit-guess-late', address);
    await signIn('x'.repeat(40), 'whatever', address);
    await signIn('real_name', PASSWORD, '198.51.100.77');
    const rows = await t.app.db.selectFrom('audit_log').selectAll()
      .where('action', 'in', ['login', 'login_failed', 'login_throttled']).orderBy('id').execute();
    const real = await t.app.db.selectFrom('staff_users').select(['id']).where('username', '=', 'real_name').executeTakeFirstOrThrow();
    const fromAddress = rows.filter((r) => (r.after as { address?: string } | null)?.address === address);
    expect(fromAddress.map((r) => r.action)).toEqual([...Array(SIGNIN_THROTTLE.freeFailures).fill('login_failed'), 'login_throttled', 'login_failed']);
    expect(fromAddress[0]).toMatchObject({ user_id: null, username: 'real_name', entity: 'staff_user', entity_id: String(real.id), after: { reason: 'wrong_password', failures: 1 } });
    expect(fromAddress[SIGNIN_THROTTLE.freeFailures - 1].after).toMatchObject({ failures: SIGNIN_THROTTLE.freeFailures, delay_s: SIGNIN_THROTTLE.baseDelaySeconds });
    expect(fromAddress[SIGNIN_THROTTLE.freeFailures].after).toMatchObject({ username: 'real_name', retry_after_s: expect.any(Number) });
    expect(fromAddress.at(-1)).toMatchObject({ username: 'x'.repeat(40), entity_id: '', after: { reason: 'unknown_username' } });
    expect(rows.at(-1)).toMatchObject({ action: 'login', user_id: real.id, username: 'real_name', after: { address: '198.51.100.77' } });
  }, SLOW);
});
