// The rotation service: a month's proposal for a street from its compounds, their coverage gaps and
// last visits (planner.ts does the choosing), and the check of a published proposal's visits, each
// as strict as a single visit write and all in the rotation's street.
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { badRequest } from '../http/errors.ts';
import { invalidInput } from '../records/editing.ts';
import { DEFAULT_PROFILE } from '../records/schemas.ts';
import type { FieldIssue } from '../records/validation.ts';
import { coverageGapsByCompound, GAP_SOURCE } from './coverageGaps.ts';
import { addDays, datesOfMonth, fromLocal, localToday, nextMonth, toLocal } from '../localTime.ts';
import { proposeRotation, type PlannerCompound } from './planner.ts';
import { lastVisitByCompound, listVisits, loadServices, rotationCompounds, type ServiceRef } from './repository.ts';
import type { PlaceInput, RotationProposal, RotationPublishBody, RotationQuery } from './schemas.ts';
import { checkServices, visitDraft, type PlaceRules, type VisitDraft } from './validation.ts';

const DEFAULT_ROTATION = { start_time: '09:00', end_time: '11:30', services: ['policy', 'anti_fraud'] };

type Compound = Awaited<ReturnType<typeof rotationCompounds>>[number];

/** Where a desk for the compound stands: its board site, else a gate, else its own point; null when it has no place. */
function compoundPlace(c: Compound): { place: PlaceInput; placeName: string } | null {
  if (c.site_id) return { place: { kind: 'site', site_id: c.site_id }, placeName: c.site_name! };
  if (c.gate_id) return { place: { kind: 'gate', gate_id: c.gate_id }, placeName: `${c.name}${c.gate_name}` };
  if (c.lon !== null && c.lat !== null) return { place: { kind: 'point', lon: Number(c.lon), lat: Number(c.lat), name: c.name, compound_id: c.id }, placeName: c.name };
  return null;
}

/** The query's month, services and time window, with the defaults filled in (400 naming the field when wrong). */
function rotationSettings(q: RotationQuery, services: ServiceRef[], today: string) {
  const month = q.month ?? nextMonth(today);
  if (month < today.slice(0, 7)) throw badRequest('month', 'must be this month or later', 'month：只能规划本月或以后的月份');
  const issues: FieldIssue[] = [];
  const baseServices = checkServices(q.services ? q.services.split(',').map((s) => s.trim()) : DEFAULT_ROTATION.services, services, issues);
  if (issues.length) throw invalidInput(issues);
  const startTime = q.start_time ?? DEFAULT_ROTATION.start_time;
  const endTime = q.end_time ?? DEFAULT_ROTATION.end_time;
  if (endTime <= startTime) throw badRequest('end_time', `must be after ${startTime}`, `end_time：须晚于 ${startTime}`);
  return { month, baseServices, startTime, endTime };
}

/** Proposes a month of visits for a street (nothing is saved). */
export async function rotationProposal(app: FastifyInstance, q: RotationQuery): Promise<RotationProposal> {
  const today = localToday();
  const services = await loadServices(app.db);
  const { month, baseServices, startTime, endTime } = rotationSettings(q, services, today);
  const profile = q.profile ?? DEFAULT_PROFILE;
  const compounds = await rotationCompounds(app.db, q.street, q.community);

  const monthDates = datesOfMonth(month);
  const monthStart = fromLocal(monthDates[0], '00:00');
  const monthEnd = fromLocal(addDays(monthDates[monthDates.length - 1], 1), '00:00');
  const [gaps, lastVisits, monthVisits] = await Promise.all([
    coverageGapsByCompound(app, compounds.map((c) => c.id), profile),
    lastVisitByCompound(app.db, q.street, monthStart),
    listVisits(app.db, { street: q.street, from: monthStart, to: monthEnd, status: 'scheduled' }),
  ]);
  const visitedInMonth = new Set(monthVisits.map((v) => v.compound_id).filter((id): id is number => id !== null));
  const skipped: { compound_id: number; compound_name: string; reason: string }[] = [];
  const plannerCompounds: PlannerCompound[] = [];
  for (const c of compounds) {
    const where = compoundPlace(c);
    if (!where) { skipped.push({ compound_id: c.id, compound_name: c.name, reason: '小区没有位置，无法安排' }); continue; }
    const last = lastVisits.get(c.id);
    plannerCompounds.push({
      id: c.id, name: c.name, community_code: c.community_code, residents: c.residents, place: where.place, place_name: where.placeName,
      gap_categories: gaps.get(c.id)?.gap_categories ?? [], last_visit_date: last ? toLocal(last).date : null,
      visited_in_month: visitedInMonth.has(c.id),
    });
  }
  const proposal = proposeRotation(plannerCompounds, {
    street_code: q.street, month, visits: q.visits ?? 3,
    weekdays: (q.weekdays ?? '1,2,3,4,5').split(',').map(Number), start_time: startTime, end_time: endTime,
    base_services: baseServices, services, busy_dates: new Set(monthVisits.map((v) => toLocal(v.starts_at).date)), today,
  });
  return {
    street_code: q.street, month, profile, cycle_months: proposal.cycle_months, visits: proposal.visits,
    ranking: proposal.ranking, skipped: [...skipped, ...proposal.skipped], gap_source: GAP_SOURCE,
  };
}

/**
 * Checks every visit of a published proposal (throws invalidInput naming `visits.N.…`). Each is checked
 * like a single write: its street comes from its place (a site or gate of another street carries that
 * street), so the body's street_code alone proves nothing; `assertAccess` refuses a street the editor may not write.
 */
export async function rotationDrafts(
  trx: Transaction<Database>, body: RotationPublishBody, services: ServiceRef[], where: PlaceRules,
  assertAccess: (streetCode: string, field: string) => void,
): Promise<VisitDraft[]> {
  const issues: FieldIssue[] = [];
  const drafts: VisitDraft[] = [];
  for (const [i, input] of body.visits.entries()) {
    // A site or gate carries its own street; only a bare map point takes the rotation's.
    const street_code = input.street_code ?? (input.place.kind === 'point' ? body.street_code : undefined);
    const draft = await visitDraft(trx, { ...input, street_code }, services, where, issues, `visits.${i}.`);
    if (!draft) continue;
    const field = `visits.${i}.${input.street_code ? 'street_code' : 'place'}`;
    assertAccess(draft.street_code, field);
    if (draft.street_code !== body.street_code) {
      issues.push({ field, message: `${field}: is in street ${draft.street_code}, not in ${body.street_code} (one street per rotation)`, message_zh: `${field}：不在本次轮换的街道 ${body.street_code} 内` });
      continue;
    }
    drafts.push(draft);
  }
  if (issues.length) throw invalidInput(issues);
  return drafts;
}
