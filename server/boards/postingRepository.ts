// SQL for posted-confirmations (张贴确认): the print that is on the wall at a site, per walking profile.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { BoardSnapshot } from './content.ts';

export interface PostingRow {
  id: number;
  site_id: number;
  profile: string;
  street_code: string;
  print_id: number;
  content_version: string;
  /** YYYY-MM-DD, the district's local date */
  posted_on: string;
  posted_by_name: string;
  confirmed_by: number | null;
  confirmed_by_name: string | null;
  confirmed_at: Date;
  version: number;
}

const POSTING_COLUMNS = ['bp.id', 'bp.site_id', 'bp.profile', 'bp.street_code', 'bp.print_id', 'bp.content_version',
  sql<string>`bp.posted_on::text`.as('posted_on'), 'bp.posted_by_name', 'bp.confirmed_by', 'bp.confirmed_by_name', 'bp.confirmed_at', 'bp.version'] as const;

const normalise = (r: PostingRow): PostingRow => ({ ...r, print_id: Number(r.print_id) });

/** The posting of a (site, profile), locked for the rest of the transaction. */
export async function lockPosting(trx: Transaction<Database>, siteId: number, profile: string): Promise<PostingRow | undefined> {
  const row = await trx.selectFrom('board_postings as bp').select(POSTING_COLUMNS)
    .where('bp.site_id', '=', siteId).where('bp.profile', '=', profile).forUpdate().executeTakeFirst();
  return row ? normalise(row as PostingRow) : undefined;
}

export interface PostingInput {
  site_id: number; profile: string; street_code: string; print_id: number; content_version: string;
  posted_on: string; posted_by_name: string; confirmed_by: number; confirmed_by_name: string;
}

/** Records (or replaces) what is posted at a (site, profile); the version goes up by one each time. */
export async function savePosting(trx: Transaction<Database>, p: PostingInput): Promise<PostingRow> {
  await trx.insertInto('board_postings').values(p)
    .onConflict((oc) => oc.columns(['site_id', 'profile']).doUpdateSet({
      street_code: p.street_code, print_id: p.print_id, content_version: p.content_version, posted_on: p.posted_on,
      posted_by_name: p.posted_by_name, confirmed_by: p.confirmed_by, confirmed_by_name: p.confirmed_by_name,
      confirmed_at: sql`now()`, version: sql`board_postings.version + 1`,
    })).execute();
  return (await lockPosting(trx, p.site_id, p.profile))!;
}

export interface PrintRef { id: number; site_id: number; profile: string; content_version: string; printed_at: Date }

/** One print of a site (or its latest of a profile when `printId` is not given). */
export async function findPrint(trx: Transaction<Database>, siteId: number, profile: string, printId?: number): Promise<PrintRef | undefined> {
  let q = trx.selectFrom('board_prints').select(['id', 'site_id', 'profile', 'content_version', 'printed_at'])
    .where('site_id', '=', siteId).where('profile', '=', profile);
  q = printId === undefined ? q.orderBy('id', 'desc').limit(1) : q.where('id', '=', printId);
  const row = await q.executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

export interface StreetPosting extends PostingRow { snapshot: BoardSnapshot }

/** Every posting of a street's active sites, with the snapshot of the print that is up. */
export async function streetPostings(db: Kysely<Database>, streetCode: string): Promise<StreetPosting[]> {
  const rows = await db.selectFrom('board_postings as bp')
    .innerJoin('board_prints as p', 'p.id', 'bp.print_id')
    .innerJoin('board_sites as s', 's.id', 'bp.site_id')
    .select([...POSTING_COLUMNS, 'p.snapshot'])
    .where('s.street_code', '=', streetCode).where('s.status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    ...normalise(r as unknown as PostingRow),
    snapshot: (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as BoardSnapshot,
  }));
}

/** A board site's street and status, read inside the posting's transaction; undefined when there is none. */
export async function siteForPosting(trx: Transaction<Database>, siteId: number): Promise<{ id: number; street_code: string; status: string } | undefined> {
  return trx.selectFrom('board_sites').select(['id', 'street_code', 'status']).where('id', '=', siteId).executeTakeFirst();
}
