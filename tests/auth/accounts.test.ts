// Staff accounts and the audit trail through the API: the district admin creates, changes, deactivates
// accounts and resets passwords (shown once); everyone changes their own password; only the admin may,
// and only with the CSRF token. The audit reads as sentences, filters by person, record, action and date,
// pages past 50 rows, and exports as CSV with formula cells made inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parse as parseCsv } from 'csv-parse/sync';
import { buildTestApp, type LoggedIn, type TestApp } from '../helper.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { generatePassword } from '../../server/auth/passwords.ts';
import { recordAudit } from '../../server/records/audit.ts';
import { toLocal } from '../../server/localTime.ts';

const TAOYUAN = '120103003000';
const DAYINGMEN = '120103001000';

let t: TestApp;
let admin: LoggedIn;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t.app, await account(t.app, 'acc_admin', 'admin', null, '区管理员'));
});
afterAll(async () => { await t?.close(); });

async function account(app: FastifyInstance, username: string, role: 'admin' | 'editor' | 'viewer', street: string | null, display?: string) {
  const password = generatePassword();
  await createStaffUser(app.db, { username, password, role, street_code: street, display_name: display ?? null });
  return { username, password };
}

// Each sign-in from its own address: the per-address sign-in rate limit is not what this file tests.
let addressCounter = 0;
const nextAddress = () => { addressCounter += 1; return `10.${(addressCounter >> 8) & 255}.${addressCounter & 255}.7`; };

async function login(username: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: nextAddress() });
}

async function signIn(app: FastifyInstance, who: { username: string; password: string }): Promise<LoggedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: who, remoteAddress: nextAddress() });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const raw = res.headers['set-cookie'];
  const cookie = (Array.isArray(raw) ? raw : [raw ?? '']).map((c) => c.split(';')[0]).join('; ');
  const { user, csrf_token: csrf } = res.json();
  return {
    user, cookie, csrf,
    inject(opts) {
      const o = typeof opts === 'string' ? { url: opts } : opts;
      return app.inject({ ...o, headers: { ...(o.headers ?? {}), cookie, 'x-csrf-token': csrf } });
    },
  };
}

