// SQL and validation for compounds (小区) and their gates (大门). A compound belongs to a street and a
// community; its gates are where residents step onto the street network (coverage walks from them, and
// boards hang at them). A gate's street is its compound's.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  issue, normalizeText, optionalText, requiredText, resolveCommunity, resolveStreet, validatePosition,
  type FieldIssue, type ValidationContext,
} from '../records/validation.ts';

export interface CompoundRow {
  id: number;
  street_code: string;
  street_name: string;
  community_code: string | null;
  community_name: string | null;
  name: string;
  address: string | null;
  households: number | null;
  residents: number | null;
  lon: number | null;
  lat: number | null;
  is_sample: boolean;
  status: 'active' | 'closed';
  version: number;
  updated_at: Date;
  gate_count: number;
}

export interface GateRow {
  id: number;
  compound_id: number;
  compound_name: string;
  street_code: string;
  name: string;
  step_free: boolean;
  lon: number;
  lat: number;
  is_sample: boolean;
  status: 'active' | 'closed';
  version: number;
  updated_at: Date;
}

export function selectCompounds(db: Kysely<Database>) {
  return db.selectFrom('compounds as c')
    .innerJoin('streets as st', 'st.code', 'c.street_code')
    .leftJoin('communities as cm', 'cm.code', 'c.community_code')
    .select([
      'c.id', 'c.street_code', 'st.name as street_name', 'c.community_code', 'cm.name as community_name', 'c.name', 'c.address',
      'c.households', 'c.residents', 'c.is_sample', 'c.status', 'c.version', 'c.updated_at',
      sql<number | null>`ST_X(c.geom)`.as('lon'), sql<number | null>`ST_Y(c.geom)`.as('lat'),
      sql<number>`(select count(*) from compound_gates g where g.compound_id = c.id and g.status = 'active')`.as('gate_count'),
    ]);
}

export function selectGates(db: Kysely<Database>) {
  return db.selectFrom('compound_gates as g')
    .innerJoin('compounds as c', 'c.id', 'g.compound_id')
    .select([
      'g.id', 'g.compound_id', 'c.name as compound_name', 'c.street_code', 'g.name', 'g.step_free', 'g.is_sample', 'g.status',
      'g.version', 'g.updated_at', sql<number>`ST_X(g.geom)`.as('lon'), sql<number>`ST_Y(g.geom)`.as('lat'),
    ]);
}

export interface CompoundFilters { street?: string; status?: 'active' | 'closed' | 'all'; sample?: boolean; q?: string; limit?: number }

export async function listCompounds(db: Kysely<Database>, f: CompoundFilters): Promise<CompoundRow[]> {
  let q = selectCompounds(db);
  if (f.street) q = q.where('c.street_code', '=', f.street);
  if ((f.status ?? 'active') !== 'all') q = q.where('c.status', '=', (f.status ?? 'active') as 'active' | 'closed');
  if (f.sample !== undefined) q = q.where('c.is_sample', '=', f.sample);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('c.name', 'like', like), eb('c.address', 'like', like)]));
  }
  return (await q.orderBy('c.street_code').orderBy('c.name').limit(f.limit ?? 2000).execute()) as CompoundRow[];
}

export async function getCompound(db: Kysely<Database>, id: number): Promise<CompoundRow | undefined> {
  return (await selectCompounds(db).where('c.id', '=', id).executeTakeFirst()) as CompoundRow | undefined;
}

export async function listGates(db: Kysely<Database>, f: { compound_id?: number; street?: string; status?: 'active' | 'closed' | 'all' }): Promise<GateRow[]> {
  let q = selectGates(db);
  if (f.compound_id) q = q.where('g.compound_id', '=', f.compound_id);
  if (f.street) q = q.where('c.street_code', '=', f.street);
  if ((f.status ?? 'active') !== 'all') q = q.where('g.status', '=', (f.status ?? 'active') as 'active' | 'closed');
  return (await q.orderBy('g.compound_id').orderBy('g.id').execute()) as GateRow[];
}

export async function getGate(db: Kysely<Database>, id: number): Promise<GateRow | undefined> {
  return (await selectGates(db).where('g.id', '=', id).executeTakeFirst()) as GateRow | undefined;
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface CompoundDraft {
  street_code: string; community_code: string | null; name: string; address: string | null;
  households: number | null; residents: number | null; lon: number | null; lat: number | null;
}

export interface GateDraft { compound_id: number; street_code: string; name: string; step_free: boolean; lon: number; lat: number }

function optionalCount(value: unknown, field: string, issues: FieldIssue[]): number | null {
  const text = normalizeText(value);
  if (!text) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) {
    issues.push(issue(field, 'must be a whole number from 0 to 1,000,000', '应为0到1000000之间的整数'));
    return null;
  }
  return n;
}

const blank = (v: unknown) => v === undefined || v === null || normalizeText(v) === '';

