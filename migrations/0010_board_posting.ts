// Posted-confirmation (张贴确认): which print of a board is actually on the wall at a site, since when
// and who put it up. One row per (site, walking profile), versioned like other office records; the
// history of confirmations is in the audit log. "Needs reprint" compares against this posted print.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table board_postings (
      id serial primary key,
      site_id integer not null references board_sites(id),
      profile text not null,
      street_code text not null references streets(code),
      print_id bigint not null references board_prints(id),
      content_version text not null,
      posted_on date not null,
      posted_by_name text not null,
      confirmed_by integer references staff_users(id),
      confirmed_by_name text,
      confirmed_at timestamptz not null default now(),
      version integer not null default 1,
      unique (site_id, profile)
    )`.execute(db);
  await sql`create index board_postings_street_idx on board_postings (street_code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists board_postings`.execute(db);
}
