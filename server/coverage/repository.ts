// SQL for coverage: the compounds and gates the analysis walks from, and the per-street settings
// (target overrides, incomplete marks) with their audited writes.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordAudit } from '../records/audit.ts';
import type { CoverageCompound } from './analysis.ts';
import type { IncompleteMark, TargetOverride } from './targets.ts';
import type { ScenarioPoint } from './scenarios.ts';

export interface CoverageCompoundRow extends CoverageCompound { is_sample: boolean }

/** Active compounds (optionally of one street) with their active gates, in id order. */
export async function loadCompounds(db: Kysely<Database>, street?: string): Promise<CoverageCompoundRow[]> {
  let compoundQuery = db.selectFrom('compounds').select([
    'id', 'name', 'street_code', 'community_code', 'households', 'residents', 'is_sample',
    sql<number | null>`ST_X(geom)`.as('lon'), sql<number | null>`ST_Y(geom)`.as('lat'),
  ]).where('status', '=', 'active').orderBy('id');
  let gateQuery = db.selectFrom('compound_gates as g').innerJoin('compounds as c', 'c.id', 'g.compound_id').select([
    'g.id', 'g.compound_id', 'g.name', 'g.step_free',
    sql<number>`ST_X(g.geom)`.as('lon'), sql<number>`ST_Y(g.geom)`.as('lat'),
  ]).where('g.status', '=', 'active').where('c.status', '=', 'active').orderBy('g.id');
  if (street) {
    compoundQuery = compoundQuery.where('street_code', '=', street);
    gateQuery = gateQuery.where('c.street_code', '=', street);
  }
  const [compounds, gates] = await Promise.all([compoundQuery.execute(), gateQuery.execute()]);
  const byCompound = new Map<number, CoverageCompound['gates']>();
  for (const g of gates) {
    if (!byCompound.has(g.compound_id)) byCompound.set(g.compound_id, []);
    byCompound.get(g.compound_id)!.push({ id: g.id, name: g.name, step_free: g.step_free, lon: Number(g.lon), lat: Number(g.lat) });
  }
  return compounds.map((c) => ({
    ...c,
    households: c.households === null ? null : Number(c.households),
    residents: c.residents === null ? null : Number(c.residents),
    lon: c.lon === null ? null : Number(c.lon),
    lat: c.lat === null ? null : Number(c.lat),
    gates: byCompound.get(c.id) ?? [],
  }));
}

export async function loadStreets(db: Kysely<Database>): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('streets').select(['code', 'name']).orderBy('code').execute();
}

export async function loadSettingRows(db: Kysely<Database>): Promise<{ overrides: TargetOverride[]; incomplete: IncompleteMark[] }> {
  const [overrides, incomplete] = await Promise.all([
    db.selectFrom('coverage_target_overrides').select(['street_code', 'category_id', 'profile_id', 'minutes']).execute(),
    db.selectFrom('coverage_incomplete_categories').select(['street_code', 'category_id', 'note']).execute(),
  ]);
  return { overrides: overrides.map((o) => ({ ...o, minutes: Number(o.minutes) })), incomplete };
}

export interface StreetCategorySetting {
  /** Minutes per profile; "default" removes the street's override. */
  targets?: Record<string, number | 'default'>;
  incomplete?: boolean;
  note?: string | null;
}

export interface StreetCategoryState {
  street_code: string;
  category_id: string;
  targets: Record<string, number>;
  incomplete: boolean;
  note: string | null;
}

async function readState(trx: Transaction<Database> | Kysely<Database>, street: string, category: string): Promise<StreetCategoryState> {
  const [targets, mark] = await Promise.all([
    trx.selectFrom('coverage_target_overrides').select(['profile_id', 'minutes'])
      .where('street_code', '=', street).where('category_id', '=', category).orderBy('profile_id').execute(),
    trx.selectFrom('coverage_incomplete_categories').select(['note'])
      .where('street_code', '=', street).where('category_id', '=', category).executeTakeFirst(),
  ]);
  return {
    street_code: street, category_id: category,
    targets: Object.fromEntries(targets.map((t) => [t.profile_id, Number(t.minutes)])),
    incomplete: mark !== undefined, note: mark?.note ?? null,
  };
}

