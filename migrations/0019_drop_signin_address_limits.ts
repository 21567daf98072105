// The contract step of 0016: sign-in limits per address are counted in rate_limit_windows (0018) under
// `signin|ADDRESS` since the release before this one, which no longer wrote or read signin_address_limits.
// Dropped here, a release later, so that no instance still running in a rolling restart needs it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists signin_address_limits`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists signin_address_limits (
      address text primary key,
      window_start timestamptz not null default now(),
      attempts integer not null default 0
    )`.execute(db);
  await sql`create index if not exists signin_address_limits_window_idx on signin_address_limits (window_start)`.execute(db);
}
