// Planning on top of a coverage analysis: what a new point of one category at one place would change
// (what-if), and which of many candidate places would newly cover the most residents (suggest).
// Both run on a separate planning engine over the same graph, whose point index holds only the
// hypothetical points, so nothing touches the live index and the arithmetic is the engine's own.
import { WalkingEngine, OutsideNetworkError, type BatchOrigin } from '../network/walkingEngine.ts';
import type { WalkingGraph } from '../network/walkingGraph.ts';
import type { CategorisedPoint } from '../network/servicePoints.ts';
import type { RingCollection } from '../network/rings.ts';
import type { SnappedLocation } from '../network/snapping.ts';
import { TravelTimeSearch, arrivalAt, seedsOf } from '../network/travelTimes.ts';
import type { CoverageSettings } from './targets.ts';
import { tally, type CoverageCompound, type CoverageModel, type CoverageRow } from './analysis.ts';
import { areaOf, growArea, sampleNetworkCandidates, type NetworkCandidate } from './candidates.ts';
import { placeName } from './placeNames.ts';
import { bestWithBudget, coveredBy, fewestSites, greedyBudget, greedyCover, type ExactChoice, type SiteInstance } from './siteSelection.ts';

const planners = new WeakMap<WalkingGraph, WalkingEngine<CategorisedPoint>>();

/** The planning engine for a live engine's graph (built once per graph: a snapper and a search workspace). */
export function plannerFor(engine: WalkingEngine<any>): WalkingEngine<CategorisedPoint> {
  let planner = planners.get(engine.graph);
  if (!planner) {
    planner = new WalkingEngine<CategorisedPoint>(engine.graph, engine.listProfiles(), { maxSnapM: engine.maxSnapM, ring: engine.ringOptions });
    planners.set(engine.graph, planner);
  }
  return planner;
}

export interface NewlyCovered {
  compound_id: number;
  compound_name: string;
  street_code: string;
  residents: number | null;
  households: number | null;
  walk_min_before: number | null;
  walk_min_after: number;
  target_min: number;
  gate_name: string;
  /** Where to draw the compound: its own location, else its gate's. */
  lon: number | null;
  lat: number | null;
}

export interface StreetChange {
  street_code: string;
  compounds: number;
  covered_before: number;
  covered_after: number;
  share_before: number | null;
  share_after: number | null;
  residents_covered_before: number;
  residents_covered_after: number;
  share_residents_before: number | null;
  share_residents_after: number | null;
}

export interface WhatIfAnswer {
  category: string;
  profile: string;
  location: { lon: number; lat: number; snapped_lon: number; snapped_lat: number; snap_m: number; road: string | null };
  newly_covered: NewlyCovered[];
  newly_covered_compounds: number;
  newly_covered_residents: number;
  /** Mean walking minutes from the newly covered compounds to the new point, weighted by residents
   * (by compounds when no residents are known): how well, not only whether, they would be served. */
  newly_covered_mean_walk_min: number | null;
  /** Compounds (any status) whose nearest point of the category would become nearer. */
  nearer_compounds: number;
  streets: StreetChange[];
}

export interface WhatIfRequest { category: string; lon: number; lat: number }

/** From new points to each compound's best usable gate, within `limitMinutes` (undefined = farther). */
export function walksFromNewPoints(
  planner: WalkingEngine<CategorisedPoint>, model: CoverageModel, points: readonly CategorisedPoint[], category: string, limitMinutes: number,
): ({ minutes: number; origin: number } | undefined)[] {
  planner.points.setAll(points);
  const batch = planner.batchNearest(model.origins.map((o, i): BatchOrigin => ({ id: i, lon: o.lon, lat: o.lat })),
    { profile: model.profile, categories: [category], maxMinutes: limitMinutes });
  return model.compounds.map((_, ci) => {
    let best: { minutes: number; origin: number; s: number } | undefined;
    for (const oi of model.originsByCompound[ci]) {
      const n = batch[oi].nearest?.[category];
      if (n && (best === undefined || n.walk_s < best.s)) best = { minutes: n.walk_min, origin: oi, s: n.walk_s };
    }
    return best && { minutes: best.minutes, origin: best.origin };
  });
}

/**
 * What a new point of `category` at (lon, lat) would change. Throws OutsideNetworkError when the place
 * cannot be attached to the walking network.
 */
