// Coverage analysis (缺什么补什么): for every compound and category, the walking minutes from the
// compound's best gate to the nearest active point of that category, against the street's target.
// One multi-source search per category over the whole network (WalkingEngine.batchNearest), so the
// whole district costs about as much as one street. Pure: an engine and rows in, rows and tallies out.
import type { WalkingEngine, BatchOrigin } from '../network/walkingEngine.ts';
import type { CategorisedPoint } from '../network/servicePoints.ts';
import type { CoverageSettings } from './targets.ts';

/** A service point as the engine's index holds it; the name rides along when the index has it. */
export interface CoveragePoint extends CategorisedPoint { name?: string }

export interface CoverageGate { id: number; name: string; lon: number; lat: number; step_free: boolean }

export interface CoverageCompound {
  id: number;
  name: string;
  street_code: string;
  community_code: string | null;
  households: number | null;
  residents: number | null;
  /** The compound's own location, used only when it has no gate. */
  lon: number | null;
  lat: number | null;
  /** Active gates. */
  gates: CoverageGate[];
}

export type CoverageStatus = 'covered' | 'gap' | 'unknown';

/**
 * Why a row is what it is, when the minutes alone do not say it:
 * - incomplete_data: the street marked this category's data incomplete (status unknown);
 * - no_point: no active point of the category can be reached at all (gap);
 * - no_step_free_gate: the profile avoids steps and the compound has no step-free gate (gap);
 * - off_network / no_location: the compound cannot be placed on the walking network (unknown).
 */
export type CoverageNote = 'incomplete_data' | 'no_point' | 'no_step_free_gate' | 'off_network' | 'no_location';

export interface CoverageRow {
  compound_id: number;
  compound_name: string;
  street_code: string;
  community_code: string | null;
  households: number | null;
  residents: number | null;
  category: string;
  /** Walking minutes (one decimal) from the best gate to the nearest active point; null if none. */
  walk_min: number | null;
  walk_m: number | null;
  target_min: number;
  target_source: 'default' | 'street';
  /** True when the compound lacks the category within its target (status 'gap'). */
  gap: boolean;
  /** Minutes beyond the target (gap rows with a reachable point). */
  over_min: number | null;
  status: CoverageStatus;
  note: CoverageNote | null;
  nearest: { id: number | string; name: string | null } | null;
  /** The gate the minutes are measured from (null for a compound measured from its own location). */
  gate: { id: number | null; name: string } | null;
}

/** One place a compound's walks may start from. */
export interface CoverageOrigin {
  compound: number;
  gateId: number | null;
  gateName: string;
  lon: number;
  lat: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Whether a profile forbids steps, so that only step-free gates may be used. */
export function profileAvoidsSteps(engine: WalkingEngine<any>, profileId: string): boolean {
  return engine.profile(profileId).excluded_highways.includes('steps');
}

/** The origins each compound's walks start from under a profile, and the compounds that have none. */
export function originsOf(compounds: readonly CoverageCompound[], stepFreeOnly: boolean) {
  const origins: CoverageOrigin[] = [];
  const byCompound: number[][] = [];
  const problem: (CoverageNote | null)[] = [];
  compounds.forEach((c, ci) => {
    const list: number[] = [];
    let note: CoverageNote | null = null;
    if (c.gates.length === 0) {
      if (c.lon !== null && c.lat !== null) {
        list.push(origins.length);
        origins.push({ compound: ci, gateId: null, gateName: '小区位置', lon: c.lon, lat: c.lat });
      } else note = 'no_location';
    } else {
      const usable = stepFreeOnly ? c.gates.filter((g) => g.step_free) : c.gates;
      if (usable.length === 0) note = 'no_step_free_gate';
      for (const g of usable) {
        list.push(origins.length);
        origins.push({ compound: ci, gateId: g.id, gateName: g.name, lon: g.lon, lat: g.lat });
      }
    }
    byCompound.push(list);
    problem.push(note);
  });
  return { origins, byCompound, problem };
}

/** The result of one analysis: every compound × category row, plus what what-if needs to reuse. */
export class CoverageModel {
  constructor(
    readonly profile: string,
    readonly categories: readonly string[],
    readonly compounds: readonly CoverageCompound[],
    readonly origins: readonly CoverageOrigin[],
    readonly originsByCompound: readonly (readonly number[])[],
    /** rows[compoundIndex * categories.length + categoryIndex] */
    readonly rows: readonly CoverageRow[],
    readonly computedMs: number,
  ) {}

  row(compoundIndex: number, category: string): CoverageRow {
    return this.rows[compoundIndex * this.categories.length + this.categories.indexOf(category)];
  }

