// Boards that hold up on the wall: a warning wherever the QR codes would lead nowhere (loopback,
// private or plain-HTTP PUBLIC_BASE_URL: in the API, in the job's answer and printed under the code),
// the posted-confirmation step (张贴确认) with roles, 409 on a stale confirmation and an audit row, the
// reprint list telling printed from posted, and the district's local date in file names and footers
// with the clock set just before UTC midnight (already the next day in Tianjin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { qrProblems } from '../../server/boards/publicUrl.ts';
import { decodeQr, pdfTextCompact, renderPng, saveArtifact } from './boardCheck.ts';

const TAOYUAN = '120103003000';
const OTHER_STREET = '120103001000';
/** 01:30 on 4 December in Tianjin. */
const NEAR_MIDNIGHT_UTC = new Date('2026-12-03T17:30:00Z');
const HEAVY = 240_000;

// Boards are drawn while the embedded database runs in this process; see tests/boards/jobs.test.ts.
process.env.MAX_EVENT_LOOP_DELAY_MS = '0';

let loopback: TestApp;
let secure: TestApp;
let loopEditor: LoggedIn;
let editor: LoggedIn;

beforeAll(async () => {
  loopback = await buildTestApp({ publicBaseUrl: 'http://127.0.0.1:3000' });
  secure = await buildTestApp({ publicBaseUrl: 'https://fuwuquan.hexi.example.cn' });
  loopEditor = await loginAs(loopback.app, 'editor', TAOYUAN);
  editor = await loginAs(secure.app, 'editor', TAOYUAN);
  secure.app.boards.clock.now = () => NEAR_MIDNIGHT_UTC;
}, 120_000);
afterAll(async () => { await loopback?.close(); await secure?.close(); });

async function runJob(who: LoggedIn, t: TestApp, payload: Record<string, unknown>) {
  const created = await who.inject({ method: 'POST', url: '/api/boards/jobs', payload });
  expect(created.statusCode, created.body).toBe(202);
  await t.app.boards.jobs.idle();
  return { created: created.json(), finished: (await who.inject(`/api/boards/jobs/${created.json().id}`)).json() };
}

/** Prints so far were made "on 1 December" (local), so that dates near the injected clock are valid. */
async function backdatePrints(t: TestApp) {
  await sql`update board_prints set printed_at = '2026-12-01T08:00:00Z'`.execute(t.app.db);
}

const report = async () => (await editor.inject(`/api/boards/reprint?street=${TAOYUAN}`)).json();

