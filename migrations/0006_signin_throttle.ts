// Sign-in throttling per (typed username, client address), stored here so that every instance sees the
// same delays; and what a staff member is told at sign-in about failed attempts on their account.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Keyed by the username as typed, known or not, so that unknown usernames are throttled exactly
  // like real ones and the answer never tells which exist.
  await sql`
    create table signin_throttle (
      username_key text not null,
      address text not null,
      failures integer not null default 0,
      first_failure_at timestamptz not null default now(),
      last_failure_at timestamptz not null default now(),
      blocked_until timestamptz,
      primary key (username_key, address)
    )`.execute(db);
  await sql`create index signin_throttle_last_idx on signin_throttle (last_failure_at)`.execute(db);
  // Accounts are no longer locked (failed_logins and locked_until from 0002 are left unused). What the
  // owner is told at sign-in is read from the audit log's refused attempts with their username; the
  // session keeps it.
  await sql`update staff_users set failed_logins = 0, locked_until = null`.execute(db);
  await sql`create index audit_log_signin_idx on audit_log (username, at) where action in ('login_failed', 'login_throttled')`.execute(db);
  await sql`alter table staff_sessions add column failed_logins_before integer not null default 0`.execute(db);
  await sql`alter table staff_sessions add column last_failed_login_at timestamptz`.execute(db);
  await sql`alter table staff_sessions add column previous_login_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists signin_throttle`.execute(db);
  await sql`drop index if exists audit_log_signin_idx`.execute(db);
  await sql`alter table staff_sessions drop column if exists failed_logins_before, drop column if exists last_failed_login_at, drop column if exists previous_login_at`.execute(db);
}
