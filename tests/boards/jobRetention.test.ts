// Print-job files are kept per person and street, and by age: another street's jobs, however many,
// never push out a street's finished boards; and one staff member cannot start jobs without limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, loginAs, type LoggedIn, type TestApp } from '../helper.ts';
import { JOB_FILE_RETENTION, JOB_RATE_LIMIT } from '../../server/boards/jobs.ts';

const TAOYUAN = '120103003000';
const DAYINGMEN = '120103001000';
// The embedded database and the board drawing share this process; see tests/boards/jobs.test.ts.
process.env.MAX_EVENT_LOOP_DELAY_MS = '0';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

const startJob = async (who: LoggedIn, siteId: number) => {
  const res = await who.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [siteId], size: 'A4', format: 'pdf' } });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as number;
};
const download = async (who: LoggedIn, id: number) => (await who.inject(`/api/boards/jobs/${id}/download`)).statusCode;

describe('print-job files', () => {
  it('another street\'s jobs cannot push out a street\'s files; each person keeps their newest, files expire by age; job creation is limited', async () => {
    const admin = await loginAs(t.app, 'admin');
    const taoyuan = await loginAs(t.app, 'editor', TAOYUAN);
    const [busy, other] = [await loginAs(t.app, 'editor', DAYINGMEN), await loginAs(t.app, 'editor', DAYINGMEN)];
    const site = await admin.inject({ method: 'POST', url: '/api/sites', payload: { kind: 'service_center', name: '大营门打印测试中心', street_code: DAYINGMEN, lon: 117.2101, lat: 39.1108 } });
    expect(site.statusCode, site.body).toBe(201);
    const foreignSite = site.json().id as number;

    // 桃园街道 prints twice; the older file is then made older than the age limit.
    const [oldJob, keptJob] = [await startJob(taoyuan, 5), await startJob(taoyuan, 12)];
    await t.app.boards.jobs.idle();
    expect(await download(taoyuan, keptJob)).toBe(200);
    await sql`update board_jobs set finished_at = now() - make_interval(days => ${JOB_FILE_RETENTION.maxAgeDays + 1}) where id = ${oldJob}`.execute(t.app.db);

    // 大营门街道 queues more jobs than the old district-wide limit of 20, from two editors.
    const busyJobs: number[] = [];
    for (let i = 0; i < JOB_RATE_LIMIT.max; i += 1) busyJobs.push(await startJob(busy, foreignSite));
    const limited = await busy.inject({ method: 'POST', url: '/api/boards/jobs', payload: { site_ids: [foreignSite], size: 'A4' } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(JOB_RATE_LIMIT.windowSeconds);
    expect(limited.json().message_zh).toMatch(/分钟内已提交\d+个打印任务，请\d+分钟后再试/);
    const otherJobs: number[] = [];
    for (let i = 0; i < 21 - JOB_RATE_LIMIT.max; i += 1) otherJobs.push(await startJob(other, foreignSite));
    await t.app.boards.jobs.idle();
    expect(busyJobs.length + otherJobs.length).toBeGreaterThan(20);
    const finished = await t.app.db.selectFrom('board_jobs').select('id').where('status', '=', 'done').execute();
    expect(finished).toHaveLength(2 + busyJobs.length + otherJobs.length);

    // 桃园街道's recent file is still there; its old one expired by age.
    expect(await download(taoyuan, keptJob)).toBe(200);
    expect(await download(taoyuan, oldJob)).toBe(410);
    // The busy editor kept only their newest files; the other editor of the same street lost none.
    const pushedOut = JOB_RATE_LIMIT.max - JOB_FILE_RETENTION.keepPerOwner;
    expect(pushedOut).toBeGreaterThan(0);
    const busyStatuses = await Promise.all(busyJobs.map((id) => download(busy, id)));
    expect(busyStatuses).toEqual([...Array(pushedOut).fill(410), ...Array(JOB_FILE_RETENTION.keepPerOwner).fill(200)]);
    expect(await Promise.all(otherJobs.map((id) => download(other, id)))).toEqual(otherJobs.map(() => 200));
  }, 900_000);
});