/** Apply one street's setting for one category, audited in the same transaction; returns the new state. */
export async function saveStreetCategorySetting(
  db: Kysely<Database>, staff: { id: number; username: string }, street: string, category: string, change: StreetCategorySetting,
): Promise<StreetCategoryState> {
  return db.transaction().execute(async (trx) => {
    const before = await readState(trx, street, category);
    for (const [profile, minutes] of Object.entries(change.targets ?? {})) {
      if (minutes === 'default') {
        await trx.deleteFrom('coverage_target_overrides')
          .where('street_code', '=', street).where('category_id', '=', category).where('profile_id', '=', profile).execute();
      } else {
        await trx.insertInto('coverage_target_overrides')
          .values({ street_code: street, category_id: category, profile_id: profile, minutes, updated_by: staff.id })
          .onConflict((oc) => oc.columns(['street_code', 'category_id', 'profile_id'])
            .doUpdateSet({ minutes, updated_by: staff.id, updated_at: sql`now()` }))
          .execute();
      }
    }
    if (change.incomplete === false) {
      await trx.deleteFrom('coverage_incomplete_categories').where('street_code', '=', street).where('category_id', '=', category).execute();
    } else if (change.incomplete === true || (change.note !== undefined && before.incomplete)) {
      const note = change.note !== undefined ? change.note : before.note;
      await trx.insertInto('coverage_incomplete_categories')
        .values({ street_code: street, category_id: category, note, marked_by: staff.id })
        .onConflict((oc) => oc.columns(['street_code', 'category_id']).doUpdateSet({ note, marked_by: staff.id, marked_at: sql`now()` }))
        .execute();
    }
    const after = await readState(trx, street, category);
    await recordAudit(trx, {
      staff, action: 'update', entity: 'coverage_setting', entity_id: `${street}/${category}`, street_code: street, before, after,
    });
    return after;
  });
}

// ---- planning scenarios ---------------------------------------------------------------------------

export interface ScenarioRow {
  id: number;
  street_code: string;
  name: string;
  note: string | null;
  profile_id: string;
  points: ScenarioPoint[];
  status: 'active' | 'deleted';
  version: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

const scenarioColumns = ['id', 'street_code', 'name', 'note', 'profile_id', 'points', 'status', 'version', 'created_by', 'created_at', 'updated_at'] as const;
const asScenario = (row: Record<string, unknown>): ScenarioRow => ({
  ...(row as unknown as ScenarioRow),
  points: (typeof row.points === 'string' ? JSON.parse(row.points) : row.points) as ScenarioPoint[],
});

export async function listScenarios(db: Kysely<Database>, street?: string): Promise<ScenarioRow[]> {
  let q = db.selectFrom('coverage_scenarios').select(scenarioColumns).where('status', '=', 'active').orderBy('id');
  if (street) q = q.where('street_code', '=', street);
  return (await q.execute()).map(asScenario);
}

export async function findScenario(db: Kysely<Database> | Transaction<Database>, id: number, lock = false): Promise<ScenarioRow | undefined> {
  let q = db.selectFrom('coverage_scenarios').select(scenarioColumns).where('id', '=', id).where('status', '=', 'active');
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? asScenario(row) : undefined;
}

export async function insertScenario(
  trx: Transaction<Database>, staffId: number, s: { street_code: string; name: string; note: string | null; profile_id: string; points: ScenarioPoint[] },
): Promise<ScenarioRow> {
  const { id } = await trx.insertInto('coverage_scenarios')
    .values({ ...s, points: JSON.stringify(s.points), created_by: staffId }).returning('id').executeTakeFirstOrThrow();
  return (await findScenario(trx, id))!;
}

export async function updateScenario(
  trx: Transaction<Database>, id: number, s: { name: string; note: string | null; profile_id: string; points: ScenarioPoint[]; status?: 'deleted' },
): Promise<ScenarioRow | undefined> {
  await trx.updateTable('coverage_scenarios').set({
    name: s.name, note: s.note, profile_id: s.profile_id, points: JSON.stringify(s.points),
    ...(s.status ? { status: s.status } : {}), version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  const row = await trx.selectFrom('coverage_scenarios').select(scenarioColumns).where('id', '=', id).executeTakeFirst();
  return row ? asScenario(row) : undefined;
}
