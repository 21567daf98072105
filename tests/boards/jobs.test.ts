// Printing many boards and knowing which need reprinting, end to end: staff-only print jobs with
// progress and a download (ZIP of PDFs, or one multi-page PDF), print records, then real edits to the
// points (rename, move, close, add) through the editing API, and the needs-reprint list naming them.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { decodeQr, renderPng, saveArtifact } from './boardCheck.ts';

const TAOYUAN = '120103003000';
const OTHER_STREET = '120103001000';

// This file draws boards in the test process itself (to inspect layouts) and runs the embedded
// database in it, which on a busy machine can stall the event loop past the service's overload guard
// (a stall that spans a whole sampling interval reads as an infinite delay), and the next request
// would get a 503. That guard is tested in tests/reliability; here it is set out of the way.
process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // 0 turns the check off

/** Tests that draw several posters: generous on a shared 2-core machine (a board takes about a second alone). */
const HEAVY = 240_000;

let t: TestApp;
let editor: LoggedIn;
beforeAll(async () => {
  t = await buildTestApp();
  editor = await loginAs(t.app, 'editor', TAOYUAN);
});
afterAll(async () => { await t?.close(); });

async function runJob(payload: Record<string, unknown>) {
  const created = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload });
  expect(created.statusCode, created.body).toBe(202);
  const job = created.json();
  expect(job).toMatchObject({ status: 'queued', total: expect.any(Number), done: 0, status_url: `/api/boards/jobs/${job.id}` });
  await t.app.boards.jobs.idle();
  const finished = (await editor.inject(`/api/boards/jobs/${job.id}`)).json();
  // It ran through the durable queue (pg-boss, on either engine), once; the queue marks its own job
  // completed just after the print job's row says done.
  let queued: { state: string }[] = [];
  for (let i = 0; i < 100 && queued[0]?.state !== 'completed'; i++) {
    if (i) await new Promise((r) => setTimeout(r, 20));
    queued = (await sql<{ state: string }>`select state::text from pgboss.job where name = 'board_print' and (data->>'job_id')::int = ${job.id}`.execute(t.app.db)).rows;
  }
  expect(queued).toEqual([{ state: 'completed' }]);
  return finished;
}

