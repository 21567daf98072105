// Validation and SQL for changing board sites (where a board hangs). A compound-gate site takes its
// compound, street and (unless moved) position from the gate; a service center is placed on the map.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  issue, normalizeText, requiredText, resolveCommunity, resolveStreet, validatePosition,
  type FieldIssue, type ValidationContext,
} from '../records/validation.ts';
import { selectSites, type BoardSiteRow } from './repository.ts';

export type SiteKind = BoardSiteRow['kind'];

export interface SiteInput {
  kind?: unknown; name?: unknown; street_code?: unknown; community_code?: unknown; gate_id?: unknown;
  lon?: unknown; lat?: unknown; crs?: unknown;
}

export interface SiteDraft {
  kind: SiteKind; name: string; street_code: string; community_code: string | null;
  compound_id: number | null; gate_id: number | null; lon: number; lat: number;
}

/** The gate a compound-gate site hangs at, with its compound's street. */
export interface GateRef { id: number; compound_id: number; street_code: string; community_code: string | null; lon: number; lat: number; status: string }

export async function findGate(trx: Transaction<Database>, gateId: number): Promise<GateRef | undefined> {
  return (await trx.selectFrom('compound_gates as g').innerJoin('compounds as c', 'c.id', 'g.compound_id')
    .select(['g.id', 'g.compound_id', 'c.street_code', 'c.community_code', 'g.status',
      sql<number>`ST_X(g.geom)`.as('lon'), sql<number>`ST_Y(g.geom)`.as('lat')])
    .where('g.id', '=', gateId).executeTakeFirst()) as GateRef | undefined;
}

export function validateSite(input: SiteInput, ctx: ValidationContext, gate: GateRef | undefined): { draft: SiteDraft | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const kind = normalizeText(input.kind) as SiteKind;
  if (kind !== 'service_center' && kind !== 'compound_gate') {
    issues.push(issue('kind', 'must be service_center or compound_gate', '应为社区服务中心（service_center）或小区大门（compound_gate）'));
  }
  const name = requiredText(input.name, 'name', 100, issues);
  if (kind === 'compound_gate') {
    if (input.gate_id === undefined || input.gate_id === null || input.gate_id === '') issues.push(issue('gate_id', 'is required for a compound-gate site', '小区大门站点必须选择大门'));
    else if (!gate) issues.push(issue('gate_id', `gate ${String(input.gate_id)} does not exist`, `大门 ${String(input.gate_id)} 不存在`));
    else if (gate.status !== 'active') issues.push(issue('gate_id', `gate ${gate.id} is closed`, `大门 ${gate.id} 已停用`));
  }
  const atGate = kind === 'compound_gate' && gate;
  const street = resolveStreet(ctx.streets, atGate ? gate.street_code : input.street_code, issues);
  const community = resolveCommunity(street, atGate && !input.community_code ? gate.community_code : input.community_code, issues);
  const noPosition = (input.lon === undefined || input.lon === null) && (input.lat === undefined || input.lat === null);
  const position = atGate && noPosition
    ? { lon: gate.lon, lat: gate.lat }
    : validatePosition({ lon: input.lon, lat: input.lat, crs: input.crs }, ctx.district, issues);
  if (issues.length || !street || !position) return { draft: null, issues };
  return {
    draft: {
      kind, name, street_code: street.code, community_code: community,
      compound_id: atGate ? gate.compound_id : null, gate_id: atGate ? gate.id : null, lon: position.lon, lat: position.lat,
    },
    issues,
  };
}

export function siteSnapshot(row: BoardSiteRow) {
  return {
    id: row.id, kind: row.kind, name: row.name, street_code: row.street_code, community_code: row.community_code,
    compound_id: row.compound_id, gate_id: row.gate_id, lon: row.lon, lat: row.lat, status: row.status,
    is_sample: row.is_sample, version: row.version,
  };
}

export function siteAsInput(row: BoardSiteRow): SiteInput & Record<string, unknown> {
  return {
    kind: row.kind, name: row.name, street_code: row.street_code, community_code: row.community_code,
    gate_id: row.gate_id, lon: row.lon, lat: row.lat, crs: 'WGS84',
  };
}

/** Reads a site and locks its row until the transaction ends. */
export async function lockSite(trx: Transaction<Database>, id: number): Promise<BoardSiteRow | undefined> {
  const locked = await trx.selectFrom('board_sites').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return (await selectSites(trx).where('s.id', '=', id).executeTakeFirst()) as BoardSiteRow;
}

const geom = (d: SiteDraft) => sql`ST_SetSRID(ST_MakePoint(${d.lon}, ${d.lat}), 4326)`;

export async function insertSite(trx: Transaction<Database>, d: SiteDraft): Promise<BoardSiteRow> {
  const { id } = await trx.insertInto('board_sites').values({
    kind: d.kind, name: d.name, street_code: d.street_code, community_code: d.community_code,
    compound_id: d.compound_id, gate_id: d.gate_id, geom: geom(d), is_sample: false,
  }).returning('id').executeTakeFirstOrThrow();
  return (await lockSite(trx, id))!;
}

export async function updateSite(trx: Transaction<Database>, id: number, d: SiteDraft, status?: 'active' | 'closed'): Promise<BoardSiteRow> {
  await trx.updateTable('board_sites').set({
    kind: d.kind, name: d.name, street_code: d.street_code, community_code: d.community_code,
    compound_id: d.compound_id, gate_id: d.gate_id, geom: geom(d), ...(status ? { status } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await lockSite(trx, id))!;
}

export async function setSiteStatus(trx: Transaction<Database>, id: number, status: 'active' | 'closed'): Promise<BoardSiteRow> {
  await trx.updateTable('board_sites').set({ status, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
  return (await lockSite(trx, id))!;
}