describe('a QR address residents cannot open', () => {
  it('is recognised: loopback, private, link-local and plain HTTP, but not a public HTTPS name', () => {
    expect(qrProblems('http://localhost:3000')).toEqual(['loopback', 'plain_http']);
    expect(qrProblems('https://127.0.0.1')).toEqual(['loopback']);
    expect(qrProblems('https://[::1]:8443')).toEqual(['loopback']);
    expect(qrProblems('https://10.2.3.4')).toEqual(['private']);
    expect(qrProblems('https://172.16.0.9')).toEqual(['private']);
    expect(qrProblems('https://172.31.255.1')).toEqual(['private']);
    expect(qrProblems('https://172.32.0.1')).toEqual([]);
    expect(qrProblems('https://192.168.1.20')).toEqual(['private']);
    expect(qrProblems('https://[fd12:3456::1]')).toEqual(['private']);
    expect(qrProblems('https://[::ffff:192.168.0.1]')).toEqual(['private']);
    expect(qrProblems('https://169.254.10.1')).toEqual(['link_local']);
    expect(qrProblems('https://[fe80::1]')).toEqual(['link_local']);
    expect(qrProblems('https://fuwuquan-server')).toEqual(['private']);
    expect(qrProblems('http://fuwuquan.hexi.example.cn')).toEqual(['plain_http']);
    expect(qrProblems('https://fuwuquan.hexi.example.cn')).toEqual([]);
    expect(qrProblems('https://8.8.8.8')).toEqual([]);
    expect(qrProblems('not a url')).toEqual(['invalid']);
  });

  it('is reported to staff by /api/boards/status (bilingual), and not for a public HTTPS address', async () => {
    expect((await loopback.app.inject('/api/boards/status')).statusCode).toBe(401);
    const bad = (await loopEditor.inject('/api/boards/status')).json();
    expect(bad).toMatchObject({ public_base_url: 'http://127.0.0.1:3000', qr_ok: false, time_zone: 'Asia/Shanghai' });
    expect(bad.qr_warning.codes).toEqual(['loopback', 'plain_http']);
    expect(bad.qr_warning.message).toContain('http://127.0.0.1:3000');
    expect(bad.qr_warning.message).toContain('loopback');
    expect(bad.qr_warning.message_zh).toContain('指向本机');
    expect(bad.qr_warning.message_zh).toContain('HTTPS');
    const good = (await editor.inject('/api/boards/status')).json();
    expect(good).toMatchObject({ public_base_url: 'https://fuwuquan.hexi.example.cn', qr_ok: true, qr_warning: null });
  });

  it('is printed under the QR code of every board, which still scans to the configured address', async () => {
    const res = await loopEditor.inject('/api/boards/5.pdf?size=A4');
    expect(res.statusCode).toBe(200);
    const file = saveArtifact('posting-warning-a4.pdf', res.rawPayload);
    expect(pdfTextCompact(file)).toContain('【测试打印】二维码指向内网或本机地址，居民扫码无法打开，请勿张贴');
    expect(pdfTextCompact(file)).not.toContain('随时更新');
    const png = renderPng(file, 150, file.slice(0, -4));
    // the configured address, with the board's content version (and its language, when not Chinese)
    const scanned = decodeQr(png);
    expect(scanned).toHaveLength(1);
    expect(scanned[0]).toMatch(/^http:\/\/127\.0\.0\.1:3000\/m\/site\/5\?v=[0-9a-f]{12}$/);

    const en = saveArtifact('posting-warning-a3-landscape-en.pdf', (await loopEditor.inject('/api/boards/5.pdf?size=A3&orientation=landscape&lang=en')).rawPayload);
    expect(pdfTextCompact(en)).toContain('TESTPRINT:theQRcodeleadstoalocaladdressresidentscannotopen.Donotpost.');
    const scannedEn = decodeQr(renderPng(en, 110, en.slice(0, -4)));
    expect(scannedEn).toHaveLength(1);
    expect(scannedEn[0]).toMatch(/^http:\/\/127\.0\.0\.1:3000\/m\/site\/5\?lang=en&v=[0-9a-f]{12}$/);

    const fine = saveArtifact('posting-public-a4.pdf', (await editor.inject('/api/boards/5.pdf?size=A4')).rawPayload);
    expect(pdfTextCompact(fine)).not.toContain('测试打印');
    expect(pdfTextCompact(fine)).toContain('随时更新');
    const scannedFine = decodeQr(renderPng(fine, 150, fine.slice(0, -4)));
    expect(scannedFine).toHaveLength(1);
    expect(scannedFine[0]).toMatch(/^https:\/\/fuwuquan\.hexi\.example\.cn\/m\/site\/5\?v=[0-9a-f]{12}$/);
  }, HEAVY);

  it('comes with every print job started with such an address', async () => {
    const { created, finished } = await runJob(loopEditor, loopback, { site_ids: [12], size: 'A4', format: 'pdf' });
    expect(created.qr_warning.codes).toEqual(['loopback', 'plain_http']);
    expect(finished.status).toBe('done');
    expect(finished.qr_warning.message_zh).toContain('居民扫码将无法打开');
    const file = saveArtifact('posting-warning-job.pdf', (await loopEditor.inject(finished.download_url)).rawPayload);
    expect(pdfTextCompact(file)).toContain('【测试打印】');
  }, HEAVY);
});

