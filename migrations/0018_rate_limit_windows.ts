// Request limits of the rate-limited routes (resident reports and receipts, staff check-ups, coverage
// what-ifs, account changes), counted in the database so that a group of instances gives an address
// each limit once, not once per instance. One row per route and address; the window starts at its
// first request.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table rate_limit_windows (
      key text primary key,
      window_start timestamptz not null default now(),
      hits integer not null default 0
    )`.execute(db);
  await sql`create index rate_limit_windows_window_idx on rate_limit_windows (window_start)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists rate_limit_windows`.execute(db);
}
