// Board printing: every print with the content it showed (to tell which boards need reprinting and
// why), and print jobs for many boards at once, with progress and the finished file.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table board_jobs (
      id serial primary key,
      street_code text references streets(code),
      site_ids jsonb not null,
      options jsonb not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      total integer not null check (total >= 0),
      done integer not null default 0 check (done >= 0),
      error text,
      created_by integer references staff_users(id),
      created_by_name text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz,
      result_name text,
      result_type text,
      result_bytes integer
    )`.execute(db);
  await sql`create index board_jobs_street_idx on board_jobs (street_code, id)`.execute(db);

  // The finished file, apart from the job row so that listing jobs never reads megabytes.
  await sql`
    create table board_job_files (
      job_id integer primary key references board_jobs(id) on delete cascade,
      data bytea not null
    )`.execute(db);

  await sql`
    create table board_prints (
      id bigserial primary key,
      site_id integer not null references board_sites(id),
      street_code text not null references streets(code),
      profile text not null,
      size text not null,
      orientation text not null,
      lang text not null,
      content_version text not null,
      snapshot jsonb not null,
      job_id integer references board_jobs(id),
      printed_by integer references staff_users(id),
      printed_by_name text,
      printed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index board_prints_site_idx on board_prints (site_id, profile, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists board_prints`.execute(db);
  await sql`drop table if exists board_job_files`.execute(db);
  await sql`drop table if exists board_jobs`.execute(db);
}
