// Residents' reports (居民反馈): what a resident says about a point, a way, a missing passage or a missing
// service, with a public receipt code, the office's status and public reply; the counters that limit
// reports per address and per device (in the database, so every instance counts the same); and the key
// that signs the report form's tokens (made once, shared by every instance).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table resident_reports (
      id serial primary key,
      code text not null unique check (code ~ '^[0-9A-Z]{10}$'),
      kind text not null check (kind in ('info_wrong', 'blocked', 'path_missing', 'service_missing', 'other')),
      category_id text references categories(id),
      site_id integer references board_sites(id),
      point_id integer references service_points(id),
      source text not null check (source in ('site', 'map', 'point')),
      geom geometry(Point, 4326) not null,
      street_code text not null references streets(code),
      community_code text references communities(code),
      body text check (body is null or length(body) <= 300),
      contact_phone text check (contact_phone is null or length(contact_phone) <= 60),
      device_key text not null,
      address_key text not null,
      repeats integer not null default 1,
      status text not null default 'new' check (status in ('new', 'accepted', 'in_progress', 'resolved', 'rejected')),
      public_reply text check (public_reply is null or length(public_reply) between 1 and 500),
      linked jsonb,
      received_at timestamptz not null default now(),
      accepted_at timestamptz,
      closed_at timestamptz,
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      check (kind <> 'service_missing' or category_id is not null),
      check (status not in ('resolved', 'rejected') or (public_reply is not null and closed_at is not null))
    )`.execute(db);
  await sql`create index resident_reports_street_idx on resident_reports (street_code, status, received_at)`.execute(db);
  await sql`create index resident_reports_device_idx on resident_reports (device_key, kind, received_at)`.execute(db);
  await sql`create index resident_reports_geom_idx on resident_reports using gist (geom)`.execute(db);

  // One row per (scope, key, window): an attempt is counted by one upsert, whatever the instance.
  await sql`
    create table report_limits (
      scope text not null check (scope in ('address', 'device')),
      key text not null,
      window_start timestamptz not null,
      attempts integer not null default 0,
      primary key (scope, key, window_start)
    )`.execute(db);

  await sql`
    create table report_form_keys (
      id integer primary key check (id = 1),
      secret text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['report_form_keys', 'report_limits', 'resident_reports']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