  streetCodes(): Set<string> { return new Set(this.compounds.map((c) => c.street_code)); }
}

/**
 * Analyse every compound for every category under one profile. `engine` holds the active service
 * points; `settings` gives targets and incomplete marks per street.
 */
export function analyseCoverage(
  engine: WalkingEngine<CoveragePoint>,
  compounds: readonly CoverageCompound[],
  settings: CoverageSettings,
  profileId: string,
  categories: readonly string[],
): CoverageModel {
  const started = performance.now();
  const { origins, byCompound, problem } = originsOf(compounds, profileAvoidsSteps(engine, profileId));
  const batch = engine.batchNearest(origins.map((o, i): BatchOrigin => ({ id: i, lon: o.lon, lat: o.lat })),
    { profile: profileId, categories });
  const rows: CoverageRow[] = [];
  compounds.forEach((c, ci) => {
    const snapped = byCompound[ci].filter((oi) => batch[oi].nearest !== null);
    for (const category of categories) {
      const target = settings.target(c.street_code, category, profileId);
      let best: { oi: number; walk_s: number; walk_min: number; walk_m: number; point: CoveragePoint } | null = null;
      for (const oi of snapped) {
        const n = batch[oi].nearest![category];
        if (n && (!best || n.walk_s < best.walk_s)) best = { oi, walk_s: n.walk_s, walk_min: n.walk_min, walk_m: n.walk_m, point: n.point };
      }
      let status: CoverageStatus;
      let note: CoverageNote | null = problem[ci];
      if (note === 'no_location') status = 'unknown';
      else if (note !== 'no_step_free_gate' && snapped.length === 0) { status = 'unknown'; note = 'off_network'; }
      else if (note === 'no_step_free_gate') status = 'gap';
      else if (!best) { status = 'gap'; note = 'no_point'; }
      else status = best.walk_min <= target.minutes ? 'covered' : 'gap';
      if (settings.incompleteMark(c.street_code, category) && status === 'gap') { status = 'unknown'; note = 'incomplete_data'; }
      const origin = best ? origins[best.oi] : null;
      rows.push({
        compound_id: c.id,
        compound_name: c.name,
        street_code: c.street_code,
        community_code: c.community_code,
        households: c.households,
        residents: c.residents,
        category,
        walk_min: best?.walk_min ?? null,
        walk_m: best?.walk_m ?? null,
        target_min: target.minutes,
        target_source: target.source,
        gap: status === 'gap',
        over_min: status === 'gap' && best ? round1(best.walk_min - target.minutes) : null,
        status,
        note,
        nearest: best ? { id: best.point.id, name: best.point.name ?? null } : null,
        gate: origin ? { id: origin.gateId, name: origin.gateName } : null,
      });
    }
  });
  return new CoverageModel(profileId, categories, compounds, origins, byCompound, rows, performance.now() - started);
}

/** Worst first: gaps with no point at all, then by minutes over target and residents; then unknown, then covered. */
export function worstFirst(a: CoverageRow, b: CoverageRow): number {
  const rank = (r: CoverageRow) => (r.status === 'gap' ? 0 : r.status === 'unknown' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const over = (r: CoverageRow) => (r.status === 'gap' ? (r.over_min ?? Infinity) : -(r.walk_min ?? 0));
  if (over(a) !== over(b)) return over(b) - over(a);
  if ((a.residents ?? 0) !== (b.residents ?? 0)) return (b.residents ?? 0) - (a.residents ?? 0);
  return a.compound_id - b.compound_id || a.category.localeCompare(b.category);
}

// ---- tallies ----------------------------------------------------------------------------------

export interface CoverageTally {
  compounds: number;
  covered: number;
  gaps: number;
  unknown: number;
  /** covered / (covered + gaps); null when nothing is known. */
  share_covered: number | null;
  /** Residents of compounds with a known count. */
  residents: number;
  residents_covered: number;
  residents_gap: number;
  /** residents_covered / (residents_covered + residents_gap); null when no counts are known. */
  share_residents_covered: number | null;
  /** Compounds without a residents count (they count in compounds, not in residents). */
  compounds_without_residents: number;
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null);

export function tally(rows: Iterable<CoverageRow>): CoverageTally {
  const t = { compounds: 0, covered: 0, gaps: 0, unknown: 0, residents: 0, residents_covered: 0, residents_gap: 0, compounds_without_residents: 0 };
  for (const r of rows) {
    t.compounds++;
    if (r.residents === null) t.compounds_without_residents++;
    const people = r.residents ?? 0;
    t.residents += people;
    if (r.status === 'covered') { t.covered++; t.residents_covered += people; }
    else if (r.status === 'gap') { t.gaps++; t.residents_gap += people; }
    else t.unknown++;
  }
  return {
    ...t,
    share_covered: share(t.covered, t.covered + t.gaps),
    share_residents_covered: share(t.residents_covered, t.residents_covered + t.residents_gap),
  };
}

export interface StreetSummary {
  street_code: string;
  street_name: string;
  /** no_data: the street has no compounds in the database yet, so nothing can be said. */
  status: 'ok' | 'no_data';
  compounds: number;
  residents: number;
  /** Compounds without a gap in any category (unknown categories do not count as gaps). */
  compounds_without_gaps: number;
  residents_without_gaps: number;
  gap_rows: number;
  unknown_rows: number;
  /** Over all compound × category rows of the street. */
  overall: CoverageTally;
  by_category: Record<string, CoverageTally>;
}

export function summariseStreet(
  street: { code: string; name: string }, rows: readonly CoverageRow[], categories: readonly string[],
): StreetSummary {
  const byCompound = new Map<number, CoverageRow[]>();
  for (const r of rows) {
    if (!byCompound.has(r.compound_id)) byCompound.set(r.compound_id, []);
    byCompound.get(r.compound_id)!.push(r);
  }
  let residents = 0, withoutGaps = 0, residentsWithoutGaps = 0;
  for (const list of byCompound.values()) {
    const people = list[0].residents ?? 0;
    residents += people;
    if (!list.some((r) => r.status === 'gap')) { withoutGaps++; residentsWithoutGaps += people; }
  }
  const by_category: Record<string, CoverageTally> = {};
  for (const c of categories) by_category[c] = tally(rows.filter((r) => r.category === c));
  return {
    street_code: street.code,
    street_name: street.name,
    status: byCompound.size > 0 ? 'ok' : 'no_data',
    compounds: byCompound.size,
    residents,
    compounds_without_gaps: withoutGaps,
    residents_without_gaps: residentsWithoutGaps,
    gap_rows: rows.filter((r) => r.status === 'gap').length,
    unknown_rows: rows.filter((r) => r.status === 'unknown').length,
    overall: tally(rows),
    by_category,
  };
}
