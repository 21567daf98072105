// Street and community areas: the polygons a record's position is checked against (its street, its
// community). Approximate areas are derived when the database is seeded (server/areas/derive.ts) and
// replaced, code by code, when the district admin imports official boundaries.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table division_areas (
      code text primary key check (code ~ '^[0-9]{12}$'),
      level text not null check (level in ('street', 'community')),
      street_code text not null references streets(code),
      source text not null check (source in ('approximate', 'official')),
      geom geometry(MultiPolygon, 4326) not null,
      imported_at timestamptz not null default now(),
      imported_by integer references staff_users(id) on delete set null,
      source_note text check (length(source_note) <= 200)
    )`.execute(db);
  await sql`create index division_areas_geom on division_areas using gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists division_areas`.execute(db);
}
