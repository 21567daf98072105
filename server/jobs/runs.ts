// job_runs (migrations/0017_job_runs.ts): what a queued job is, how far it got and what it reported, in
// the database, so that any instance answers its progress and a retry after a crash starts from the
// stored input. A job's writes and its "done" mark commit together (claimRun + finishRun in the job's
// one transaction): a retry either finds nothing committed and redoes everything, or finds it done.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { JobQueue } from './queue.ts';

export type RunState = 'queued' | 'running' | 'done' | 'failed';

export interface RunError { statusCode: number; message: string; message_zh: string; field?: string }

export interface JobRun<P = Record<string, unknown>> {
  id: string;
  kind: string;
  street_code: string | null;
  created_by: number | null;
  state: RunState;
  phase: string;
  done: number;
  total: number;
  params: P;
  report: unknown;
  error: RunError | null;
  attempts: number;
  taken_by: string | null;
  /** Size of the file the job made, if any. */
  result_bytes: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

const COLUMNS = [
  'id', 'kind', 'street_code', 'created_by', 'state', 'phase', 'done', 'total', 'params', 'report', 'error', 'attempts', 'taken_by',
  'created_at', 'started_at', 'finished_at', sql<number | null>`octet_length(result)`.as('result_bytes'),
] as const;

export async function createRun(db: Kysely<Database>, run: {
  kind: string; street_code: string | null; created_by: number | null; params: object; input?: Uint8Array | null; total?: number;
}): Promise<string> {
  const id = randomUUID();
  await db.insertInto('job_runs').values({
    id, kind: run.kind, street_code: run.street_code, created_by: run.created_by, params: JSON.stringify(run.params),
    input: run.input ? Buffer.from(run.input.buffer, run.input.byteOffset, run.input.byteLength) : null, total: run.total ?? 0,
  }).execute();
  return id;
}

/**
 * Records a run and queues its job under the run's own id (pg-boss's job id), so the queue's row of a run is
 * found by its key. The job carries only the run's id; its file and parameters stay in job_runs.
 */
export async function startRun(
  db: Kysely<Database>, jobs: Pick<JobQueue, 'send'>,
  run: Parameters<typeof createRun>[1],
): Promise<string> {
  const id = await createRun(db, run);
  await jobs.send(run.kind, { run_id: id }, id);
  return id;
}

export async function getRun<P>(db: Kysely<Database>, id: string): Promise<JobRun<P> | undefined> {
  const row = await db.selectFrom('job_runs').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { ...(row as unknown as JobRun<P>), params: parse(row.params) as P, report: parse(row.report), error: parse(row.error) as RunError | null };
}

/** The file a finished job made, with its name and size (undefined while there is none). */
export async function runResult(db: Kysely<Database>, id: string): Promise<{ name: string | null; data: Buffer } | undefined> {
  const row = await db.selectFrom('job_runs').select(['result', 'result_name']).where('id', '=', id).executeTakeFirst();
  return row?.result ? { name: row.result_name, data: Buffer.from(row.result) } : undefined;
}

/** Jobs of this kind a staff member has waiting or running (for a per-person limit). */
export async function openRunsOf(db: Kysely<Database>, kind: string, staffId: number): Promise<number> {
  const row = await db.selectFrom('job_runs').select(sql<number>`count(*)::int`.as('n'))
    .where('kind', '=', kind).where('created_by', '=', staffId).where('state', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function runInput(db: Kysely<Database>, id: string): Promise<Buffer | null> {
  const row = await db.selectFrom('job_runs').select('input').where('id', '=', id).executeTakeFirst();
  return row?.input ? Buffer.from(row.input) : null;
}

/** A worker takes the run (again, after a crash): counts the attempt. */
export async function markRunning(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('job_runs').set({
    state: 'running', started_at: sql`coalesce(started_at, now())`, heartbeat_at: sql`now()`, attempts: sql`attempts + 1`,
    taken_by: `${os.hostname()}:${process.pid}`,
  }).where('id', '=', id).where('state', 'in', ['queued', 'running']).execute();
}

/** Progress of a running job (ignored once the job has finished: a late write never reopens it). */
export async function markProgress(db: Kysely<Database>, id: string, phase: string, done: number, total: number): Promise<void> {
  await db.updateTable('job_runs').set({ phase, done, total, heartbeat_at: sql`now()` })
    .where('id', '=', id).where('state', '=', 'running').execute();
}

/**
 * First statement of a job's writing transaction: waits for any other attempt of the same job that is
 * still writing (a slow run taken for dead), then tells whether the job is still to do.
 */
export async function claimRun(trx: Transaction<Database>, id: string): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtext('job_runs'), hashtext(${id}))`.execute(trx);
  const row = await trx.selectFrom('job_runs').select('state').where('id', '=', id).executeTakeFirst();
  return !!row && (row.state === 'queued' || row.state === 'running');
}

/** Marks the job done with its report; inside the job's writing transaction when it has one. */
export async function finishRun(
  db: Kysely<Database> | Transaction<Database>, id: string, report: unknown, result?: { name: string; data: Uint8Array },
): Promise<void> {
  await db.updateTable('job_runs').set({
    state: 'done', phase: 'done', report: JSON.stringify(report ?? null), finished_at: sql`now()`, input: null, done: sql`greatest(done, total)`,
    ...(result ? { result: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength), result_name: result.name } : {}),
  }).where('id', '=', id).where('state', 'in', ['queued', 'running']).execute();
}

export async function failRun(db: Kysely<Database>, id: string, error: RunError): Promise<void> {
  await db.updateTable('job_runs').set({
    state: 'failed', phase: 'failed', error: JSON.stringify(error), finished_at: sql`now()`, input: null,
  }).where('id', '=', id).where('state', 'in', ['queued', 'running']).execute();
}

/**
 * Retention: finished runs (reports, errors) older than `keepDays` are deleted, and a run the queue
 * gave up on (its process died more often than JOBS_RETRY_LIMIT allows) is marked failed.
 */
export async function pruneRuns(db: Kysely<Database>, keepDays: number, queueSchema: string): Promise<void> {
  await sql`delete from job_runs where finished_at < now() - make_interval(days => ${keepDays})`.execute(db);
  await sql`
    update job_runs r set state = 'failed', phase = 'failed', finished_at = now(), input = null,
      error = ${JSON.stringify({
        statusCode: 500, message: 'The job stopped several times (its server was stopped or crashed); nothing of it was written. Start it again.',
        message_zh: '任务多次中断（服务器停止或崩溃），未写入任何数据，请重新开始',
      })}::jsonb
    where r.state in ('queued', 'running') and r.created_at < now() - interval '1 minute'
      and not exists (
        select 1 from ${sql.table(`${queueSchema}.job`)} j
        where j.name = r.kind and j.state in ('created', 'retry', 'active')
          -- by key (jobs carry their run's id); by the job's data only for jobs queued by earlier releases
          and (j.id = r.id or j.data->>'run_id' = r.id::text))`.execute(db);
}
