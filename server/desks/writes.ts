// SQL for changing desk visits and plans. A plan's occurrences are stored as visits up to a horizon
// (PLAN_HORIZON_DAYS ahead) so that each can be cancelled, moved or collect requests; editing the plan
// rewrites its future occurrences that nobody touched by hand, and an occurrence the new rule no longer
// produces is cancelled (it was announced: residents should see it called off, not vanish).
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { addDays, localToday } from '../localTime.ts';
import { expandPlan } from './recurrence.ts';
import { getPlan, getVisit, type PlanRow, type VisitRow } from './repository.ts';
import type { PlanDraft, ResolvedPlace, VisitDraft } from './validation.ts';

type Trx = Transaction<Database>;

/** How far ahead a plan's occurrences are stored; an open-ended plan is topped up daily. */
export const PLAN_HORIZON_DAYS = 180;
/** The reason shown on an occurrence that a plan edit dropped. */
export const PLAN_CHANGED_REASON = '计划调整，本次取消';

const pointGeom = (lon: number, lat: number) => sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;

const placeColumns = (p: ResolvedPlace) => ({
  place_kind: p.place_kind, site_id: p.site_id, gate_id: p.gate_id, compound_id: p.compound_id,
  place_name: p.place_name, geom: pointGeom(p.lon, p.lat),
});

export async function insertVisit(trx: Trx, draft: VisitDraft, origin: 'manual' | 'rotation', staffId: number | null): Promise<VisitRow> {
  const { id } = await trx.insertInto('desk_visits').values({
    street_code: draft.street_code, origin, plan_id: null, occurrence_date: null,
    starts_at: draft.starts_at, ends_at: draft.ends_at, ...placeColumns(draft.place),
    services: JSON.stringify(draft.services), partners: JSON.stringify(draft.partners),
    contact_phone: draft.contact_phone, note: draft.note, created_by: staffId,
  }).returning('id').executeTakeFirstOrThrow();
  return (await getVisit(trx, id, true))!;
}

