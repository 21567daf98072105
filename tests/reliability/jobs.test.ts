// Durable jobs on two instances of one PostGIS server (real processes on loopback ports): an import
// started on A is polled on B; a board batch print started on B is downloaded through A; the instance
// running an import is SIGKILLed while its rows are written and not yet committed, and the other
// instance runs the job again from the stored file, all or nothing (last: one instance is gone after it). Runs on the server leg
// (DATABASE_URL); the embedded engine is one process by design. Expiry and polls are a few seconds here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { unzipSync } from 'fflate';
import { addStaff, copyTestData, signIn, startService, waitFor, type ServiceData, type ServiceProcess, type Session } from './processes.ts';

const onServer = Boolean(process.env.DATABASE_URL);
const TAOYUAN = '120103003000';
const JOB_ENV = {
  JOBS_EXPIRE_SECONDS: '10', JOBS_POLL_SECONDS: '1', JOBS_MAINTENANCE_SECONDS: '1', JOBS_RETRY_LIMIT: '3',
  // The first attempt of an import of 1,000 rows or more waits inside its transaction, every row written.
  JOBS_TEST_IMPORT_PAUSE_MS: '60000', JOBS_TEST_IMPORT_PAUSE_MIN_ROWS: '1000',
};

function csv(prefix: string, n: number): Buffer {
  const rows = ['外部编号,名称,类别,地址,经度,纬度,坐标系'];
  for (let i = 0; i < n; i += 1) {
    rows.push(`${prefix}-${i},${prefix}任务测试${i},便民,河西区任务路${i}号,${(117.1985 + (i % 150) * 0.00002).toFixed(6)},${(39.1015 + Math.floor(i / 150) * 0.000012).toFixed(6)},WGS84`);
  }
  return Buffer.from(rows.join('\r\n'));
}

async function startImport(service: ServiceProcess, session: Session, file: Buffer): Promise<string> {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'points.csv');
  const res = await fetch(`${service.base}/api/import/points?async=true&street=${TAOYUAN}`, {
    method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body,
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()).status_url;
}

