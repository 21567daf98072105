// SQL for boards: the streets drawn on a board, the print records (with the snapshot printed), and
// print jobs (progress and the finished file).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { BoardSnapshot } from './content.ts';
import type { StreetWay } from './layout.ts';

/**
 * Every way of the network (walkable or not: an elevated road is still on the map), with its bounds.
 * The boards keep them in memory (a district is a few thousand ways) and pick those of each map.
 */
export async function allStreets(db: Kysely<Database>): Promise<StreetWay[]> {
  const rows = await db.selectFrom('ways')
    .select(['name', 'highway', 'bridge', 'tunnel', sql<string>`ST_AsGeoJSON(geom, 7)`.as('geojson')])
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const coordinates = (JSON.parse(r.geojson) as { coordinates: [number, number][] }).coordinates;
    let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
    for (const [lon, lat] of coordinates) {
      if (lon < minLon) minLon = lon; if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat; if (lat > maxLat) maxLat = lat;
    }
    return { name: r.name, highway: r.highway, bridge: r.bridge, tunnel: r.tunnel, coordinates, bbox: [minLon, minLat, maxLon, maxLat] };
  });
}

// ---- print records ---------------------------------------------------------------------------------

export interface PrintRecordInput {
  site_id: number;
  street_code: string;
  profile: string;
  size: string;
  orientation: string;
  lang: string;
  content_version: string;
  snapshot: BoardSnapshot;
  job_id: number | null;
  printed_by: number | null;
  printed_by_name: string | null;
}

export async function recordPrint(db: Kysely<Database>, p: PrintRecordInput): Promise<number> {
  const row = await db.insertInto('board_prints').values({ ...p, snapshot: JSON.stringify(p.snapshot) })
    .returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export interface LastPrint {
  print_id: number;
  site_id: number;
  profile: string;
  content_version: string;
  snapshot: BoardSnapshot;
  printed_at: Date;
  printed_by_name: string | null;
  size: string;
  prints: number;
}

/** The latest print of each (site, profile) of a street's active sites. */
export async function lastPrints(db: Kysely<Database>, streetCode: string): Promise<LastPrint[]> {
  const rows = await sql<{
    print_id: string | number; site_id: number; profile: string; content_version: string; snapshot: unknown; printed_at: Date;
    printed_by_name: string | null; size: string; prints: string | number;
  }>`
    select distinct on (p.site_id, p.profile)
      p.id as print_id, p.site_id, p.profile, p.content_version, p.snapshot, p.printed_at, p.printed_by_name, p.size,
      count(*) over (partition by p.site_id, p.profile) as prints
    from board_prints p
    join board_sites s on s.id = p.site_id
    where s.street_code = ${streetCode} and s.status = 'active'
    order by p.site_id, p.profile, p.id desc`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    snapshot: (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as BoardSnapshot,
    print_id: Number(r.print_id),
    prints: Number(r.prints),
  }));
}

/** The snapshot printed with a given content version of a (site, profile): what a board on the wall shows. */
export async function printedSnapshot(db: Kysely<Database>, siteId: number, profile: string, version: string): Promise<{ snapshot: BoardSnapshot; printed_at: Date } | undefined> {
  const row = await db.selectFrom('board_prints').select(['snapshot', 'printed_at'])
    .where('site_id', '=', siteId).where('profile', '=', profile).where('content_version', '=', version)
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  const snap = row.snapshot as unknown;
  return { snapshot: (typeof snap === 'string' ? JSON.parse(snap) : snap) as BoardSnapshot, printed_at: new Date(row.printed_at as unknown as string) };
}

// ---- jobs ------------------------------------------------------------------------------------------

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobOptions {
  profile: string;
  size: string;
  orientation: string;
  format: 'zip' | 'pdf';
  lang: string;
  /** "weekday 10:00" (boardTimeKey); absent in jobs started before boards stated their time. */
  drawn_for?: string;
}

export interface JobRow {
  id: number;
  street_code: string | null;
  street_name: string | null;
  site_ids: number[];
  options: JobOptions;
  status: JobStatus;
  total: number;
  done: number;
  error: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  result_name: string | null;
  result_type: string | null;
  result_bytes: number | null;
}

const JOB_COLUMNS = ['j.id', 'j.street_code', 'st.name as street_name', 'j.site_ids', 'j.options', 'j.status', 'j.total', 'j.done',
  'j.error', 'j.created_by', 'j.created_by_name', 'j.created_at', 'j.started_at', 'j.finished_at', 'j.result_name', 'j.result_type',
  'j.result_bytes'] as const;

const selectJobs = (db: Kysely<Database>) => db.selectFrom('board_jobs as j').leftJoin('streets as st', 'st.code', 'j.street_code').select(JOB_COLUMNS);

function jobFromRow(r: Record<string, unknown>): JobRow {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return { ...(r as unknown as JobRow), site_ids: parse(r.site_ids) as number[], options: parse(r.options) as JobOptions };
}

export async function createJob(db: Kysely<Database>, job: {
  street_code: string | null; site_ids: number[]; options: JobOptions; created_by: number | null; created_by_name: string | null;
}): Promise<JobRow> {
  const row = await db.insertInto('board_jobs').values({
    street_code: job.street_code,
    site_ids: JSON.stringify(job.site_ids),
    options: JSON.stringify(job.options),
    status: 'queued',
    total: job.site_ids.length,
    created_by: job.created_by,
    created_by_name: job.created_by_name,
  }).returning('id').executeTakeFirstOrThrow();
  return (await getJob(db, row.id))!;
}