describe('print jobs', () => {
  it('are for staff only: 401 without a session, 403 for a viewer or an editor of another street', async () => {
    const body = { site_ids: [5], size: 'A4' };
    expect((await t.app.inject({ method: 'POST', url: '/api/boards/jobs', payload: body })).statusCode).toBe(401);
    const viewer = await loginAs(t.app, 'viewer');
    expect((await viewer.inject({ method: 'POST', url: '/api/boards/jobs', payload: body })).statusCode).toBe(403);
    const stranger = await loginAs(t.app, 'editor', OTHER_STREET);
    const res = await stranger.inject({ method: 'POST', url: '/api/boards/jobs', payload: body });
    expect(res.statusCode).toBe(403);
    expect(res.json().message_zh).toBeTruthy();
    expect((await stranger.inject(`/api/boards/reprint?street=${TAOYUAN}`)).statusCode).toBe(403);
    expect((await t.app.inject(`/api/boards/reprint?street=${TAOYUAN}`)).statusCode).toBe(401);
    // A write without the CSRF token is refused even with a valid session.
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/boards/jobs', payload: body, headers: { cookie: editor.cookie } });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('reject a body that names neither a street nor sites, or sites that do not exist', async () => {
    const none = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { size: 'A4' } });
    expect(none.statusCode).toBe(400);
    expect(none.json().field).toBe('street');
    const missing = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [5, 999999] } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().field).toBe('site_ids');
    const badSize = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [5], size: 'A7' } });
    expect(badSize.statusCode).toBe(400);
  });

  it('print chosen boards as a ZIP of PDFs, with progress, each PDF scanning back to its own site', async () => {
    const job = await runJob({ site_ids: [5, 12, 40], size: 'A4', format: 'zip' });
    expect(job).toMatchObject({ status: 'done', total: 3, done: 3, progress: 1, download_url: `/api/boards/jobs/${job.id}/download` });
    const dl = await editor.inject(job.download_url);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/zip');
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''");
    const files = unzipSync(new Uint8Array(dl.rawPayload));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^01-5-.+-A4\.pdf$/);
    for (const name of names) expect(Buffer.from(files[name].subarray(0, 5)).toString()).toBe('%PDF-');
    const second = saveArtifact('job-zip-second.pdf', Buffer.from(files[names[1]]));
    expect(decodeQr(renderPng(second, 150, second.slice(0, -4)))[0]).toMatch(/^http:\/\/test\.local\/m\/site\/12\?v=[0-9a-f]{12}$/);
    // Other staff of another street cannot read it.
    const stranger = await loginAs(t.app, 'editor', OTHER_STREET);
    expect((await stranger.inject(job.download_url)).statusCode).toBe(403);
    // The job list shows it.
    const list = (await editor.inject('/api/boards/jobs')).json().jobs;
    expect(list.map((j: { id: number }) => j.id)).toContain(job.id);
  }, HEAVY);

  it('print a chosen list as one multi-page PDF', async () => {
    const job = await runJob({ site_ids: [1, 2], size: 'A3', orientation: 'landscape', format: 'pdf', profile: 'elderly' });
    expect(job.status).toBe('done');
    const dl = await editor.inject(job.download_url);
    expect(dl.headers['content-type']).toBe('application/pdf');
    const file = saveArtifact('job-multipage.pdf', dl.rawPayload);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+2/);
  }, HEAVY);

  it('say 409 while a job is not finished', async () => {
    // Jobs run one at a time: a job queued behind three A0 boards cannot be finished when asked at once,
    // and its status, read after the download was refused, proves it was not.
    const ahead = await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [5, 12, 40], size: 'A0' } });
    expect(ahead.statusCode, ahead.body).toBe(202);
    const created = (await editor.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [3], size: 'A4' } })).json();
    const early = await editor.inject(`/api/boards/jobs/${created.id}/download`);
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().message_zh).toBeTruthy();
    const status = (await editor.inject(`/api/boards/jobs/${created.id}`)).json();
    expect(status.status).not.toBe('done');
    expect(status.download_url).toBeNull();
    await t.app.boards.jobs.idle();
    expect((await editor.inject(`/api/boards/jobs/${created.id}/download`)).statusCode).toBe(200);
  }, HEAVY);
});

