// Coverage planning settings per street: target walking minutes that override the defaults in
// data/categories.json for one category and profile, and categories whose data a street office knows
// to be incomplete (their gaps are reported as "unknown", not as missing services).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table coverage_target_overrides (
      street_code text not null references streets(code),
      category_id text not null references categories(id),
      profile_id text not null check (profile_id ~ '^[a-z_]{1,40}$'),
      minutes double precision not null check (minutes >= 1 and minutes <= 60),
      updated_by integer references staff_users(id),
      updated_at timestamptz not null default now(),
      primary key (street_code, category_id, profile_id)
    )`.execute(db);

  await sql`
    create table coverage_incomplete_categories (
      street_code text not null references streets(code),
      category_id text not null references categories(id),
      note text check (note is null or length(note) <= 200),
      marked_by integer references staff_users(id),
      marked_at timestamptz not null default now(),
      primary key (street_code, category_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists coverage_incomplete_categories`.execute(db);
  await sql`drop table if exists coverage_target_overrides`.execute(db);
}
