// Coverage snapshots for the street check-up (体检报告): taken monthly and on demand, and kept. Each
// records the data version and the targets in force, so a change of targets is not read as progress,
// plus the active points and gap compounds, so two snapshots tell what was added, closed, opened.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table checkup_snapshots (
      id serial primary key,
      taken_at timestamptz not null default now(),
      kind text not null check (kind in ('monthly', 'on_demand')),
      period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
      data_version text not null,
      data_date timestamptz,
      targets jsonb not null,
      shares jsonb not null,
      points jsonb not null,
      gaps jsonb not null,
      taken_by integer references staff_users(id),
      taken_by_name text
    )`.execute(db);
  await sql`create index checkup_snapshots_taken on checkup_snapshots (taken_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists checkup_snapshots`.execute(db);
}