describe('needs reprint', () => {
  it('lists nothing for boards just printed, and names every board never printed', async () => {
    const report = (await editor.inject(`/api/boards/reprint?street=${TAOYUAN}`)).json();
    expect(report.needs_reprint).toEqual([]);
    const sites = (await t.app.inject(`/api/sites?street=${TAOYUAN}`)).json().features.length;
    const printed = new Set([5, 12, 40, 1, 2, 3]);
    expect(report.never_printed).toHaveLength(sites - printed.size);
    expect(report.never_printed.map((s: { site_id: number }) => s.site_id)).not.toContain(5);
    expect(report.checked).toBe(6); // (site, profile) pairs: 1 and 2 elderly, 3, 5, 12 and 40 standard
  });

  it('names the points added, removed, moved and renamed after real edits, until the board is printed again', async () => {
    const rows = (await t.app.boards.printer.content(await t.app.boards.printer.site(5), 'standard')).rows;
    expect(rows.length).toBeGreaterThan(5);
    const [renamed, moved, closed] = [rows[0], rows[3], rows[5]];
    const get = async (id: number) => (await t.app.inject(`/api/points/${id}`)).json().properties;

    const r = await editor.inject({ method: 'PATCH', url: `/api/points/${renamed.point_id}`, payload: { version: (await get(renamed.point_id)).version, name: `${renamed.name}（新址）` } });
    expect(r.statusCode, r.body).toBe(200);
    // Move about 80 m north: still within 15 minutes, a different walk.
    const m = await editor.inject({ method: 'PATCH', url: `/api/points/${moved.point_id}`, payload: { version: (await get(moved.point_id)).version, lon: moved.lon, lat: moved.lat + 0.0007 } });
    expect(m.statusCode, m.body).toBe(200);
    const c = await editor.inject({ method: 'DELETE', url: `/api/points/${closed.point_id}?version=${(await get(closed.point_id)).version}` });
    expect(c.statusCode, c.body).toBe(200);
    const site = (await t.app.inject('/api/sites/5')).json();
    const [lon, lat] = site.geometry.coordinates;
    const a = await editor.inject({ method: 'POST', url: '/api/points', payload: { name: '新开社区食堂', category: 'elder_care', lon: lon + 0.0004, lat, street_code: TAOYUAN } });
    expect(a.statusCode, a.body).toBe(201);
    const added = a.json().properties.id;

    const report = (await editor.inject(`/api/boards/reprint?street=${TAOYUAN}`)).json();
    const entry = report.needs_reprint.find((e: { site_id: number }) => e.site_id === 5);
    expect(entry, JSON.stringify(report.needs_reprint.map((e: { site_id: number }) => e.site_id))).toBeTruthy();
    expect(entry.changes.renamed).toEqual([{ id: renamed.point_id, from: renamed.name, to: `${renamed.name}（新址）` }]);
    expect(entry.changes.moved.map((x: { id: number }) => x.id)).toContain(moved.point_id);
    expect(entry.changes.moved.find((x: { id: number }) => x.id === moved.point_id).moved_m).toBeGreaterThan(60);
    expect(entry.changes.removed.map((x: { id: number }) => x.id)).toEqual([closed.point_id]);
    expect(entry.changes.added.map((x: { id: number }) => x.id)).toEqual([added]);
    expect(entry.summary_zh).toContain('新增：新开社区食堂');
    expect(entry.summary_zh).toContain(`移除：${closed.name}`);
    expect(entry.printed_version).not.toBe(entry.current_version);
    // The boards nobody printed are not "changed"; the ones printed and untouched by the edits are not listed.
    expect(report.needs_reprint.every((e: { site_id: number }) => [5, 12, 40, 1, 2, 3].includes(e.site_id))).toBe(true);

    // The current board shows the new name and the new point, with the current content version.
    const now = await t.app.inject('/api/boards/5.svg?size=A4');
    expect(now.headers['x-content-version']).toBe(entry.current_version);
    expect(now.body).toContain('新开社区食堂');

    // Printing it again takes it off the list.
    const again = await runJob({ site_ids: [5], size: 'A1' });
    expect(again.status).toBe('done');
    const after = (await editor.inject(`/api/boards/reprint?street=${TAOYUAN}`)).json();
    expect(after.needs_reprint.map((e: { site_id: number }) => e.site_id)).not.toContain(5);
  }, HEAVY);

  it('escapes what staff type: a name with markup is text on the board, never markup', async () => {
    const target = (await t.app.boards.printer.content(await t.app.boards.printer.site(5), 'standard')).rows[1];
    const version = (await t.app.inject(`/api/points/${target.point_id}`)).json().properties.version;
    const res = await editor.inject({ method: 'PATCH', url: `/api/points/${target.point_id}`, payload: { version, name: '食堂<script>alert(1)</script>&"' } });
    if (res.statusCode !== 200) {
      // The editing API may refuse such names outright; then there is nothing to escape.
      expect(res.statusCode).toBe(400);
      return;
    }
    const svg = (await t.app.inject('/api/boards/5.svg?size=A4')).body;
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    const pdf = await t.app.inject('/api/boards/5.pdf?size=A4');
    expect(pdf.statusCode).toBe(200);
  }, HEAVY);
});
