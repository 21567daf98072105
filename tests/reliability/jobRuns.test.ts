// A job run whose queue job is gone (its process died more often than the retry limit allows, or it died
// between recording the run and queueing it) is marked failed by the retention pass, with a message in both
// languages; a run whose job the queue still holds is left alone, whether the queue knows it by the run's id
// (jobs queued by this release) or only by the run id in its data (jobs queued by earlier releases).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.ts';
import { createRun, getRun, pruneRuns } from '../../server/jobs/runs.ts';
import { QUEUE_SCHEMA } from '../../server/jobs/queue.ts';
import { CHECKUP_REPORT_JOB } from '../../server/checkup/reportRoutes.ts';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

/** A queued run, recorded two minutes ago (past the minute the retention pass leaves new runs alone). */
async function oldRun(): Promise<string> {
  const id = await createRun(t.app.db, { kind: CHECKUP_REPORT_JOB, street_code: null, created_by: null, params: { lang: 'zh' } });
  await sql`update job_runs set created_at = now() - interval '2 minutes' where id = ${id}`.execute(t.app.db);
  return id;
}

/** A row of the queue's table as a worker holds it ('active': no worker here fetches it). */
async function activeQueueJob(id: string, data: object): Promise<void> {
  await sql`insert into ${sql.table(`${QUEUE_SCHEMA}.job`)} (name, id, data, state)
    values (${CHECKUP_REPORT_JOB}, ${id}::uuid, ${JSON.stringify(data)}::jsonb, 'active')`.execute(t.app.db);
}

describe('job runs the queue no longer holds', () => {
  it('are marked failed by the retention pass; runs whose job is still queued or running are not', async () => {
    const orphan = await oldRun();
    const keyed = await oldRun();
    await activeQueueJob(keyed, {}); // found by its id alone: the data says nothing of the run
    const older = await oldRun();
    await activeQueueJob(randomUUID(), { run_id: older }); // a job queued by an earlier release
    const fresh = await createRun(t.app.db, { kind: CHECKUP_REPORT_JOB, street_code: null, created_by: null, params: { lang: 'zh' } });

    await pruneRuns(t.app.db, 30, QUEUE_SCHEMA);

    const failed = await getRun(t.app.db, orphan);
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.message).toMatch(/stopped several times/);
    expect(failed?.error?.message_zh).toMatch(/任务多次中断/);
    for (const id of [keyed, older, fresh]) expect((await getRun(t.app.db, id))?.state, id).toBe('queued');

    // The held jobs end; the next pass finds their runs unheld too.
    await sql`delete from ${sql.table(`${QUEUE_SCHEMA}.job`)} where name = ${CHECKUP_REPORT_JOB} and state = 'active'`.execute(t.app.db);
    await pruneRuns(t.app.db, 30, QUEUE_SCHEMA);
    for (const id of [keyed, older]) expect((await getRun(t.app.db, id))?.state, id).toBe('failed');
    expect((await getRun(t.app.db, fresh))?.state).toBe('queued');
    await sql`delete from job_runs where id = ${fresh}`.execute(t.app.db);
  });
});
