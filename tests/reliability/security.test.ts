// Security across the whole API surface: the CORS policy (only our own origin), helmet headers with a
// CSP of our own origin, session fixation, the CSRF token on every state-changing staff route, and
// private fields (staff phones, residents' request contacts) absent from every public answer.
// tests/auth/auth.test.ts covers sign-in itself; this file enumerates every registered route instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loginAs, type LoggedIn } from '../helper.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { buildSurfaceApp, fillPath, isLibraryRoute, knownIds, pastDeskVisit, type SurfaceApp } from './surface.ts';
import { baseValue } from './generate.ts';

let s: SurfaceApp;
let admin: LoggedIn;
let ids: Record<string, string>;
const EVIL = 'https://evil.example';

beforeAll(async () => {
  s = await buildSurfaceApp();
  admin = await loginAs(s.app, 'admin');
  ids = await knownIds(s.app);
});
afterAll(async () => { await s?.close(); });

const writeRoutes = () => s.routes.filter((r) => !isLibraryRoute(r) && r.method !== 'GET');
const readRoutes = () => s.routes.filter((r) => !isLibraryRoute(r) && r.method === 'GET' && !r.url.includes('*'));

describe('CORS: the service answers only its own origin', () => {
  it('refuses a preflight from another origin with 403, a reason and no CORS headers', async () => {
    const res = await s.app.inject({
      method: 'OPTIONS', url: '/api/points',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.json()).toMatchObject({ field: 'origin', message: expect.stringContaining('Cross-origin request from https://evil.example refused') });
  });

  it('answers a preflight from its own origin and from the public base URL', async () => {
    for (const origin of ['http://localhost', 'http://test.local']) {
      const res = await s.app.inject({
        method: 'OPTIONS', url: '/api/points', headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(res.statusCode, origin).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers['access-control-allow-headers'])).toContain('x-csrf-token');
    }
  });

  it('gives another origin no CORS headers on reads (its scripts cannot read answers) and refuses its writes', async () => {
    const read = await s.app.inject({ url: '/api/points?limit=1', headers: { origin: EVIL } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    // Look-alike origins are not ours either.
    for (const origin of [EVIL, 'http://localhost.evil.example', 'http://test.local.evil.example', 'null', 'file://']) {
      const write = await admin.inject({ method: 'POST', url: '/api/points', headers: { origin }, payload: { name: 'x' } });
      expect(write.statusCode, origin).toBe(403);
      expect(write.json().message_zh).toContain('跨域');
    }
    const login = await s.app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: EVIL }, payload: { username: 'a', password: 'b' } });
    expect(login.statusCode).toBe(403);
  });
});

