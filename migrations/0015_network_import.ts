// Refreshing the base network from an OpenStreetMap extract (npm run network:import): the OSM tags the
// walking rules may read are kept on the ways, tagged nodes (barriers, crossings) beside them, each
// import's report for /admin, and a correction the new base no longer fits is marked for review.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table ways
      add column foot text,
      add column access text,
      add column wheelchair text,
      add column incline text,
      add column crossing text`.execute(db);
  await sql`
    create table network_nodes (
      id serial primary key,
      source_ref text,
      barrier text,
      crossing text,
      opening_hours text,
      wheelchair text,
      access text,
      geom geometry(Point, 4326) not null
    )`.execute(db);
  await sql`create index network_nodes_geom_idx on network_nodes using gist (geom)`.execute(db);
  await sql`
    create table network_imports (
      id serial primary key,
      at timestamptz not null default now(),
      source_name text not null,
      format text not null,
      report jsonb not null
    )`.execute(db);
  await sql`
    alter table network_corrections
      add column needs_review boolean not null default false,
      add column review_reason text,
      add column review_reason_zh text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table network_corrections drop column if exists needs_review, drop column if exists review_reason, drop column if exists review_reason_zh`.execute(db);
  await sql`drop table if exists network_imports`.execute(db);
  await sql`drop table if exists network_nodes`.execute(db);
  await sql`alter table ways drop column if exists foot, drop column if exists access, drop column if exists wheelchair, drop column if exists incline, drop column if exists crossing`.execute(db);
}