/** An edit by hand; an occurrence of a plan becomes detached, so later plan edits leave it alone. */
export async function updateVisit(trx: Trx, id: number, draft: VisitDraft): Promise<VisitRow> {
  await trx.updateTable('desk_visits').set({
    street_code: draft.street_code, starts_at: draft.starts_at, ends_at: draft.ends_at, ...placeColumns(draft.place),
    services: JSON.stringify(draft.services), partners: JSON.stringify(draft.partners),
    contact_phone: draft.contact_phone, note: draft.note,
    detached: sql<boolean>`plan_id is not null`, version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await getVisit(trx, id, true))!;
}

export async function setVisitStatus(trx: Trx, id: number, status: 'scheduled' | 'cancelled', reason: string | null): Promise<VisitRow> {
  await trx.updateTable('desk_visits').set({
    status, cancel_reason: status === 'cancelled' ? reason : null,
    detached: sql<boolean>`plan_id is not null`, version: sql`version + 1`, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
  return (await getVisit(trx, id, true))!;
}

const planColumns = (d: PlanDraft) => ({
  street_code: d.street_code, title: d.title, rrule: d.rule, start_date: d.start_date, until_date: d.until_date,
  start_time: d.start_time, end_time: d.end_time, ...placeColumns(d.place),
  services: JSON.stringify(d.services), partners: JSON.stringify(d.partners), contact_phone: d.contact_phone, note: d.note,
});

/** `isSample` only for the sample set (server/seed/): its occurrences are then sample visits too. */
export async function insertPlan(trx: Trx, draft: PlanDraft, staffId: number | null, isSample = false): Promise<PlanRow> {
  const { id } = await trx.insertInto('desk_plans').values({ ...planColumns(draft), created_by: staffId, is_sample: isSample })
    .returning('id').executeTakeFirstOrThrow();
  return (await getPlan(trx, id, true))!;
}

export async function updatePlan(trx: Trx, id: number, draft: PlanDraft): Promise<PlanRow> {
  await trx.updateTable('desk_plans').set({ ...planColumns(draft), version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id).execute();
  return (await getPlan(trx, id, true))!;
}

export interface MaterializeResult { created: number; updated: number; cancelled: number; reinstated: number }

/**
 * Brings a plan's stored occurrences in line with the plan, from `now` to the horizon. Past visits and
 * visits edited or cancelled by hand (detached) are never touched. With `extendOnly`, only occurrences
 * after the current horizon are added (the daily top-up).
 */
export async function materializePlan(trx: Trx, plan: PlanRow, now = new Date(), extendOnly = false): Promise<MaterializeResult> {
  const result: MaterializeResult = { created: 0, updated: 0, cancelled: 0, reinstated: 0 };
  const today = localToday(now);
  const horizon = addDays(today, PLAN_HORIZON_DAYS);
  const until = plan.until_date && plan.until_date < horizon ? plan.until_date : horizon;
  const from = extendOnly && plan.materialized_until ? addDays(plan.materialized_until, 1) : plan.start_date;
  const wanted = plan.status === 'active' && from <= until
    ? expandPlan({ rule: plan.rrule, startDate: plan.start_date, untilDate: plan.until_date, startTime: plan.start_time, endTime: plan.end_time }, from, until)
    : [];
  const future = wanted.filter((o) => o.startsAt > now);

  const existing = await trx.selectFrom('desk_visits')
    .select(['id', 'status', 'detached', 'cancel_reason', sql<string>`to_char(occurrence_date, 'YYYY-MM-DD')`.as('date')])
    .where('plan_id', '=', plan.id).where('starts_at', '>', now).execute();
  const byDate = new Map(existing.map((e) => [e.date, e]));
  const wantedDates = new Set(future.map((o) => o.date));
  const shared = {
    street_code: plan.street_code, place_kind: plan.place_kind, site_id: plan.site_id, gate_id: plan.gate_id,
    compound_id: plan.compound_id, place_name: plan.place_name, geom: pointGeom(plan.lon, plan.lat),
    services: JSON.stringify(plan.services), partners: JSON.stringify(plan.partners),
    contact_phone: plan.contact_phone, note: plan.note, is_sample: plan.is_sample,
  };

  const fresh = future.filter((o) => !byDate.has(o.date));
  if (fresh.length) {
    const inserted = await trx.insertInto('desk_visits').values(fresh.map((o) => ({
      ...shared, origin: 'plan' as const, plan_id: plan.id, occurrence_date: o.date, starts_at: o.startsAt, ends_at: o.endsAt,
    }))).onConflict((oc) => oc.columns(['plan_id', 'occurrence_date']).doNothing()).returning('id').execute();
    result.created = inserted.length;
  }
  for (const o of future) {
    const row = byDate.get(o.date);
    if (!row) continue;
    if (row.detached || extendOnly) continue;
    const reinstate = row.status === 'cancelled' && row.cancel_reason === PLAN_CHANGED_REASON;
    if (row.status === 'cancelled' && !reinstate) continue;
    await trx.updateTable('desk_visits').set({
      ...shared, starts_at: o.startsAt, ends_at: o.endsAt, status: 'scheduled', cancel_reason: null,
      version: sql`version + 1`, updated_at: sql`now()`,
    }).where('id', '=', row.id).execute();
    if (reinstate) result.reinstated += 1; else result.updated += 1;
  }
  if (!extendOnly) {
    const dropped = existing.filter((e) => !e.detached && e.status === 'scheduled' && !wantedDates.has(e.date)).map((e) => e.id);
    if (dropped.length) {
      await trx.updateTable('desk_visits').set({
        status: 'cancelled', cancel_reason: PLAN_CHANGED_REASON, version: sql`version + 1`, updated_at: sql`now()`,
      }).where('id', 'in', dropped).execute();
      result.cancelled = dropped.length;
    }
  }
  await trx.updateTable('desk_plans').set({ materialized_until: until }).where('id', '=', plan.id).execute();
  return result;
}

/** Ends a plan: its future scheduled occurrences show as cancelled with the reason given. */
export async function closePlan(trx: Trx, plan: PlanRow, reason: string, now = new Date()): Promise<{ plan: PlanRow; cancelled: number }> {
  const rows = await trx.updateTable('desk_visits').set({
    status: 'cancelled', cancel_reason: reason, version: sql`version + 1`, updated_at: sql`now()`,
  }).where('plan_id', '=', plan.id).where('starts_at', '>', now).where('status', '=', 'scheduled')
    .returning('id').execute();
  await trx.updateTable('desk_plans').set({ status: 'closed', version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', plan.id).execute();
  return { plan: (await getPlan(trx, plan.id, true))!, cancelled: rows.length };
}
