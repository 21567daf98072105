// Residents' contacts never leave through a public answer. A resident's report and a desk request are stored
// with a phone number and a name; then every GET route the service registers (recorded as it registers, so
// a route added later is swept too) is called without a session, with real ids in its path (the report's
// receipt code among them) and with the query a page would send, and no answer may carry the number, the
// name or the report's private text. Signed in as a viewer, the same sweep must not show them either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, type LoggedIn } from '../helper.ts';
import { buildSurfaceApp, fillPath, isLibraryRoute, knownIds, type SurfaceApp } from '../reliability/surface.ts';
import { plusDays, shanghaiToday } from '../desks/fixtures.ts';

const TAOYUAN = '120103003000';
const REPORT_PHONE = '13987654321';
const REQUEST_PHONE = '13612349876';
const REQUEST_NAME = '郝秀兰';
const PRIVATE_TEXT = '只给街道看的话：3号楼2门的钥匙在我这儿';

let s: SurfaceApp;
let ids: Record<string, string>;
let viewer: LoggedIn;
let code: string;

beforeAll(async () => {
  process.env.MAX_EVENT_LOOP_DELAY_MS ??= '0';
  s = await buildSurfaceApp();
  ids = await knownIds(s.app);
  const editor = await loginAs(s.app, 'editor', TAOYUAN);
  viewer = await loginAs(s.app, 'viewer');
  const site = (await s.app.inject(`/api/sites?street=${TAOYUAN}`)).json().features[0];
  const tok = (await s.app.inject('/api/reports/token')).json();
  const sent = await s.app.inject({ method: 'POST', url: '/api/reports', remoteAddress: '10.9.0.1',
    payload: { token: tok.token, kind: 'other', site_id: site.id, phone: REPORT_PHONE, text: PRIVATE_TEXT } });
  expect(sent.statusCode, sent.body).toBe(201);
  code = sent.json().code;
  const visit = await editor.inject({ method: 'POST', url: '/api/desks/visits', payload: {
    date: plusDays(shanghaiToday(), -1), start_time: '09:00', end_time: '11:00', place: { kind: 'site', site_id: site.id }, services: ['policy'],
  } });
  expect(visit.statusCode, visit.body).toBe(201);
  const req = await editor.inject({ method: 'POST', url: `/api/desks/visits/${visit.json().id}/requests`, payload: {
    topic: 'housing', description: '楼道灯坏了', outcome: 'follow_up', contact_name: REQUEST_NAME, contact_phone: REQUEST_PHONE,
  } });
  expect(req.statusCode, req.body).toBe(201);
  ids.request = String(req.json().id);
  ids.visit = String(visit.json().id);
  ids.site = String(site.id);
}, 120_000);
afterAll(async () => { await s?.close(); });

/** The URL a page would call: real ids in the path, the report's code for a receipt, a street and a site in the query. */
function urls(url: string): string[] {
  const path = url.includes(':code') && (url.startsWith('/r/') || url.startsWith('/api/reports/'))
    ? url.replace(':code', code) : fillPath(url, ids);
  return [path, `${path}${path.includes('?') ? '&' : '?'}street=${TAOYUAN}`, `${path}${path.includes('?') ? '&' : '?'}site=${ids.site}&lang=en`];
}

async function sweep(as: LoggedIn | null, secrets: string[]): Promise<{ answered: number; withData: number; found: string[] }> {
  const gets = s.routes.filter((r) => r.method === 'GET' && !isLibraryRoute(r) && !r.url.includes('*'));
  expect(gets.length).toBeGreaterThan(60);
  const found: string[] = [];
  let answered = 0, withData = 0;
  for (const r of gets) {
    for (const url of urls(r.url)) {
      const res = as ? await as.inject(url) : await s.app.inject({ url, headers: { 'accept-encoding': 'identity' } });
      answered++;
      if (res.statusCode === 200) withData++;
      const hit = secrets.filter((secret) => res.body.includes(secret));
      if (hit.length) found.push(`${url} → ${res.statusCode}: ${hit.join(', ')}`);
    }
  }
  return { answered, withData, found };
}

describe('residents\' contacts and public answers', () => {
  it('the stored report and desk request do hold the number, the name and the text (so the sweep can find them)', async () => {
    const editor = await loginAs(s.app, 'editor', TAOYUAN);
    expect((await editor.inject(`/api/reports/queue?street=${TAOYUAN}`)).body).toContain(REPORT_PHONE);
    expect((await editor.inject(`/api/desks/requests/${ids.request}`)).body).toContain(REQUEST_PHONE);
  });

  it('no GET answer without a session carries a contact or the private text', async () => {
    const { answered, withData, found } = await sweep(null, [REPORT_PHONE, REQUEST_PHONE, REQUEST_NAME, PRIVATE_TEXT]);
    expect(found).toEqual([]);
    expect(answered).toBeGreaterThan(180);
    // the receipt API and page, the phone page, the reach and board answers among them answered 200
    expect(withData).toBeGreaterThan(40);
  }, 300_000);

  it('no GET answer to a viewer carries a contact', async () => {
    const { found, withData } = await sweep(viewer, [REPORT_PHONE, REQUEST_PHONE, REQUEST_NAME]);
    expect(found).toEqual([]);
    expect(withData).toBeGreaterThan(60);
  }, 300_000);
});