export function whatIf(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, request: WhatIfRequest): WhatIfAnswer {
  const planner = plannerFor(engine);
  const snap = planner.locate([request.lon, request.lat], model.profile, 'location');
  const limit = settings.maxMinutes(request.category, model.profile, model.streetCodes());
  const after = walksFromNewPoints(planner, model, [{ id: 'new', category_id: request.category, lon: request.lon, lat: request.lat }], request.category, limit);
  const newly: NewlyCovered[] = [];
  let nearer = 0;
  const changes = new Map<string, { before: CoverageRow[]; after: CoverageRow[] }>();
  model.compounds.forEach((c, ci) => {
    const row = model.row(ci, request.category);
    const walk = after[ci];
    if (!changes.has(c.street_code)) changes.set(c.street_code, { before: [], after: [] });
    const street = changes.get(c.street_code)!;
    street.before.push(row);
    let next = row;
    if (walk && (row.walk_min === null || walk.minutes < row.walk_min)) {
      nearer++;
      if (row.status === 'gap' && row.note !== 'no_step_free_gate' && walk.minutes <= row.target_min) {
        next = { ...row, status: 'covered', gap: false, walk_min: walk.minutes };
        newly.push({
          compound_id: c.id, compound_name: c.name, street_code: c.street_code, residents: c.residents, households: c.households,
          walk_min_before: row.walk_min, walk_min_after: walk.minutes, target_min: row.target_min, gate_name: model.origins[walk.origin].gateName,
          lon: c.lon ?? model.origins[walk.origin].lon, lat: c.lat ?? model.origins[walk.origin].lat,
        });
      }
    }
    street.after.push(next);
  });
  newly.sort((a, b) => (b.residents ?? 0) - (a.residents ?? 0) || a.walk_min_after - b.walk_min_after);
  const streets: StreetChange[] = [...changes.entries()].map(([code, { before, after: afterRows }]) => {
    const b = tally(before), a = tally(afterRows);
    return {
      street_code: code, compounds: b.compounds,
      covered_before: b.covered, covered_after: a.covered, share_before: b.share_covered, share_after: a.share_covered,
      residents_covered_before: b.residents_covered, residents_covered_after: a.residents_covered,
      share_residents_before: b.share_residents_covered, share_residents_after: a.share_residents_covered,
    };
  }).sort((x, y) => (y.covered_after - y.covered_before) - (x.covered_after - x.covered_before) || x.street_code.localeCompare(y.street_code));
  return {
    category: request.category,
    profile: model.profile,
    location: {
      lon: request.lon, lat: request.lat,
      snapped_lon: Math.round(snap.snapLon * 1e6) / 1e6, snapped_lat: Math.round(snap.snapLat * 1e6) / 1e6,
      snap_m: Math.round(snap.snapDistM), road: engine.graph.ways[engine.graph.edgeWay[snap.edge]]?.name ?? null,
    },
    newly_covered: newly,
    newly_covered_compounds: newly.length,
    newly_covered_residents: newly.reduce((n, x) => n + (x.residents ?? 0), 0),
    newly_covered_mean_walk_min: meanWalk(newly.map((x) => ({ residents: x.residents, minutes: x.walk_min_after }))),
    nearer_compounds: nearer,
    streets,
  };
}

/** Residents-weighted mean minutes (plain mean when no residents are known); null for none. */
function meanWalk(items: readonly { residents: number | null; minutes: number }[]): number | null {
  if (items.length === 0) return null;
  const people = items.reduce((n, x) => n + (x.residents ?? 0), 0);
  const mean = people > 0
    ? items.reduce((n, x) => n + (x.residents ?? 0) * x.minutes, 0) / people
    : items.reduce((n, x) => n + x.minutes, 0) / items.length;
  return Math.round(mean * 10) / 10;
}

/** The rings (isochrones) of a place under a profile, for the map. */
export function ringsAround(engine: WalkingEngine<any>, lon: number, lat: number, profile: string, minutes: readonly number[]): RingCollection {
  return plannerFor(engine).rings([lon, lat], profile, minutes);
}

// ---- suggestions ------------------------------------------------------------------------------

export interface SuggestRequest {
  category: string;
  /** Sample the network near this street's gap compounds (default: near every gap compound). */
  street?: string;
  /** Places the office proposes; when absent, positions along the network are sampled. */
  candidates?: { lon: number; lat: number; label?: string }[];
  /** How many suggestions to return (default 5). */
  top?: number;
  /** Sampling spacing along the network in metres (default 50). */
  spacingM?: number;
  /**
   * Residents' open 缺少服务 reports of the category: when given, a candidate also scores for the reports
   * within the category's target walk of it (each counted once, by its repeats), worth `residentsPerReport`.
   */
  reports?: { id: number; lon: number; lat: number; weight: number }[];
  residentsPerReport?: number;
}

