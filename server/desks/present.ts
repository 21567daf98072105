// Turns stored visits and plans into API answers: local date and time, weekday, service names, the
// recurrence in words. Public answers are built field by field, so nothing private can ride along.
import { describeRule } from './recurrence.ts';
import { toLocal, WEEKDAY_ZH } from '../localTime.ts';
import type { FastifyInstance } from 'fastify';
import { loadServices, type PlanRow, type ServiceRef, type VisitCounts, type VisitRow } from './repository.ts';
import type { Plan, PlaceInput, PlanCreateBody, PublicVisit, StaffVisit, VisitCreateBody } from './schemas.ts';

export type ServiceNames = Map<string, ServiceRef>;

export function serviceTerms(ids: readonly string[], names: ServiceNames) {
  return ids.map((id) => {
    const s = names.get(id);
    return { id, name_zh: s?.name_zh ?? id, name_en: s?.name_en ?? id };
  });
}

const ruleWords = new Map<string, { rule: string; zh: string; en: string }>();
function recurrence(rule: string | null) {
  if (!rule) return null;
  let words = ruleWords.get(rule);
  if (!words) {
    try { words = { rule, ...describeRule(rule) }; } catch { words = { rule, zh: rule, en: rule }; }
    ruleWords.set(rule, words);
  }
  return words;
}

export function publicVisit(row: VisitRow, names: ServiceNames): PublicVisit {
  const start = toLocal(row.starts_at);
  const end = toLocal(row.ends_at);
  return {
    id: row.id,
    status: row.status,
    cancel_reason: row.status === 'cancelled' ? row.cancel_reason : null,
    origin: row.origin,
    plan_id: row.plan_id,
    recurrence: row.plan_id && !row.detached ? recurrence(row.plan_rule) : null,
    date: start.date,
    weekday: start.weekday,
    weekday_zh: WEEKDAY_ZH[start.weekday],
    start_time: start.time,
    end_time: end.date === start.date ? end.time : '24:00',
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    street_code: row.street_code,
    street_name: row.street_name,
    place: {
      kind: row.place_kind, name: row.place_name, site_id: row.site_id, gate_id: row.gate_id,
      compound_id: row.compound_id, compound_name: row.compound_name, lon: row.lon, lat: row.lat,
    },
    services: serviceTerms(row.services, names),
    partners: row.partners,
    contact_phone: row.contact_phone,
    note: row.note,
    is_sample: row.is_sample,
    ...(row.is_sample ? { sample_label: '示例' } : {}),
  };
}

const EMPTY_COUNTS: VisitCounts = { received: 0, resolved_on_site: 0, closed_later: 0, open: 0 };

/** The way offices report a desk: "收集诉求20件，现场办结10件". */
export function visitReport(counts: VisitCounts = EMPTY_COUNTS) {
  return {
    ...counts,
    summary_zh: `收集诉求${counts.received}件，现场办结${counts.resolved_on_site}件，后续办结${counts.closed_later}件，办理中${counts.open}件`,
    summary_en: `${counts.received} requests received, ${counts.resolved_on_site} resolved on site, ${counts.closed_later} closed later, ${counts.open} open`,
  };
}

export function staffVisit(row: VisitRow, names: ServiceNames, counts?: VisitCounts): StaffVisit {
  return {
    ...publicVisit(row, names),
    version: row.version,
    detached: row.detached,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    report: visitReport(counts),
  };
}

/** What the audit log keeps of a visit. */
export function visitSnapshot(row: VisitRow) {
  return {
    id: row.id, street_code: row.street_code, origin: row.origin, plan_id: row.plan_id, occurrence_date: row.occurrence_date,
    status: row.status, cancel_reason: row.cancel_reason, starts_at: row.starts_at.toISOString(), ends_at: row.ends_at.toISOString(),
    place_kind: row.place_kind, site_id: row.site_id, gate_id: row.gate_id, compound_id: row.compound_id, place_name: row.place_name,
    lon: row.lon, lat: row.lat, services: row.services, partners: row.partners, contact_phone: row.contact_phone, note: row.note,
    detached: row.detached, version: row.version,
  };
}

export function planSnapshot(row: PlanRow) {
  return {
    id: row.id, street_code: row.street_code, title: row.title, rule: row.rrule, start_date: row.start_date, until_date: row.until_date,
    start_time: row.start_time, end_time: row.end_time, place_kind: row.place_kind, site_id: row.site_id, gate_id: row.gate_id,
    compound_id: row.compound_id, place_name: row.place_name, lon: row.lon, lat: row.lat, services: row.services,
    partners: row.partners, contact_phone: row.contact_phone, note: row.note, status: row.status, version: row.version,
  };
}

export function presentPlan(row: PlanRow, names: ServiceNames, nextDates: Plan['next_dates']): Plan {
  const words = recurrence(row.rrule)!;
  return {
    id: row.id, street_code: row.street_code, title: row.title, rule: row.rrule, rule_zh: words.zh, rule_en: words.en,
    start_date: row.start_date, until_date: row.until_date, start_time: row.start_time, end_time: row.end_time,
    place: {
      kind: row.place_kind, name: row.place_name, site_id: row.site_id, gate_id: row.gate_id,
      compound_id: row.compound_id, compound_name: row.compound_name, lon: row.lon, lat: row.lat,
    },
    services: serviceTerms(row.services, names), partners: row.partners, contact_phone: row.contact_phone, note: row.note,
    materialized_until: row.materialized_until, status: row.status, is_sample: row.is_sample, version: row.version,
    updated_at: new Date(row.updated_at).toISOString(), next_dates: nextDates,
  };
}

/** The services by id, for presenting visits. */
export async function serviceNames(app: FastifyInstance): Promise<ServiceNames> {
  return new Map((await loadServices(app.db)).map((s) => [s.id, s]));
}

/** A visit's fields in the create-body shape, for merging a PATCH. */
export function visitAsInput(row: VisitRow): VisitCreateBody {
  const start = toLocal(row.starts_at);
  return {
    street_code: row.street_code, date: start.date, start_time: start.time, end_time: toLocal(row.ends_at).time,
    place: placeAsInput(row), services: row.services, partners: row.partners, contact_phone: row.contact_phone, note: row.note,
  };
}

/** A stored place as the body's place reference. */
export function placeAsInput(row: Pick<VisitRow, 'place_kind' | 'site_id' | 'gate_id' | 'lon' | 'lat' | 'place_name' | 'compound_id'>): PlaceInput {
  if (row.place_kind === 'site') return { kind: 'site', site_id: row.site_id!, compound_id: row.compound_id };
  if (row.place_kind === 'gate') return { kind: 'gate', gate_id: row.gate_id! };
  return { kind: 'point', lon: row.lon, lat: row.lat, crs: 'WGS84', name: row.place_name, compound_id: row.compound_id };
}

/** A plan's fields in the create-body shape, for merging a PATCH. */
export function planAsInput(row: PlanRow): PlanCreateBody {
  return {
    street_code: row.street_code, title: row.title, rule: row.rrule, start_date: row.start_date, until_date: row.until_date,
    start_time: row.start_time, end_time: row.end_time, place: placeAsInput(row), services: row.services,
    partners: row.partners, contact_phone: row.contact_phone, note: row.note,
  };
}
