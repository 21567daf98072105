// Staff sessions (stored in the database so that any server instance can answer) and login lockout.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table staff_sessions (
      id_hash text primary key,
      staff_id integer not null references staff_users(id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index staff_sessions_staff_idx on staff_sessions (staff_id)`.execute(db);
  await sql`alter table staff_users add column failed_logins integer not null default 0`.execute(db);
  await sql`alter table staff_users add column locked_until timestamptz`.execute(db);
  await sql`alter table staff_users add column last_login_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists staff_sessions`.execute(db);
  await sql`alter table staff_users drop column if exists failed_logins, drop column if exists locked_until, drop column if exists last_login_at`.execute(db);
}