export interface ReportWeighting {
  residents_per_report: number;
  reports_considered: number;
  /** Reports (weighted by repeats) that the suggested sites together answer. */
  reports_answered: number;
}

export interface Suggestion extends WhatIfAnswer {
  rank: number;
  label: string | null;
  /** "友谊北路与津港路交口附近": the nearest named street and its nearest named cross street. */
  place_name: string;
  /** Gap compounds this site covers that no earlier suggestion covers (its marginal gain). */
  adds_compound_ids: number[];
  adds_compounds: number;
  adds_residents: number;
  /** Reports (ids) this site answers that no earlier suggestion answers; empty without report weighting. */
  answers_report_ids: number[];
  answers_reports: number;
}

export interface SuggestAnswer {
  category: string;
  profile: string;
  street: string | null;
  /** Gap compounds the ranking tried to cover. */
  gap_compounds: number;
  gap_residents: number;
  candidates_evaluated: number;
  candidates_off_network: number;
  source: 'supplied' | 'network';
  spacing_m: number | null;
  suggestions: Suggestion[];
  /** Null when the ranking counted residents only. */
  report_weighting: ReportWeighting | null;
  computed_ms: number;
}

export const MAX_SAMPLED_CANDIDATES = 6000;
/** What one resident's report of a missing service weighs in report-weighted suggestions, in residents. */
export const DEFAULT_RESIDENTS_PER_REPORT = 100;

type GapCompound = { c: CoverageCompound; ci: number; row: CoverageRow };

/** Gap compounds of a category that a new site could close (a compound lacking a step-free gate cannot). */
export function gapCompoundsOf(model: CoverageModel, category: string): GapCompound[] {
  return model.compounds
    .map((c, ci) => ({ c, ci, row: model.row(ci, category) }))
    .filter(({ ci, row }) => row.status === 'gap' && row.note !== 'no_step_free_gate' && model.originsByCompound[ci].length > 0);
}

/**
 * The candidate places: those supplied, else positions along the network around `around` (grown by how
 * far the target lets one walk), the spacing widened until at most MAX_SAMPLED_CANDIDATES remain.
 * Undefined when there is nothing to sample around.
 */
export function candidatePlaces(
  engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, category: string,
  around: readonly GapCompound[], request: { candidates?: { lon: number; lat: number; label?: string }[]; spacingM?: number },
  alsoAround: readonly { lon: number; lat: number }[] = [],
): { candidates: (NetworkCandidate & { label: string | null })[]; spacing: number | null } | undefined {
  if (request.candidates?.length) {
    return { candidates: request.candidates.map((c) => ({ lon: c.lon, lat: c.lat, road: null, label: c.label ?? null })), spacing: null };
  }
  const area = areaOf([...around.flatMap(({ ci }) => model.originsByCompound[ci].map((oi) => model.origins[oi])), ...alsoAround]);
  if (!area) return undefined;
  const limit = settings.maxMinutes(category, model.profile, model.streetCodes());
  const reachM = Math.min(engine.reachRadiusM(model.profile, limit), 1500);
  let spacing = request.spacingM ?? 50;
  const costs = engine.costs(model.profile);
  let sampled = sampleNetworkCandidates(engine.graph, costs, growArea(area, reachM, engine.graph), spacing);
  while (sampled.length > MAX_SAMPLED_CANDIDATES) {
    spacing *= 1.5;
    sampled = sampleNetworkCandidates(engine.graph, costs, growArea(area, reachM, engine.graph), spacing);
  }
  return { candidates: sampled.map((c) => ({ ...c, label: null })), spacing };
}

/**
 * Suggest places for a new point of `category`, greedily: each next place adds the most residents (then
 * compounds) that the places before it leave uncovered, so the list never repeats one neighbourhood.
 * Reverse search: one bounded multi-source search per gap compound, started from its usable gates, read
 * at every candidate (walking times are symmetric); each pick is then checked with a full what-if.
 */