export function validateCompound(input: Record<string, unknown>, ctx: ValidationContext): { draft: CompoundDraft | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const name = requiredText(input.name, 'name', 100, issues);
  const street = resolveStreet(ctx.streets, input.street_code, issues);
  const community = resolveCommunity(street, input.community_code, issues);
  const address = optionalText(input.address, 'address', 200, issues);
  const households = optionalCount(input.households, 'households', issues);
  const residents = optionalCount(input.residents, 'residents', issues);
  // A compound may be listed before anyone has placed it; its gates carry the walking positions.
  const position = blank(input.lon) && blank(input.lat)
    ? { lon: null, lat: null }
    : validatePosition({ lon: input.lon, lat: input.lat, crs: input.crs }, ctx.district, issues);
  if (issues.length || !street || !position) return { draft: null, issues };
  return { draft: { street_code: street.code, community_code: community, name, address, households, residents, ...position }, issues };
}

export function validateGate(
  input: Record<string, unknown>, ctx: ValidationContext,
  compound: { id: number; street_code: string; status: string } | undefined,
): { draft: GateDraft | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (blank(input.compound_id)) issues.push(issue('compound_id', 'is required', '必填'));
  else if (!compound) issues.push(issue('compound_id', `compound ${String(input.compound_id)} does not exist`, `小区 ${String(input.compound_id)} 不存在`));
  else if (compound.status !== 'active') issues.push(issue('compound_id', `compound ${compound.id} is closed`, `小区 ${compound.id} 已停用`));
  const name = requiredText(input.name, 'name', 100, issues);
  const stepFree = input.step_free === undefined || input.step_free === null ? true : input.step_free === true || input.step_free === 'true';
  const position = validatePosition({ lon: input.lon, lat: input.lat, crs: input.crs }, ctx.district, issues);
  if (issues.length || !compound || !position) return { draft: null, issues };
  return { draft: { compound_id: compound.id, street_code: compound.street_code, name, step_free: stepFree, ...position }, issues };
}

// ---------------------------------------------------------------------------------------------
// Writes (inside commitEdit, with the audit row)

export function compoundSnapshot(row: CompoundRow) {
  return {
    id: row.id, street_code: row.street_code, community_code: row.community_code, name: row.name, address: row.address,
    households: row.households, residents: row.residents, lon: row.lon, lat: row.lat, status: row.status,
    is_sample: row.is_sample, version: row.version,
  };
}

export function gateSnapshot(row: GateRow) {
  return {
    id: row.id, compound_id: row.compound_id, street_code: row.street_code, name: row.name, step_free: row.step_free,
    lon: row.lon, lat: row.lat, status: row.status, is_sample: row.is_sample, version: row.version,
  };
}

/** The compound a gate is drawn for (its street and status), read inside the gate's transaction. */
export async function compoundForGate(trx: Transaction<Database>, id: number): Promise<{ id: number; street_code: string; status: string } | undefined> {
  return trx.selectFrom('compounds').select(['id', 'street_code', 'status']).where('id', '=', id).executeTakeFirst();
}

export async function lockCompound(trx: Transaction<Database>, id: number): Promise<CompoundRow | undefined> {
  const locked = await trx.selectFrom('compounds').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return locked ? getCompound(trx, id) : undefined;
}

export async function lockGate(trx: Transaction<Database>, id: number): Promise<GateRow | undefined> {
  const locked = await trx.selectFrom('compound_gates').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return locked ? getGate(trx, id) : undefined;
}

const pointOrNull = (lon: number | null, lat: number | null) =>
  lon === null || lat === null ? null : sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;

export async function insertCompound(trx: Transaction<Database>, d: CompoundDraft): Promise<CompoundRow> {
  const { id } = await trx.insertInto('compounds').values({
    street_code: d.street_code, community_code: d.community_code, name: d.name, address: d.address,
    households: d.households, residents: d.residents, geom: pointOrNull(d.lon, d.lat), is_sample: false,
  }).returning('id').executeTakeFirstOrThrow();
  return (await lockCompound(trx, id))!;
}

export async function updateCompound(trx: Transaction<Database>, id: number, d: CompoundDraft, status?: 'active' | 'closed'): Promise<CompoundRow> {
  await trx.updateTable('compounds').set({
    street_code: d.street_code, community_code: d.community_code, name: d.name, address: d.address,
    households: d.households, residents: d.residents, geom: pointOrNull(d.lon, d.lat), ...(status ? { status } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await lockCompound(trx, id))!;
}

export async function setCompoundStatus(trx: Transaction<Database>, id: number, status: 'active' | 'closed'): Promise<CompoundRow> {
  await trx.updateTable('compounds').set({ status, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
  return (await lockCompound(trx, id))!;
}

export async function insertGate(trx: Transaction<Database>, d: GateDraft): Promise<GateRow> {
  const { id } = await trx.insertInto('compound_gates').values({
    compound_id: d.compound_id, name: d.name, step_free: d.step_free, geom: pointOrNull(d.lon, d.lat), is_sample: false,
  }).returning('id').executeTakeFirstOrThrow();
  return (await lockGate(trx, id))!;
}

export async function updateGate(trx: Transaction<Database>, id: number, d: GateDraft, status?: 'active' | 'closed'): Promise<GateRow> {
  await trx.updateTable('compound_gates').set({
    compound_id: d.compound_id, name: d.name, step_free: d.step_free, geom: pointOrNull(d.lon, d.lat), ...(status ? { status } : {}),
    version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await lockGate(trx, id))!;
}

export async function setGateStatus(trx: Transaction<Database>, id: number, status: 'active' | 'closed'): Promise<GateRow> {
  await trx.updateTable('compound_gates').set({ status, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
  return (await lockGate(trx, id))!;
}
