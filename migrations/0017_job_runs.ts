// Durable jobs (server/jobs/): one row per long piece of work run through the PostgreSQL-backed queue
// (pg-boss), so that any instance answers its progress and a job whose process died is run again from
// its stored input. An import's uploaded file is kept here (bytea) until the job ends; a file the job
// makes (a check-up report's PDF) until the job's retention ends.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job_runs (
      id uuid primary key,
      kind text not null,
      street_code text,
      created_by integer references staff_users(id) on delete set null,
      state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
      phase text not null default 'queued',
      done integer not null default 0,
      total integer not null default 0,
      params jsonb not null default '{}'::jsonb,
      input bytea,
      report jsonb,
      result bytea,
      result_name text,
      error jsonb,
      attempts integer not null default 0,
      taken_by text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index job_runs_finished_idx on job_runs (finished_at) where finished_at is not null`.execute(db);
  await sql`create index job_runs_open_idx on job_runs (state) where state in ('queued', 'running')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists job_runs`.execute(db);
}
