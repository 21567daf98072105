// Planning on top of a coverage analysis: what a new point of one category at one place would change
// (what-if), and which of many candidate places would newly cover the most residents (suggest).
// Both run on a separate planning engine over the same graph, whose point index holds only the
// hypothetical points, so nothing touches the live index and the arithmetic is the engine's own.
import { WalkingEngine, OutsideNetworkError, type BatchOrigin } from '../network/walkingEngine.ts';
import type { WalkingGraph } from '../network/walkingGraph.ts';
import type { CategorisedPoint } from '../network/servicePoints.ts';
import type { RingCollection } from '../network/rings.ts';
import type { SnappedLocation } from '../network/snapping.ts';
import { TravelTimeSearch, seedsOf } from '../network/travelTimes.ts';
import type { CoverageSettings } from './targets.ts';
import { tally, type CoverageCompound, type CoverageModel, type CoverageRow } from './analysis.ts';
import { areaOf, growArea, sampleNetworkCandidates, type NetworkCandidate } from './candidates.ts';

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
function walksFromNewPoints(
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

/** The ranking order: residents newly covered, then compounds, then shorter walks for them. */
function better(a: { residents: number; compounds: number; mean: number | null }, b: { residents: number; compounds: number; mean: number | null }): number {
  return b.residents - a.residents || b.compounds - a.compounds || (a.mean ?? Infinity) - (b.mean ?? Infinity);
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
  /** Suggestions at least this far apart, so the list is not five doors on one block (default 150 m). */
  minSeparationM?: number;
}

export interface Suggestion extends WhatIfAnswer {
  rank: number;
  label: string | null;
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
  computed_ms: number;
}

export const MAX_SAMPLED_CANDIDATES = 6000;

/**
 * Rank candidate places for a new point of `category` by residents newly covered (then compounds,
 * then shorter walks). Reverse search: one bounded multi-source search per gap compound, started from
 * its usable gates, read at every candidate (walking times are symmetric), then the best few are
 * checked with a full what-if each.
 */
export function suggest(engine: WalkingEngine<any>, model: CoverageModel, settings: CoverageSettings, request: SuggestRequest): SuggestAnswer {
  const started = performance.now();
  const category = request.category;
  const top = request.top ?? 5;
  const gapCompounds = model.compounds
    .map((c, ci) => ({ c, ci, row: model.row(ci, category) }))
    .filter(({ ci, row }) => row.status === 'gap' && row.note !== 'no_step_free_gate' && model.originsByCompound[ci].length > 0);
  const inStreet = request.street ? gapCompounds.filter((g) => g.c.street_code === request.street) : gapCompounds;
  const limit = settings.maxMinutes(category, model.profile, model.streetCodes());
  const base = {
    category, profile: model.profile, street: request.street ?? null,
    gap_compounds: inStreet.length, gap_residents: inStreet.reduce((n, g) => n + (g.c.residents ?? 0), 0),
  };

  let candidates: (NetworkCandidate & { label: string | null })[];
  let spacing: number | null = null;
  if (request.candidates?.length) {
    candidates = request.candidates.map((c) => ({ lon: c.lon, lat: c.lat, road: null, label: c.label ?? null }));
  } else {
    const area = areaOf(inStreet.flatMap(({ ci }) => model.originsByCompound[ci].map((oi) => model.origins[oi])));
    if (!area) {
      return { ...base, candidates_evaluated: 0, candidates_off_network: 0, source: 'network', spacing_m: request.spacingM ?? 50, suggestions: [], computed_ms: performance.now() - started };
    }
    const profile = engine.profile(model.profile);
    const reachM = Math.min(limit * 60 * profile.speed_mps, 1500);
    spacing = request.spacingM ?? 50;
    const costs = engine.costs(model.profile);
    let sampled = sampleNetworkCandidates(engine.graph, costs, growArea(area, reachM, engine.graph), spacing);
    while (sampled.length > MAX_SAMPLED_CANDIDATES) {
      spacing *= 1.5;
      sampled = sampleNetworkCandidates(engine.graph, costs, growArea(area, reachM, engine.graph), spacing);
    }
    candidates = sampled.map((c) => ({ ...c, label: null }));
  }

  const { scores, offNetwork } = scoreCandidates(engine, model, gapCompounds, candidates);
  const ranked = scores.sort((a, b) => better(a, b) || a.i - b.i);

  // Greedy pick of well-separated candidates, each then checked with the full what-if.
  const separation = request.minSeparationM ?? 150;
  const picked: { i: number; answer: WhatIfAnswer }[] = [];
  const { plane } = engine.graph;
  for (const s of ranked) {
    if (picked.length >= top) break;
    const c = candidates[s.i];
    const close = picked.some((p) => {
      const q = candidates[p.i];
      return Math.hypot(plane.x(c.lon) - plane.x(q.lon), plane.y(c.lat) - plane.y(q.lat)) < separation;
    });
    if (close) continue;
    let answer: WhatIfAnswer;
    try { answer = whatIf(engine, model, settings, { category, lon: c.lon, lat: c.lat }); } catch (e) {
      if (e instanceof OutsideNetworkError) continue;
      throw e;
    }
    if (!answer.location.road && c.road) answer.location.road = c.road;
    picked.push({ i: s.i, answer });
  }
  const key = (w: WhatIfAnswer) => ({ residents: w.newly_covered_residents, compounds: w.newly_covered_compounds, mean: w.newly_covered_mean_walk_min });
  picked.sort((a, b) => better(key(a.answer), key(b.answer)) || a.i - b.i);
  return {
    ...base,
    candidates_evaluated: candidates.length,
    candidates_off_network: offNetwork,
    source: request.candidates?.length ? 'supplied' : 'network',
    spacing_m: spacing,
    suggestions: picked.map((p, k) => ({ rank: k + 1, label: candidates[p.i].label, ...p.answer })),
    computed_ms: performance.now() - started,
  };
}

/**
 * Residents and compounds each candidate would newly cover. Reverse search: one search per gap
 * compound, from its usable gates, bounded by its target; the candidates on the edges it settles are
 * read off (walking times are symmetric, so gate → candidate equals candidate → gate). Each compound
 * costs what its own target-sized neighbourhood costs, whatever the number of candidates. The
 * arithmetic is the engine's batchNearest with the roles swapped: access legs at both ends, partial
 * edges, and the same-edge case; minutes are rounded to one decimal before comparing with the target.
 */
function scoreCandidates(
  engine: WalkingEngine<any>, model: CoverageModel,
  gapCompounds: readonly { c: CoverageCompound; ci: number; row: CoverageRow }[],
  candidates: readonly { lon: number; lat: number }[],
) {
  const graph = engine.graph;
  const profile = engine.profile(model.profile);
  const costs = engine.costs(model.profile);
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
  const residents = new Float64Array(candidates.length);
  const weightedMinutes = new Float64Array(candidates.length);
  const minutes = new Float64Array(candidates.length);
  const compounds = new Int32Array(candidates.length);
  const seenBy = new Int32Array(candidates.length).fill(-1);
  const { edgeFrom, edgeTo, adjOffsets, adjEdge } = graph;

  gapCompounds.forEach(({ c, ci, row }, k) => {
    const gates = model.originsByCompound[ci].map((oi) => snapOf(model.origins[oi].lon, model.origins[oi].lat))
      .filter((g): g is SnappedLocation => g.ok);
    if (gates.length === 0) return;
    const limitSec = (row.target_min + 0.05) * 60;
    search.start(costs, gates.flatMap((g) => seedsOf(graph, costs, g, speed, 0))).runTo(limitSec);
    const consider = (i: number) => {
      if (seenBy[i] === k) return;
      seenBy[i] = k;
      const loc = located[i]!;
      const e = loc.edge, cost = costs[e], access = loc.snapDistM / speed;
      let best = Infinity;
      if (search.isSettled(edgeFrom[e])) best = Math.min(best, search.time[edgeFrom[e]] + loc.t * cost + access);
      if (search.isSettled(edgeTo[e])) best = Math.min(best, search.time[edgeTo[e]] + (1 - loc.t) * cost + access);
      for (const g of gates) {
        if (g.edge === e) best = Math.min(best, Math.abs(g.t - loc.t) * cost + access + g.snapDistM / speed);
      }
      const walk = Math.round((best / 60) * 10) / 10;
      if (!(walk <= row.target_min)) return;
      compounds[i]++;
      minutes[i] += walk;
      residents[i] += c.residents ?? 0;
      weightedMinutes[i] += (c.residents ?? 0) * walk;
    };
    for (const g of gates) for (const i of onEdge.get(g.edge) ?? []) consider(i);
    for (let n = 0; n < search.settledCount; n++) {
      const v = search.settledOrder[n];
      for (let a = adjOffsets[v]; a < adjOffsets[v + 1]; a++) for (const i of onEdge.get(adjEdge[a]) ?? []) consider(i);
    }
  });

  const scores: { i: number; residents: number; compounds: number; mean: number | null }[] = [];
  for (let i = 0; i < candidates.length; i++) {
    if (compounds[i] === 0) continue;
    const mean = residents[i] > 0 ? weightedMinutes[i] / residents[i] : minutes[i] / compounds[i];
    scores.push({ i, residents: residents[i], compounds: compounds[i], mean: Math.round(mean * 10) / 10 });
  }
  return { scores, offNetwork: located.filter((l) => l === null).length };
}

const searches = new WeakMap<WalkingGraph, TravelTimeSearch>();
function searchFor(graph: WalkingGraph): TravelTimeSearch {
  let s = searches.get(graph);
  if (!s) { s = new TravelTimeSearch(graph); searches.set(graph, s); }
  return s;
}