describe('local dates', () => {
  it('name the job file by the district date, a day after UTC just before midnight', async () => {
    expect((await editor.inject('/api/boards/status')).json().local_date).toBe('2026-12-04');
    const { created, finished } = await runJob(editor, secure, { site_ids: [5, 12, 40], size: 'A4', format: 'zip' });
    expect(created.qr_warning).toBeNull();
    expect(finished.status).toBe('done');
    expect(finished.result_name).toMatch(/-A4-2026-12-04\.zip$/);
    const dl = await editor.inject(finished.download_url);
    expect(decodeURIComponent(String(dl.headers['content-disposition']))).toContain('-A4-2026-12-04.zip');
    await backdatePrints(secure);
  }, HEAVY);

  it('date the board footer by the district date of the latest change', async () => {
    // The site was last changed at 01:30 on 1 July 2030 in Tianjin (17:30 UTC the day before).
    await sql`update board_sites set updated_at = '2030-06-30T17:30:00Z' where id = 40`.execute(secure.app.db);
    const content = await secure.app.boards.printer.content(await secure.app.boards.printer.site(40), 'standard');
    expect(content.dataDate).toBe('2030-07-01');
    const file = saveArtifact('posting-footer-a4.pdf', (await editor.inject('/api/boards/40.pdf?size=A4')).rawPayload);
    expect(pdfTextCompact(file)).toContain('数据日期2030-07-01');
    expect(pdfTextCompact(file)).not.toContain('2030-06-30');
  }, HEAVY);
});