export function suggest(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, request: SuggestRequest): SuggestAnswer {
  const started = performance.now();
  const category = request.category;
  const top = request.top ?? 5;
  const gapCompounds = gapCompoundsOf(model, category);
  const inStreet = request.street ? gapCompounds.filter((g) => g.c.street_code === request.street) : gapCompounds;
  const base = {
    category, profile: model.profile, street: request.street ?? null,
    gap_compounds: inStreet.length, gap_residents: inStreet.reduce((n, g) => n + (g.c.residents ?? 0), 0),
  };

  const reports = request.reports ?? null;
  const perReport = request.residentsPerReport ?? DEFAULT_RESIDENTS_PER_REPORT;
  const places = candidatePlaces(engine, model, settings, category, inStreet, request, reports ?? []);
  const weighting = (answered: number): ReportWeighting | null => (reports
    ? { residents_per_report: perReport, reports_considered: reports.reduce((n, r) => n + r.weight, 0), reports_answered: answered } : null);
  if (!places) {
    return { ...base, candidates_evaluated: 0, candidates_off_network: 0, source: 'network', spacing_m: request.spacingM ?? 50, suggestions: [], report_weighting: weighting(0), computed_ms: performance.now() - started };
  }
  const { candidates, spacing } = places;
  const { sets, walks, offNetwork } = coverageSets(engine, model, gapCompounds, candidates);
  // Which reports each candidate answers: within the category's target walk of the reported place.
  const target = settings.defaultMinutes(category, model.profile);
  const reportSets = reports
    ? reachSets(engine, model.profile, reports.map((r) => ({ places: [r], limitMin: target })), candidates).sets
    : candidates.map(() => [] as number[]);
  const answered = new Set<number>();

  // Greedy max-coverage: each next site is the one adding the most residents (then compounds) not yet
  // covered by the sites before it, so every suggestion brings compounds the earlier ones do not.
  // Each pick is then checked with the full what-if, whose own arithmetic gives the figures shown.
  const covered = new Set<number>();
  const picked: { i: number; answer: WhatIfAnswer; adds: number[]; answers: number[] }[] = [];
  const skipped = new Set<number>();
  while (picked.length < top) {
    // ties go to the shorter walks for the compounds added (residents-weighted minutes)
    let best = -1, bestResidents = -1, bestCount = 0, bestMinutes = Infinity;
    sets.forEach((set, i) => {
      if (skipped.has(i)) return;
      let count = 0, people = 0, minutes = 0;
      set.forEach((k, n) => {
        if (covered.has(k)) return;
        const r = gapCompounds[k].c.residents ?? 0;
        count++; people += r; minutes += (r || 1) * walks[i][n];
      });
      // A report answered counts as perReport residents: what residents asked for weighs beside what the analysis finds.
      let asked = 0;
      for (const j of reportSets[i]) if (!answered.has(j)) asked += reports![j].weight;
      people += asked * perReport;
      count += asked > 0 ? 1 : 0;
      if (count === 0) return;
      if (people > bestResidents || (people === bestResidents && (count > bestCount || (count === bestCount && minutes < bestMinutes)))) {
        best = i; bestResidents = people; bestCount = count; bestMinutes = minutes;
      }
    });
    if (best < 0) break;
    const c = candidates[best];
    let answer: WhatIfAnswer;
    try { answer = whatIf(engine, model, settings, { category, lon: c.lon, lat: c.lat }); } catch (e) {
      if (e instanceof OutsideNetworkError) { skipped.add(best); continue; }
      throw e;
    }
    if (!answer.location.road && c.road) answer.location.road = c.road;
    const adds = sets[best].filter((k) => !covered.has(k));
    for (const k of adds) covered.add(k);
    const answers = reportSets[best].filter((j) => !answered.has(j));
    for (const j of answers) answered.add(j);
    picked.push({ i: best, answer, adds, answers });
  }
  return {
    ...base,
    candidates_evaluated: candidates.length,
    candidates_off_network: offNetwork,
    source: request.candidates?.length ? 'supplied' : 'network',
    spacing_m: spacing,
    suggestions: picked.map((p, k) => ({
      rank: k + 1, label: candidates[p.i].label, ...p.answer,
      place_name: placeName(engine.graph, p.answer.location.lon, p.answer.location.lat),
      adds_compound_ids: p.adds.map((g) => gapCompounds[g].c.id),
      adds_compounds: p.adds.length,
      adds_residents: p.adds.reduce((n, g) => n + (gapCompounds[g].c.residents ?? 0), 0),
      answers_report_ids: p.answers.map((j) => reports![j].id),
      answers_reports: p.answers.reduce((n, j) => n + reports![j].weight, 0),
    })),
    report_weighting: weighting(picked.reduce((n, p) => n + p.answers.reduce((m, j) => m + reports![j].weight, 0), 0)),
    computed_ms: performance.now() - started,
  };
}

