// Sign-in attempts per client address, counted in the database so that several instances behind a
// load balancer give an address the limit once, not once each (it was an in-memory rate limit per
// process). One row per address: the window starts at its first attempt.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table signin_address_limits (
      address text primary key,
      window_start timestamptz not null default now(),
      attempts integer not null default 0
    )`.execute(db);
  await sql`create index signin_address_limits_window_idx on signin_address_limits (window_start)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists signin_address_limits`.execute(db);
}