async function get(service: ServiceProcess, session: Session, url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${service.base}${url}`, { headers: { cookie: session.cookie } });
  return { status: res.status, body: await res.json() };
}

describe.skipIf(!onServer)('durable jobs on two instances', () => {
  let data: ServiceData;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let editor: { username: string; password: string };
  let onA: Session;
  let onB: Session;

  const counts = async (prefix: string) => {
    const handle = await data.open();
    try {
      const { rows: [r] } = await sql<{ n: number; distinct_ids: number; audits: number }>`
        select count(*)::int as n, count(distinct external_id)::int as distinct_ids,
               (select count(*)::int from audit_log a where a.entity = 'point'
                  and a.entity_id in (select id::text from service_points where external_id like ${`${prefix}-%`})) as audits
        from service_points where external_id like ${`${prefix}-%`}`.execute(handle.db);
      return r;
    } finally { await handle.close(); }
  };

  beforeAll(async () => {
    data = await copyTestData();
    editor = await addStaff(data, 'editor', TAOYUAN);
    [a, b] = await Promise.all([startService(data, JOB_ENV), startService(data, JOB_ENV)]);
    [onA, onB] = await Promise.all([signIn(a.base, editor), signIn(b.base, editor)]);
  });
  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await data?.drop();
  });

  it('an import started on A is polled on B to its report, and its rows are there', async () => {
    const statusUrl = await startImport(a, onA, csv('JOBA', 30));
    const seen = await waitFor('the import to finish, seen from B', async () => {
      const res = await get(b, onB, statusUrl);
      return res.status !== 200 || res.body.phase === 'done' || res.body.phase === 'failed' ? res : undefined;
    }, 60_000, 200);
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    const job = seen.body;
    expect(job.phase, JSON.stringify(job.error)).toBe('done');
    expect(job.report.summary).toEqual({ created: 30, updated: 0, unchanged: 0, rejected: 0 });
    expect(await counts('JOBA')).toEqual({ n: 30, distinct_ids: 30, audits: 30 });
    // Only its owner sees it, on either instance.
    const other = await addStaffOnline('editor');
    expect((await get(a, other, statusUrl)).status).toBe(404);
  });

  async function addStaffOnline(role: 'editor' | 'admin'): Promise<Session> {
    // The server engine: staff can be added while the instances run.
    const who = await addStaff(data, role, TAOYUAN);
    return signIn(b.base, who);
  }

  it('a board batch print started on B is downloaded through A, the same bytes', async () => {
    const res = await fetch(`${b.base}/api/boards/jobs`, {
      method: 'POST', headers: { cookie: onB.cookie, 'x-csrf-token': onB.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ site_ids: [5, 12], size: 'A4', format: 'zip' }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const started = await res.json();
    const job = await waitFor('the print job to finish, seen from A', async () => {
      const r = await get(a, onA, started.status_url);
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    }, 120_000, 250);
    expect(job.status, job.error).toBe('done');
    const viaA = Buffer.from(await (await fetch(`${a.base}${job.download_url}`, { headers: { cookie: onA.cookie } })).arrayBuffer());
    const viaB = Buffer.from(await (await fetch(`${b.base}${job.download_url}`, { headers: { cookie: onB.cookie } })).arrayBuffer());
    expect(viaA.length).toBe(job.result_bytes);
    expect(viaA.equals(viaB)).toBe(true);
    const files = unzipSync(new Uint8Array(viaA));
    const names = Object.keys(files);
    expect(names).toHaveLength(2);
    for (const name of names) expect(Buffer.from(files[name].subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });
  it('SIGKILL of the instance running an import: the other runs it again from the stored file, all or nothing', async () => {
    const ROWS = 3000;
    const startedAt = Date.now();
    const statusUrl = await startImport(a, onA, csv('JOBK', ROWS));
    const id = statusUrl.split('/').pop()!;
    // Every row written, not committed: the instance says it waits before its commit (a test-only pause),
    // and the job's row says so (progress goes on its own connection).
    await waitFor('an instance to pause the import before its commit', async () =>
      ([a, b].some((s) => s.output().includes('test pause') && s.output().includes(id)) ? true : undefined), 60_000, 100);
    const taken = await waitFor('the job row to show every row written', async () => {
      const handle = await data.open();
      try {
        const row = await handle.db.selectFrom('job_runs').select(['state', 'phase', 'done', 'total', 'attempts', 'taken_by'])
          .where('id', '=', id).executeTakeFirst();
        return row && row.state === 'running' && row.phase === 'writing' && row.done === ROWS && row.total === ROWS && row.attempts === 1 ? row : undefined;
      } finally { await handle.close(); }
    }, 60_000, 100);
    const [victim, survivor, survivorSession] = taken.taken_by!.endsWith(`:${a.child.pid}`) ? [a, b, onB] : [b, a, onA];
    expect(taken.taken_by!.endsWith(`:${victim.child.pid}`), `taken by ${taken.taken_by}`).toBe(true);
    expect(await counts('JOBK'), 'nothing is visible before the commit').toEqual({ n: 0, distinct_ids: 0, audits: 0 });
    const killedAt = Date.now();
    const pausedAfter = killedAt - startedAt;
    await victim.kill('SIGKILL');
    expect(await counts('JOBK'), 'the killed attempt left nothing').toEqual({ n: 0, distinct_ids: 0, audits: 0 });

    const job = await waitFor('the job to be finished by the other instance', async () => {
      const res = await get(survivor, survivorSession, statusUrl);
      return res.body.phase === 'done' || res.body.phase === 'failed' ? res.body : undefined;
    }, 90_000, 200);
    const finishedAfter = Date.now() - killedAt;
    expect(job.phase, JSON.stringify(job.error)).toBe('done');
    expect(job.report.summary).toEqual({ created: ROWS, updated: 0, unchanged: 0, rejected: 0 });
    // All of it, once: every row, no duplicate, one audit row each.
    expect(await counts('JOBK')).toEqual({ n: ROWS, distinct_ids: ROWS, audits: ROWS });
    const handle = await data.open();
    const run = await handle.db.selectFrom('job_runs').select(['attempts', 'taken_by', 'input']).where('id', '=', id).executeTakeFirstOrThrow();
    await handle.close();
    expect(run.attempts).toBe(2);
    expect(run.taken_by!.endsWith(`:${survivor.child.pid}`)).toBe(true);
    expect(run.input, 'the stored file is let go once the job is done').toBeNull();
    console.log(`import of ${ROWS} rows: every row written ${pausedAfter} ms after the upload; SIGKILL of its instance to done on the other instance: ${finishedAfter} ms (expiry ${JOB_ENV.JOBS_EXPIRE_SECONDS} s)`);
  });

});
