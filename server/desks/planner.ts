// The rotation planner: proposes a month of desk visits for a street. Pure: compounds with their gaps
// and last visits in, a proposal out (nothing is stored until staff publish it).
//
// Rotation first, need second: at k visits a month, visiting every one of N compounds takes
// ceil(N / k) months (the cycle). A compound not visited within the current cycle is "due"; due
// compounds come first, and among them those with the most coverage gaps, then the longest since their
// last visit, then the most residents. Visit dates are spread evenly over the allowed weekdays.
import { datesOfMonth, daysBetween, weekdayOf, WEEKDAY_ZH } from '../localTime.ts';
import type { PlaceInput } from './schemas.ts';
import type { ServiceRef } from './repository.ts';

export interface PlannerCompound {
  id: number;
  name: string;
  community_code: string | null;
  residents: number | null;
  /** Where a desk for this compound stands: its board site, else a gate, else its own point. */
  place: PlaceInput;
  place_name: string;
  gap_categories: string[];
  /** Local date of the last visit before the month (not cancelled), or null. */
  last_visit_date: string | null;
  /** Already has a visit in the month being planned. */
  visited_in_month: boolean;
}

export interface PlannerOptions {
  street_code: string;
  /** YYYY-MM */
  month: string;
  visits: number;
  /** ISO weekdays allowed (1 = Monday). */
  weekdays: number[];
  start_time: string;
  end_time: string;
  /** Services every visit offers. */
  base_services: string[];
  /** The office's list: services that stand in for a missing category are added where that gap exists. */
  services: readonly ServiceRef[];
  /** Local dates that already have a visit in the street (avoided when possible). */
  busy_dates: ReadonlySet<string>;
  /** Dates on or before this local date are not proposed. */
  today: string;
}

export interface CompoundRank {
  compound_id: number;
  compound_name: string;
  community_code: string | null;
  gap_count: number;
  gap_categories: string[];
  last_visit_date: string | null;
  days_since_last_visit: number | null;
  due: boolean;
  residents: number | null;
  rank: number;
}

export interface ProposedVisit {
  street_code: string;
  date: string;
  weekday_zh: string;
  start_time: string;
  end_time: string;
  place: PlaceInput;
  place_name: string;
  compound_id: number;
  compound_name: string;
  services: string[];
  reason: CompoundRank;
}

export interface Proposal {
  cycle_months: number;
  visits: ProposedVisit[];
  ranking: CompoundRank[];
  skipped: { compound_id: number; compound_name: string; reason: string }[];
}

/** First day of the month `months` before "YYYY-MM". */
function monthStartBefore(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** `count` dates spread evenly over the candidates (which are in date order). */
export function spreadDates(candidates: readonly string[], count: number): string[] {
  if (!candidates.length || count <= 0) return [];
  return Array.from({ length: count }, (_, i) => candidates[Math.min(candidates.length - 1, Math.floor(((i + 0.5) * candidates.length) / count))]);
}

export function proposeRotation(compounds: readonly PlannerCompound[], o: PlannerOptions): Proposal {
  const monthStart = `${o.month}-01`;
  const visitsPerMonth = Math.max(1, o.visits);
  const cycleMonths = Math.max(1, Math.ceil(compounds.length / visitsPerMonth));
  // Visits on or after this date belong to the current cycle.
  const cycleStart = monthStartBefore(o.month, cycleMonths - 1);

  const skipped = compounds.filter((c) => c.visited_in_month)
    .map((c) => ({ compound_id: c.id, compound_name: c.name, reason: '本月已安排流动办公桌' }));
  const ranking: CompoundRank[] = compounds.filter((c) => !c.visited_in_month).map((c) => ({
    compound_id: c.id,
    compound_name: c.name,
    community_code: c.community_code,
    gap_count: c.gap_categories.length,
    gap_categories: c.gap_categories,
    last_visit_date: c.last_visit_date,
    days_since_last_visit: c.last_visit_date ? daysBetween(c.last_visit_date, monthStart) : null,
    due: c.last_visit_date === null || c.last_visit_date < cycleStart,
    residents: c.residents,
    rank: 0,
  }));
  ranking.sort((a, b) =>
    Number(b.due) - Number(a.due)
    || b.gap_count - a.gap_count
    || (b.days_since_last_visit ?? Infinity) - (a.days_since_last_visit ?? Infinity)
    || (b.residents ?? 0) - (a.residents ?? 0)
    || a.compound_id - b.compound_id);
  ranking.forEach((r, i) => { r.rank = i + 1; });

  const chosen = ranking.slice(0, o.visits);
  const allowed = datesOfMonth(o.month).filter((d) => d > o.today && o.weekdays.includes(weekdayOf(d)));
  const free = allowed.filter((d) => !o.busy_dates.has(d));
  const dates = spreadDates(free.length >= chosen.length ? free : allowed, chosen.length);

  const byId = new Map(compounds.map((c) => [c.id, c]));
  const activeServices = o.services.filter((s) => s.active);
  const visits = chosen.map((rank, i): ProposedVisit | null => {
    const date = dates[i];
    if (!date) return null;
    const c = byId.get(rank.compound_id)!;
    const filling = activeServices.filter((s) => s.fills_category && c.gap_categories.includes(s.fills_category)).map((s) => s.id);
    const services = [...new Set([...o.base_services, ...filling])].slice(0, 12);
    return {
      street_code: o.street_code, date, weekday_zh: WEEKDAY_ZH[weekdayOf(date)], start_time: o.start_time, end_time: o.end_time,
      place: c.place, place_name: c.place_name, compound_id: c.id, compound_name: c.name, services, reason: rank,
    };
  }).filter((v): v is ProposedVisit => v !== null);
  return { cycle_months: cycleMonths, visits, ranking, skipped };
}
