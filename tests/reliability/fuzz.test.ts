// Fuzz: every registered route (recorded as it registers, so new routes are fuzzed without editing this
// file), driven with thousands of malformed inputs generated from the route's own schema: wrong types,
// huge numbers, NaN, coordinates off the Earth, very long strings, NUL bytes, broken JSON, wrong content
// types, markup and right-to-left marks. Staff routes are fuzzed signed in as the district admin.
// Every answer must be below 500, and every 4xx must say what is wrong (in English and Chinese), naming
// the field when the problem is a field.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { loginAs, type LoggedIn } from '../helper.ts';
import { createStaffUser } from '../../server/auth/users.ts';
import { PROJECT_ROOT } from '../../server/config.ts';
import { buildSurfaceApp, fillPath, isLibraryRoute, knownIds, pathParams, type RouteEntry, type SurfaceApp } from './surface.ts';
import { BROKEN_BODIES, PATH_VALUES, bodyCases, queryCases, type BodyCase } from './generate.ts';

// The event-loop guard (503 "busy") is tested in resilience.test.ts; a stall on a shared test machine
// is not an answer to the input. Requests that still meet it are retried (see send).
process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // 0 turns the check off (server/http/resilience.ts)

let s: SurfaceApp;
let admin: LoggedIn;
let ids: Record<string, string>;
const failures: string[] = [];
/** 400s that named a field, but not the one this request broke (the rest of the body being valid on its own). */
const fieldMismatches: string[] = [];
/** The same where the rest of the request was not valid by itself (the generator's plausible values miss a domain rule). */
const looseMismatches: string[] = [];
let exactFieldChecks = 0;

/** Whether an error names `field` (itself or a path into it, e.g. visits.0.date for visits), in `field` or in `errors`. */
function namesField(body: { field?: unknown; errors?: unknown }, field: string): boolean {
  const named = [body.field, ...(Array.isArray(body.errors) ? body.errors.map((e: { field?: unknown }) => e?.field) : [])]
    .filter((f): f is string => typeof f === 'string');
  // lon and lat are one place: an answer about the pair may name either.
  const same = (a: string, b: string) => a === b || (/^(lon|lat)$/.test(a) && /^(lon|lat)$/.test(b));
  return named.some((f) => same(f, field) || same(f.split(/[.[\]]/)[0], field) || f.endsWith(`.${field}`));
}
const perRoute = new Map<string, { sent: number; ms: number; statuses: Record<number, number> }>();
let sent = 0;
let busyRetries = 0;
let addressCounter = 0;