/**
 * The gap compounds (indices into `gapCompounds`) each candidate would bring within target. Reverse search: one search per gap
 * compound, from its usable gates, bounded by its target; the candidates on the edges it settles are
 * read off (walking times are symmetric, so gate → candidate equals candidate → gate). Each compound
 * costs what its own target-sized neighbourhood costs, whatever the number of candidates. The
 * arithmetic is the engine's batchNearest with the roles swapped: access legs at both ends, partial
 * edges, and the same-edge case; minutes are rounded to one decimal before comparing with the target.
 */
export function coverageSets(
  engine: WalkingEngine<any>, model: CoverageModel,
  gapCompounds: readonly { c: CoverageCompound; ci: number; row: CoverageRow }[],
  candidates: readonly { lon: number; lat: number }[],
) {
  return reachSets(engine, model.profile,
    gapCompounds.map(({ ci, row }) => ({ places: model.originsByCompound[ci].map((oi) => model.origins[oi]), limitMin: row.target_min })), candidates);
}

/**
 * For each candidate, the sources (indices) within each source's own walking limit of it, and the
 * minutes. A source is one or more places (a compound's usable gates, or a resident's reported place);
 * one bounded search per source, read at every candidate on the edges it settles.
 */
export function reachSets(
  engine: WalkingEngine<any>, profileId: string,
  sources: readonly { places: readonly { lon: number; lat: number }[]; limitMin: number }[],
  candidates: readonly { lon: number; lat: number }[],
) {
  const graph = engine.graph;
  const profile = engine.profile(profileId);
  const costs = engine.costs(profileId);
  const speed = profile.speed_mps;
  const search = searchFor(graph);
  const snapOf = (lon: number, lat: number) => engine.snapper.snap(lon, lat, costs, engine.maxSnapM);

  const located: (SnappedLocation | null)[] = candidates.map((c) => { const s = snapOf(c.lon, c.lat); return s.ok ? s : null; });
  const onEdge = new Map<number, number[]>();
  located.forEach((loc, i) => {
    if (!loc) return;
    if (!onEdge.has(loc.edge)) onEdge.set(loc.edge, []);
    onEdge.get(loc.edge)!.push(i);
  });
  const seenBy = new Int32Array(candidates.length).fill(-1);
  const sets: number[][] = candidates.map(() => []);
  /** walks[i][n]: minutes from candidate i to source sets[i][n] */
  const walks: number[][] = candidates.map(() => []);
  const { adjOffsets, adjEdge } = graph;

  sources.forEach(({ places, limitMin }, k) => {
    const gates = places.map((p) => snapOf(p.lon, p.lat)).filter((g): g is SnappedLocation => g.ok);
    if (gates.length === 0) return;
    const limitSec = (limitMin + 0.05) * 60;
    search.start(costs, gates.flatMap((g) => seedsOf(graph, costs, g, speed, 0))).runTo(limitSec);
    const consider = (i: number) => {
      if (seenBy[i] === k) return;
      seenBy[i] = k;
      const loc = located[i]!;
      const best = arrivalAt(search, graph, costs, loc, speed, gates.filter((g) => g.edge === loc.edge)).timeSec;
      const walk = Math.round((best / 60) * 10) / 10;
      if (!(walk <= limitMin)) return;
      sets[i].push(k);
      walks[i].push(walk);
    };
    for (const g of gates) for (const i of onEdge.get(g.edge) ?? []) consider(i);
    for (let n = 0; n < search.settledCount; n++) {
      const v = search.settledOrder[n];
      for (let a = adjOffsets[v]; a < adjOffsets[v + 1]; a++) for (const i of onEdge.get(adjEdge[a]) ?? []) consider(i);
    }
  });

  return { sets, walks, offNetwork: located.filter((l) => l === null).length };
}

// ---- the fewest new sites (exact) ------------------------------------------------------------------

export interface SiteRequest { category: string; street?: string; spacingM?: number; budget?: number }

/** The instance the exact answers solve: the gap compounds of the scope and each candidate's coverage set. */
export function siteInstanceFor(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, request: SiteRequest) {
  const all = gapCompoundsOf(model, request.category);
  const gaps = request.street ? all.filter((g) => g.c.street_code === request.street) : all;
  const places = candidatePlaces(engine, model, settings, request.category, gaps, { spacingM: request.spacingM });
  const candidates = places?.candidates ?? [];
  const { sets, offNetwork } = coverageSets(engine, model, gaps, candidates);
  const instance: SiteInstance = { weights: gaps.map((g) => g.c.residents ?? 0), sets };
  return { gaps, candidates, spacing: places?.spacing ?? null, offNetwork, instance };
}