export async function getJob(db: Kysely<Database>, id: number): Promise<JobRow | undefined> {
  const row = await selectJobs(db).where('j.id', '=', id).executeTakeFirst();
  return row ? jobFromRow(row) : undefined;
}

export async function listJobs(db: Kysely<Database>, f: { street?: string; limit: number }): Promise<JobRow[]> {
  let q = selectJobs(db);
  if (f.street) q = q.where('j.street_code', '=', f.street);
  const rows = await q.orderBy('j.id', 'desc').limit(f.limit).execute();
  return rows.map(jobFromRow);
}

export async function markJobRunning(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable('board_jobs').set({ status: 'running', started_at: sql`now()`, heartbeat_at: sql`now()` }).where('id', '=', id).execute();
}

export async function markJobProgress(db: Kysely<Database>, id: number, done: number): Promise<void> {
  await db.updateTable('board_jobs').set({ done, heartbeat_at: sql`now()` }).where('id', '=', id).execute();
}

/** Store the file and mark the job done (call inside the transaction that records the prints). */
export async function finishJob(db: Kysely<Database>, id: number, result: { name: string; type: string; data: Uint8Array }): Promise<void> {
  await db.insertInto('board_job_files').values({ job_id: id, data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength) }).execute();
  await db.updateTable('board_jobs').set({
    status: 'done', finished_at: sql`now()`, heartbeat_at: sql`now()`, done: sql`total`,
    result_name: result.name, result_type: result.type, result_bytes: result.data.byteLength,
  }).where('id', '=', id).execute();
}

export async function failJob(db: Kysely<Database>, id: number, error: string): Promise<void> {
  await db.updateTable('board_jobs').set({ status: 'failed', finished_at: sql`now()`, error: error.slice(0, 500) }).where('id', '=', id).execute();
}

export async function jobFile(db: Kysely<Database>, id: number): Promise<Buffer | undefined> {
  const row = await db.selectFrom('board_job_files').select('data').where('job_id', '=', id).executeTakeFirst();
  return row ? Buffer.from(row.data as Uint8Array) : undefined;
}

/**
 * Jobs the queue gave up on (their process died more often than JOBS_RETRY_LIMIT allows; see
 * server/jobs/queue.ts) are marked failed, so that the admin page does not wait for them forever.
 */
export async function failAbandonedJobs(db: Kysely<Database>, queueName: string, queueSchema: string): Promise<number> {
  const rows = await db.updateTable('board_jobs as b')
    .set({ status: 'failed', finished_at: sql`now()`, error: 'interrupted: the server stopped while printing, several times; start the job again' })
    .where('b.status', 'in', ['queued', 'running'])
    .where(sql<boolean>`b.created_at < now() - interval '1 minute'`)
    .where(sql<boolean>`not exists (select 1 from ${sql.table(`${queueSchema}.job`)} q
      where q.name = ${queueName} and (q.data->>'job_id')::int = b.id and q.state in ('created', 'retry', 'active'))`)
    .returning('b.id').execute();
  return rows.length;
}

/** First statement of the transaction that stores a job's file: waits for another attempt still storing it, then tells whether it is still to do. */
export async function claimJob(trx: Kysely<Database>, id: number): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtext('board_jobs'), ${id})`.execute(trx);
  const row = await trx.selectFrom('board_jobs').select('status').where('id', '=', id).executeTakeFirst();
  return !!row && (row.status === 'queued' || row.status === 'running');
}

/**
 * Job files are kept per owner within a street: the newest `keepPerOwner` finished jobs of each
 * (street, staff member), and none older than `maxAgeDays`. One person's jobs never push out anyone
 * else's files, least of all another street's. The job rows stay, without their file.
 */
export async function pruneJobFiles(db: Kysely<Database>, policy: { keepPerOwner: number; maxAgeDays: number }): Promise<void> {
  await sql`
    delete from board_job_files f
    using (
      select id, finished_at,
             row_number() over (partition by street_code, created_by order by id desc) as newest
      from board_jobs where status = 'done'
    ) j
    where f.job_id = j.id
      and (j.newest > ${policy.keepPerOwner} or j.finished_at < now() - make_interval(days => ${policy.maxAgeDays}))`.execute(db);
}

/**
 * Print jobs this staff member started in the last `windowSeconds`, and when the oldest of them leaves
 * the window. Takes a row lock on the staff member first, so that two instances counting at once
 * cannot both let one more job through: call inside the transaction that creates the job.
 */
export async function recentJobsBy(trx: Kysely<Database>, staffId: number, windowSeconds: number): Promise<{ count: number; freeInSeconds: number }> {
  await trx.selectFrom('staff_users').select('id').where('id', '=', staffId).forUpdate().execute();
  const row = await trx.selectFrom('board_jobs')
    .select([
      sql<number>`count(*)::int`.as('count'),
      sql<number | null>`ceil(extract(epoch from (min(created_at) + make_interval(secs => ${windowSeconds}) - now())))::int`.as('free_in'),
    ])
    .where('created_by', '=', staffId)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), freeInSeconds: Math.max(1, Number(row.free_in ?? 1)) };
}

/** The street and status of each of these board sites that exists (a print job checks them all). */
export async function siteStates(db: Kysely<Database>, siteIds: number[]): Promise<{ id: number; street_code: string; status: string }[]> {
  return db.selectFrom('board_sites').select(['id', 'street_code', 'status']).where('id', 'in', siteIds).execute();
}