beforeAll(async () => {
  fs.mkdirSync(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
  s = await buildSurfaceApp();
  admin = await loginAs(s.app, 'admin');
  ids = await knownIds(s.app);
  // PATCH /api/users/:id is fuzzed on a throwaway account, not on the admin doing the fuzzing.
  ids.user = String((await createStaffUser(s.app.db, { username: 'fuzz_target', password: 'a-long-enough-passphrase', role: 'viewer' })).id);
});

afterAll(async () => {
  const report = [...perRoute.entries()].sort((a, b) => b[1].ms - a[1].ms)
    .map(([route, r]) => `${route}\t${r.sent} requests\t${Math.round(r.ms)} ms\t${JSON.stringify(r.statuses)}`);
  fs.mkdirSync(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
  fs.writeFileSync(path.join(PROJECT_ROOT, 'test-artifacts', 'fuzz-report.txt'),
    `${sent} requests (${busyRetries} retried after 503 busy)\n\nfailures:\n${failures.join('\n')}\n\n400s naming another field (${exactFieldChecks} exact checks):\n${fieldMismatches.join('\n')}\n\nthe same where the rest of the request was not valid by itself:\n${looseMismatches.join('\n')}\n\nper route (slowest first):\n${report.join('\n')}\n`);
  await s?.close();
});

const routes = () => s.routes.filter((r) => !isLibraryRoute(r) && !r.url.includes('*'));
const writes = () => routes().filter((r) => r.method !== 'GET');

interface Meta { route: RouteEntry; label: string; field?: string; signedIn: boolean; /** the rest of the request was accepted on its own, so a 400 must name this field */ exactField?: boolean }

async function send(opts: InjectOptions, meta: Meta): Promise<{ statusCode: number; current?: number } | undefined> {
  sent += 1;
  addressCounter += 1;
  const started = performance.now();
  const key = `${meta.route.method} ${meta.route.url}`;
  let res;
  for (let attempt = 0; ; attempt += 1) {
    try {
      res = await s.app.inject({
        ...opts,
        // Spread over many client addresses, as real traffic is: the sign-in rate limit is tested elsewhere.
        remoteAddress: `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`,
        headers: { ...(meta.signedIn ? { cookie: admin.cookie, 'x-csrf-token': admin.csrf } : {}), ...(opts.headers ?? {}) },
      });
    } catch (err) {
      failures.push(`${opts.method ?? 'GET'} ${String(opts.url).slice(0, 120)} [${meta.label}] → the request threw: ${(err as Error).message.slice(0, 200)}`);
      return undefined;
    }
    // "Busy" (event-loop pressure on a shared test machine, server/http/resilience.ts) is the service
    // protecting itself, not an answer to the input: wait as Retry-After says, and ask again.
    if (res.statusCode === 503 && res.headers['retry-after'] && /busy/.test(res.body) && attempt < 5) {
      busyRetries += 1;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    break;
  }
  const stats = perRoute.get(key) ?? { sent: 0, ms: 0, statuses: {} };
  stats.sent += 1;
  stats.ms += performance.now() - started;
  stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1;
  perRoute.set(key, stats);

  if (sent % 250 === 0) {
    fs.writeFileSync(path.join(PROJECT_ROOT, 'test-artifacts', 'fuzz-progress.txt'), `${new Date().toISOString()} ${sent} requests, ${failures.length} failures, now ${key}\n${failures.slice(-5).join('\n')}\n`);
  }
  const where = `${opts.method ?? 'GET'} ${String(opts.url).slice(0, 120)} [${meta.label}]`;
  const outcome = { statusCode: res.statusCode, current: currentVersion(res.body) };
  if (res.statusCode >= 500) {
    failures.push(`${where} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    return outcome;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('text/html') && /<script>alert\(1\)|<img src=x onerror/.test(res.body)) {
    failures.push(`${where} → markup from the request reflected unescaped in HTML`);
  }
  if (res.statusCode < 400) return outcome;
  // Pages people open (the receipt /r/:code, the phone page) answer their errors as pages, not JSON (issue
  // 15): a whole HTML document (compressed when the client asked for it). The API always answers JSON.
  const url = String(opts.url);
  if (!url.startsWith('/api/') && type.includes('text/html')) {
    if (!res.headers['content-encoding'] && !/^<!doctype html>/i.test(res.body.trimStart())) {
      failures.push(`${where} → ${res.statusCode} HTML error that is not a page: ${res.body.slice(0, 100)}`);
    }
    return outcome;
  }
  let body: { message?: unknown; message_zh?: unknown; field?: unknown };
  try { body = res.json(); } catch {
    failures.push(`${where} → ${res.statusCode} without a JSON error body: ${type} ${res.body.slice(0, 100)}`);
    return outcome;
  }
  if (typeof body.message !== 'string' || body.message.length < 5) failures.push(`${where} → ${res.statusCode} without a message`);
  if (typeof body.message_zh !== 'string' || body.message_zh.length < 2) failures.push(`${where} → ${res.statusCode} without message_zh: ${body.message}`);
  if (res.statusCode === 400 && meta.field && (typeof body.field !== 'string' || body.field === '')) {
    failures.push(`${where} → 400 about field ${meta.field} without naming a field: ${body.message}`);
  } else if (res.statusCode === 400 && meta.field && !namesField(body, meta.field)) {
    (meta.exactField ? fieldMismatches : looseMismatches).push(`${where} → 400 names ${String(body.field)}, the broken field was ${meta.field}: ${String(body.message).slice(0, 120)}`);
  }
  return outcome;
}

/** The version in a 409's current record (points, sites, compounds: a Feature; others: a plain record). */
function currentVersion(text: string): number | undefined {
  try {
    const current = JSON.parse(text)?.current;
    const v = current?.properties?.version ?? current?.version;
    return typeof v === 'number' ? v : undefined;
  } catch { return undefined; }
}

/** The admin's session may be ended by a route under test (deactivation); sign in again if so. */
async function keepSignedIn(): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const me = await admin.inject('/api/auth/me');
    if (me.statusCode === 200) return;
    if (me.statusCode !== 503) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  admin = await loginAs(s.app, 'admin');
}

let reported = 0;
/** The failures this test added (earlier tests report their own). */
function expectNoFailures(): void {
  const mine = failures.slice(reported);
  reported = failures.length;
  expect(mine.slice(0, 60), `${mine.length} failures (all in test-artifacts/fuzz-report.txt)`).toEqual([]);
}

const signedInFuzzable = (r: RouteEntry) => r.url !== '/api/auth/logout';
/** Writes open without a session: signing in (and out, which only clears a cookie). */
// Sign-in, sign-out and a resident's report (居民反馈: no sign-in, a signed form token instead).
const PUBLIC_WRITES = new Set(['POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/reports']);

describe('fuzz: every route, malformed input', () => {
  it('finds the whole API surface', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(60);
    for (const expected of ['GET /api/reach', 'GET /api/points', 'POST /api/points', 'GET /tiles/:z/:x/:y.pbf', 'GET /m/site/:id', 'POST /api/coverage/what-if']) {
      expect(all.map((r) => `${r.method} ${r.url}`)).toContain(expected);
    }
  });

  it('path parameters: ids that are not ids', async () => {
    for (const route of routes().filter((r) => pathParams(r.url).length > 0 && signedInFuzzable(r))) {
      const body = route.method === 'GET' ? undefined : bodyCases((route.schema?.body ?? { type: 'object' }) as never, ids)[0].body;
      for (const param of pathParams(route.url)) {
        for (const value of PATH_VALUES) {
          await send({ method: route.method as never, url: fillPath(route.url, ids, { param, value }), ...(body !== undefined ? { payload: body as object } : {}) },
            { route, label: `${param} = ${value.slice(0, 30)}`, signedIn: true });
        }
      }
      await keepSignedIn();
    }
    expectNoFailures();
  }, 900_000);

  it('query strings: every parameter, each hostile value', async () => {
    for (const route of routes().filter((r) => r.method === 'GET')) {
      for (const c of queryCases(route.schema?.querystring as never, ids)) {
        await send({ method: 'GET', url: `${fillPath(route.url, ids)}?${c.query}` }, { route, label: c.label, field: c.field, signedIn: true });
      }
      await keepSignedIn();
    }
    expectNoFailures();
  }, 900_000);

  it('JSON bodies: every field of every write, each hostile value, missing and unknown fields', async () => {
    for (const route of writes().filter((r) => signedInFuzzable(r))) {
      const cases: BodyCase[] = route.schema?.body ? bodyCases(route.schema.body as never, ids) : [{ label: 'unexpected body', body: { x: 1 } }];
      // Edits carry the version they were based on; a stale one stops at 409 before the hostile field is
      // looked at. The 409 tells the current version: use it from then on.
      let version: number | undefined;
      let baseAccepted = false;
      for (const c of cases) {
        const withVersion = (body: unknown) => (version !== undefined && body && typeof body === 'object' && !Array.isArray(body)
          && 'version' in body && c.field !== 'version' ? { ...body, version } : body);
        const url = fillPath(route.url, ids);
        const exactField = baseAccepted && c.field !== undefined;
        if (exactField) exactFieldChecks += 1;
        let status = await send({ method: route.method as never, url, payload: withVersion(c.body) as object }, { route, label: c.label, field: c.field, signedIn: true, exactField });
        if (status?.statusCode === 409 && status.current !== undefined && c.field !== 'version') {
          version = status.current;
          status = await send({ method: route.method as never, url, payload: withVersion(c.body) as object }, { route, label: `${c.label} (current version)`, field: c.field, signedIn: true, exactField });
        }
        // Judged on the answer at the current version: a body that is stale is not yet known to be valid.
        if (c.field === undefined && c.label === 'plausible body') baseAccepted = status !== undefined && status.statusCode < 400;
      }
      await keepSignedIn();
    }
    expectNoFailures();
  }, 1_800_000);

  it('broken bodies: truncated and nested JSON, NaN, wrong encodings and content types, over the size limit', async () => {
    for (const route of writes().filter((r) => signedInFuzzable(r))) {
      for (const b of BROKEN_BODIES) {
        await send({
          method: route.method as never, url: fillPath(route.url, ids), payload: b.payload,
          headers: b.contentType ? { 'content-type': b.contentType } : {},
        }, { route, label: b.label, signedIn: true });
      }
      await keepSignedIn();
    }
    expectNoFailures();
  }, 900_000);

  it('hostile headers: broken cookies, CSRF tokens, accept and range headers', async () => {
    const headerCases: Record<string, string>[] = [
      { cookie: 'svc_sid=' + 'x'.repeat(5000) }, { cookie: 'svc_sid=%E0%A4%A' }, { cookie: '=;;;=' }, { cookie: 'svc_sid=\u0000' },
      { 'x-csrf-token': 'x'.repeat(10_000) }, { accept: 'application/x-nothing' }, { 'accept-encoding': 'br;q=2, *;q=NaN' },
      { range: 'bytes=99999999-1' }, { 'if-none-match': '"' + 'x'.repeat(5000) }, { 'accept-language': '<script>' },
    ];
    for (const route of routes().filter((r) => r.method === 'GET')) {
      for (const headers of headerCases) await send({ method: 'GET', url: fillPath(route.url, ids), headers }, { route, label: Object.keys(headers)[0], signedIn: false });
    }
    expectNoFailures();
  }, 900_000);

  it('without a session: every state-changing route but sign-in answers 401, reads 401 or their public answer, never 5xx', async () => {
    const notRefused: string[] = [];
    let writesChecked = 0;
    for (const route of routes()) {
      const body = route.schema?.body ? bodyCases(route.schema.body as never, ids)[0].body : undefined;
      const res = await send({ method: route.method as never, url: fillPath(route.url, ids), ...(body !== undefined && route.method !== 'GET' ? { payload: body as object } : {}) },
        { route, label: 'no session', signedIn: false });
      if (route.method === 'GET' || PUBLIC_WRITES.has(`${route.method} ${route.url}`)) continue;
      writesChecked += 1;
      if (res?.statusCode !== 401) notRefused.push(`${route.method} ${route.url} → ${res?.statusCode}`);
    }
    expect(writesChecked).toBeGreaterThan(30);
    expect(notRefused).toEqual([]);
    expectNoFailures();
  }, 300_000);

  it('sent thousands of requests, every route its share, and the service is still healthy', async () => {
    expect(sent).toBeGreaterThan(3000);
    // Every route was reached, and each write with at least a handful of hostile bodies.
    const counts = routes().filter(signedInFuzzable).map((r) => ({ key: `${r.method} ${r.url}`, method: r.method, n: perRoute.get(`${r.method} ${r.url}`)?.sent ?? 0 }));
    expect(counts.filter((c) => c.n < (c.method === 'GET' ? 5 : 10)).map((c) => `${c.key}: ${c.n}`)).toEqual([]);
    // A 400 about a broken field names that field (not merely some field).
    console.log(`fuzz: ${sent} requests; ${exactFieldChecks} hostile fields in otherwise valid bodies, ${fieldMismatches.length} of their 400s named another field; ${looseMismatches.length} such 400s where the rest of the body was not valid by itself (not asserted)`);
    expect(exactFieldChecks).toBeGreaterThan(500);
    expect(fieldMismatches.slice(0, 40), `${fieldMismatches.length} 400s named another field than the one broken`).toEqual([]);
    const health = await s.app.inject('/api/health');
    expect(health.statusCode).toBe(200);
    expect((await s.app.inject('/api/points?limit=1')).statusCode).toBe(200);
  });
});