const sentences = async (query: string, as: LoggedIn = admin): Promise<{ id: number; sentence: string; username: string | null; action: string }[]> => {
  const res = await as.inject(`/api/audit?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries;
};

describe('staff accounts (district admin)', () => {
  let editorId = 0;
  let editorPassword = '';

  it('creates an account with a generated password shown once, and lists it with its last sign-in', async () => {
    const created = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'zhang', role: 'editor', street_code: TAOYUAN, display_name: '张编辑' } });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body.user).toMatchObject({ username: 'zhang', role: 'editor', street_code: TAOYUAN, display_name: '张编辑', active: true });
    expect(body.password).toMatch(/^[A-Za-z2-9]{20}$/);
    editorId = body.user.id;
    editorPassword = body.password;
    let listed = (await admin.inject('/api/users')).json().find((u: { id: number }) => u.id === editorId);
    expect(listed).toMatchObject({ username: 'zhang', active: true, last_login_at: null });
    expect(JSON.stringify(listed)).not.toMatch(/argon2|password/);
    expect((await login('zhang', editorPassword)).statusCode).toBe(200);
    listed = (await admin.inject('/api/users')).json().find((u: { id: number }) => u.id === editorId);
    expect(Date.now() - new Date(listed.last_login_at).getTime()).toBeLessThan(3_600_000);
    // The same username again: 409 naming the field.
    const again = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'zhang', role: 'viewer' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ field: 'username' });
  });

  it('changes role and street; the account signs in again with its new rights', async () => {
    const editor = await signIn(t.app, { username: 'zhang', password: editorPassword });
    const moved = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { street_code: DAYINGMEN } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ street_code: DAYINGMEN, role: 'editor' });
    expect((await editor.inject('/api/auth/me')).statusCode).toBe(401);
    const again = await signIn(t.app, { username: 'zhang', password: editorPassword });
    expect(again.user.street_code).toBe(DAYINGMEN);
    const viewer = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { role: 'viewer' } });
    expect(viewer.json()).toMatchObject({ role: 'viewer', street_code: DAYINGMEN });
    // An editor needs a street; an unknown street is refused; both name the field.
    const noStreet = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { role: 'editor', street_code: null } });
    expect(noStreet.statusCode).toBe(400);
    expect(noStreet.json()).toMatchObject({ field: 'street_code' });
    expect(noStreet.json().message_zh).toContain('街道');
    const unknown = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { street_code: '120103999000' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('street_code');
    const back = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { role: 'editor', street_code: TAOYUAN } });
    expect(back.json()).toMatchObject({ role: 'editor', street_code: TAOYUAN });
    // The admin keeps their own role and cannot switch themselves off.
    const selfRole = await admin.inject({ method: 'PATCH', url: `/api/users/${admin.user.id}`, payload: { role: 'viewer' } });
    expect(selfRole.statusCode).toBe(400);
    expect(selfRole.json().field).toBe('role');
    const selfOff = await admin.inject({ method: 'PATCH', url: `/api/users/${admin.user.id}`, payload: { active: false } });
    expect(selfOff.json().field).toBe('active');
    expect((await admin.inject({ method: 'PATCH', url: '/api/users/999999', payload: { active: false } })).statusCode).toBe(404);
  });

  it('deactivation ends the sessions and refuses sign-in; reactivation lets the account back in', async () => {
    const editor = await signIn(t.app, { username: 'zhang', password: editorPassword });
    const off = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { active: false } });
    expect(off.json()).toMatchObject({ active: false });
    expect((await editor.inject('/api/auth/me')).statusCode).toBe(401);
    expect((await login('zhang', editorPassword)).statusCode).toBe(401);
    const on = await admin.inject({ method: 'PATCH', url: `/api/users/${editorId}`, payload: { active: true } });
    expect(on.json()).toMatchObject({ active: true });
    expect((await login('zhang', editorPassword)).statusCode).toBe(200);
  });

  it('resets a password: a new one shown once, the old one and the sessions end', async () => {
    const editor = await signIn(t.app, { username: 'zhang', password: editorPassword });
    const reset = await admin.inject({ method: 'POST', url: `/api/users/${editorId}/password` });
    expect(reset.statusCode, reset.body).toBe(200);
    const { password } = reset.json();
    expect(password).toHaveLength(20);
    expect(password).not.toBe(editorPassword);
    expect((await editor.inject('/api/auth/me')).statusCode).toBe(401);
    expect((await login('zhang', editorPassword)).statusCode).toBe(401);
    expect((await login('zhang', password)).statusCode).toBe(200);
    editorPassword = password;
    // Their own password goes through the password dialog, not a reset.
    expect((await admin.inject({ method: 'POST', url: `/api/users/${admin.user.id}/password` })).json().field).toBe('id');
  });

  it('lets everyone change their own password with the current one; other sessions end, this one stays', async () => {
    const here = await signIn(t.app, { username: 'zhang', password: editorPassword });
    const elsewhere = await signIn(t.app, { username: 'zhang', password: editorPassword });
    const wrong = await here.inject({ method: 'POST', url: '/api/auth/password', payload: { current_password: 'not-my-password', new_password: 'a-new-long-passphrase' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ field: 'current_password' });
    expect(wrong.json().message_zh).toContain('当前密码：不正确');
    const weak = await here.inject({ method: 'POST', url: '/api/auth/password', payload: { current_password: editorPassword, new_password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().field).toBe('new_password');
    const noCsrf = await t.app.inject({
      method: 'POST', url: '/api/auth/password', headers: { cookie: here.cookie },
      payload: { current_password: editorPassword, new_password: 'a-new-long-passphrase' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const ok = await here.inject({ method: 'POST', url: '/api/auth/password', payload: { current_password: editorPassword, new_password: 'a-new-long-passphrase' } });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await here.inject('/api/auth/me')).statusCode).toBe(200);
    expect((await elsewhere.inject('/api/auth/me')).statusCode).toBe(401);
    expect((await login('zhang', editorPassword)).statusCode).toBe(401);
    expect((await login('zhang', 'a-new-long-passphrase')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/password', payload: { current_password: 'x', new_password: 'y' } })).statusCode).toBe(401);
  });

  it('refuses every account route to editors and viewers (403), and to the admin without the CSRF token', async () => {
    const editor = await signIn(t.app, await account(t.app, 'acc_editor', 'editor', TAOYUAN));
    const viewer = await signIn(t.app, await account(t.app, 'acc_viewer', 'viewer', null));
    const calls = [
      { method: 'GET' as const, url: '/api/users' },
      { method: 'POST' as const, url: '/api/users', payload: { username: 'sneaky', role: 'admin' } },
      { method: 'PATCH' as const, url: `/api/users/${editorId}`, payload: { role: 'admin' } },
      { method: 'POST' as const, url: `/api/users/${editorId}/password` },
      { method: 'GET' as const, url: '/api/audit.csv' },
    ];
    for (const who of [editor, viewer]) {
      for (const call of calls) expect((await who.inject(call)).statusCode, `${who.user.role} ${call.method} ${call.url}`).toBe(403);
    }
    for (const call of calls.filter((c) => c.method !== 'GET')) {
      const res = await t.app.inject({ ...call, headers: { cookie: admin.cookie } });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(403);
      expect(res.json().message).toMatch(/CSRF/);
    }
    expect((await t.app.db.selectFrom('staff_users').select('id').where('username', '=', 'sneaky').execute())).toHaveLength(0);
  });
});

describe('the audit trail as sentences', () => {
  it('says who created which account with its username, role and street, and every later step', async () => {
    const rows = await sentences('entity=staff_user&record=zhang&limit=100');
    const said = rows.map((r) => r.sentence);
    expect(said).toContain('区管理员 新建账号 zhang（编辑，桃园街道）');
    expect(said).toContain('区管理员 把 zhang 的街道 从 桃园街道 改为 大营门街道');
    expect(said).toContain('区管理员 把 zhang 的角色 从 编辑 改为 查看员');
    expect(said).toContain('区管理员 停用了账号 zhang');
    expect(said).toContain('区管理员 重新启用了账号 zhang');
    expect(said).toContain('区管理员 重置了账号 zhang 的密码');
    expect(said).toContain('张编辑 修改了自己的密码');
    // Sign-ins are the account's own rows: found by person.
    const signIns = (await sentences('username=zhang&action=login&limit=100')).map((r) => r.sentence);
    expect(signIns.length).toBeGreaterThanOrEqual(3);
    expect(signIns.every((s) => s.startsWith('张编辑 登录'))).toBe(true);
    const en = (await sentences('entity=staff_user&record=zhang&lang=en&limit=100')).map((r) => r.sentence);
    expect(en).toContain('区管理员 created the account zhang (editor, 桃园街道)');
    expect(en).toContain('张编辑 changed their own password');
  });

  it("tells a point's edit as 'who changed which field of which place from what to what'", async () => {
    const point = await t.app.db.selectFrom('service_points').select(['id', 'name', 'version', 'opening_hours'])
      .where('street_code', '=', TAOYUAN).where('status', '=', 'active').where('opening_hours', 'is not', null)
      .orderBy('id').executeTakeFirstOrThrow();
    const li = await signIn(t.app, await account(t.app, 'li_bj', 'editor', TAOYUAN, '李编辑'));
    const res = await li.inject({ method: 'PATCH', url: `/api/points/${point.id}`, payload: { version: point.version, opening_hours: 'Mo-Su 07:30-18:00' } });
    expect(res.statusCode, res.body).toBe(200);
    const [entry] = await sentences(`entity=point&entity_id=${point.id}&limit=1`, li);
    expect(entry.sentence).toBe(`李编辑 把 ${point.name} 的开放时间 从 “${point.opening_hours}” 改为 “Mo-Su 07:30-18:00”`);
    const [en] = await sentences(`entity=point&entity_id=${point.id}&limit=1&lang=en`, li);
    expect(en.sentence).toBe(`李编辑 changed ${point.name}: opening hours from "${point.opening_hours}" to "Mo-Su 07:30-18:00"`);
  });

  it('renders print jobs and sign-in attempts (failed, throttled) as sentences with the address', async () => {
    // Rows in the shape the print queue and the sign-in throttle write them.
    await recordAudit(t.app.db, { staff: { id: admin.user.id, username: 'acc_admin' }, action: 'print', entity: 'board_job', entity_id: 901, street_code: TAOYUAN, after: { site_ids: [1, 2, 3], options: {} } });
    await recordAudit(t.app.db, { staff: null, action: 'login_failed', entity: 'staff_user', entity_id: 'nobody', after: { username: 'nobody', ip: '198.51.100.4' } });
    await recordAudit(t.app.db, { staff: null, action: 'login_throttled', entity: 'staff_user', entity_id: 'zhang', after: { username: 'zhang', ip: '198.51.100.4' } });
    expect((await sentences('entity=board_job&limit=1'))[0].sentence).toBe('区管理员 打印了 3 块展板（桃园街道）');
    expect((await sentences('action=login_failed&limit=1'))[0].sentence).toBe('用户名 nobody 登录失败（来自 198.51.100.4）');
    expect((await sentences('action=login_throttled&limit=1'))[0].sentence).toBe('用户名 zhang 失败次数过多，登录被暂缓（来自 198.51.100.4）');
    expect((await sentences('action=login_failed&limit=1&lang=en'))[0].sentence).toBe('Failed sign-in as nobody (from 198.51.100.4)');
  });

  it('filters by person, action and date, pages past 50 rows, and keeps street staff to their records', async () => {
    const byZhang = await sentences('username=zhang&limit=200');
    expect(byZhang.length).toBeGreaterThanOrEqual(3);
    expect(byZhang.every((r) => r.username === 'zhang')).toBe(true);
    const resets = await sentences('action=reset_password');
    expect(resets.length).toBeGreaterThanOrEqual(1);
    expect(resets.every((r) => r.action === 'reset_password')).toBe(true);
    const today = toLocal(new Date()).date;
    const d = new Date(`${today}T12:00:00+08:00`);
    const yesterday = toLocal(new Date(d.getTime() - 86_400_000)).date;
    expect((await sentences(`username=zhang&from=${today}&to=${today}&limit=200`)).length).toBe(byZhang.length);
    expect(await sentences(`username=zhang&to=${yesterday}`)).toHaveLength(0);
    const backwards = await admin.inject(`/api/audit?from=${today}&to=${yesterday}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().field).toBe('to');
    expect((await admin.inject('/api/audit?from=2026-02-30')).json().field).toBe('from');

    // 60 more sign-in rows: the first page of 50 has a next page, and the pages do not overlap.
    for (let i = 0; i < 60; i += 1) {
      await recordAudit(t.app.db, { staff: null, action: 'login_failed', entity: 'staff_user', entity_id: 'x', after: { username: `guess${i}`, ip: '203.0.113.9' } });
    }
    const first = (await admin.inject('/api/audit?limit=50')).json();
    expect(first.entries).toHaveLength(50);
    expect(first.next_before_id).toBe(first.entries[49].id);
    const second = (await admin.inject(`/api/audit?limit=50&before_id=${first.next_before_id}`)).json();
    expect(second.entries.length).toBeGreaterThan(10);
    expect(Math.max(...second.entries.map((e: { id: number }) => e.id))).toBeLessThan(first.entries[49].id);

    // A street editor sees the office records of their street, never accounts or sign-ins.
    const li = await signIn(t.app, { username: 'zhang', password: 'a-new-long-passphrase' });
    const seen = await sentences('limit=200', li);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => !r.sentence.includes('账号') && !r.sentence.includes('登录'))).toBe(true);
  });

  it('exports the filtered trail as CSV for the admin, with formula cells made inert', async () => {
    const trick = await account(t.app, 'formula_name', 'viewer', null, '=HYPERLINK("http://x","y")');
    await login(trick.username, trick.password);
    const res = await admin.inject('/api/audit.csv?username=formula_name');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parseCsv(res.body.slice(1));
    expect(rows[0]).toEqual(['编号', '时间', '人员', '操作', '记录类型', '记录编号', '街道', '说明']);
    const signIn = rows.find((r) => r[3] === 'login');
    expect(signIn?.[2]).toBe('formula_name');
    expect(signIn?.[7]).toMatch(/^'=HYPERLINK\("http:\/\/x","y"\) 登录/);
    expect(rows.slice(1).every((r) => r[2] === 'formula_name')).toBe(true);
    const all: string[][] = parseCsv((await admin.inject('/api/audit.csv?entity=staff_user&record=zhang')).body.slice(1));
    expect(all.map((r) => r[7])).toContain('区管理员 新建账号 zhang（编辑，桃园街道）');
    const en: string[][] = parseCsv((await admin.inject('/api/audit.csv?username=formula_name&lang=en')).body.slice(1));
    expect(en[0][7]).toBe('what happened');
  });
});
