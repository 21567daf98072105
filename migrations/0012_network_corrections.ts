// Corrections to the walking network (路网纠错): street offices' paths, closures, gates and crossings, kept
// beside the imported ways (which never change) and applied by the engine when it builds its graph.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table network_corrections (
      id serial primary key,
      street_code text not null references streets(code),
      kind text not null check (kind in ('path', 'closure', 'gate', 'crossing')),
      status text not null default 'draft' check (status in ('draft', 'published', 'retired')),
      geom geometry(Geometry, 4326) not null,
      attributes jsonb not null default '{}'::jsonb,
      note text check (note is null or length(note) <= 500),
      version integer not null default 1,
      created_by integer references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index network_corrections_street on network_corrections (street_code, status)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists network_corrections`.execute(db);
}