export interface PlannedSite {
  lon: number;
  lat: number;
  road: string | null;
  place_name: string;
  compound_ids: number[];
  compounds: number;
  residents: number;
}

export interface ExactAnswer {
  status: ExactChoice['status'];
  proven_optimal: boolean;
  solver_status: string;
  solve_ms: number;
  variables: number;
  constraints: number;
  sites: PlannedSite[];
  greedy_sites: PlannedSite[];
}

export interface FewestSitesAnswer {
  category: string;
  profile: string;
  street: string | null;
  gap_compounds: number;
  gap_residents: number;
  /** Gap compounds no candidate place can bring within target: no new site here closes them. */
  uncoverable: { compound_id: number; compound_name: string; residents: number | null }[];
  candidates_evaluated: number;
  spacing_m: number | null;
  /** The smallest set of places that brings every coverable gap compound within target. */
  cover: ExactAnswer & { count: number | null; greedy_count: number };
  /** The `budget` places covering the most residents (when a budget was asked). */
  budget: (ExactAnswer & { k: number; residents_covered: number; compounds_covered: number; greedy_residents: number; greedy_compounds: number }) | null;
  /** Reverse search and both solves. */
  computed_ms: number;
}

/** The fewest new sites that close the gaps of a category (street or district), solved exactly, beside greedy. */
export async function planFewestSites(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, request: SiteRequest): Promise<FewestSitesAnswer> {
  const started = performance.now();
  const { gaps, candidates, spacing, instance } = siteInstanceFor(engine, model, settings, request);
  const every = new Set(gaps.map((_, k) => k));
  const reachable = new Set(instance.sets.flat());
  const site = (i: number): PlannedSite => {
    const c = candidates[i];
    const set = instance.sets[i];
    return {
      lon: c.lon, lat: c.lat, road: c.road, place_name: placeName(engine.graph, c.lon, c.lat),
      compound_ids: set.map((k) => gaps[k].c.id), compounds: set.length,
      residents: set.reduce((n, k) => n + (gaps[k].c.residents ?? 0), 0),
    };
  };
  const exact = (choice: ExactChoice, greedy: number[]): ExactAnswer => ({
    status: choice.status, proven_optimal: choice.proven_optimal, solver_status: choice.solver_status,
    solve_ms: Math.round(choice.solve_ms * 10) / 10, variables: choice.variables, constraints: choice.constraints,
    sites: choice.chosen.map(site), greedy_sites: greedy.map(site),
  });
  const coverChoice = await fewestSites(instance, every);
  const coverGreedy = greedyCover(instance, every);
  let budget: FewestSitesAnswer['budget'] = null;
  if (request.budget) {
    const choice = await bestWithBudget(instance, every, request.budget);
    const greedy = greedyBudget(instance, request.budget);
    const got = coveredBy(instance, choice.chosen), greedyGot = coveredBy(instance, greedy);
    budget = {
      ...exact(choice, greedy), k: request.budget,
      residents_covered: got.weight, compounds_covered: got.compounds.size,
      greedy_residents: greedyGot.weight, greedy_compounds: greedyGot.compounds.size,
    };
  }
  return {
    category: request.category, profile: model.profile, street: request.street ?? null,
    gap_compounds: gaps.length, gap_residents: gaps.reduce((n, g) => n + (g.c.residents ?? 0), 0),
    uncoverable: gaps.filter((_, k) => !reachable.has(k)).map((g) => ({ compound_id: g.c.id, compound_name: g.c.name, residents: g.c.residents })),
    candidates_evaluated: candidates.length, spacing_m: spacing,
    cover: { ...exact(coverChoice, coverGreedy), count: coverChoice.status === 'optimal' || coverChoice.chosen.length ? coverChoice.chosen.length : null, greedy_count: coverGreedy.length },
    budget,
    computed_ms: performance.now() - started,
  };
}

const searches = new WeakMap<WalkingGraph, TravelTimeSearch>();
function searchFor(graph: WalkingGraph): TravelTimeSearch {
  let s = searches.get(graph);
  if (!s) { s = new TravelTimeSearch(graph); searches.set(graph, s); }
  return s;
}