describe('security headers', () => {
  it('sends helmet headers and a CSP that allows only our own origin on pages, API answers, tiles and errors', async () => {
    const urls = ['/', '/admin', `/m/site/${ids.site}`, '/api/points?limit=1', '/api/health', '/style.json', '/tiles/14/13525/6218.pbf', '/api/nope', '/api/points/abc'];
    for (const url of urls) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      const h = res.headers;
      expect(h['x-content-type-options'], url).toBe('nosniff');
      expect(h['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(h['referrer-policy'], url).toBeDefined();
      expect(h['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(h['x-powered-by'], url).toBeUndefined();
      const csp = String(h['content-security-policy'] ?? '');
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
      expect(directives.get('default-src'), url).toEqual(["'self'"]);
      expect(directives.get('script-src'), url).toEqual(["'self'"]);
      expect(directives.get('connect-src'), url).toEqual(["'self'"]);
      expect(directives.get('object-src'), url).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors'), url).toEqual(["'self'"]);
      // No other host, no wildcard, no inline or eval'd scripts anywhere in the policy.
      for (const [name, values] of directives) {
        for (const v of values) {
          expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${url} ${name}`).toContain(v);
          if (v === "'unsafe-inline'") expect(name, url).toBe('style-src');
        }
      }
    }
  });
});

describe('sessions', () => {
  it('never turns an attacker-chosen session id into a session (no fixation)', async () => {
    const password = 'a-long-enough-passphrase';
    await createStaffUser(s.app.db, { username: 'fixation_victim', password, role: 'admin' });
    const planted = 'svc_sid=attacker-chosen-value-0123456789';
    const login = await s.app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: planted }, payload: { username: 'fixation_victim', password } });
    expect(login.statusCode).toBe(200);
    const issued = String([login.headers['set-cookie']].flat()[0]).split(';')[0];
    expect(issued).not.toBe(planted);
    expect(issued).toMatch(/^svc_sid=[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect((await s.app.inject({ url: '/api/auth/me', headers: { cookie: planted } })).statusCode).toBe(401);
    // Only the hash of the id is stored: the database never holds a usable session id.
    const stored = await s.app.db.selectFrom('staff_sessions').select('id_hash').execute();
    expect(stored.some((r) => issued.endsWith(r.id_hash))).toBe(false);
  });
});

describe('CSRF and authentication on every state-changing route', () => {
  const PUBLIC_WRITES = new Set(['POST /api/auth/login']);

  it('the only state-changing route open without a session is sign-in', async () => {
    const auditBefore = await countAudit();
    const open: string[] = [];
    let refused = 0;
    for (const r of writeRoutes()) {
      if (PUBLIC_WRITES.has(`${r.method} ${r.url}`)) continue;
      const body = r.schema?.body ? baseValue(r.schema.body as never, 'body', ids) : undefined;
      const res = await s.app.inject({ method: r.method as never, url: fillPath(r.url, ids), ...(body !== undefined ? { payload: body as object } : {}) });
      // Schema validation runs before the session check, so a body the generator got wrong is a 400:
      // also nothing done. Anything else (2xx, 403, 404, 409, 5xx) would mean the route ran without a session.
      if (res.statusCode === 401) refused += 1;
      else if (res.statusCode !== 400) open.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(open).toEqual([]);
    expect(writeRoutes().length).toBeGreaterThan(30);
    expect(refused / writeRoutes().length, 'most routes got far enough to check the session').toBeGreaterThan(0.7);
    expect(await countAudit()).toBe(auditBefore);
  });

  it('every staff write signed in but without (or with a wrong) X-CSRF-Token is refused with 403 and changes nothing', async () => {
    const auditBefore = await countAudit();
    const unguarded: string[] = [];
    let refused = 0;
    for (const r of writeRoutes()) {
      if (PUBLIC_WRITES.has(`${r.method} ${r.url}`)) continue;
      const body = r.schema?.body ? baseValue(r.schema.body as never, 'body', ids) : undefined;
      for (const token of [undefined, 'wrong-token-'.padEnd(32, 'x')]) {
        const res = await s.app.inject({
          method: r.method as never, url: fillPath(r.url, ids),
          headers: { cookie: admin.cookie, ...(token ? { 'x-csrf-token': token } : {}) },
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        // Validation runs before the session check: a 400 is also "nothing done", but it must not be a success.
        if (res.statusCode < 400 || (res.statusCode !== 403 && res.statusCode !== 400)) unguarded.push(`${r.method} ${r.url} → ${res.statusCode}`);
        if (res.statusCode === 403) {
          expect(res.json().message, r.url).toMatch(/CSRF/);
          refused += 1;
        }
      }
    }
    expect(unguarded).toEqual([]);
    expect(refused / (2 * (writeRoutes().length - PUBLIC_WRITES.size)), 'most routes got as far as the CSRF check').toBeGreaterThan(0.7);
    expect(await countAudit()).toBe(auditBefore);
    // And the session itself still works with the right token.
    expect((await admin.inject('/api/auth/me')).statusCode).toBe(200);
  });
});

describe('private fields', () => {
  it('staff phones and residents\' request contacts never appear in any public answer', async () => {
    const staffPhone = '13911112222';
    await createStaffUser(s.app.db, { username: 'phone_owner', password: 'a-long-enough-passphrase', role: 'editor', street_code: '120103003000', display_name: '电话测试' });
    await s.app.db.updateTable('staff_users').set({ phone: staffPhone }).where('username', '=', 'phone_owner').execute();

    // A resident's request with a contact, at a visit that has already started.
    const visit = await pastDeskVisit(s.app, admin.inject);
    const contactName = '隐私联系人甲';
    const contactPhone = '13755556666';
    const created = await admin.inject({
      method: 'POST', url: `/api/desks/visits/${visit.id}/requests`,
      payload: { topic: (await s.app.db.selectFrom('desk_request_topics').select('id').executeTakeFirstOrThrow()).id, description: '路灯不亮', contact_name: contactName, contact_phone: contactPhone, outcome: 'follow_up' },
    });
    expect(created.statusCode, created.body).toBe(201);
    // Staff of the street do see it (so the test can fail if the strings were wrong).
    expect((await admin.inject(`/api/desks/requests/${created.json().id}`)).body).toContain(contactPhone);

    const secrets = [staffPhone, contactName, contactPhone, '1375555', '1391111', 'argon2'];
    const filled = { ...ids, visit: String(visit.id), request: String(created.json().id) };
    const leaks: string[] = [];
    let publicAnswers = 0;
    for (const r of readRoutes()) {
      for (const query of ['', '?street=120103003000', `?site=${ids.site}`, '?status=all']) {
        const url = fillPath(r.url, filled) + query;
        const res = await s.app.inject({ url });
        if (res.statusCode >= 400) continue;
        publicAnswers += 1;
        for (const secret of secrets) if (res.body.includes(secret)) leaks.push(`${url} contains ${secret}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(publicAnswers).toBeGreaterThan(20);
  });
});

async function countAudit(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from audit_log where action <> 'login'`.execute(s.app.db);
  return rows[0].n;
}
