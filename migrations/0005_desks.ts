// Mobile service desks (流动办公桌) and the requests collected at them (民情日记): the office's lists of
// desk services and request topics, recurring plans (RFC 5545 rules), the concrete visits (one-off,
// generated from a plan, or proposed by the rotation planner) and the requests with their follow-up notes.
import { sql, type Kysely } from 'kysely';

const DESK_SERVICES: [id: string, zh: string, en: string, fillsCategory: string | null][] = [
  ['anti_fraud', '反诈宣传', 'Anti-fraud awareness', 'emergency'],
  ['traffic', '交管业务', 'Traffic police services', null],
  ['home_repair', '房屋维修', 'Home repairs', 'convenience'],
  ['haircut', '便民理发', 'Free haircuts', 'convenience'],
  ['doctor', '医生坐诊', "Doctor's consultation", 'health'],
  ['legal', '法律咨询', 'Legal advice', null],
  ['housing_fees', '房费缴纳', 'Housing fee payment', 'government'],
  ['policy', '政策咨询', 'Policy advice', 'government'],
  ['elderly_allowance', '高龄补贴认证', 'Old-age allowance check', 'elder_care'],
];

const REQUEST_TOPICS: [id: string, zh: string, en: string][] = [
  ['housing', '房屋修缮', 'Housing repairs'],
  ['property', '物业管理', 'Property management'],
  ['environment', '环境卫生', 'Sanitation and greenery'],
  ['parking', '停车交通', 'Parking and traffic'],
  ['elderly', '养老助老', 'Elder care'],
  ['social_security', '社保医保', 'Social and medical insurance'],
  ['neighbours', '邻里纠纷', 'Neighbour disputes'],
  ['safety', '安全隐患', 'Safety hazards'],
  ['policy', '政策咨询', 'Policy questions'],
  ['other', '其他', 'Other'],
];

export async function up(db: Kysely<any>): Promise<void> {
  // The office extends these lists (admin API); ids are stable keys, names are what people read.
  await sql`
    create table desk_services (
      id text primary key check (id ~ '^[a-z][a-z0-9_]{1,39}$'),
      name_zh text not null check (length(name_zh) between 1 and 30),
      name_en text not null check (length(name_en) between 1 and 60),
      fills_category text references categories(id),
      sort_order integer not null default 100,
      active boolean not null default true
    )`.execute(db);
  await sql`
    create table desk_request_topics (
      id text primary key check (id ~ '^[a-z][a-z0-9_]{1,39}$'),
      name_zh text not null check (length(name_zh) between 1 and 30),
      name_en text not null check (length(name_en) between 1 and 60),
      sort_order integer not null default 100,
      active boolean not null default true
    )`.execute(db);
  for (const [i, [id, zh, en, fills]] of DESK_SERVICES.entries()) {
    await sql`insert into desk_services (id, name_zh, name_en, fills_category, sort_order)
              values (${id}, ${zh}, ${en}, ${fills}, ${(i + 1) * 10})`.execute(db);
  }
  for (const [i, [id, zh, en]] of REQUEST_TOPICS.entries()) {
    await sql`insert into desk_request_topics (id, name_zh, name_en, sort_order)
              values (${id}, ${zh}, ${en}, ${(i + 1) * 10})`.execute(db);
  }

  // A recurring plan: local (Asia/Shanghai) date range and time window, an RRULE value without DTSTART.
  // Its occurrences are stored as desk_visits up to materialized_until, so that each can be cancelled,
  // moved or collect requests like any other visit.
  await sql`
    create table desk_plans (
      id serial primary key,
      street_code text not null references streets(code),
      title text not null check (length(title) between 1 and 100),
      rrule text not null check (length(rrule) between 6 and 500),
      start_date date not null,
      until_date date,
      start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      end_time text not null check (end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and end_time > start_time),
      place_kind text not null check (place_kind in ('site', 'gate', 'point')),
      site_id integer references board_sites(id),
      gate_id integer references compound_gates(id),
      compound_id integer references compounds(id),
      place_name text not null check (length(place_name) between 1 and 100),
      geom geometry(Point, 4326) not null,
      services jsonb not null,
      partners jsonb not null default '[]',
      contact_phone text,
      note text check (note is null or length(note) <= 500),
      materialized_until date,
      is_sample boolean not null default false,
      status text not null default 'active' check (status in ('active', 'closed')),
      version integer not null default 1,
      created_by integer references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index desk_plans_street_idx on desk_plans (street_code)`.execute(db);

  await sql`
    create table desk_visits (
      id serial primary key,
      street_code text not null references streets(code),
      origin text not null check (origin in ('manual', 'plan', 'rotation')),
      plan_id integer references desk_plans(id),
      occurrence_date date,
      status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
      cancel_reason text check (cancel_reason is null or length(cancel_reason) <= 200),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      place_kind text not null check (place_kind in ('site', 'gate', 'point')),
      site_id integer references board_sites(id),
      gate_id integer references compound_gates(id),
      compound_id integer references compounds(id),
      place_name text not null check (length(place_name) between 1 and 100),
      geom geometry(Point, 4326) not null,
      services jsonb not null,
      partners jsonb not null default '[]',
      contact_phone text,
      note text check (note is null or length(note) <= 500),
      detached boolean not null default false,
      is_sample boolean not null default false,
      version integer not null default 1,
      created_by integer references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at > starts_at),
      check ((plan_id is null) = (occurrence_date is null)),
      unique (plan_id, occurrence_date)
    )`.execute(db);
  await sql`create index desk_visits_street_time_idx on desk_visits (street_code, starts_at)`.execute(db);
  await sql`create index desk_visits_compound_idx on desk_visits (compound_id, starts_at)`.execute(db);
  await sql`create index desk_visits_geom_idx on desk_visits using gist (geom)`.execute(db);

  // 民情日记: the contact columns are private (staff of the street and admins only).
  await sql`
    create table desk_requests (
      id serial primary key,
      visit_id integer not null references desk_visits(id),
      street_code text not null references streets(code),
      topic_id text not null references desk_request_topics(id),
      description text not null check (length(description) between 1 and 2000),
      compound_id integer references compounds(id),
      contact_name text check (contact_name is null or length(contact_name) <= 50),
      contact_phone text check (contact_phone is null or length(contact_phone) <= 30),
      resolved_on_site boolean not null,
      status text not null check (status in ('closed', 'registered', 'assigned', 'in_progress')),
      assignee text check (assignee is null or length(assignee) <= 100),
      resolution_note text check (resolution_note is null or length(resolution_note) <= 2000),
      received_at timestamptz not null default now(),
      assigned_at timestamptz,
      started_at timestamptz,
      closed_at timestamptz,
      version integer not null default 1,
      created_by integer references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (status <> 'closed' or (resolution_note is not null and closed_at is not null)),
      check (not resolved_on_site or status = 'closed')
    )`.execute(db);
  await sql`create index desk_requests_visit_idx on desk_requests (visit_id)`.execute(db);
  await sql`create index desk_requests_street_status_idx on desk_requests (street_code, status)`.execute(db);

  await sql`
    create table desk_request_notes (
      id serial primary key,
      request_id integer not null references desk_requests(id),
      at timestamptz not null default now(),
      staff_id integer references staff_users(id),
      username text,
      status_from text,
      status_to text,
      note text not null check (length(note) between 1 and 2000)
    )`.execute(db);
  await sql`create index desk_request_notes_request_idx on desk_request_notes (request_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['desk_request_notes', 'desk_requests', 'desk_visits', 'desk_plans', 'desk_request_topics', 'desk_services']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
