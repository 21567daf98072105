// Saved planning scenarios (规划方案): named sets of hypothetical service points of a street, each with
// its category, kept with a version for optimistic edits. A point turned into a draft service point
// remembers that point's id inside `points`.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table coverage_scenarios (
      id serial primary key,
      street_code text not null references streets(code),
      name text not null check (length(name) between 1 and 100),
      note text check (note is null or length(note) <= 500),
      profile_id text not null default 'standard' check (profile_id ~ '^[a-z_]{1,40}$'),
      points jsonb not null,
      status text not null default 'active' check (status in ('active', 'deleted')),
      version integer not null default 1,
      created_by integer references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index coverage_scenarios_street on coverage_scenarios (street_code) where status = 'active'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists coverage_scenarios`.execute(db);
}
