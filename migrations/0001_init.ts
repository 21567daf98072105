// The core schema: administrative divisions, the walkable network, compounds and their gates,
// board sites, categories, service points, staff users and the audit log. Geometry is EPSG:4326.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists postgis`.execute(db);

  await sql`
    create table app_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table streets (
      code text primary key check (code ~ '^[0-9]{12}$'),
      name text not null,
      district_code text not null,
      district_name text not null
    )`.execute(db);

  await sql`
    create table communities (
      code text primary key check (code ~ '^[0-9]{12}$'),
      street_code text not null references streets(code),
      name text not null,
      approx_geom geometry(Point, 4326)
    )`.execute(db);
  await sql`create index communities_street_idx on communities (street_code)`.execute(db);

  await sql`
    create table dimensions (
      id text primary key,
      name_zh text not null,
      name_en text not null
    )`.execute(db);

  await sql`
    create table categories (
      id text primary key,
      name_zh text not null,
      name_en text not null,
      color text not null,
      icon text not null,
      dimension_id text not null references dimensions(id),
      sort_order integer not null
    )`.execute(db);

  await sql`
    create table ways (
      id serial primary key,
      source_ref text,
      highway text not null,
      name text,
      ref text,
      layer integer not null default 0,
      bridge boolean not null default false,
      tunnel boolean not null default false,
      walkable boolean not null,
      length_m double precision not null,
      geom geometry(LineString, 4326) not null
    )`.execute(db);
  await sql`create index ways_geom_idx on ways using gist (geom)`.execute(db);

  await sql`
    create table compounds (
      id serial primary key,
      street_code text not null references streets(code),
      community_code text references communities(code),
      name text not null check (length(name) between 1 and 100),
      address text,
      households integer check (households >= 0),
      residents integer check (residents >= 0),
      geom geometry(Point, 4326),
      is_sample boolean not null default false,
      status text not null default 'active' check (status in ('active', 'closed')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index compounds_street_idx on compounds (street_code)`.execute(db);
  await sql`create index compounds_geom_idx on compounds using gist (geom)`.execute(db);

  await sql`
    create table compound_gates (
      id serial primary key,
      compound_id integer not null references compounds(id),
      name text not null check (length(name) between 1 and 100),
      step_free boolean not null default true,
      geom geometry(Point, 4326) not null,
      is_sample boolean not null default false,
      status text not null default 'active' check (status in ('active', 'closed')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index compound_gates_compound_idx on compound_gates (compound_id)`.execute(db);
  await sql`create index compound_gates_geom_idx on compound_gates using gist (geom)`.execute(db);

  await sql`
    create table board_sites (
      id serial primary key,
      kind text not null check (kind in ('service_center', 'compound_gate')),
      name text not null check (length(name) between 1 and 100),
      street_code text not null references streets(code),
      community_code text references communities(code),
      compound_id integer references compounds(id),
      gate_id integer references compound_gates(id),
      geom geometry(Point, 4326) not null,
      is_sample boolean not null default false,
      status text not null default 'active' check (status in ('active', 'closed')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index board_sites_street_idx on board_sites (street_code)`.execute(db);
  await sql`create index board_sites_geom_idx on board_sites using gist (geom)`.execute(db);

  await sql`
    create table service_points (
      id serial primary key,
      external_id text unique,
      name text not null check (length(name) between 1 and 100),
      category_id text not null references categories(id),
      dimension_id text not null references dimensions(id),
      subtype text,
      address text,
      phone text,
      opening_hours text,
      street_code text references streets(code),
      community_code text references communities(code),
      geom geometry(Point, 4326) not null,
      source text not null default 'manual',
      is_sample boolean not null default false,
      status text not null default 'active' check (status in ('active', 'closed')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index service_points_category_idx on service_points (category_id)`.execute(db);
  await sql`create index service_points_street_idx on service_points (street_code)`.execute(db);
  await sql`create index service_points_geom_idx on service_points using gist (geom)`.execute(db);

  await sql`
    create table staff_users (
      id serial primary key,
      username text not null unique check (username ~ '^[A-Za-z0-9_.-]{3,40}$'),
      password_hash text not null,
      role text not null check (role in ('admin', 'editor', 'viewer')),
      street_code text references streets(code),
      display_name text,
      phone text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      check (role <> 'editor' or street_code is not null)
    )`.execute(db);

  await sql`
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      user_id integer references staff_users(id),
      username text,
      action text not null,
      entity text not null,
      entity_id text not null,
      street_code text,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`create index audit_log_entity_idx on audit_log (entity, entity_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'staff_users', 'service_points', 'board_sites', 'compound_gates', 'compounds',
    'ways', 'categories', 'dimensions', 'communities', 'streets', 'app_settings']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