describe('posted confirmation (张贴确认)', () => {
  const confirm = (who: LoggedIn, body: Record<string, unknown>) => who.inject({ method: 'POST', url: '/api/boards/postings', payload: body });

  it('starts with every printed board "printed, not posted"', async () => {
    const r = await report();
    expect(r.posted).toEqual([]);
    expect(r.printed_not_posted.map((e: { site_id: number }) => e.site_id).sort((a: number, b: number) => a - b)).toEqual([5, 12, 40]);
    expect(r.printed_not_posted.every((e: { posting_version: number; up_to_date: boolean }) => e.posting_version === 0)).toBe(true);
  }, HEAVY);

  it('is for admins and the street\'s editors only', async () => {
    expect((await secure.app.inject({ method: 'POST', url: '/api/boards/postings', payload: { site_id: 5, version: 0 } })).statusCode).toBe(401);
    const viewer = await loginAs(secure.app, 'viewer');
    expect((await confirm(viewer, { site_id: 5, version: 0 })).statusCode).toBe(403);
    const stranger = await loginAs(secure.app, 'editor', OTHER_STREET);
    const foreign = await confirm(stranger, { site_id: 5, version: 0 });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ field: 'site_id', message_zh: expect.stringContaining('本街道') });
    const noCsrf = await secure.app.inject({ method: 'POST', url: '/api/boards/postings', payload: { site_id: 5, version: 0 }, headers: { cookie: editor.cookie } });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('refuses bad dates, unprinted boards and foreign prints with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ site_id: 5, version: 0, posted_on: '2026-02-30' }, 'posted_on'],
      [{ site_id: 5, version: 0, posted_on: '2026-12-05' }, 'posted_on'], // after today (local)
      [{ site_id: 5, version: 0, posted_on: '2026-11-30' }, 'posted_on'], // before it was printed
      [{ site_id: 5, version: 0, posted_on: '4.12.2026' }, 'posted_on'],
      [{ site_id: 6, version: 0 }, 'site_id'], // never printed
      [{ site_id: 5, version: 0, print_id: 999999 }, 'print_id'],
      [{ site_id: 5, version: 0, posted_by: '' }, 'posted_by'],
    ];
    for (const [body, field] of cases) {
      const res = await confirm(editor, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().field).toBe(field);
      expect(res.json().message_zh).toBeTruthy();
    }
    expect((await confirm(editor, { site_id: 999999, version: 0 })).statusCode).toBe(404);
  });

  it('records date (local today by default) and who, is versioned (409 on stale) and audited', async () => {
    const first = await confirm(editor, { site_id: 5, version: 0, posted_by: '王师傅' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ site_id: 5, profile: 'standard', posted_on: '2026-12-04', posted_by: '王师傅', confirmed_by: editor.user.username, version: 1 });

    const stale = await confirm(editor, { site_id: 5, version: 0, posted_on: '2026-12-02' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ field: 'version', current: { version: 1, posted_on: '2026-12-04' } });
    expect(stale.json().message_zh).toContain('已被他人修改');

    const corrected = await confirm(editor, { site_id: 5, version: 1, posted_on: '2026-12-02' });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json()).toMatchObject({ posted_on: '2026-12-02', posted_by: editor.user.username, version: 2 });

    const audit = await secure.app.db.selectFrom('audit_log').select(['action', 'username', 'street_code', 'before', 'after'])
      .where('entity', '=', 'board_posting').where('entity_id', '=', '5').orderBy('id').execute();
    expect(audit).toHaveLength(2);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown> | null;
    expect(audit.map((a) => a.action)).toEqual(['post', 'post']);
    expect(audit[0]).toMatchObject({ username: editor.user.username, street_code: TAOYUAN, before: null });
    expect(parse(audit[0].after)).toMatchObject({ posted_on: '2026-12-04', posted_by: '王师傅' });
    expect(parse(audit[1].before)).toMatchObject({ posted_on: '2026-12-04' });
    expect(parse(audit[1].after)).toMatchObject({ posted_on: '2026-12-02', version: 2 });

    // An admin confirms in any street.
    const admin = await loginAs(secure.app, 'admin');
    const other = await confirm(admin, { site_id: 12, version: 0, posted_on: '2026-12-03' });
    expect(other.statusCode, other.body).toBe(200);
  });

  it('splits the reprint list into posted and printed-not-posted, and measures "needs reprint" against the wall', async () => {
    let r = await report();
    expect(r.posted.map((e: { site_id: number }) => e.site_id).sort((a: number, b: number) => a - b)).toEqual([5, 12]);
    expect(r.posted.find((e: { site_id: number }) => e.site_id === 5)).toMatchObject({ posted_on: '2026-12-02', up_to_date: true, posting_version: 2 });
    expect(r.printed_not_posted.map((e: { site_id: number }) => e.site_id)).toEqual([40]);
    expect(r.needs_reprint).toEqual([]);

    // A point listed on board 5 is renamed: the posted board is out of date.
    const target = (await secure.app.boards.printer.content(await secure.app.boards.printer.site(5), 'standard')).rows[0];
    const version = (await secure.app.inject(`/api/points/${target.point_id}`)).json().properties.version;
    const renamed = await editor.inject({ method: 'PATCH', url: `/api/points/${target.point_id}`, payload: { version, name: `${target.name}（新址）` } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    r = await report();
    const entry = r.needs_reprint.find((e: { site_id: number }) => e.site_id === 5);
    expect(entry).toMatchObject({ basis: 'posted', posted_on: '2026-12-02', posted_by: editor.user.username });
    expect(entry.changes.renamed).toEqual([{ id: target.point_id, from: target.name, to: `${target.name}（新址）` }]);
    expect(r.posted.find((e: { site_id: number }) => e.site_id === 5).up_to_date).toBe(false);

    // Reprinted: no longer "needs reprint", but printed and not yet posted, the old board still up.
    await runJob(editor, secure, { site_ids: [5], size: 'A1' });
    await backdatePrints(secure);
    r = await report();
    expect(r.needs_reprint.map((e: { site_id: number }) => e.site_id)).not.toContain(5);
    const waiting = r.printed_not_posted.find((e: { site_id: number }) => e.site_id === 5);
    expect(waiting).toMatchObject({ up_to_date: true, posted_on: '2026-12-02', posting_version: 2, printed_size: 'A1' });

    // Posted: the new print is on the wall.
    const posted = await confirm(editor, { site_id: 5, version: waiting.posting_version, print_id: waiting.print_id });
    expect(posted.statusCode, posted.body).toBe(200);
    r = await report();
    expect(r.printed_not_posted.map((e: { site_id: number }) => e.site_id)).toEqual([40]);
    expect(r.posted.find((e: { site_id: number }) => e.site_id === 5)).toMatchObject({ up_to_date: true, print_id: waiting.print_id, posting_version: 3 });
  }, HEAVY);
});
